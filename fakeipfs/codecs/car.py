"""CAR v1 archives (https://ipld.io/specs/transport/car/carv1/), as kubo exports and imports them.

A CARv1 is a header section followed by block sections; each section is an unsigned LEB128
varint of its length, then its bytes. The header is DAG-CBOR ``{"roots":[<links>],"version":1}``;
a block section is the block's CID (binary) followed by the block's bytes.

:func:`write_car` writes what kubo's ``dag export`` writes: go-car serializes its ``CarHeader``
struct (``Roots``, ``Version``) through go-ipld-cbor as a two-entry map ``roots``, ``version``
(go-car ``v2/internal/carv1/car.go`` ``WriteHeader``), which is also the canonical DAG-CBOR key
order, so :func:`fakeipfs.codecs.dagcbor.encode` produces the same bytes; sections are
``LdWrite``'s ``varint(len(cid)+len(data)) || cid || data`` (``internal/carv1/util/util.go``).

:func:`read_car` checks what kubo's ``dag import`` checks through go-car v2's ``BlockReader``
(``v2/block_reader.go``, with its default options): the header's size (at most 32MiB), shape and
version, every section's varint (minimal, at most 9 bytes) and size (at most 8MiB), the CID at the
start of each section (go-cid ``CidFromBytes``), and that the block's bytes hash to that CID's
multihash (``mismatch in content integrity``). A CAR with no roots is accepted, as the
``BlockReader`` does. CARv2 is not supported. Any problem rejects the whole CAR with a
:class:`fakeipfs.errors.DecodeError`; nothing is returned partially.

Two fakeipfs-specific limits: the header is decoded with go-ipld-prime's strict DAG-CBOR rules
(go-car uses the more lenient go-ipld-cbor), and a CID or hash function py-multiformats does not
know is refused (go-multihash registers a few more, such as murmur3 and the keccaks).
"""
from __future__ import annotations

import io
from typing import BinaryIO, Iterable, Iterator, Union

from multiformats import CID, multihash, varint

from fakeipfs import errors
from fakeipfs.codecs import dagcbor
from fakeipfs.codecs import cid as cidcodec
from fakeipfs.codecs.cid import cid_to_string
from fakeipfs.errors import DecodeError

#: go-car ``DefaultMaxAllowedHeaderSize`` (32MiB) and ``DefaultMaxAllowedSectionSize`` (8MiB).
MAX_HEADER_SIZE = 32 << 20
MAX_SECTION_SIZE = 8 << 20

_IDENTITY = 0x00

Source = Union[bytes, bytearray, memoryview, BinaryIO]


def encode_header(roots: Iterable[CID]) -> bytes:
    """The header section (length varint included) of a CARv1 with ``roots``."""
    header = dagcbor.encode({"roots": list(roots), "version": 1})
    return varint.encode(len(header)) + header


def write_car(roots: list[CID], blocks: Iterable[tuple[CID, bytes]]) -> Iterator[bytes]:
    """Stream a CARv1: the header, then each ``(cid, data)`` block in the order given.

    Yields the header section, then for each block its length varint with the CID, then the
    block's bytes (not copied). Blocks are written as given: the caller decides the order (kubo's
    ``dag export`` walks the DAG depth-first from the root, each block once).
    """
    yield encode_header(roots)
    for cid, data in blocks:
        cid_bytes = bytes(cid)
        yield varint.encode(len(cid_bytes) + len(data)) + cid_bytes
        yield bytes(data)


