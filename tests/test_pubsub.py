"""fakeipfs.pubsub: one node's pubsub (go-libp2p-pubsub semantics as kubo exposes them)."""
from __future__ import annotations

import asyncio
import base64
import threading
from typing import Any, Callable, Optional

import pytest
from multiformats import multibase

import fakeipfs
from fakeipfs import identity, pubsub, transport
from fakeipfs.network import Network
from fakeipfs.pubsub import Message, PubSub, PubSubNotEnabled


@pytest.fixture
def node() -> fakeipfs.Node:
    return fakeipfs.Node()


def test_of_is_one_pubsub_per_node(node):
    assert pubsub.of(node) is pubsub.of(node)
    assert pubsub.of(node) is not pubsub.of(fakeipfs.Node())


def test_a_node_hears_its_own_messages(node):
    ps = pubsub.of(node)
    with ps.subscribe("news") as sub:
        sent = ps.publish("news", b"hello")
        got = sub.next(timeout=1)
    assert got == sent
    assert got.data == b"hello"
    assert got.topics == ["news"]
    assert got.from_peer == ps.peer_id
    assert len(got.seqno) == 8


def test_peer_id_is_an_ed25519_peer_id(node):
    peer_id = pubsub.of(node).peer_id
    assert peer_id.startswith("12D3KooW")
    raw = pubsub.peer_id_bytes(peer_id)
    assert raw[:6] == b"\x00\x24\x08\x01\x12\x20" and len(raw) == 38  # identity multihash of the key
    assert multibase.encode(raw, "base58btc")[1:] == peer_id


def test_seqnos_are_big_endian_counters_from_the_start_time(node):
    ps = pubsub.of(node)
    with ps.subscribe("t") as sub:
        for i in range(3):
            ps.publish("t", b"%d" % i)
        seqnos = [int.from_bytes(sub.next(timeout=1).seqno, "big") for _ in range(3)]
    assert seqnos[1] == seqnos[0] + 1 and seqnos[2] == seqnos[1] + 1
    assert seqnos[0] > 1_600_000_000 * 10**9  # time.Now().UnixNano() at start, plus one


def test_only_subscribed_topics_are_delivered(node):
    ps = pubsub.of(node)
    with ps.subscribe("a") as a, ps.subscribe("b") as b:
        ps.publish("b", b"for b")
        ps.publish("c", b"for nobody")
        with pytest.raises(TimeoutError):
            a.next(timeout=0.01)
        assert b.next(timeout=1).data == b"for b"
        with pytest.raises(TimeoutError):
            b.next(timeout=0.01)


def test_every_subscription_gets_every_message(node):
    ps = pubsub.of(node)
    with ps.subscribe("t") as one, ps.subscribe("t") as two:
        ps.publish("t", b"x")
        assert one.next(timeout=1).data == two.next(timeout=1).data == b"x"


def test_messages_before_subscribing_are_not_delivered(node):
    ps = pubsub.of(node)
    ps.publish("t", b"early")
    with ps.subscribe("t") as sub:
        with pytest.raises(TimeoutError):
            sub.next(timeout=0.01)


def test_empty_topic_and_empty_and_large_data_are_ordinary(node):
    """go-libp2p-pubsub checks neither the topic nor the size when publishing locally."""
    ps = pubsub.of(node)
    big = b"\xff" * (1024 * 1024 + 1)  # over DefaultMaxMessageSize
    with ps.subscribe("") as sub:
        ps.publish("", b"")
        ps.publish("", big)
        assert sub.next(timeout=1).data == b""
        assert sub.next(timeout=1).data == big
    assert sub.closed


def test_topics_and_peers(node):
    ps = pubsub.of(node)
    assert ps.topics() == [] and ps.peers() == [] and ps.peers("x") == []
    with ps.subscribe("x"), ps.subscribe("a"):
        with ps.subscribe("x"):
            assert ps.topics() == ["x", "a"]
        assert ps.topics() == ["x", "a"]
        assert ps.peers() == [] and ps.peers("x") == []  # remote subscribers only
    assert ps.topics() == []


