"""kubo's RPC API (/api/v0): one dispatcher, one module per command group.

Every module of this package other than the infrastructure below registers its commands with
:func:`fakeipfs.rpc.commands.command` when imported; :func:`load_commands` imports them all.
"""
from __future__ import annotations

import importlib
import pkgutil

#: Modules that are the dispatcher's machinery, not command groups.
INFRASTRUCTURE = {"commands", "dispatcher", "wire", "multipart"}

_loaded = False


def load_commands() -> None:
    global _loaded
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        if module.name not in INFRASTRUCTURE and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True
