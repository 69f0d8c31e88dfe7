"""In-memory blockstore (the default for in-process nodes)."""
from __future__ import annotations

import threading
from typing import Iterator, Sequence

from multiformats import CID

from . import IDENTITY, Blockstore


class MemoryBlockstore(Blockstore):
    """Blocks in a dict. A block given as parts (an importer leaf: framing, data, framing) is
    kept as those parts, so adding never copies file data; it is joined only when read whole."""

    #: The importer reads chunks into arenas for stores that keep them (chunker.fixed.Arena).
    retains_data = True

    def __init__(self, *, cid_keys: bool = False) -> None:
        super().__init__(cid_keys=cid_keys)
        self._blocks: dict[bytes, "bytes | tuple[bytes, ...]"] = {}
        self._lock = threading.Lock()

    def _put(self, key: bytes, data: bytes) -> None:
        with self._lock:
            self._blocks[key] = bytes(data)

    def put_parts(self, cid: CID, parts: Sequence[bytes]) -> None:
        if cid.hashfun.code == IDENTITY:
            return
        value = parts[0] if len(parts) == 1 and isinstance(parts[0], bytes) else tuple(parts)
        with self._lock:
            self._blocks.setdefault(self.key(cid), value)

    def get_parts(self, cid: CID) -> tuple[bytes, ...]:
        value = self._blocks.get(self.key(cid))
        if isinstance(value, tuple):
            return value
        return (self.get(cid),)

    def _get(self, key: bytes) -> "bytes | None":
        value = self._blocks.get(key)
        return b"".join(value) if isinstance(value, tuple) else value

    def _size(self, key: bytes) -> "int | None":
        value = self._blocks.get(key)
        if value is None:
            return None
        return sum(map(len, value)) if isinstance(value, tuple) else len(value)

    def _delete(self, key: bytes) -> bool:
        with self._lock:
            return self._blocks.pop(key, None) is not None

    def _keys(self) -> Iterator[bytes]:
        with self._lock:
            return iter(list(self._blocks))
