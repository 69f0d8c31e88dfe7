"""``ipfs dag ...``: put/get/resolve by kubo version, CAR export and import."""
from __future__ import annotations

import io

import pytest
from multiformats import CID

from fakeipfs import Node
from fakeipfs.codecs import car, dagcbor
from fakeipfs.errors import DecodeError, InvalidArgument, NotFound

LINKS_EMPTY = "bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya"  # py test_dag.py


@pytest.mark.parametrize("version", ["0.7.0", "0.12.0"])
def test_put_json_as_dag_cbor(version: str) -> None:
    node = Node(kubo_version=version)
    cid = node.dag_put(b'{"links": []}')
    assert str(cid) == LINKS_EMPTY
    assert node.block_get(cid) == bytes.fromhex("a1656c696e6b7380")


def test_put_legacy_spellings_and_other_codecs() -> None:
    node = Node()
    assert str(node.dag_put(b'{"links": []}', store_codec="cbor", input_codec="json")) == LINKS_EMPTY
    as_json = node.dag_put(b'{"b":1,"a":2}', store_codec="dag-json")
    assert as_json.codec.name == "dag-json" and node.block_get(as_json) == b'{"a":2,"b":1}'
    raw = node.dag_put(b"\x00\x01", store_codec="raw", input_codec="raw")
    assert raw.codec.name == "raw" and node.block_get(raw) == b"\x00\x01"
    with pytest.raises(InvalidArgument, match='unknown multicodec: "bogus"'):
        node.dag_put(b"{}", store_codec="bogus")
    with pytest.raises(DecodeError):
        node.dag_put(b"{not json")


def test_get_and_resolve_through_links() -> None:
    node = Node(kubo_version="0.12.0")
    child = node.dag_put(b'{"links": []}')
    parent = node.dag_put(b'{"a":{"/":"%s"},"b":[1,{"c":"d"}]}' % str(child).encode())
    assert node.dag_get(parent) == b'{"a":{"/":"%s"},"b":[1,{"c":"d"}]}' % str(child).encode()
    assert node.dag_get(f"{parent}/b/1") == b'{"c":"d"}'
    assert node.dag_get(f"/ipfs/{parent}/a/links") == b"[]"
    assert node.dag_resolve(f"{parent}/a") == (child, "")
    assert node.dag_resolve(f"{parent}/b/1/c") == (parent, "b/1/c")


def test_get_dag_pb_by_version() -> None:
    new, old = Node(kubo_version="0.12.0"), Node(kubo_version="0.7.0")
    for n in (new, old):
        n.add_bytes(b"hello")
    cid = new.add_bytes(b"hello").cid
    # >= 0.10: the dag-pb data model as dag-json (docs/changelogs/v0.10.md)
    assert new.dag_get(cid) == b'{"Data":{"/":{"bytes":"CAISBWhlbGxvGAU"}},"Links":[]}'
    # 0.7.0: go-merkledag ProtoNode.MarshalJSON, emitted once with a newline
    assert old.dag_get(cid) == b'{"data":"CAISBWhlbGxvGAU=","links":[]}\n'


def _tree(node: Node) -> CID:
    return node.add(b"x" * 3000, chunker="size-1000")[-1].cid


def test_export_is_a_car_of_the_dag_root_first() -> None:
    node = Node()
    root = _tree(node)
    data = b"".join(node.dag_export(root))
    header = car.encode_header([root])
    assert data.startswith(header)
    roots, blocks = car.read_car(data)
    assert roots == [root]
    assert blocks[0][0] == root
    # three identical leaves are one block: each block once
    assert len(blocks) == 2 and dagcbor.decode(header[1:]) == {"roots": [root], "version": 1}


def test_import_round_trip_pins_roots() -> None:
    source = Node()
    root = _tree(source)
    target = Node()
    assert target.dag_import(io.BytesIO(b"".join(source.dag_export(root)))) == [(root, "")]
    assert target.cat(root) == b"x" * 3000
    assert target.pin_ls(root) == {str(root): "recursive"}


def test_import_with_a_bad_block_is_rejected_whole() -> None:
    source = Node()
    root = _tree(source)
    data = bytearray(b"".join(source.dag_export(root)))
    data[-1] ^= 0xFF  # corrupt the last block's bytes
    target = Node()
    target.add_bytes(b"already here")
    before = (list(target.blockstore.keys()), target.pin_ls())
    with pytest.raises(DecodeError):
        target.dag_import(io.BytesIO(bytes(data)))
    assert (list(target.blockstore.keys()), target.pin_ls()) == before


def test_import_of_an_incomplete_dag_reports_the_pin_error() -> None:
    source = Node()
    root = _tree(source)
    only_root = b"".join(car.write_car([root], [(root, source.block_get(root))]))
    target = Node()
    [(cid, message)] = target.dag_import(io.BytesIO(only_root))
    assert cid == root
    leaf = source.ls(root)[0].cid
    assert message == f"block was not found locally (offline): ipld: could not find {leaf}"
    assert target.pin_ls() == {}


def test_export_of_a_missing_root_fails_first() -> None:
    node = Node()
    missing = Node().add_bytes(b"elsewhere").cid
    with pytest.raises(NotFound, match="could not find"):
        node.dag_export(missing)
