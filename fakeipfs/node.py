"""``fakeipfs.Node``: one emulated kubo node, in memory or on a kubo-like repo directory.

This is the model every front door (RPC dispatcher, CLI, pytest plugin) drives. Method names
follow kubo's commands (``add``, ``cat``, ``block_put``, ``pin_add``, ``repo_gc`` ...) and take
kubo's option names and defaults; errors carry kubo's messages (:mod:`fakeipfs.errors`).
An operation that fails on bad input leaves blocks and pins as they were; commands that kubo
runs one argument at a time (``pin add``, ``pin rm``, ``block rm``) keep what the arguments
before the failing one did.
"""
from __future__ import annotations

import copy
import functools
import io
import os
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, Iterator, Optional, Sequence, Union

from multiformats import CID

from . import dag as dagmod
from . import errors
from .blockstore import Blockstore, FlatfsBlockstore, MemoryBlockstore
from .errors import InvalidArgument, IPFSError, NotFound, PinError
from .hashing import CidBuilder, get_hasher
from .dag import DagCommands
from .objects import ObjectCommands
from .path import ContentPath, parse as parse_path, resolve as resolve_path
from .pins import PIN_TYPES, Pinner
from .unixfs import exporter, tar
from .unixfs.dagbuilder import NullSink
from .unixfs.files import NoClose, Directory, Entry, File, from_path
from .unixfs.importer import AddEvent, Importer
from .unixfs.options import AddOptions
from .versions import DEFAULT_KUBO_VERSION, KuboVersion

Source = Union[bytes, str, "os.PathLike[str]", BinaryIO, Entry]


class _Journal:
    """One ``add``'s writes, straight to the blockstore: the blocks it touched (found present
    or wrote, by store key) and the ones it wrote, so that a failed add can remove those again
    (see :class:`_Journals`)."""

    def __init__(self, journals: "_Journals", start: int) -> None:
        self._journals = journals
        self.store = journals.store
        self.retains_data = getattr(self.store, "retains_data", False)
        self.start = start
        self.end: Optional[int] = None
        self.touched: set[bytes] = set()
        self.added: list[CID] = []

    def put_parts(self, cid: CID, parts: tuple[bytes, ...]) -> None:
        # Claim the block before looking for it: a rollback deletes under the same lock and
        # only what nobody else claimed, so a block found present here stays present.
        with self._journals.lock:
            self.touched.add(self.store.key(cid))
        new = not self.store.has(cid)
        self.store.put_parts(cid, parts)
        if new:
            self.added.append(cid)  # read by finish(), once this add's writes are over


class _Journals:
    """The node's adds in flight.

    kubo never deletes blocks when an add fails (core/coreunix/add.go writes through the
    DAGService with no rollback); fakeipfs' policy is that bad input leaves the store as it
    was. The two meet here: a failed add deletes a block it wrote only if no other add that
    overlapped it in time touched that block, since that add may have found the block present
    and pinned a DAG through it. A finished add keeps its claims while an add that overlapped
    it is still running; a failed add pins nothing, so its claims go with it.
    """

    def __init__(self, store: Blockstore) -> None:
        self.store = store
        self.lock = threading.Lock()
        self._clock = 0
        self._live: list[_Journal] = []

    def begin(self) -> _Journal:
        with self.lock:
            self._clock += 1
            journal = _Journal(self, self._clock)
            self._live.append(journal)
            return journal

    def finish(self, journal: _Journal, ok: bool) -> None:
        with self.lock:
            if ok:
                self._clock += 1
                journal.end = self._clock
            else:
                self._live.remove(journal)
                overlapping = [o for o in self._live if o.end is None or o.end > journal.start]
                for cid in journal.added:
                    key = self.store.key(cid)
                    if not any(key in o.touched for o in overlapping):
                        self.store.delete(cid)
            running = [o.start for o in self._live if o.end is None]
            self._live = [o for o in self._live if o.end is None or (running and o.end > min(running))]


