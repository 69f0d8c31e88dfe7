"""``ipfs object ...`` on plain dag-pb nodes; CIDs from ipfshttpclient's functional tests
(test/functional/test_object.py at 0.7.0), which ran against kubo."""
from __future__ import annotations

import json

import pytest

from fakeipfs import Node
from fakeipfs.errors import IPFSError, InvalidArgument, DecodeError

EMPTY = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"


@pytest.fixture
def node() -> Node:
    return Node()


def test_new_templates(node: Node) -> None:
    assert str(node.object_new()) == EMPTY
    assert str(node.object_new("unixfs-dir")) == EMPTY_DIR
    with pytest.raises(InvalidArgument):
        node.object_new("nope")


def test_patch_vectors(node: Node) -> None:
    empty = node.object_new()
    assert str(node.object_patch_add_link(empty, "self", empty)) == \
        "QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"
    assert str(node.object_patch_append_data(empty, b"dsadsad\n")) == \
        "QmcUsyoGVxWoQgYKgmLaDBGm8J3eHWfchMh3oDUD5FrrtN"


def test_put_keeps_sizes_verbatim_and_sorts_links(node: Node) -> None:
    first = node.object_put(json.dumps({"Data": "another", "Links": [
        {"Name": "some link", "Hash": "QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V", "Size": 8}]}).encode())
    assert str(first) == "QmZZmY4KCu9r3e7M2Pcn46Fc5qbn6NpzaAGaYb22kbfTqm"
    two = node.object_put(json.dumps({"Data": "x", "Links": [
        {"Name": "b", "Hash": EMPTY, "Size": 1}, {"Name": "a", "Hash": EMPTY, "Size": 2}]}).encode())
    assert [(l.name, l.tsize) for l in node.object_get(two).links] == [("a", 2), ("b", 1)]
    assert node.object_data(two) == b"x"


def test_put_base64_data_and_unknown_fields(node: Node) -> None:
    cid = node.object_put(b'{"Data":"aGk=","Links":[]}', datafieldenc="base64")
    assert node.object_data(cid) == b"hi"
    with pytest.raises(DecodeError, match='json: unknown field "Bogus"'):
        node.object_put(b'{"Data":"x","Bogus":1}')
    with pytest.raises(InvalidArgument, match="unknown data field encoding"):
        node.object_put(b'{"Data":"x"}', datafieldenc="hex")
    with pytest.raises(InvalidArgument, match="unknown object encoding"):
        node.object_put(b"{}", inputenc="xml2")


def test_stat(node: Node) -> None:
    empty = node.object_new()
    linked = node.object_patch_add_link(empty, "self", empty)
    stat = node.object_stat(linked)
    block = node.block_get(linked)
    assert (stat.num_links, stat.block_size, stat.data_size) == (1, len(block), 0)
    assert stat.links_size == len(block)
    assert stat.cumulative_size == len(block) + 0  # the empty node's cumulative size is 0


def test_links_and_rm_link(node: Node) -> None:
    empty = node.object_new()
    linked = node.object_patch_add_link(empty, "self", empty)
    cid, links = node.object_links(linked)
    assert cid == linked and [l.name for l in links] == ["self"]
    assert str(node.object_patch_rm_link(linked, "self")) == EMPTY
    with pytest.raises(IPFSError, match="^no link by that name$"):
        node.object_patch_rm_link(empty, "nope")


def test_add_link_create_makes_unixfs_dirs(node: Node) -> None:
    empty = node.object_new()
    with pytest.raises(IPFSError, match="^no link by that name$"):
        node.object_patch_add_link(empty, "a/b", empty)
    nested = node.object_patch_add_link(empty, "a/b", empty, create=True)
    inner = node.resolve(f"/ipfs/{nested}/a")
    assert node.object_data(inner) == b"\x08\x01"
    assert node.resolve(f"/ipfs/{nested}/a/b") == empty


def test_set_data_and_raw_nodes(node: Node) -> None:
    empty = node.object_new()
    assert node.object_data(node.object_patch_set_data(empty, b"abc")) == b"abc"
    raw = node.block_put(b"raw bytes", format="raw")
    with pytest.raises(IPFSError, match="^expected protobuf dag node$"):
        node.object_data(raw)


def test_diff(node: Node) -> None:
    empty = node.object_new()
    linked = node.object_patch_add_link(empty, "self", empty)
    [change] = node.object_diff(empty, linked)
    assert (change.type, change.path, change.before, change.after) == (0, "self", None, empty)
    [change] = node.object_diff(linked, empty)
    assert (change.type, change.path, change.before) == (1, "self", empty)
