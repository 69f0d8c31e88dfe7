"""Rabin-fingerprint chunker (``rabin``, ``rabin-AVG``, ``rabin-MIN-AVG-MAX``).

kubo uses boxo ``chunker/rabin.go``, which wraps ``github.com/whyrusleeping/chunker``
(``chunker.go``) with the degree-53 polynomial ``IpfsRabinPoly = 17437180132763653`` and
``chunker.New(r, IpfsRabinPoly, fnv32a, avg, min, max)``. What that Go code does, and what this
port reproduces cut for cut:

* The fingerprint is the Rabin hash of a 16-byte sliding window: after byte ``b_j`` it equals
  ``sum(b_{j-k} * x**(8k) for k < 16) mod P`` over GF(2). ``reset()`` at each chunk start zeroes
  the window and digest (and slides in one ``0x01`` byte, which has left the window again before
  the first position that is tested).
* The first ``min - 16`` bytes of a chunk are not hashed at all (``c.pre``); hashing starts 16
  bytes before ``min``, so every tested digest covers exactly the last 16 bytes of the chunk.
* The split mask is ``2**floor(log2(avg)) - 1``; a chunk ends after the first byte at chunk length
  ``L >= min`` where ``digest & mask == 0``, or at ``L == max``, or at EOF (the last chunk is
  whatever remains; an empty input gives no chunk).
* ``c.pre`` is ``uint64(min - 16)``: for ``min < 16`` (reachable as ``rabin-N`` with
  ``N < 48``, e.g. ``rabin-0``) it wraps around, nothing is ever hashed, and the whole input comes
  out as a single chunk.

Because every tested digest is a function of the 16 bytes before the cut only, the digests for a
whole block are computed at once with numpy as an XOR of table entries (the hash is GF(2)-linear in
the window bytes), and cut points are then chosen sequentially with the min/max rules.
"""
from __future__ import annotations

import bisect
from functools import lru_cache
from typing import BinaryIO, Callable, Iterator, List

import numpy as np

IPFS_RABIN_POLY = 17437180132763653  # boxo chunker/rabin.go IpfsRabinPoly
WINDOW_SIZE = 16  # whyrusleeping/chunker chunker.go windowSize
READ_BLOCK = 1 << 20

Matcher = Callable[[np.ndarray], np.ndarray]


def _read_block(reader: BinaryIO, size: int) -> bytes:
    """Read up to ``size`` bytes, retrying short reads (like ``io.ReadFull``); b"" only at EOF."""
    first = reader.read(size)
    if not first or len(first) >= size:
        return bytes(first) if first else b""
    parts = [first]
    have = len(first)
    while have < size:
        more = reader.read(size - have)
        if not more:
            break
        parts.append(more)
        have += len(more)
    return b"".join(parts)


def content_defined_chunks(reader: BinaryIO, matcher: Matcher, window: int,
                           min_size: int, max_size: int,
                           block: int = READ_BLOCK) -> Iterator[bytes]:
    """Drive a windowed content-defined chunker over ``reader`` in bounded memory.

    ``matcher(arr)`` gets a uint8 array and returns the (ascending) indices ``j >= window - 1``
    such that the window ``arr[j - window + 1 : j + 1]`` is a split point. A chunk starting at
    ``s`` ends at the first split end ``e`` with ``s + min_size <= e <= s + max_size``, else at
    ``s + max_size``, else at EOF. Matching windows must lie inside the chunk, so
    ``min_size >= window`` is required.
    """
    assert min_size >= window and max_size >= min_size
    keep = window - 1
    pending = b""          # stream bytes [base, end): the unfinished chunk
    base = 0
    history = b""          # the last ``keep`` bytes of the stream
    ends: List[int] = []   # split ends e > base, ascending
    eof = False
    while not eof:
        data = _read_block(reader, block)
        if not data:
            eof = True
        else:
            joined = history + data
            end = base + len(pending)
            found = matcher(np.frombuffer(joined, dtype=np.uint8))
            if len(found):
                offset = end - len(history) + 1
                ends.extend((found + offset).tolist())
            history = joined[-keep:] if keep else b""
            pending += data
        end = base + len(pending)
        s = base
        k = 0
        out: List[bytes] = []
        while True:
            lo = s + min_size
            hi = s + max_size
            k = bisect.bisect_left(ends, lo, k)
            if k < len(ends) and ends[k] <= hi:
                cut = ends[k]
            elif hi <= end:
                cut = hi
            elif eof and end > s:
                cut = end
            else:
                break
            out.append(pending[s - base:cut - base])
            s = cut
        if s != base:
            pending = pending[s - base:]
            base = s
            del ends[:bisect.bisect_right(ends, s)]
        yield from out


