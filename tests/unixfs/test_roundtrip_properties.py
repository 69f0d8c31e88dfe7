"""Properties of add/cat over random inputs and random valid ``ipfs add`` flag combinations.

- ``cat(add(x)) == x`` (and every slice of it) whatever the chunker, layout, leaves, CID version,
  hash function and inlining;
- the CID depends on the bytes only, not on how the reader hands them out (go's chunkers read with
  ``io.ReadFull``, boxo chunker/splitting.go);
- a directory's CID depends on its entries, not on the order they are given in (UnixFS directory
  links are sorted by name, boxo ipld/merkledag/node.go ``EncodeProtobuf``).
"""
from __future__ import annotations

import io
import random

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fakeipfs import Node
from fakeipfs.unixfs.files import Directory, File

HASHES = ["sha2-256", "sha2-512", "blake2b-256", "blake3", "sha3-256"]
SETTINGS = dict(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


sizes = st.one_of(st.integers(0, 2048), st.integers(0, 20_000), st.integers(0, 200_000))
fixed = st.integers(64, 8192).map(lambda n: f"size-{n}")


@st.composite
def rabins(draw) -> str:
    lo = draw(st.integers(16, 256))
    avg = draw(st.integers(lo + 1, lo + 2048))
    hi = draw(st.integers(avg + 1, avg + 4096))
    return f"rabin-{lo}-{avg}-{hi}"


chunkers = st.one_of(fixed, rabins(), st.just("buzhash"), st.just("size-262144"))


@st.composite
def add_options(draw) -> dict:
    options: dict = {"chunker": draw(chunkers), "trickle": draw(st.booleans())}
    raw = draw(st.sampled_from([None, False, True]))
    if raw is not None:
        options["raw_leaves"] = raw
    hash_name = draw(st.sampled_from(HASHES))
    if hash_name != "sha2-256":
        options["hash"] = hash_name
    version = draw(st.sampled_from([None, 0, 1]))
    if version == 0 and hash_name != "sha2-256":
        version = 1  # "CIDv0 only supports sha2-256"
    if version is not None:
        options["cid_version"] = version
    if draw(st.booleans()):
        options["inline"] = True
        options["inline_limit"] = draw(st.sampled_from([16, 32, 64, 128]))
    return options


@settings(**SETTINGS)
@given(seed=st.integers(0, 2**32), size=sizes, options=add_options(),
       offset=st.integers(0, 2**18), length=st.one_of(st.none(), st.integers(0, 2**18)))
@example(seed=1, size=200_000, options={"chunker": "size-256", "trickle": True}, offset=150_000, length=30_000)
@example(seed=2, size=200_000, options={"chunker": "size-300", "raw_leaves": True, "hash": "blake3"},
         offset=199_999, length=None)
@example(seed=3, size=180_000, options={"chunker": "rabin-16-64-128", "trickle": True, "cid_version": 1,
                                        "raw_leaves": False, "inline": True, "inline_limit": 128},
         offset=64, length=100_000)
@example(seed=4, size=199_000, options={"chunker": "buzhash", "hash": "sha3-256"}, offset=0, length=0)
def test_cat_of_add_is_identity(seed: int, size: int, options: dict, offset: int, length) -> None:
    content = _bytes(seed, size)
    node = Node()
    event = node.add(content, **options)[-1]
    assert node.cat(event.cid) == content
    offset %= size + 11
    expected = content[offset:] if length is None else content[offset:offset + length]
    assert node.cat(event.cid, offset, length) == expected
    # --only-hash computes the same CID and stores nothing
    dry = Node()
    fresh = dry.blockstore.stat()  # a new node's MFS root only
    assert dry.add(content, only_hash=True, **options)[-1].cid == event.cid
    assert dry.blockstore.stat() == fresh
    # the CID says what was asked for
    expected_hash = options.get("hash", "sha2-256")
    if event.cid.hashfun.name != "identity":
        assert event.cid.hashfun.name == expected_hash
        assert event.cid.version == (0 if options.get("cid_version") in (None, 0)
                                     and expected_hash == "sha2-256" and event.cid.codec.name == "dag-pb"
                                     else 1)


class ShortReads(io.RawIOBase):
    """Hands out ``data`` in random short reads (never empty before the end)."""

    def __init__(self, data: bytes, seed: int) -> None:
        self._data = memoryview(data)
        self._rng = random.Random(seed)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if not self._data:
            return b""
        limit = len(self._data) if n is None or n < 0 else min(n, len(self._data))
        take = self._rng.randint(1, max(1, min(limit, self._rng.choice([1, 7, 100, 5000, limit]))))
        out, self._data = bytes(self._data[:take]), self._data[take:]
        return out

    def readinto(self, buffer) -> int:
        out = self.read(len(buffer))
        buffer[:len(out)] = out
        return len(out)


@settings(**SETTINGS)
@given(seed=st.integers(0, 2**32), size=st.one_of(st.integers(0, 5000), st.integers(0, 120_000)),
       chunker=chunkers, read_seed=st.integers(0, 2**32), trickle=st.booleans())
@example(seed=5, size=120_000, chunker="size-1000", read_seed=7, trickle=False)
@example(seed=6, size=120_000, chunker="rabin-16-512-1024", read_seed=8, trickle=True)
@example(seed=7, size=120_000, chunker="buzhash", read_seed=9, trickle=False)
def test_cid_does_not_depend_on_read_sizes(seed: int, size: int, chunker: str, read_seed: int,
                                           trickle: bool) -> None:
    content = _bytes(seed, size)
    whole = Node().add(File.from_bytes("f", content), chunker=chunker, trickle=trickle, only_hash=True)
    node = Node()
    pieces = node.add(File("f", lambda: ShortReads(content, read_seed)), chunker=chunker, trickle=trickle)
    assert [(e.name, e.cid, e.size) for e in pieces] == [(e.name, e.cid, e.size) for e in whole]
    assert node.cat(pieces[-1].cid) == content


names = st.text(alphabet="abcxyzABC019._- é", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))


def _trees():
    leaves = st.tuples(st.integers(0, 2**16), st.integers(0, 3000))
    return st.recursive(
        leaves,
        lambda children: st.dictionaries(names, children, max_size=5),
        max_leaves=12,
    )


def _build(name: str, tree, rng: random.Random) -> "File | Directory":
    if isinstance(tree, tuple):
        return File.from_bytes(name, _bytes(*tree))
    items = list(tree.items())
    rng.shuffle(items)
    return Directory(name, [_build(child, sub, rng) for child, sub in items])


@settings(**SETTINGS)
@given(tree=st.dictionaries(names, _trees(), max_size=6), shuffle_seed=st.integers(0, 2**32),
       cid_version=st.sampled_from([None, 1]))
def test_directory_cid_does_not_depend_on_entry_order(tree: dict, shuffle_seed: int, cid_version) -> None:
    ordered = _build("root", _sorted(tree), random.Random(0))
    shuffled = _build("root", tree, random.Random(shuffle_seed))
    options = {} if cid_version is None else {"cid_version": cid_version}
    first = Node().add(ordered, only_hash=True, **options)
    node = Node()
    second = node.add(shuffled, **options)
    assert second[-1].cid == first[-1].cid
    assert second[-1].size == first[-1].size
    assert second[-1].name == "root"
    assert sorted((e.name, e.cid) for e in second) == sorted((e.name, e.cid) for e in first)
    assert [e.name for e in node.ls(second[-1].cid)] == sorted(tree, key=lambda n: n.encode())


def _sorted(tree):
    if isinstance(tree, tuple):
        return tree
    return {k: _sorted(tree[k]) for k in sorted(tree)}
