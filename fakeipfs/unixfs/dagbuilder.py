"""The importer's node factory: boxo ``ipld/unixfs/importer/helpers/dagbuilder.go``.

It pulls chunks from a splitter, turns them into leaves (UnixFS dag-pb or raw blocks), and
builds internal File nodes. As in Go, a child block is handed to the block sink when it is
added to its parent; the root is returned unstored so that the layout can attach mode/mtime
before storing it (``SetFileAttributes``).
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, Protocol, TypeVar

from multiformats import CID

from ..codecs import dagpb
from ..codecs.unixfs_pb import DataType, FSData, leaf_parts
from ..errors import InvalidArgument, ERR_SIZE_LIMIT
from ..hashing import DAG_PB, RAW, CidBuilder


class BlockSink(Protocol):
    """Where built blocks go: a blockstore, or nowhere for ``--only-hash``."""

    def put_parts(self, cid: CID, parts: tuple[bytes, ...]) -> None: ...


class NullSink:
    """``--only-hash``: blocks are computed and dropped."""

    def put_parts(self, cid: CID, parts: tuple[bytes, ...]) -> None:
        return None


@dataclass
class Built:
    """A built node: its CID, cumulative DAG size (link ``Tsize``), file bytes under it, and
    the block's bytes as parts (joined only if stored)."""

    cid: CID
    tsize: int
    filesize: int
    parts: tuple[bytes, ...]
    fsdata: Optional[FSData] = None  # for dag-pb nodes whose UnixFS data may still change
    links: tuple[dagpb.PBLink, ...] = ()
    stored: bool = False


T = TypeVar("T")
U = TypeVar("U")
_POOL: Optional[ThreadPoolExecutor] = None
#: Leaves at least this large are hashed on worker threads (hashlib releases the GIL).
PARALLEL_MIN_CHUNK = 32 * 1024


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2),
                                   thread_name_prefix="fakeipfs-hash")
    return _POOL


def ordered_map(fn: Callable[[T], U], items: Iterable[T], depth: int) -> Iterator[U]:
    """``map`` on the shared thread pool, in order, with at most ``depth`` items in flight
    (so memory stays bounded by ``depth`` chunks)."""
    pending: deque = deque()
    pool = _pool()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= depth:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        # Closed early (the import failed): nothing may still be writing blocks afterwards.
        for future in pending:
            future.cancel()
        for future in pending:
            if not future.cancelled():
                future.exception()


class FileNode:
    """``FSNodeOverDag``: an internal UnixFS File node under construction."""

    def __init__(self, db: "DagBuilder") -> None:
        self.db = db
        self.links: list[dagpb.PBLink] = []
        self.blocksizes: list[int] = []
        self.children_tsize = 0

    def num_children(self) -> int:
        return len(self.blocksizes)

    def add_child(self, child: Built) -> None:
        """``AddChild``: link with name "" and the child's cumulative size; store the child."""
        self.links.append(dagpb.PBLink(child.cid, "", child.tsize))
        self.blocksizes.append(child.filesize)
        self.children_tsize += child.tsize
        self.db.store(child)

    def commit(self) -> Built:
        total = sum(self.blocksizes)
        fsdata = FSData(DataType.File, filesize=total, blocksizes=list(self.blocksizes))
        return self.db.pb_node(fsdata, tuple(self.links))


