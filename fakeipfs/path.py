"""Content paths and their resolution: boxo ``path/path.go``, ``path/resolver/resolver.go``,
kubo ``core/commands/cmdutils.PathOrCidPath``; before kubo 0.24, go-path ``ParsePath``.

A path is ``/ipfs/<cid>[/seg...]``, ``/ipld/<cid>[...]``, an ``ipfs://`` URI (kubo 0.43 on), or
a bare ``<cid>[/seg...]`` (tried as ``/ipfs/`` + it), cleaned as Go's ``path.Clean`` cleans it
(boxo ``StringToSegments``). Which of these a kubo version takes, and how it words a refusal,
follows that version's parser (:func:`parse`). Under ``/ipfs/`` segments follow dag-pb link
names (HAMT shards included); under ``/ipld/`` a dag-pb node is its IPLD data model (``Data``,
``Links/<i>/Hash``...), as kubo resolves ``/ipld/`` with the plain IPLD resolver
(core/coreapi/path.go ``ResolvePath``: ``IPLDNamespace`` -> ``ipldPathResolver``). Either way
dag-cbor/dag-json nodes are walked by map keys and list indices.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from multiformats import CID, multibase

from .errors import (ERR_CID_TOO_SHORT, ERR_HEX_ODD_LENGTH, ERR_MULTIBASE_UNSUPPORTED, InvalidArgument, NotFound,
                     _go_quote, err_hex_invalid_byte, err_invalid_path, err_no_link)
from .versions import (KuboVersion, boxo_path_parsing, go_cid_wraps_invalid_cid,
                       go_path_invalid_ipfs_path, go_path_lowercase_cidv0_hint, path_uris)

ERR_INSUFFICIENT = "path does not have enough components"
ERR_UNKNOWN_NAMESPACE = "unknown namespace"
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True)
class ContentPath:
    namespace: str
    root: CID
    segments: tuple[str, ...]
    text: str

    def __str__(self) -> str:
        return self.text


def _cid_or_reason(text: str) -> "CID | str":
    """go-cid ``Decode``: the CID, or why not, unwrapped (``cid too short``, ``selected encoding
    not supported``, ...)."""
    if len(text) < 2:
        return ERR_CID_TOO_SHORT
    if not (len(text) == 46 and text.startswith("Qm")):
        try:
            multibase.from_str(text)
        except Exception:
            return ERR_MULTIBASE_UNSUPPORTED
        if text[0] in "fF":
            bad_hex = _go_hex_error(text[1:])
            if bad_hex is not None:
                return bad_hex
    try:
        return CID.decode(text)
    except Exception as exc:
        return str(exc)


def _go_hex_error(data: str) -> "str | None":
    """Go ``hex.DecodeString``'s error (go-multibase decodes base16 with it): the first bad
    byte of each pair in turn, then an odd length."""
    raw = data.encode()
    for byte in raw[: len(raw) - len(raw) % 2]:
        if byte not in _HEX_DIGITS:
            return err_hex_invalid_byte(byte)
    if len(raw) % 2:
        return err_hex_invalid_byte(raw[-1]) if raw[-1] not in _HEX_DIGITS else ERR_HEX_ODD_LENGTH
    return None


def _decode_cid(text: str) -> CID:
    """go-cid ``Decode`` (v0.4 on) with its error wording (``ErrInvalidCid``: "invalid cid: ")."""
    cid = _cid_or_reason(text)
    if isinstance(cid, str):
        raise ValueError(f"invalid cid: {cid}")
    return cid


def go_clean(text: str) -> str:
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
    cleaned = go_clean(text)
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


def parse(text: str, version: "KuboVersion | None" = None) -> ContentPath:
    """A path argument as ``version`` parses it (the newest kubo when None): from 0.24
    ``PathOrCidPath``, a content path (or, from 0.43, an ``ipfs://`` URI) else ``/ipfs/`` + text,
    errors being the first try's; before, go-path ``ParsePath`` (:func:`_go_path_parse`)."""
    if version is not None and not boxo_path_parsing(version):
        return _go_path_parse(text, version)
    normalized = text
    if version is None or path_uris(version):
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


def _go_path_cid(text: str, version: KuboVersion) -> "CID | str":
    """go-path ``decodeCid``: go-cid ``Decode`` (its errors wrapped "invalid cid: " from go-cid
    v0.4), plus a hint for a lowercased CIDv0 from go-path v0.0.9 (go-path#33)."""
    cid = _cid_or_reason(text)
    if isinstance(cid, CID):
        return cid
    reason = f"invalid cid: {cid}" if go_cid_wraps_invalid_cid(version) else cid
    if go_path_lowercase_cidv0_hint(version) and len(text) == 46 and text.startswith("qm"):
        reason += (" (possible lowercased CIDv0; consider converting to a case-agnostic CIDv1,"
                   " such as base32)")
    return reason


def _go_path_parse(text: str, version: KuboVersion) -> ContentPath:
    """go-path ``ParsePath`` (v0.0.4-v0.3.1 in kubo 0.4.23-0.19; the same code as boxo ``path``
    in 0.20-0.23), which ``coreiface path.New(...).IsValid()`` applies to a command's path
    argument: no cleaning and no URIs; a bare CID (or ``<cid>/...``) becomes ``/ipfs/`` + it;
    errors are ``invalid path %q: <reason>`` with go-path's reasons. The accepted path is then
    split as go-path ``Path.Segments`` splits it (``path.Clean``). fakeipfs also applies it to
    older releases, whose in-tree path package (e.g. v0.4.13 path/path.go ``ErrBadPath``) worded
    errors differently and per command."""
    def invalid(reason: str) -> InvalidArgument:
        return InvalidArgument(err_invalid_path(text, reason))

    parts = text.split("/")
    if parts[0] != "":  # ParseCidToPath for a lone CID, else a CID that starts the path
        root = _go_path_cid(parts[0], version)
        if isinstance(root, str):
            raise invalid(root)
        accepted = "/ipfs/" + text
    elif len(parts) < 3:
        raise invalid("invalid ipfs path" if go_path_invalid_ipfs_path(version)
                      else "path does not begin with '/'")
    elif parts[1] in ("ipfs", "ipld", "ipns"):
        if parts[2] == "":
            raise invalid("not enough path components")
        if parts[1] != "ipns":
            root = _go_path_cid(parts[2], version)
            if isinstance(root, str):
                raise invalid(f"invalid CID: {root}")
        accepted = text
    else:
        raise invalid(f"unknown namespace {_go_quote(parts[1])}")
    segments = _segments(accepted)
    if segments[0] == "ipns":
        raise invalid("ipns paths are not supported offline by fakeipfs")
    if len(segments) < 2:  # ``..`` climbed out of the root: nothing left to resolve
        raise invalid("not enough path components")
    root = _go_path_cid(segments[1], version)
    if isinstance(root, str):
        raise invalid(f"invalid CID: {root}")
    return ContentPath(segments[0], root, tuple(segments[2:]), "/" + "/".join(segments))


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


def resolve(path: "ContentPath | str | CID", get: Getter,
            version: "KuboVersion | None" = None) -> tuple[CID, tuple[str, ...]]:
    """Follow ``path`` (a string parsed as ``version`` parses it, :func:`parse`) to its last
    node: returns that node's CID and any remainder inside a dag-cbor node (kubo
    ``ResolveToLastNode``). Missing links raise kubo's wording."""
    from .codecs import dagpb, unixfs_pb
    from .dag import DAG_CBOR, DAG_JSON
    if isinstance(path, CID):
        return path, ()
    p = parse(path, version) if isinstance(path, str) else path
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
