"""Blockstores keyed by multihash, as kubo's has been since 0.12 (docs/changelogs/v0.12.md
"Blockstore keyed by multihash"): the CIDv0 and CIDv1 of the same bytes are one block.

Two backends share :class:`Blockstore`: :class:`MemoryBlockstore` (the default) and
:class:`FlatfsBlockstore` (a kubo-like ``blocks/`` directory with atomic writes).
Identity CIDs are never stored: their bytes are in the CID (boxo blockstore/idstore.go).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterator, Sequence

from multiformats import CID

from ..errors import NotFound, err_not_found_offline

IDENTITY = 0x00


def _mh(cid: CID) -> bytes:
    """The store key of a CID: its multihash bytes."""
    return bytes(cid.digest)


def identity_bytes(cid: CID) -> "bytes | None":
    """The inlined bytes of an identity CID, or None for a hashed CID."""
    if cid.hashfun.code == IDENTITY:
        return bytes(cid.raw_digest)
    return None


class Blockstore(ABC):
    """put/get/has/delete of blocks by CID, keyed by multihash; thread-safe in each backend."""

    @abstractmethod
    def _put(self, key: bytes, data: bytes) -> None: ...

    @abstractmethod
    def _get(self, key: bytes) -> "bytes | None": ...

    @abstractmethod
    def _delete(self, key: bytes) -> bool: ...

    @abstractmethod
    def _keys(self) -> Iterator[bytes]: ...

    @abstractmethod
    def _size(self, key: bytes) -> "int | None": ...

    def put(self, cid: CID, data: bytes) -> None:
        if cid.hashfun.code == IDENTITY:
            return
        self._put(_mh(cid), data)

    def put_parts(self, cid: CID, parts: Sequence[bytes]) -> None:
        """Store a block given as parts (the importer's leaves), joining them once."""
        if cid.hashfun.code == IDENTITY:
            return
        key = _mh(cid)
        if self._size(key) is None:
            self._put(key, parts[0] if len(parts) == 1 else b"".join(parts))

    def get_parts(self, cid: CID) -> tuple[bytes, ...]:
        """The block as the parts it was stored from (one part unless the backend kept them
        apart); lets readers use a leaf's data without joining it to its framing."""
        return (self.get(cid),)

    def get(self, cid: CID) -> bytes:
        """The block's bytes; a missing block is kubo's offline "not found locally" error."""
        inline = identity_bytes(cid)
        if inline is not None:
            return inline
        data = self._get(_mh(cid))
        if data is None:
            raise NotFound(err_not_found_offline(str(cid)))
        return data

    def has(self, cid: CID) -> bool:
        return cid.hashfun.code == IDENTITY or self._size(_mh(cid)) is not None

    def size(self, cid: CID) -> int:
        inline = identity_bytes(cid)
        if inline is not None:
            return len(inline)
        size = self._size(_mh(cid))
        if size is None:
            raise NotFound(err_not_found_offline(str(cid)))
        return size

    def delete(self, cid: CID) -> bool:
        """Remove a block; False if it was not there."""
        return self._delete(_mh(cid))

    def keys(self) -> Iterator[CID]:
        """Every stored block as a CIDv1 raw CID, as kubo's multihash-keyed
        ``AllKeysChan`` returns them."""
        for key in list(self._keys()):
            yield CID("base32", 1, "raw", key)

    def multihashes(self) -> Iterator[bytes]:
        return iter(list(self._keys()))

    def stat(self) -> tuple[int, int]:
        """(number of blocks, total bytes)."""
        count = total = 0
        for key in list(self._keys()):
            size = self._size(key)
            if size is not None:
                count += 1
                total += size
        return count, total


from .memory import MemoryBlockstore  # noqa: E402
from .flatfs import FlatfsBlockstore  # noqa: E402

__all__ = ["Blockstore", "MemoryBlockstore", "FlatfsBlockstore", "identity_bytes"]
