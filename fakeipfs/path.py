"""Content paths and their resolution: boxo ``path/path.go``, ``path/resolver/resolver.go``,
kubo ``core/commands/cmdutils.PathOrCidPath``.

A path is ``/ipfs/<cid>[/seg...]``, ``/ipld/<cid>[...]``, an ``ipfs://`` URI, or a bare
``<cid>[/seg...]`` (tried as ``/ipfs/`` + it), cleaned as Go's ``path.Clean`` cleans it (boxo
``StringToSegments``). Under ``/ipfs/`` segments follow dag-pb link names (HAMT shards included);
under ``/ipld/`` a dag-pb node is its IPLD data model (``Data``, ``Links/<i>/Hash``...), as kubo
resolves ``/ipld/`` with the plain IPLD resolver (core/coreapi/path.go ``ResolvePath``:
``IPLDNamespace`` -> ``ipldPathResolver``). Either way dag-cbor/dag-json nodes are walked by map
keys and list indices.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from multiformats import CID, multibase

from .errors import InvalidArgument, NotFound, err_invalid_path, err_no_link

ERR_INSUFFICIENT = "path does not have enough components"
ERR_UNKNOWN_NAMESPACE = "unknown namespace"


@dataclass(frozen=True)
class ContentPath:
    namespace: str
    root: CID
    segments: tuple[str, ...]
    text: str

    def __str__(self) -> str:
        return self.text


def _decode_cid(text: str) -> CID:
    """go-cid ``Decode`` with its error wording (``ErrInvalidCid`` prefix "invalid cid: ")."""
    if len(text) < 2:
        raise ValueError("invalid cid: cid too short")
    if len(text) == 46 and text.startswith("Qm"):
        try:
            return CID.decode(text)
        except Exception as exc:
            raise ValueError(f"invalid cid: {exc}") from None
    try:
        multibase.from_str(text)
    except Exception:
        raise ValueError("invalid cid: selected encoding not supported") from None
    try:
        return CID.decode(text)
    except Exception as exc:
        raise ValueError(f"invalid cid: {exc}") from None


def _go_clean(text: str) -> str:
    """Go's ``path.Clean``: one slash between elements, no ``.``, each ``..`` eating the element
    before it (and dropped at the root); ``"."`` for an empty result that is not rooted."""
    rooted = text.startswith("/")
    out: list[str] = []
    for element in text.split("/"):
        if element in ("", "."):
            continue
        if element == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(element)
    cleaned = "/".join(out)
    return "/" + cleaned if rooted else cleaned or "."


def _segments(text: str) -> list[str]:
    """boxo path/path.go ``StringToSegments``: ``gopath.Clean``, then no empty segments."""
    cleaned = _go_clean(text)
    if cleaned == ".":
        return []
    cleaned = cleaned.strip("/")
    return cleaned.split("/") if cleaned else []


def _new_path(text: str) -> ContentPath:
    """boxo ``path.NewPath``: the path is cleaned before its segments are counted, so
    ``//ipfs//<cid>/a/../b`` is ``/ipfs/<cid>/b``."""
    segments = _segments(text)
    if not text.startswith("/") or len(segments) < 2:
        raise InvalidArgument(err_invalid_path(text, ERR_INSUFFICIENT))
    namespace = segments[0]
    if namespace in ("ipfs", "ipld"):
        try:
            root = _decode_cid(segments[1])
        except ValueError as exc:
            raise InvalidArgument(err_invalid_path(text, str(exc))) from None
        return ContentPath(namespace, root, tuple(segments[2:]), "/" + "/".join(segments))
    if namespace == "ipns":
        raise InvalidArgument(err_invalid_path(text, "ipns paths are not supported offline by fakeipfs"))
    raise InvalidArgument(err_invalid_path(text, f'{ERR_UNKNOWN_NAMESPACE}: "{namespace}"'))


def parse(text: str) -> ContentPath:
    """``PathOrCidPath``: a content path or URI, else ``/ipfs/`` + text; errors are the first try's."""
    normalized = text
    for ns in ("ipfs", "ipns", "ipld"):
        if text[: len(ns) + 1].lower() == ns + ":":
            normalized = "/" + ns + "/" + text[len(ns) + 1:].removeprefix("//")
            break
    try:
        return _new_path(normalized)
    except InvalidArgument as first:
        try:
            return _new_path("/ipfs/" + text)
        except InvalidArgument:
            raise first from None


Getter = Callable[[CID], bytes]


def _ipld_value(cid: CID, block: bytes) -> object:
    """A node in the IPLD data model: dag-cbor/dag-json as decoded, dag-pb as go-codec-dagpb
    sees it (``{Data, Links: [{Hash, Name, Tsize}]}``, :func:`fakeipfs.dag.pb_to_value`)."""
    from .codecs import dagcbor, dagjson, dagpb
    from .dag import DAG_CBOR, pb_to_value
    codec = cid.codec.code
    if codec == dagpb.CODEC:
        return pb_to_value(dagpb.decode(block))
    return (dagcbor if codec == DAG_CBOR else dagjson).decode(block)


def resolve(path: "ContentPath | str | CID", get: Getter) -> tuple[CID, tuple[str, ...]]:
    """Follow ``path`` to its last node: returns that node's CID and any remainder inside a
    dag-cbor node (kubo ``ResolveToLastNode``). Missing links raise kubo's wording."""
    from .codecs import dagpb, unixfs_pb
    from .dag import DAG_CBOR, DAG_JSON
    if isinstance(path, CID):
        return path, ()
    p = parse(path) if isinstance(path, str) else path
    current = p.root
    segments = list(p.segments)
    while segments:
        codec = current.codec.code
        if codec == dagpb.CODEC and p.namespace == "ipfs":
            node = dagpb.decode(get(current))
            name = segments.pop(0)
            link = next((l for l in node.links if l.name == name), None)
            if link is None and node.data is not None:
                try:
                    fs = unixfs_pb.decode(node.data)
                except Exception:
                    fs = None
                if fs is not None and fs.type == unixfs_pb.DataType.HAMTShard:
                    from .unixfs import hamt
                    link = hamt.lookup(get, get(current), name)
            if link is None:
                raise NotFound(err_no_link(name, str(current)))
            current = link.cid
        elif codec in (dagpb.CODEC, DAG_CBOR, DAG_JSON):
            value = _ipld_value(current, get(current))
            inside: list[str] = []
            while segments and not isinstance(value, CID):
                seg = segments.pop(0)
                if isinstance(value, dict) and seg in value:
                    value = value[seg]
                elif isinstance(value, list) and seg.isdigit() and int(seg) < len(value):
                    value = value[int(seg)]
                else:
                    # boxo path/resolver/resolver.go ErrNoLink: `no link named %q under %s`
                    raise NotFound(err_no_link(seg, str(current)))
                inside.append(seg)
            if isinstance(value, CID):
                current = value
                continue
            return current, tuple(inside)
        else:
            raise NotFound(f"cannot resolve {'/'.join(segments)!r} through a {current.codec.name} node")
    return current, ()
