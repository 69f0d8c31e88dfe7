"""CARv1: exact bytes against @ipld/car, go-car's checks with their messages, round trips, fuzzing."""
from __future__ import annotations

import io
import types
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multiformats import CID, multihash, varint

from vectorlib import load, mutate
from fakeipfs.codecs.cid import cid_to_string
from fakeipfs import errors
from fakeipfs.codecs import car, dagcbor
from fakeipfs.errors import DecodeError

VECTORS = load("ipld-codecs.json")
CARS = {c["name"]: c for c in VECTORS["cars"]}


def cid_str(cid: CID) -> str:
    return cid_to_string(cid)


def section(cid: CID, data: bytes) -> bytes:
    raw = bytes(cid) + data
    return varint.encode(len(raw)) + raw


def raw_cid(data: bytes, hashfun: str = "sha2-256", codec: str = "raw") -> CID:
    return CID("base32", 1, codec, multihash.digest(data, hashfun))


ROOT = raw_cid(b"root")
HEADER = car.encode_header([ROOT])


def header_section(value: Any) -> bytes:
    body = dagcbor.encode(value)
    return varint.encode(len(body)) + body


# --- exact bytes against @ipld/car ------------------------------------------------------------

@pytest.mark.parametrize("vector", VECTORS["cars"], ids=lambda v: v["name"])
def test_write_matches_js(vector: dict) -> None:
    roots = [CID.decode(r) for r in vector["roots"]]
    blocks = [(CID.decode(b["cid"]), bytes.fromhex(b["data"])) for b in vector["blocks"]]
    assert b"".join(car.write_car(roots, blocks)).hex() == vector["car"]


@pytest.mark.parametrize("vector", VECTORS["cars"], ids=lambda v: v["name"])
def test_read_js_car(vector: dict) -> None:
    roots, blocks = car.read_car(bytes.fromhex(vector["car"]))
    assert [cid_str(r) for r in roots] == vector["roots"]
    assert [(cid_str(c), d.hex()) for c, d in blocks] == [(b["cid"], b["data"]) for b in vector["blocks"]]


def test_js_car_covers_every_hash_kind() -> None:
    _, blocks = car.read_car(bytes.fromhex(CARS["mixed_hashes"]["car"]))
    assert {c.hashfun.name for c, _ in blocks} == {"sha2-256", "sha2-512", "blake3", "identity"}
    assert {c.version for c, _ in blocks} == {0, 1}


def test_header_is_go_cars_bytes() -> None:
    # go-car CarHeader{Roots, Version} via go-ipld-cbor: {"roots": [...], "version": 1}
    assert HEADER == bytes.fromhex("3a" + "a2" + "65726f6f7473" + "81" + "d82a5825" + "00") + bytes(ROOT) + bytes.fromhex(
        "6776657273696f6e01")


def test_write_car_streams() -> None:
    produced: list[int] = []

    def blocks():
        for n in range(3):
            produced.append(n)
            data = b"block %d" % n
            yield raw_cid(data), data

    stream = car.write_car([ROOT], blocks())
    assert isinstance(stream, types.GeneratorType)
    assert next(stream) == HEADER
    assert produced == []  # nothing pulled from the block source before it is needed
    rest = b"".join(stream)
    assert produced == [0, 1, 2]
    roots, read = car.read_car(HEADER + rest)
    assert roots == [ROOT] and [d for _, d in read] == [b"block 0", b"block 1", b"block 2"]


