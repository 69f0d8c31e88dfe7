"""Fixed-size chunker (``size-N``, the default ``size-262144``).

boxo chunker/splitting.go ``sizeSplitterv2``: every chunk is exactly N bytes except the last,
which is shorter; an empty input yields no chunk at all.
"""
from __future__ import annotations

from typing import BinaryIO, Iterator


class SizeSplitter:
    """Yields ``size``-byte chunks read from ``reader`` (one ``readinto`` per chunk)."""

    def __init__(self, reader: BinaryIO, size: int) -> None:
        self.reader = reader
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
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
