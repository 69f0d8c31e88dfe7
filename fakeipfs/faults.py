"""Deterministic faults on a :class:`fakeipfs.Network`: slow, lossy links and crashed nodes.

Everything is off by default; a network without faults delivers every pubsub message before
``publish`` returns. The Python API (stable: the ``fakeipfs testnet`` control endpoint calls it):

``net.faults.set(latency=, jitter=, drop=, duplicate=, reorder=)``
    Defaults for every link (seconds for ``latency``/``jitter``, probabilities in ``[0, 1]``
    for the rest); a field left out keeps its value. ``net.faults.clear()`` turns every fault
    off (defaults and per-link settings; partitions and crashes are the network's: ``heal``,
    ``restart``).
``net.link(a, b).set(...)`` / ``.clear()`` / ``.faults``
    One link (both directions; ``a``, ``b`` are nodes or positions): the fields given override
    the defaults; ``clear`` goes back to them; ``faults`` is the :class:`LinkFaults` in force.
``net.faults.state()``
    A JSON-able dict of the defaults, the per-link overrides, the seed and :attr:`Faults.stats`.
``net.partition(groups)`` / ``net.heal()``, ``net.crash(i)`` / ``net.restart(i)``, ``net.crashed``
    On :class:`~fakeipfs.network.Network` (see there). A crashed node's public API raises
    :class:`NodeCrashed`, a ``ConnectionRefusedError``: what a client of a stopped daemon gets.

What the faults do, per link and per direction, to each pubsub message crossing it (a
``netem``-like model: Linux ``sch_netem`` ``delay``/``loss``/``duplicate``/``reorder``):

- ``latency`` ± ``jitter`` (uniform): the message arrives that much later, in real time, from a
  scheduler thread (:class:`Scheduler`); keep them to milliseconds in tests. A link stays FIFO
  (libp2p streams are ordered per connection), and a copy relayed along another path never
  overtakes an earlier message of the same publisher, so without drops and reordering every
  node gets each publisher's messages in order, whatever the latencies.
- ``drop``: the message is lost on that link (it may still arrive by another path, as floodsub
  sends it along every connection).
- ``duplicate``: the message crosses the link twice (the receiver's seen-cache drops the copy).
- ``reorder``: the message skips the link's queue and its latency (netem: "sent immediately"),
  overtaking the messages still in flight; it needs a latency to have anything to overtake.

Decisions are a counter-based random stream (:meth:`Faults.draw`): BLAKE2b of the network's
seed, the link's two positions, the publishing node's position and the message's number among
that node's publications. The same seed gives the same drops whatever the threads' timing, and
one link's decisions do not depend on traffic elsewhere.

Block fetching (bitswap runs over reliable streams) is not dropped; it waits a round trip of
the path's ``latency`` and obeys partitions and crashes.
"""
from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import threading
import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Callable, Optional

log = logging.getLogger(__name__)

#: The probabilities a :class:`LinkFaults` holds.
PROBABILITIES = ("drop", "duplicate", "reorder")


@dataclass(frozen=True)
class LinkFaults:
    """What one link does to the messages crossing it (all off by default)."""

    latency: float = 0.0  # seconds
    jitter: float = 0.0  # seconds, uniform in [-jitter, +jitter] around latency
    drop: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"LinkFaults.{f.name} must be a number, not {type(value).__name__}")
            if value < 0 or (f.name in PROBABILITIES and value > 1):
                bound = "a probability in [0, 1]" if f.name in PROBABILITIES else "at least 0"
                raise ValueError(f"LinkFaults.{f.name} must be {bound}, not {value!r}")

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NONE = LinkFaults()


@dataclass(frozen=True)
class Draw:
    """The fate of one message on one link."""

    drop: bool
    duplicate: bool
    reorder: bool
    delay: float  # seconds