class DagBuilder:
    """``DagBuilderHelper`` over a chunk iterator.

    Every data leaf of a layout has one UnixFS type (``leaf_type``: File for balanced, Raw for
    trickle), so leaves are made ahead of the layout, on worker threads when chunks are large:
    hashing dominates an import and parallelises. With ``store_leaves`` they are stored as
    soon as they are made; otherwise (mode/mtime requested, where a lone leaf may be replaced
    by its attributed copy) when added to a parent, as in Go.
    """

    def __init__(self, chunks: Iterable[bytes], builder: CidBuilder, raw_leaves: bool,
                 max_links: int, sink: BlockSink, block_size_limit: int,
                 leaf_type: DataType = DataType.File, *, parallel: bool = False,
                 store_leaves: bool = True) -> None:
        self.builder = builder
        self.raw_builder = builder.raw_leaf()
        self.raw_leaves = raw_leaves
        self.max_links = max_links
        self.sink = sink
        self.block_size_limit = block_size_limit
        self.leaf_type = leaf_type
        self.store_leaves = store_leaves
        make = self._make_leaf
        self._leaves: Iterator[Built] = (ordered_map(make, chunks, 8) if parallel
                                         else map(make, chunks))
        self._next: Optional[Built] = None

    def _make_leaf(self, chunk: bytes) -> Built:
        leaf = self.leaf(chunk, self.leaf_type)
        if self.store_leaves:
            self.sink.put_parts(leaf.cid, leaf.parts)
            leaf.stored = True
        return leaf

    def close(self) -> None:
        """Stop making leaves; returns once no worker is still storing one."""
        close = getattr(self._leaves, "close", None)
        if close is not None:
            close()

    def done(self) -> bool:
        if self._next is None:
            self._next = next(self._leaves, None)
        return self._next is None

    def store(self, node: Built) -> None:
        if not node.stored:
            self.sink.put_parts(node.cid, node.parts)
            node.stored = True

    def leaf(self, data: Optional[bytes], node_type: DataType) -> Built:
        """``NewLeafNode``: a raw block with raw leaves, else a UnixFS leaf of ``node_type``."""
        size = len(data or b"")
        if size > self.block_size_limit:
            raise InvalidArgument(ERR_SIZE_LIMIT)
        if self.raw_leaves:
            payload = data or b""
            return Built(self.raw_builder.cid(RAW, payload), size, size, (payload,))
        if not data:
            return self.pb_node(FSData(node_type, filesize=0), ())
        header, trailer = leaf_parts(data, node_type)
        cid = self.builder.cid(DAG_PB, header, data, trailer)
        tsize = len(header) + size + len(trailer)
        return Built(cid, tsize, size, (header, data, trailer))

    def leaf_data(self, node_type: DataType) -> Built:
        """``NewLeafDataNode``: the next chunk as a leaf (of the layout's ``leaf_type``)."""
        assert node_type == self.leaf_type
        self.done()
        leaf, self._next = self._next, None
        assert leaf is not None
        return leaf
    def pb_node(self, fsdata: FSData, links: tuple[dagpb.PBLink, ...]) -> Built:
        block = dagpb.encode(dagpb.PBNode(links, fsdata.encode()))
        tsize = len(block) + sum(link.tsize or 0 for link in links)
        return Built(self.builder.cid(DAG_PB, block), tsize, fsdata.file_size, (block,),
                     fsdata, links)

    def fill_node_layer(self, node: FileNode) -> None:
        """``FillNodeLayer``: add UnixFS Raw (type 0) leaves up to ``max_links`` (trickle)."""
        while node.num_children() < self.max_links and not self.done():
            node.add_child(self.leaf_data(DataType.Raw))

    def with_attributes(self, root: Built, mode: int, mtime: Optional[tuple[int, int]]) -> Built:
        """``SetFileAttributes``: store mode/mtime in a dag-pb root (a raw root cannot hold them)."""
        if root.cid.codec.code == RAW:
            return root
        fsdata = root.fsdata
        if fsdata is None:  # a UnixFS leaf built on the fast path
            from ..codecs import unixfs_pb
            fsdata = unixfs_pb.decode(dagpb.decode(b"".join(root.parts)).data or b"")
        fsdata = FSData(fsdata.type, fsdata.data, fsdata.filesize, list(fsdata.blocksizes),
                        fsdata.hash_type, fsdata.fanout, fsdata.mode, fsdata.mtime)
        if mtime is not None:
            seconds, nanos = mtime
            fsdata.mtime = (seconds, nanos if nanos > 0 else None)
        fsdata.set_mode(mode)
        return self.pb_node(fsdata, root.links)
