"""Test-vector and test-data helpers: the input recipes of tests/vectors/*.json, `ipfs add` flag
parsing, deterministic bytes, and the links and mutations of the IPLD codec properties."""
from __future__ import annotations

import hashlib
import io
import json
import random
import struct
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from multiformats import CID, multihash
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

from fakeipfs.unixfs.files import Directory, File
from fakeipfs.unixfs.options import AddOptions

VECTORS = Path(__file__).parent / "vectors"


def load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text())


class ChaChaReader(io.RawIOBase):
    """The ChaCha20 keystream of kubo's test/cli/testutils/random_deterministic.go, streamed
    (key = sha256(seed), zero nonce, counter 0), so 90 MB inputs need no 90 MB buffer."""

    def __init__(self, seed: str, size: int) -> None:
        key = hashlib.sha256(seed.encode()).digest()
        self._enc = Cipher(algorithms.ChaCha20(key, b"\x00" * 16), mode=None).encryptor()
        self._left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self._left if n < 0 else min(n, self._left)
        self._left -= n
        return self._enc.update(bytes(n)) if n else b""

    def readinto(self, buf) -> int:  # pragma: no cover - read() is what the chunkers use
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)


class ZeroReader(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self._left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self._left if n < 0 else min(n, self._left)
        self._left -= n
        return bytes(n)


def chacha_bytes(seed: str, size: int) -> bytes:
    return ChaChaReader(seed, size).read(size)


def sha256_bytes(size: int, seed: str = "x") -> bytes:
    """``size`` deterministic bytes: the sha256 digests of ``"{seed}-0"``, ``"{seed}-1"``, ... joined."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}-{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def chunker_cases(family: str) -> list[dict]:
    """The chunker-boundaries.json cases of one chunker family (``buzhash``, ``rabin``: specs
    ``rabin``, ``rabin-<avg>``, ``rabin-<min>-<avg>-<max>``)."""
    return [c for c in load("chunker-boundaries.json")["cases"] if c["chunker"].split("-")[0] == family]


def chunker_input(recipe: dict) -> bytes:
    """The input bytes of a chunker-boundaries.json case."""
    size = recipe["size"]
    if recipe["gen"] == "zeros":
        return bytes(size)
    if recipe["gen"] == "chacha":
        return chacha_bytes(recipe["seed"], size)
    if recipe["gen"] == "chacha-repeat":
        unit = chacha_bytes(recipe["seed"], recipe["unit"])
        return (unit * (size // len(unit) + 1))[:size]
    raise ValueError(recipe)


def opener(spec: dict) -> "Any":
    """A zero-argument opener for a vector's input recipe."""
    if "text" in spec:
        data = spec["text"].encode()
        return lambda: io.BytesIO(data)
    if "zeros" in spec:
        return lambda: ZeroReader(spec["zeros"])
    return lambda: ChaChaReader(spec["seed"], spec["size"])


def file_entry(name: str, spec: dict) -> File:
    return File(name, opener(spec))


def tree_entry(name: str, tree: dict[str, Any]) -> Directory:
    """Build a Directory from ``{"a/b.txt": recipe-or-text, "empty": None}``."""
    root = Directory(name)

    def subdir(parts: list[str]) -> Directory:
        node = root
        for part in parts:
            found = next((e for e in node.entries if e.name == part and isinstance(e, Directory)), None)
            if found is None:
                found = Directory(part)
                node.entries.append(found)
            node = found
        return node

    for path in sorted(tree):
        parts = path.split("/")
        spec = tree[path]
        if spec is None:
            subdir(parts)
            continue
        if isinstance(spec, str):
            spec = {"text": spec}
        subdir(parts[:-1]).entries.append(file_entry(parts[-1], spec))
    return root


def parse_flags(flags: list[str]) -> tuple[AddOptions, dict[str, str]]:
    """``ipfs add`` flags as the vectors spell them; returns options and CLI-only extras."""
    opts = AddOptions()
    extra: dict[str, str] = {}
    for flag in flags:
        name, _, value = flag.lstrip("-").partition("=")
        if name == "r":
            extra["recursive"] = "true"
        elif name == "cid-version":
            opts.cid_version = int(value)
        elif name == "raw-leaves":
            opts.raw_leaves = value.lower() != "false" if value else True
        elif name == "trickle":
            opts.trickle = True
        elif name == "chunker":
            opts.chunker = value
        elif name == "hash":
            opts.hash = value
        elif name == "inline":
            opts.inline = True
        elif name == "cid-base":
            extra["cid-base"] = value
        else:
            raise ValueError(f"unknown vector flag {flag}")
    return opts, extra


# --- IPLD codec vectors (ipld-codecs.json) ---------------------------------------------------
def build_value(desc: Any) -> Any:
    """Rebuild a value from its description in ipld-codecs.json."""
    if desc is None or isinstance(desc, (bool, str)):
        return desc
    (kind, arg), = desc.items()
    if kind == "int":
        return int(arg)
    if kind == "float":
        return float(arg)
    if kind == "bytes":
        return bytes.fromhex(arg)
    if kind == "cid":
        return CID.decode(arg)
    if kind == "list":
        return [build_value(item) for item in arg]
    if kind == "map":
        return {key: build_value(value) for key, value in arg}
    raise AssertionError(desc)

def same_value(a: Any, b: Any) -> bool:
    """Equality that tells int from float from bool, and -0.0 from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack(">d", a) == struct.pack(">d", b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return set(a) == set(b) and all(same_value(a[k], b[k]) for k in a)
    return a == b

def cid_v1_sha256(codec: int, data: bytes) -> str:
    return CID("base32", 1, codec, multihash.digest(data, "sha2-256")).encode("base32")


def _link(data: bytes, flavour: int) -> CID:
    digest = multihash.digest(data, "sha2-256")
    if flavour == 0:
        return CID("base58btc", 0, "dag-pb", digest)
    return CID("base32", 1, ("raw", "dag-cbor", "dag-pb")[flavour - 1], digest)


#: Links for the codec properties: sha2-256 CIDv0 (dag-pb) or CIDv1 (raw, dag-cbor, dag-pb).
link_cids = st.builds(_link, st.binary(max_size=8), st.integers(0, 3))


def mutate(data: st.DataObject, raw: bytes) -> bytes:
    """``raw`` (not empty) after one to three drawn edits: a byte set to a drawn value, a cut
    from a drawn index on, or a drawn byte inserted; a cut that leaves nothing ends the edits."""
    out = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(out) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            out[index] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del out[index:]
            if not out:
                break
        else:
            out.insert(index, data.draw(st.integers(0, 255)))
    return bytes(out)


class ShortReader:
    """Returns reads of random length drawn from ``sizes`` (never more than asked), ``b""``
    only at EOF: a reader as a pipe or socket behaves, to show chunking ignores read sizes."""

    def __init__(self, data: bytes, seed: int, sizes: tuple[int, ...]) -> None:
        self.data = data
        self.pos = 0
        self.rng = random.Random(seed)
        self.sizes = sizes
        self.largest_request = 0

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            n = len(self.data)
        self.largest_request = max(self.largest_request, n)
        k = min(n, self.rng.choice(self.sizes))
        out = self.data[self.pos:self.pos + k]
        self.pos += len(out)
        return out
