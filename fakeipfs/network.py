"""``fakeipfs.Network``: in-memory kubo nodes connected to one another, as a libp2p swarm
connects daemons.

- Each node's identity is made from the network's seed (``identity.of(node, seed=f"{seed}-{i}")``),
  so the same seed always gives the same peer IDs; node ``i`` listens on
  ``/ip4/127.0.0.1/tcp/{4001 + i}`` (:meth:`Network.address`), the ``Addresses.Swarm`` of its
  config, so its ``id`` and ``swarm addrs local`` name it. ``repo=DIR`` keeps node ``i``'s repo
  in ``DIR/i``.
- Connections are what ``ipfs swarm connect`` makes: ``connect(a, b)`` is ``a`` dialling ``b``
  (outbound for ``a``, inbound for ``b``). The ``connect`` topologies are ``"full"`` (node ``i``
  dials every ``j > i``), ``"line"`` (``i`` dials ``i + 1``), ``"ring"`` (a line, and the last
  node dials the first), ``"star"`` (node 0 dials every other) and ``"none"``.
  :meth:`Network.partition` cuts every connection between groups and keeps them apart until
  :meth:`Network.heal`: a dial across a partition fails (:class:`Unreachable`; over the RPC,
  ``swarm connect`` reports a refused dial); ``heal`` makes the cut connections again.
- Content routing (bitswap, with every reachable peer a provider): a node missing a block asks
  the peers it can reach over current connections, nearest first (multi-hop), stores the block
  it gets and serves it on from then on. When no reachable peer has it, the node waits, as kubo
  does, until the request's context ends (:func:`request`: ``timeout=`` on the node's fetching
  methods, the RPC's ``--timeout``, a cancelled request: kubo's ``context deadline exceeded`` /
  ``context canceled``); it looks again at once when connections change or a peer fetches a
  block, and every :data:`RECHECK` seconds for blocks peers added (a waiting fetch sleeps on a
  condition: no busy loop). Offline (a lone node, or ``offline=True``: kubo's ``--offline``)
  a missing block fails at once with kubo's "not found locally (offline)".
- Pubsub (go-libp2p-pubsub floodsub/gossipsub with flood publishing): a message goes to every
  node reachable from the publisher through nodes that subscribe to its topic (only
  subscribers relay it), each once (``PubSub.receive`` drops duplicates), in the order its
  publisher sent them; an RPC over ``DEFAULT_MAX_MESSAGE_SIZE`` stays local. Subscriptions are
  known network-wide at once (:meth:`Network.wait_for_subscribers`).
- Faults (:mod:`fakeipfs.faults`, off by default, seeded): ``net.faults.set(...)`` and
  ``net.link(a, b).set(latency=, jitter=, drop=, duplicate=, reorder=)``; ``net.crash(i)`` /
  ``net.restart(i)``, which :meth:`Network.observe` reports to the front doors serving the node
  (its :class:`~fakeipfs.daemon.Daemon`, as each node of ``fakeipfs testnet``, closes its API
  port and opens it again). Without faults a publication is delivered before ``publish``
  returns; with them messages go hop by hop, late ones from a scheduler thread, and
  :meth:`Network.wait_quiescent` waits until none is in flight.

Thread-safe: the network's state is guarded by one lock, never held while a block or message
is handed to another node.
"""
from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
from collections import deque
from contextlib import contextmanager
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from multiformats import CID

from . import config as configmod
from . import identity, pubsub
from .errors import (ERR_CONTEXT_CANCELED, ERR_CONTEXT_DEADLINE_EXCEEDED, Canceled, DeadlineExceeded,
                     IPFSError, NotFound, err_not_found_offline, err_pubsub_message_too_large)
from .faults import Faults, LinkFaults, NodeCrashed, Scheduler, crashed_class
from .node import Node
from .versions import DEFAULT_KUBO_VERSION

log = logging.getLogger(__name__)

