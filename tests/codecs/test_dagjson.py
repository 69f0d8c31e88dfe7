"""DAG-JSON: exact bytes against the JS reference vectors where kubo (go-ipld-prime + refmt) agrees,
Go's own output where it does not, each malformed class with its message, round trips, fuzzing."""
from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multiformats import CID

from vectorlib import build_value, cid_v1_sha256, link_cids, load, same_value
from fakeipfs import errors
from fakeipfs.codecs import dagcbor, dagjson
from fakeipfs.errors import DecodeError

VECTORS = load("ipld-codecs.json")
CBOR_CID = "bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya"
V0_CID = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"





AGREED = [v for v in VECTORS["values"] if "go_differs" not in v]
DIFFERS = [v for v in VECTORS["values"] if "go_differs" in v]


# --- exact bytes against @ipld/dag-json ------------------------------------------------------

@pytest.mark.parametrize("vector", AGREED, ids=lambda v: v["name"])
def test_encode_matches_js(vector: dict) -> None:
    encoded = dagjson.encode(build_value(vector["value"]))
    assert encoded.decode("utf-8") == vector["dag_json"]
    assert cid_v1_sha256(dagjson.CODEC, encoded) == vector["dag_json_cid"]


@pytest.mark.parametrize("vector", AGREED, ids=lambda v: v["name"])
def test_decode_js_text(vector: dict) -> None:
    decoded = dagjson.decode(vector["dag_json"].encode("utf-8"))
    # the same data model value: its DAG-CBOR bytes are the JS vector's
    assert dagcbor.encode(decoded).hex() == vector["dag_cbor"]


@pytest.mark.parametrize("vector", DIFFERS, ids=lambda v: v["name"])
def test_where_go_differs_from_js(vector: dict) -> None:
    with pytest.raises(ValueError, match=vector["go_differs"]["dag_json_encode_error"]):
        dagjson.encode(build_value(vector["value"]))
    with pytest.raises(DecodeError) as info:
        dagjson.decode(vector["dag_json"].encode())
    assert info.value.message == vector["go_differs"]["dag_json_decode_error"]


# --- encoder details Go has and JS does not (refmt json/jsonEncoderTerminals.go) -------------