def test_duplicates_are_suppressed_by_from_and_seqno(node):
    ps = pubsub.of(node)
    other = Message(b"relayed", "12D3KooWOther", (7).to_bytes(8, "big"), ["t"])
    with ps.subscribe("t") as sub:
        own = ps.publish("t", b"mine")
        assert ps.receive(own) is False  # an echo of our own message
        assert ps.receive(other) is True
        assert ps.receive(Message(b"same id, other data", other.from_peer, other.seqno, ["t"])) is False
        assert ps.receive(Message(b"next", other.from_peer, (8).to_bytes(8, "big"), ["t"])) is True
        got = [sub.next(timeout=1).data for _ in range(3)]
        with pytest.raises(TimeoutError):
            sub.next(timeout=0.01)
    assert got == [b"mine", b"relayed", b"next"]


def test_seen_messages_are_forgotten_after_the_time_cache(node):
    now = [0.0]
    ps = PubSub(node, clock=lambda: now[0])
    message = Message(b"m", "12D3KooWOther", b"\x00" * 8, ["t"])
    with ps.subscribe("t") as sub:
        assert ps.receive(message) is True
        now[0] = 119.9
        assert ps.receive(message) is False
        now[0] = 120.0
        assert ps.receive(message) is True
        assert [sub.next(timeout=1).data for _ in range(2)] == [b"m", b"m"]


def test_close_ends_iteration_after_queued_messages(node):
    ps = pubsub.of(node)
    sub = ps.subscribe("t")
    ps.publish("t", b"1")
    ps.publish("t", b"2")
    sub.close()
    sub.close()  # idempotent
    ps.publish("t", b"after close")
    assert [m.data for m in sub] == [b"1", b"2"]
    with pytest.raises(StopIteration):
        sub.next(timeout=0)
    assert ps.topics() == []


def test_close_wakes_a_blocked_reader(node):
    sub = pubsub.of(node).subscribe("t")
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(sub.next(timeout=10))
        except StopIteration:
            outcome.append("closed")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    sub.close()
    reader.join(5)
    assert outcome == ["closed"]


def test_a_blocked_reader_gets_a_message_published_from_another_thread(node):
    ps = pubsub.of(node)
    with ps.subscribe("t") as sub:
        got: list[Message] = []
        reader = threading.Thread(target=lambda: got.append(sub.next(timeout=10)), daemon=True)
        reader.start()
        ps.publish("t", b"wake up")
        reader.join(5)
    assert [m.data for m in got] == [b"wake up"]


def test_queues_are_lossless_by_default(node):
    ps = pubsub.of(node)
    with ps.subscribe("t") as sub:
        for i in range(1000):
            ps.publish("t", i.to_bytes(2, "big"))
        assert [int.from_bytes(sub.next(timeout=1).data, "big") for _ in range(1000)] == list(range(1000))
        assert sub.dropped == 0


def test_a_bounded_queue_drops_new_messages_like_go_libp2p_pubsub(node):
    ps = PubSub(node, buffer_size=32)  # go-libp2p-pubsub's default subscription buffer
    with ps.subscribe("t") as bounded, ps.subscribe("t", buffer_size=2) as tiny:
        for i in range(40):
            ps.publish("t", bytes([i]))
        assert bounded.dropped == 8 and tiny.dropped == 38
        assert [bounded.next(timeout=1).data[0] for _ in range(32)] == list(range(32))
        assert [tiny.next(timeout=1).data[0] for _ in range(2)] == [0, 1]
        ps.publish("t", b"room again")
        assert tiny.next(timeout=1).data == b"room again"


