"""The rabin chunker against chunk boundaries computed by kubo's Go code
(tests/vectors/chunker-boundaries.json), plus a literal per-byte port of
whyrusleeping/chunker chunker.go ``Next`` as a reference on small random inputs."""
from __future__ import annotations

import io
import random
from typing import List, Optional

import pytest
from hypothesis import given, settings, strategies as st

import vectorlib
from vectorlib import chacha_bytes, chunker_cases, chunker_input
from fakeipfs.unixfs.chunker.rabin import IPFS_RABIN_POLY, WINDOW_SIZE, Rabin

CASES = chunker_cases("rabin")


def rabin_params(spec: str) -> "tuple[int, int, int]":
    """min, avg, max for the specs used in the vectors (parse.go / rabin.go NewRabin)."""
    parts = spec.split("-")
    if len(parts) == 4:
        return int(parts[1]), int(parts[2]), int(parts[3])
    avg = int(parts[1]) if len(parts) == 2 else 262144
    return avg // 3, avg, avg + avg // 2


def ShortReader(data: bytes, seed: int) -> "vectorlib.ShortReader":  # noqa: N802
    return vectorlib.ShortReader(data, seed, (1, 3, 17, 1000, 65536, 300001, 1 << 21))


def _id(case: dict) -> str:
    d = case["data"]
    return f"{case['chunker']}:{d['gen']}:{d['size']}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_matches_go_boundaries(case: dict) -> None:
    data = chunker_input(case["data"])
    lo, avg, hi = rabin_params(case["chunker"])
    chunks = list(Rabin(io.BytesIO(data), lo, avg, hi))
    assert [len(c) for c in chunks] == case["lengths"]
    assert all(type(c) is bytes and c for c in chunks)
    assert b"".join(chunks) == data


@pytest.mark.parametrize("case", [c for c in CASES if c["data"]["size"] > 100], ids=_id)
def test_short_reads_do_not_move_cuts(case: dict) -> None:
    data = chunker_input(case["data"])
    lo, avg, hi = rabin_params(case["chunker"])
    reader = ShortReader(data, seed=len(data))
    chunks = list(Rabin(reader, lo, avg, hi))
    assert [len(c) for c in chunks] == case["lengths"]
    assert b"".join(chunks) == data


def test_vectors_cover_the_edges() -> None:
    specs = {c["chunker"] for c in CASES}
    assert {"rabin", "rabin-16-32-64", "rabin-1024-4096-8192", "rabin-36-512-1024",
            "rabin-4096", "rabin-0"} <= specs
    assert any(c["data"]["size"] == 0 and c["lengths"] == [] for c in CASES)
    assert any(len(c["lengths"]) > 10 for c in CASES if c["chunker"] == "rabin")


def test_constructor_does_not_read() -> None:
    class Exploding:
        def read(self, n: int = -1) -> bytes:
            raise AssertionError("read during construction")

    Rabin(None, 87381, 262144, 393216)  # type: ignore[arg-type]
    Rabin(Exploding(), 16, 32, 64)  # type: ignore[arg-type]


def test_reads_incrementally() -> None:
    size = 40 << 20
    data = bytes(size)
    reader = ShortReader(data, seed=1)
    it = iter(Rabin(reader, 87381, 262144, 393216))
    first = next(it)
    assert len(first) == 87381  # zeros fingerprint to 0: every chunk is cut at min
    assert reader.pos < 4 << 20
    assert reader.largest_request <= 4 << 20


def test_min_below_window_is_one_chunk() -> None:
    data = chacha_bytes("one", 300000)
    assert [len(c) for c in Rabin(io.BytesIO(data), 15, 47, 70)] == [300000]
    assert list(Rabin(io.BytesIO(b""), 0, 0, 0)) == []


# --- literal reference: chunker.go Next/reset/slide, one byte at a time --------------------------

def _polmod(v: int, p: int) -> int:
    deg = p.bit_length() - 1
    while v.bit_length() - 1 >= deg:
        v ^= p << (v.bit_length() - 1 - deg)
    return v


def _reference(data: bytes, lo: int, avg: int, hi: int) -> List[int]:
    pol = IPFS_RABIN_POLY
    deg = pol.bit_length() - 1
    shift = deg - 8
    out_t = [_polmod(b << (8 * (WINDOW_SIZE - 1)), pol) for b in range(256)]
    mod_t = [_polmod(b << deg, pol) | (b << deg) for b in range(256)]
    mask = (1 << (avg.bit_length() - 1)) - 1
    m64 = (1 << 64) - 1
    lengths: List[int] = []
    pos = 0
    while pos < len(data):
        window = [0] * WINDOW_SIZE
        wpos = 0
        digest = 0

        def slide(b: int) -> None:
            nonlocal wpos, digest
            digest ^= out_t[window[wpos]]
            window[wpos] = b
            wpos = (wpos + 1) % WINDOW_SIZE
            idx = digest >> shift
            digest = ((digest << 8) | b) & m64
            digest ^= mod_t[idx]

        slide(1)
        pre = (lo - WINDOW_SIZE) & m64
        count = min(pre, len(data) - pos)
        cut: Optional[int] = None
        i = pos + count
        while i < len(data):
            slide(data[i])
            count += 1
            i += 1
            if count >= lo and ((digest & mask) == 0 or count >= hi):
                cut = count
                break
        n = cut if cut is not None else len(data) - pos
        lengths.append(n)
        pos += n
    return lengths


@settings(max_examples=60, deadline=None)
@given(lo=st.integers(16, 80), avg_extra=st.integers(1, 200), hi_extra=st.integers(1, 300),
       seed=st.integers(0, 1 << 30), size=st.integers(0, 3000), alphabet=st.sampled_from([2, 3, 256]))
def test_against_literal_port(lo: int, avg_extra: int, hi_extra: int, seed: int, size: int,
                              alphabet: int) -> None:
    rng = random.Random(seed)
    data = bytes(rng.randrange(alphabet) for _ in range(size))
    avg = lo + avg_extra
    hi = avg + hi_extra
    got = [len(c) for c in Rabin(ShortReader(data, seed), lo, avg, hi)]
    assert got == _reference(data, lo, avg, hi)