def _fetching(method):
    """A method that may fetch missing blocks from peers takes kubo's request context:
    ``timeout`` (seconds: go-ipfs-cmds' global ``--timeout``) and ``offline`` (kubo's global
    ``--offline``: only the local blockstore); see :func:`fakeipfs.network.request`. A lazy
    result (an iterator) keeps the context, deadline included, while it is read."""
    @functools.wraps(method)
    def with_context(self, *args, timeout: Optional[float] = None, offline: bool = False, **kwargs):
        if timeout is None and not offline:
            return method(self, *args, **kwargs)
        from . import network
        with network.request(timeout, offline=offline) as context:
            result = method(self, *args, **kwargs)
        return network.bind(result, context) if isinstance(result, Iterator) else result
    return with_context


@dataclass(frozen=True)
class NodeSnapshot:
    """What :meth:`Node.snapshot` saved of an in-memory node (opaque to callers): its blocks,
    pins, MFS root, identity, config, keystore and IPNS records. The block values are immutable
    bytes (or tuples of them), so the copies share them."""

    kubo_version: KuboVersion
    blocks: dict
    recursive: dict
    direct: dict
    #: the accessors' state, None where the node had not used that part yet
    mfs_root: Optional[CID]
    identity: Any
    config: Optional[dict]
    keys: Optional[tuple[dict, int]]
    ipns: Optional[dict]


#: The per-node state of the modules that attach to a node (``of(node)`` accessors) and that
#: a snapshot restores; everything else they attach (pubsub, the request log) is left alone.
_SNAPSHOT_ATTRS = ("_mfs", "_identity", "_config", "_keystore", "_ipns")


