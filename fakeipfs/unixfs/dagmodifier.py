"""In-place edits of a UnixFS file DAG: go-unixfs ``mod/dagmodifier.go`` (v0.2.4, kubo 0.7.0).

MFS writes go through a :class:`DagModifier`: bytes written are buffered (up to
``writebufferSize`` = 2 MiB) and, on ``sync``, first written *over* the existing leaves from
the write offset (``modifyDag``: leaves keep their length, links keep their old ``Tsize``),
then whatever lies past the end is appended with the trickle layout (``appendData``:
256 KiB chunks, UnixFS Raw leaves or raw blocks). Writing past the end first pads the file
with zeros in 4 KiB chunks (``expandSparse``); ``truncate`` cuts the DAG at a byte
(``dagTruncate``, which leaves a zero-length leaf when it cuts on a block boundary and turns
a cut UnixFS leaf into a Raw one).

New nodes take the edited file's CID prefix (version and hash function); raw leaves default
to on for CIDv1 files. Appending to a file whose root is a raw block fails with merkledag's
"expected protobuf dag node", as in kubo 0.7.0 (boxo later converts such roots).
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Optional

from multiformats import CID

from ..codecs import dagpb, unixfs_pb
from ..codecs.unixfs_pb import DataType, FSData
from ..errors import ERR_DAGMODIFIER_NOT_UNIXFS, ERR_NOT_PROTOBUF, IPFSError
from ..hashing import DAG_PB, RAW
from .dagbuilder import BlockSink, DagBuilder, DagFileNode, go_file_size, prefix_builder
from .layout import trickle
from .options import DEFAULT_LINKS_PER_BLOCK

#: dagmodifier.go ``writebufferSize``: a write that grows the buffer past this syncs it.
WRITE_BUFFER_SIZE = 1 << 21
#: go-ipfs-chunker ``DefaultBlockSize``, the ``DefaultSplitter`` go-mfs hands the modifier.
CHUNK_SIZE = 262144
#: ``expandSparse`` pads with zero chunks this small, "to aid in deduplication".
SPARSE_CHUNK_SIZE = 4096

Getter = Callable[[CID], bytes]


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    """go-ipfs-chunker's size splitter over an in-memory buffer."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


def _zeros(count: int) -> Iterator[bytes]:
    chunk = bytes(SPARSE_CHUNK_SIZE)
    while count > 0:
        n = min(count, SPARSE_CHUNK_SIZE)
        yield chunk if n == SPARSE_CHUNK_SIZE else bytes(n)
        count -= n


def file_size(get: Getter, cid: CID) -> int:
    """dagmodifier.go ``fileSize``: a raw block's length, else ``FSNode.FileSize``."""
    block = get(cid)
    if cid.codec.code == RAW:
        return len(block)
    return go_file_size(unixfs_pb.decode(dagpb.decode(block).data or b""))


def _go_links(pb: dagpb.PBNode) -> list[dagpb.PBLink]:
    """Links as go-merkledag holds a decoded node's: sorted, with Name and Tsize present."""
    return dagpb.sorted_links([dagpb.PBLink(link.cid, link.name or "", link.tsize or 0)
                               for link in pb.links])


