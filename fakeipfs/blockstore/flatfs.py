"""On-disk blockstore laid out like kubo's flatfs (``blocks/`` in the repo).

kubo's default datastore spec (kubo config/init.go ``flatfsSpec``) is
``/repo/flatfs/shard/v1/next-to-last/2``: each block is ``blocks/<XY>/<KEY>.data`` where KEY is
the store key in upper-case unpadded base32 and XY its next-to-last two characters: the multihash
from kubo 0.12 (go-ipfs-ds-help v1 ``MultihashToDsKey``), the whole CID before (v0.1
``CidToDsKey``: ``base32.RawStdEncoding`` of ``Cid.Bytes()``, ``CIQ...`` for a CIDv0 either way,
``AFY...`` for a CIDv1). Writes go to a temporary file that is renamed into place,
so a crash never leaves a partial block (go-ds-flatfs does the same).
"""
from __future__ import annotations

import base64
import os
import threading
from typing import Iterator, Sequence

from multiformats import CID

from . import IDENTITY, Blockstore

SHARDING = "/repo/flatfs/shard/v1/next-to-last/2\n"


def _key_name(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


class FlatfsBlockstore(Blockstore):
    def __init__(self, path: "str | os.PathLike[str]", *, sync: bool = False,
                 cid_keys: bool = False) -> None:
        super().__init__(cid_keys=cid_keys)
        self.path = os.fspath(path)
        self.sync = sync
        self._lock = threading.Lock()
        self._dirs: set[str] = set()
        os.makedirs(self.path, exist_ok=True)
        marker = os.path.join(self.path, "SHARDING")
        if not os.path.exists(marker):
            self._atomic_write(marker, SHARDING.encode())

    def _file(self, key: bytes) -> str:
        name = _key_name(key)
        shard = name[-3:-1] if len(name) >= 3 else "_" + name[-2:-1]
        return os.path.join(self.path, shard, name + ".data")

    def _atomic_write(self, path: str, data: "bytes | Sequence[bytes]") -> None:
        """Write to a temporary name in the same directory, then rename over ``path``: a
        reader sees the whole block or none of it. ``os.writev`` writes a leaf's parts with
        no join and without holding the GIL."""
        directory = os.path.dirname(path)
        if directory not in self._dirs:
            os.makedirs(directory, exist_ok=True)
            self._dirs.add(directory)
        tmp = os.path.join(directory, f".put-{threading.get_ident()}-{os.path.basename(path)}")
        parts = [data] if isinstance(data, (bytes, bytearray, memoryview)) else list(data)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            try:
                views = [memoryview(p) for p in parts if len(p)]
                while views:
                    written = os.writev(fd, views)
                    while views and written >= len(views[0]):
                        written -= len(views[0])
                        views.pop(0)
                    if views and written:
                        views[0] = views[0][written:]
                if self.sync:
                    os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def _put(self, key: bytes, data: bytes) -> None:
        path = self._file(key)
        if os.path.exists(path):
            return
        self._atomic_write(path, bytes(data))

    def put_parts(self, cid: CID, parts: Sequence[bytes]) -> None:
        """Write a block from its parts without joining them first; a block already there is
        left as it is (go-ds-flatfs ``Put`` does not rewrite an existing key)."""
        if cid.hashfun.code == IDENTITY:
            return
        path = self._file(self.key(cid))
        if not os.path.exists(path):
            self._atomic_write(path, parts)

    def _get(self, key: bytes) -> "bytes | None":
        try:
            with open(self._file(key), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def _size(self, key: bytes) -> "int | None":
        try:
            return os.stat(self._file(key)).st_size
        except FileNotFoundError:
            return None

    def _delete(self, key: bytes) -> bool:
        try:
            os.unlink(self._file(key))
            return True
        except FileNotFoundError:
            return False

    def _keys(self) -> Iterator[bytes]:
        out = []
        for shard in sorted(os.listdir(self.path)):
            shard_dir = os.path.join(self.path, shard)
            if not os.path.isdir(shard_dir):
                continue
            for name in os.listdir(shard_dir):
                if not name.endswith(".data") or name.startswith("."):
                    continue
                stem = name[:-5]
                try:
                    out.append(base64.b32decode(stem + "=" * (-len(stem) % 8)))
                except ValueError:
                    continue
        return iter(out)
