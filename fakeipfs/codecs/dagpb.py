"""dag-pb (codec 0x70), byte-exact with kubo.

Encoding follows go-codec-dagpb ``marshal.go`` (as boxo ``ipld/merkledag/coding.go`` calls it):
every link first (field 2), then ``Data`` (field 1) only when present; inside a link ``Hash``,
``Name`` and ``Tsize`` in that order. Nodes that kubo builds always carry ``Name`` (even ``""``)
and ``Tsize``; links are stably sorted by name bytes (``sort.Stable(pbLinkSlice)``) when the
node is built, which :func:`sorted_links` does.

Decoding is strict as go-codec-dagpb ``unmarshal.go`` is: links must precede data, a link's
fields must come in order 1, 2, 3 with a ``Hash`` that is a valid CID, and no other fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from multiformats import CID

from ..errors import DecodeError
from .cid import cid_cast
from .protobuf import WIRE_BYTES, WIRE_VARINT, fields, uvarint

CODEC = 0x70


@dataclass(frozen=True)
class PBLink:
    """One link of a dag-pb node. ``name``/``tsize`` of ``None`` are absent on the wire."""

    cid: CID
    name: Optional[str] = ""
    tsize: Optional[int] = None


@dataclass(frozen=True)
class PBNode:
    links: Sequence[PBLink] = field(default_factory=tuple)
    data: Optional[bytes] = None


def encode_link(link: PBLink) -> bytes:
    raw = bytes(link.cid)
    out = b"\x0a" + uvarint(len(raw)) + raw
    if link.name is not None:
        name = link.name.encode("utf-8", "surrogateescape")
        out += b"\x12" + uvarint(len(name)) + name
    if link.tsize is not None:
        out += b"\x18" + uvarint(link.tsize)
    return b"\x12" + uvarint(len(out)) + out


def encode(node: PBNode) -> bytes:
    """Serialize exactly as go-codec-dagpb does (links, then data)."""
    out = b"".join(encode_link(link) for link in node.links)
    if node.data is not None:
        out += b"\x0a" + uvarint(len(node.data)) + node.data
    return out


def sorted_links(links: Sequence[PBLink]) -> list[PBLink]:
    """Stable sort by name bytes, as ``ProtoNode.EncodeProtobuf`` does before encoding."""
    return sorted(links, key=lambda link: (link.name or "").encode("utf-8", "surrogateescape"))


def _decode_link(data: bytes) -> PBLink:
    cid: Optional[CID] = None
    name: Optional[str] = None
    tsize: Optional[int] = None
    last = 0
    for num, wire, value in fields(data, "dag-pb link"):
        if num <= last:
            raise DecodeError(f"protobuf: (PBLink) invalid order; field {num} after field {last}")
        last = num
        if num == 1 and wire == WIRE_BYTES:
            try:
                cid = cid_cast(value)  # type: ignore[arg-type]
            except DecodeError as exc:
                raise DecodeError(f"protobuf: (PBLink) invalid Hash field: {exc}") from None
        elif num == 2 and wire == WIRE_BYTES:
            try:
                name = value.decode("utf-8")  # type: ignore[union-attr]
            except UnicodeDecodeError:
                name = value.decode("utf-8", "surrogateescape")  # type: ignore[union-attr]
        elif num == 3 and wire == WIRE_VARINT:
            tsize = value  # type: ignore[assignment]
        else:
            raise DecodeError(f"protobuf: (PBLink) invalid field {num} with wire type {wire}")
    if cid is None:
        raise DecodeError("protobuf: (PBLink) missing required field: Hash")
    return PBLink(cid, name, tsize)


def decode(data: bytes) -> PBNode:
    """Parse a dag-pb block, raising :class:`DecodeError` for anything go-codec-dagpb rejects."""
    links: list[PBLink] = []
    payload: Optional[bytes] = None
    for num, wire, value in fields(data, "dag-pb"):
        if num == 2 and wire == WIRE_BYTES:
            if payload is not None:
                raise DecodeError("protobuf: (PBNode) invalid order; links after data")
            links.append(_decode_link(value))  # type: ignore[arg-type]
        elif num == 1 and wire == WIRE_BYTES:
            if payload is not None:
                raise DecodeError("protobuf: (PBNode) duplicate Data section")
            payload = value  # type: ignore[assignment]
        else:
            raise DecodeError(f"protobuf: (PBNode) invalid field {num} with wire type {wire}")
    return PBNode(tuple(links), payload)
