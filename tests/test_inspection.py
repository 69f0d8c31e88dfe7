"""The request log, assertion helpers and node state control (fakeipfs/inspection.py,
``Node.reset``/``snapshot``/``restore``), through the in-process ipfshttpclient."""
from __future__ import annotations

import ipfshttpclient
import pytest

import fakeipfs.transport as t
from fakeipfs import Node, identity, inspection, ipns, keystore, mfs, pubsub
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