class TrickleReader(io.RawIOBase):
    """A stream that returns at most one byte per read, as a slow pipe might."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._data.read(1 if n != 0 else 0)


def test_read_from_streams() -> None:
    raw = bytes.fromhex(CARS["mixed_hashes"]["car"])
    expected = car.read_car(raw)
    assert car.read_car(io.BytesIO(raw)) == expected
    assert car.read_car(TrickleReader(raw)) == expected  # type: ignore[arg-type]
    assert car.read_car(memoryview(raw)) == expected


def test_empty_roots_accepted_like_go_car_block_reader() -> None:
    data = b"x"
    assert car.read_car(car.encode_header([]) + section(raw_cid(data), data)) == ([], [(raw_cid(data), data)])


# --- each malformed class, with go-car's message ----------------------------------------------

GOOD_BLOCK = section(raw_cid(b"good"), b"good")
MISMATCH_CID = raw_cid(b"expected")

MALFORMED = [
    ("empty", b"", errors.ERR_EOF),
    ("header varint cut", b"\x80", errors.ERR_UNEXPECTED_EOF),
    ("header varint not minimal", b"\x80\x00", errors.ERR_VARINT_NOT_MINIMAL),
    ("header varint overflow", b"\xff" * 8 + b"\x80", errors.ERR_VARINT_OVERFLOW),
    ("header too large", varint.encode(car.MAX_HEADER_SIZE + 1), errors.ERR_CAR_HEADER_TOO_LARGE),
    ("header missing", b"\x0a", errors.ERR_EOF),
    ("header cut", b"\x0a\xa2\x65", errors.ERR_UNEXPECTED_EOF),
    ("header empty", b"\x00", errors.err_car_invalid_header(errors.ERR_UNEXPECTED_EOF)),
    ("header not cbor", b"\x01\xff", errors.err_car_invalid_header(errors.err_cbor_invalid_major_byte(0xFF))),
    ("header not a map", header_section([1]), errors.err_car_invalid_header("header is not a map")),
    ("header unknown key", header_section({"roots": [ROOT], "version": 1, "x": 1}),
     errors.err_car_invalid_header("unknown key 'x'")),
    ("roots not links", header_section({"roots": ["x"], "version": 1}),
     errors.err_car_invalid_header("roots must be a list of links")),
    ("roots not a list", header_section({"roots": ROOT, "version": 1}),
     errors.err_car_invalid_header("roots must be a list of links")),
    ("version not int", header_section({"roots": [ROOT], "version": "1"}),
     errors.err_car_invalid_header("version must be an integer")),
    ("version missing", header_section({"roots": [ROOT]}), errors.err_car_version(0)),
    ("version 3", header_section({"roots": [ROOT], "version": 3}), errors.err_car_version(3)),
    ("carv2", header_section({"version": 2}), errors.ERR_CARV2_UNSUPPORTED),
    ("section varint cut", HEADER + b"\x80", errors.ERR_UNEXPECTED_EOF),
    ("section varint not minimal", HEADER + b"\x85\x00", errors.ERR_VARINT_NOT_MINIMAL),
    ("section too large", HEADER + varint.encode(car.MAX_SECTION_SIZE + 1), errors.ERR_CAR_SECTION_TOO_LARGE),
    ("section missing", HEADER + b"\x05", errors.ERR_EOF),
    ("section cut", HEADER + GOOD_BLOCK[:-1], errors.ERR_UNEXPECTED_EOF),
    ("section empty", HEADER + b"\x00", errors.err_invalid_cid(errors.ERR_VARINT_UNDERFLOW)),
    ("cid version 2", HEADER + b"\x03\x02\x55\x00", errors.err_invalid_cid(errors.err_cid_version(2))),
    ("cid v0 cut", HEADER + b"\x05\x12\x20\x00\x00\x00", errors.err_invalid_cid(errors.ERR_CID_V0_TOO_SHORT)),
    ("cid multihash cut", HEADER + b"\x05\x01\x55\x12\x20\x00",
     errors.err_invalid_cid(errors.ERR_MH_LENGTH_BEYOND_BUFFER)),
    ("cid multihash short", HEADER + b"\x03\x01\x55\x12", errors.err_invalid_cid(errors.ERR_MH_TOO_SHORT)),
    ("hash mismatch", HEADER + section(MISMATCH_CID, b"actual"),
     errors.err_car_mismatch(cid_str(MISMATCH_CID), cid_str(raw_cid(b"actual")))),
    ("hash mismatch after a good block", HEADER + GOOD_BLOCK + section(MISMATCH_CID, b"actual") + GOOD_BLOCK,
     errors.err_car_mismatch(cid_str(MISMATCH_CID), cid_str(raw_cid(b"actual")))),
    ("identity too long", HEADER + section(CID("base32", 1, "raw", multihash.wrap(b"abcd", "identity")), b"abc"),
     errors.ERR_MH_LEN_TOO_LARGE),
    ("identity too short", HEADER + section(CID("base32", 1, "raw", multihash.wrap(b"ab", "identity")), b"abc"),
     errors.err_mh_identity_length(2, 3)),
    ("digest longer than the function", HEADER + section(CID.decode(bytes([1, 0x55, 0x12, 33]) + b"\x00" * 33), b""),
     errors.ERR_MH_LEN_TOO_LARGE),
]


@pytest.mark.parametrize("data,message", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_raises_decode_error_with_go_message(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        car.read_car(data)
    assert info.value.message == message


@pytest.mark.parametrize("name", ["mixed_hashes", "two_roots_v0"])
def test_any_tampered_block_byte_rejects_the_whole_car(name: str) -> None:
    vector = CARS[name]
    raw = bytearray.fromhex(vector["car"])
    header_len = len(car.encode_header([CID.decode(r) for r in vector["roots"]]))
    offset = header_len
    for block in vector["blocks"]:
        cid = CID.decode(block["cid"])
        data = bytes.fromhex(block["data"])
        body_start = offset + len(section(cid, data)) - len(data)
        for index in range(body_start, body_start + len(data)):
            tampered = bytearray(raw)
            tampered[index] ^= 0x01
            with pytest.raises(DecodeError) as info:
                car.read_car(bytes(tampered))
            assert info.value.message.startswith("mismatch in content integrity, expected: " + block["cid"]) or (
                cid.hashfun.name == "identity")
        offset += len(section(cid, data))


def test_mismatch_message_names_both_cids_for_v0() -> None:
    v0 = CID("base58btc", 0, "dag-pb", multihash.digest(b"one", "sha2-256"))
    with pytest.raises(DecodeError) as info:
        car.read_car(HEADER + section(v0, b"two"))
    hashed = CID("base58btc", 0, "dag-pb", multihash.digest(b"two", "sha2-256"))
    assert info.value.message == f"mismatch in content integrity, expected: {v0}, got: {hashed}"
    assert str(hashed).startswith("Qm")


def test_truncated_multihash_lengths_verify_like_go() -> None:
    # go-multihash Sum truncates to the CID's digest length
    data = b"truncated"
    cid = CID("base32", 1, "raw", multihash.digest(data, "sha2-256", size=20))
    assert car.read_car(HEADER + section(cid, data))[1] == [(cid, data)]


# --- properties -----------------------------------------------------------------------------

HASHES = ["sha2-256", "sha2-512", "sha3-256", "blake2b-256", "blake2s-256", "identity"]

blocks_strategy = st.lists(st.tuples(st.binary(max_size=40), st.sampled_from(HASHES), st.sampled_from(["raw", "dag-cbor"])),
                           max_size=6)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cid_for(data: bytes, hashfun: str, codec: str) -> CID:
    if hashfun == "identity":
        return CID("base32", 1, codec, multihash.wrap(data, "identity"))
    return raw_cid(data, hashfun, codec)


@FAST
@given(blocks_strategy, st.integers(0, 3))
def test_round_trip(specs: list[tuple[bytes, str, str]], root_count: int) -> None:
    blocks = [(_cid_for(data, h, c), data) for data, h, c in specs]
    roots = [cid for cid, _ in blocks[:root_count]] or [ROOT]
    raw = b"".join(car.write_car(roots, blocks))
    assert car.read_car(raw) == (roots, blocks)


@FAST
@given(st.binary(max_size=80))
def test_fuzz_random_bytes_only_decode_error(data: bytes) -> None:
    for candidate in (data, HEADER + data):
        try:
            car.read_car(candidate)
        except DecodeError:
            pass


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_fuzz_mutated_car_only_decode_error(data: st.DataObject) -> None:
    mutated = mutate(data, bytes.fromhex(CARS[data.draw(st.sampled_from(sorted(CARS)))]["car"]))
    try:
        car.read_car(mutated)
    except DecodeError:
        pass
