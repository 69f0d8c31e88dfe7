"""``ipfs block put/get/stat/rm`` by emulated kubo version.

0.7.0: kubo core/commands/block.go (v0.7.0) + interface-go-ipfs-core v0.4.0 options/block.go
(``--format`` defaults to "v0", or "protobuf" for another hash; go-cid ``Codecs`` names).
0.13.0: ``--cid-codec`` defaults to raw, CIDv1 (docs/changelogs/v0.13.md); ``--format`` is
legacy (interface-go-ipfs-core v0.7.0 options/block.go).
"""
from __future__ import annotations

import hashlib

import pytest
from multiformats import CID

from fakeipfs import Node
from fakeipfs.errors import IPFSError

DSADSAD = b"dsadsad\n"
DSADSAD_V0 = "QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna"  # ipfshttpclient test_block.py
HELLO = b"Hello World!"
HELLO_RAW = "bafkreid7qoywk77r7rj3slobqfekdvs57qwuwh5d2z3sqsw52iabe3mqne"  # ipfshttpclient test_block.py


def _mh(code: int, digest: bytes) -> bytes:
    assert code < 0x80 and len(digest) < 0x80
    return bytes([code, len(digest)]) + digest


# --- kubo 0.7.0 ---------------------------------------------------------------------------------


def test_put_default_is_cidv0_dag_pb_at_0_7_0() -> None:
    node = Node(kubo_version="0.7.0")
    cid = node.block_put(DSADSAD)
    assert str(cid) == DSADSAD_V0
    assert node.block_get(cid) == DSADSAD
    assert node.block_stat(cid) == (cid, 8)


def test_put_format_raw_at_0_7_0() -> None:
    node = Node(kubo_version="0.7.0")
    cid = node.block_put(HELLO, format="raw")
    assert str(cid) == HELLO_RAW
    assert node.block_get(HELLO_RAW) == HELLO


@pytest.mark.parametrize("fmt, codec", [("v0", None), ("protobuf", "dag-pb"), ("cbor", "dag-cbor"),
                                        ("raw", "raw")])
def test_put_formats_at_0_7_0(fmt: str, codec) -> None:
    cid = Node(kubo_version="0.7.0").block_put(DSADSAD, format=fmt)
    mh = _mh(0x12, hashlib.sha256(DSADSAD).digest())
    if codec is None:
        assert str(cid) == DSADSAD_V0
    else:
        assert cid == CID("base32", 1, codec, mh)
        assert str(cid) == str(CID("base32", 1, codec, mh))
        assert str(cid).startswith("b")


def test_put_other_hash_is_cidv1_protobuf_at_0_7_0() -> None:
    """block.go v0.7.0: a hash other than sha2-256 turns the default format into "protobuf"."""
    cid = Node(kubo_version="0.7.0").block_put(DSADSAD, mhtype="sha2-512")
    assert str(cid) == str(CID("base32", 1, "dag-pb", _mh(0x13, hashlib.sha512(DSADSAD).digest())))


def test_put_mhlen_truncates_the_digest_at_0_7_0() -> None:
    cid = Node(kubo_version="0.7.0").block_put(DSADSAD, mhlen=20)
    assert str(cid) == str(CID("base32", 1, "dag-pb", _mh(0x12, hashlib.sha256(DSADSAD).digest()[:20])))


@pytest.mark.parametrize("kwargs, message", [
    (dict(format="foo"), "unrecognized format: foo"),
    (dict(format="v0", mhtype="sha2-512"), "only sha2-255-32 is allowed with CIDv0"),  # sic
    (dict(format="v0", mhlen=20), "only sha2-255-32 is allowed with CIDv0"),
])
def test_put_errors_at_0_7_0(kwargs: dict, message: str) -> None:
    node = Node(kubo_version="0.7.0")
    before = list(node.blockstore.keys())
    with pytest.raises(IPFSError) as info:
        node.block_put(DSADSAD, **kwargs)
    assert str(info.value) == message
    assert list(node.blockstore.keys()) == before


def test_put_unknown_mhtype() -> None:
    with pytest.raises(IPFSError) as info:
        Node().block_put(DSADSAD, mhtype="foo")
    assert str(info.value) == "unrecognized multihash function: foo"


# --- kubo 0.13.0 --------------------------------------------------------------------------------


def test_put_default_is_raw_cidv1_at_0_13_0() -> None:
    node = Node(kubo_version="0.13.0")
    assert str(node.block_put(HELLO)) == HELLO_RAW
    cid = node.block_put(DSADSAD)
    assert cid.version == 1 and cid.codec.name == "raw"
    assert str(cid) == "bafkreiatrjkbyc7fz4ain4lpdv7els2cr7h55bjzrg6pg2oo2sf47hmmum"


def test_put_0_12_is_still_v0() -> None:
    assert str(Node(kubo_version="0.12.2").block_put(DSADSAD)) == DSADSAD_V0


def test_put_legacy_format_v0_at_0_13_0() -> None:
    assert str(Node(kubo_version="0.13.0").block_put(DSADSAD, format="v0")) == DSADSAD_V0


