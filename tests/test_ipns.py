"""IPNS names: kubo core/coreapi/name.go over namesys (namesys.go, base.go), messages word for word."""
from __future__ import annotations

import time

import pytest

from fakeipfs import Node, identity, ipns, keystore
from fakeipfs.errors import IPFSError
from fakeipfs.identity import PeerID

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"


@pytest.fixture
def node():
    node = Node()
    node.add(b"hello world")
    return node


def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(IPFSError) as exc:
        fn(*args, **kwargs)
    return exc.value.message


def test_publish_and_resolve_self(node):
    names = ipns.of(node)
    peer, path = names.publish(HELLO)  # a bare CID is published as its /ipfs/ path
    assert (peer, path) == (identity.of(node).id, f"/ipfs/{HELLO}")
    assert names.resolve(identity.of(node).peer_id) == f"/ipfs/{HELLO}"
    assert names.resolve(f"/ipns/{peer.format(identity.multibase.get('base36'))}") == f"/ipfs/{HELLO}"
    assert names.resolve(f"/ipns/{peer}/a/b") == f"/ipfs/{HELLO}/a/b"


def test_sequence_grows_with_each_publication(node):
    names = ipns.of(node)
    peer, _ = names.publish(HELLO)
    names.publish(HELLO, resolve=False)
    assert names.record(peer).sequence == 1


def test_publish_under_a_key_and_by_peer_id(node):
    key = keystore.of(node).generate("k", "ed25519")
    names = ipns.of(node)
    assert names.publish(HELLO, key="k")[0] == key.id
    assert names.publish(HELLO, key=str(key.id))[0] == key.id
    assert _message(names.publish, HELLO, key="nope") == "no key by the given name was found"


def test_recursive_resolution(node):
    names = ipns.of(node)
    inner = keystore.of(node).generate("inner", "ed25519")
    names.publish(HELLO, key="inner")
    outer, _ = names.publish(f"/ipns/{inner.id}")
    assert names.resolve(str(outer)) == f"/ipfs/{HELLO}"
    with pytest.raises(ipns.RecursionLimit) as exc:
        names.resolve(str(outer), recursive=False)
    assert exc.value.path == f"/ipns/{inner.id}"
    assert exc.value.message == "could not resolve name (recursion limit exceeded)"


def test_resolve_failures(node):
    names = ipns.of(node)
    stranger = keystore.of(Node()).self_key().id
    assert _message(names.resolve, str(stranger)) == "could not resolve name"
    assert _message(names.resolve, identity.of(node).peer_id) == "could not resolve name"  # nothing published
    assert _message(names.resolve, "notapeer") == "not a valid proquint string"
    assert _message(names.resolve, "/ipns/bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354") == (
        "peer ID represented as CIDv1 require libp2p-key multicodec: retry with "
        "/ipns/bafzbeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354")
    assert "not implemented" in _message(names.resolve, "ipfs.io")


def test_expired_records_are_not_found(node):
    names = ipns.of(node)
    peer, _ = names.publish(HELLO, lifetime="1ns")
    time.sleep(0.001)
    assert names.record(peer) is None
    assert _message(names.resolve, str(peer)) == "could not resolve name"


def test_publish_checks_options_and_path(node):
    names = ipns.of(node)
    assert _message(names.publish, HELLO, lifetime="1y") == (
        'error parsing lifetime option: time: unknown unit "y" in duration "1y"')
    assert _message(names.publish, HELLO, ttl="soon") == 'time: invalid duration "soon"'
    assert _message(names.publish, "/foo/bar") == 'invalid path "/foo/bar": unknown namespace "foo"'
    assert _message(names.publish, "/ipfs/") == 'invalid path "/ipfs/": not enough path components'
    missing = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"
    assert names.publish(missing, resolve=False)[1] == f"/ipfs/{missing}"
    assert _message(names.publish, missing) == (  # --resolve: the path must resolve
        f"block was not found locally (offline): ipld: could not find {missing}")
    assert _message(names.publish, f"/ipns/{PeerID.decode(identity.of(Node()).peer_id)}") == "could not resolve name"


def test_repo_keeps_records(tmp_path):
    node = Node(repo=tmp_path)
    node.add(b"hello world")
    peer, _ = ipns.of(node).publish(HELLO)
    assert ipns.of(Node(repo=tmp_path)).resolve(str(peer)) == f"/ipfs/{HELLO}"
