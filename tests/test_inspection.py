"""The request log, the publication log, assertion helpers and node state control
(fakeipfs/inspection.py, ``Node.reset``/``snapshot``/``restore``), through the in-process
ipfshttpclient, the dispatcher and the daemon."""
from __future__ import annotations

import ipfshttpclient
import pytest
import requests

import fakeipfs.transport as t
from fakeipfs import Network, Node, identity, inspection, ipns, keystore, mfs, pubsub
from fakeipfs.daemon import Daemon
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.rpc.wire import Request

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"  # "Hello Mars!\n"


def test_log_records_real_requests():
    node = Node()
    client = t.client(node)
    assert client.add_bytes(b"hello world") == HELLO
    assert client.cat(HELLO) == b"hello world"
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse):
        client.pin.rm(MARS)
    client.pin.ls(type="recursive")
    log = inspection.of(node).requests
    assert [(r.endpoint, r.args, r.status) for r in log] == [
        ("add", [], 200), ("cat", [HELLO], 200), ("pin/rm", [MARS], 500), ("pin/ls", [], 200)]
    assert log[3].options == {"stream-channels": True, "type": "recursive"}
    assert all(r.duration >= 0 for r in log)


def test_log_records_unknown_commands_and_parse_errors():
    node = Node()
    dispatcher = Dispatcher(node)
    assert dispatcher.handle(Request.from_url("POST", "/api/v0/nope?arg=x")).status == 404
    assert dispatcher.handle(Request.from_url("POST", "/api/v0/cat?length=x&arg=y")).status == 400
    log = inspection.of(node).requests
    assert [(r.endpoint, r.args, r.options, r.status) for r in log] == [
        ("nope", ["x"], {}, 404), ("cat", ["y"], {"length": "x"}, 400)]


def test_assertion_helpers():
    node = Node()
    client = t.client(node)
    client.add_bytes(b"hello world")
    client.cat(HELLO)
    found = inspection.assert_requested(node, "cat", args=[HELLO], status=200, times=1)
    assert found[0].endpoint == "cat"
    inspection.assert_requested(node, "add", options={"stream-channels": True})
    inspection.assert_not_requested(node, "pin/add")
    with pytest.raises(AssertionError) as failed:
        inspection.assert_requested(node, "cat", args=[MARS])
    assert str(failed.value) == (
        f"expected a request matching 'cat', args=['{MARS}'], found 0; requests made:\n"
        f"  add args=[] options={{'stream-channels': True}} status=200\n"
        f"  cat args=['{HELLO}'] options={{'stream-channels': True}} status=200")
    with pytest.raises(AssertionError, match=r"^expected 2 request\(s\) matching 'cat', found 1;"):
        inspection.assert_requested(node, "cat", times=2)
    with pytest.raises(AssertionError) as failed:
        inspection.assert_not_requested(node, "add")
    assert str(failed.value) == ("expected no request matching 'add', found 1:\n"
                                 "  add args=[] options={'stream-channels': True} status=200")


def test_added_and_pinned():
    node = Node()
    node.add_bytes(b"Hello Mars!\n")
    node.add_bytes(b"hello world")
    node.add_bytes(b"not pinned", pin=False)
    assert inspection.added(node) == [MARS, HELLO]
    assert inspection.pinned(node) == {MARS: "recursive", HELLO: "recursive"}
    assert inspection.pinned(node, "direct") == {}


def test_reset_empties_everything_and_the_node_works_afterwards():
    node = Node(kubo_version="0.11.0")
    client = t.client(node)
    client.add_bytes(b"hello world")
    mfs.of(node).mkdir("/dir")
    keystore.of(node).generate("k1", "ed25519")
    ipns.of(node).publish("/ipfs/" + HELLO)
    peer = identity.of(node).peer_id
    subscription = pubsub.of(node).subscribe("topic")
    node.reset()
    assert subscription.closed
    assert node.blockstore.stat() == (1, 4)  # as a new node: its MFS root (core/node/core.go Files)
    assert node.pin_ls() == {}
    assert inspection.of(node).requests == []
    assert keystore.of(node).names() == []
    assert identity.of(node).peer_id != peer
    assert mfs.of(node).ls("/") == (True, [])
    assert pubsub.of(node).topics() == []
    assert str(node.kubo_version) == "0.11.0"
    assert client.add_bytes(b"hello world") == HELLO
    assert client.version()["Version"] == "0.11.0"
    inspection.assert_requested(node, "add", times=1)