@pytest.mark.parametrize("codec", ["dag-pb", "dag-cbor", "dag-json"])
def test_put_cid_codec_at_0_13_0(codec: str) -> None:
    cid = Node(kubo_version="0.13.0").block_put(DSADSAD, cid_codec=codec)
    assert str(cid) == str(CID("base32", 1, codec, _mh(0x12, hashlib.sha256(DSADSAD).digest())))


def test_put_v0_with_other_hash_at_0_13_0() -> None:
    with pytest.raises(IPFSError) as info:
        Node(kubo_version="0.13.0").block_put(DSADSAD, format="v0", mhtype="sha2-512")
    assert str(info.value) == "only sha2-255-32 is allowed with CIDv0"


@pytest.mark.parametrize("kwargs, message", [
    (dict(cid_codec="foo"), 'unknown multicodec: "foo"'),
    (dict(cid_codec="v0"), 'unknown multicodec: "v0"'),
    (dict(format="foo"), 'unknown multicodec: "foo"'),
])
def test_put_unknown_codec_at_0_13_0(kwargs: dict, message: str) -> None:
    with pytest.raises(IPFSError) as info:
        Node(kubo_version="0.13.0").block_put(DSADSAD, **kwargs)
    assert str(info.value) == message


def test_put_format_and_custom_codec_at_0_13_0() -> None:
    with pytest.raises(IPFSError) as info:
        Node(kubo_version="0.13.0").block_put(DSADSAD, format="raw", cid_codec="dag-cbor")
    assert str(info.value) == 'unable to use "format" (deprecated) and a custom "cid-codec" at the same time'


def test_put_cid_codec_cbor_is_0x51_at_0_13_0() -> None:
    cid = Node(kubo_version="0.13.0").block_put(DSADSAD, cid_codec="cbor")
    assert cid.codec.code == 0x51


# --- pin, get, stat, rm -------------------------------------------------------------------------


def test_put_pin_is_recursive() -> None:
    node = Node()
    cid = node.block_put(DSADSAD, pin=True)
    assert node.pin_ls(cid) == {DSADSAD_V0: "recursive"}


def test_put_without_pin_pins_nothing() -> None:
    node = Node()
    node.block_put(DSADSAD)
    assert node.pin_ls() == {}


def test_get_missing_block() -> None:
    with pytest.raises(IPFSError) as info:
        Node().block_get(DSADSAD_V0)
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {DSADSAD_V0}"


def test_get_by_other_cid_of_same_multihash() -> None:
    """From 0.12 the blockstore is keyed by multihash (docs/changelogs/v0.12.md); before, by the
    whole CID, so the raw CIDv1 of a CIDv0 block names a block that is not there."""
    raw = CID("base32", 1, "raw", _mh(0x12, hashlib.sha256(DSADSAD).digest()))
    node = Node(kubo_version="0.12.0")
    node.block_put(DSADSAD)
    assert node.block_get(str(raw)) == DSADSAD
    assert node.block_stat(raw)[1] == 8
    old = Node(kubo_version="0.11.0")
    old.block_put(DSADSAD)
    with pytest.raises(IPFSError) as info:
        old.block_get(str(raw))
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {raw}"


def test_identity_block_needs_no_store() -> None:
    ident = CID("base32", 1, "raw", b"\x00\x05hello")
    node = Node()
    assert node.block_get(str(ident)) == b"hello"
    assert node.block_stat(ident) == (ident, 5)


def test_rm_reports_per_block() -> None:
    # kubo >= 0.13 names the missing block (blocks/blockstoreutil/remove.go format.ErrNotFound);
    # before, it was "blockstore: block not found" (tests/test_cli.py)
    node = Node(kubo_version="0.13.0")
    cid = node.block_put(DSADSAD, format="v0")
    missing = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
    out = node.block_rm([cid, missing])
    assert [(str(c), e) for c, e in out] == [(DSADSAD_V0, None), (missing, f"ipld: could not find {missing}")]
    assert [(str(c), e) for c, e in node.block_rm([missing], force=True)] == [(missing, None)]
    with pytest.raises(IPFSError):
        node.block_get(cid)


def test_rm_refuses_pinned_blocks() -> None:
    node = Node()
    direct = node.block_put(DSADSAD)
    node.pin_add(direct, recursive=False)
    root = node.add(b"Hello Mars!\n")[-1].cid
    out = node.block_rm([direct, root])
    assert [(str(c), e) for c, e in out] == [(DSADSAD_V0, "pinned: direct"), (str(root), "pinned: recursive")]
    assert node.block_get(direct) == DSADSAD


def test_rm_refuses_indirectly_pinned_block() -> None:
    node = Node()
    root = node.add(b"x" * 3000, chunker="size-1024")[-1].cid
    leaf = node.ls(root)[0].cid
    out = node.block_rm([leaf])
    assert [(str(c), e) for c, e in out] == [(str(leaf), f"pinned via {root}")]


def test_rm_identity_block_succeeds() -> None:
    ident = "bafkqaedknncdsodknncdsnzvnbvuioak"  # t0046-id-hash.sh ID_HASH0
    out = Node().block_rm([ident])
    assert [(str(c), e) for c, e in out] == [(ident, None)]
