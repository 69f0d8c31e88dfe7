"""DAG-CBOR: exact bytes against the JS reference vectors, kubo's (go-ipld-prime v0.24) strictness,
round trips, and fuzzing (only DecodeError may escape)."""
from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multiformats import CID

from vectorlib import build_value, cid_v1_sha256, link_cids, load, mutate, same_value
from fakeipfs.codecs import cid

from fakeipfs import errors
from fakeipfs.codecs import dagcbor
from fakeipfs.errors import DecodeError

VECTORS = load("ipld-codecs.json")
KNOWN_LINKS_EMPTY_CID = "bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya"





# --- exact bytes against @ipld/dag-cbor ---------------------------------------------------

@pytest.mark.parametrize("vector", VECTORS["values"], ids=lambda v: v["name"])
def test_encode_matches_js(vector: dict) -> None:
    value = build_value(vector["value"])
    encoded = dagcbor.encode(value)
    assert encoded.hex() == vector["dag_cbor"]
    assert cid_v1_sha256(dagcbor.CODEC, encoded) == vector["dag_cbor_cid"]


@pytest.mark.parametrize("vector", VECTORS["values"], ids=lambda v: v["name"])
def test_decode_js_bytes(vector: dict) -> None:
    assert same_value(dagcbor.decode(bytes.fromhex(vector["dag_cbor"])), build_value(vector["value"]))


def test_known_links_empty_vector() -> None:
    assert cid_v1_sha256(0x71, dagcbor.encode({"links": []})) == KNOWN_LINKS_EMPTY_CID


# --- encoder details (go-ipld-prime marshal.go) ----------------------------------------------

def test_keys_sorted_length_first() -> None:
    assert dagcbor.encode({"aa": 1, "b": 2}).hex() == "a2616202626161" + "01"


def test_floats_always_64_bit() -> None:
    assert dagcbor.encode(2.0).hex() == "fb4000000000000000"  # an integral float stays a float
    assert dagcbor.encode(-0.0).hex() == "fb8000000000000000"
    assert dagcbor.encode(1.5).hex() == "fb3ff8000000000000"


def test_smallest_ints() -> None:
    assert [dagcbor.encode(v).hex() for v in (23, 24, 255, 256, -24, -25, 2**64 - 1, -(2**63))] == [
        "17", "1818", "18ff", "190100", "37", "3818", "1bffffffffffffffff", "3b7fffffffffffffff"]


def test_bytearray_and_tuple_accepted() -> None:
    assert dagcbor.encode((bytearray(b"\x01"),)) == dagcbor.encode([b"\x01"])


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 2**64, -(2**63) - 1])
def test_encode_rejects_unrepresentable_values(value: Any) -> None:
    with pytest.raises(ValueError):
        dagcbor.encode(value)


@pytest.mark.parametrize("value", [{1: 2}, object(), {1.5}, {"a": [object()]}])
def test_encode_rejects_foreign_types(value: Any) -> None:
    with pytest.raises(TypeError):
        dagcbor.encode(value)


# --- decoder: each malformed class with Go's message -----------------------------------------

V1_CID = CID.decode(KNOWN_LINKS_EMPTY_CID)
V1_TAG = "d82a5825" + "00" + bytes(V1_CID).hex()

