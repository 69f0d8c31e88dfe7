"""``fakeipfs.Node``: one emulated kubo node, in memory or on a kubo-like repo directory.

This is the model every front door (RPC dispatcher, CLI, pytest plugin) drives. Method names
follow kubo's commands (``add``, ``cat``, ``block_put``, ``pin_add``, ``repo_gc`` ...) and take
kubo's option names and defaults; errors carry kubo's messages (:mod:`fakeipfs.errors`).
Every operation either completes or leaves blocks and pins as they were.
"""
from __future__ import annotations

import io
import os
import threading
from typing import BinaryIO, Iterable, Iterator, Optional, Sequence, Union

from multiformats import CID

from . import dag as dagmod
from . import errors
from .blockstore import Blockstore, FlatfsBlockstore, MemoryBlockstore
from .errors import InvalidArgument, IPFSError, NotFound, PinError
from .hashing import CidBuilder, get_hasher
from .dag import DagCommands
from .objects import ObjectCommands
from .path import ContentPath, parse as parse_path, resolve as resolve_path
from .pins import Pinner
from .unixfs import exporter, tar
from .unixfs.dagbuilder import NullSink
from .unixfs.files import Directory, Entry, File, from_path
from .unixfs.importer import AddEvent, Importer
from .unixfs.options import AddOptions
from .versions import DEFAULT_KUBO_VERSION, KuboVersion

Source = Union[bytes, str, "os.PathLike[str]", BinaryIO, Entry]


class _Journal:
    """Writes an import's blocks straight to the blockstore, remembering which were new, so
    that a failed ``add`` can remove them again: nothing is left half-added."""

    def __init__(self, store: Blockstore) -> None:
        self.store = store
        self.retains_data = getattr(store, "retains_data", False)
        self.added: list[CID] = []
        self._lock = threading.Lock()

    def put_parts(self, cid: CID, parts: tuple[bytes, ...]) -> None:
        if self.store.has(cid):
            return
        self.store.put_parts(cid, parts)
        with self._lock:
            self.added.append(cid)

    def rollback(self) -> None:
        for cid in self.added:
            self.store.delete(cid)