@lru_cache(maxsize=None)
def _tables() -> "tuple[np.ndarray, list[np.ndarray]]":
    """``T[k][b] = b(x) * x**(8k) mod P`` (uint64, 16x256) and, for the fast pass, the low 16 bits
    of the pair tables ``PT[t][hi << 8 | lo] = T[2t+1][hi] ^ T[2t][lo]``."""
    poly = IPFS_RABIN_POLY
    deg = poly.bit_length() - 1
    rows = []
    row = list(range(256))
    for _ in range(WINDOW_SIZE):
        rows.append(row)
        nxt = []
        for v in row:
            for _ in range(8):
                v <<= 1
                if v >> deg:
                    v ^= poly
            nxt.append(v)
        row = nxt
    t64 = np.array(rows, dtype=np.uint64)
    t16 = (t64 & np.uint64(0xFFFF)).astype(np.uint16)
    pairs = [np.ascontiguousarray((t16[2 * t + 1][:, None] ^ t16[2 * t][None, :]).ravel())
             for t in range(WINDOW_SIZE // 2)]
    return t64, pairs


def _rabin_matcher(mask: int) -> Matcher:
    t64, pairs = _tables()
    low_mask = np.uint16(mask & 0xFFFF)
    full_mask = np.uint64(mask & 0xFFFFFFFFFFFFFFFF)
    need_full = mask > 0xFFFF
    w = WINDOW_SIZE

    def matcher(arr: np.ndarray) -> np.ndarray:
        n = len(arr) - (w - 1)   # windows ending at j = 15 .. len-1, element i <-> j = i + 15
        if n <= 0:
            return np.empty(0, dtype=np.int64)
        p = (arr[:-1].astype(np.uint16) << np.uint16(8)) | arr[1:]
        acc = np.take(pairs[0], p[w - 2:w - 2 + n])
        tmp = np.empty_like(acc)
        for t in range(1, w // 2):
            start = w - 2 - 2 * t
            np.take(pairs[t], p[start:start + n], out=tmp)
            acc ^= tmp
        acc &= low_mask
        cand = np.flatnonzero(acc == 0) + (w - 1)
        if need_full and len(cand):
            digest = np.zeros(len(cand), dtype=np.uint64)
            for k in range(w):
                digest ^= t64[k][arr[cand - k]]
            cand = cand[(digest & full_mask) == 0]
        return cand

    return matcher


class Rabin:
    """kubo's Rabin splitter (boxo chunker/rabin.go ``NewRabinMinMax``; whyrusleeping/chunker
    chunker.go ``Next``). Iterating yields the chunks; the reader is only read then."""

    def __init__(self, reader: BinaryIO, min: int, avg: int, max: int) -> None:  # noqa: A002
        if min < 0 or avg < 0 or max < 0:
            raise ValueError("rabin sizes are unsigned")
        self.reader = reader
        self.min_size = min
        self.avg_size = avg
        self.max_size = max
        # chunker.go New: sizepow = uint(math.Log2(float64(avSize))), which is floor(log2(avg))
        # for every avg kubo accepts (< 2**21; float rounding only matters near 2**47 and up).
        # Log2(0) = -Inf converts to 1<<63 and so large a shift gives mask ~0 (unreachable: avg 0
        # only comes with min 0, the single-chunk case below).
        self.mask = (1 << (avg.bit_length() - 1)) - 1 if avg > 0 else (1 << 64) - 1

    def __iter__(self) -> Iterator[bytes]:
        if self.min_size < WINDOW_SIZE:
            # c.pre = MinSize - windowSize wraps around: no cut is ever made.
            parts = []
            while True:
                data = _read_block(self.reader, READ_BLOCK)
                if not data:
                    break
                parts.append(data)
            if parts:
                yield b"".join(parts)
            return
        # A chunk is cut at min when max < min (the max test follows the min test in Next).
        yield from content_defined_chunks(
            self.reader, _rabin_matcher(self.mask), WINDOW_SIZE,
            self.min_size, max(self.min_size, self.max_size))
