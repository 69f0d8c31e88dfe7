"""The few protobuf wire primitives that dag-pb and UnixFS need.

Varints come from ``multiformats.varint``; this module only adds field framing and a strict
reader that turns every malformed input into :class:`~fakeipfs.errors.DecodeError`.
"""
from __future__ import annotations

from typing import Iterator

from multiformats import varint

from ..errors import DecodeError

uvarint = varint.encode

WIRE_VARINT = 0
WIRE_FIXED64 = 1
WIRE_BYTES = 2
WIRE_FIXED32 = 5


def key(field: int, wire: int) -> bytes:
    return uvarint((field << 3) | wire)


def bytes_field(field: int, value: bytes) -> bytes:
    return key(field, WIRE_BYTES) + uvarint(len(value)) + value


def varint_field(field: int, value: int) -> bytes:
    return key(field, WIRE_VARINT) + uvarint(value)


def read_uvarint(buf: memoryview, pos: int, what: str) -> tuple[int, int]:
    """Decode a protobuf varint (at most 10 bytes, fits in 64 bits) at ``pos``."""
    result = 0
    shift = 0
    end = len(buf)
    while True:
        if pos >= end:
            raise DecodeError(f"{what}: unexpected end of data in varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            break
        shift += 7
        if shift >= 70:
            raise DecodeError(f"{what}: varint overflows 64 bits")
    if result >= 1 << 64:
        raise DecodeError(f"{what}: varint overflows 64 bits")
    return result, pos


def fields(data: bytes, what: str) -> Iterator[tuple[int, int, "int | bytes"]]:
    """Iterate ``(field, wire_type, value)`` over a protobuf message, strictly."""
    buf = memoryview(data)
    pos = 0
    end = len(buf)
    while pos < end:
        tag, pos = read_uvarint(buf, pos, what)
        field, wire = tag >> 3, tag & 7
        if field == 0:
            raise DecodeError(f"{what}: invalid field number 0")
        if wire == WIRE_VARINT:
            value, pos = read_uvarint(buf, pos, what)
            yield field, wire, value
        elif wire == WIRE_BYTES:
            length, pos = read_uvarint(buf, pos, what)
            if length > end - pos:
                raise DecodeError(f"{what}: field {field} length {length} runs past the end of the data")
            yield field, wire, bytes(buf[pos:pos + length])
            pos += length
        elif wire == WIRE_FIXED32:
            if end - pos < 4:
                raise DecodeError(f"{what}: unexpected end of data in fixed32")
            yield field, wire, int.from_bytes(buf[pos:pos + 4], "little")
            pos += 4
        elif wire == WIRE_FIXED64:
            if end - pos < 8:
                raise DecodeError(f"{what}: unexpected end of data in fixed64")
            yield field, wire, int.from_bytes(buf[pos:pos + 8], "little")
            pos += 8
        else:
            raise DecodeError(f"{what}: unsupported wire type {wire} for field {field}")