class _Stream:
    """Reads as Go's ``io.ReadFull`` and ``varint.ReadUvarint`` do, with their errors."""

    __slots__ = ("raw",)

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw

    def read_full(self, count: int) -> bytes:
        """``io.ReadFull``: ``EOF`` if nothing was read, ``unexpected EOF`` if part was."""
        chunks: list[bytes] = []
        got = 0
        while got < count:
            chunk = self.raw.read(count - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got < count:
            raise DecodeError(errors.ERR_EOF if got == 0 else errors.ERR_UNEXPECTED_EOF)
        return b"".join(chunks)

    def read_uvarint(self) -> int | None:
        """go-varint ``ReadUvarint``; ``None`` at a clean end of the stream (no byte at all)."""
        value = 0
        shift = 0
        while True:
            byte_ = self.raw.read(1)
            if not byte_:
                if shift == 0:
                    return None
                raise DecodeError(errors.ERR_UNEXPECTED_EOF)
            byte = byte_[0]
            if (shift == 56 and byte >= 0x80) or shift >= 63:
                raise DecodeError(errors.ERR_VARINT_OVERFLOW)
            if byte < 0x80:
                if byte == 0 and shift > 0:
                    raise DecodeError(errors.ERR_VARINT_NOT_MINIMAL)
                return value | (byte << shift)
            value |= (byte & 0x7F) << shift
            shift += 7


def read_car(stream: Source) -> tuple[list[CID], list[tuple[CID, bytes]]]:
    """Parse and verify a whole CARv1: ``(roots, [(cid, data), ...])`` in file order.

    Raises :class:`fakeipfs.errors.DecodeError` with go-car's (or go-cid's, go-varint's,
    go-multihash's) message on the first problem.
    """
    if isinstance(stream, (bytes, bytearray, memoryview)):
        stream = io.BytesIO(bytes(stream))
    reader = _Stream(stream)
    roots = _read_header(reader)
    blocks: list[tuple[CID, bytes]] = []
    while True:
        length = reader.read_uvarint()
        if length is None:
            return roots, blocks
        if length > MAX_SECTION_SIZE:
            raise DecodeError(errors.ERR_CAR_SECTION_TOO_LARGE)
        section = reader.read_full(length)
        cid, used = cidcodec.cid_from_bytes(section)
        data = section[used:]
        verify_block(cid, data)
        blocks.append((cid, data))


def _read_header(reader: _Stream) -> list[CID]:
    """go-car ``carv1.ReadHeader`` and ``NewBlockReader``'s version check."""
    length = reader.read_uvarint()
    if length is None:
        raise DecodeError(errors.ERR_EOF)
    if length > MAX_HEADER_SIZE:
        raise DecodeError(errors.ERR_CAR_HEADER_TOO_LARGE)
    raw = reader.read_full(length)
    try:
        header = dagcbor.decode(raw)
    except DecodeError as exc:
        raise DecodeError(errors.err_car_invalid_header(exc.message)) from None
    if not isinstance(header, dict):
        raise DecodeError(errors.err_car_invalid_header("header is not a map"))
    for key in header:
        if key not in ("roots", "version"):
            raise DecodeError(errors.err_car_invalid_header(f"unknown key {key!r}"))
    version = header.get("version", 0)  # Go reads a missing field as its zero value
    if not isinstance(version, int) or isinstance(version, bool):
        raise DecodeError(errors.err_car_invalid_header("version must be an integer"))
    roots = header.get("roots", [])
    if not isinstance(roots, list) or not all(isinstance(root, CID) for root in roots):
        raise DecodeError(errors.err_car_invalid_header("roots must be a list of links"))
    if version == 2:
        raise DecodeError(errors.ERR_CARV2_UNSUPPORTED)
    if version != 1:
        raise DecodeError(errors.err_car_version(version))
    return roots


def verify_block(cid: CID, data: bytes) -> None:
    """go-car ``BlockReader.Next``: hash ``data`` as ``cid``'s prefix says and compare.

    Follows go-multihash ``Sum`` for the digest length: shorter than the function's output
    truncates, longer fails; an identity multihash must be exactly the data.
    """
    wrapped = bytes(cid.digest)  # the multihash: code varint, length varint, digest
    code, used = cidcodec.go_uvarint(wrapped)
    length, _ = cidcodec.go_uvarint(wrapped, used)
    if code == _IDENTITY:
        if length > len(data):
            raise DecodeError(errors.ERR_MH_LEN_TOO_LARGE)
        if length != len(data):
            raise DecodeError(errors.err_mh_identity_length(length, len(data)))
        computed = multihash.wrap(bytes(data), "identity")
    else:
        try:  # py-multiformats loads implementations lazily: any failure means "not available"
            hashfun = multihash.get(code=code)
            maximum = hashfun.max_digest_size
        except Exception:
            raise DecodeError(errors.err_mh_unknown_code(code)) from None
        if maximum is not None and length > maximum:
            raise DecodeError(errors.ERR_MH_LEN_TOO_LARGE)
        try:
            computed = multihash.digest(data, hashfun, size=length)
        except Exception:  # an implementation py-multiformats lacks (e.g. needs pycryptodome)
            raise DecodeError(errors.err_mh_unknown_code(code)) from None
    if computed != wrapped:
        hashed = CID("base58btc" if cid.version == 0 else "base32", cid.version, cid.codec, computed)
        raise DecodeError(errors.err_car_mismatch(cid_to_string(cid), cid_to_string(hashed)))