@pytest.mark.parametrize("number,text", [
    (1.0, "1"), (-0.0, "-0"), (0.0, "0"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
    (1.2345678901234568e20, "123456789012345680000"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"),
    (1e-10, "1e-10"), (2.5e-300, "2.5e-300"), (1e100, "1e+100"), (-1.25e22, "-1.25e+22"), (0.1, "0.1"),
    (100.0, "100"), (123.456, "123.456"),
])
def test_floats_formatted_as_refmt(number: float, text: str) -> None:
    assert dagjson.encode(number) == text.encode()


@pytest.mark.parametrize("text,json_text", [
    ("\b\f", '"\\u0008\\u000c"'), ("\u2028\u2029", '"\\u2028\\u2029"'), ("\x7f<>&/", '"\x7f<>&/"'),
    ("\x00\x1f", '"\\u0000\\u001f"'), ("a\ud800b", '"a\\ufffdb"'), ("é😀", '"é😀"'),
])
def test_strings_escaped_as_refmt(text: str, json_text: str) -> None:
    assert dagjson.encode(text) == json_text.encode("utf-8")


def test_keys_sorted_bytewise_not_length_first() -> None:
    assert dagjson.encode({"b": 1, "aa": 2, "é": 3, "z": 4}) == b'{"aa":2,"b":1,"z":4,"\xc3\xa9":3}'


def test_links_and_bytes_forms() -> None:
    value = [CID.decode(V0_CID), CID.decode(CBOR_CID).set(base="base58btc"), b"hello", b""]
    assert dagjson.encode(value) == (
        '[{"/":"%s"},{"/":"%s"},{"/":{"bytes":"aGVsbG8"}},{"/":{"bytes":""}}]' % (V0_CID, CBOR_CID)).encode()


@pytest.mark.parametrize("value,message", [
    (float("nan"), "unsupported value: NaN"), (float("inf"), "unsupported value: +Inf"),
    (float("-inf"), "unsupported value: -Inf"), (2**63, errors.ERR_UINT_OUT_OF_INT64),
])
def test_encode_refuses_what_go_refuses(value: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        dagjson.encode(value)
    assert str(info.value) == message


@pytest.mark.parametrize("value", [{1: 2}, object(), {"a": {1.5}}])
def test_encode_rejects_foreign_types(value: Any) -> None:
    with pytest.raises(TypeError):
        dagjson.encode(value)


# --- decoder: kubo's readings -----------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ('{"/":"%s"}' % CBOR_CID, CID.decode(CBOR_CID)),
    ('{"/":"%s"}' % V0_CID, CID.decode(V0_CID)),
    ('{"/":"%s"}' % CID.decode(CBOR_CID).encode("base58btc"), CID.decode(CBOR_CID)),
    ('{"/":{"bytes":"aGVsbG8"}}', b"hello"),
    ('{"/":{"bytes":"aGVsbG8="}}', b"hello"),  # padded falls back to StdEncoding
    ('{"/":{"bytes":"aGVs\\nbG8"}}', b"hello"),  # Go's base64 skips newlines
    ('{"/":"x","a":1}', {"/": "x", "a": 1}),  # not a link: more than one entry
    ('{"/":{"bytes":"AA","x":1}}', {"/": {"bytes": "AA", "x": 1}}),
    ('{"/":1}', {"/": 1}),
    ('{"/":{"/":"%s"}}' % CBOR_CID, {"/": CID.decode(CBOR_CID)}),
    (" [1 , -0 , 1.5 ,1e2, 1., true,false,null] \n\x00", [1, 0, 1.5, 100.0, 1.0, True, False, None]),
    ('"a\\u00e9\\ud83d\\ude00\\/\\b"', "aé😀/\b"),
    ('"\\ud800x"', "\ufffdx"),  # lone surrogate -> U+FFFD, like Go's utf16.DecodeRune
    (b'"\xff\xe2\x82"', "\ufffd\ufffd\ufffd"),  # one U+FFFD per invalid byte (utf8.DecodeRune)
    ("9223372036854775807", 2**63 - 1),
    ("-9223372036854775808", -(2**63)),
    ("{}", {}),
    ("[]", []),
])
def test_decode_readings(text: str | bytes, expected: Any) -> None:
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    assert same_value(dagjson.decode(raw), expected)


def test_integral_floats_read_back_as_ints_as_in_kubo() -> None:
    assert same_value(dagjson.decode(dagjson.encode(2.0)), 2)
    with pytest.raises(DecodeError):  # 1e20 prints as 100000000000000000000, beyond int64
        dagjson.decode(dagjson.encode(1e20))


MALFORMED = [
    ("", errors.ERR_UNEXPECTED_EOF),
    ("   ", errors.ERR_UNEXPECTED_EOF),
    ("[", errors.ERR_EOF),
    ('{"a"', errors.ERR_EOF),
    ('"abc', errors.ERR_EOF),
    ("[1,2", errors.ERR_EOF),
    ("1 2", errors.ERR_JSON_TRAILING),
    ("{}x", errors.ERR_JSON_TRAILING),
    ("01", errors.ERR_JSON_TRAILING),
    ("[1 2]", errors.err_json_after_array_value("0x32")),
    ('{"a":1 "b":2}', errors.err_json_after_map_value("quote")),
    ('{"a" 1}', errors.err_json_expected_colon("0x31")),
    ("[,]", errors.err_json_start_of("value", "comma")),
    ("[1,]", errors.err_json_start_of("value", "array close")),
    ('{"a":1,}', errors.err_json_start_of("key", "map close")),
    ("{:1}", errors.err_json_start_of("key", "colon")),
    ("x", errors.err_json_start_of("value", "0x78")),
    ("{1:2}", errors.err_unexpected_map_key("int")),
    ("{1.5:2}", errors.err_unexpected_map_key("float")),
    ("{null:2}", errors.err_unexpected_map_key("null")),
    ("{true:2}", errors.err_unexpected_map_key("bool")),
    ("{[]:2}", errors.err_unexpected_map_key("array open")),
    ("{{}:2}", errors.err_unexpected_map_key("map open")),
    ('{"a":1,"a":2}', errors.err_repeated_map_key("a")),
    ("nul", errors.ERR_JSON_INVALID_LITERAL),
    ("tru", errors.ERR_JSON_INVALID_LITERAL),
    ("fals", errors.ERR_JSON_INVALID_LITERAL),
    ('"\x01"', errors.err_json_unprintable(1)),
    ('"\\q"', errors.err_json_escape(ord("q"))),
    ('"\\u12g4"', errors.err_json_escape_u(ord("g"))),
    ("-", errors.err_parse_float("-", "invalid syntax")),
    ("-x", errors.err_parse_float("-", "invalid syntax")),
    ("1e", errors.err_parse_float("1e", "invalid syntax")),
    ("[1e+]", errors.err_parse_float("1e+", "invalid syntax")),
    ("1e400", errors.err_parse_float("1e400", "value out of range")),
    ("9223372036854775808", errors.err_parse_int_range("9223372036854775808")),
    ("1" * 5000, errors.err_parse_int_range("1" * 5000)),
    ("-0000", errors.ERR_JSON_TRAILING),
    ("-9223372036854775809", errors.err_parse_int_range("-9223372036854775809")),
    ('{"/":"x"}', errors.err_invalid_cid(errors.ERR_CID_TOO_SHORT)),
    ('{"/":"Qm00000000000000000000000000000000000000000000"}', errors.err_invalid_cid(errors.ERR_INVALID_MULTIHASH)),
    ('{"/":"!abc"}', errors.err_invalid_cid(errors.ERR_MULTIBASE_UNSUPPORTED)),
    ('{"/":{"bytes":"!!!!"}}', errors.err_base64(0)),
    ('{"/":{"bytes":"AAA=A"}}', errors.err_base64(4)),
    ('{"/":{"bytes":"A"}}', errors.err_base64(0)),
    ("[" * 1025 + "]" * 1025, errors.ERR_DECODE_DEPTH),
]


@pytest.mark.parametrize("text,message", MALFORMED, ids=[repr(m[0])[:40] for m in MALFORMED])
def test_malformed_raises_decode_error_with_go_message(text: str, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        dagjson.decode(text.encode("utf-8"))
    assert info.value.message == message


def test_nesting_limit_is_1024() -> None:
    assert dagjson.decode(("[" * 1024 + "]" * 1024).encode()) is not None


# --- properties -----------------------------------------------------------------------------

# floats with a fractional part: integral ones print like ints and read back as ints (as in kubo)
fractional = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
leaves = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | fractional | texts
          | st.binary(max_size=20) | link_cids)
keys = texts.filter(lambda k: k != "/")
values = st.recursive(leaves, lambda children: st.lists(children, max_size=5)
                      | st.dictionaries(keys, children, max_size=5), max_leaves=25)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(values)
def test_round_trip(value: Any) -> None:
    encoded = dagjson.encode(value)
    decoded = dagjson.decode(encoded)
    assert same_value(decoded, value)
    assert dagjson.encode(decoded) == encoded


@FAST
@given(values)
def test_output_is_json_with_sorted_keys(value: Any) -> None:
    # every DAG-JSON document is plain JSON, and each object's keys come in UTF-8 byte order
    def check(pairs: list[tuple[str, Any]]) -> dict:
        keys = [key for key, _ in pairs]
        assert keys == sorted(keys, key=lambda k: k.encode("utf-8"))
        return dict(pairs)

    json.loads(dagjson.encode(value), object_pairs_hook=check)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64))
def test_fuzz_random_bytes_only_decode_error(data: bytes) -> None:
    try:
        dagjson.decode(data)
    except DecodeError:
        pass


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='{}[]":,/ \\u0123456789.eE+-abtrfnulsy=\x00\n', max_size=40))
def test_fuzz_json_like_text_only_decode_error(text: str) -> None:
    try:
        dagjson.decode(text.encode("utf-8"))
    except DecodeError:
        pass


def test_encode_nesting_up_to_what_kubo_decodes() -> None:
    deep: Any = {}
    for _ in range(1023):
        deep = {"a": deep}
    encoded = dagjson.encode(deep)
    assert encoded == b'{"a":' * 1023 + b"{}" + b"}" * 1023
    assert dagjson.encode(dagjson.decode(encoded)) == encoded
    with pytest.raises(ValueError):
        dagjson.encode([deep])