MALFORMED = [
    ("", errors.ERR_UNEXPECTED_EOF),
    ("82 01", errors.ERR_UNEXPECTED_EOF),
    ("62 61", errors.ERR_UNEXPECTED_EOF),
    ("19 01", errors.ERR_UNEXPECTED_EOF),
    ("fb 3ff0", errors.ERR_UNEXPECTED_EOF),
    ("f6 f6", errors.ERR_CBOR_TRAILING),
    ("a1 01 02", errors.err_unexpected_map_key("uint")),
    ("a1 20 02", errors.err_unexpected_map_key("int")),
    ("a1 41 00 02", errors.err_unexpected_map_key("bytes")),
    ("a1 80 02", errors.err_unexpected_map_key("array open")),
    ("a1 a0 02", errors.err_unexpected_map_key("map open")),
    ("a1 f6 02", errors.err_unexpected_map_key("null")),
    ("a1 f5 02", errors.err_unexpected_map_key("bool")),
    ("a1 fb 3ff8000000000000 02", errors.err_unexpected_map_key("float")),
    ("a1 " + V1_TAG + " 02", errors.err_unexpected_map_key("bytes")),
    ("c1 01", errors.err_unhandled_cbor_tag(1)),
    ("d8 2b 41 00", errors.err_unhandled_cbor_tag(43)),
    ("d8 2a d8 2a 41 00", errors.ERR_CBOR_MULTIPLE_TAGS),
    ("d8 2a 61 61", errors.ERR_CBOR_LINK_NOT_BYTES),
    ("d8 2a 40", errors.ERR_INVALID_MULTIBASE),
    ("d8 2a 41 01", errors.ERR_INVALID_MULTIBASE),
    ("d8 2a 42 00 02", "invalid cid: invalid cid: expected 1 as the cid version number, got: 2"),
    ("d8 2a 43 00 01 71", "invalid cid: invalid cid: multihash too short. must be >= 2 bytes"),
    ("d8 2a 45 00 01 71 12 20", "invalid cid: invalid cid: length greater than remaining number of bytes in buffer"),
    ("d8 2a 44 00 01 80 00", "invalid cid: invalid cid: varint not minimally encoded"),
    ("d8 2a 41 00", "invalid cid: invalid cid: varints malformed, could not reach the end"),
    ("d8 2a 45 00 12 20 00 00", "invalid cid: invalid cid: not enough bytes for cid v0"),
    ("d8 2a 5826 00" + bytes(V1_CID).hex() + "00", "invalid cid: trailing bytes in data buffer passed to cid Cast"),
    ("9f ff", errors.ERR_CBOR_INDEFINITE),
    ("bf ff", errors.ERR_CBOR_INDEFINITE),
    ("5f 41 00 ff", errors.ERR_CBOR_INDEFINITE),
    ("7f ff", errors.ERR_CBOR_INDEFINITE),
    ("18 05", errors.ERR_CBOR_NON_MINIMAL),
    ("19 00ff", errors.ERR_CBOR_NON_MINIMAL),
    ("1a 0000ffff", errors.ERR_CBOR_NON_MINIMAL),
    ("1b 00000000ffffffff", errors.ERR_CBOR_NON_MINIMAL),
    ("38 00", errors.ERR_CBOR_NON_MINIMAL),
    ("58 01 00", errors.ERR_CBOR_NON_MINIMAL),
    ("98 00", errors.ERR_CBOR_NON_MINIMAL),
    ("d8 01 00", errors.ERR_CBOR_NON_MINIMAL),
    ("fb 7ff8000000000000", errors.ERR_CBOR_NAN),
    ("f9 7e00", errors.ERR_CBOR_NAN),
    ("fa 7fc00000", errors.ERR_CBOR_NAN),
    ("fb 7ff0000000000000", errors.ERR_CBOR_INFINITY),
    ("f9 fc00", errors.ERR_CBOR_INFINITY),
    ("3b 8000000000000000", errors.ERR_CBOR_NEGINT_RANGE),
    ("3b ffffffffffffffff", errors.ERR_CBOR_NEGINT_RANGE),
    ("9b ffffffffffffffff", errors.ERR_CBOR_LENGTH_RANGE),
    ("5a 02000001", errors.err_cbor_oversized("byte", 33554433)),
    ("7a 02000001", errors.err_cbor_oversized("string", 33554433)),
    ("9a 00a00001", errors.ERR_ALLOCATION_BUDGET),
    ("f8 20", errors.err_cbor_invalid_major_byte(0xF8)),
    ("ff", errors.err_cbor_invalid_major_byte(0xFF)),
    ("e0", errors.err_cbor_invalid_major_byte(0xE0)),
    ("fc", errors.err_cbor_invalid_major_byte(0xFC)),
    ("1c", errors.err_cbor_invalid_descriptor(0x1C)),
    ("3f", errors.err_cbor_invalid_descriptor(0x3F)),
    ("a2 61 61 01 61 61 02", errors.err_duplicate_map_key("a")),
    ("61 ff", errors.ERR_CBOR_INVALID_UTF8),
    ("d8 2a 58 27 00 01 99 99 03 12 20" + "00" * 32, None),  # unregistered codec: fakeipfs message
]


@pytest.mark.parametrize("hexdata,message", MALFORMED, ids=[m[0] or "empty" for m in MALFORMED])
def test_malformed_raises_decode_error_with_go_message(hexdata: str, message: str | None) -> None:
    with pytest.raises(DecodeError) as info:
        dagcbor.decode(bytes.fromhex(hexdata.replace(" ", "")))
    if message is None:
        assert info.value.message.startswith("fakeipfs: unsupported cid: ")
    else:
        assert info.value.message == message


