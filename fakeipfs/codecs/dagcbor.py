"""DAG-CBOR (multicodec 0x71), byte for byte as kubo's go-ipld-prime writes and reads it.

Value model (shared with :mod:`fakeipfs.codecs.dagjson`): ``None``, ``bool``, ``int``, ``float``,
``str``, ``bytes``, ``list``, ``dict`` with ``str`` keys, and :class:`multiformats.CID` for links.

Encoding is go-ipld-prime ``codec/dagcbor/marshal.go`` with ``MapSortMode_RFC7049``: map keys
sorted length-first then bytewise, integers in their shortest head, floats always as 64-bit
(refmt emits ``TFloat64`` as ``0xfb``), definite lengths only, and links as tag 42 over the bytes
``0x00 + cid``. The bytes are produced by ``cbor2`` (non-canonical mode keeps our sorted key
order and writes every float as float64; its canonical mode would shrink floats).

Decoding follows go-ipld-prime v0.24 ``codec/dagcbor/unmarshal.go`` with its default (strict)
options and refmt v0.90's CBOR decoder: rejected are indefinite lengths, non-minimal heads, NaN
and infinities, duplicate map keys, non-string map keys, tags other than 42, a tag 42 whose bytes
do not start with 0x00 or hold no valid CID, negative integers below int64, trailing bytes,
nesting deeper than 1024 and inputs that exceed the 10MiB allocation budget. Like Go, it accepts
unsorted map keys and 16/32-bit floats (both are re-encoded canonically), and ``undefined``
(0xf7) reads as null. It is hand-written rather than ``cbor2.loads`` because those checks need
the raw heads, which cbor2 does not expose. Where Go would accept but the value model cannot hold
the data (a text string that is not UTF-8, a CID with a codec py-multiformats does not know, a
tag on a non-bytes item, which Go silently drops) decoding raises a ``fakeipfs:``-marked error.

Every decoding failure is a :class:`fakeipfs.errors.DecodeError`; no other exception escapes.

The module also holds the CID helpers the codecs share (go-cid's ``CidFromBytes``/``Cast``,
go-varint's ``FromUvarint`` and go-cid's ``String``), with Go's error texts.
"""
from __future__ import annotations

import math
import struct
from typing import Any, Union

import cbor2
from multiformats import CID

from fakeipfs import errors
from fakeipfs.errors import DecodeError
from fakeipfs.codecs.cid import cid_cast

#: Multicodec code of DAG-CBOR.
CODEC = 0x71
#: CBOR tag that marks a link (https://ipld.io/specs/codecs/dag-cbor/spec/#links).
LINK_TAG = 42

#: go-ipld-prime dagcbor ``defaultAllocationBudget`` (10MiB) and ``defaultMaxDepth``.
ALLOCATION_BUDGET = 1048576 * 10
MAX_DEPTH = 1024
#: refmt: byte and text strings longer than this are refused before reading.
MAX_STRING_LENGTH = 33554432
_MAP_ENTRY_COST = 8
_LIST_ENTRY_COST = 4

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1
_GO_MAX_INT = _INT64_MAX  # Go ``int`` on 64-bit platforms

Value = Union[None, bool, int, float, str, bytes, list, dict, CID]


# --- encoding --------------------------------------------------------------------------------

def encode(value: Any) -> bytes:
    """Serialize ``value`` as DAG-CBOR (go-ipld-prime ``dagcbor.Encode``).

    Raises ``TypeError`` for a Python type outside the value model (or a non-``str`` map key) and
    ``ValueError`` for a value DAG-CBOR cannot carry: NaN or an infinity (go-ipld-prime's own
    decoder rejects them), an integer outside ``[-2**63, 2**64-1]`` (go-ipld-prime holds
    negative integers as int64 and non-negative ones as int64 or uint64), or nesting deeper than
    :data:`MAX_DEPTH` (kubo could not decode it back).
    """
    return cbor2.dumps(_prepare(value))


def _prepare(value: Any) -> Any:
    """Turn the value model into what cbor2 writes byte-exactly: sorted dicts, tagged links.

    Iterative, and capped at :data:`MAX_DEPTH` nested containers (what go-ipld-prime decodes;
    cbor2's C encoder would also overflow its stack on much deeper input).
    """
    holder: list[Any] = [None]
    work: list[tuple[Any, Any, Any, int]] = [(value, holder, 0, 0)]
    while work:
        item, parent, slot, depth = work.pop()
        if isinstance(item, (list, tuple)):
            if depth >= MAX_DEPTH:
                raise ValueError(f"value nests deeper than {MAX_DEPTH} containers")
            converted: Any = [None] * len(item)
            work.extend((child, converted, index, depth + 1) for index, child in enumerate(item))
        elif isinstance(item, dict):
            if depth >= MAX_DEPTH:
                raise ValueError(f"value nests deeper than {MAX_DEPTH} containers")
            for key in item:
                if not isinstance(key, str):
                    raise TypeError(f"DAG-CBOR map keys must be str, not {type(key).__name__}")
            converted = {key: None for key in sorted(item, key=rfc7049_key)}
            work.extend((item[key], converted, key, depth + 1) for key in converted)
        else:
            converted = _prepare_scalar(item)
        parent[slot] = converted
    return holder[0]


