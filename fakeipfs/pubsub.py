"""A node's pubsub: what ``ipfs pubsub`` reaches through kubo core/coreapi/pubsub.go, the
go-libp2p-pubsub ``PubSub`` of one node.

``pubsub.of(node)`` is the node's :class:`PubSub`. A node hears its own messages; each message
carries the publisher's peer ID, an 8-byte big-endian sequence number and its topic
(go-libp2p-pubsub topic.go ``validate``, pubsub.go ``nextSeqno``: the counter starts at the
publisher's start time in nanoseconds). Messages are delivered once per ``(from, seqno)``
(pubsub.go ``markSeen``, default message ID, remembered for ``TimeCacheDuration`` = 120 s; the
node's own messages are marked seen as they are published, so an echo of one is always a
duplicate), in the order each publisher sent them.

Where messages go beyond the node is its :class:`Router`'s business: a lone node's router
(:class:`LoneRouter`) reaches no one, and no remote peer subscribes. A network replaces
``PubSub.router`` and hands arriving messages to :meth:`PubSub.receive`.

Subscriber queues: go-libp2p-pubsub buffers 32 messages per subscription and drops new ones
for a subscriber that falls behind ("subscriber too slow", pubsub.go ``notifySubs``). fakeipfs
is lossless by default (unbounded queues, so a test that publishes before it reads never loses
a message); ``buffer_size=32`` restores kubo's bound and drop policy, counting drops in
:attr:`Subscription.dropped`.

Go-libp2p-pubsub checks neither the topic name nor the message size when publishing: an empty
topic is a topic like any other, and a message over ``DefaultMaxMessageSize`` (1 MiB) still
reaches local subscribers; only the wire to other peers enforces the limit (:func:`rpc_size`),
and kubo's ``pubsub pub`` (core/commands/pubsub.go at v0.22.0) reads the whole body and
publishes it without a check of its own.

Subscriptions are iterators for threads and async iterators for asyncio (``async for message
in subscription`` / ``await subscription.next_async(timeout)``); a router learns which topics
the node has joined (:meth:`Router.join` / :meth:`Router.leave`), as go-libp2p-pubsub announces
subscriptions to its peers.

Watchers (:meth:`PubSub.watch`) see every message the node publishes and every new message it
receives from another peer, as it is delivered; fakeipfs uses them to log what a node published
(:func:`fakeipfs.inspection.published`, started by :func:`of`) and for the dashboard's message
list (:mod:`fakeipfs.webui`). Their go-libp2p-pubsub relative is a ``RawTracer``
(trace.go, ``WithRawTracer``: ``PublishMessage`` / ``DeliverMessage``, "invoked synchronously",
so a tracer must not block); kubo installs none a user can reach.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional, Protocol

from multiformats import multibase

from . import inspection
from ._attach import attached
from .errors import ERR_PUBSUB_NOT_ENABLED, ERR_PUBSUB_NOT_ENABLED_V0_17, IPFSError
from .faults import NodeCrashed
from .versions import KuboVersion

log = logging.getLogger(__name__)

#: go-libp2p-pubsub pubsub.go ``TimeCacheDuration``: how long a message ID counts as seen.
TIME_CACHE_DURATION = 120.0
#: go-libp2p-pubsub pubsub.go ``DefaultMaxMessageSize``: the largest RPC a peer reads
#: (comm.go ``handleNewStream``: ``msgio.NewVarintReaderSize(s, p.maxMessageSize)``).
DEFAULT_MAX_MESSAGE_SIZE = 1 << 20


class PubSubNotEnabled(IPFSError):
    """kubo core/coreapi/pubsub.go ``checkNode``: the daemon runs without pubsub."""


def not_enabled_message(version: KuboVersion) -> str:
    return ERR_PUBSUB_NOT_ENABLED_V0_17 if version.stylecheck_error_strings else ERR_PUBSUB_NOT_ENABLED


@dataclass(frozen=True)
class Message:
    """go-libp2p-pubsub ``Message`` as core/coreapi/pubsub.go exposes it."""

    data: bytes
    from_peer: str  # the publisher's peer ID, as ``ipfs id`` prints it
    seqno: bytes  # 8 bytes, big-endian
    topics: list[str]

    @property
    def id(self) -> tuple[str, bytes]:
        """go-libp2p-pubsub ``DefaultMsgIdFn``: publisher and sequence number."""
        return self.from_peer, self.seqno


@functools.lru_cache(maxsize=1024)
def peer_id_bytes(peer_id: str) -> bytes:
    """The multihash bytes of a peer ID (go-libp2p ``peer.ID``), from its base58btc text."""
    return multibase.decode("z" + peer_id)


def _field(size: int) -> int:
    """A length-delimited protobuf field of ``size`` bytes with a one-byte tag."""
    return 1 + (size.bit_length() + 6) // 7 + size if size else 2


def rpc_size(message: Message, signature_size: int = 64, key_size: int = 0) -> int:
    """The size of the go-libp2p-pubsub ``pb.RPC`` carrying ``message`` alone (``publish``, field
    2, of one ``pb.Message``: ``from`` 1, ``data`` 2, ``seqno`` 3, ``topic`` 4, ``signature`` 5,
    ``key`` 6, pb/rpc.proto). kubo signs every message (``Pubsub.DisableSigning`` false): an
    Ed25519 signature is 64 bytes, and ``key`` is sent only when the peer ID does not inline the
    public key (sign.go ``signMessage``). A peer gets the message only if this is at most
    :data:`DEFAULT_MAX_MESSAGE_SIZE` (gossipsub.go ``sendRPC``/``fragmentRPC``)."""
    inner = (_field(len(peer_id_bytes(message.from_peer))) + _field(len(message.data))
             + _field(len(message.seqno)) + sum(_field(len(t.encode("utf-8", "surrogateescape")))
                                               for t in message.topics)
             + _field(signature_size) + (_field(key_size) if key_size else 0))
    return _field(inner)


#: A watcher (:meth:`PubSub.watch`): called with a message and whether the node published it
#: (``True``) or received it from another peer (``False``).
Watcher = Callable[[Message, bool], None]


class Watch:
    """A watcher's registration (:meth:`PubSub.watch`); :meth:`close`, or leaving a ``with``
    block, ends it."""

    def __init__(self, pubsub: "PubSub", callback: Watcher, published: bool, received: bool) -> None:
        self.callback = callback
        self.published = published
        self.received = received
        self._pubsub = pubsub

    @property
    def closed(self) -> bool:
        return not self._pubsub._watching(self)

    def close(self) -> None:
        """Stop watching (again: nothing). A watcher may close its own watch when called."""
        self._pubsub._unwatch(self)

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Router(Protocol):
    """How a node's pubsub reaches other peers."""

    def publish(self, message: Message) -> None:
        """Send a message this node published to the peers subscribed to its topics."""

    def peers(self, topic: Optional[str]) -> list[str]:
        """Peer IDs of the remote peers subscribed to ``topic`` (to any topic if None)."""

    def join(self, topic: str) -> None:
        """The node's first subscription to ``topic`` started (may refuse by raising)."""

    def leave(self, topic: str) -> None:
        """The node's last subscription to ``topic`` ended."""