def test_nesting_limit_is_1024() -> None:
    assert dagcbor.decode(bytes.fromhex("81" * 1023 + "80")) is not None
    with pytest.raises(DecodeError) as info:
        dagcbor.decode(bytes.fromhex("81" * 1024 + "80"))
    assert info.value.message == errors.ERR_DECODE_DEPTH


def test_accepts_what_go_accepts_and_reencodes_canonically() -> None:
    # go-ipld-prime v0.24 still reads narrow floats, unsorted keys and undefined
    assert same_value(dagcbor.decode(bytes.fromhex("f93c00")), 1.0)
    assert same_value(dagcbor.decode(bytes.fromhex("fa3fc00000")), 1.5)
    assert dagcbor.decode(bytes.fromhex("f7")) is None
    unsorted = bytes.fromhex("a2616202616101")
    assert dagcbor.decode(unsorted) == {"b": 2, "a": 1}
    assert dagcbor.encode(dagcbor.decode(unsorted)).hex() == "a2616101616202"
    assert dagcbor.decode(bytes.fromhex("1bffffffffffffffff")) == 2**64 - 1
    assert dagcbor.decode(bytes.fromhex("3b7fffffffffffffff")) == -(2**63)


def test_half_float_conversion() -> None:
    cases = {"0001": 2.0**-24, "03ff": 1023 * 2.0**-24, "7bff": 65504.0, "8000": -0.0, "c000": -2.0}
    for hexbits, expected in cases.items():
        assert same_value(dagcbor.decode(bytes.fromhex("f9" + hexbits)), expected)


# --- CID helpers -----------------------------------------------------------------------------

def test_cid_to_string_as_go_cid() -> None:
    v0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
    assert cid.cid_to_string(CID.decode(v0)) == v0
    # a CIDv1 always prints in base32, whatever base the object carries
    assert cid.cid_to_string(CID.decode(KNOWN_LINKS_EMPTY_CID).set(base="base58btc")) == KNOWN_LINKS_EMPTY_CID


def test_go_uvarint() -> None:
    assert cid.go_uvarint(b"\xac\x02") == (300, 2)
    assert cid.go_uvarint(b"\xff" * 8 + b"\x7f") == (2**63 - 1, 9)
    for raw, message in [(b"\xff" * 8 + b"\x80", errors.ERR_VARINT_OVERFLOW), (b"\x80", errors.ERR_VARINT_UNDERFLOW),
                         (b"\x81\x00", errors.ERR_VARINT_NOT_MINIMAL)]:
        with pytest.raises(DecodeError) as info:
            cid.go_uvarint(raw)
        assert info.value.message == message


# --- properties -----------------------------------------------------------------------------

leaves = (st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
          | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20) | st.binary(max_size=20) | link_cids)
values = st.recursive(leaves, lambda children: st.lists(children, max_size=5)
                      | st.dictionaries(st.text(max_size=8), children, max_size=5), max_leaves=25)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(values)
def test_round_trip(value: Any) -> None:
    encoded = dagcbor.encode(value)
    decoded = dagcbor.decode(encoded)
    assert same_value(decoded, value)
    assert dagcbor.encode(decoded) == encoded


@FAST
@given(st.dictionaries(st.text(max_size=6), st.integers(0, 3), max_size=8))
def test_map_keys_in_rfc7049_order(mapping: dict) -> None:
    decoded_keys = list(dagcbor.decode(dagcbor.encode(mapping)))
    assert decoded_keys == sorted(mapping, key=lambda k: (len(k.encode()), k.encode()))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64))
def test_fuzz_random_bytes_only_decode_error(data: bytes) -> None:
    try:
        dagcbor.decode(data)
    except DecodeError:
        pass


@settings(max_examples=300, deadline=None)
@given(values, st.data())
def test_fuzz_mutated_encodings_only_decode_error(value: Any, data: st.DataObject) -> None:
    mutated = mutate(data, dagcbor.encode(value))
    try:
        dagcbor.decode(mutated)
    except DecodeError:
        pass


def test_encode_nesting_up_to_what_kubo_decodes() -> None:
    deep: Any = []
    for _ in range(1023):
        deep = [deep]
    assert dagcbor.encode(deep) == bytes.fromhex("81" * 1023 + "80")
    with pytest.raises(ValueError):
        dagcbor.encode([deep])


def test_decoded_links_print_as_kubo_prints_them() -> None:
    assert str(dagcbor.decode(bytes.fromhex(V1_TAG))) == KNOWN_LINKS_EMPTY_CID  # base32, not base58btc
    v0 = CID.decode("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
    assert str(dagcbor.decode(dagcbor.encode(v0))) == str(v0)
