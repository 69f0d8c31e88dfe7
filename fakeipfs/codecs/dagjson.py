"""DAG-JSON (multicodec 0x0129), byte for byte as kubo's go-ipld-prime writes and reads it.

kubo's ``dag get`` (0.10+) prints blocks through this codec, and ``dag put`` reads it by default.
The value model is the one of :mod:`fakeipfs.codecs.dagcbor`.

Encoding is go-ipld-prime ``codec/dagjson/marshal.go`` (``dagjson.Encode``: links and bytes
encoded, ``MapSortMode_Lexical``) through refmt's ``json/jsonEncoder.go`` with no indentation:

- compact, no trailing newline; map keys sorted bytewise on their UTF-8 (the DAG-JSON spec,
  https://ipld.io/specs/codecs/dag-json/spec/, "Sort object keys by their (UTF-8) encoded
  representation"; unlike DAG-CBOR this is not length-first);
- links ``{"/":"<cid>"}`` (go-cid ``String()``: base58btc for v0, base32 for v1) and bytes
  ``{"/":{"bytes":"<base64, standard alphabet, no padding>"}}``;
- strings escape only ``"``, ``\\``, ``\\n``, ``\\r``, ``\\t``, other bytes below 0x20 as
  ``\\u00XX`` and U+2028/U+2029; everything else is raw UTF-8 (refmt ``emitString``);
- floats as ES6 ``Number.toString`` would (refmt ``emitFloat``): the shortest round-trip digits,
  in exponent form (``1e+21``, ``1e-7``) only below 1e-6 or from 1e21; an integral float such as
  ``1.0`` prints as ``1`` and so reads back as an int, as in kubo;
- integers must fit int64 (``AsInt`` of a uint64 beyond it fails, go-ipld-prime
  ``node/basicnode/int.go``).

Decoding is go-ipld-prime ``codec/dagjson/unmarshal.go`` over refmt's JSON decoder: a map whose
only entry is ``"/"`` with a string value is a link (an unparsable CID is an error), a map
``{"/":{"bytes":"..."}}`` is bytes (base64 without padding, falling back to padded), every other
map is a map (a ``"/"`` key included); integers beyond int64 fail as ``strconv.ParseInt`` does;
invalid UTF-8 reads as U+FFFD per byte; duplicate keys fail; whitespace and NUL bytes may
follow the value; nesting stops at 1024. refmt does not check the letters of ``true``, ``false``
and ``null`` and accepts a comma before a closing bracket; this decoder rejects both (the
only places it is stricter than kubo). Every decoding failure is a
:class:`fakeipfs.errors.DecodeError`.
"""
from __future__ import annotations

import base64
import codecs
import math
import re
from decimal import Decimal
from typing import Any

from multiformats import CID, multibase

from fakeipfs import errors
from fakeipfs.codecs.cid import _to_cid, cid_cast, cid_to_string, go_uvarint
from fakeipfs.errors import DecodeError

#: Multicodec code of DAG-JSON.
CODEC = 0x0129
#: go-ipld-prime dagjson ``defaultMaxDepth``.
MAX_DEPTH = 1024

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


# --- encoding --------------------------------------------------------------------------------

def encode(value: Any) -> bytes:
    """Serialize ``value`` as DAG-JSON (go-ipld-prime ``dagjson.Encode``).

    Raises ``TypeError`` for a Python type outside the value model (or a non-``str`` map key) and
    ``ValueError`` with Go's message for what go-ipld-prime refuses: an integer beyond int64
    (``unsigned integer out of range of int64 type``) and NaN or an infinity
    (``unsupported value: NaN``); also for nesting deeper than :data:`MAX_DEPTH`, which kubo
    could not decode back. A map whose only key is ``"/"`` is written as it is, as Go writes it,
    so it reads back as a link or bytes (or fails to read).
    """
    out: list[str] = []
    _emit(value, out)
    return "".join(out).encode("utf-8")


