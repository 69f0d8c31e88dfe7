"""Fixed-size chunker (``size-N``, the default ``size-262144``).

boxo chunker/splitting.go ``sizeSplitterv2``: every chunk is exactly N bytes except the last,
which is shorter; an empty input yields no chunk at all.
"""
from __future__ import annotations

import io
import mmap
from typing import BinaryIO, Iterator, Optional, Union

Chunk = Union[bytes, memoryview]


class Arena:
    """Memory for chunks that an in-memory blockstore will keep.

    Reading each chunk into fresh heap memory costs a page fault per 4 KiB (and, with
    transparent huge pages, compaction stalls); chunks are instead read into slices of large
    anonymous mappings. A mapping is freed when no block refers to it any more.
    """

    SIZE = 64 * 1024 * 1024

    def __init__(self) -> None:
        self._view: Optional[memoryview] = None
        self._offset = 0

    def reserve(self, n: int) -> memoryview:
        """A writable slice of at least ``n`` bytes; call :meth:`commit` with the bytes used."""
        if self._view is None or self._offset + n > len(self._view):
            region = mmap.mmap(-1, max(self.SIZE, n), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            if hasattr(mmap, "MADV_NOHUGEPAGE"):
                region.madvise(mmap.MADV_NOHUGEPAGE)
            self._view = memoryview(region)
            self._offset = 0
        return self._view[self._offset:self._offset + n]

    def commit(self, n: int) -> memoryview:
        assert self._view is not None
        chunk = self._view[self._offset:self._offset + n].toreadonly()
        self._offset += n
        return chunk


class SizeSplitter:
    """Yields ``size``-byte chunks read from ``reader``; into an :class:`Arena` when given."""

    def __init__(self, reader: BinaryIO, size: int, arena: Optional[Arena] = None) -> None:
        self.reader = reader
        self.size = size
        self.arena = arena

    def __iter__(self) -> Iterator[Chunk]:
        if self.arena is not None:
            yield from self._into_arena(self.arena)
            return
        read = self.reader.read
        size = self.size
        while True:
            chunk = read(size)
            if not chunk:
                return
            # A short read is not EOF (pipes, sockets): keep filling, as io.ReadFull does.
            while len(chunk) < size:
                more = read(size - len(chunk))
                if not more:
                    yield chunk
                    return
                chunk += more
            yield chunk

    def _readinto(self, buf: memoryview) -> int:
        """``readinto`` where the reader has one, else ``read`` and copy."""
        try:
            return self.reader.readinto(buf)  # type: ignore[attr-defined]
        except (AttributeError, NotImplementedError, io.UnsupportedOperation):
            data = self.reader.read(len(buf))
            buf[:len(data)] = data
            return len(data)

    def _into_arena(self, arena: Arena) -> Iterator[Chunk]:
        readinto = self._readinto
        size = self.size
        while True:
            buf = arena.reserve(size)
            filled = 0
            while filled < size:
                n = readinto(buf[filled:])
                if not n:
                    break
                filled += n
            buf.release()
            if filled:
                yield arena.commit(filled)
            if filled < size:
                return
