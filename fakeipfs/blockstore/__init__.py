"""Blockstores keyed as kubo keys them: by multihash from 0.12, so the CIDv0 and CIDv1 of the
same bytes are one block; before, by the whole CID, so they are two (docs/changelogs/v0.12.md
"Blockstore migration from full CID to Multihash keys": go-ipfs-blockstore v1 ``MultihashToDsKey``
vs v0.2 ``dshelp.CidToDsKey``). A store is made with ``cid_keys=True`` for a kubo before 0.12
(:attr:`fakeipfs.versions.KuboVersion.multihash_keyed_blockstore`).

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
    """The store key of a CID from kubo 0.12: its multihash bytes."""
    return bytes(cid.digest)


def _cid_bytes(cid: CID) -> bytes:
    """The store key of a CID before kubo 0.12: go-cid ``Cid.Bytes()`` (for a CIDv0, the
    multihash, so CIDv0 blocks have the same key either way)."""
    return bytes(cid)


def _key_cid(key: bytes) -> "CID | None":
    """go-cid ``Cast`` of a whole-CID key (a 34-byte sha2-256 multihash is a CIDv0; a CIDv1 prints
    in base32, as go-cid ``String`` does); None for bytes that are no CID."""
    try:
        cid = CID.decode(key)
    except Exception:
        return None
    return cid if cid.version == 0 else cid.set(base="base32")


def identity_bytes(cid: CID) -> "bytes | None":
    """The inlined bytes of an identity CID, or None for a hashed CID."""
    if cid.hashfun.code == IDENTITY:
        return bytes(cid.raw_digest)
    return None


class Blockstore(ABC):
    """put/get/has/delete of blocks by CID, keyed by multihash (or, with ``cid_keys``, by the
    whole CID); thread-safe in each backend."""

    def __init__(self, *, cid_keys: bool = False) -> None:
        self.cid_keys = cid_keys
        #: The store key of a CID (:func:`_mh`, or :func:`_cid_bytes` with ``cid_keys``).
        self.key = _cid_bytes if cid_keys else _mh

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
        self._put(self.key(cid), data)

    def put_parts(self, cid: CID, parts: Sequence[bytes]) -> None:
        """Store a block given as parts (the importer's leaves), joining them once."""
        if cid.hashfun.code == IDENTITY:
            return
        key = self.key(cid)
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
        data = self._get(self.key(cid))
        if data is None:
            raise NotFound(err_not_found_offline(str(cid)))
        return data

    def has(self, cid: CID) -> bool:
        return cid.hashfun.code == IDENTITY or self._size(self.key(cid)) is not None

    def size(self, cid: CID) -> int:
        inline = identity_bytes(cid)
        if inline is not None:
            return len(inline)
        size = self._size(self.key(cid))
        if size is None:
            raise NotFound(err_not_found_offline(str(cid)))
        return size

    def delete(self, cid: CID) -> bool:
        """Remove a block; False if it was not there."""
        return self._delete(self.key(cid))

    def keys(self) -> Iterator[CID]:
        """Every stored block as its key's CID, as kubo's ``AllKeysChan`` returns them: CIDv1 raw
        from a multihash key, the CID itself from a whole-CID key (``dshelp.DsKeyToCid``; a key
        that is no CID is skipped, as go-ipfs-blockstore logs and skips it)."""
        if not self.cid_keys:
            for key in list(self._keys()):
                yield CID("base32", 1, "raw", key)
            return
        for key in list(self._keys()):
            cid = _key_cid(key)
            if cid is not None:
                yield cid

    def multihashes(self) -> Iterator[bytes]:
        """The multihash of every stored block (twice for the two CIDs of one multihash in a
        whole-CID-keyed store)."""
        if not self.cid_keys:
            return iter(list(self._keys()))
        return (bytes(cid.digest) for cid in self.keys())

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
