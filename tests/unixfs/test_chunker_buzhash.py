"""The buzhash chunker against chunk boundaries computed by kubo's Go code
(tests/vectors/chunker-boundaries.json), plus its vectorised window hash against the per-byte
rolling update of boxo chunker/buzhash.go."""
from __future__ import annotations

import io
import random

import numpy as np
import pytest

import vectorlib
from vectorlib import chunker_cases, chunker_input
from fakeipfs.unixfs.chunker import buzhash as buz
from fakeipfs.unixfs.chunker.buzhash import BUZ_MASK, BYTEHASH, Buzhash

CASES = chunker_cases("buzhash")


def ShortReader(data: bytes, seed: int) -> "vectorlib.ShortReader":  # noqa: N802
    return vectorlib.ShortReader(data, seed, (1, 5, 31, 4096, 131071, 524289, 1 << 21))


def _id(case: dict) -> str:
    d = case["data"]
    return f"{d['gen']}:{d['size']}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_matches_go_boundaries(case: dict) -> None:
    data = chunker_input(case["data"])
    chunks = list(Buzhash(io.BytesIO(data)))
    assert [len(c) for c in chunks] == case["lengths"]
    assert all(type(c) is bytes and c for c in chunks)
    assert b"".join(chunks) == data


@pytest.mark.parametrize("case", [c for c in CASES if c["data"]["size"] > 100], ids=_id)
def test_short_reads_do_not_move_cuts(case: dict) -> None:
    data = chunker_input(case["data"])
    chunks = list(Buzhash(ShortReader(data, seed=len(data))))
    assert [len(c) for c in chunks] == case["lengths"]
    assert b"".join(chunks) == data


def test_vectors_cover_the_edges() -> None:
    sizes = {c["data"]["size"] for c in CASES}
    assert {0, 1, 131071, 131072, 131073, 524288, 524289} <= sizes
    assert any(len(set(c["lengths"][:-1])) > 3 for c in CASES)  # real content-defined cuts


def test_table_is_kubos() -> None:
    assert len(BYTEHASH) == 256 and len(set(BYTEHASH)) == 256
    assert all(0 <= v < 1 << 32 for v in BYTEHASH)
    assert BYTEHASH[0] == 0x6236E7D5 and BYTEHASH[255] == 0x5C41857D


def _rotl1(v: int) -> int:
    return ((v << 1) | (v >> 31)) & 0xFFFFFFFF


def test_window_hash_equals_rolling_update() -> None:
    """buzhash.go: the state over buf[i:i+32] is built by ``rotl(state, 1) ^ bytehash[b]`` and
    rolled by ``rotl(state, 1) ^ bytehash[out] ^ bytehash[in]``; a cut needs ``state & mask == 0``."""
    rng = random.Random(7)
    for alphabet in (2, 256):
        data = bytes(rng.randrange(alphabet) for _ in range(20000))
        state = 0
        for b in data[:32]:
            state = _rotl1(state) ^ BYTEHASH[b]
        states = [state]
        for i in range(len(data) - 32):
            state = _rotl1(state) ^ BYTEHASH[data[i]] ^ BYTEHASH[data[i + 32]]
            states.append(state)
        arr = np.frombuffer(data, dtype=np.uint8)
        assert buz.window_hashes(arr).tolist() == states
        expected = [j + 31 for j, s in enumerate(states) if s & BUZ_MASK == 0]
        assert buz._buz_matcher(arr).tolist() == expected
    assert buz.window_hashes(np.zeros(31, dtype=np.uint8)).tolist() == []


def test_constructor_does_not_read() -> None:
    Buzhash(None)  # type: ignore[arg-type]


def test_reads_incrementally() -> None:
    data = bytes(40 << 20)
    reader = ShortReader(data, seed=3)
    first = next(iter(Buzhash(reader)))
    # 32 zero bytes hash to the XOR of all 32 rotations of bytehash[0], i.e. its parity: 0 here
    assert len(first) == 128 << 10
    assert reader.pos < 4 << 20
    assert reader.largest_request <= 4 << 20
