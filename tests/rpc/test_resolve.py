"""/api/v0/resolve: kubo core/commands/resolve.go (v0.7.0)."""
from __future__ import annotations

from multiformats import CID

import fakeipfs
from fakeipfs import ipns

from .rpcutil import SINGLE, error, post, single

EMPTY = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
SELF_LINK = "QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"


def _node(kubo_version: str = "0.7.0") -> fakeipfs.Node:
    node = fakeipfs.Node(kubo_version=kubo_version)
    node.object_patch_add_link(node.object_new(), "self", EMPTY)
    return node


def test_resolve_exact_answer():
    response = post(_node(), "resolve", arg=[f"/ipfs/{SELF_LINK}/self"], recursive=False)
    assert (response.status, response.headers) == (200, SINGLE)
    assert response.read_all() == b'{"Path":"/ipfs/QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"}\n'


def test_cid_keeps_the_form_of_the_argument_unless_cid_base_is_given():
    node = _node()
    b36 = CID.decode(SELF_LINK).set(version=1).encode("base36")
    # the CIDv1 of a CIDv0 block names the same block from 0.12 (multihash-keyed blockstore)
    assert single(post(_node("0.12.0"), "resolve", arg=[f"/ipfs/{b36}/self"])) == {
        "Path": "/ipfs/" + CID.decode(EMPTY).set(version=1).encode("base36")}
    assert error(post(node, "resolve", arg=[f"/ipfs/{b36}/self"])) == \
        f"block was not found locally (offline): ipld: could not find {b36}"
    assert single(post(node, "resolve", arg=[f"{SELF_LINK}/self"])) == {"Path": f"/ipfs/{EMPTY}"}
    assert single(post(node, "resolve", arg=[f"/ipfs/{SELF_LINK}/self"], cid_base="base32")) == {
        "Path": "/ipfs/" + CID.decode(EMPTY).set(version=1).encode("base32")}


def test_remainder_inside_a_dag_cbor_node_and_ipld_namespace():
    node = _node()
    cid = node.dag_put(b'{"a": {"b": [1, 2]}}')
    assert single(post(node, "resolve", arg=[f"/ipfs/{cid}/a/b"])) == {"Path": f"/ipfs/{cid}/a/b"}
    assert single(post(node, "resolve", arg=[f"/ipld/{SELF_LINK}/Links/0/Hash"])) == {
        "Path": f"/ipld/{EMPTY}"}


def test_errors():
    node = _node()
    assert error(post(node, "resolve", arg=[f"/ipfs/{SELF_LINK}/nope"])) == \
        f'no link named "nope" under {SELF_LINK}'
    assert error(post(node, "resolve", arg=["/ipfs/x"], cid_base="nope")) == \
        "unsupported multibase encoding: nope"
    # go-path ParsePath's wording up to 0.23, boxo path.NewPath's from 0.24
    assert error(post(node, "resolve", arg=["/ipfs/QmFoo"])) == \
        'invalid path "/ipfs/QmFoo": invalid CID: selected encoding not supported'
    assert error(post(_node("0.24.0"), "resolve", arg=["/ipfs/QmFoo"])) == \
        'invalid path "/ipfs/QmFoo": invalid cid: selected encoding not supported'


def test_ipns_names():
    node = _node()
    names = ipns.of(node)
    peer, _ = names.publish(f"/ipfs/{SELF_LINK}")
    name = f"/ipns/{peer}"
    assert single(post(node, "resolve", arg=[name])) == {"Path": f"/ipfs/{SELF_LINK}"}
    assert single(post(node, "resolve", arg=[f"{name}/self"], cid_base="base32")) == {
        "Path": "/ipfs/" + CID.decode(EMPTY).set(version=1).encode("base32")}
    # one step without recursive: the value as published
    assert single(post(node, "resolve", arg=[f"{name}/self"], recursive=False)) == {
        "Path": f"/ipfs/{SELF_LINK}/self"}
    assert error(post(node, "resolve", arg=[name], recursive=False, dht_timeout="-1s")) == \
        "DHT timeout value must be >= 0"