class _WriteBuffer:
    """Go's ``bytes.Buffer`` as the modifier uses it: appended to, read from the front."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.pos = 0

    def __len__(self) -> int:
        return len(self.data) - self.pos

    def write(self, chunk: bytes) -> None:
        self.data += chunk

    def read(self, n: int) -> bytes:
        out = bytes(self.data[self.pos:self.pos + n])
        self.pos += len(out)
        return out

    def rest(self) -> bytes:
        return bytes(self.data[self.pos:])


class DagModifier:
    """``DagModifier`` over the file DAG rooted at ``cid``: ``seek``, ``write``, ``truncate``,
    ``size`` and ``get_node`` (which syncs and returns the new root's CID).

    Every node it makes is stored into ``sink`` at once (Go adds them to the DAG service as
    it goes); ``get`` reads blocks, including those it stored.
    """

    def __init__(self, cid: CID, get: Getter, sink: BlockSink, *,
                 raw_leaves: Optional[bool] = None, block_size_limit: int = 1 << 20,
                 max_links: int = DEFAULT_LINKS_PER_BLOCK) -> None:
        if cid.codec.code not in (DAG_PB, RAW):
            raise IPFSError(ERR_DAGMODIFIER_NOT_UNIXFS)
        self.cur = cid
        self.get = get
        self.sink = sink
        # NewDagModifier: the new nodes' prefix is the root's (codec dag-pb); CIDv1 means raw
        # leaves unless the caller says otherwise (go-mfs sets File.RawLeaves).
        self.prefix = prefix_builder(cid)
        self.raw_leaves = cid.version > 0 if raw_leaves is None else raw_leaves
        self.block_size_limit = block_size_limit
        self.max_links = max_links
        self.write_start = 0
        self.cur_wr_off = 0
        self.wr_buf: Optional[_WriteBuffer] = None

    # --- helpers ------------------------------------------------------------------------------

    def _put(self, cid: CID, block: bytes) -> CID:
        self.sink.put_parts(cid, (block,))
        return cid

    def _append_data(self, cid: CID, chunks: Iterable[bytes]) -> CID:
        """``appendData``: trickle ``Append`` of ``chunks``; the new root is stored."""
        if cid.codec.code != DAG_PB:
            raise IPFSError(ERR_NOT_PROTOBUF)
        db = DagBuilder(chunks, self.prefix, self.raw_leaves, self.max_links, self.sink,
                        self.block_size_limit, DataType.Raw)
        try:
            root = trickle.append(db, DagFileNode(db, cid, self.get(cid)), self.get)
        finally:
            db.close()
        db.store(root)
        return root.cid

    def _expand_sparse(self, size: int) -> None:
        """``expandSparse``: append ``size`` zero bytes in 4 KiB chunks. (Go drops the returned
        node, but ``Append`` has grown the current node in place, so the effect is this.)"""
        self.cur = self._append_data(self.cur, _zeros(size))

    # --- reading the state --------------------------------------------------------------------

    def size(self) -> int:
        """``Size``: the file size, counting buffered bytes past the end."""
        size = file_size(self.get, self.cur)
        if self.wr_buf is not None and len(self.wr_buf) + self.write_start > size:
            return len(self.wr_buf) + self.write_start
        return size

    def get_node(self) -> CID:
        """``GetNode``: sync, then the root's CID."""
        self.sync()
        return self.cur

    # --- editing ------------------------------------------------------------------------------

    def write(self, data: bytes) -> int:
        """``Write``: buffer ``data`` at the current offset; sync once the buffer passes 2 MiB."""
        if self.wr_buf is None:
            self.wr_buf = _WriteBuffer()
        self.wr_buf.write(data)
        self.cur_wr_off += len(data)
        if len(self.wr_buf) > WRITE_BUFFER_SIZE:
            self.sync()
        return len(data)

    def seek(self, offset: int) -> int:
        """``Seek(offset, io.SeekStart)``: sync, pad with zeros up to ``offset`` if it lies
        past the end, and write from there."""
        self.sync()
        size = self.size()
        if offset > size:
            self._expand_sparse(offset - size)
        self.cur_wr_off = self.write_start = offset
        return offset

    def truncate(self, size: int) -> None:
        """``Truncate``: cut the file to ``size`` bytes (or pad it with zeros up to it)."""
        self.sync()
        real = self.size()
        if size == real:
            return
        if size > real:
            self._expand_sparse(size - real)
            return
        self.cur, _ = self._dag_truncate(self.cur, size)

    def sync(self) -> None:
        """``Sync``: write the buffer over the DAG from ``write_start``, append the rest."""
        buf = self.wr_buf
        if buf is None:
            return
        buflen = len(buf)
        size = file_size(self.get, self.cur)
        if size < self.write_start:
            self._expand_sparse(self.write_start - size)
        self.cur = self._modify_dag(self.cur, self.write_start, buf)
        if len(buf):
            self.cur = self._append_data(self.cur, _chunks(buf.rest(), CHUNK_SIZE))
        self.write_start += buflen
        self.wr_buf = None

    # --- the DAG surgery ----------------------------------------------------------------------

    def _modify_dag(self, cid: CID, offset: int, buf: _WriteBuffer) -> CID:
        """``modifyDag``: write the buffer over the file bytes from ``offset``; returns the
        node's new CID. Internal nodes keep their links' old ``Tsize`` (leaves keep their
        length) and ignore any inline data of their own, as Go does."""
        block = self.get(cid)
        if cid.codec.code == RAW:
            n = len(block) - offset
            written = buf.read(n) if n > 0 else b""
            data = block[:offset] + written + block[offset + len(written):]
            return self._put(prefix_builder(cid).cid(RAW, data), data)
        pb = dagpb.decode(block)
        fsdata = unixfs_pb.decode(pb.data or b"")
        if not pb.links:
            if fsdata.data is not None:
                data = bytearray(fsdata.data)
                written = buf.read(max(len(data) - offset, 0))
                data[offset:offset + len(written)] = written
                fsdata.data = bytes(data)
            leaf = dagpb.encode(dagpb.PBNode((), fsdata.encode()))
            return self._put(prefix_builder(cid).cid(DAG_PB, leaf), leaf)
        links = _go_links(pb)
        cur = 0
        for i, blocksize in enumerate(fsdata.blocksizes):
            if cur + blocksize > offset:
                child = self._modify_dag(links[i].cid, offset - cur, buf)
                links[i] = dagpb.PBLink(child, links[i].name, links[i].tsize)
                if not len(buf):
                    break
                offset = cur + blocksize
            cur += blocksize
        node = dagpb.encode(dagpb.PBNode(tuple(dagpb.sorted_links(links)), pb.data or None))
        return self._put(prefix_builder(cid).cid(DAG_PB, node), node)

    def _dag_truncate(self, cid: CID, size: int) -> tuple[CID, int]:
        """``dagTruncate``: the node cut to ``size`` file bytes, stored; ``(cid, tsize)``."""
        block = self.get(cid)
        if cid.codec.code == RAW:
            data = block[:size]
            return self._put(prefix_builder(cid).cid(RAW, data), data), len(data)
        pb = dagpb.decode(block)
        fsdata = unixfs_pb.decode(pb.data or b"")
        if not pb.links:
            # ft.WrapData: a fresh UnixFS Raw node holding the kept bytes.
            kept = None if fsdata.data is None else fsdata.data[:size]
            leaf = dagpb.encode(dagpb.PBNode(
                (), FSData(DataType.Raw, kept, len(kept or b"")).encode()))
            return self._put(prefix_builder(cid).cid(DAG_PB, leaf), leaf), len(leaf)
        links = _go_links(pb)
        # RemoveAllBlockSizes, then AddBlockSize per child kept.
        fsdata.blocksizes = []
        fsdata.filesize = len(fsdata.data or b"")
        cur = 0
        cut: Optional[tuple[int, CID, int]] = None
        for i, link in enumerate(links):
            child_size = file_size(self.get, link.cid)
            if size < cur + child_size:
                child, tsize = self._dag_truncate(link.cid, size - cur)
                fsdata.blocksizes.append(size - cur)
                fsdata.filesize += size - cur
                cut = (i, child, tsize)
                break
            cur += child_size
            fsdata.blocksizes.append(child_size)
            fsdata.filesize += child_size
        if cut is None:
            raise IPFSError(f"dagmodifier: cannot truncate {cid} to {size} bytes")
        end, child, tsize = cut
        kept_links = links[:end] + [dagpb.PBLink(child, "", tsize)]
        node = dagpb.encode(dagpb.PBNode(tuple(dagpb.sorted_links(kept_links)), fsdata.encode()))
        return (self._put(prefix_builder(cid).cid(DAG_PB, node), node),
                len(node) + sum(link.tsize or 0 for link in kept_links))
