"""The UnixFS ``Data`` protobuf (proto2), byte-exact with boxo.

Schema: boxo ``ipld/unixfs/pb/unixfs.proto``; field rules: boxo ``ipld/unixfs/unixfs.go``.
Fields are written in number order 1..8 (``proto.Marshal``). ``Type`` is always written;
``filesize`` is written for every node built with ``NewFSNode`` (File and Raw, including
``18 00`` for the empty file) and absent for directories, symlinks and HAMT shards;
``blocksizes`` is repeated and *not* packed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Optional

from ..errors import DecodeError
from .protobuf import (WIRE_BYTES, WIRE_FIXED32, WIRE_VARINT, bytes_field, fields, key,
                       uvarint, varint_field)


class DataType(IntEnum):
    Raw = 0
    Directory = 1
    File = 2
    Metadata = 3
    Symlink = 4
    HAMTShard = 5


#: murmur3-x64-64 multicodec, the only HAMT hash kubo writes (boxo ipld/unixfs/hamt).
HAMT_HASH_MURMUR3 = 0x22


@dataclass
class FSData:
    type: DataType
    data: Optional[bytes] = None
    filesize: Optional[int] = None
    blocksizes: list[int] = field(default_factory=list)
    hash_type: Optional[int] = None
    fanout: Optional[int] = None
    mode: Optional[int] = None
    mtime: Optional[tuple[int, Optional[int]]] = None  # (seconds, nanoseconds or None)

    def encode(self) -> bytes:
        out = varint_field(1, int(self.type))
        if self.data is not None:
            out += bytes_field(2, self.data)
        if self.filesize is not None:
            out += varint_field(3, self.filesize)
        for size in self.blocksizes:
            out += varint_field(4, size)
        if self.hash_type is not None:
            out += varint_field(5, self.hash_type)
        if self.fanout is not None:
            out += varint_field(6, self.fanout)
        if self.mode is not None:
            out += varint_field(7, self.mode)
        if self.mtime is not None:
            seconds, nanos = self.mtime
            body = varint_field(1, seconds & 0xFFFFFFFFFFFFFFFF)
            if nanos is not None:
                body += key(2, WIRE_FIXED32) + nanos.to_bytes(4, "little")
            out += bytes_field(8, body)
        return out

    @property
    def file_size(self) -> int:
        """boxo ``FSNode.FileSize``: ``filesize`` if set, else the inline data's length."""
        if self.filesize is not None:
            return self.filesize
        return len(self.data or b"")

    def set_mode(self, perms: int) -> None:
        """boxo ``SetModeFromUnixPermissions``: keep the high (file type) bits, set the low 12;
        a zero mode with no high bits removes the field."""
        new = ((self.mode or 0) & 0xFFFFF000) | (perms & 0xFFF)
        self.mode = None if perms == 0 and new & 0xFFFFF000 == 0 else new


def _int64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def decode(data: bytes) -> FSData:
    """Parse UnixFS ``Data`` bytes; malformed input raises :class:`DecodeError`."""
    node_type: Optional[int] = None
    out = FSData(DataType.Raw)
    for num, wire, value in fields(data, "unixfs"):
        if num == 1 and wire == WIRE_VARINT:
            node_type = value  # type: ignore[assignment]
        elif num == 2 and wire == WIRE_BYTES:
            out.data = value  # type: ignore[assignment]
        elif num == 3 and wire == WIRE_VARINT:
            out.filesize = value  # type: ignore[assignment]
        elif num == 4 and wire == WIRE_VARINT:
            out.blocksizes.append(value)  # type: ignore[arg-type]
        elif num == 4 and wire == WIRE_BYTES:  # packed encoding, accepted by proto2 readers
            buf = memoryview(value)  # type: ignore[arg-type]
            from .protobuf import read_uvarint
            pos = 0
            while pos < len(buf):
                size, pos = read_uvarint(buf, pos, "unixfs blocksizes")
                out.blocksizes.append(size)
        elif num == 5 and wire == WIRE_VARINT:
            out.hash_type = value  # type: ignore[assignment]
        elif num == 6 and wire == WIRE_VARINT:
            out.fanout = value  # type: ignore[assignment]
        elif num == 7 and wire == WIRE_VARINT:
            out.mode = value & 0xFFFFFFFF  # type: ignore[operator]
        elif num == 8 and wire == WIRE_BYTES:
            seconds: Optional[int] = None
            nanos: Optional[int] = None
            for tnum, twire, tvalue in fields(value, "unixfs mtime"):  # type: ignore[arg-type]
                if tnum == 1 and twire == WIRE_VARINT:
                    seconds = _int64(tvalue)  # type: ignore[arg-type]
                elif tnum == 2 and twire == WIRE_FIXED32:
                    nanos = tvalue  # type: ignore[assignment]
            if seconds is None:
                raise DecodeError("unixfs: mtime without seconds")
            out.mtime = (seconds, nanos)
        else:
            raise DecodeError(f"unixfs: invalid field {num} with wire type {wire}")
    if node_type is None:
        raise DecodeError("unixfs: missing required field: Type")
    try:
        out.type = DataType(node_type)
    except ValueError:
        raise DecodeError(f"unixfs: unknown data type {node_type}") from None
    return out


def leaf_parts(data: bytes | memoryview, node_type: DataType = DataType.File) -> tuple[bytes, bytes]:
    """Header and trailer of a dag-pb block holding a UnixFS leaf: the block is
    ``header + data + trailer`` (``0a L 08 T 12 N <data> 18 N``). Lets callers hash and store a
    leaf without building it by concatenation first."""
    n = len(data)
    vn = uvarint(n)
    inner = b"\x08" + bytes([node_type]) + b"\x12" + vn
    trailer = b"\x18" + vn
    total = len(inner) + n + len(trailer)
    return b"\x0a" + uvarint(total) + inner, trailer