class LoneRouter:
    """A node without a network: its publications reach no one, and no one subscribes."""

    def publish(self, message: Message) -> None:
        pass

    def peers(self, topic: Optional[str]) -> list[str]:
        return []

    def join(self, topic: str) -> None:
        pass

    def leave(self, topic: str) -> None:
        pass


class Subscription:
    """go-libp2p-pubsub ``Subscription``: the messages of one topic, in arrival order.

    Iterate it, or call :meth:`next` with a timeout; in asyncio, ``async for`` or
    :meth:`next_async` (a reader waits on a future the delivering thread resolves, never on a
    thread). :meth:`close` (or leaving a ``with`` block) unsubscribes. As with go-libp2p-pubsub's
    ``Cancel``, messages already queued can still be read after closing; then iteration ends.
    """

    def __init__(self, pubsub: "PubSub", topic: str, buffer_size: Optional[int]) -> None:
        self.topic = topic
        self.buffer_size = buffer_size
        #: messages dropped because the queue was full (only with a ``buffer_size``)
        self.dropped = 0
        self._pubsub = pubsub
        self._queue: deque[Message] = deque()
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._sleepers = 0  # threads waiting in next()
        self._closed = False
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

    @property
    def closed(self) -> bool:
        return self._closed

    def _offer(self, message: Message) -> None:
        with self._lock:
            if self._closed:
                return
            if self.buffer_size is not None and len(self._queue) >= self.buffer_size:
                self.dropped += 1
                return
            self._queue.append(message)
            if self._sleepers:
                self._ready.notify()
            if self._waiters:
                self._wake_async()

    def _wake_async(self) -> None:
        """Resolve the asyncio readers' futures, each on its own loop (lock held)."""
        for loop, future in self._waiters:
            try:
                loop.call_soon_threadsafe(_resolve, future)
            except RuntimeError:  # that loop is closed: its reader is gone
                pass
        self._waiters.clear()

    def next(self, timeout: Optional[float] = None) -> Message:
        """The next message, waiting up to ``timeout`` seconds (forever if None).

        Raises ``TimeoutError`` when none arrives in time and ``StopIteration`` once the
        subscription is closed and drained."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            self._sleepers += 1
            try:
                arrived = self._ready.wait_for(lambda: self._queue or self._closed, timeout)
            finally:
                self._sleepers -= 1
            if not arrived:
                raise TimeoutError(f"no pubsub message on {self.topic!r} within {timeout} s")
            if self._queue:
                return self._queue.popleft()
        raise StopIteration

    def __iter__(self) -> Iterator[Message]:
        return self

    def __next__(self) -> Message:
        return self.next()

    async def next_async(self, timeout: Optional[float] = None) -> Message:
        """:meth:`next` for asyncio: the next message, waiting up to ``timeout`` seconds without
        blocking the event loop. Raises ``TimeoutError``, or ``StopAsyncIteration`` once the
        subscription is closed and drained."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            with self._lock:
                if self._queue:
                    return self._queue.popleft()
                if self._closed:
                    raise StopAsyncIteration
                future = loop.create_future()
                self._waiters.append((loop, future))
            remaining = None if deadline is None else deadline - loop.time()
            try:
                if remaining is not None and remaining <= 0:
                    raise asyncio.TimeoutError
                await asyncio.wait_for(future, remaining)
            except asyncio.TimeoutError:
                with self._lock:
                    if (loop, future) in self._waiters:
                        self._waiters.remove((loop, future))
                    if self._queue:
                        return self._queue.popleft()
                raise TimeoutError(f"no pubsub message on {self.topic!r} within {timeout} s") from None

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> Message:
        return await self.next_async()

    def close(self) -> None:
        """Unsubscribe (go-libp2p-pubsub ``Subscription.Cancel``); wakes any waiting reader."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._ready.notify_all()
            self._wake_async()
        self._pubsub._unsubscribe(self)

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


def _tell(watchers: tuple[Watcher, ...], message: Message, published: bool) -> None:
    for callback in watchers:
        try:
            callback(message, published)
        except Exception:  # a broken watcher must not lose the message for the subscribers
            log.exception("pubsub watcher %r failed on a message to %s", callback, message.topics)


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


class PubSub:
    """One node's pubsub (go-libp2p-pubsub ``PubSub`` behind kubo's ``PubSubAPI``). Thread-safe.

    ``enabled``: kubo runs pubsub only with ``--enable-pubsub-experiment`` (``Pubsub.Enabled``);
    fakeipfs emulates a daemon started with it. When off, every operation raises
    :class:`PubSubNotEnabled` with kubo's message.
    """

    def __init__(self, node: Any, *, enabled: bool = True, buffer_size: Optional[int] = None,
                 router: Optional[Router] = None, seen_ttl: float = TIME_CACHE_DURATION,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.node = node
        self.enabled = enabled
        self.buffer_size = buffer_size
        self.router: Router = router if router is not None else LoneRouter()
        #: why the node refuses every operation while it is crashed (``Network.crash``), or None
        self.down: Optional[str] = None
        self.seen_ttl = seen_ttl
        self._clock = clock
        self._lock = threading.Lock()  # subscriptions, seen messages
        self._publishing = threading.Lock()  # one publication at a time: seqno order is send order
        self._subscriptions: dict[str, list[Subscription]] = {}
        self._seen: dict[tuple[str, bytes], float] = {}  # message ID -> when it is forgotten
        self._expiry: deque[tuple[float, tuple[str, bytes]]] = deque()  # in time order
        self._counter = time.time_ns()
        self._peer_id: Optional[str] = None
        self._watch_lock = threading.Lock()  # registrations; delivery reads the tuples below
        self._watches: list[Watch] = []
        self._on_publish: tuple[Watcher, ...] = ()
        self._on_receive: tuple[Watcher, ...] = ()

    @property
    def peer_id(self) -> str:
        if self._peer_id is None:
            self._peer_id = _peer_id(self.node)
        return self._peer_id

    def check(self, version: Optional[KuboVersion] = None) -> None:
        """kubo ``checkNode``: raise kubo's error (worded as ``version`` words it) when disabled;
        a crashed node refuses (:class:`~fakeipfs.faults.NodeCrashed`)."""
        if self.down is not None:
            raise NodeCrashed(self.down)
        if not self.enabled:
            raise PubSubNotEnabled(not_enabled_message(version or self.node.kubo_version))

    # --- ipfs pubsub ... ----------------------------------------------------------------------

    def publish(self, topic: str, data: bytes) -> Message:
        """``ipfs pubsub pub``: deliver to this node's subscribers, then to the router."""
        self.check()
        with self._publishing:
            self._counter = (self._counter + 1) & 0xFFFF_FFFF_FFFF_FFFF
            message = Message(bytes(data), self.peer_id, self._counter.to_bytes(8, "big"), [topic])
            with self._lock:
                if self._on_publish:
                    _tell(self._on_publish, message, True)
                self._deliver(message)
            self.router.publish(message)
        return message

    def subscribe(self, topic: str, *, buffer_size: Optional[int] = None) -> Subscription:
        """``ipfs pubsub sub``: a subscription to ``topic``; ``buffer_size`` defaults to the
        node's (``None``: unbounded)."""
        self.check()
        subscription = Subscription(self, topic, buffer_size if buffer_size is not None else self.buffer_size)
        with self._lock:
            if topic not in self._subscriptions:
                self.router.join(topic)
            self._subscriptions.setdefault(topic, []).append(subscription)
        return subscription

    def topics(self) -> list[str]:
        """``ipfs pubsub ls``: the topics this node subscribes to, in first-subscription order
        (go-libp2p-pubsub ``GetTopics`` walks a Go map: its order is unspecified)."""
        self.check()
        with self._lock:
            return list(self._subscriptions)

    def peers(self, topic: Optional[str] = None) -> list[str]:
        """``ipfs pubsub peers``: remote peers subscribed to ``topic`` (any topic if None), sorted."""
        self.check()
        return sorted(self.router.peers(topic))

    # --- arriving messages --------------------------------------------------------------------

    def receive(self, message: Message) -> bool:
        """Deliver a message from another peer to this node's subscribers unless its
        ``(from, seqno)`` was seen in the last ``seen_ttl`` seconds; returns whether it was new."""
        if message.from_peer == self.peer_id:
            return False
        key = (message.from_peer, message.seqno)
        with self._lock:
            now = self._clock()
            expiry, seen = self._expiry, self._seen
            while expiry and expiry[0][0] <= now:
                seen.pop(expiry.popleft()[1], None)
            if key in seen:
                return False
            seen[key] = until = now + self.seen_ttl
            expiry.append((until, key))
            if self._on_receive:
                _tell(self._on_receive, message, False)
            self._deliver(message)
        return True

    # --- watchers -----------------------------------------------------------------------------

    def watch(self, callback: Watcher, *, published: bool = True, received: bool = True) -> Watch:
        """Call ``callback(message, published)`` for every message this node publishes
        (``published=True``: ``ipfs pubsub pub`` through any front door, whether or not anyone
        subscribes) and every new message it receives from another peer (``False``: duplicates
        and echoes of its own are not new), in the order the node delivers them to its
        subscribers and before any subscriber can read them. ``published=False`` or
        ``received=False`` leaves that kind out (a watcher of one kind costs the other nothing;
        with no watcher, delivery costs one test).

        The callback runs on the publishing or delivering thread with this pubsub's lock held:
        it must be quick and must not call this pubsub (hand the message to another thread for
        that); an exception it raises is logged and the message still delivered. Watches outlast
        :meth:`reset` (a reset node is the same node, watched by the same dashboard) until
        :meth:`Watch.close`. Thread-safe."""
        if not (published or received):
            raise ValueError("PubSub.watch: watch published messages, received ones, or both")
        handle = Watch(self, callback, published, received)
        with self._watch_lock:
            self._watches.append(handle)
            self._rewatch()
        return handle

    def collect(self, name: str, make: Callable[[], Any], *, published: bool = True,
                received: bool = True) -> Watch:
        """:meth:`watch`, appending each message to the node's attribute ``name`` (a list or
        deque, made by ``make()`` when the node has none). :meth:`fakeipfs.Node.reset` drops
        the attributes a node gained, so a reset node starts a new one and the watch goes on.
        An append is atomic: the delivering path takes no further lock."""
        state = self.node.__dict__

        def append(message: Message, _published: bool) -> None:
            found = state.get(name)
            if found is None:
                found = state.setdefault(name, make())
            found.append(message)

        return self.watch(append, published=published, received=received)

    def _watching(self, handle: Watch) -> bool:
        with self._watch_lock:
            return any(w is handle for w in self._watches)

    def _unwatch(self, handle: Watch) -> None:
        with self._watch_lock:
            self._watches = [w for w in self._watches if w is not handle]
            self._rewatch()

    def _rewatch(self) -> None:
        """Rebuild the tuples delivery reads (``_watch_lock`` held): a watch closed while
        watchers run does not disturb the tuple they iterate."""
        self._on_publish = tuple(w.callback for w in self._watches if w.published)
        self._on_receive = tuple(w.callback for w in self._watches if w.received)

    # --- delivery -----------------------------------------------------------------------------

    def _deliver(self, message: Message) -> None:
        for topic in message.topics:
            for subscription in self._subscriptions.get(topic, ()):
                subscription._offer(message)

    def _unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            subscriptions = self._subscriptions.get(subscription.topic, [])
            if subscription not in subscriptions:
                return
            subscriptions.remove(subscription)
            if not subscriptions:
                del self._subscriptions[subscription.topic]
                self.router.leave(subscription.topic)

    def close_all(self) -> None:
        """End every subscription (their readers stop once they drained their queues)."""
        with self._lock:
            live = [sub for subs in self._subscriptions.values() for sub in subs]
        for sub in live:
            sub.close()

    def reset(self) -> None:
        """A fresh pubsub for a node that was reset or restarted, on the same router: every
        subscription ends, seen messages are forgotten, the sequence counter starts again from
        the clock (pubsub.go ``NewPubSub``: ``counter: uint64(time.Now().UnixNano())``).
        Watches (:meth:`watch`) go on."""
        self.close_all()
        with self._publishing, self._lock:
            self._seen.clear()
            self._expiry.clear()
            self._counter = time.time_ns()
            self._peer_id = None


def of(node: Any) -> PubSub:
    """The node's pubsub, created on first use with the node's publication log watching it
    (:func:`fakeipfs.inspection.log_publications`), so every publication is logged."""
    return attached(node, "_pubsub", lambda: _logged(PubSub(node)))


def _logged(ps: PubSub) -> PubSub:
    inspection.log_publications(ps)
    return ps


def _peer_id(node: Any) -> str:
    """The node's peer ID: ``identity.of(node).peer_id``.

    Until fakeipfs/identity.py exists, a stand-in: an Ed25519 peer ID (``12D3KooW...``, the
    identity multihash of the protobuf public key) drawn once per node."""
    try:
        from . import identity
        return identity.of(node).peer_id
    except ImportError:
        return node.__dict__.setdefault("_pubsub_peer_id", _placeholder_peer_id())


def _placeholder_peer_id() -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    public_key = b"\x08\x01\x12\x20" + raw  # libp2p crypto.pb PublicKey{Type: Ed25519, Data}
    return multibase.encode(b"\x00\x24" + public_key, "base58btc")[1:]  # identity multihash