#: go-libp2p core/network ``Direction``: ``DirUnknown``, ``DirInbound``, ``DirOutbound``.
DIR_UNKNOWN, DIR_INBOUND, DIR_OUTBOUND = 0, 1, 2
#: How often a waiting fetch looks again for blocks that peers added meanwhile (seconds).
RECHECK = 0.05
TOPOLOGIES = ("full", "line", "ring", "star", "none")

NodeRef = Union[Node, int]
#: ``observer(i)``: called with the position of a node that crashed or restarted.
Observer = Callable[[int], None]


class Unreachable(ConnectionError):
    """``Network.connect`` between nodes a partition keeps apart (until ``Network.heal``)."""


# --- request contexts (Go ``context.Context``, as far as fetching cares) ---------------------

class Context:
    """One request's context: a deadline, cancellation, and kubo's ``--offline``. Nested
    contexts keep the earlier deadline and stay offline or cancelled with their parent."""

    def __init__(self, timeout: Optional[float] = None, *, offline: bool = False,
                 parent: Optional["Context"] = None) -> None:
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        if parent is not None and parent.deadline is not None:
            deadline = parent.deadline if deadline is None else min(deadline, parent.deadline)
        self.deadline = deadline
        self.offline = offline or (parent is not None and parent.offline)
        self.parent = parent
        self._cancelled = threading.Event()
        self._wakers: list[Callable[[], None]] = []

    def cancel(self) -> None:
        """``context.CancelFunc``: end the request; a fetch waiting in it raises :class:`Canceled`."""
        self._cancelled.set()
        for wake in list(self._wakers):
            wake()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set() or (self.parent is not None and self.parent.cancelled)

    def remaining(self) -> Optional[float]:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def error(self) -> Optional[IPFSError]:
        """``ctx.Err()`` as kubo reports it, or None while the context is live."""
        if self.cancelled:
            return Canceled(ERR_CONTEXT_CANCELED)
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            return DeadlineExceeded(ERR_CONTEXT_DEADLINE_EXCEEDED)
        return None

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` unless the context ends first (then raise its error)."""
        remaining = self.remaining()
        self._cancelled.wait(seconds if remaining is None else max(0.0, min(seconds, remaining)))
        error = self.error()
        if error is not None:
            raise error


_CURRENT: contextvars.ContextVar[Optional[Context]] = contextvars.ContextVar("fakeipfs_request", default=None)


def current() -> Optional[Context]:
    """The context of the request running in this thread (or asyncio task), if any."""
    return _CURRENT.get()


@contextmanager
def request(timeout: Optional[float] = None, *, offline: bool = False) -> Iterator[Context]:
    """Run a request's work in a :class:`Context` (inside the current one, if any):
    ``timeout`` seconds (go-ipfs-cmds http/handler.go: ``context.WithTimeout`` from the
    ``timeout`` option), ``offline`` (kubo core/commands/cmdenv ``GetApi``: ``--offline`` gives
    the command an offline CoreAPI). A front door cancels it when its client goes away."""
    with entered(Context(timeout, offline=offline, parent=current())) as context:
        yield context


@contextmanager
def entered(context: Context) -> Iterator[Context]:
    """Run work with ``context`` as the current request context: a front door's own context for
    one request (Go's ``r.Context()``), which it cancels when its client goes away."""
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)


def bind(iterator: Iterator[Any], context: Context) -> "Bound":
    """``iterator`` read inside ``context`` (a response body produced after its command
    returned); see :class:`Bound`."""
    return Bound(iterator, context)


class Bound:
    """An iterator whose every step runs inside a :class:`Context`. :meth:`close` (the client
    went away) cancels the context, so a step waiting for a block ends, then closes the
    iterator; it may be called from another thread while a step runs."""

    def __init__(self, iterator: Iterator[Any], context: Context) -> None:
        self._iterator = iterator
        self.context = context

    def __iter__(self) -> "Bound":
        return self

    def __next__(self) -> Any:
        token = _CURRENT.set(self.context)
        try:
            return next(self._iterator)
        finally:
            _CURRENT.reset(token)

    def close(self) -> None:
        self.context.cancel()
        close = getattr(self._iterator, "close", None)
        if close is not None:
            try:
                close()
            except ValueError:  # a generator running in another thread: the cancel ends it
                pass


# --- the network ------------------------------------------------------------------------------

class Network:
    """``n`` nodes of one kubo version, connected as ``connect`` says (see the module doc);
    ``buffer_size`` bounds every node's pubsub subscriptions (None: lossless)."""

    def __init__(self, n: int = 3, *, seed: Any = 0, kubo_version: str = DEFAULT_KUBO_VERSION,
                 connect: str = "full", repo: "Optional[str | os.PathLike[str]]" = None,
                 buffer_size: Optional[int] = None) -> None:
        if connect not in TOPOLOGIES:
            raise ValueError(f"Network: connect must be one of {', '.join(map(repr, TOPOLOGIES))}, "
                             f"not {connect!r}")
        self.seed = seed
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._generation = 0  # counts changes a waiting fetch or subscriber count may care about
        self.nodes: list[Node] = []
        self._index: dict[int, int] = {}  # id(node) -> position
        self._conns: dict[int, dict[int, int]] = {}  # position -> peer position -> direction
        self._cut: dict[tuple[int, int], int] = {}  # connections a partition cut -> dialer
        self._down: dict[int, dict[int, int]] = {}  # crashed position -> its connections then
        self._partitions: list[dict[int, int]] = []  # each partition's position -> group, until heal()
        self._observers: list[tuple[Optional[Observer], Optional[Observer]]] = []  # (crashed, restarted)
        self._topics: dict[str, set[int]] = {}  # topic -> positions subscribed to it
        self._routes: dict[tuple[int, str], list[pubsub.PubSub]] = {}  # fault-free delivery plans
        #: last scheduled arrival per directed link ``(src, dst)``, and per publisher and
        #: receiver ``(-1 - origin, dst)``
        self._fifo: dict[tuple[int, int], float] = {}
        self.faults = Faults(seed)
        self.scheduler = Scheduler()
        for i in range(n):
            node = Node(kubo_version=kubo_version,
                        repo=None if repo is None else os.path.join(os.fspath(repo), str(i)))
            identity.of(node, seed=self._node_seed(i))
            self._set_swarm_address(node, i)
            node.exchange = Bitswap(self, node)
            ps = pubsub.of(node)
            ps.router = FloodRouter(self, node, i)
            ps.buffer_size = buffer_size
            self._index[id(node)] = i
            self._conns[i] = {}
            self.nodes.append(node)
        pairs = {"full": [(i, j) for i in range(n) for j in range(i + 1, n)],
                 "line": [(i, i + 1) for i in range(n - 1)],
                 "ring": [(i, i + 1) for i in range(n - 1)] + ([(n - 1, 0)] if n > 2 else []),
                 "star": [(0, j) for j in range(1, n)],
                 "none": []}[connect]
        with self._lock:
            for i, j in pairs:
                self._conns[i][j], self._conns[j][i] = DIR_OUTBOUND, DIR_INBOUND
            self._touch()

    def _node_seed(self, i: int) -> str:
        return f"{self.seed}-{i}"

    @staticmethod
    def _address(i: int) -> str:
        return f"/ip4/127.0.0.1/tcp/{4001 + i}"

    def _set_swarm_address(self, node: Node, i: int) -> None:
        """Node ``i``'s config ``Addresses.Swarm``: its address on this network (kubo's host
        reports its listen addresses from it: ``id``, ``swarm addrs local``/``listen``)."""
        configmod.of(node).set("Addresses.Swarm", [self._address(i)])

    def _touch(self) -> None:
        """Something changed (lock held): forget delivery plans, wake waiters."""
        self._generation += 1
        self._routes.clear()
        self._changed.notify_all()

    # --- nodes and connections ----------------------------------------------------------------

    def _pos(self, node: NodeRef) -> int:
        if isinstance(node, int) and not isinstance(node, bool):
            if not 0 <= node < len(self.nodes):
                raise IndexError(f"Network: no node {node} (the network has {len(self.nodes)})")
            return node
        pos = self._index.get(id(node))
        if pos is None or self.nodes[pos] is not node:
            raise ValueError("Network: that node is not in this network")
        return pos

    def address(self, node: NodeRef) -> str:
        """The node's swarm address on this network."""
        return self._address(self._pos(node))

    def connect(self, a: NodeRef, b: NodeRef) -> None:
        """``a`` dials ``b`` (``ipfs swarm connect``); nothing changes if they are connected.
        Dialling a crashed node (or from one) raises :class:`~fakeipfs.faults.NodeCrashed`, one
        that a partition keeps apart :class:`Unreachable`."""
        i, j = self._pos(a), self._pos(b)
        if i == j:
            raise ValueError("Network.connect: dial to self attempted")
        with self._lock:
            for k in (i, j):
                if k in self._down:
                    raise NodeCrashed(self._crash_message(k))
            if self._separated(i, j):
                raise Unreachable(f"Network.connect: node {i} cannot reach node {j}: a partition "
                                  f"separates them (Network.heal joins them again)")
            if j not in self._conns[i]:
                self._conns[i][j], self._conns[j][i] = DIR_OUTBOUND, DIR_INBOUND
                self._touch()

    def disconnect(self, a: NodeRef, b: NodeRef) -> None:
        """Close the connection between ``a`` and ``b`` (if any); heal() will not remake it."""
        i, j = self._pos(a), self._pos(b)
        with self._lock:
            self._conns[i].pop(j, None)
            self._conns[j].pop(i, None)
            self._cut.pop((min(i, j), max(i, j)), None)
            for k, other in ((i, j), (j, i)):
                self._down.get(k, {}).pop(other, None)
            self._touch()

    def partition(self, groups: Iterable[Iterable[NodeRef]]) -> None:
        """Cut every connection between nodes of different groups; the nodes in no group form
        one more group. Until :meth:`heal` (which reconnects what was cut), nodes this partition
        or an earlier one put in different groups cannot connect (:meth:`separated`)."""
        group_of: dict[int, int] = {}
        for g, members in enumerate(groups):
            for member in members:
                pos = self._pos(member)
                if pos in group_of:
                    raise ValueError(f"Network.partition: node {pos} is in two groups")
                group_of[pos] = g
        with self._lock:
            self._partitions.append(group_of)
            for i, peers in self._conns.items():
                for j in list(peers):
                    if i < j and group_of.get(i, -1) != group_of.get(j, -1):
                        dialer = i if peers[j] == DIR_OUTBOUND else j
                        self._cut[(i, j)] = dialer
                        del self._conns[i][j], self._conns[j][i]
            self._touch()

    def separated(self, a: NodeRef, b: NodeRef) -> bool:
        """Whether a partition not healed yet puts ``a`` and ``b`` in different groups."""
        i, j = self._pos(a), self._pos(b)
        with self._lock:
            return self._separated(i, j)

    def _separated(self, i: int, j: int) -> bool:
        return any(groups.get(i, -1) != groups.get(j, -1) for groups in self._partitions)

    def heal(self) -> None:
        """End every partition and remake the connections they cut (each dialled as before);
        one to a crashed node is remade when it restarts."""
        with self._lock:
            self._partitions.clear()
            cut, self._cut = self._cut, {}
            for (i, j), dialer in cut.items():
                other = j if dialer == i else i
                crashed = [k for k in (i, j) if k in self._down]
                if crashed:
                    for k in crashed:
                        self._down[k][j if k == i else i] = DIR_OUTBOUND if k == dialer else DIR_INBOUND
                elif other not in self._conns[dialer]:
                    self._conns[dialer][other], self._conns[other][dialer] = DIR_OUTBOUND, DIR_INBOUND
            self._touch()

    def peers(self, node: NodeRef) -> list[Node]:
        """The nodes ``node`` is connected to, in network order."""
        i = self._pos(node)
        with self._lock:
            return [self.nodes[j] for j in sorted(self._conns[i])]

    def connections(self, node: NodeRef) -> list[tuple[Node, int]]:
        """``(peer, direction)`` of each of ``node``'s connections, in network order."""
        i = self._pos(node)
        with self._lock:
            return [(self.nodes[j], d) for j, d in sorted(self._conns[i].items())]

    def _paths(self, start: int) -> list[tuple[int, list[int]]]:
        """Every node reachable from ``start`` with the path to it (``start`` excluded),
        nearest first (breadth-first, lower positions first); lock held."""
        parent = {start: start}
        queue, out = deque([start]), []
        while queue:
            here = queue.popleft()
            for j in sorted(self._conns[here]):
                if j not in parent:
                    parent[j] = here
                    queue.append(j)
                    path, k = [j], j
                    while parent[k] != start:
                        k = parent[k]
                        path.append(k)
                    out.append((j, [start, *reversed(path)]))
        return out

    # --- faults -------------------------------------------------------------------------------

    def link(self, a: NodeRef, b: NodeRef) -> "Link":
        """The link between two nodes, for its faults (whether or not they are connected)."""
        i, j = self._pos(a), self._pos(b)
        if i == j:
            raise ValueError("Network.link: a node has no link to itself")
        return Link(self.faults, i, j)

    @property
    def crashed(self) -> list[int]:
        """Positions of the crashed nodes."""
        with self._lock:
            return sorted(self._down)

    def _crash_message(self, i: int) -> str:
        return (f"fakeipfs: node {i} ({identity.of(self.nodes[i]).peer_id}) has crashed "
                f"(Network.crash): connection refused")

    def observe(self, *, crashed: Optional[Observer] = None,
                restarted: Optional[Observer] = None) -> Callable[[], None]:
        """Call ``crashed(i)`` once :meth:`crash` has stopped node ``i``, ``restarted(i)`` once
        :meth:`restart` has started it again, in the thread that called them, in the order
        the observers were added (a front door serving the node's API: its
        :class:`~fakeipfs.daemon.Daemon` closes and reopens its ports). An observer's exception propagates to that caller, the
        network's change made. Returns a function that removes the observer."""
        entry = (crashed, restarted)
        with self._lock:
            self._observers.append(entry)

        def remove() -> None:
            with self._lock:
                if entry in self._observers:
                    self._observers.remove(entry)
        return remove

    def _notify_observers(self, which: int, i: int) -> None:
        with self._lock:
            callbacks = [entry[which] for entry in self._observers]
        for callback in callbacks:
            if callback is not None:
                callback(i)

    def crash(self, node: NodeRef) -> None:
        """Stop a node as if its daemon died: its connections close, its subscriptions end, its
        API raises :class:`~fakeipfs.faults.NodeCrashed` and peers cannot reach it, until
        :meth:`restart`; then the observers hear of it (:meth:`observe`)."""
        i = self._pos(node)
        target = self.nodes[i]
        with self._lock:
            if i in self._down:
                raise ValueError(f"Network.crash: node {i} has crashed already")
            message = self._crash_message(i)
            self._down[i] = dict(self._conns[i])
            for j in self._conns.pop(i):
                del self._conns[j][i]
            self._conns[i] = {}
            self._touch()
        ps = pubsub.of(target)
        ps.down = message
        ps.close_all()
        target.__dict__["_crash_message"] = message
        target.__class__ = crashed_class(type(target))
        with self._lock:
            self._touch()  # wake fetches waiting on the node: they now raise
        self._notify_observers(0, i)

    def restart(self, node: NodeRef) -> None:
        """Start a crashed node again, as a restarted daemon: what it held in memory is gone
        (an in-memory node comes back empty; a node with a repo keeps its blocks, pins and
        config), its identity and swarm address are the same, and it redials the connections it
        had (as peers kubo's ``Peering.Peers`` names would be) except those a partition cuts,
        which :meth:`heal` remakes; then the observers hear of it (:meth:`observe`)."""
        i = self._pos(node)
        target = self.nodes[i]
        with self._lock:
            if i not in self._down:
                raise ValueError(f"Network.restart: node {i} is running")
        target.__class__ = target._running_class
        del target.__dict__["_crash_message"]
        if target.repo is None:
            target.reset()
            self._set_swarm_address(target, i)
        else:
            keep = {k: target.__dict__[k] for k in ("exchange", "_pubsub")}
            repo, version, sharding = target.repo, str(target.kubo_version), target.sharding_enabled
            target.__dict__.clear()
            Node.__init__(target, repo=repo, kubo_version=version, sharding_enabled=sharding)
            target.__dict__.update(keep)
            identity.of(target, seed=self._node_seed(i))
        ps = pubsub.of(target)
        ps.reset()
        ps.down = None
        ps.router.restarted()
        with self._lock:
            for j, direction in self._down.pop(i).items():
                if j in self._down:
                    self._down[j][i] = DIR_OUTBOUND if direction == DIR_INBOUND else DIR_INBOUND
                elif self._separated(i, j):
                    self._cut[(min(i, j), max(i, j))] = i if direction == DIR_OUTBOUND else j
                else:
                    self._conns[i][j] = direction
                    self._conns[j][i] = DIR_OUTBOUND if direction == DIR_INBOUND else DIR_INBOUND
            self._touch()
        self._notify_observers(1, i)

    # --- test helpers -------------------------------------------------------------------------

    def wait_for_subscribers(self, topic: str, n: int, timeout: float = 5.0, *,
                             node: Optional[NodeRef] = None) -> list[str]:
        """Wait until ``n`` nodes subscribe to ``topic`` (with ``node``: until ``n`` of its
        connected peers do, what its ``pubsub peers`` lists, as interface-ipfs-core's
        ``waitForPeers``); returns their peer IDs. ``TimeoutError`` if ``timeout`` passes."""
        def found() -> list[int]:
            subscribed = self._topics.get(topic, set())
            if node is None:
                return sorted(subscribed)
            return sorted(j for j in self._conns[self._pos(node)] if j in subscribed)

        with self._changed:
            if not self._changed.wait_for(lambda: len(found()) >= n, timeout):
                raise TimeoutError(f"Network.wait_for_subscribers: {len(found())} of {n} "
                                   f"subscribers to {topic!r} after {timeout} s")
            positions = found()
        return sorted(identity.of(self.nodes[j]).peer_id for j in positions)

    def wait_quiescent(self, timeout: float = 5.0) -> None:
        """Wait until no message is in flight (nothing scheduled on a slow link, no hop-by-hop
        delivery running); ``TimeoutError`` if ``timeout`` passes first."""
        if not self.scheduler.wait_idle(timeout):
            raise TimeoutError(f"Network.wait_quiescent: messages still in flight after {timeout} s")

    # --- pubsub routing -----------------------------------------------------------------------

    def _join(self, i: int, topic: str) -> None:
        with self._lock:
            if i in self._down:
                raise NodeCrashed(self._crash_message(i))
            self._topics.setdefault(topic, set()).add(i)
            self._touch()

    def _leave(self, i: int, topic: str) -> None:
        with self._lock:
            members = self._topics.get(topic)
            if members is not None:
                members.discard(i)
                if not members:
                    del self._topics[topic]
            self._touch()

    def _route(self, origin: int, topic: str) -> list[pubsub.PubSub]:
        """Fault-free delivery: the pubsubs a message from ``origin`` reaches, flooding through
        subscribers of ``topic``, nearest first."""
        key = (origin, topic)
        with self._lock:
            found = self._routes.get(key)
            if found is None:
                members = self._topics.get(topic, ())
                seen, queue, found = {origin}, deque([origin]), []
                while queue:
                    for j in sorted(self._conns[queue.popleft()]):
                        if j not in seen:
                            seen.add(j)
                            if j in members:
                                found.append(pubsub.of(self.nodes[j]))
                                queue.append(j)
                self._routes[key] = found
            return found

    def _flood(self, origin: int, number: int, message: pubsub.Message) -> None:
        """Faulty delivery: hop by hop, each link's fate drawn from :attr:`faults`."""
        with self.scheduler.hold():
            work: deque[tuple[int, int]] = deque()
            self._forward(origin, origin, origin, number, message, work)
            self._pump(work, origin, number, message)

    def _forward(self, here: int, came_from: int, origin: int, number: int,
                 message: pubsub.Message, work: deque) -> None:
        """floodsub.go ``Publish``: to every connected peer in the topic except the one the
        message came from and its author."""
        topic = message.topics[0]
        with self._lock:
            members = self._topics.get(topic, ())
            targets = [j for j in sorted(self._conns[here])
                       if j in members and j != came_from and j != origin]
        now = time.monotonic()
        for dst in targets:
            fate = self.faults.draw(here, dst, origin, number)
            if fate.drop:
                continue
            if fate.reorder:
                due = now
            else:
                with self._lock:
                    due = max(now + fate.delay, self._fifo.get((here, dst), 0.0),
                              self._fifo.get((-1 - origin, dst), 0.0))
                    self._fifo[(here, dst)] = self._fifo[(-1 - origin, dst)] = due
            for _ in range(2 if fate.duplicate else 1):
                if due <= now:
                    work.append((here, dst))
                else:
                    self.scheduler.call_at(due, partial(self._arrive_later, here, dst, origin, number, message))

    def _arrive(self, src: int, dst: int, origin: int, number: int,
                message: pubsub.Message, work: deque) -> None:
        with self._lock:
            if dst not in self._conns[src] or dst not in self._topics.get(message.topics[0], ()):
                return  # the connection closed, or the peer left the topic, on the way
        if pubsub.of(self.nodes[dst]).receive(message):
            self._forward(dst, src, origin, number, message, work)

    def _pump(self, work: deque, origin: int, number: int, message: pubsub.Message) -> None:
        while work:
            src, dst = work.popleft()
            self._arrive(src, dst, origin, number, message, work)

    def _arrive_later(self, src: int, dst: int, origin: int, number: int, message: pubsub.Message) -> None:
        work: deque[tuple[int, int]] = deque()
        self._arrive(src, dst, origin, number, message, work)
        self._pump(work, origin, number, message)


class Link:
    """The faults of the link between two nodes (``net.link(a, b)``; see :mod:`fakeipfs.faults`)."""

    def __init__(self, faults: Faults, i: int, j: int) -> None:
        self._faults, self.a, self.b = faults, i, j

    def set(self, **faults: float) -> "Link":
        """Override the network's defaults on this link (``latency``, ``jitter``, ``drop``,
        ``duplicate``, ``reorder``); returns the link."""
        self._faults.set_link(self.a, self.b, **faults)
        return self

    def clear(self) -> None:
        """Back to the network's defaults."""
        self._faults.clear_link(self.a, self.b)

    @property
    def faults(self) -> LinkFaults:
        return self._faults.link_faults(self.a, self.b)


def of(node: Any) -> Optional[Network]:
    """The network the node is part of, or None for a lone node."""
    return getattr(getattr(node, "exchange", None), "network", None)


class Bitswap:
    """A node's ``Node.exchange`` on a network: fetches a block its blockstore lacks from the
    nearest reachable peer that has it, and stores it (boxo blockservice ``getBlock``:
    ``AddBlock`` of what the exchange returned). It waits for the block as long as the
    request's :class:`Context` lets it (boxo bitswap ``GetBlock`` returns ``ctx.Err()``)."""

    def __init__(self, network: Network, node: Node) -> None:
        self.network = network
        self.node = node

    def fetch(self, cid: CID) -> bytes:
        context = current()
        if context is not None and context.offline:
            raise NotFound(err_not_found_offline(str(cid)))
        net = self.network
        i = net._pos(self.node)
        wake = partial(_notify, net)
        if context is not None:
            context._wakers.append(wake)
        try:
            while True:
                error = context.error() if context is not None else None
                if error is not None:
                    raise error
                with net._lock:
                    if i in net._down:
                        raise NodeCrashed(net._crash_message(i))
                    generation = net._generation
                    found = self._find(i, cid)
                if found is not None:
                    data, delay = found
                    if delay:
                        if context is not None:
                            context.sleep(delay)
                        else:
                            time.sleep(delay)
                    self.node.blockstore.put(cid, data)
                    _notify(net)  # a node waiting for this block may reach it through us now
                    return data
                with net._changed:
                    remaining = context.remaining() if context is not None else None
                    wait = RECHECK if remaining is None else max(0.0, min(RECHECK, remaining))
                    net._changed.wait_for(
                        lambda: net._generation != generation
                        or (context is not None and context.cancelled), wait)
        finally:
            if context is not None:
                context._wakers.remove(wake)

    def _find(self, i: int, cid: CID) -> Optional[tuple[bytes, float]]:
        """The block from the nearest reachable peer that has it, and the round trip of the
        path's latencies (lock held)."""
        net = self.network
        for j, path in net._paths(i):
            store = net.nodes[j].__dict__["blockstore"]
            if store.has(cid):
                try:
                    data = store.get(cid)
                except NotFound:  # removed meanwhile
                    continue
                latency = sum(net.faults.link_faults(a, b).latency for a, b in zip(path, path[1:]))
                return data, 2 * latency
        return None


def _notify(net: Network) -> None:
    with net._lock:
        net._touch()


#: Payload plus topic bytes below which an RPC surely fits (the rest of a message, an RSA-4096
#: signature and key included, takes under 2 KiB).
_SURELY_SMALL = pubsub.DEFAULT_MAX_MESSAGE_SIZE - 4096


class FloodRouter:
    """A node's pubsub :class:`~fakeipfs.pubsub.Router` on a network."""

    def __init__(self, network: Network, node: Node, position: int) -> None:
        self.network = network
        self.node = node
        self.position = position
        self._published = 0  # this node's publications since it started: the fault draws' counter
        self._signature: Optional[tuple[int, int]] = None

    def publish(self, message: pubsub.Message) -> None:
        net = self.network
        self._published += 1  # PubSub.publish runs one publication at a time
        if len(message.data) + 4 * len(message.topics[0]) > _SURELY_SMALL:
            if self._signature is None:
                self._signature = self._signing()
            size = pubsub.rpc_size(message, *self._signature)
            if size > pubsub.DEFAULT_MAX_MESSAGE_SIZE:
                log.debug("not sending a pubsub message to peers: unable to fragment RPC: %s",
                          err_pubsub_message_too_large(size, pubsub.DEFAULT_MAX_MESSAGE_SIZE))
                return
        if not net.faults.active:
            for peer in net._route(self.position, message.topics[0]):
                peer.receive(message)
        else:
            net._flood(self.position, self._published, message)

    def _signing(self) -> tuple[int, int]:
        """(signature size, size of the key sent with a message) for this node's key."""
        ident = identity.of(self.node)
        key = ident.private_key
        if key.type == identity.ED25519:
            return 64, 0
        return key._key.key_size // 8, len(key.public_key())

    def restarted(self) -> None:
        self._published = 0

    def join(self, topic: str) -> None:
        self.network._join(self.position, topic)

    def leave(self, topic: str) -> None:
        self.network._leave(self.position, topic)

    def peers(self, topic: Optional[str]) -> list[str]:
        """go-libp2p-pubsub ``ListPeers``: the connected peers subscribed to ``topic``; with no
        topic, every connected peer that runs pubsub."""
        out = []
        for peer in self.network.peers(self.node):
            ps = pubsub.of(peer)
            if ps.enabled and (topic is None or topic in ps.topics()):
                out.append(ps.peer_id)
        return out
