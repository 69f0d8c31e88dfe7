"""Per-node state that a module keeps on the node itself, made the first time it is asked for.

kubo builds a node's subsystems (keystore, name system, MFS, ...) with the node; fakeipfs makes
each one when a module's ``of(node)`` first asks for it and keeps it in the node's ``__dict__``
under the module's attribute, so a plain :class:`~fakeipfs.Node` stays small and modules that
are never used cost nothing.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")

#: One lock per attribute, so making one part (which may ask for another) never waits on itself.
_LOCKS: dict[str, threading.Lock] = {}


def attached(node: Any, attr: str, make: Callable[[], T]) -> T:
    """``node.<attr>``, made by ``make()`` and stored there on first use (once, across threads)."""
    found = node.__dict__.get(attr)
    if found is None:
        with _LOCKS.setdefault(attr, threading.Lock()):
            found = node.__dict__.get(attr)
            if found is None:
                found = node.__dict__[attr] = make()
    return found