class Node(DagCommands, ObjectCommands):
    """An emulated kubo node.

    ``Node()`` keeps everything in memory; ``Node(repo=path)`` keeps blocks in a flatfs
    ``blocks/`` directory and pins in ``pins.json`` there, surviving restarts. Blocks are keyed
    as ``kubo_version`` keys them: by multihash from 0.12, by the whole CID before
    (:attr:`~fakeipfs.versions.KuboVersion.multihash_keyed_blockstore`), so a repo written on
    one side of 0.12 and reopened on the other finds its CIDv1 blocks under the wrong keys, as
    kubo would without its fs-repo-11-to-12 migration.
    """

    def __init__(self, *, repo: "Optional[str | os.PathLike[str]]" = None,
                 kubo_version: str = DEFAULT_KUBO_VERSION, sharding_enabled: bool = False) -> None:
        self.kubo_version = KuboVersion.parse(kubo_version)
        self.repo = os.fspath(repo) if repo is not None else None
        self.sharding_enabled = sharding_enabled
        cid_keys = not self.kubo_version.multihash_keyed_blockstore
        self.blockstore: Blockstore
        if self.repo is not None:
            os.makedirs(self.repo, exist_ok=True)
            self.blockstore = FlatfsBlockstore(os.path.join(self.repo, "blocks"), cid_keys=cid_keys)
            self.pins = Pinner(os.path.join(self.repo, "pins.json"))
        else:
            self.blockstore = MemoryBlockstore(cid_keys=cid_keys)
            self.pins = Pinner()
        self._journals = _Journals(self.blockstore)
        self._lock = threading.RLock()
        from . import mfs
        mfs.of(self)  # core/node/core.go Files: the MFS root is built (and stored) with the node

    # --- helpers ------------------------------------------------------------------------------

    #: How a block missing from the blockstore is fetched from other peers (set by
    #: :class:`fakeipfs.network.Network`); None: offline, a missing block is not found.
    exchange: Optional[Any] = None

    def _get(self, cid: CID) -> bytes:
        try:
            return self.blockstore.get(cid)
        except NotFound:
            if self.exchange is None:
                raise
            return self.exchange.fetch(cid)

    def _get_parts(self, cid: CID) -> tuple[bytes, ...]:
        """The block as stored parts (``Blockstore.get_parts``), fetched first when missing."""
        if self.exchange is not None and not self.blockstore.has(cid):
            self._get(cid)
        return self.blockstore.get_parts(cid)

    @_fetching
    def resolve(self, path: "str | CID | ContentPath") -> CID:
        """The CID a path names (``ipfs resolve``), following links through the DAG."""
        if isinstance(path, CID):
            return path
        cid, rest = resolve_path(path, self._get, self.kubo_version)
        if rest:
            raise NotFound(f"path {path} continues inside {cid} at {'/'.join(rest)}")
        return cid

    dag_get = _fetching(DagCommands.dag_get)
    dag_export = _fetching(DagCommands.dag_export)

    @property
    def pubsub(self) -> Any:
        """The node's :class:`~fakeipfs.pubsub.PubSub`: ``node.pubsub.publish(topic, data)``,
        ``node.pubsub.subscribe(topic)``."""
        from . import pubsub
        return pubsub.of(self)

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
                    raise InvalidArgument(errors.err_not_recursive(os.fspath(source))) from None
                except FileNotFoundError:
                    raise InvalidArgument(f"lstat {os.fspath(source)}: no such file or directory") from None
            elif hasattr(source, "read"):
                stream = source
                name = os.path.basename(getattr(source, "name", "") or "") if isinstance(getattr(source, "name", None), str) else ""
                out.append(File(name, lambda stream=stream: NoClose(stream)))
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
            raise InvalidArgument(errors.ERR_NO_FILE_ARG)
        options.setdefault("kubo_version", str(self.kubo_version))
        opts = AddOptions(**options)
        settings = opts.resolve()
        entries = self._entries(sources, recursive, opts.hidden)
        journal = self._journals.begin() if not settings.only_hash else None
        importer = Importer(settings, journal or NullSink(), on_event,
                            sharding_enabled=self.sharding_enabled)
        ok = False
        try:
            roots = importer.add(entries)
            if journal is not None and settings.pin:
                with self._lock:
                    for root in roots:
                        # core/coreunix/add.go PinRoot: PinWithMode(root, pin.Recursive)
                        self.pins.pin_with_mode(root.cid, True)
            ok = True
        finally:
            if journal is not None:
                self._journals.finish(journal, ok)
        return importer.events

    def add_bytes(self, data: bytes, **options) -> AddEvent:
        return self.add(bytes(data), **options)[-1]

    def add_str(self, text: str, **options) -> AddEvent:
        return self.add_bytes(text.encode("utf-8"), **options)

    # --- read ---------------------------------------------------------------------------------

    @_fetching
    def cat_stream(self, path: "str | CID", offset: int = 0, length: Optional[int] = None) -> Iterator[bytes]:
        """``ipfs cat``: the file's bytes from ``offset``, at most ``length`` (kubo cat.go; a
        ``length`` of 0 returns nothing before any path is looked at: ``if max == 0``)."""
        if offset < 0:
            raise InvalidArgument(errors.ERR_NEGATIVE_OFFSET)
        if length is not None and length < 0:
            raise InvalidArgument(errors.ERR_NEGATIVE_LENGTH)
        if length == 0:
            return iter(())
        cid = self.resolve(path)
        node = exporter.load(self._get, cid)  # errors (directory, missing block) before output
        if node.kind == "directory":
            raise IPFSError(errors.ERR_IS_DIR)
        return (bytes(piece) if isinstance(piece, memoryview) else piece
                for piece in exporter.cat(self._get, cid, offset, length,
                                           self.blockstore.get_parts if self.exchange is None else self._get_parts))

    @_fetching
    def cat(self, path: "str | CID", offset: int = 0, length: Optional[int] = None) -> bytes:
        return b"".join(self.cat_stream(path, offset, length))

    @_fetching
    def ls(self, path: "str | CID", resolve_type: bool = True) -> list[exporter.Entry]:
        """``ipfs ls``: a directory's entries, or a file's chunk links (name "")."""
        cid = self.resolve(path)
        node = exporter.load_any(self._get, cid)
        if node is None:
            block = self._get(cid)
            return [exporter.Entry("", c, 0, 0) for c in dagmod.links_of(cid, block)]
        return [exporter.entry_for(self._get, name, link, resolve_type)
                for name, link in exporter.links(self._get, node)]

    @_fetching
    def get(self, path: str, *, archive: bool = False, compress: bool = False,
            compression_level: Optional[int] = None) -> Iterator[bytes]:
        """``ipfs get`` as the RPC API sends it: a tar stream named after the path's last part."""
        p = parse_path(path if not isinstance(path, CID) else str(path), self.kubo_version)
        cid = self.resolve(p)
        name = p.segments[-1] if p.segments else str(p.root)
        tar.compression_level(compress, compression_level)
        exporter.load(self._get, cid)
        return tar.archive(self._get, cid, name, archive=archive, compress=compress,
                           level=compression_level)

    # --- blocks -------------------------------------------------------------------------------

    def block_put(self, data: bytes, *, format: Optional[str] = None, cid_codec: Optional[str] = None,
                  mhtype: str = "sha2-256", mhlen: int = -1, pin: bool = False) -> CID:
        """``ipfs block put`` (:mod:`fakeipfs.blocks`, by version: before 0.13 an unset ``format``
        with sha2-256 gives CIDv0; from 0.13 ``cid-codec`` defaults to raw). ``pin`` pins
        recursively, keeping any direct pin (kubo core/coreapi/block.go ``Put``:
        ``api.pinning.PinWithMode(ctx, b.Cid(), pin.Recursive, ...)``, v0.7.0 and HEAD)."""
        from .blocks import put_prefix
        cid = put_prefix(self.kubo_version, format, cid_codec, mhtype, mhlen).sum(data)
        with self._lock:
            self.blockstore.put(cid, data)
            if pin:
                self.pins.pin_with_mode(cid, True)
        return cid

    @_fetching
    def block_get(self, path: "str | CID") -> bytes:
        return self._get(self.resolve(path))

    def block_stat(self, path: "str | CID") -> tuple[CID, int]:
        cid = self.resolve(path)
        return cid, self.blockstore.size(cid)

    def block_rm(self, cids: Iterable["str | CID"], *, force: bool = False) -> list[tuple[CID, Optional[str]]]:
        """``ipfs block rm``: per block, None or the error (kubo blocks/blockstoreutil/remove.go
        ``RmBlocks``: a pinned block is refused with ``Pinned.String()``; a block the store does
        not have is an error unless ``force``; an identity CID is always "had", and removing
        it does nothing (boxo blockstore/idstore.go))."""
        out: list[tuple[CID, Optional[str]]] = []
        with self._lock:
            pinned = self._pinned_keys()
            for item in cids:
                cid = item if isinstance(item, CID) else CID.decode(item)
                if bytes(cid) in pinned:
                    out.append((cid, pinned[bytes(cid)]))
                elif not self.blockstore.has(cid):
                    out.append((cid, None if force else self._err_block_not_found(cid)))
                else:
                    self.blockstore.delete(cid)
                    out.append((cid, None))
        return out

    def _err_block_not_found(self, cid: CID) -> str:
        if self.kubo_version.block_rm_not_found_names_cid:
            return errors.err_ipld_not_found(str(cid))
        return errors.ERR_BLOCKSTORE_NOT_FOUND

    # --- pins ---------------------------------------------------------------------------------

    def _descendants(self, root: CID) -> Iterator[CID]:
        return dagmod.descendants(self._get, root)

    def _pinned_keys(self) -> dict[bytes, str]:
        """CID bytes -> why ``block rm`` refuses it (boxo dspinner ``CheckIfPinned``: recursive,
        then direct, then indirect through the first recursive root found). The pinner compares
        whole CIDs at every version (``c.KeyString()`` indexes, a ``cid.Set`` of the children),
        so another CID of a pinned block's multihash is not pinned."""
        recursive, direct = self.pins.snapshot()
        out: dict[bytes, str] = {}
        for cid in recursive.values():
            out.setdefault(bytes(cid), errors.err_pinned("recursive"))
        for cid in direct.values():
            out.setdefault(bytes(cid), errors.err_pinned("direct"))
        for root in recursive.values():
            for child in self._descendants(root):
                out.setdefault(bytes(child), errors.err_pinned_via(str(root)))
        return out

    @_fetching
    def pin_add(self, *paths: "str | CID", recursive: bool = True) -> list[CID]:
        """``ipfs pin add``: one path at a time (core/commands/pin/pin.go ``pinAddMany``), each
        resolved, fetched whole (offline: the whole DAG must be present) and pinned; a failing
        path keeps the pins made before it."""
        cids = []
        for path in paths:
            cid = self.resolve(path)
            try:
                if recursive:
                    for _ in dagmod.walk(self._get, cid):
                        pass
                else:
                    self._get(cid)
            except IPFSError as exc:
                raise PinError(f"pin: {exc}") from None
            with self._lock:
                try:
                    self.pins.pin(cid, recursive)
                except PinError as exc:
                    raise PinError(f"pin: {exc}") from None
            cids.append(cid)
        return cids

    def pin_rm(self, *paths: "str | CID", recursive: bool = True) -> list[CID]:
        """``ipfs pin rm``: one path at a time (core/commands/pin/pin.go ``rmPinCmd`` calls
        ``api.Pin().Rm`` per path); a failing path keeps the removals made before it."""
        cids = []
        for path in paths:
            cid = self.resolve(path)
            with self._lock:
                self.pins.unpin(cid, recursive)
            cids.append(cid)
        return cids

    def pin_ls(self, *paths: "str | CID", type: str = "all") -> dict[str, str]:
        """``ipfs pin ls``: CID string -> pin type (``indirect through <cid>`` for a path).
        ``type`` is checked before any path is resolved, and every path is resolved before
        any is checked (core/commands/pin/pin.go ``listPinCmd``, ``pinLsKeys``)."""
        if type not in PIN_TYPES:
            raise PinError(errors.err_invalid_pin_type(type))
        if paths:
            cids = [self.resolve(path) for path in paths]
            out: dict[str, str] = {}
            for path, cid in zip(paths, cids):
                kind = self.pins.check(cid, type, self._descendants)
                if kind is None:
                    raise PinError(errors.err_path_not_pinned(str(path)))
                out[str(cid)] = kind
            return out
        return {str(cid): kind for cid, kind in self.pins.listing(type, self._descendants)}

    def pin_update(self, old: "str | CID", new: "str | CID", *, unpin: bool = True) -> tuple[CID, CID]:
        """``ipfs pin update`` (core/commands/pin/pin.go ``updatePinCmd``): both paths resolved,
        then dspinner ``Update`` checks ``old`` before it fetches the ``new`` DAG."""
        a, b = self.resolve(old), self.resolve(new)

        def fetch(cid: CID) -> None:
            for _ in dagmod.walk(self._get, cid):
                pass

        with self._lock:
            self.pins.update(a, b, unpin, fetch)
        return a, b

    def pin_verify(self) -> Iterator[tuple[CID, list[tuple[CID, str]]]]:
        """``ipfs pin verify``: each recursive pin with the nodes that are missing or corrupt.
        Raw blocks are never fetched (core/commands/pin/pin.go ``pinVerify`` walks with
        ``merkledag.GetLinksWithDAG``, whose ``GetLinks`` skips ``cid.Raw``)."""
        recursive, _ = self.pins.snapshot()
        for root in recursive.values():
            bad: list[tuple[CID, str]] = []
            for cid in dagmod.walk_present(self._get, root):
                if cid.codec.code == dagmod.RAW:
                    continue
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
        """``ipfs repo gc`` (kubo gc/gc.go ``GC``): remove every block that no pin keeps
        (:func:`fakeipfs.dag.colored_set` by store key; a pinned block that cannot be fetched
        aborts gc before anything is removed). Removed blocks are reported as the blockstore's
        ``AllKeysChan`` names them (:meth:`~fakeipfs.blockstore.Blockstore.keys`): CIDv1 raw
        from kubo 0.12, the CIDs they were stored under before."""
        with self._lock:
            recursive, direct = self.pins.snapshot()
            from . import mfs
            store = self.blockstore
            keep = dagmod.colored_set(self._get, recursive.values(), direct.values(),
                                      [mfs.of(self).root_cid()], key=store.key)
            removed: list[CID] = []
            for cid in list(store.keys()):
                if store.key(cid) not in keep:
                    store.delete(cid)
                    removed.append(cid)
            return removed

    def client(self, **kwargs):
        """A genuine ``ipfshttpclient.Client`` wired to this node in-process
        (:func:`fakeipfs.transport.client`)."""
        from .transport import client
        return client(self, **kwargs)

    # --- test harness: reset, snapshot, restore ------------------------------------------------

    def _require_memory(self, what: str) -> None:
        if self.repo is not None:
            raise ValueError(f"Node.{what}: only an in-memory node can be {what} (this one keeps "
                             f"its state in the repo {self.repo}); make a new Node on a fresh directory")

    def reset(self) -> None:
        """Make this in-memory node a fresh one of the same kubo version: no pins, keys, IPNS
        records or requests logged, no block but the empty MFS root (as a new node has); a new
        identity (made again from its seed if it had one) and default config but for
        ``Addresses.Swarm`` (where it listens: a network node keeps its address). Pubsub
        subscriptions are closed (their readers end); the pubsub stays on its network
        (:meth:`~fakeipfs.pubsub.PubSub.reset`).
        Objects holding the node (clients, daemon) keep working with it. Call it with no
        request in flight. A repo-backed node is refused (``ValueError``)."""
        self._require_memory("reset")
        from . import config, identity, mfs
        old_pubsub = self.__dict__.get("_pubsub")
        seed = getattr(self.__dict__.get("_identity"), "seed", None)
        swarm = config.of(self).get("Addresses.Swarm")
        with self._lock:
            for name in list(self.__dict__):
                if name not in ("kubo_version", "repo", "sharding_enabled", "_lock", "exchange", "_pubsub"):
                    del self.__dict__[name]
            self.blockstore = MemoryBlockstore(cid_keys=not self.kubo_version.multihash_keyed_blockstore)
            self.pins = Pinner()
            self._journals = _Journals(self.blockstore)
            mfs.of(self)  # a fresh node's MFS root, as __init__ stores it
            if seed is not None:
                identity.of(self, seed)
            config.of(self).set("Addresses.Swarm", swarm)
        if old_pubsub is not None:
            old_pubsub.reset()

    def snapshot(self) -> NodeSnapshot:
        """The in-memory node's state, for :meth:`restore` (live pubsub subscriptions and the
        request log are not part of it). A repo-backed node is refused (``ValueError``)."""
        self._require_memory("snapshot")
        from . import mfs
        with self._lock:
            state = self.__dict__
            recursive, direct = self.pins.snapshot()
            config = state.get("_config")
            keys = state.get("_keystore")
            names = state.get("_ipns")
            return NodeSnapshot(
                self.kubo_version, dict(self.blockstore._blocks), recursive, direct,  # type: ignore[attr-defined]
                mfs.of(self).root_cid(), state.get("_identity"),
                config.data if config is not None else None,
                (dict(keys._keys), keys._generated) if keys is not None else None,
                dict(names._records) if names is not None else None)

    def restore(self, snapshot: NodeSnapshot) -> None:
        """Put back what :meth:`snapshot` saved (a snapshot of this or another in-memory node of
        the same kubo version; another version is refused with ``ValueError``)."""
        self._require_memory("restored")
        if not isinstance(snapshot, NodeSnapshot):
            raise TypeError(f"Node.restore expects a NodeSnapshot, not {type(snapshot).__name__}")
        if snapshot.kubo_version != self.kubo_version:
            raise ValueError(f"Node.restore: the snapshot is of a kubo {snapshot.kubo_version} node, "
                             f"this node emulates kubo {self.kubo_version}")
        from . import config as configmod, ipns, keystore, mfs
        with self._lock:
            for name in _SNAPSHOT_ATTRS:
                self.__dict__.pop(name, None)
            if snapshot.identity is not None:
                self.__dict__["_identity"] = snapshot.identity
            if snapshot.config is not None:
                self.__dict__["_config"] = configmod.Config(self, copy.deepcopy(snapshot.config))
            if snapshot.mfs_root is not None:
                mfs.of(self)._root = snapshot.mfs_root  # its empty-root block is replaced below
            if snapshot.keys is not None:
                keys = keystore.of(self)
                keys._keys, keys._generated = dict(snapshot.keys[0]), snapshot.keys[1]
            if snapshot.ipns is not None:
                ipns.of(self)._records = dict(snapshot.ipns)
            with self.blockstore._lock:  # type: ignore[attr-defined]
                self.blockstore._blocks = dict(snapshot.blocks)  # type: ignore[attr-defined]
            with self.pins._lock:
                self.pins.recursive, self.pins.direct = dict(snapshot.recursive), dict(snapshot.direct)

    def repo_stat(self) -> dict:
        count, size = self.blockstore.stat()
        return {"RepoSize": size, "StorageMax": 10_000_000_000, "NumObjects": count,
                "RepoPath": self.repo or "",
                "Version": f"fs-repo@{self.kubo_version.repo_version}"}