def _emit(value: Any, out: list[str]) -> None:
    """Write ``value`` into ``out`` (iterative; nesting capped at :data:`MAX_DEPTH`)."""
    # work items: (True, text) is literal output, (False, value, depth) a value still to write
    work: list[tuple[Any, ...]] = [(False, value, 0)]
    while work:
        entry = work.pop()
        if entry[0]:
            out.append(entry[1])
            continue
        _, item, depth = entry
        if item is None:
            out.append("null")
        elif item is True:
            out.append("true")
        elif item is False:
            out.append("false")
        elif isinstance(item, int):
            if item > _INT64_MAX:
                raise ValueError(errors.ERR_UINT_OUT_OF_INT64)
            if item < _INT64_MIN:
                raise ValueError(f"integer {item} is below int64")
            out.append(str(int(item)))
        elif isinstance(item, float):
            out.append(format_float(item))
        elif isinstance(item, str):
            out.append(quote_string(item))
        elif isinstance(item, (bytes, bytearray, memoryview)):
            encoded = base64.b64encode(bytes(item)).decode("ascii").rstrip("=")
            out.append('{"/":{"bytes":"' + encoded + '"}}')
        elif isinstance(item, CID):
            out.append('{"/":"' + cid_to_string(item) + '"}')
        elif isinstance(item, (list, tuple)):
            if depth >= MAX_DEPTH:
                raise ValueError(f"value nests deeper than {MAX_DEPTH} containers")
            out.append("[")
            work.append((True, "]"))
            for index in range(len(item) - 1, -1, -1):
                work.append((False, item[index], depth + 1))
                if index:
                    work.append((True, ","))
        elif isinstance(item, dict):
            if depth >= MAX_DEPTH:
                raise ValueError(f"value nests deeper than {MAX_DEPTH} containers")
            for key in item:
                if not isinstance(key, str):
                    raise TypeError(f"DAG-JSON map keys must be str, not {type(key).__name__}")
            out.append("{")
            work.append((True, "}"))
            # Python orders str by code point, which is the bytewise order of their UTF-8.
            ordered = sorted(item)
            for index in range(len(ordered) - 1, -1, -1):
                key = ordered[index]
                work.append((False, item[key], depth + 1))
                work.append((True, quote_string(key) + ":"))
                if index:
                    work.append((True, ","))
        else:
            raise TypeError(f"cannot encode {type(item).__name__} as DAG-JSON")


_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\u2028\u2029\ud800-\udfff]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    if "\ud800" <= char <= "\udfff":  # cannot be UTF-8; Go writes invalid bytes as \ufffd
        return "\\ufffd"
    return f"\\u00{ord(char):02x}"


def quote_string(text: str) -> str:
    """refmt ``emitString``: a JSON string literal escaped exactly as Go's dag-json does."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def format_float(number: float) -> str:
    """refmt ``emitFloat``: ES6 number formatting with Go's shortest round-trip digits."""
    if math.isnan(number):
        raise ValueError(errors.err_json_unsupported_value("NaN"))
    if math.isinf(number):
        raise ValueError(errors.err_json_unsupported_value("+Inf" if number > 0 else "-Inf"))
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    magnitude = abs(number)
    if magnitude < 1e-6 or magnitude >= 1e21:
        # repr is Go's 'e' format here: shortest digits, exponent of at least two digits
        mantissa, exponent = repr(number).split("e")
        sign = exponent[0]
        digits = exponent[1:].lstrip("0") or "0"
        if len(digits) < 2 and sign == "+":
            digits = digits.rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    return format(Decimal(repr(number)).normalize(), "f")


# --- decoding --------------------------------------------------------------------------------

def _go_replace(exc: UnicodeError) -> tuple[str, int]:
    """Go's ``utf8.DecodeRune`` recovery: each invalid byte becomes one U+FFFD."""
    assert isinstance(exc, UnicodeDecodeError)
    return ("\ufffd", exc.start + 1)


codecs.register_error("fakeipfs-go-utf8", _go_replace)

_WHITESPACE = b" \t\r\n"
_TRAILING_OK = frozenset(b" \x00\t\r\n")
_BYTE_NAMES = {ord(","): "comma", ord(":"): "colon", ord("{"): "map open", ord("}"): "map close",
               ord("["): "array open", ord("]"): "array close", ord('"'): "quote"}
# What refmt's numscan states consume: sign, integer part, then "." and digits, then "e", sign,
# digits; each part may stop early (at a byte its state refuses, or at the end of the input).
_NUMBER_PREFIX = re.compile(rb"-?(?:(?:0|[1-9][0-9]*)(?:\.(?:[0-9]+(?:[eE][+-]?[0-9]*)?)?|[eE][+-]?[0-9]*)?)?")
_SIMPLE_STRING = re.compile(rb'[^"\\\x00-\x1f]*"')
_HEX = frozenset(b"0123456789abcdefABCDEF")
_LITERALS = {ord("t"): (b"true", True), ord("f"): (b"false", False), ord("n"): (b"null", None)}