def test_reset_keeps_a_seeded_identity():
    node = Node()
    peer = identity.of(node, seed=b"fixed").peer_id
    node.reset()
    assert identity.of(node).peer_id == peer


def test_repo_node_refuses_reset_and_snapshot(tmp_path):
    node = Node(repo=tmp_path / "repo")
    with pytest.raises(ValueError, match="only an in-memory node can be reset"):
        node.reset()
    with pytest.raises(ValueError, match="only an in-memory node can be snapshot"):
        node.snapshot()


def test_snapshot_restore_round_trip():
    node = Node()
    node.add_bytes(b"hello world")
    mfs.of(node).mkdir("/dir")
    keystore.of(node).generate("k1", "ed25519")
    ipns.of(node).publish("/ipfs/" + HELLO)
    peer = identity.of(node).peer_id
    blocks = node.blockstore.stat()
    saved = node.snapshot()
    node.add_bytes(b"Hello Mars!\n")
    mfs.of(node).mkdir("/other")
    keystore.of(node).generate("k2", "ed25519")
    node.pin_rm(HELLO)
    node.restore(saved)
    assert node.pin_ls() == {HELLO: "recursive"}
    assert node.blockstore.stat() == blocks
    assert [e.name for e in mfs.of(node).ls("/")[1]] == ["dir"]
    assert keystore.of(node).names() == ["k1"]
    assert identity.of(node).peer_id == peer
    assert ipns.of(node).resolve("/ipns/" + peer) == "/ipfs/" + HELLO
    with pytest.raises(Exception):
        node.cat(MARS)
    node.reset()
    node.restore(saved)  # a snapshot outlives a reset
    assert node.cat(HELLO) == b"hello world"
    other = Node()
    other.restore(saved)  # and moves to another node of the same version
    assert other.pin_ls() == {HELLO: "recursive"}


def test_restore_rejects_another_version():
    saved = Node(kubo_version="0.7.0").snapshot()
    with pytest.raises(ValueError) as refused:
        Node(kubo_version="0.12.0").restore(saved)
    assert str(refused.value) == ("Node.restore: the snapshot is of a kubo 0.7.0 node, "
                                  "this node emulates kubo 0.12.0")
    with pytest.raises(TypeError):
        Node().restore({})  # type: ignore[arg-type]


# --- what a node published ---------------------------------------------------------------------

def _counters(messages: list[pubsub.Message]) -> list[int]:
    return [int.from_bytes(m.seqno, "big") for m in messages]


def _serve(node: Node):
    return Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda _: None).background()


def _multipart(data: bytes) -> tuple[dict[str, str], bytes]:
    """kubo 0.11+'s ``pubsub pub`` body: the data as the first multipart file."""
    boundary = "fakeipfs-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="data"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body


def test_published_lists_what_every_front_door_published():
    node = Node()  # kubo 0.7.0's wire: ipfshttpclient 0.7 sends the data as a URL arg
    assert inspection.published(node) == []
    node.pubsub.publish("native", b"\x00\x01")  # no subscriber: published all the same
    t.client(node).pubsub.publish("client", "in process")
    assert Dispatcher(node).handle(Request.from_url("POST", "/api/v0/pubsub/pub?arg=args&arg=one&arg=two")).status == 200
    with _serve(node) as daemon, ipfshttpclient.Client(str(daemon.api_addr)) as client:
        client.pubsub.publish("daemon", "over HTTP")
    messages = inspection.published(node)
    assert [(m.topics, m.data) for m in messages] == [
        (["native"], b"\x00\x01"), (["client"], b"in process"), (["args"], b"one"), (["args"], b"two"),
        (["daemon"], b"over HTTP")]
    assert {m.from_peer for m in messages} == {identity.of(node).peer_id}
    first = _counters(messages)[0]
    assert _counters(messages) == [first, first + 1, first + 2, first + 3, first + 4]
    assert [m.data for m in inspection.published(node, "args")] == [b"one", b"two"]
    assert inspection.published(node, data="in process") == [messages[1]]
    assert inspection.published(node, "args", b"two") == [messages[3]]
    assert inspection.published(node, "nowhere") == []
    inspection.assert_requested(node, "pubsub/pub", args=["args", "one", "two"], times=1)


