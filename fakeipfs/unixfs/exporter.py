"""Reading UnixFS back: ``cat`` (boxo ``ipld/unixfs/io/dagreader.go``), ``ls`` (kubo
``core/commands/ls.go``) and directory walks for ``get``.

Files are streamed leaf by leaf; ``offset`` skips whole subtrees using the ``blocksizes`` of
internal nodes, so reading the tail of a large file touches only the blocks it needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from multiformats import CID

from ..codecs import dagpb, unixfs_pb
from ..codecs.unixfs_pb import DataType, FSData
from ..errors import ERR_IS_DIR, DecodeError, IPFSError
from ..hashing import DAG_PB, RAW

Getter = Callable[[CID], bytes]

ERR_CANT_READ_SYMLINKS = "cannot currently read symlinks"  # boxo dagreader.go
ERR_UNKNOWN_NODE_TYPE = "unknown node type"  # boxo ipld/unixfs/file/unixfile.go


class IsDirectory(IPFSError):
    pass


@dataclass(frozen=True)
class Node:
    """A decoded UnixFS node: raw block, or dag-pb with its UnixFS data."""

    cid: CID
    block: bytes
    pb: Optional[dagpb.PBNode]
    fs: Optional[FSData]

    @property
    def kind(self) -> str:
        """"file", "directory", "symlink" or "raw"."""
        if self.pb is None:
            return "file"
        assert self.fs is not None
        if self.fs.type in (DataType.Directory, DataType.HAMTShard):
            return "directory"
        if self.fs.type == DataType.Symlink:
            return "symlink"
        return "file"

    @property
    def size(self) -> int:
        """File bytes (``FSNode.FileSize``) or raw length."""
        if self.pb is None:
            return len(self.block)
        assert self.fs is not None
        return self.fs.file_size


def load(get: Getter, cid: CID) -> Node:
    """Fetch and decode one node; non-UnixFS codecs are kubo's "unknown node type"."""
    block = get(cid)
    codec = cid.codec.code
    if codec == RAW:
        return Node(cid, block, None, None)
    if codec != DAG_PB:
        raise IPFSError(ERR_UNKNOWN_NODE_TYPE)
    pb = dagpb.decode(block)
    fs = unixfs_pb.decode(pb.data or b"")
    return Node(cid, block, pb, fs)


PartsGetter = Callable[[CID], tuple]


def _leaf_data(cid: CID, parts: tuple) -> Optional[bytes]:
    """The file bytes of a UnixFS leaf kept as (framing, data, framing) parts, or None if the
    parts are not exactly that (then the block is decoded normally)."""
    if cid.codec.code == RAW and len(parts) == 1:
        return parts[0]
    if len(parts) != 3 or cid.codec.code != DAG_PB:
        return None
    header, data, trailer = parts
    expected, expected_trailer = unixfs_pb.leaf_parts(data, DataType.File)
    if trailer != expected_trailer:
        return None
    if header == expected:
        return data
    raw_header, _ = unixfs_pb.leaf_parts(data, DataType.Raw)
    return data if header == raw_header else None


def cat(get: Getter, cid: CID, offset: int = 0, length: Optional[int] = None,
        get_parts: Optional[PartsGetter] = None) -> Iterator[bytes]:
    """Bytes of the file at ``cid`` from ``offset``, at most ``length`` of them.

    ``get_parts`` (a blockstore's) lets leaves stored as parts be read without a copy."""
    node = load(get, cid)
    if node.kind == "directory":
        raise IsDirectory(ERR_IS_DIR)
    if node.kind == "symlink":
        # boxo unixfile.go turns a symlink into files.Symlink, which reads as its target.
        data = node.fs.data or b""  # type: ignore[union-attr]
        end = len(data) if length is None else offset + length
        if offset < len(data):
            yield data[offset:end]
        return
    remaining = node.size - offset if length is None else min(length, max(node.size - offset, 0))
    if remaining <= 0:
        return
    for piece in _read(get, node, offset, get_parts):
        if len(piece) >= remaining:
            yield piece[:remaining]
            return
        remaining -= len(piece)
        yield piece