def _edge(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


class Faults:
    """A network's fault settings and its deterministic random stream (``net.faults``).
    Thread-safe."""

    def __init__(self, seed: Any) -> None:
        self.seed = seed
        self._seed = repr(seed).encode("utf-8")
        self._lock = threading.Lock()
        self._defaults = NONE
        self._overrides: dict[tuple[int, int], dict[str, float]] = {}
        self._effective: dict[tuple[int, int], LinkFaults] = {}
        #: True when some link has a fault: the network then routes messages hop by hop
        self.active = False
        #: counts of messages ``sent`` over links and ``dropped``, ``duplicated``, ``reordered``
        self.stats = {"sent": 0, "dropped": 0, "duplicated": 0, "reordered": 0}

    # --- settings -----------------------------------------------------------------------------

    def set(self, **faults: float) -> LinkFaults:
        """Set defaults for every link; returns the new defaults."""
        with self._lock:
            self._defaults = replace(self._defaults, **faults)
            self._changed()
            return self._defaults

    @property
    def defaults(self) -> LinkFaults:
        return self._defaults

    def clear(self) -> None:
        """Every link fault off: defaults and per-link settings."""
        with self._lock:
            self._defaults = NONE
            self._overrides.clear()
            self._changed()

    def set_link(self, i: int, j: int, **faults: float) -> LinkFaults:
        with self._lock:
            merged = {**self._overrides.get(_edge(i, j), {}), **faults}
            replace(self._defaults, **merged)  # check names and values before keeping them
            self._overrides[_edge(i, j)] = merged
            self._changed()
            return self._link(i, j)

    def clear_link(self, i: int, j: int) -> None:
        with self._lock:
            self._overrides.pop(_edge(i, j), None)
            self._changed()

    def link_faults(self, i: int, j: int) -> LinkFaults:
        """The faults in force on the link between positions ``i`` and ``j``."""
        with self._lock:
            return self._link(i, j)

    def _link(self, i: int, j: int) -> LinkFaults:
        edge = _edge(i, j)
        found = self._effective.get(edge)
        if found is None:
            override = self._overrides.get(edge)
            found = replace(self._defaults, **override) if override else self._defaults
            self._effective[edge] = found
        return found

    def _changed(self) -> None:
        self._effective.clear()
        self.active = self._defaults.active or any(
            replace(self._defaults, **o).active for o in self._overrides.values())

    def state(self) -> dict[str, Any]:
        """JSON-able settings and counters (what a control endpoint reports)."""
        with self._lock:
            return {"seed": self.seed if isinstance(self.seed, (int, str)) else repr(self.seed),
                    "defaults": asdict(self._defaults),
                    "links": [{"a": a, "b": b, **o} for (a, b), o in sorted(self._overrides.items())],
                    "stats": dict(self.stats)}

    # --- decisions ----------------------------------------------------------------------------

    def draw(self, src: int, dst: int, origin: int, number: int) -> Draw:
        """The fate of publication ``number`` of node ``origin`` crossing ``src`` → ``dst``."""
        with self._lock:
            link = self._link(src, dst)
            self.stats["sent"] += 1
        if not link.active:
            return Draw(False, False, False, 0.0)
        digest = hashlib.blake2b(b"%s|%d|%d|%d|%d" % (self._seed, src, dst, origin, number),
                                 digest_size=32).digest()
        u = [int.from_bytes(digest[k:k + 8], "big") / 2.0**64 for k in range(0, 32, 8)]
        drop = u[0] < link.drop
        duplicate = not drop and u[1] < link.duplicate
        reorder = not drop and u[2] < link.reorder
        delay = 0.0 if reorder else max(0.0, link.latency + link.jitter * (2 * u[3] - 1))
        with self._lock:
            self.stats["dropped"] += drop
            self.stats["duplicated"] += duplicate
            self.stats["reordered"] += reorder
        return Draw(drop, duplicate, reorder, delay)


class Scheduler:
    """Runs callbacks at real (``time.monotonic``) times, in time order (ties in the order they
    were scheduled), on one thread that lives while something is scheduled."""

    def __init__(self, name: str = "fakeipfs-network") -> None:
        self._name = name
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._thread: Optional[threading.Thread] = None
        self._busy = 0  # callbacks running, and work the network declared (see hold())

    def call_at(self, due: float, callback: Callable[[], None]) -> None:
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._seq), callback))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def hold(self) -> "_Hold":
        """A context manager marking work in progress outside the thread (an inline delivery
        that may schedule more), so that :meth:`wait_idle` waits for it."""
        return _Hold(self)

    def _run(self) -> None:
        with self._cond:
            while self._heap:
                due = self._heap[0][0]
                now = time.monotonic()
                if due > now:
                    self._cond.wait(due - now)
                    continue
                _, _, callback = heapq.heappop(self._heap)
                self._busy += 1
                self._cond.release()
                try:
                    callback()
                except Exception:  # a bug: keep delivering the rest
                    log.exception("fakeipfs network: a scheduled delivery failed")
                finally:
                    self._cond.acquire()
                    self._busy -= 1
                    self._cond.notify_all()
            self._thread = None
            self._cond.notify_all()

    def idle(self) -> bool:
        with self._cond:
            return not self._heap and not self._busy

    def wait_idle(self, timeout: Optional[float]) -> bool:
        """Wait until nothing is scheduled or running; False if ``timeout`` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._heap and not self._busy, timeout)


class _Hold:
    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler

    def __enter__(self) -> None:
        with self._scheduler._cond:
            self._scheduler._busy += 1

    def __exit__(self, *exc: Any) -> None:
        with self._scheduler._cond:
            self._scheduler._busy -= 1
            self._scheduler._cond.notify_all()


class NodeCrashed(ConnectionRefusedError):
    """The node was crashed with :meth:`Network.crash <fakeipfs.network.Network.crash>`: like a
    stopped daemon, it refuses every request until :meth:`~fakeipfs.network.Network.restart`."""


#: What a crashed node still answers: its constants, and what fakeipfs' own plumbing reads.
_CRASH_SAFE = frozenset({"kubo_version", "repo", "sharding_enabled", "exchange"})


class CrashedNode:
    """Mixed into a crashed node's class (``Network.crash`` swaps ``node.__class__`` and swaps
    it back on restart, so every holder of the node sees the crash): any public attribute
    raises :class:`NodeCrashed`."""

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("_") or name in _CRASH_SAFE:
            return object.__getattribute__(self, name)
        raise NodeCrashed(object.__getattribute__(self, "_crash_message"))


_crashed_classes: dict[type, type] = {}


def crashed_class(cls: type) -> type:
    """``cls`` with :class:`CrashedNode` in front (one class per node class)."""
    found = _crashed_classes.get(cls)
    if found is None:
        found = _crashed_classes[cls] = type(f"Crashed{cls.__name__}", (CrashedNode, cls),
                                             {"_running_class": cls})
    return found