def test_published_over_the_multibase_wire_with_a_binary_topic():
    node = Node(kubo_version="0.11.0")
    headers, body = _multipart(b"in process")
    url = "/api/v0/pubsub/pub?arg=u__4"  # the topic b"\xff\xfe", not UTF-8
    assert Dispatcher(node).handle(Request.from_url("POST", url, headers, body)).status == 200
    with _serve(node) as daemon:
        headers, body = _multipart(b"\x00over HTTP")
        assert requests.post(daemon.api_addr.url() + url, headers=headers, data=body).status_code == 200
    found = inspection.assert_published(node, "\udcff\udcfe", times=2)
    assert [m.data for m in found] == [b"in process", b"\x00over HTTP"]


def test_published_leaves_out_what_the_node_received_and_failed_publications():
    network = Network(2, seed=0)
    receiver, sender = network.nodes
    with pubsub.of(receiver).subscribe("news") as subscription:
        pubsub.of(sender).publish("news", b"from the sender")
        assert subscription.next(timeout=5).data == b"from the sender"
    assert inspection.published(receiver) == []
    assert [m.data for m in inspection.published(sender)] == [b"from the sender"]
    off = Node()
    off.pubsub.enabled = False
    with pytest.raises(pubsub.PubSubNotEnabled):
        off.pubsub.publish("t", b"refused")
    assert inspection.published(off) == []


def test_publication_assertions_and_their_messages():
    node = Node()
    node.pubsub.publish("news", b"hello")
    node.pubsub.publish("news", b"x" * 100)
    node.pubsub.publish("", b"")  # the empty topic is a topic
    found = inspection.assert_published(node, "news", "hello", times=1)  # str data is UTF-8
    assert [(m.topics, m.data) for m in found] == [(["news"], b"hello")]
    assert len(inspection.assert_published(node, "news")) == 2
    inspection.assert_published(node, "", b"")
    inspection.assert_not_published(node, "other")
    inspection.assert_not_published(node, "news", b"bye")
    listing = ("  'news' data=b'hello'\n"
               f"  'news' data={b'x' * 64!r}... (100 bytes)\n"
               "  '' data=b''")
    with pytest.raises(AssertionError) as failed:
        inspection.assert_published(node, "news", b"bye")
    assert str(failed.value) == f"expected a publication matching 'news', data=b'bye', found 0; published:\n{listing}"
    with pytest.raises(AssertionError) as failed:
        inspection.assert_published(node, "news", times=3)
    assert str(failed.value) == f"expected 3 publication(s) matching 'news', found 2; published:\n{listing}"
    with pytest.raises(AssertionError) as failed:
        inspection.assert_not_published(node, "news", "hello")
    assert str(failed.value) == "expected no publication matching 'news', data=b'hello', found 1:\n  'news' data=b'hello'"
    with pytest.raises(AssertionError) as failed:
        inspection.assert_published(Node(), "news")
    assert str(failed.value) == "expected a publication matching 'news', found 0; published:\n  (nothing published)"


def test_reset_forgets_publications_and_logs_the_next_ones():
    node = Node()
    node.pubsub.publish("before", b"1")
    node.reset()
    assert inspection.published(node) == []
    inspection.assert_not_published(node, "before")
    node.pubsub.publish("after", b"2")
    [message] = inspection.published(node)
    assert (message.topics, message.data, message.from_peer) == (["after"], b"2", identity.of(node).peer_id)


def test_the_publication_log_keeps_the_latest(monkeypatch):
    """The publication log is bounded: the last PUBLISHED_KEPT messages, oldest first."""
    monkeypatch.setattr(inspection, "PUBLISHED_KEPT", 3)
    node = Node()
    for i in range(5):
        node.pubsub.publish("t", b"%d" % i)
    assert [m.data for m in inspection.published(node, "t")] == [b"2", b"3", b"4"]