def _read(get: Getter, node: Node, offset: int,
          get_parts: Optional[PartsGetter] = None) -> Iterator[bytes]:
    if node.pb is None:
        if offset < len(node.block):
            yield node.block[offset:] if offset else node.block
        return
    fs = node.fs
    assert fs is not None
    if fs.type not in (DataType.File, DataType.Raw):
        if fs.type in (DataType.Directory, DataType.HAMTShard):
            raise IsDirectory(ERR_IS_DIR)
        raise DecodeError(f"unexpected UnixFS node type {fs.type.name} inside a file")
    data = fs.data or b""
    if offset < len(data):
        yield data[offset:]
    offset = max(offset - len(data), 0)
    links = node.pb.links
    if len(fs.blocksizes) != len(links):
        raise DecodeError("unixfs: number of blocksizes does not match the number of links")
    for link, size in zip(links, fs.blocksizes):
        if offset >= size:
            offset -= size
            continue
        data = _leaf_data(link.cid, get_parts(link.cid)) if get_parts is not None else None
        if data is not None:
            if offset < len(data):
                yield data[offset:] if offset else data
        else:
            yield from _read(get, load(get, link.cid), offset, get_parts)
        offset = 0


@dataclass(frozen=True)
class Entry:
    """An ``ls`` link: name, CID, size (file bytes, 0 for directories) and UnixFS type
    (kubo ls.go: 1 directory, 2 file, 4 symlink; HAMT shows as 1, a raw leaf as 2)."""

    name: str
    cid: CID
    size: int
    type: int
    target: str = ""
    tsize: int = 0


_LS_TYPES = {DataType.Directory: 1, DataType.HAMTShard: 1, DataType.File: 2, DataType.Raw: 2,
             DataType.Symlink: 4, DataType.Metadata: 3}


def entry_for(get: Getter, name: str, link: dagpb.PBLink, resolve_type: bool = True) -> Entry:
    if not resolve_type:
        return Entry(name, link.cid, 0, 0, "", link.tsize or 0)
    child = load_any(get, link.cid)
    if child is None:
        return Entry(name, link.cid, 0, 0, "", link.tsize or 0)
    if child.pb is None:
        return Entry(name, link.cid, len(child.block), 2, "", link.tsize or 0)
    assert child.fs is not None
    kind = _LS_TYPES.get(child.fs.type, 0)
    target = (child.fs.data or b"").decode("utf-8", "replace") if kind == 4 else ""
    size = child.fs.file_size if kind == 2 else (len(child.fs.data or b"") if kind == 4 else 0)
    return Entry(name, link.cid, size, kind, target, link.tsize or 0)


def load_any(get: Getter, cid: CID) -> Optional[Node]:
    """Like :func:`load`, but None for a node that is not UnixFS (dag-cbor...)."""
    try:
        return load(get, cid)
    except IPFSError as exc:
        if str(exc) == ERR_UNKNOWN_NODE_TYPE:
            return None
        raise


def links(get: Getter, node: Node) -> Iterator[tuple[str, dagpb.PBLink]]:
    """A directory's entries in kubo's order (link order; HAMT shards enumerated through)."""
    if node.pb is None:
        return
    if node.fs is not None and node.fs.type == DataType.HAMTShard:
        from . import hamt
        yield from hamt.iter_entries(get, node.block)
        return
    for link in node.pb.links:
        yield link.name or "", link


def walk(get: Getter, cid: CID, name: str) -> Iterator[tuple[str, Node]]:
    """Pre-order walk of a UnixFS tree: (relative path, node) for the root and each entry."""
    node = load(get, cid)
    yield name, node
    if node.kind == "directory":
        for child_name, link in links(get, node):
            yield from walk(get, link.cid, f"{name}/{child_name}" if name else child_name)
