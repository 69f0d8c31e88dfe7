"""``ipfs add``: kubo core/coreunix/add.go (``Adder``) over boxo's builders.

Each top-level entry is imported on its own (core/commands/add.go loops over the request's
entries; ``--wrap-with-directory`` makes the whole request one unnamed directory). Files are
chunked and laid out (balanced or trickle); directories are assembled as kubo's in-memory MFS
root assembles them, then emitted post-order (``outputDirs``). Event names follow add.go:
a named top-level file reports its own name, everything else ``path.Join(top, name)``; an unnamed
file (bytes, a stream) is named by its CID string, also inside the wrapper (``addNode``).
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Union

from multiformats import CID

from ..codecs import dagpb
from ..codecs.unixfs_pb import DataType, FSData
from ..hashing import DAG_PB
from . import chunker as chunkers
from . import directory
from .dagbuilder import PARALLEL_MIN_CHUNK, BlockSink, Built, DagBuilder
from .files import Directory, Entry, File, Listing, Symlink
from .layout import balanced, trickle
from .options import AddOptions, Settings


@dataclass(frozen=True)
class AddEvent:
    """One line of ``ipfs add`` output: ``Name``, ``Hash`` (the CID) and ``Size`` (the
    cumulative DAG size, a decimal string on the wire). ``mode``/``mtime`` are reported only
    when UnixFS metadata was requested (kubo HEAD add.go)."""

    name: str
    cid: CID
    size: int
    mode: Optional[int] = None
    mtime: Optional[tuple[int, int]] = None


@dataclass
class _Dir:
    """A directory of the import's MFS root, while it is being filled."""

    mode: int = 0
    mtime: Optional[tuple[int, int]] = None
    children: dict[str, Union["_Dir", Built]] = field(default_factory=dict)


def _top_level(entries: Iterable[Entry]) -> Iterator[Entry]:
    """The top-level entries, a :class:`~.files.Listing`'s each in its place."""
    for entry in entries:
        if isinstance(entry, Listing):
            yield from entry.entries
        else:
            yield entry


def _join(*parts: str) -> str:
    """Go's ``path.Join`` for the relative names the importer reports (empty parts dropped)."""
    return posixpath.normpath("/".join(p for p in parts if p)) if any(parts) else ""


