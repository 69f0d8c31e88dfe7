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

from ..codecs import dagpb, unixfs_pb
from ..codecs.unixfs_pb import DataType, FSData, leaf_parts
from ..errors import ERR_NOT_PROTOBUF, ERR_SIZE_LIMIT, InvalidArgument, IPFSError
from ..hashing import DAG_PB, RAW, CidBuilder, get_hasher


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


def prefix_builder(cid: CID) -> CidBuilder:
    """The CID builder a node decoded from the blockstore carries: its own CID's prefix
    (go-merkledag ``DecodeProtobufBlock`` sets ``builder = c.Prefix()``), so a node rewritten
    in place keeps its CID version and hash function."""
    return CidBuilder(cid.version, get_hasher(cid.hashfun.name))


def go_file_size(fsdata: FSData) -> int:
    """go-unixfs ``FSNode.FileSize`` (unixfs.go ``size``): ``filesize`` for File nodes, the
    inline data's length for Raw and Symlink nodes, 0 for anything else."""
    if fsdata.type == DataType.File:
        return fsdata.filesize or 0
    if fsdata.type in (DataType.Raw, DataType.Symlink):
        return len(fsdata.data or b"")
    return 0


class DagFileNode(FileNode):
    """``NewFSNFromDag`` (boxo importer/helpers/dagbuilder.go): an existing UnixFS file node
    reopened to take more children, as trickle ``Append`` does.

    The node keeps its own CID prefix and every UnixFS field it had (type, inline data, mode,
    mtime); ``filesize`` moves by the size of each child added or removed (``AddBlockSize``,
    ``RemoveBlockSize``), so it stays absent only while the node is untouched.
    """

    def __init__(self, db: "DagBuilder", cid: CID, block: bytes) -> None:
        super().__init__(db)
        pb = dagpb.decode(block)
        self.fsdata = unixfs_pb.decode(pb.data or b"")
        # go-merkledag keeps decoded links sorted and always writes Name and Tsize.
        self.links = dagpb.sorted_links([dagpb.PBLink(link.cid, link.name or "", link.tsize or 0)
                                         for link in pb.links])
        self.blocksizes = list(self.fsdata.blocksizes)
        self.builder = prefix_builder(cid)

    def add_child(self, child: Built) -> None:
        super().add_child(child)
        self.fsdata.filesize = (self.fsdata.filesize or 0) + child.filesize

    def remove_child(self, index: int) -> None:
        """``RemoveChild``: drop link and block size ``index``."""
        self.fsdata.filesize = (self.fsdata.filesize or 0) - self.blocksizes.pop(index)
        del self.links[index]

    def child(self, index: int, get: Callable[[CID], bytes]) -> "DagFileNode":
        """``GetChild``: child ``index`` reopened; it must be dag-pb (merkledag
        ``ErrNotProtobuf`` otherwise)."""
        cid = self.links[index].cid
        if cid.codec.code != DAG_PB:
            raise IPFSError(ERR_NOT_PROTOBUF)
        return DagFileNode(self.db, cid, get(cid))

    def file_size(self) -> int:
        return go_file_size(self.fsdata)

    def commit(self) -> Built:
        fsdata = self.fsdata
        fsdata.blocksizes = list(self.blocksizes)
        block = dagpb.encode(dagpb.PBNode(tuple(dagpb.sorted_links(self.links)),
                                          fsdata.encode() or None))
        tsize = len(block) + sum(link.tsize or 0 for link in self.links)
        return Built(self.builder.cid(DAG_PB, block), tsize, self.file_size(), (block,),
                     fsdata, tuple(self.links))
