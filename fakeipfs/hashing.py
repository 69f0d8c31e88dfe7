"""Multihash functions for ``--hash`` and the CID builder kubo's importer uses.

kubo resolves ``--hash`` through go-multihash's ``Names`` table (core/commands/add.go) and the
blockservice then checks every CID against boxo ``verifcid`` (allowlist.go): a known but
disallowed function fails with "potentially insecure hash functions not allowed".
Digests come from ``hashlib``, ``blake3`` and ``multiformats``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

from multiformats import CID, multibase, multicodec, multihash, varint

from .errors import InvalidArgument, err_unrecognized_hash

ERR_INSECURE_HASH = "potentially insecure hash functions not allowed"


class UnknownHashFunction(InvalidArgument):
    """A hash name go-multihash's ``Names`` table lacks (``name``, lower-cased as the commands
    look it up), worded ``unrecognized hash function: %s`` as files.go ``getPrefix`` and add.go
    before 0.16 word it; add words it by version
    (:meth:`fakeipfs.unixfs.options.AddOptions.resolve`)."""

    def __init__(self, name: str) -> None:
        super().__init__(err_unrecognized_hash(name))
        self.name = name


SHA2_256 = 0x12
IDENTITY = 0x00
DAG_PB = 0x70
RAW = 0x55
DAG_CBOR = 0x71

_BLAKE2B_MIN, _BLAKE2B_MAX = 0xB201, 0xB240
_BLAKE2S_MIN, _BLAKE2S_MAX = 0xB241, 0xB260
# boxo verifcid/allowlist.go DefaultAllowlist
_ALLOWED = {"sha2-256", "sha2-512", "shake-256", "dbl-sha2-256", "blake3", "identity",
            "sha3-224", "sha3-256", "sha3-384", "sha3-512",
            "keccak-224", "keccak-256", "keccak-384", "keccak-512", "sha1"}
# go-multihash default digest lengths where the name does not fix one (sum.go DefaultLengths)
_DEFAULT_SIZE = {"blake3": 32, "shake-256": 64, "shake-128": 32}


def _is_allowed(name: str, code: int) -> bool:
    if name in _ALLOWED:
        return True
    return _BLAKE2B_MIN + 19 <= code <= _BLAKE2B_MAX or _BLAKE2S_MIN + 19 <= code <= _BLAKE2S_MAX


def _hashlib_digest(name: str) -> Optional[Callable[[list], bytes]]:
    """A fast ``parts -> digest`` for the common functions (no concatenation of parts)."""
    ctor: Optional[Callable] = None
    if name == "sha2-256":
        ctor = hashlib.sha256
    elif name == "sha2-512":
        ctor = hashlib.sha512
    elif name.startswith("sha3-"):
        ctor = getattr(hashlib, name.replace("-", "_"))
    elif name == "sha1":
        ctor = hashlib.sha1
    elif name.startswith("blake2b-") or name.startswith("blake2s-"):
        size = int(name.split("-")[1]) // 8
        base = hashlib.blake2b if name.startswith("blake2b") else hashlib.blake2s
        ctor = lambda: base(digest_size=size)  # noqa: E731
    elif name == "blake3":
        import blake3 as _blake3
        ctor = _blake3.blake3
    elif name == "dbl-sha2-256":
        def dbl(parts: list) -> bytes:
            h = hashlib.sha256()
            for p in parts:
                h.update(p)
            return hashlib.sha256(h.digest()).digest()
        return dbl
    if ctor is None:
        return None

    def digest(parts: list) -> bytes:
        h = ctor()
        for p in parts:
            h.update(p)
        return h.digest()
    return digest


class Hasher:
    """One multihash function: ``name``, multicodec ``code``, and a digest over byte parts."""

    __slots__ = ("name", "code", "_digest", "_prefixes", "multihash_object")

    def __init__(self, name: str, code: int, digest: Callable[[list], bytes]) -> None:
        self.name = name
        self.code = code
        self._digest = digest
        self._prefixes: dict[int, bytes] = {}
        self.multihash_object = multihash.get(name)

    def multihash(self, *parts: bytes | memoryview) -> bytes:
        """The multihash (code, length, digest) of the concatenation of ``parts``."""
        if self.code == IDENTITY:
            raw = b"".join(parts)
            return b"\x00" + varint.encode(len(raw)) + raw
        digest = self._digest(list(parts))
        prefix = self._prefixes.get(len(digest))
        if prefix is None:
            prefix = self._prefixes[len(digest)] = varint.encode(self.code) + varint.encode(len(digest))
        return prefix + digest

    def __repr__(self) -> str:
        return f"Hasher({self.name!r})"


_cache: dict[str, Hasher] = {}


def get_hasher(name: str) -> Hasher:
    """The function kubo picks for ``--hash=name`` (lower-cased, as add.go does), or kubo's error
    (:class:`UnknownHashFunction` for a name go-multihash does not know)."""
    name = name.lower()
    if name in _cache:
        return _cache[name]
    try:
        code = multicodec.get(name).code
        if multicodec.get(name).tag != "multihash":
            raise KeyError(name)
    except (KeyError, Exception):
        raise UnknownHashFunction(name) from None
    if not _is_allowed(name, code):
        raise InvalidArgument(ERR_INSECURE_HASH)
    fast = _hashlib_digest(name)
    if fast is None and name != "identity":
        impl = multihash.get(name)
        size = _DEFAULT_SIZE.get(name)
        try:
            impl.digest(b"", size=size)
        except ImportError as exc:
            raise InvalidArgument(f"hash function {name} is not available in fakeipfs: {exc}") \
                from None

        def fast(parts: list, _impl=impl, _size=size) -> bytes:  # type: ignore[misc]
            return multihash.unwrap(_impl.digest(b"".join(parts), size=_size))
    hasher = Hasher(name, code, fast or (lambda parts: b""))
    _cache[name] = hasher
    return hasher


SHA256 = get_hasher("sha2-256")


@dataclass(frozen=True)
class CidBuilder:
    """kubo's CID prefix for the importer (``dag.PrefixForCidVersion`` + go-cidutil
    ``InlineBuilder``): version, hash function, and the inline limit (``None`` = no inlining).

    With inlining, any block of at most ``inline_limit`` bytes gets a CIDv1 identity CID whatever
    the version (go-cidutil inline.go).
    """

    version: int = 0
    hasher: Hasher = SHA256
    inline_limit: Optional[int] = None

    def cid(self, codec: int, *parts: bytes | memoryview) -> CID:
        if self.inline_limit is not None and sum(len(p) for p in parts) <= self.inline_limit:
            raw = b"".join(parts)
            return make_cid(1, codec, _IDENTITY_MH, b"\x00" + varint.encode(len(raw)) + raw)
        mh = self.hasher.multihash(*parts)
        version = 0 if self.version == 0 and codec == DAG_PB else 1
        return make_cid(version, codec, self.hasher.multihash_object, mh)

    def raw_leaf(self) -> "CidBuilder":
        """``NewRawNodeWPrefix`` forces CIDv1 for raw leaves, keeping hash and inlining."""
        return CidBuilder(1, self.hasher, self.inline_limit)


_BASE58 = multibase.get("base58btc")
_BASE32 = multibase.get("base32")
_IDENTITY_MH = multihash.get("identity")


@lru_cache(maxsize=None)
def _codec(code: int) -> multicodec.Multicodec:
    return multicodec.get(code=code)


def make_cid(version: int, codec: int, hashfun: multihash.Multihash, mh: bytes) -> CID:
    """A CID from parts the importer has already validated.

    ``CID(...)`` re-validates every argument through ``typing_validation`` (about 0.3 ms a
    CID, more than hashing a 256 KiB chunk); this uses multiformats' own internal constructor,
    falling back to the public one if a future version drops it."""
    base = _BASE58 if version == 0 else _BASE32
    new_instance = getattr(CID, "_new_instance", None)
    if new_instance is None:  # pragma: no cover - depends on the multiformats version
        return CID(base, version, _codec(codec), mh)
    return new_instance(CID, base, version, _codec(codec), hashfun, mh)