def test_concurrent_publishers_keep_per_publisher_order(node):
    """Threads publish at once; each thread's messages arrive in its order, none lost or
    repeated, and seqnos follow delivery order (one node: one seqno counter)."""
    ps = pubsub.of(node)
    threads, per_thread = 8, 200
    with ps.subscribe("t") as sub:
        start = threading.Barrier(threads)

        def publish(n: int) -> None:
            start.wait()
            for i in range(per_thread):
                ps.publish("t", f"{n}:{i}".encode())

        workers = [threading.Thread(target=publish, args=(n,), daemon=True) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(10)
        got = [sub.next(timeout=1) for _ in range(threads * per_thread)]
        with pytest.raises(TimeoutError):
            sub.next(timeout=0.01)
    seqnos = [int.from_bytes(m.seqno, "big") for m in got]
    assert seqnos == sorted(seqnos) and len(set(seqnos)) == len(seqnos)
    by_thread: dict[str, list[int]] = {}
    for message in got:
        n, i = message.data.decode().split(":")
        by_thread.setdefault(n, []).append(int(i))
    assert by_thread == {str(n): list(range(per_thread)) for n in range(threads)}


def test_concurrent_readers_and_subscribers(node):
    """Subscriptions opened and closed while other threads publish: no errors, no deadlock."""
    ps = pubsub.of(node)
    errors: list[BaseException] = []
    stop = threading.Event()

    def publisher() -> None:
        while not stop.is_set():
            ps.publish("t", b"x")

    def churn() -> None:
        try:
            for _ in range(200):
                with ps.subscribe("t") as sub:
                    sub.next(timeout=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pub_thread = threading.Thread(target=publisher, daemon=True)
    pub_thread.start()
    churners = [threading.Thread(target=churn, daemon=True) for _ in range(4)]
    for thread in churners:
        thread.start()
    for thread in churners:
        thread.join(15)
    stop.set()
    pub_thread.join(5)
    assert errors == [] and not any(t.is_alive() for t in churners)
    assert ps.topics() == []


@pytest.mark.parametrize("version, message", [
    ("0.7.0", "experimental pubsub feature not enabled. Run daemon with --enable-pubsub-experiment to use."),
    ("0.16.0", "experimental pubsub feature not enabled. Run daemon with --enable-pubsub-experiment to use."),
    ("0.17.0", "experimental pubsub feature not enabled, run daemon with --enable-pubsub-experiment to use"),
])
def test_disabled_pubsub_fails_every_operation(version, message):
    ps = pubsub.of(fakeipfs.Node(kubo_version=version))
    ps.enabled = False
    for operation in (lambda: ps.publish("t", b"x"), lambda: ps.subscribe("t"), ps.topics, ps.peers):
        with pytest.raises(PubSubNotEnabled) as info:
            operation()
        assert info.value.message == message
    ps.enabled = True
    assert ps.topics() == []


# --- node.pubsub, reset, asyncio -------------------------------------------------------------

def test_node_pubsub_is_the_nodes_pubsub(node):
    assert node.pubsub is pubsub.of(node)
    with node.pubsub.subscribe("t") as sub:
        node.pubsub.publish("t", b"via the accessor")
        assert sub.next(timeout=1).data == b"via the accessor"


def test_reset_ends_subscriptions_and_forgets_seen_messages_but_keeps_the_router(node):
    ps = node.pubsub
    router = ps.router = pubsub.LoneRouter()
    sub = ps.subscribe("t")
    other = Message(b"m", "12D3KooWOther", b"\x00" * 8, ["t"])
    assert ps.receive(other) is True
    node.reset()
    assert node.pubsub is ps and ps.router is router
    assert [m.data for m in sub] == [b"m"] and sub.closed
    assert ps.topics() == []
    with ps.subscribe("t") as again:
        assert ps.receive(other) is True  # forgotten: a restarted node has an empty seen-cache
        assert again.next(timeout=1).data == b"m"


def test_async_iteration_and_next_async(node):
    ps = node.pubsub

    async def scenario() -> list[object]:
        out: list[object] = []
        async with ps.subscribe("t") as sub:
            ps.publish("t", b"queued")
            out.append((await sub.next_async(timeout=1)).data)
            with pytest.raises(TimeoutError):
                await sub.next_async(timeout=0.01)
            threading.Thread(target=ps.publish, args=("t", b"from a thread")).start()
            out.append((await sub.next_async(timeout=5)).data)
            ps.publish("t", b"last")
            threading.Thread(target=sub.close).start()
            out.extend([m.data async for m in sub])  # drains, then ends when closed
            with pytest.raises(StopAsyncIteration):
                await sub.next_async()
        return out

    assert asyncio.run(scenario()) == [b"queued", b"from a thread", b"last"]
    assert ps.topics() == []


def test_many_async_readers_on_one_loop(node):
    ps = node.pubsub

    async def scenario() -> list[bytes]:
        subs = [ps.subscribe("t") for _ in range(5)]
        readers = [asyncio.ensure_future(s.next_async(timeout=5)) for s in subs]
        await asyncio.sleep(0)  # every reader waits on its future
        threading.Thread(target=ps.publish, args=("t", b"all")).start()
        got = [m.data for m in await asyncio.gather(*readers)]
        for s in subs:
            s.close()
        return got

    assert asyncio.run(scenario()) == [b"all"] * 5


# --- the size limit between peers ------------------------------------------------------------

def test_rpc_size_is_the_go_libp2p_pubsub_rpc_encoding(node):
    """pb.RPC{publish: [pb.Message{from, data, seqno, topic, signature}]}: for an Ed25519 peer
    (38-byte ID) and topic "t", the RPC is 127 bytes longer than a ~1 MiB payload."""
    peer = node.pubsub.peer_id
    message = Message(b"x" * 1_000_000, peer, b"\x00" * 8, ["t"])
    assert pubsub.rpc_size(message) == 1_000_000 + 127
    small = Message(b"", peer, b"\x00" * 8, ["t"])
    #  from 1+1+38, data 1+1, seqno 1+1+8, topic 1+1+1, signature 1+1+64; publish 1+1+inner
    assert pubsub.rpc_size(small) == 2 + (40 + 2 + 10 + 3 + 66)
    assert pubsub.rpc_size(small, 256, 299) == 1 + 2 + (40 + 2 + 10 + 3 + 259 + 302)


# --- a network: scenarios after interface-ipfs-core's pubsub suite (src/pubsub/*.js) -----------
# Each runs on the native API and through a genuine ipfshttpclient wired in-process.

def _within(fn: Callable[[], Any], timeout: float = 5) -> Any:
    """Run ``fn`` in a thread; fail instead of hanging when it does not return in time."""
    out: list[Any] = []
    reader = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert out, f"no answer within {timeout} s"
    return out[0]


class NativeDoor:
    def __init__(self, node: fakeipfs.Node) -> None:
        self.ps = node.pubsub

    def publish(self, topic: str, data: bytes) -> None:
        self.ps.publish(topic, data)

    def subscribe(self, topic: str) -> Callable[[], tuple[str, bytes, list[str]]]:
        sub = self.ps.subscribe(topic)

        def next_message() -> tuple[str, bytes, list[str]]:
            m = sub.next(timeout=5)
            return m.from_peer, m.data, m.topics
        next_message.close = sub.close  # type: ignore[attr-defined]
        return next_message

    def ls(self) -> list[str]:
        return self.ps.topics()

    def peers(self, topic: Optional[str] = None) -> list[str]:
        return self.ps.peers(topic)


class ClientDoor:
    """ipfshttpclient 0.7 against kubo 0.7.0's wire (base64 ``data`` and ``from`` bytes)."""

    def __init__(self, node: fakeipfs.Node) -> None:
        self.client = transport.client(node)

    def publish(self, topic: str, data: bytes) -> None:
        self.client.pubsub.publish(topic, data.decode("utf-8"))

    def subscribe(self, topic: str) -> Callable[[], tuple[str, bytes, list[str]]]:
        channel = self.client.pubsub.subscribe(topic)
        messages = iter(channel)

        def next_message() -> tuple[str, bytes, list[str]]:
            m = _within(lambda: next(messages))
            sender = multibase.encode(base64.b64decode(m["from"]), "base58btc")[1:]
            return sender, base64.b64decode(m["data"]), m["topicIDs"]
        next_message.close = channel.close  # type: ignore[attr-defined]
        return next_message

    def ls(self) -> list[str]:
        return self.client.pubsub.ls()["Strings"] or []

    def peers(self, topic: Optional[str] = None) -> list[str]:
        found = self.client.pubsub.peers(topic) if topic is not None else self.client.pubsub.peers()
        return found["Strings"] or []


@pytest.fixture(params=[NativeDoor, ClientDoor], ids=["native", "ipfshttpclient"])
def door(request) -> Callable[[fakeipfs.Node], Any]:
    return request.param


@pytest.fixture
def net() -> Network:
    return Network(3, seed="pubsub")


def _id(node: fakeipfs.Node) -> str:
    return identity.of(node).peer_id


def test_suite_self_delivery(net, door):
    """subscribe.js "should subscribe to one topic": a node hears its own message."""
    a = door(net.nodes[0])
    sub = a.subscribe("self")
    a.publish("self", b"hi")
    assert sub() == (_id(net.nodes[0]), b"hi", ["self"])
    sub.close()


def test_suite_two_handlers_on_one_topic(net, door):
    """subscribe.js "should subscribe to topic multiple times with different handlers"."""
    b = door(net.nodes[1])
    one, two = b.subscribe("twice"), b.subscribe("twice")
    net.wait_for_subscribers("twice", 1, node=net.nodes[0])
    door(net.nodes[0]).publish("twice", b"both")
    assert one() == two() == (_id(net.nodes[0]), b"both", ["twice"])
    one.close()
    assert b.ls() == ["twice"]  # the other handler still subscribes
    two.close()
    assert b.ls() == []


def test_suite_ls_after_unsubscribe(net, door):
    """ls.js: none, then three topics; unsubscribe.js: the topic leaves the list."""
    a = door(net.nodes[0])
    assert a.ls() == []
    subs = {topic: a.subscribe(topic) for topic in ("ls-1", "ls-2", "ls-3")}
    assert a.ls() == ["ls-1", "ls-2", "ls-3"]
    subs.pop("ls-2").close()
    assert a.ls() == ["ls-1", "ls-3"]
    for sub in subs.values():
        sub.close()
    assert a.ls() == []


def test_suite_two_nodes_and_peers(net, door):
    """subscribe.js "should receive messages from a different node"; peers.js: remote
    subscribers only, and no extra peers."""
    a, b = door(net.nodes[0]), door(net.nodes[1])
    sub_b = b.subscribe("pair")
    assert net.wait_for_subscribers("pair", 1, node=net.nodes[0]) == [_id(net.nodes[1])]
    assert a.peers("pair") == [_id(net.nodes[1])] and b.peers("pair") == []
    assert door(net.nodes[2]).peers("pair") == [_id(net.nodes[1])]
    for i in range(10):
        a.publish("pair", b"m%d" % i)
    assert [sub_b() for _ in range(10)] == [(_id(net.nodes[0]), b"m%d" % i, ["pair"]) for i in range(10)]
    sub_b.close()
    assert a.peers("pair") == []


def test_suite_many_topics(net, door):
    """subscribe.js "should receive messages from a different node on lots of topics"."""
    topics = [f"topic-{i}" for i in range(20)]
    b = door(net.nodes[1])
    subs = [b.subscribe(t) for t in topics]
    net.wait_for_subscribers(topics[-1], 1, node=net.nodes[2])
    c = door(net.nodes[2])
    for t in topics:
        c.publish(t, t.encode())
    assert [sub() for sub in subs] == [(_id(net.nodes[2]), t.encode(), [t]) for t in topics]
    for sub in subs:
        sub.close()


def test_suite_binary_payload_between_nodes(net):
    """subscribe.js "should round trip a non-utf8 binary buffer" (native: kubo 0.7.0's wire
    carries ``pub`` data as a URL argument, which ipfshttpclient sends as text)."""
    payload = bytes(range(256)) + b"\x00\xff\xfe"
    with net.nodes[2].pubsub.subscribe("bin") as sub:
        net.nodes[0].pubsub.publish("bin", payload)
        assert sub.next(timeout=1).data == payload


def test_messages_of_every_publisher_arrive_in_order_once(net):
    subs = [n.pubsub.subscribe("order") for n in net.nodes]
    for i in range(100):
        net.nodes[i % 3].pubsub.publish("order", b"%d" % i)
    for sub in subs:
        got = [int(sub.next(timeout=1).data) for _ in range(100)]
        with pytest.raises(TimeoutError):
            sub.next(timeout=0)
        assert got == list(range(100))  # one thread published: delivery is synchronous


# --- bad input on a network: kubo's answer, and the other nodes unaffected --------------------

MAX_DATA = pubsub.DEFAULT_MAX_MESSAGE_SIZE - 127  # the largest payload of an RPC on topic "t"


def test_oversized_messages_stay_local(net):
    a, b, c = net.nodes
    local, remote = a.pubsub.subscribe("t"), b.pubsub.subscribe("t")
    a.pubsub.publish("t", b"\x01" * (MAX_DATA + 1))
    a.pubsub.publish("t", b"\x02" * MAX_DATA)
    assert [len(local.next(timeout=1).data) for _ in range(2)] == [MAX_DATA + 1, MAX_DATA]
    assert len(remote.next(timeout=1).data) == MAX_DATA
    with pytest.raises(TimeoutError):
        remote.next(timeout=0)
    c.pubsub.publish("t", b"small")
    assert remote.next(timeout=1).data == b"small"


def test_empty_topic_crosses_the_network(net):
    with net.nodes[2].pubsub.subscribe("") as sub:
        net.nodes[0].pubsub.publish("", b"")
        assert sub.next(timeout=1).topics == [""]


def test_unsubscribing_twice_and_publishing_on_a_disabled_node(net):
    a, b, c = net.nodes
    sub = c.pubsub.subscribe("t")
    extra = c.pubsub.subscribe("t")
    extra.close()
    extra.close()  # unknown by now: nothing happens
    assert c.pubsub.topics() == ["t"]
    b.pubsub.enabled = False
    with pytest.raises(PubSubNotEnabled) as info:
        b.pubsub.publish("t", b"x")
    assert str(info.value) == ("experimental pubsub feature not enabled. "
                               "Run daemon with --enable-pubsub-experiment to use.")
    a.pubsub.publish("t", b"still flows")
    assert sub.next(timeout=1).data == b"still flows"
    assert a.pubsub.peers() == [_id(c)]  # a disabled peer runs no pubsub


def test_a_reset_node_stays_on_the_network(net):
    a, b, _ = net.nodes
    old = b.pubsub.subscribe("t")
    b.reset()
    assert list(old) == [] and net.wait_for_subscribers("t", 0) == []
    with b.pubsub.subscribe("t") as sub:
        a.pubsub.publish("t", b"after reset")
        assert sub.next(timeout=1).data == b"after reset"
        assert a.pubsub.peers("t") == [_id(b)]


def test_bounded_queues_over_the_network_drop_like_go_libp2p_pubsub():
    lossless, bounded = Network(2), Network(2, buffer_size=32)
    for net in (lossless, bounded):
        sub = net.nodes[1].pubsub.subscribe("t")
        for i in range(100):
            net.nodes[0].pubsub.publish("t", bytes([i]))
        kept = 100 if net is lossless else 32
        assert [sub.next(timeout=1).data[0] for _ in range(kept)] == list(range(kept))
        assert sub.dropped == 100 - kept


def test_concurrent_publishers_and_readers_across_nodes():
    """Publisher threads on every node and one reader thread per subscription, with slow
    links: everything arrives once, each publisher's messages in order."""
    net = Network(3, seed=5)
    net.faults.set(latency=0.001, jitter=0.001)
    subs = [n.pubsub.subscribe("load") for n in net.nodes for _ in range(2)]
    per_publisher = 100
    received: dict[int, list[bytes]] = {k: [] for k in range(len(subs))}

    def read(k: int) -> None:
        for _ in range(3 * per_publisher):
            received[k].append(subs[k].next(timeout=10).data)

    def publish(i: int) -> None:
        for j in range(per_publisher):
            net.nodes[i].pubsub.publish("load", b"%d:%d" % (i, j))

    threads = [threading.Thread(target=read, args=(k,)) for k in range(len(subs))]
    threads += [threading.Thread(target=publish, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    net.wait_quiescent()
    for k, got in received.items():
        assert len(got) == 3 * per_publisher
        for i in range(3):
            assert [m for m in got if m.startswith(b"%d:" % i)] == [b"%d:%d" % (i, j) for j in range(per_publisher)]
        with pytest.raises(TimeoutError):
            subs[k].next(timeout=0)


# --- watchers ----------------------------------------------------------------------------------

def test_watchers_see_publications_and_new_arrivals_once(node):
    ps = node.pubsub
    seen: list[tuple[bytes, list[str], str, bool]] = []
    published: list[bytes] = []
    received: list[bytes] = []
    watch = ps.watch(lambda m, mine: seen.append((m.data, m.topics, m.from_peer, mine)))
    ps.watch(lambda m, mine: published.append(m.data), received=False)
    ps.watch(lambda m, mine: received.append(m.data), published=False)
    mine = ps.publish("t", b"mine")  # no subscriber: watched all the same
    other = Message(b"theirs", "12D3KooWOther", b"\x00" * 8, ["u"])
    assert ps.receive(other) is True
    assert ps.receive(other) is False  # a duplicate
    assert ps.receive(mine) is False  # an echo of its own
    assert seen == [(b"mine", ["t"], _id(node), True), (b"theirs", ["u"], "12D3KooWOther", False)]
    assert (published, received) == ([b"mine"], [b"theirs"])
    assert not watch.closed
    watch.close()
    watch.close()  # again: nothing
    assert watch.closed
    ps.publish("t", b"unwatched")
    assert len(seen) == 2 and published == [b"mine", b"unwatched"]
    with pytest.raises(ValueError, match="^PubSub.watch: watch published messages, received ones, or both$"):
        ps.watch(seen.append, published=False, received=False)


def test_watchers_see_a_message_before_its_subscribers_can_read_it(node):
    sub = node.pubsub.subscribe("t")
    readable: list[bool] = []

    def check(message: Message, mine: bool) -> None:
        try:
            sub.next(timeout=0)
            readable.append(True)
        except TimeoutError:
            readable.append(False)

    with node.pubsub.watch(check) as watch:
        node.pubsub.publish("t", b"1")
        assert sub.next(timeout=1).data == b"1"
        node.pubsub.receive(Message(b"2", "12D3KooWOther", b"\x00" * 8, ["t"]))
        assert sub.next(timeout=1).data == b"2"
    assert watch.closed and readable == [False, False]


def test_a_failing_watcher_is_logged_and_loses_no_message(node, caplog):
    def broken(message: Message, mine: bool) -> None:
        raise RuntimeError("watcher bug")

    node.pubsub.watch(broken)
    with node.pubsub.subscribe("t") as sub:
        node.pubsub.publish("t", b"still delivered")
        assert sub.next(timeout=1).data == b"still delivered"
    [record] = caplog.records
    assert (record.name, record.levelname, record.exc_info[1].args) == ("fakeipfs.pubsub", "ERROR", ("watcher bug",))
    assert record.getMessage() == f"pubsub watcher {broken!r} failed on a message to ['t']"


def test_a_watcher_may_close_its_own_watch_and_watches_outlast_a_reset(node):
    seen: list[bytes] = []
    once: list[pubsub.Watch] = []
    once.append(node.pubsub.watch(lambda m, mine: (seen.append(m.data), once[0].close())))
    kept = node.pubsub.watch(lambda m, mine: seen.append(m.data.upper()))
    node.pubsub.publish("t", b"a")
    node.reset()
    node.pubsub.publish("t", b"b")
    assert seen == [b"a", b"A", b"B"]
    assert once[0].closed and not kept.closed


def test_watching_across_a_network_sees_each_message_once(net):
    """A full mesh floods every message to a node twice (directly and through the third node)."""
    seen: list[tuple[int, bytes, bool]] = []
    for i, peer in enumerate(net.nodes):
        peer.pubsub.watch(lambda m, mine, i=i: seen.append((i, m.data, mine)))
    subs = [peer.pubsub.subscribe("t") for peer in net.nodes]
    net.wait_for_subscribers("t", 3)
    net.nodes[0].pubsub.publish("t", b"flood")
    assert [sub.next(timeout=5).data for sub in subs] == [b"flood"] * 3
    assert sorted(seen) == [(0, b"flood", True), (1, b"flood", False), (2, b"flood", False)]


def test_watching_while_publishing_from_other_threads(node):
    """Watches come and go while a thread publishes: a watch held throughout sees everything in
    order, and no publication is lost or doubled."""
    steady: list[bytes] = []
    node.pubsub.watch(lambda m, mine: steady.append(m.data))
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            node.pubsub.watch(lambda m, mine: None).close()

    churner = threading.Thread(target=churn)
    churner.start()
    try:
        for i in range(2000):
            node.pubsub.publish("t", b"%d" % i)
    finally:
        stop.set()
        churner.join()
    assert steady == [b"%d" % i for i in range(2000)]


def test_collect_keeps_messages_on_the_node_and_a_reset_starts_afresh(node):
    other = "12D3KooWOther"
    with node.pubsub.collect("_kept", list, published=False):
        node.pubsub.publish("t", b"published: left out")
        node.pubsub.receive(Message(b"1", other, b"\x00" * 8, ["t"]))
        assert [m.data for m in node.__dict__["_kept"]] == [b"1"]
        node.reset()
        assert "_kept" not in node.__dict__
        node.pubsub.receive(Message(b"2", other, b"\x00" * 7 + b"\x01", ["t"]))
        assert [m.data for m in node.__dict__["_kept"]] == [b"2"]
    node.pubsub.receive(Message(b"3", other, b"\x00" * 7 + b"\x02", ["t"]))
    assert [m.data for m in node.__dict__["_kept"]] == [b"2"]