class Importer:
    """Imports entries into ``sink`` with resolved :class:`Settings`, reporting :class:`AddEvent`s."""

    def __init__(self, settings: Union[Settings, AddOptions], sink: BlockSink,
                 on_event: Optional[Callable[[AddEvent], None]] = None, *,
                 sharding_enabled: bool = False) -> None:
        self.settings = settings.resolve() if isinstance(settings, AddOptions) else settings
        self.sink = sink
        self.on_event = on_event
        self.sharding_enabled = sharding_enabled
        self.events: list[AddEvent] = []
        # Chunks an in-memory blockstore keeps are read into arenas (see chunker.fixed.Arena).
        self._arena = chunkers.Arena() if getattr(sink, "retains_data", False) else None

    # --- public -------------------------------------------------------------------------------

    def add(self, entries: Iterable[Entry]) -> list[Built]:
        """Import each top-level entry (or all of them wrapped); return the roots kubo pins.

        Entries are taken in order, each one imported before the next is asked for, so a
        :class:`~.files.Listing` (a request still arriving) is read as it comes."""
        top = _top_level(entries)
        if self.settings.wrap:
            top = iter((Directory("", top),))
        return [self._add_top(entry) for entry in top]

    # --- files --------------------------------------------------------------------------------

    def _attributes(self, entry: Entry) -> tuple[int, Optional[tuple[int, int]]]:
        s = self.settings
        mode = entry.mode if s.preserve_mode else s.mode
        mtime = entry.mtime if s.preserve_mtime else s.mtime
        return mode or 0, mtime

    def import_file(self, entry: File) -> Built:
        """``Adder.add``: chunk, lay out, attach mode/mtime to a dag-pb root, store the root."""
        s = self.settings
        reader = entry.open()
        try:
            chunks = chunkers.from_string(reader, s.chunker, s.kubo_version, self._arena)
            mode, mtime = self._attributes(entry)
            db = DagBuilder(chunks, s.builder, s.raw_leaves, s.max_links, self.sink,
                            s.kubo_version.block_size_limit,
                            DataType.Raw if s.trickle else DataType.File,
                            parallel=chunkers.typical_size(s.chunker) >= PARALLEL_MIN_CHUNK,
                            store_leaves=not (mode or mtime is not None))
            try:
                root = trickle.layout(db) if s.trickle else balanced.layout(db)
            finally:
                db.close()
            if mode or mtime is not None:
                root = db.with_attributes(root, mode, mtime)
            db.store(root)
            return root
        finally:
            reader.close()

    def import_symlink(self, entry: Symlink) -> Built:
        """``addSymlink``: ``SymlinkData(target)``, with mtime (never mode) when requested."""
        fsdata = FSData(DataType.Symlink, data=entry.target.encode("utf-8", "surrogateescape"))
        _, mtime = self._attributes(entry)
        if mtime is not None:
            fsdata.mtime = (mtime[0], mtime[1] or None)
        block = dagpb.encode(dagpb.PBNode((), fsdata.encode()))
        built = Built(self.settings.builder.cid(DAG_PB, block), len(block), 0, (block,))
        self.sink.put_parts(built.cid, built.parts)
        return built

    def _import_leaf(self, entry: Union[File, Symlink]) -> Built:
        return self.import_symlink(entry) if isinstance(entry, Symlink) else self.import_file(entry)

    # --- top level ----------------------------------------------------------------------------

    def _emit(self, top: Entry, is_dir: bool, name: str, built: Built) -> None:
        if not is_dir and top.name != "":
            shown = top.name
        else:
            shown = _join(top.name, name)
        s = self.settings
        meta = s.preserve_mode or s.preserve_mtime or s.mode or s.mtime is not None
        event = AddEvent(shown, built.cid, built.tsize,
                         (top.mode or s.mode or None) if meta else None,
                         (top.mtime if s.preserve_mtime else s.mtime) if meta else None)
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)

    def _add_top(self, top: Entry) -> Built:
        if not isinstance(top, Directory):
            built = self._import_leaf(top)
            self._emit(top, False, built.cid.encode() if top.name == "" else top.name, built)
            return built
        mode, mtime = self._attributes(top)
        root = _Dir(mode, mtime)
        self._fill(top, root, "", top)
        return self._output_dirs(top, "", root)

    def _fill(self, source: Directory, target: _Dir, path: str, top: Entry) -> None:
        """``addDir``: add entries in request order, emitting each file as it is stored."""
        for entry in source.entries:
            child_path = _join(path, entry.name)
            if isinstance(entry, Directory):
                if not entry.entries and not self.settings.empty_dirs:
                    continue
                mode, mtime = self._attributes(entry)
                sub = target.children.get(entry.name)
                if not isinstance(sub, _Dir):
                    sub = _Dir(mode, mtime)
                    target.children[entry.name] = sub
                self._fill(entry, sub, child_path, top)
            else:
                built = self._import_leaf(entry)
                name = entry.name
                if child_path == "":
                    # core/coreunix/add.go addNode: `if path == "" { path = node.Cid().String() }`
                    # (an unnamed file in the --wrap-with-directory wrapper)
                    child_path = name = built.cid.encode()
                target.children[name] = built
                self._emit(top, True, child_path, built)

    def _output_dirs(self, top: Entry, path: str, node: _Dir) -> Built:
        """``outputDirs``: build and report directories children-first, names in order."""
        built_children: dict[str, Built] = {}
        for name in sorted(node.children, key=lambda n: n.encode("utf-8", "surrogateescape")):
            child = node.children[name]
            if isinstance(child, _Dir):
                child = self._output_dirs(top, _join(path, name), child)
            built_children[name] = child
        s = self.settings
        built = directory.build(built_children, s.builder, self.sink, s.kubo_version,
                                mode=node.mode, mtime=node.mtime,
                                sharding_enabled=self.sharding_enabled)
        self._emit(top, True, path, built)
        return built


def add(entries: Iterable[Entry], options: Optional[AddOptions] = None,
        sink: Optional[BlockSink] = None, **kwargs) -> list[AddEvent]:
    """Import ``entries`` with ``ipfs add`` options; return the events (the last is the root)."""
    from .dagbuilder import NullSink
    opts = options or AddOptions(**kwargs)
    importer = Importer(opts, sink or NullSink())
    importer.add(entries)
    return importer.events