def _prepare_scalar(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _UINT64_MAX:
            raise ValueError(f"integer {value} is outside the range DAG-CBOR can carry [-2**63, 2**64-1]")
        return int(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"DAG-CBOR cannot carry the float {value!r}")
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, CID):
        return cbor2.CBORTag(LINK_TAG, b"\x00" + bytes(value))
    raise TypeError(f"cannot encode {type(value).__name__} as DAG-CBOR")


def rfc7049_key(key: str) -> tuple[int, bytes]:
    """Sort key of ``codec.MapSortMode_RFC7049``: UTF-8 length first, then bytewise."""
    raw = key.encode("utf-8")
    return (len(raw), raw)


# --- decoding --------------------------------------------------------------------------------

# refmt tok.TokenType.String() of the item a head starts, used in "unexpected X token" messages.
_MAJOR_TOKEN = {0: "uint", 1: "int", 2: "bytes", 3: "string", 4: "array open", 5: "map open"}
_SIMPLE_TOKEN = {0xF4: "bool", 0xF5: "bool", 0xF6: "null", 0xF7: "null", 0xF9: "float", 0xFA: "float", 0xFB: "float"}

_LIST = 0
_MAP = 1


class _Frame:
    __slots__ = ("kind", "container", "remaining", "key")

    def __init__(self, kind: int, container: Any, remaining: int) -> None:
        self.kind = kind
        self.container = container
        self.remaining = remaining
        self.key: str | None = None


class _Reader:
    """A cursor over the input, with refmt's head and scalar decoding rules."""

    __slots__ = ("data", "pos", "budget")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.budget = ALLOCATION_BUDGET

    def take(self, count: int) -> bytes:
        end = self.pos + count
        if end > len(self.data):
            raise DecodeError(errors.ERR_UNEXPECTED_EOF)
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def spend(self, amount: int) -> None:
        self.budget -= amount
        if self.budget < 0:
            raise DecodeError(errors.ERR_ALLOCATION_BUDGET)

    def argument(self, initial: int) -> int:
        """The unsigned argument of a head (refmt ``decodeUint``), minimal as DAG-CBOR demands."""
        info = initial & 0x1F
        if info < 24:
            return info
        if info == 24:
            value = self.take(1)[0]
            floor = 24
        elif info == 25:
            value = int.from_bytes(self.take(2), "big")
            floor = 0x100
        elif info == 26:
            value = int.from_bytes(self.take(4), "big")
            floor = 0x10000
        elif info == 27:
            value = int.from_bytes(self.take(8), "big")
            floor = 0x100000000
        else:
            raise DecodeError(errors.err_cbor_invalid_descriptor(initial))
        if value < floor:
            raise DecodeError(errors.ERR_CBOR_NON_MINIMAL)
        return value

    def length(self, initial: int) -> int:
        """refmt ``decodeLen``: an argument used as a length or tag number."""
        if initial & 0x1F == 31 and initial >> 5 in (2, 3, 4, 5):
            raise DecodeError(errors.ERR_CBOR_INDEFINITE)
        value = self.argument(initial)
        if value > _GO_MAX_INT:
            raise DecodeError(errors.ERR_CBOR_LENGTH_RANGE)
        return value


def decode(data: bytes | bytearray | memoryview) -> Value:
    """Parse one DAG-CBOR block (go-ipld-prime ``dagcbor.Decode`` with default options).

    The whole input must be one item; anything after it is an error
    (``unexpected content after end of cbor object``).
    """
    reader = _Reader(bytes(data))
    value = _decode_item(reader)
    if reader.pos != len(reader.data):
        raise DecodeError(errors.ERR_CBOR_TRAILING)
    return value


def _decode_item(reader: _Reader) -> Any:
    """Decode one complete item, iteratively (nesting may reach 1024, beyond Python's stack)."""
    stack: list[_Frame] = []
    if not reader.data:
        raise DecodeError(errors.ERR_UNEXPECTED_EOF)
    while True:
        frame = stack[-1] if stack else None
        if frame is not None and frame.remaining == 0:
            # container complete: pop and deliver it to its parent
            stack.pop()
            value = frame.container
        else:
            expecting_key = frame is not None and frame.kind == _MAP and frame.key is None
            if frame is not None and not expecting_key:
                frame.remaining -= 1
                if frame.kind == _LIST:
                    reader.spend(_LIST_ENTRY_COST)
            initial = reader.take(1)[0]
            major = initial >> 5
            if expecting_key:
                assert frame is not None
                if major != 3:
                    raise DecodeError(_unexpected_key(reader, initial))
                key = _text(reader, initial)
                reader.spend(len(key.encode("utf-8")) + _MAP_ENTRY_COST)
                if key in frame.container:
                    raise DecodeError(errors.err_duplicate_map_key(key))
                frame.key = key
                continue
            if major == 4 or major == 5:
                count = reader.length(initial)  # refmt reads the head before go-ipld-prime checks
                if len(stack) >= MAX_DEPTH:
                    raise DecodeError(errors.ERR_DECODE_DEPTH)
                reader.spend(count)
                if major == 4:
                    stack.append(_Frame(_LIST, [], count))
                else:
                    stack.append(_Frame(_MAP, {}, count))
                continue
            value = _scalar(reader, initial)
        # deliver ``value`` to the enclosing container, or return it
        if not stack:
            return value
        parent = stack[-1]
        if parent.kind == _LIST:
            parent.container.append(value)
        else:
            parent.container[parent.key] = value
            parent.key = None


