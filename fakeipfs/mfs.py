"""The Mutable File System behind ``ipfs files``: go-mfs v0.1.2 as kubo 0.7.0 drives it from
core/commands/files.go.

MFS is one directory tree over the node's blockstore, named by its root's CID (at first the
empty UnixFS directory ``QmUNLLs…``). Every change rewrites the changed directory and its
ancestors up to the root, as go-mfs's ``updateChildEntry`` does when a change is flushed:

- a basic directory keeps its UnixFS data bytes and its other links (with their ``Tsize``
  as stored); the changed entry's links are dropped and one link is appended, ``Tsize`` the
  child's cumulative size (go-merkledag ``RemoveNodeLink`` + ``AddNodeLink``), and links are
  stably sorted by name when encoded;
- a directory keeps its own CID prefix (version, hash function); a new directory or file takes
  its parent's unless ``--cid-version``/``--hash`` say otherwise (``chcid`` re-encodes one);
- HAMT sharding follows the emulated version (:mod:`fakeipfs.unixfs.directory`): from 0.11 a
  directory is sharded exactly when its entries pass the threshold; before, a sharded
  directory stays sharded and, with ``Experimental.ShardingEnabled``, a basic one turns into
  a HAMT when an entry is added to or updated in it (go-mfs ``addUnixFSChild``);
- files are edited through :class:`~fakeipfs.unixfs.dagmodifier.DagModifier` (trickle layout).

Deviations from kubo, none visible with the default ``flush=true``: changes are always flushed
to the root (``--flush=false`` only defers that in kubo, and ``files stat`` or ``files flush``
bubble the change up anyway); a HAMT is rebuilt with the directory's CID builder throughout
(go-mfs keeps the prefix of each untouched sub-shard, which differs only for shards of mixed
prefixes); before 0.11 go-mfs also shards directories it merely visited (its entry cache),
which is not modelled. Writes longer than 2 MiB arrive in 4 KiB pieces (the size of Go's
multipart read buffer) and are synced as soon as the buffer passes 2 MiB; kubo's real piece
sizes depend on how the HTTP body is read, so DAGs of writes over 2 MiB may differ.

``of(node)`` gives a node its MFS (one per node, thread-safe behind one lock). kubo builds the
MFS root with the node (core/node/core.go ``Files``, alike from v0.4.23 to v0.43: the
``FilesRoot`` of every ``IpfsNode``), so :class:`~fakeipfs.Node` calls :func:`of` when it is
made or reset: a fresh node holds the empty directory block ``QmUNLLs…``, unpinned (``refs
local``, ``repo stat``, ``block stat`` and ``object patch`` find it). :meth:`MFS.root_cid` is
the root ``repo gc`` must keep (corerepo/gc.go ``BestEffortRoots``). A node with a repo keeps the root CID in
``<repo>/filesroot`` (kubo: datastore key ``/local/filesroot``, written when MFS publishes a
change); while there is none, opening the node stores the empty directory again, as ``Files``
does at every start.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, Callable, Iterator, Optional, Union

from multiformats import CID

from . import errors
from ._attach import attached
from .codecs import dagpb, unixfs_pb
from .codecs.unixfs_pb import DataType, FSData
from .errors import DecodeError, InvalidArgument, IPFSError, NotFound
from .path import go_clean
from .hashing import DAG_PB, RAW, CidBuilder, get_hasher
from .unixfs import directory, exporter, hamt
from .unixfs.dagbuilder import Built, go_file_size, prefix_builder
from .unixfs.dagmodifier import DagModifier, file_size
from .unixfs.files import File
from .versions import files_rm_many, files_stat_unixfs_metadata

#: go-mfs NodeType: ``TFile`` = 0, ``TDir`` = 1 (``files ls --long`` ``Type``).
TFILE, TDIR = 0, 1
#: Go's multipart reader buffer (mime/multipart ``peekBufferSize``): the size of the pieces
#: ``io.Copy`` hands the DagModifier in ``files write``.
WRITE_PIECE = 4096

#: What ``write`` takes: bytes, a binary stream, or a file entry (opened, read, closed).
Data = Union[bytes, bytearray, memoryview, BinaryIO, File]


class NotExist(NotFound):
    """Go's ``os.ErrNotExist`` ("file does not exist"), which go-mfs returns for a missing entry
    and which several commands test for by identity."""

    def __init__(self) -> None:
        super().__init__(errors.ERR_NOT_EXIST)


# --- Go's path package, as files.go uses it ---------------------------------------------------

def go_split(path: str) -> tuple[str, str]:
    """Go ``path.Split``: everything up to and including the last ``/``, and the rest."""
    i = path.rfind("/")
    return path[:i + 1], path[i + 1:]


def go_base(path: str) -> str:
    """Go ``path.Base``."""
    if path == "":
        return "."
    path = path.rstrip("/")
    if "/" in path:
        path = path[path.rfind("/") + 1:]
    return path or "/"


#: Go ``os.ModeDir`` and ``os.ModeSymlink``.
GO_MODE_DIR, GO_MODE_SYMLINK = 1 << 31, 1 << 27


def go_file_mode(fs: FSData) -> int:
    """boxo ``FSNode.Mode``: the stored permissions as a Go ``os.FileMode`` (setuid, setgid and
    sticky moved to Go's bits; the directory or symlink bit added), 0 when none are stored."""
    perms = (fs.mode or 0) & 0xFFF
    if not perms:
        return 0
    mode = (perms & 0x1FF) | ((perms & 0xC00) << 12) | ((perms & 0x200) << 11)
    if fs.type in (DataType.Directory, DataType.HAMTShard):
        mode |= GO_MODE_DIR
    elif fs.type == DataType.Symlink:
        mode |= GO_MODE_SYMLINK
    return mode


def go_mod_time(fs: FSData) -> Optional[tuple[int, int]]:
    """boxo ``FSNode.ModTime``: ``(seconds, nanoseconds)``, None for Go's zero time (no mtime,
    or nanoseconds present but outside 1..999999999)."""
    if fs.mtime is None:
        return None
    seconds, nanos = fs.mtime
    if nanos is None:
        return seconds, 0
    if not 1 <= nanos <= 999_999_999:
        return None
    return seconds, nanos


def check_path(path: str) -> str:
    """files.go ``checkPath``: absolute, cleaned, a trailing slash kept."""
    if not path:
        raise InvalidArgument(errors.ERR_EMPTY_PATH)
    if not path.startswith("/"):
        raise InvalidArgument(errors.ERR_LEADING_SLASH)
    cleaned = go_clean(path)
    if path.endswith("/") and path != "/":
        cleaned += "/"
    return cleaned


def cid_builder(cid_version: Optional[int], hash: Optional[str]) -> Optional[CidBuilder]:
    """files.go ``getPrefix``: None when neither option is given; ``--hash`` forces CIDv1
    (even with ``--cid-version=0``)."""
    if cid_version is None and hash is None:
        return None
    version = cid_version or 0
    if hash is not None and version == 0:
        version = 1
    if version not in (0, 1):
        raise InvalidArgument(errors.err_unknown_cid_version(version))
    if hash is None:
        return CidBuilder(version)
    # an unknown name: get_hasher's "unrecognized hash function: %s" is getPrefix's wording
    return CidBuilder(version, get_hasher(hash))


# --- nodes ------------------------------------------------------------------------------------

@dataclass
class Node:
    """A node as go-mfs sees it: a directory or a file (raw, File, Raw or Symlink UnixFS)."""

    cid: CID
    block: bytes
    pb: Optional[dagpb.PBNode]  # None for a raw block
    fs: Optional[FSData]
    is_dir: bool

    @property
    def tsize(self) -> int:
        """``ipld.Node.Size``: the block plus its links' ``Tsize`` (a link's recorded size)."""
        if self.pb is None:
            return len(self.block)
        return len(self.block) + sum(link.tsize or 0 for link in self.pb.links)

    @property
    def size(self) -> int:
        """go-mfs ``File.Size``: a raw block's length, else ``FSNode.FileSize``."""
        return len(self.block) if self.fs is None else go_file_size(self.fs)

    @property
    def is_hamt(self) -> bool:
        return self.fs is not None and self.fs.type == DataType.HAMTShard


@dataclass(frozen=True)
class Listing:
    """go-mfs ``NodeListing``; ``cid`` is None where kubo leaves ``Hash`` empty."""

    name: str
    type: int
    size: int
    cid: Optional[CID]


@dataclass(frozen=True)
class Stat:
    """files.go ``statOutput``; ``local``/``size_local`` only for ``--with-local``; ``mode``
    (a Go ``os.FileMode``, 0 for none) and ``mtime`` from 0.30."""

    cid: CID
    size: int
    cumulative_size: int
    blocks: int
    type: str
    local: Optional[bool] = None
    size_local: int = 0
    mode: int = 0
    mtime: Optional[tuple[int, int]] = None


def _decode_fs(data: Optional[bytes]) -> FSData:
    try:
        return unixfs_pb.decode(data or b"")
    except DecodeError as exc:
        if "missing required field: Type" in exc.message:
            raise DecodeError(errors.ERR_PROTO_TYPE_NOT_SET) from None
        raise


class _Sink:
    """Blocks go straight to the node's blockstore (kubo's DAG service ``Add``)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def put_parts(self, cid: CID, parts: tuple[bytes, ...]) -> None:
        if not self.store.has(cid):
            self.store.put_parts(cid, parts)


def _go_links(pb: dagpb.PBNode) -> list[dagpb.PBLink]:
    """A decoded node's links as go-merkledag holds them: stably sorted, Name and Tsize set."""
    return dagpb.sorted_links([dagpb.PBLink(link.cid, link.name or "", link.tsize or 0)
                               for link in pb.links])


def _pieces(data: Data, count: Optional[int]) -> Iterator[bytes]:
    """The bytes ``files write`` copies, ``count``-limited (``io.LimitReader``), in pieces."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data) if count is None else bytes(data[:count])
        for start in range(0, len(raw), WRITE_PIECE):
            yield raw[start:start + WRITE_PIECE]
        return
    stream = data.open() if isinstance(data, File) else data
    try:
        left = count
        while left is None or left > 0:
            piece = stream.read(WRITE_PIECE if left is None else min(WRITE_PIECE, left))
            if not piece:
                return
            if left is not None:
                left -= len(piece)
            yield piece
    finally:
        if stream is not data:
            stream.close()


class MFS:
    """One node's mutable file system; methods are the ``ipfs files`` commands."""

    def __init__(self, node: Any) -> None:
        self.node = node
        self.store = node.blockstore
        self.sink = _Sink(node.blockstore)
        self._lock = threading.RLock()
        #: go-mfs caches ``File`` objects, and ``files write --raw-leaves`` sets ``RawLeaves`` on
        #: the cached one, so it sticks to that path until the entry is unlinked.
        self._raw_leaves: dict[tuple[str, ...], bool] = {}
        self._root_file = os.path.join(node.repo, "filesroot") if getattr(node, "repo", None) else None
        root: Optional[CID] = None
        if self._root_file and os.path.exists(self._root_file):
            with open(self._root_file) as handle:
                root = CID.decode(handle.read().strip())
        if root is None:
            # core/node/core.go Files: no /local/filesroot yet, so dag.Add(ft.EmptyDirNode())
            root, _ = self._empty_dir(CidBuilder())
        self._root = root

    # --- the root -----------------------------------------------------------------------------

    def root_cid(self) -> CID:
        """The MFS root, which ``repo gc`` keeps with its DAG (kubo gc ``bestEffortRoots``)."""
        with self._lock:
            return self._root

    def _set_root(self, cid: CID) -> None:
        self._root = cid
        if self._root_file:
            tmp = self._root_file + ".tmp"
            with open(tmp, "w") as handle:
                handle.write(str(cid))
            os.replace(tmp, self._root_file)

    # --- loading ------------------------------------------------------------------------------

    def _get(self, cid: CID) -> bytes:
        return self.store.get(cid)

    def _raw_node(self, cid: CID) -> Node:
        """Any block as an ``ipld.Node`` (what ``/ipfs/`` paths resolve to)."""
        block = self._get(cid)
        if cid.codec.code != DAG_PB:
            return Node(cid, block, None, None, False)
        pb = dagpb.decode(block)
        return Node(cid, block, pb, None, False)

    def _load(self, cid: CID) -> Node:
        """go-mfs ``cacheNode``: a directory or a file, or go-mfs's error."""
        block = self._get(cid)
        codec = cid.codec.code
        if codec == RAW:
            return Node(cid, block, None, None, False)
        if codec != DAG_PB:
            raise IPFSError(errors.ERR_CACHE_NODE_TYPE)
        pb = dagpb.decode(block)
        fs = _decode_fs(pb.data)
        if fs.type in (DataType.Directory, DataType.HAMTShard):
            return Node(cid, block, pb, fs, True)
        if fs.type in (DataType.File, DataType.Raw, DataType.Symlink):
            return Node(cid, block, pb, fs, False)
        if fs.type == DataType.Metadata:
            raise IPFSError(errors.ERR_NOT_YET_IMPLEMENTED)
        raise IPFSError(errors.ERR_INVALID_CHILD)

    def _root_node(self) -> Node:
        return self._load(self._root)

    def _entries(self, d: Node) -> list[dagpb.PBLink]:
        """A directory's links in directory order (a HAMT's entries in trie order)."""
        if d.is_hamt:
            return [dagpb.PBLink(link.cid, name, link.tsize or 0)
                    for name, link in hamt.iter_entries(self._get, d.block)]
        assert d.pb is not None
        return _go_links(d.pb)

    def _find(self, d: Node, name: str) -> Optional[dagpb.PBLink]:
        """``unixfsDir.Find``: the entry's link, or None."""
        if d.is_hamt:
            return hamt.lookup(self._get, d.block, name)
        assert d.pb is not None
        for link in _go_links(d.pb):
            if link.name == name:
                return link
        return None

    def _child(self, d: Node, name: str) -> Node:
        """``Directory.Child``: the entry loaded, or :class:`NotExist`."""
        link = self._find(d, name)
        if link is None:
            raise NotExist()
        return self._load(link.cid)

    def _lookup(self, path: str) -> tuple[list[str], Node]:
        """go-mfs ``Lookup`` (``DirLookup``): the path's parts and its node."""
        trimmed = path.strip("/")
        cur = self._root_node()
        if trimmed == "":
            return [], cur
        parts = trimmed.split("/")
        for i, part in enumerate(parts):
            if not cur.is_dir:
                raise IPFSError(errors.err_mfs_cannot_access("/".join(parts[:i + 1])))
            cur = self._child(cur, part)
        return parts, cur

    def _lookup_dir(self, path: str) -> tuple[list[str], Node]:
        """go-mfs ``lookupDir``."""
        parts, node = self._lookup(path)
        if not node.is_dir:
            raise IPFSError(errors.err_mfs_not_a_directory(path))
        return parts, node

    def _parent_dir(self, path: str) -> tuple[list[str], Node]:
        """files.go ``getParentDir``."""
        parts, node = self._lookup(path)
        if not node.is_dir:
            raise IPFSError(errors.ERR_EXPECTED_DIRECTORY)
        return parts, node

    def _node_from_path(self, path: str) -> Node:
        """files.go ``getNodeFromPath``: ``/ipfs/...`` resolves through the node, anything
        else is an MFS path."""
        if path.startswith("/ipfs/"):
            return self._raw_node(self.node.resolve(path))
        return self._lookup(path)[1]

    # --- writing directories ------------------------------------------------------------------

    def _sharded(self, d: Node, entries: list[dagpb.PBLink], added: bool) -> bool:
        version = self.node.kubo_version
        if version.hamt_auto_sharding:
            return directory.needs_sharding({link.name or "": Built(link.cid, link.tsize or 0, 0, ())
                                             for link in entries}, version,
                                            getattr(self.node, "sharding_enabled", False))
        return d.is_hamt or (added and getattr(self.node, "sharding_enabled", False))

    def _store_dir(self, d: Node, entries: list[dagpb.PBLink], added: bool,
                   builder: Optional[CidBuilder] = None) -> tuple[CID, int]:
        """The directory ``d`` holding ``entries`` (basic or HAMT), stored: ``(cid, tsize)``."""
        builder = builder or prefix_builder(d.cid)
        assert d.fs is not None
        keep_meta = self.node.kubo_version.hamt_root_metadata
        mode = (d.fs.mode or 0) & 0xFFF if keep_meta else 0
        mtime = (d.fs.mtime[0], d.fs.mtime[1] or 0) if keep_meta and d.fs.mtime else None
        if self._sharded(d, entries, added):
            # a shard keeps its width (go-unixfs HAMTDirectory); a new one is 256 wide
            fanout = (d.fs.fanout if d.is_hamt else None) or hamt.DEFAULT_FANOUT
            built = hamt.build_shard([(link.name or "", Built(link.cid, link.tsize or 0, 0, ()))
                                      for link in entries], builder, self.sink,
                                     mode=mode, mtime=mtime, fanout=fanout)
            return built.cid, built.tsize
        if d.is_hamt:  # back to a basic directory (0.11+)
            data: Optional[bytes] = directory.dir_fsdata(mode, mtime).encode()
        else:
            assert d.pb is not None
            data = d.pb.data
        links = dagpb.sorted_links(entries)
        block = dagpb.encode(dagpb.PBNode(tuple(links), data or None))
        cid = builder.cid(DAG_PB, block)
        self.sink.put_parts(cid, (block,))
        return cid, len(block) + sum(link.tsize or 0 for link in links)

    def _commit(self, dir_parts: list[str], edit: Callable[[list[dagpb.PBLink]], list[dagpb.PBLink]],
                *, added: bool, builder: Optional[CidBuilder] = None) -> None:
        """Edit the entries of the directory at ``dir_parts`` and bubble the change up to the
        root (``updateChildEntry``, each ancestor updating the child's entry)."""
        chain = [self._root_node()]
        for name in dir_parts:
            chain.append(self._child(chain[-1], name))
        cid, tsize = self._store_dir(chain[-1], edit(self._entries(chain[-1])), added, builder)
        for parent, name in zip(reversed(chain[:-1]), reversed(dir_parts)):
            entries = [link for link in self._entries(parent) if link.name != name]
            entries.append(dagpb.PBLink(cid, name, tsize))
            cid, tsize = self._store_dir(parent, entries, True)
        self._set_root(cid)

    def _add_child(self, dir_parts: list[str], d: Node, name: str, cid: CID, tsize: int) -> None:
        """``Directory.AddChild``: refuse a name whose entry loads, else (re)place it."""
        try:
            self._child(d, name)
        except IPFSError:
            pass
        else:
            raise IPFSError(errors.ERR_DIR_EXISTS)
        self._set_entry(dir_parts, name, cid, tsize)

    def _set_entry(self, dir_parts: list[str], name: str, cid: CID, tsize: int) -> None:
        def put(entries: list[dagpb.PBLink]) -> list[dagpb.PBLink]:
            return [link for link in entries if link.name != name] + [dagpb.PBLink(cid, name, tsize)]
        self._commit(dir_parts, put, added=True)

    def _unlink(self, dir_parts: list[str], name: str) -> None:
        """``Directory.Unlink`` then the directory's flush."""
        self._commit(dir_parts, lambda entries: [link for link in entries if link.name != name],
                     added=False)
        gone = (*dir_parts, name)
        for key in [k for k in self._raw_leaves if k[:len(gone)] == gone]:
            del self._raw_leaves[key]

    def _empty_dir(self, builder: CidBuilder) -> tuple[CID, int]:
        """``ft.EmptyDirNode`` with ``builder``, stored."""
        block = dagpb.encode(dagpb.PBNode((), FSData(DataType.Directory).encode()))
        cid = builder.cid(DAG_PB, block)
        self.sink.put_parts(cid, (block,))
        return cid, len(block)

    # --- commands -----------------------------------------------------------------------------

    def ls(self, path: str = "/", long: bool = False) -> tuple[bool, list[Listing]]:
        """``files ls``: ``(is_directory, entries)`` in directory order. Without ``long`` only
        names are filled (``ListNames``); with it, type, size (files only) and CID."""
        with self._lock:
            path = check_path(path)
            _, node = self._lookup(path)
            if not node.is_dir:
                name = go_split(path)[1]
                if not long:
                    return False, [Listing(name, TFILE, 0, None)]
                return False, [Listing(name, TFILE, node.size, node.cid)]
            out = []
            for link in self._entries(node):
                name = link.name or ""
                if not long:
                    out.append(Listing(name, TFILE, 0, None))
                    continue
                child = self._load(link.cid)
                out.append(Listing(name, TDIR if child.is_dir else TFILE,
                                   0 if child.is_dir else child.size, child.cid))
            return True, out

    def stat(self, path: str, with_local: bool = False) -> Stat:
        """``files stat`` (also of ``/ipfs/...`` paths): files.go ``statNode``."""
        with self._lock:
            node = self._node_from_path(check_path(path))
            stat = self._stat_node(node)
            if not with_local:
                return stat
            local, size_local = self._walk_local(node.cid)
            return replace(stat, local=local, size_local=size_local)

    def _stat_node(self, node: Node) -> Stat:
        if node.cid.codec.code == RAW:
            return Stat(node.cid, len(node.block), len(node.block), 0, "file")
        if node.cid.codec.code != DAG_PB:
            raise IPFSError(errors.ERR_NOT_UNIXFS)
        assert node.pb is not None
        fs = node.fs if node.fs is not None else _decode_fs(node.pb.data)
        metadata = files_stat_unixfs_metadata(self.node.kubo_version)
        files = (DataType.File, DataType.Metadata, DataType.Raw)
        if fs.type in (DataType.Directory, DataType.HAMTShard):
            kind = "directory"
        elif fs.type in files or (metadata and fs.type == DataType.Symlink):
            kind = "file"
        else:
            raise IPFSError(errors.err_mfs_stat_type(fs.type.name))
        stat = Stat(node.cid, go_file_size(fs), node.tsize, len(node.pb.links), kind)
        if not metadata:
            return stat
        mode = go_file_mode(fs)
        if mode == 0 and fs.type == DataType.Symlink:
            mode = GO_MODE_SYMLINK | 0o777
        return replace(stat, mode=mode, mtime=go_mod_time(fs))

    def _walk_local(self, cid: CID) -> tuple[bool, int]:
        """files.go ``walkBlock``: whether the whole DAG is local, and the local bytes."""
        from .dag import links_of
        block = self._get(cid)
        local, size = True, len(block)
        for child in links_of(cid, block):
            if not self.store.has(child):
                local = False
                continue
            child_local, child_size = self._walk_local(child)
            local = local and child_local
            size += child_size
        return local, size

    def mkdir(self, path: str, parents: bool = False, cid_version: Optional[int] = None,
              hash: Optional[str] = None, flush: bool = True) -> None:
        """``files mkdir`` (go-mfs ``Mkdir``)."""
        with self._lock:
            self._mkdir(check_path(path), parents, cid_builder(cid_version, hash))

    def _mkdir(self, path: str, parents: bool, builder: Optional[CidBuilder]) -> None:
        parts = path.split("/")
        if parts[0] == "":
            parts = parts[1:]
        if parts and parts[-1] == "":
            parts = parts[:-1]
        if not parts:
            if parents:
                return
            raise IPFSError(errors.ERR_MKDIR_ROOT)
        cur = self._root_node()
        for i, name in enumerate(parts[:-1]):
            try:
                node = self._child(cur, name)
            except NotExist:
                if not parents:
                    raise
                self._set_entry(parts[:i], name,
                                *self._empty_dir(builder or prefix_builder(cur.cid)))
                node = self._lookup("/".join(parts[:i + 1]))[1]
            if not node.is_dir:
                raise IPFSError(errors.err_mfs_mkdir_not_directory("/".join(parts[:i])))
            cur = node
        last = parts[-1]
        try:
            existing: Optional[Node] = self._child(cur, last)
        except IPFSError:
            existing = None  # Directory.Mkdir creates over anything that does not load
        if existing is not None:
            if not parents or not existing.is_dir:
                raise IPFSError(errors.ERR_EXIST)
            if builder is not None:  # final.SetCidBuilder, then its flush
                self._commit(parts, lambda entries: entries, added=False, builder=builder)
            return
        self._set_entry(parts[:-1], last, *self._empty_dir(builder or prefix_builder(cur.cid)))

    def cp(self, source: str, dest: str, flush: bool = True) -> None:
        """``files cp``: an ``/ipfs/`` path or MFS path into MFS (go-mfs ``PutNode``); the
        destination must not exist; a trailing ``/`` on it appends the source's name."""
        with self._lock:
            src = check_path(source).rstrip("/")
            dst = check_path(dest)
            if dst.endswith("/"):
                dst += go_base(src)
            try:
                node = self._node_from_path(src)
            except IPFSError as exc:
                raise IPFSError(f"cp: cannot get node from path {src}: {exc.message}") from None
            try:
                dirname, name = go_split(dst)
                if not name:
                    raise IPFSError(errors.ERR_EMPTY_NAME)
                dir_parts, d = self._lookup_dir(dirname)
                self._add_child(dir_parts, d, name, node.cid, node.tsize)
            except IPFSError as exc:
                raise IPFSError(f"cp: cannot put node in path {dst}: {exc.message}") from None
            if flush:
                try:
                    self._lookup(dst)
                except IPFSError as exc:
                    raise IPFSError(f"cp: cannot flush the created file {dst}: {exc.message}") from None

    def mv(self, source: str, dest: str, flush: bool = True) -> None:
        """``files mv`` (go-mfs ``Mv``), quirks included: moving onto an existing directory
        moves into it, onto a file replaces it, and when source and destination directories
        share a *name* and the entry keeps its name, the source is not unlinked."""
        with self._lock:
            src, dst = check_path(source), check_path(dest)
            src_dir_name, src_name = go_split(src)
            if dst.endswith("/"):
                dst_dir_name, dst_name = dst, src_name
            else:
                dst_dir_name, dst_name = go_split(dst)
            dst_parts, dst_dir = self._lookup_dir(dst_dir_name)
            src_parts, src_dir = self._lookup_dir(src_dir_name)
            moved = self._child(src_dir, src_name)
            try:
                existing: Optional[Node] = self._child(dst_dir, dst_name)
            except NotExist:
                existing = None
            if existing is not None:
                if existing.is_dir:
                    dst_parts, dst_dir = [*dst_parts, dst_name], existing
                    dst_name = src_name
                else:
                    self._unlink(dst_parts, dst_name)
                    dst_dir = self._lookup(("/" + "/".join(dst_parts)))[1]
            self._add_child(dst_parts, dst_dir, dst_name, moved.cid, moved.tsize)
            src_dir_id = src_parts[-1] if src_parts else None
            dst_dir_id = dst_parts[-1] if dst_parts else None
            if src_dir_id == dst_dir_id and src_name == dst_name:
                return
            self._unlink(src_parts, src_name)

    def rm(self, path: str, recursive: bool = False, force: bool = False) -> None:
        """``files rm`` of one path (files.go ``removePath``); the wording is 0.13's from then
        on (:func:`fakeipfs.versions.files_rm_many`)."""
        modern = files_rm_many(self.node.kubo_version)
        with self._lock:
            path = check_path(path)
            if path == "/":
                raise IPFSError(errors.ERR_DELETE_ROOT)
            if path.endswith("/"):
                path = path[:-1]
            dirname, name = go_split(path)
            try:
                dir_parts, pdir = self._parent_dir(dirname)
            except NotExist as exc:
                if force:
                    return
                if modern:
                    raise
                raise IPFSError(f"parent lookup: {exc.message}") from None
            except IPFSError as exc:
                if modern:
                    raise
                raise IPFSError(f"parent lookup: {exc.message}") from None
            if force:
                if self._find(pdir, name) is None:
                    return
                self._unlink(dir_parts, name)
                return
            child = self._child(pdir, name)
            if child.is_dir and not recursive:
                raise IPFSError(errors.ERR_RM_PATH_IS_DIRECTORY if modern
                                else errors.err_mfs_is_directory(path))
            self._unlink(dir_parts, name)

    def _open(self, node: Node) -> None:
        """go-mfs ``File.Open``'s type check."""
        if node.fs is not None and node.fs.type == DataType.Symlink:
            raise IPFSError(errors.ERR_SYMLINKS)

    def read(self, path: str, offset: int = 0, count: Optional[int] = None) -> Iterator[bytes]:
        """``files read``: the file's bytes from ``offset``, at most ``count``. Errors come
        before any byte."""
        with self._lock:
            path = check_path(path)
            _, node = self._lookup(path)
            if node.is_dir:
                raise IPFSError(errors.err_mfs_not_a_file(path))
            self._open(node)
            if offset < 0:
                raise InvalidArgument(errors.ERR_NEGATIVE_OFFSET)
            size = file_size(self._get, node.cid)
            if offset > size:
                raise InvalidArgument(errors.err_mfs_offset_past_end(offset, size))
            if count is not None and count < 0:
                raise InvalidArgument(errors.ERR_NEGATIVE_COUNT)
            cid = node.cid
        if count == 0:
            return iter(())
        return (bytes(piece) for piece in exporter.cat(self._get, cid, offset, count))

    def write(self, path: str, data: Data, offset: int = 0, create: bool = False,
              parents: bool = False, truncate: bool = False, count: Optional[int] = None,
              raw_leaves: Optional[bool] = None, cid_version: Optional[int] = None,
              hash: Optional[str] = None, flush: bool = True) -> None:
        """``files write``: ``data`` (bytes, a binary stream, or an entry with ``open()``)
        written at ``offset`` through the DagModifier, in files.go's order: a negative count
        is refused only after the file was created (and truncated), and the file is flushed
        even when the write fails."""
        with self._lock:
            path = check_path(path)
            builder = cid_builder(cid_version, hash)
            if offset < 0:
                raise InvalidArgument(errors.ERR_NEGATIVE_WRITE_OFFSET)
            if parents:  # ensureContainingDirectoryExists: Mkdir -p of path.Dir(path)
                parent = go_clean(go_split(path)[0])
                if parent != "/":
                    self._mkdir(parent, True, builder)
            parts, node = self._file_handle(path, create, builder)
            key = tuple(parts)
            if raw_leaves is not None:
                self._raw_leaves[key] = raw_leaves
            self._open(node)
            modifier = DagModifier(node.cid, self._get, self.sink,
                                   raw_leaves=self._raw_leaves.get(key),
                                   block_size_limit=self.node.kubo_version.block_size_limit)
            failure: Optional[IPFSError] = None
            try:
                if truncate:
                    modifier.truncate(0)
                if count is not None and count < 0:
                    raise InvalidArgument(errors.ERR_NEGATIVE_BYTE_COUNT)
                modifier.seek(offset)
                for piece in _pieces(data, count):
                    modifier.write(piece)
            except IPFSError as exc:
                failure = exc
            try:  # the deferred Close: flushUp
                new = modifier.get_node()
                self._set_entry(parts[:-1], parts[-1], new, self._raw_node(new).tsize)
            except IPFSError as exc:
                failure = failure or exc
            if failure is not None:
                raise failure

    def _file_handle(self, path: str, create: bool,
                     builder: Optional[CidBuilder]) -> tuple[list[str], Node]:
        """files.go ``getFileHandle``: the file, created empty (``FilePBData(nil, 0)``, the
        parent's CID builder unless given) with ``create``."""
        try:
            parts, node = self._lookup(path)
        except NotExist:
            if not create:
                raise
            dirname, name = go_split(path)
            dir_parts, pdir = self._parent_dir(dirname)
            block = dagpb.encode(dagpb.PBNode((), FSData(DataType.File, filesize=0).encode()))
            cid = (builder or prefix_builder(pdir.cid)).cid(DAG_PB, block)
            self.sink.put_parts(cid, (block,))
            self._add_child(dir_parts, pdir, name, cid, len(block))
            parts = [*dir_parts, name]
            node = self._lookup("/" + "/".join(parts))[1]
            if node.is_dir:
                raise IPFSError("expected *mfs.File, didn't get it. This is likely a race condition")
            return parts, node
        if node.is_dir:
            raise IPFSError(errors.err_mfs_not_a_file(path))
        return parts, node

    def flush(self, path: str = "/") -> CID:
        """``files flush`` (go-mfs ``FlushPath``; the path is not checked for a leading slash)."""
        with self._lock:
            return self._lookup(path)[1].cid

    def chcid(self, path: str = "/", cid_version: Optional[int] = None,
              hash: Optional[str] = None, flush: bool = True) -> None:
        """``files chcid``: re-encode a directory (not its children) with a new CID builder."""
        with self._lock:
            builder = cid_builder(cid_version, hash)
            if builder is not None:
                parts, node = self._lookup(path)
                if not node.is_dir:
                    raise IPFSError(errors.ERR_CHCID_NOT_DIR)
                self._commit(parts, lambda entries: entries, added=False, builder=builder)
            if flush:
                self._lookup(path)


def of(node: Any) -> MFS:
    """The node's MFS, created (its root loaded, or the empty root stored) on first use;
    :class:`~fakeipfs.Node` uses it first when it is made, as kubo's ``Files`` runs when the
    node is built."""
    return attached(node, "_mfs", lambda: MFS(node))
