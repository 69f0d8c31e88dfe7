"""``ipfs get`` archives: boxo ``files/tarwriter.go`` as kubo core/commands/get.go drives it.

Entries are written pre-order under ``basename(clean(path))``; modes come from UnixFS mode
or default to 0644 files, 0755 directories, 0777 symlinks (``UnixPermsOrDefault``); without
a stored mtime kubo stamps ``time.Now()``. Without ``archive`` kubo uses PAX headers; the
stream ends with two zero blocks, as Go's ``tar.Writer.Close`` writes them.
"""
from __future__ import annotations

import tarfile
import time
import zlib
from typing import Iterator, Optional

from multiformats import CID

from . import exporter

BLOCK = 512
ERR_COMPRESSION_LEVEL = "compression level must be between 1 and 9"  # kubo get.go


class _GoTarInfo(tarfile.TarInfo):
    """A header named exactly as given: boxo files/tarwriter.go ``writeHeader`` sets
    ``Name: fpath`` and Go's ``tar.Writer.WriteHeader`` writes it as is, where Python's
    ``TarInfo.get_info`` would append "/" to a directory's name."""

    def get_info(self) -> dict:
        info = super().get_info()
        info["name"] = self.name
        return info


def _info(name: str, node: exporter.Node, size: int) -> tarfile.TarInfo:
    info = _GoTarInfo(name)
    fs = node.fs
    perms = (fs.mode or 0) & 0o7777 if fs is not None else 0
    mtime = fs.mtime if fs is not None else None
    info.mtime = (mtime[0] + (mtime[1] or 0) / 1e9) if mtime else time.time()
    if node.kind == "directory":
        info.type = tarfile.DIRTYPE
        info.mode = perms or 0o755
    elif node.kind == "symlink":
        info.type = tarfile.SYMTYPE
        info.linkname = (fs.data or b"").decode("utf-8", "surrogateescape")  # type: ignore[union-attr]
        info.mode = perms or 0o777
    else:
        info.type = tarfile.REGTYPE
        info.size = size
        info.mode = perms or 0o644
    return info


def tar_stream(get: exporter.Getter, cid: CID, name: str, *, pax: bool = True) -> Iterator[bytes]:
    """The tar stream of the UnixFS node ``cid`` named ``name``, produced block by block."""
    fmt = tarfile.PAX_FORMAT if pax else tarfile.GNU_FORMAT
    for path, node in exporter.walk(get, cid, name):
        size = node.size if node.kind == "file" else 0
        yield _info(path, node, size).tobuf(fmt, "utf-8", "surrogateescape")
        if node.kind == "file":
            for piece in exporter.cat(get, node.cid):
                yield piece
            if size % BLOCK:
                yield bytes(BLOCK - size % BLOCK)
    yield bytes(2 * BLOCK)


def gzip_stream(chunks: Iterator[bytes], level: int) -> Iterator[bytes]:
    """Go ``compress/gzip`` framing around ``chunks`` at ``level`` (-1 = default)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


def compression_level(compress: bool, level: Optional[int]) -> int:
    """kubo get.go ``getCompressOptions``: 0 = none, -1 = gzip default."""
    if not compress:
        return 0
    if level is None:
        return -1
    if level < 1 or level > 9:
        from ..errors import InvalidArgument
        raise InvalidArgument(ERR_COMPRESSION_LEVEL)
    return level


def archive(get: exporter.Getter, cid: CID, name: str, *, archive: bool = False,
            compress: bool = False, level: Optional[int] = None) -> Iterator[bytes]:
    """kubo ``fileArchive``: tar (PAX unless ``archive``), optionally gzipped; a file with
    ``compress`` and no ``archive`` is gzipped bare."""
    lvl = compression_level(compress, level)
    if not archive and lvl != 0:
        node = exporter.load(get, cid)
        if node.kind != "file":
            from ..errors import IPFSError
            raise IPFSError("file is not regular")
        return gzip_stream(exporter.cat(get, cid), lvl)
    stream = tar_stream(get, cid, name, pax=not archive)
    return gzip_stream(stream, lvl) if lvl != 0 else stream
