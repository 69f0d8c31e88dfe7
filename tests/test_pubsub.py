"""fakeipfs.pubsub: one node's pubsub (go-libp2p-pubsub semantics as kubo exposes them)."""
from __future__ import annotations

import threading

import pytest
from multiformats import multibase

import fakeipfs
from fakeipfs import pubsub
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