def _byte_name(byte: int) -> str:
    """refmt ``byteToString``."""
    return _BYTE_NAMES.get(byte) or f"0x{byte:x}"


class _Frame:
    __slots__ = ("is_map", "container", "key")

    def __init__(self, is_map: bool) -> None:
        self.is_map = is_map
        self.container: Any = {} if is_map else []
        self.key: str | None = None


class _Parser:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def next_byte(self) -> int:
        """refmt ``readn1skippingWhitespace``; ``EOF`` past the end."""
        data = self.data
        pos = self.pos
        while pos < len(data) and data[pos] in _WHITESPACE:
            pos += 1
        if pos >= len(data):
            self.pos = pos
            raise DecodeError(errors.ERR_EOF)
        self.pos = pos + 1
        return data[pos]

    # -- terminals --

    def literal(self, first: int) -> Any:
        word, value = _LITERALS[first]
        start = self.pos - 1
        if self.data[start:start + len(word)] != word:
            raise DecodeError(errors.ERR_JSON_INVALID_LITERAL)
        self.pos = start + len(word)
        return value

    def number(self) -> int | float:
        """refmt ``decodeNumber``: Go's JSON number scanner, then ``strconv.ParseInt``/``ParseFloat``.

        refmt stops scanning at the first byte its state machine refuses and drops the scanner's
        own error, so ``1.x`` reads as ``1.`` (a float) and ``-x`` fails as ``ParseFloat("-")``.
        """
        data = self.data
        start = self.pos - 1
        match = _NUMBER_PREFIX.match(data, start)
        assert match is not None  # the first byte is '-' or a digit
        end = match.end()
        text = data[start:end].decode("ascii")
        self.pos = end
        if not any(c in text for c in ".eE"):
            if len(text.lstrip("-")) > 19:  # beyond int64 (and Python's int-from-str digit limit)
                raise DecodeError(errors.err_parse_int_range(text))
            try:
                value = int(text)
            except ValueError:
                raise DecodeError(errors.err_parse_float(text, "invalid syntax")) from None
            if not _INT64_MIN <= value <= _INT64_MAX:
                raise DecodeError(errors.err_parse_int_range(text))
            return value
        try:
            number = float(text)
        except ValueError:
            raise DecodeError(errors.err_parse_float(text, "invalid syntax")) from None
        if math.isinf(number):
            raise DecodeError(errors.err_parse_float(text, "value out of range"))
        return number

    def string(self) -> str:
        """refmt ``decodeString`` + ``parseString`` (opening quote already read)."""
        data = self.data
        start = self.pos
        simple = _SIMPLE_STRING.match(data, start)
        if simple:
            self.pos = simple.end()
            return data[start:simple.end() - 1].decode("utf-8", "fakeipfs-go-utf8")
        # scan: validate escapes and find the end, as refmt's strscan steps do
        pos = start
        while True:
            if pos >= len(data):
                raise DecodeError(errors.ERR_EOF)
            byte = data[pos]
            pos += 1
            if byte == ord('"'):
                break
            if byte < 0x20:
                raise DecodeError(errors.err_json_unprintable(byte))
            if byte == ord("\\"):
                if pos >= len(data):
                    raise DecodeError(errors.ERR_EOF)
                escape = data[pos]
                pos += 1
                if escape == ord("u"):
                    for _ in range(4):
                        if pos >= len(data):
                            raise DecodeError(errors.ERR_EOF)
                        if data[pos] not in _HEX:
                            raise DecodeError(errors.err_json_escape_u(data[pos]))
                        pos += 1
                elif escape not in b'bfnrt\\/"':
                    raise DecodeError(errors.err_json_escape(escape))
        self.pos = pos
        return _unescape(data[start:pos - 1])


_SIMPLE_ESCAPES = {ord("b"): "\b", ord("f"): "\f", ord("n"): "\n", ord("r"): "\r", ord("t"): "\t",
                   ord('"'): '"', ord("\\"): "\\", ord("/"): "/"}


