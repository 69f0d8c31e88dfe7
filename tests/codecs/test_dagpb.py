"""dag-pb and the UnixFS Data protobuf, byte for byte as kubo writes them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multiformats import CID

from fakeipfs.codecs import dagpb, unixfs_pb
from fakeipfs.codecs.unixfs_pb import DataType, FSData
from fakeipfs.errors import DecodeError
from fakeipfs.hashing import CidBuilder

EMPTY_FILE = CID.decode("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")


def test_empty_node_and_empty_directory() -> None:
    assert dagpb.encode(dagpb.PBNode()) == b""
    assert str(CidBuilder().cid(0x70, b"")) == "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
    block = dagpb.encode(dagpb.PBNode((), FSData(DataType.Directory).encode()))
    assert block == bytes.fromhex("0a020801")
    assert str(CidBuilder().cid(0x70, block)) == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"


def test_unixfs_templates() -> None:
    assert FSData(DataType.File, filesize=0).encode() == bytes.fromhex("08021800")
    assert FSData(DataType.File, b"hi", 2).encode() == bytes.fromhex("08021202686918" "02")
    internal = FSData(DataType.File, filesize=300, blocksizes=[200, 100]).encode()
    assert internal == bytes.fromhex("0802" "18ac02" "20c801" "2064")  # blocksizes not packed
    assert FSData(DataType.Symlink, b"t").encode() == bytes.fromhex("0804120174")
    assert FSData(DataType.HAMTShard, b"\x01", hash_type=0x22, fanout=256).encode() == \
        bytes.fromhex("0805120101" "2822" "308002")


def test_links_come_before_data_with_name_and_tsize() -> None:
    node = dagpb.PBNode((dagpb.PBLink(EMPTY_FILE, "", 6),), b"\x08\x02")
    raw = bytes(EMPTY_FILE)
    assert dagpb.encode(node) == b"\x12" + bytes([len(raw) + 6]) + b"\x0a\x22" + raw + \
        b"\x12\x00\x18\x06" + b"\x0a\x02\x08\x02"
    assert dagpb.decode(dagpb.encode(node)) == node


def test_sorted_links_is_a_stable_bytewise_sort() -> None:
    links = [dagpb.PBLink(EMPTY_FILE, n, 1) for n in ["b", "", "a", "B", "", "é", "a"]]
    assert [l.name for l in dagpb.sorted_links(links)] == ["", "", "B", "a", "a", "b", "é"]


def test_mode_and_mtime_fields() -> None:
    fs = FSData(DataType.File, filesize=0)
    fs.set_mode(0o644)
    fs.mtime = (1234, 5)
    out = fs.encode()
    assert out == bytes.fromhex("08021800" "38a403" "4208" "08d209" "1505000000")
    assert unixfs_pb.decode(out) == fs
    fs.set_mode(0)
    assert fs.mode is None


@pytest.mark.parametrize("data, message", [
    (b"\x0a\x05ab", "dag-pb: field 1 length 5 runs past the end of the data"),
    (b"\x0a\x00\x12\x00", "protobuf: (PBNode) invalid order; links after data"),
    (b"\x12\x02\x12\x00", "protobuf: (PBLink) missing required field: Hash"),
    (b"\x18\x01", "protobuf: (PBNode) invalid field 3 with wire type 0"),
    (b"\x12\x04\x0a\x02\x12\x00", "protobuf: (PBLink) invalid Hash field:"),
    (b"\x12\x80", "dag-pb: unexpected end of data in varint"),
])
def test_malformed_dag_pb_is_rejected(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        dagpb.decode(data)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("data, message", [
    (b"", "unixfs: missing required field: Type"),
    (b"\x08\x09", "unixfs: unknown data type 9"),
    (b"\x12\x01", "unixfs: field 2 length 1 runs past the end of the data"),
])
def test_malformed_unixfs_is_rejected(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        unixfs_pb.decode(data)
    assert str(info.value) == message


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_decoders_raise_only_decode_error(data: bytes) -> None:
    for decode in (dagpb.decode, unixfs_pb.decode):
        try:
            decode(data)
        except DecodeError:
            pass
