"""/api/v0/block/*: kubo core/commands/block.go (v0.7.0; cid-codec and allow-big-block from 0.13,
--cid-base from 0.41)."""
from __future__ import annotations

import hashlib

from multiformats import CID, multihash

import fakeipfs

from .rpcutil import CHANNEL, STREAM, any_error, error, post, single, values

FSDFGH = b"dsadsad\n"
FSDFGH_V0 = "QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna"
FSDFGH_RAW = "bafkreiatrjkbyc7fz4ain4lpdv7els2cr7h55bjzrg6pg2oo2sf47hmmum"
BIG_BLOCK = ("produced block is over 1MiB: big blocks can't be exchanged with other peers. consider "
             "using UnixFS for automatic chunking of bigger files, or pass --allow-big-block to override")


def test_put_streams_one_key_per_file_in_exact_bytes():
    response = post(fakeipfs.Node(), "block/put", [FSDFGH])
    assert (response.status, response.headers) == (200, CHANNEL)
    assert response.read_all() == b'{"Key":"QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna","Size":8}\n'


def test_put_values_and_headers():
    node = fakeipfs.Node()
    hello_v0 = CID("base58btc", 0, "dag-pb", multihash.wrap(hashlib.sha256(b"Hello World!").digest(),
                                                           "sha2-256"))
    assert values(post(node, "block/put", [FSDFGH, b"Hello World!"])) == [
        {"Key": FSDFGH_V0, "Size": 8}, {"Key": str(hello_v0), "Size": 12}]


def test_put_other_hash_is_cidv1_protobuf_and_pin_pins_recursively():
    node = fakeipfs.Node()
    expected = CID("base32", 1, "dag-pb", multihash.wrap(hashlib.sha512(FSDFGH).digest(), "sha2-512"))
    assert values(post(node, "block/put", [FSDFGH], mhtype="sha2-512", pin=True)) == [
        {"Key": expected.encode("base32"), "Size": 8}]
    assert node.pin_ls(expected) == {str(expected): "recursive"}


def test_put_errors():
    node = fakeipfs.Node()
    assert error(post(node, "block/put", [FSDFGH], mhtype="nope")) == \
        "unrecognized multihash function: nope"
    response = post(node, "block/put")
    assert (response.status, response.read_all()) == (400, b"file argument 'data' is required\n")


def test_put_from_0_13_defaults_to_raw_and_checks_the_block_size():
    node = fakeipfs.Node(kubo_version="0.13.0")
    assert values(post(node, "block/put", [FSDFGH])) == [{"Key": FSDFGH_RAW, "Size": 8}]
    big = b"x" * (1024 * 1024 + 1)
    assert error(post(node, "block/put", [big])) == BIG_BLOCK
    assert values(post(node, "block/put", [big], allow_big_block=True))[0]["Size"] == len(big)
    assert values(post(fakeipfs.Node(), "block/put", [big]))[0]["Size"] == len(big)  # 0.7.0


def test_get_is_a_byte_stream_without_length():
    node = fakeipfs.Node()
    node.block_put(FSDFGH)
    response = post(node, "block/get", arg=[FSDFGH_V0])
    assert (response.status, response.headers, response.read_all()) == (200, STREAM, FSDFGH)


def test_stat_and_cid_base_by_version():
    node = fakeipfs.Node()
    node.block_put(FSDFGH)
    assert single(post(node, "block/stat", arg=[FSDFGH_V0])) == {"Key": FSDFGH_V0, "Size": 8}
    # v0.7.0 prints Cid.String() whatever --cid-base says
    assert single(post(node, "block/stat", arg=[FSDFGH_V0], cid_base="base32")) == {
        "Key": FSDFGH_V0, "Size": 8}
    new = fakeipfs.Node(kubo_version="0.41.0")
    new.block_put(FSDFGH, format="v0")
    upgraded = CID.decode(FSDFGH_V0).set(version=1).encode("base16")
    assert single(post(new, "block/stat", arg=[FSDFGH_V0], cid_base="base16")) == {
        "Key": upgraded, "Size": 8}


def test_stat_of_bad_or_missing_cid_is_an_error():
    node = fakeipfs.Node()
    assert error(post(node, "block/stat", arg=[FSDFGH_V0])) == \
        f"block was not found locally (offline): ipld: could not find {FSDFGH_V0}"
    assert any_error(post(node, "block/stat", arg=["notacid"])).startswith('invalid path "notacid"')


def test_missing_argument_is_a_400_parse_error():
    response = post(fakeipfs.Node(), "block/stat")
    assert (response.status, response.read_all()) == (400, b'argument "key" is required\n')


def test_rm_reports_each_block():
    node = fakeipfs.Node()
    node.block_put(FSDFGH)
    pinned = node.add_bytes(b"Mary had a little lamb").cid
    response = post(node, "block/rm", arg=[FSDFGH_V0, str(pinned), FSDFGH_V0])
    assert response.read_all() == (
        b'{"Hash":"QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna"}\n'
        b'{"Hash":"QmZfF6C9j4VtoCsTp4KSrhYH47QMd3DNXVZBKaxJdhaPab","Error":"pinned: recursive"}\n'
        b'{"Hash":"QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna","Error":"blockstore: block not found"}\n')
    node.block_put(FSDFGH)
    assert values(post(node, "block/rm", arg=[FSDFGH_V0], quiet=True)) == []
    assert values(post(node, "block/rm", arg=[FSDFGH_V0], force=True)) == [{"Hash": FSDFGH_V0}]


def test_rm_stops_at_an_argument_that_does_not_resolve():
    node = fakeipfs.Node()
    node.block_put(FSDFGH)
    response = post(node, "block/rm", arg=[FSDFGH_V0, "notacid"])
    assert response.headers == CHANNEL
    lines = response.read_all().splitlines()
    assert lines[0] == b'{"Hash":"QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna"}'
    assert response.trailers["X-Stream-Error"].startswith('invalid path "notacid"')
    assert any_error(post(node, "block/rm", arg=["notacid"])).startswith('invalid path "notacid"')