def _unescape(raw: bytes) -> str:
    """refmt ``parseString``: escapes resolved; bad UTF-8 and lone surrogates become U+FFFD."""
    out: list[str] = []
    pos = 0
    length = len(raw)
    while pos < length:
        slash = raw.find(b"\\", pos)
        if slash < 0:
            out.append(raw[pos:].decode("utf-8", "fakeipfs-go-utf8"))
            break
        if slash > pos:
            out.append(raw[pos:slash].decode("utf-8", "fakeipfs-go-utf8"))
        escape = raw[slash + 1]
        if escape != ord("u"):
            out.append(_SIMPLE_ESCAPES[escape])
            pos = slash + 2
            continue
        code = int(raw[slash + 2:slash + 6], 16)
        pos = slash + 6
        if 0xD800 <= code <= 0xDFFF:
            # utf16.DecodeRune with the next \uXXXX, if any; otherwise U+FFFD
            low = -1
            if raw[pos:pos + 2] == b"\\u" and len(raw) >= pos + 6:
                low = int(raw[pos + 2:pos + 6], 16)
            if 0xD800 <= code < 0xDC00 and 0xDC00 <= low <= 0xDFFF:
                out.append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                pos += 6
            else:
                out.append("\ufffd")
            continue
        out.append(chr(code))
    return "".join(out)


def decode(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse one DAG-JSON document (go-ipld-prime ``dagjson.Decode``).

    Only whitespace and NUL bytes may follow the value
    (``unexpected content after end of json object``).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    parser = _Parser(bytes(data))
    try:
        first = parser.next_byte()
    except DecodeError:
        raise DecodeError(errors.ERR_UNEXPECTED_EOF) from None
    value = _parse(parser, first)
    for byte in parser.data[parser.pos:]:
        if byte not in _TRAILING_OK:
            raise DecodeError(errors.ERR_JSON_TRAILING)
    return value


def _parse(parser: _Parser, first: int) -> Any:
    """Iterative value parser (nesting reaches 1024, beyond Python's default stack)."""
    stack: list[_Frame] = []
    byte = first
    while True:
        # ``byte`` starts a value (or, in a map, a key)
        frame = stack[-1] if stack else None
        if frame is not None and frame.is_map and frame.key is None:
            if byte != ord('"'):
                raise DecodeError(_bad_key(parser, byte))
            key = parser.string()
            if key in frame.container:
                raise DecodeError(errors.err_repeated_map_key(key))
            colon = parser.next_byte()
            if colon != ord(":"):
                raise DecodeError(errors.err_json_expected_colon(_byte_name(colon)))
            frame.key = key
            byte = parser.next_byte()
            continue
        if byte == ord("{") or byte == ord("["):
            if len(stack) >= MAX_DEPTH:
                raise DecodeError(errors.ERR_DECODE_DEPTH)
            frame = _Frame(byte == ord("{"))
            stack.append(frame)
            byte = parser.next_byte()
            if byte == (ord("}") if frame.is_map else ord("]")):
                value = _close(stack.pop())
            else:
                continue
        else:
            value = _terminal(parser, byte, "value")
        # deliver ``value``; then close containers or move to the next element
        while True:
            if not stack:
                return value
            frame = stack[-1]
            if frame.is_map:
                frame.container[frame.key] = value
                frame.key = None
            else:
                frame.container.append(value)
            byte = parser.next_byte()
            close = ord("}") if frame.is_map else ord("]")
            if byte == close:
                value = _close(stack.pop())
                continue
            if byte != ord(","):
                name = _byte_name(byte)
                raise DecodeError(errors.err_json_after_map_value(name) if frame.is_map
                                  else errors.err_json_after_array_value(name))
            byte = parser.next_byte()
            if byte == close:  # refmt accepts a trailing comma; DAG-JSON (and we) do not
                raise DecodeError(errors.err_json_start_of("key" if frame.is_map else "value", _byte_name(byte)))
            break


def _terminal(parser: _Parser, byte: int, what: str) -> Any:
    if byte == ord('"'):
        return parser.string()
    if byte in _LITERALS:
        return parser.literal(byte)
    if byte == ord("-") or ord("0") <= byte <= ord("9"):
        return parser.number()
    raise DecodeError(errors.err_json_start_of(what, _byte_name(byte)))


def _bad_key(parser: _Parser, byte: int) -> str:
    """A map key that is not a string: refmt reads it as a value, go-ipld-prime then refuses it."""
    if byte == ord("{"):
        return errors.err_unexpected_map_key("map open")
    if byte == ord("["):
        return errors.err_unexpected_map_key("array open")
    value = _terminal(parser, byte, "key")
    if value is None:
        kind = "null"
    elif isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, int):
        kind = "int"
    else:
        kind = "float"
    return errors.err_unexpected_map_key(kind)


