"""/api/v0/object/*: kubo core/commands/object (object.go, patch.go, diff.go at v0.7.0; removed
commands from 0.28, --cid-base everywhere from 0.41)."""
from __future__ import annotations

import base64

import fakeipfs

from .rpcutil import SINGLE, STREAM, error, post, single

EMPTY = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
EMPTY_V1_B32 = "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
SELF_LINK = "QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"
SELF_LINK_V1_B32 = "bafybeigdvjjwnltt7jmxfudm4lrzjq5tc3v3rowu3f7yesnpxbd52re6ly"
REMOVED = "removed, use 'ipfs dag' or 'ipfs files' instead"


def test_new_exact_answer():
    response = post(fakeipfs.Node(), "object/new")
    assert (response.status, response.headers) == (200, SINGLE)
    assert response.read_all() == b'{"Hash":"QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"}\n'


def test_low_level_cid_encoder_keeps_v0_unless_asked():
    node = fakeipfs.Node()
    assert single(post(node, "object/new", cid_base="base32")) == {"Hash": EMPTY}
    assert single(post(node, "object/new", cid_base="base32", upgrade_cidv0_in_output=True)) == {
        "Hash": EMPTY_V1_B32}
    assert single(post(node, "object/new", upgrade_cidv0_in_output=True)) == {"Hash": EMPTY_V1_B32}
    assert error(post(node, "object/new", cid_base="nope")) == "unsupported multibase encoding: nope"
    # from 0.41 a base other than base58btc always upgrades
    new = fakeipfs.Node(kubo_version="0.41.0")
    new.object_new()
    assert single(post(new, "object/patch/add-link", arg=[EMPTY, "self", EMPTY], cid_base="b")) == {
        "Hash": SELF_LINK_V1_B32}


def test_patches_print_cid_string_before_0_41():
    node = fakeipfs.Node()
    node.object_new()
    assert single(post(node, "object/patch/add-link", arg=[EMPTY, "self", EMPTY], cid_base="base32")) == {
        "Hash": SELF_LINK}
    assert single(post(node, "object/patch/rm-link", arg=[SELF_LINK, "self"])) == {"Hash": EMPTY}
    assert error(post(node, "object/patch/rm-link", arg=[EMPTY, "nope"])) == "no link by that name"


def test_get_links_stat_data():
    node = fakeipfs.Node()
    node.object_patch_add_link(node.object_new(), "self", EMPTY)
    assert post(node, "object/get", arg=[SELF_LINK]).read_all() == (
        b'{"Links":[{"Name":"self","Hash":"QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n",'
        b'"Size":0}],"Data":""}\n')
    assert single(post(node, "object/links", arg=[SELF_LINK], cid_base="base32",
                       upgrade_cidv0_in_output=True)) == {
        "Hash": SELF_LINK_V1_B32, "Links": [{"Name": "self", "Hash": EMPTY_V1_B32, "Size": 0}]}
    assert single(post(node, "object/links", arg=[EMPTY])) == {"Hash": EMPTY}  # no "Links"
    assert post(node, "object/stat", arg=[SELF_LINK]).read_all() == (
        b'{"Hash":"QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM","NumLinks":1,"BlockSize":46,'
        b'"LinksSize":46,"DataSize":0,"CumulativeSize":46}\n')
    appended = node.object_patch_append_data(EMPTY, b"\xffab\xe2\x82")
    response = post(node, "object/data", arg=[str(appended)])
    assert (response.status, response.headers, response.read_all()) == (200, STREAM, b"\xffab\xe2\x82")
    # Go's string(bytes): each byte of invalid UTF-8 is U+FFFD
    assert single(post(node, "object/get", arg=[str(appended)])) == {
        "Links": [], "Data": "\ufffdab\ufffd\ufffd"}
    assert single(post(node, "object/get", arg=[str(appended)], data_encoding="base64")) == {
        "Links": [], "Data": base64.b64encode(b"\xffab\xe2\x82").decode()}
    assert error(post(node, "object/get", arg=[str(appended)], data_encoding="hex")) == \
        "unknown data field encoding"


def test_non_protobuf_nodes():
    node = fakeipfs.Node()
    raw = node.block_put(b"raw bytes", format="raw")
    assert error(post(node, "object/get", arg=[str(raw)])) == "expected protobuf dag node"
    assert single(post(node, "object/links", arg=[str(raw)])) == {"Hash": str(raw)}


def test_put():
    node = fakeipfs.Node()
    assert single(post(node, "object/put", [b'{"Data": "abc"}'], pin=True)) == {
        "Hash": "QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V"}
    assert node.pin_ls("QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V") == {
        "QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V": "recursive"}
    assert single(post(node, "object/put", [b'{"Data": "YWJj"}'], datafieldenc="base64")) == {
        "Hash": "QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V"}
    response = post(node, "object/put")
    assert (response.status, response.read_all()) == (400, b"file argument 'data' is required\n")


def test_diff():
    node = fakeipfs.Node()
    node.object_patch_add_link(node.object_new(), "self", EMPTY)
    assert single(post(node, "object/diff", arg=[EMPTY, EMPTY])) == {"Changes": []}
    assert post(node, "object/diff", arg=[SELF_LINK, EMPTY]).read_all() == (
        b'{"Changes":[{"Type":1,"Path":"self","Before":{"/":"' + EMPTY.encode()
        + b'"},"After":null}]}\n')


def test_removed_from_0_28_except_diff_and_link_patches():
    node = fakeipfs.Node(kubo_version="0.28.0")
    for path in ("object/new", "object/get", "object/data", "object/links", "object/stat"):
        assert error(post(node, path, arg=[EMPTY])) == REMOVED, path
    assert error(post(node, "object/put", [b"{}"])) == REMOVED
    assert error(post(node, "object/patch/set-data", [b"x"], arg=[EMPTY])) == REMOVED
    assert error(post(node, "object/patch/append-data", [b"x"], arg=[EMPTY])) == REMOVED
    node.object_new()
    assert single(post(node, "object/patch/add-link", arg=[EMPTY, "self", EMPTY])) == {"Hash": SELF_LINK}
    assert single(post(node, "object/diff", arg=[EMPTY, EMPTY])) == {"Changes": []}
