"""Chunkers, parsed from kubo's ``--chunker`` strings (boxo chunker/parse.go ``FromString``).

A chunker is an iterable of non-empty ``bytes`` chunks over a binary reader.
"""
from __future__ import annotations

from typing import BinaryIO, Iterable

from ... import errors
from ...errors import InvalidArgument
from ...versions import KuboVersion, DEFAULT_KUBO_VERSION
from .fixed import Arena, SizeSplitter

DEFAULT_BLOCK_SIZE = 256 * 1024  # boxo chunker/parse.go DefaultBlockSize


def _atoi(text: str) -> int:
    """Go's ``strconv.Atoi``: optional sign, decimal digits only."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isdigit() or not body.isascii():
        raise InvalidArgument(errors.err_atoi(text))
    return int(text)


def validate(spec: str, kubo_version: "str | KuboVersion" = DEFAULT_KUBO_VERSION) -> None:
    """Raise kubo's error for a bad chunker string, without reading any data."""
    from_string(None, spec, kubo_version)  # type: ignore[arg-type]


def from_string(reader: BinaryIO, spec: str,
                kubo_version: "str | KuboVersion" = DEFAULT_KUBO_VERSION,
                arena: "Arena | None" = None) -> Iterable[bytes]:
    """Build the splitter kubo builds for ``spec`` (``size-N``, ``rabin[-AVG|-MIN-AVG-MAX]``,
    ``buzhash``), raising kubo's exact error for a malformed or out-of-bounds string.
    ``arena`` (fixed-size chunks only) is where chunks that will be kept in memory are read."""
    limit = KuboVersion.parse(kubo_version).chunk_size_limit
    if spec in ("", "default"):
        return SizeSplitter(reader, DEFAULT_BLOCK_SIZE, arena)
    name = spec.split("-", 1)[0]
    if name == "size":
        parts = spec.split("-")
        if len(parts) != 2:
            raise InvalidArgument(errors.ERR_CHUNKER_FORMAT_SIZE)
        size = _atoi(parts[1])
        if size <= 0:
            raise InvalidArgument(errors.ERR_CHUNKER_SIZE)
        if size > limit:
            raise InvalidArgument(errors.err_chunker_size_max(limit))
        return SizeSplitter(reader, size, arena)
    if name == "rabin":
        return _parse_rabin(reader, spec, limit)
    if name == "buzhash":
        from .buzhash import Buzhash
        return Buzhash(reader)
    raise InvalidArgument(errors.err_unrecognized_chunker(spec))


def _labelled(part: str, label: str, error: str) -> int:
    sub = part.split(":")
    if len(sub) > 1 and sub[0] != label:
        raise InvalidArgument(error)
    return _atoi(sub[-1])


def _parse_rabin(reader: BinaryIO, spec: str, limit: int) -> Iterable[bytes]:
    from .rabin import Rabin
    parts = spec.split("-")
    if len(parts) == 1:
        avg = DEFAULT_BLOCK_SIZE
        return Rabin(reader, avg // 3, avg, avg + avg // 2)
    if len(parts) == 2:
        avg = _atoi(parts[1])
        # parse.go: int(float32(size)*1.5) > ChunkSizeLimit
        if int(avg * 1.5) > limit:
            raise InvalidArgument(errors.err_chunker_size_max(limit))
        return Rabin(reader, avg // 3, avg, avg + avg // 2)
    if len(parts) == 4:
        lo = _labelled(parts[1], "min", errors.ERR_RABIN_LABEL_MIN)
        if lo < 16:
            raise InvalidArgument(errors.ERR_RABIN_MIN)
        avg = _labelled(parts[2], "avg", errors.ERR_RABIN_LABEL_AVG)
        hi = _labelled(parts[3], "max", errors.ERR_RABIN_LABEL_MAX)
        if lo >= avg:
            raise InvalidArgument(errors.ERR_RABIN_MIN_AVG)
        if avg >= hi:
            raise InvalidArgument(errors.ERR_RABIN_AVG_MAX)
        if hi > limit:
            raise InvalidArgument(errors.err_chunker_size_max(limit))
        return Rabin(reader, lo, avg, hi)
    raise InvalidArgument(errors.ERR_CHUNKER_FORMAT_RABIN)


def typical_size(spec: str) -> int:
    """Roughly how large the chunks of a (valid) chunker string are, to decide whether
    hashing them on worker threads pays off."""
    parts = spec.split("-")
    if spec in ("", "default") or parts[0] == "buzhash" or spec == "rabin":
        return DEFAULT_BLOCK_SIZE
    try:
        if parts[0] == "size":
            return int(parts[1])
        if parts[0] == "rabin":
            return int(parts[1] if len(parts) == 2 else parts[2].split(":")[-1])
    except (IndexError, ValueError):
        pass
    return 0