def _close(frame: _Frame) -> Any:
    """A finished container; single-entry ``"/"`` maps become links or bytes."""
    container = frame.container
    if frame.is_map and len(container) == 1 and "/" in container:
        inner = container["/"]
        if isinstance(inner, str):
            return cid_from_string(inner)
        if isinstance(inner, dict) and len(inner) == 1 and isinstance(inner.get("bytes"), str):
            return _decode_base64(inner["bytes"])
    return container


# --- dag-json's special forms ---------------------------------------------------------------

def cid_from_string(text: str) -> CID:
    """go-cid ``Decode``: a CID string (``Qm...`` base58 multihash, or a multibase CIDv1)."""
    if len(text) < 2:
        raise DecodeError(errors.err_invalid_cid(errors.ERR_CID_TOO_SHORT))
    if len(text) == 46 and text.startswith("Qm"):
        try:
            raw = multibase.decode("z" + text)
        except Exception:
            raise DecodeError(errors.err_invalid_cid(errors.ERR_INVALID_MULTIHASH)) from None
        try:  # go-multihash Cast -> readMultihashFromBuf
            if len(raw) < 2:
                raise DecodeError(errors.ERR_MH_TOO_SHORT)
            code, code_len = go_uvarint(raw)
            digest_len, len_len = go_uvarint(raw, code_len)
            if digest_len > len(raw) - code_len - len_len:
                raise DecodeError(errors.ERR_MH_LENGTH_BEYOND_BUFFER)
            if code_len + len_len + digest_len != len(raw):
                raise DecodeError(errors.err_mh_inconsistent_length(digest_len, code_len + len_len + digest_len))
        except DecodeError as exc:
            raise DecodeError(errors.err_invalid_cid(exc.message)) from None
        if code != 0x12 or digest_len != 32:
            raise DecodeError(errors.err_invalid_cid(errors.err_cidv0_hash(code, digest_len)))
        return _to_cid(raw)
    try:
        base = multibase.from_str(text)
    except KeyError:
        raise DecodeError(errors.err_invalid_cid(errors.ERR_MULTIBASE_UNSUPPORTED)) from None
    try:
        raw = base.decode(text)
    except Exception as exc:
        raise DecodeError(errors.err_invalid_cid(str(exc))) from None
    return cid_cast(raw)


_B64_ALPHABET = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _decode_base64(text: str) -> bytes:
    """go-ipld-prime dagjson: ``RawStdEncoding``, and on ``CorruptInputError`` ``StdEncoding``."""
    raw = text.encode("utf-8")
    try:
        return _go_base64(raw, padded=False)
    except DecodeError:
        return _go_base64(raw, padded=True)


def _go_base64(src: bytes, padded: bool) -> bytes:
    """Go ``encoding/base64`` ``Decode`` (non-strict: CR/LF skipped, trailing bits ignored)."""
    out = bytearray()
    si = 0
    n = len(src)
    while True:
        quantum = [0, 0, 0, 0]
        length = 4
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                if j == 1 or padded:
                    raise DecodeError(errors.err_base64(si - j))
                length = j
                break
            char = src[si]
            si += 1
            if char in _B64_ALPHABET:
                quantum[j] = _B64_ALPHABET[char]
                j += 1
                continue
            if char in b"\r\n":
                continue
            if not padded or char != ord("="):
                raise DecodeError(errors.err_base64(si - 1))
            # padding reached
            if j in (0, 1):
                raise DecodeError(errors.err_base64(si - 1))
            if j == 2:
                while si < n and src[si] in b"\r\n":
                    si += 1
                if si == n:
                    raise DecodeError(errors.err_base64(n))
                if src[si] != ord("="):
                    raise DecodeError(errors.err_base64(si - 1))
                si += 1
            while si < n and src[si] in b"\r\n":
                si += 1
            if si < n:
                raise DecodeError(errors.err_base64(si))
            length = j
            break
        bits = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3]
        chunk = bits.to_bytes(3, "big")
        out += chunk[:length - 1]
        if length < 4:
            return bytes(out)
