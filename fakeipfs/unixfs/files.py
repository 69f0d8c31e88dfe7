"""Input trees for ``add``: the Python counterpart of boxo ``files.Node``.

A request to ``add`` is a list of top-level entries, each a :class:`File`, :class:`Symlink` or
:class:`Directory`. The CLI builds them from the file system (:func:`from_path`, as boxo
``files.NewSerialFile`` does); the RPC layer builds them from multipart parts, as they arrive: a
directory's ``entries`` may then be a lazily extended sequence, and a :class:`Listing` carries the
request's top-level entries before they are all known.
"""
from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Optional, Union

Mtime = tuple[int, int]  # (seconds, nanoseconds)


@dataclass
class File:
    name: str
    open: Callable[[], BinaryIO]
    mode: int = 0  # unix permission bits (st_mode & 0o7777), 0 = unknown
    mtime: Optional[Mtime] = None

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> "File":
        return cls(name, lambda: io.BytesIO(data))


@dataclass
class Symlink:
    name: str
    target: str
    mode: int = 0
    mtime: Optional[Mtime] = None


@dataclass
class Directory:
    name: str
    #: In order; walked once, front to back, by ``add`` (a live request extends it as it is walked).
    entries: Iterable["Entry"] = field(default_factory=list)
    mode: int = 0
    mtime: Optional[Mtime] = None


@dataclass
class Listing(Directory):
    """Top-level entries handed to ``add`` as one source, each added as if passed on its own:
    boxo's ``req.Files``, the directory of a request's parts whose entries kubo
    core/commands/add.go adds one by one. The RPC layer passes a request this way, so that the
    first entry is added while the later ones are still arriving. ``name`` is unused."""


Entry = Union[File, Symlink, Directory]


def _stat_meta(st: os.stat_result) -> tuple[int, Mtime]:
    return stat.S_IMODE(st.st_mode), (int(st.st_mtime_ns // 1_000_000_000), st.st_mtime_ns % 1_000_000_000)


def from_path(path: "str | os.PathLike[str]", *, recursive: bool = False, hidden: bool = False,
              dereference: bool = False, name: Optional[str] = None) -> Entry:
    """Read ``path`` as ``ipfs add`` does (boxo files/serialfile.go): directory entries in
    name order, dot-files skipped unless ``hidden``, symlinks kept as symlinks unless
    ``dereference``. A directory without ``recursive`` is kubo's
    "cannot add directory without -r" (raised by the caller, which knows the CLI wording)."""
    path = os.fspath(path)
    st = os.stat(path) if dereference else os.lstat(path)
    entry_name = name if name is not None else os.path.basename(os.path.normpath(path))
    mode, mtime = _stat_meta(st)
    if stat.S_ISLNK(st.st_mode):
        return Symlink(entry_name, os.readlink(path), mode, mtime)
    if stat.S_ISDIR(st.st_mode):
        if not recursive:
            raise IsADirectoryError(path)
        entries: list[Entry] = []
        for child in sorted(os.listdir(path)):
            if not hidden and child.startswith("."):
                continue
            entries.append(from_path(os.path.join(path, child), recursive=True, hidden=hidden,
                                     dereference=dereference, name=child))
        return Directory(entry_name, entries, mode, mtime)
    return File(entry_name, lambda: open(path, "rb"), mode, mtime)


class NoClose(io.RawIOBase):
    """Wraps a caller's stream (stdin, a file object handed to ``add``) so that the importer
    closing its reader leaves the caller's stream open."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._stream.read(n)

    def close(self) -> None:
        pass
