"""In-memory blockstore (the default for in-process nodes)."""
from __future__ import annotations

import threading
from typing import Iterator

from . import Blockstore


class MemoryBlockstore(Blockstore):
    def __init__(self) -> None:
        self._blocks: dict[bytes, bytes] = {}
        self._lock = threading.Lock()

    def _put(self, key: bytes, data: bytes) -> None:
        with self._lock:
            self._blocks[key] = bytes(data)

    def _get(self, key: bytes) -> "bytes | None":
        return self._blocks.get(key)

    def _size(self, key: bytes) -> "int | None":
        data = self._blocks.get(key)
        return None if data is None else len(data)

    def _delete(self, key: bytes) -> bool:
        with self._lock:
            return self._blocks.pop(key, None) is not None

    def _keys(self) -> Iterator[bytes]:
        with self._lock:
            return iter(list(self._blocks))