def _unexpected_key(reader: _Reader, initial: int) -> str:
    """Message for a map key that is not a text string.

    Like refmt, the offending item's head (and, for a scalar, the item) is read first, so its own
    errors (truncation, non-minimal head, unknown tag) take precedence.
    """
    major = initial >> 5
    if major == 4 or major == 5:
        reader.length(initial)
        return errors.err_unexpected_map_key(_MAJOR_TOKEN[major])
    _scalar(reader, initial)
    if major == 6:
        return errors.err_unexpected_map_key("bytes")  # a link: refmt's token is tagged bytes
    return errors.err_unexpected_map_key(_token_name(initial))


def _token_name(initial: int) -> str:
    major = initial >> 5
    if major == 7:
        return _SIMPLE_TOKEN.get(initial, "invalid")
    return _MAJOR_TOKEN.get(major, "invalid")


def _text(reader: _Reader, initial: int) -> str:
    count = reader.length(initial)
    if count > MAX_STRING_LENGTH:
        raise DecodeError(errors.err_cbor_oversized("string", count))
    raw = reader.take(count)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DecodeError(errors.ERR_CBOR_INVALID_UTF8) from None


def _bytes(reader: _Reader, initial: int) -> bytes:
    count = reader.length(initial)
    if count > MAX_STRING_LENGTH:
        raise DecodeError(errors.err_cbor_oversized("byte", count))
    return reader.take(count)


def _scalar(reader: _Reader, initial: int) -> Any:
    """Decode a non-container item whose initial byte was just read."""
    major = initial >> 5
    if major == 0:
        reader.spend(1)
        return reader.argument(initial)
    if major == 1:
        argument = reader.argument(initial)
        if argument + 1 > -_INT64_MIN:
            raise DecodeError(errors.ERR_CBOR_NEGINT_RANGE)
        reader.spend(1)
        return -1 - argument
    if major == 2:
        raw = _bytes(reader, initial)
        reader.spend(len(raw))
        return raw
    if major == 3:
        text = _text(reader, initial)
        reader.spend(len(text.encode("utf-8")))
        return text
    if major == 6:
        tag = reader.length(initial)
        inner = reader.take(1)[0]
        if inner >> 5 == 6:
            raise DecodeError(errors.ERR_CBOR_MULTIPLE_TAGS)
        if tag != LINK_TAG:
            raise DecodeError(errors.err_unhandled_cbor_tag(tag))
        if inner >> 5 != 2:
            raise DecodeError(errors.ERR_CBOR_LINK_NOT_BYTES)
        raw = _bytes(reader, inner)
        reader.spend(len(raw))
        if len(raw) < 1 or raw[0] != 0:
            raise DecodeError(errors.ERR_INVALID_MULTIBASE)
        return cid_cast(raw[1:])
    if major == 7:
        if initial == 0xF4:
            reader.spend(1)
            return False
        if initial == 0xF5:
            reader.spend(1)
            return True
        if initial in (0xF6, 0xF7):  # refmt CoerceUndefToNull
            return None
        if initial == 0xF9:
            number = _half_to_float(int.from_bytes(reader.take(2), "big"))
        elif initial == 0xFA:
            number = struct.unpack(">f", reader.take(4))[0]
        elif initial == 0xFB:
            number = struct.unpack(">d", reader.take(8))[0]
        else:
            raise DecodeError(errors.err_cbor_invalid_major_byte(initial))
        if math.isnan(number):
            raise DecodeError(errors.ERR_CBOR_NAN)
        if math.isinf(number):
            raise DecodeError(errors.ERR_CBOR_INFINITY)
        reader.spend(1)
        return number
    # majors 4 and 5 are handled by the caller; every head byte is covered above
    raise DecodeError(errors.err_cbor_invalid_major_byte(initial))  # pragma: no cover


def _half_to_float(bits: int) -> float:
    """IEEE 754 binary16 to float (exact; refmt widens through float32)."""
    sign = -1.0 if bits & 0x8000 else 1.0
    exponent = (bits >> 10) & 0x1F
    mantissa = bits & 0x3FF
    if exponent == 0:
        return sign * math.ldexp(mantissa, -24)
    if exponent == 31:
        return sign * math.inf if mantissa == 0 else math.nan
    return sign * math.ldexp(mantissa | 0x400, exponent - 25)