class Node(DagCommands, ObjectCommands):
    """An emulated kubo node.

    ``Node()`` keeps everything in memory; ``Node(repo=path)`` keeps blocks in a flatfs
    ``blocks/`` directory and pins in ``pins.json`` there, surviving restarts.
    """

    def __init__(self, *, repo: "Optional[str | os.PathLike[str]]" = None,
                 kubo_version: str = DEFAULT_KUBO_VERSION, sharding_enabled: bool = False) -> None:
        self.kubo_version = KuboVersion.parse(kubo_version)
        self.repo = os.fspath(repo) if repo is not None else None
        self.sharding_enabled = sharding_enabled
        if self.repo is not None:
            os.makedirs(self.repo, exist_ok=True)
            self.blockstore: Blockstore = FlatfsBlockstore(os.path.join(self.repo, "blocks"))
            self.pins = Pinner(os.path.join(self.repo, "pins.json"))
        else:
            self.blockstore = MemoryBlockstore()
            self.pins = Pinner()
        self._lock = threading.RLock()

    # --- helpers ------------------------------------------------------------------------------

    def _get(self, cid: CID) -> bytes:
        return self.blockstore.get(cid)

    def resolve(self, path: "str | CID | ContentPath") -> CID:
        """The CID a path names (``ipfs resolve``), following links through the DAG."""
        if isinstance(path, CID):
            return path
        cid, rest = resolve_path(path, self._get)
        if rest:
            raise NotFound(f"path {path} continues inside {cid} at {'/'.join(rest)}")
        return cid

    # --- add ----------------------------------------------------------------------------------

    def _entries(self, sources: Sequence[Source], recursive: bool, hidden: bool) -> list[Entry]:
        out: list[Entry] = []
        for source in sources:
            if isinstance(source, (File, Directory)) or hasattr(source, "target") and hasattr(source, "name") and not hasattr(source, "read"):
                out.append(source)  # type: ignore[arg-type]
            elif isinstance(source, (bytes, bytearray, memoryview)):
                data = bytes(source)
                out.append(File("", lambda data=data: io.BytesIO(data)))
            elif isinstance(source, (str, os.PathLike)):
                try:
                    out.append(from_path(source, recursive=recursive, hidden=hidden))
                except IsADirectoryError:
                    raise InvalidArgument(f"{os.fspath(source)} is a directory, use the '-r' flag to specify directories") from None
                except FileNotFoundError:
                    raise InvalidArgument(f"lstat {os.fspath(source)}: no such file or directory") from None
            elif hasattr(source, "read"):
                stream = source
                name = os.path.basename(getattr(source, "name", "") or "") if isinstance(getattr(source, "name", None), str) else ""
                out.append(File(name, lambda stream=stream: _NoClose(stream)))
            else:
                raise TypeError(f"cannot add {type(source).__name__}")
        return out

    def add(self, *sources: Source, recursive: bool = False, on_event=None, **options) -> list[AddEvent]:
        """``ipfs add``: bytes, paths, binary streams or :mod:`~fakeipfs.unixfs.files` entries.

        Options are kubo's, in Python spelling (``cid_version``, ``raw_leaves``, ``chunker``,
        ``trickle``, ``hash``, ``inline``, ``only_hash``, ``pin``, ``wrap_with_directory``,
        ``hidden``, ``preserve_mode``...). Returns the events ``ipfs add`` prints, the root last.
        """
        if not sources:
            raise InvalidArgument("expected a file argument")
        options.setdefault("kubo_version", str(self.kubo_version))
        opts = AddOptions(**options)
        settings = opts.resolve()
        entries = self._entries(sources, recursive, opts.hidden)
        journal = _Journal(self.blockstore) if not settings.only_hash else None
        importer = Importer(settings, journal or NullSink(), on_event,
                            sharding_enabled=self.sharding_enabled)
        try:
            roots = importer.add(entries)
        except BaseException:
            if journal is not None:
                journal.rollback()
            raise
        if journal is not None and settings.pin:
            with self._lock:
                for root in roots:
                    self.pins.pin(root.cid, True)
        return importer.events

    def add_bytes(self, data: bytes, **options) -> AddEvent:
        return self.add(bytes(data), **options)[-1]

    def add_str(self, text: str, **options) -> AddEvent:
        return self.add_bytes(text.encode("utf-8"), **options)

    # --- read ---------------------------------------------------------------------------------

    def cat_stream(self, path: "str | CID", offset: int = 0, length: Optional[int] = None) -> Iterator[bytes]:
        """``ipfs cat``: the file's bytes from ``offset``, at most ``length`` (kubo cat.go)."""
        if offset < 0:
            raise InvalidArgument(errors.ERR_NEGATIVE_OFFSET)
        if length is not None and length < 0:
            raise InvalidArgument(errors.ERR_NEGATIVE_LENGTH)
        cid = self.resolve(path)
        node = exporter.load(self._get, cid)  # errors (directory, missing block) before output
        if node.kind == "directory":
            raise IPFSError(errors.ERR_IS_DIR)
        if length == 0:
            return iter(())
        return (bytes(piece) if isinstance(piece, memoryview) else piece
                for piece in exporter.cat(self._get, cid, offset, length, self.blockstore.get_parts))

    def cat(self, path: "str | CID", offset: int = 0, length: Optional[int] = None) -> bytes:
        return b"".join(self.cat_stream(path, offset, length))

    def ls(self, path: "str | CID", resolve_type: bool = True) -> list[exporter.Entry]:
        """``ipfs ls``: a directory's entries, or a file's chunk links (name "")."""
        cid = self.resolve(path)
        node = exporter.load_any(self._get, cid)
        if node is None:
            block = self._get(cid)
            return [exporter.Entry("", c, 0, 0) for c in dagmod.links_of(cid, block)]
        return [exporter.entry_for(self._get, name, link, resolve_type)
                for name, link in exporter.links(self._get, node)]

    def get(self, path: str, *, archive: bool = False, compress: bool = False,
            compression_level: Optional[int] = None) -> Iterator[bytes]:
        """``ipfs get`` as the RPC API sends it: a tar stream named after the path's last part."""
        p = parse_path(path) if not isinstance(path, CID) else parse_path(str(path))
        cid = self.resolve(p)
        name = p.segments[-1] if p.segments else str(p.root)
        tar.compression_level(compress, compression_level)
        exporter.load(self._get, cid)
        return tar.archive(self._get, cid, name, archive=archive, compress=compress,
                           level=compression_level)

    # --- blocks -------------------------------------------------------------------------------

    def block_put(self, data: bytes, *, format: Optional[str] = None, cid_codec: Optional[str] = None,
                  mhtype: str = "sha2-256", mhlen: int = -1, pin: bool = False) -> CID:
        """``ipfs block put`` (kubo core/coreiface/options/block.go, by version: before 0.13 an
        unset ``format`` with sha2-256 gives CIDv0; from 0.13 ``cid-codec`` defaults to raw)."""
        from .blocks import put_prefix
        builder_version, codec = put_prefix(self.kubo_version, format, cid_codec, mhtype, mhlen)
        hasher = get_hasher(mhtype)
        cid = CidBuilder(builder_version, hasher).cid(codec, data)
        with self._lock:
            self.blockstore.put(cid, data)
            if pin:
                self.pins.pin(cid, False)
        return cid

    def block_get(self, path: "str | CID") -> bytes:
        return self._get(self.resolve(path))

    def block_stat(self, path: "str | CID") -> tuple[CID, int]:
        cid = self.resolve(path)
        return cid, self.blockstore.size(cid)

    def block_rm(self, cids: Iterable["str | CID"], *, force: bool = False) -> list[tuple[CID, Optional[str]]]:
        """``ipfs block rm``: per block, None or the error (pinned, missing)."""
        out: list[tuple[CID, Optional[str]]] = []
        with self._lock:
            pinned = self._pinned_keys()
            for item in cids:
                cid = item if isinstance(item, CID) else CID.decode(item)
                key = bytes(cid.digest)
                if key in pinned:
                    out.append((cid, "pinned: " + pinned[key]))
                elif not self.blockstore.delete(cid):
                    out.append((cid, None if force else "ipld: could not find " + str(cid)))
                else:
                    out.append((cid, None))
        return out

    # --- pins ---------------------------------------------------------------------------------

    def _descendants(self, root: CID) -> Iterator[CID]:
        return dagmod.descendants(self._get, root)

    def _pinned_keys(self) -> dict[bytes, str]:
        recursive, direct = self.pins.snapshot()
        out: dict[bytes, str] = {}
        for cid in direct.values():
            out[bytes(cid.digest)] = "direct"
        for cid in recursive.values():
            for child in dagmod.walk_present(self._get, cid):
                out.setdefault(bytes(child.digest), "recursive" if child == cid else f"indirect through {cid}")
        return out

    def pin_add(self, *paths: "str | CID", recursive: bool = True) -> list[CID]:
        """``ipfs pin add``: the whole DAG must be present (offline); all or nothing."""
        cids = [self.resolve(p) for p in paths]
        for cid in cids:
            try:
                if recursive:
                    for _ in dagmod.walk(self._get, cid):
                        pass
                else:
                    self._get(cid)
            except IPFSError as exc:
                raise PinError(f"pin: {exc}") from None
        with self._lock:
            for cid in cids:
                try:
                    self.pins.pin(cid, recursive)
                except PinError as exc:
                    raise PinError(f"pin: {exc}") from None
        return cids

    def pin_rm(self, *paths: "str | CID", recursive: bool = True) -> list[CID]:
        cids = [self.resolve(p) for p in paths]
        with self._lock:
            state = self.pins.snapshot()
            try:
                for cid in cids:
                    self.pins.unpin(cid, recursive)
            except PinError:
                self.pins.restore(state)
                raise
        return cids

    def pin_ls(self, *paths: "str | CID", type: str = "all") -> dict[str, str]:
        """``ipfs pin ls``: CID string -> pin type (``indirect through <cid>`` for a path)."""
        if paths:
            out: dict[str, str] = {}
            for path in paths:
                cid = self.resolve(path)
                kind = self.pins.check(cid, type, self._descendants)
                if kind is None:
                    raise PinError(errors.err_path_not_pinned(str(path)))
                out[str(cid)] = kind
            return out
        return {str(cid): kind for cid, kind in self.pins.listing(type, self._descendants)}

    def pin_update(self, old: "str | CID", new: "str | CID", *, unpin: bool = True) -> tuple[CID, CID]:
        a, b = self.resolve(old), self.resolve(new)
        for _ in dagmod.walk(self._get, b):
            pass
        self.pins.update(a, b, unpin)
        return a, b

    def pin_verify(self) -> Iterator[tuple[CID, list[tuple[CID, str]]]]:
        """``ipfs pin verify``: each recursive pin with the nodes that are missing or corrupt."""
        recursive, _ = self.pins.snapshot()
        for root in recursive.values():
            bad: list[tuple[CID, str]] = []
            for cid in dagmod.walk_present(self._get, root):
                try:
                    block = self._get(cid)
                except IPFSError as exc:
                    bad.append((cid, str(exc)))
                    continue
                if cid.hashfun.code != 0 and CidBuilder(cid.version, get_hasher(cid.hashfun.name)).cid(cid.codec.code, block) != cid:
                    bad.append((cid, "data in datastore does not match its hash"))
            yield root, bad

    # --- repo ---------------------------------------------------------------------------------

    def repo_gc(self) -> list[CID]:
        """``ipfs repo gc``: remove every block that no pin keeps (kubo ≥0.12 reports them as
        CIDv1 raw, the multihash-keyed blockstore's form)."""
        with self._lock:
            keep = set(self._pinned_keys())
            removed = []
            for cid in list(self.blockstore.keys()):
                if bytes(cid.digest) not in keep:
                    self.blockstore.delete(cid)
                    removed.append(cid)
            return removed

    def repo_stat(self) -> dict:
        count, size = self.blockstore.stat()
        return {"RepoSize": size, "StorageMax": 10_000_000_000, "NumObjects": count,
                "RepoPath": self.repo or "", "Version": "fs-repo@10"}


class _NoClose(io.RawIOBase):
    """Wraps a caller's stream so the importer's close() leaves it open."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._stream.read(n)

    def close(self) -> None:
        pass
