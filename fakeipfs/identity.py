"""A node's identity: its private key and peer ID, as go-libp2p and kubo make them.

- Keys are go-libp2p ``core/crypto`` keys: RSA (``rsa_go.go``: the public key is PKIX DER, the
  private key PKCS#1 DER) and Ed25519 (``ed25519.go``: the 32-byte public key, the 64-byte
  ``seed || public`` private key), each marshalled as the ``crypto.pb`` protobuf
  ``{Type: 1, Data: 2}`` (``key.go`` ``MarshalPublicKey`` / ``MarshalPrivateKey``).
- A peer ID is the multihash of the marshalled public key: the identity multihash when it is at
  most 42 bytes (every Ed25519 key), sha2-256 otherwise (``core/peer/peer.go``
  ``IDFromPublicKey``). Its text form is base58btc (``Qm...`` for RSA, ``12D3KooW...`` for
  Ed25519); key commands print it as a CIDv1 ``libp2p-key`` (kubo ``keyencode``).
- A node's own key is Ed25519 from go-ipfs 0.7.0 and RSA-2048 before (docs/changelogs/v0.7.md
  "Ed25519 keys are now used by default").

``identity.of(node, seed=None)`` is the node's :class:`Identity`, made once: from ``seed`` when
given (the same seed always gives the same key), at random otherwise; a node with a repo keeps
it in the repo's ``config`` file (``Identity.PrivKey``), as kubo does.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import math
import os
import threading
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Union

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from multiformats import CID, multibase, varint

from . import versions
from .errors import (ERR_BAD_KEY_TYPE, ERR_CID_TOO_SHORT, ERR_INVALID_MULTIHASH, ERR_MULTIBASE_UNSUPPORTED,
                     ERR_UNEXPECTED_EOF, InvalidArgument, err_ed25519_private_key_size, err_rsa_key_too_small,
                     err_unrecognized_key_type)

# crypto.pb KeyType
RSA, ED25519 = 0, 1

#: interface-go-ipfs-core options/key.go ``DefaultRSALen``.
DEFAULT_RSA_BITS = 2048
#: go-libp2p core/peer/peer.go ``maxInlineKeyLength``.
MAX_INLINE_KEY_LENGTH = 42
#: go-multihash codes
_IDENTITY, _SHA2_256 = 0x00, 0x12

Seed = Union[bytes, str, int]


# --- protobuf ---------------------------------------------------------------------------------

def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError(ERR_UNEXPECTED_EOF)
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def marshal_key(key_type: int, data: bytes) -> bytes:
    """``crypto.pb`` ``PublicKey`` / ``PrivateKey``: ``Type`` (field 1, always written: proto2
    ``required``) and ``Data`` (field 2)."""
    return b"\x08" + varint.encode(key_type) + b"\x12" + varint.encode(len(data)) + data


def unmarshal_key(blob: bytes) -> tuple[int, bytes]:
    """The ``(Type, Data)`` of a marshalled key; both fields are required."""
    key_type: Optional[int] = None
    data: Optional[bytes] = None
    pos = 0
    try:
        while pos < len(blob):
            tag, pos = _read_varint(blob, pos)
            field, wire = tag >> 3, tag & 7
            if wire == 0:
                value, pos = _read_varint(blob, pos)
                if field == 1:
                    key_type = value
            elif wire == 2:
                length, pos = _read_varint(blob, pos)
                if pos + length > len(blob):
                    raise ValueError(ERR_UNEXPECTED_EOF)
                if field == 2:
                    data = blob[pos:pos + length]
                pos += length
            else:
                raise ValueError(f"proto: illegal wireType {wire}")
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None
    if key_type is None or data is None:
        raise InvalidArgument("proto: required field not set")
    return key_type, data


# --- keys -------------------------------------------------------------------------------------

class PrivateKey:
    """A go-libp2p private key (RSA or Ed25519)."""

    def __init__(self, key: "rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey") -> None:
        self._key = key
        self.type = RSA if isinstance(key, rsa.RSAPrivateKey) else ED25519
        self._peer_id: Optional[PeerID] = None

    def raw(self) -> bytes:
        """``PrivKey.Raw()``: PKCS#1 DER (RSA) or ``seed || public`` (Ed25519)."""
        if self.type == RSA:
            return self._key.private_bytes(serialization.Encoding.DER,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption())
        seed = self._key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
        return seed + self.public_raw()

    def public_raw(self) -> bytes:
        """``PubKey.Raw()``: PKIX DER (RSA) or the 32-byte key (Ed25519)."""
        public = self._key.public_key()
        if self.type == RSA:
            return public.public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)
        return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def marshal(self) -> bytes:
        """``crypto.MarshalPrivateKey``: what the keystore files and ``Identity.PrivKey`` hold."""
        return marshal_key(self.type, self.raw())

    def public_key(self) -> bytes:
        """``crypto.MarshalPublicKey``: what ``ipfs id`` prints (base64) as ``PublicKey``."""
        return marshal_key(self.type, self.public_raw())

    def peer_id(self) -> "PeerID":
        if self._peer_id is None:
            self._peer_id = PeerID.from_public_key(self.public_key())
        return self._peer_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateKey) and other.marshal() == self.marshal()

    def __hash__(self) -> int:
        return hash(self.marshal())


def unmarshal_private_key(blob: bytes) -> PrivateKey:
    """``crypto.UnmarshalPrivateKey`` for RSA and Ed25519 keys."""
    key_type, data = unmarshal_key(blob)
    if key_type == ED25519:
        if len(data) == 96:  # a redundant copy of the public key (libp2p issue #36)
            if data[64:] != data[32:64]:
                raise InvalidArgument("expected redundant ed25519 public key to be redundant")
            data = data[:64]
        if len(data) != 64:
            raise InvalidArgument(err_ed25519_private_key_size(len(data)))
        return PrivateKey(ed25519.Ed25519PrivateKey.from_private_bytes(data[:32]))
    if key_type == RSA:
        try:
            key = serialization.load_der_private_key(data, password=None)
        except ValueError as exc:
            raise InvalidArgument(f"x509: failed to parse private key: {exc}") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise InvalidArgument(ERR_BAD_KEY_TYPE)
        return PrivateKey(key)
    raise InvalidArgument(ERR_BAD_KEY_TYPE)


# --- generation -------------------------------------------------------------------------------

def _seed_bytes(seed: Seed) -> bytes:
    if isinstance(seed, bytes):
        return seed
    return str(seed).encode("utf-8")


class _Stream:
    """A deterministic byte stream from a seed (sha512 in counter mode)."""

    def __init__(self, seed: bytes, label: bytes) -> None:
        self._key = hashlib.sha512(label + b"\x00" + seed).digest()
        self._counter = 0

    def read(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            out += hashlib.sha512(self._key + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
        return bytes(out[:n])

    def integer(self, bits: int) -> int:
        return int.from_bytes(self.read((bits + 7) // 8), "big") >> (-bits % 8)


_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
_SMALL_PRODUCT = math.prod(_SMALL_PRIMES)
_E = 65537


def _probably_prime(n: int, stream: _Stream, rounds: int = 20) -> bool:
    """Miller-Rabin, after trial division by the primes below 2000."""
    if math.gcd(n, _SMALL_PRODUCT) != 1:
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while not d & 1:
        d >>= 1
        s += 1
    for _ in range(rounds):
        a = 2 + stream.integer(n.bit_length()) % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _primes(bits: int, stream: _Stream) -> Iterator[int]:
    """Go ``rsa.GenerateKey``'s candidates: the two top bits set (so ``p*q`` has exactly
    ``2*bits`` bits), odd, prime, with ``p-1`` coprime to ``e``."""
    while True:
        candidate = stream.integer(bits) | (3 << (bits - 2)) | 1
        if math.gcd(_E, candidate - 1) == 1 and _probably_prime(candidate, stream):
            yield candidate


def _rsa_from_seed(bits: int, seed: bytes) -> rsa.RSAPrivateKey:
    stream = _Stream(seed, f"fakeipfs rsa-{bits}".encode())
    primes = _primes(bits - bits // 2, stream), _primes(bits // 2, stream)
    p = next(primes[0])
    q = next(primes[1])
    while q == p:
        q = next(primes[1])
    d = pow(_E, -1, (p - 1) * (q - 1))  # Go rsa: d = e^-1 mod totient
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                    rsa.RSAPublicNumbers(_E, p * q))
    return numbers.private_key()


def generate(key_type: str, bits: Optional[int] = None, seed: Optional[Seed] = None,
             min_rsa_bits: int = DEFAULT_RSA_BITS) -> PrivateKey:
    """A new key as kubo's ``key gen`` / ``init`` makes it (core/coreapi/key.go ``Generate``):
    ``rsa`` of ``bits`` (default 2048) or ``ed25519`` (``bits`` ignored); deterministic in
    ``seed`` when one is given."""
    if key_type == "rsa":
        bits = DEFAULT_RSA_BITS if bits is None or bits == -1 else bits
        if bits < min_rsa_bits:
            raise InvalidArgument(err_rsa_key_too_small(min_rsa_bits))
        if seed is None:
            return PrivateKey(rsa.generate_private_key(_E, bits))
        return PrivateKey(_rsa_from_seed(bits, _seed_bytes(seed)))
    if key_type == "ed25519":
        raw = os.urandom(32) if seed is None else _Stream(_seed_bytes(seed), b"fakeipfs ed25519").read(32)
        return PrivateKey(ed25519.Ed25519PrivateKey.from_private_bytes(raw))
    raise InvalidArgument(err_unrecognized_key_type(key_type))


# --- peer IDs ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeerID:
    """go-libp2p ``peer.ID``: the multihash bytes of a public key."""

    multihash: bytes

    @classmethod
    def from_public_key(cls, public_key: bytes) -> "PeerID":
        """``peer.IDFromPublicKey`` of a marshalled public key."""
        if len(public_key) <= MAX_INLINE_KEY_LENGTH:
            return cls(bytes([_IDENTITY]) + varint.encode(len(public_key)) + public_key)
        return cls(bytes([_SHA2_256, 32]) + hashlib.sha256(public_key).digest())

    @classmethod
    def decode(cls, text: str) -> "PeerID":
        """``peer.Decode``: a base58btc multihash (``Qm...``, ``1...``) or a CIDv1 with the
        ``libp2p-key`` codec in any multibase; ``ValueError`` with go-libp2p's message."""
        if text.startswith(("Qm", "1")):
            try:
                raw = base58.b58decode(text)
            except ValueError:
                raise ValueError(f"failed to parse peer ID: {ERR_INVALID_MULTIHASH}") from None
            if not _is_multihash(raw):
                raise ValueError(f"failed to parse peer ID: {ERR_INVALID_MULTIHASH}")
            return cls(raw)
        try:
            cid = CID.decode(text)
        except Exception as exc:
            raise ValueError(f"failed to parse peer ID: {_cid_error(text, exc)}") from None
        if cid.codec.name != "libp2p-key":
            name = _GO_CID_CODEC_NAMES.get(cid.codec.code, cid.codec.name)
            raise ValueError(f"can't convert CID of type {name} to a peer ID")
        return cls(bytes(cid.digest))

    @property
    def is_inline(self) -> bool:
        return self.multihash[0] == _IDENTITY

    def public_key(self) -> Optional[bytes]:
        """The marshalled public key an identity multihash carries (``ExtractPublicKey``)."""
        if not self.is_inline:
            return None
        _, pos = _read_varint(self.multihash, 1)
        return self.multihash[pos:]

    def to_cid(self) -> CID:
        """``peer.ToCid``: CIDv1, codec ``libp2p-key``."""
        return CID("base36", 1, "libp2p-key", self.multihash)

    def format(self, base: Optional[multibase.Multibase] = None) -> str:
        """kubo ``keyencode.KeyEncoder.FormatID``: base58btc without a base (``b58mh``), else
        the CIDv1 in ``base``."""
        if base is None:
            return str(self)
        return self.to_cid().encode(base)

    def __str__(self) -> str:
        """``peer.ID.Pretty()``: base58btc."""
        return base58.b58encode(self.multihash).decode("ascii")


#: go-cid ``CodecToStr`` names that differ from the multicodec table's
_GO_CID_CODEC_NAMES = {0x70: "protobuf", 0x71: "cbor"}


def _is_multihash(raw: bytes) -> bool:
    try:
        _, pos = _read_varint(raw, 0)
        length, pos = _read_varint(raw, pos)
    except ValueError:
        return False
    return len(raw) - pos == length


def _cid_error(text: str, exc: Exception) -> str:
    """go-cid ``Decode`` errors for strings that are no CID."""
    if len(text) < 2:
        return ERR_CID_TOO_SHORT
    return ERR_MULTIBASE_UNSUPPORTED if "multibase" in str(exc).lower() else f"invalid cid: {exc}"


# --- a node's identity ------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """kubo ``config.Identity`` with the key decoded: the node's ``self`` key."""

    private_key: PrivateKey
    #: the seed the key was made from, if any (key generation follows it: see keystore.py)
    seed: Optional[bytes] = None

    @functools.cached_property
    def id(self) -> PeerID:
        return self.private_key.peer_id()

    @functools.cached_property
    def peer_id(self) -> str:
        """``Identity.PeerID``: base58btc, as ``ipfs id`` prints it."""
        return str(self.id)

    @functools.cached_property
    def public_key_b64(self) -> str:
        """``ipfs id`` ``PublicKey``: base64 of the marshalled public key."""
        return base64.b64encode(self.private_key.public_key()).decode("ascii")

    @property
    def private_key_b64(self) -> str:
        """``Identity.PrivKey`` in the config file."""
        return base64.b64encode(self.private_key.marshal()).decode("ascii")

    def derive_seed(self, label: str) -> Optional[bytes]:
        """A seed for another key of this node (``None`` when this identity is random)."""
        if self.seed is None:
            return None
        return hashlib.sha256(self.seed + b"\x00" + label.encode("utf-8")).digest()


def node_key_type(version: Any) -> str:
    """The key type ``ipfs init`` makes: Ed25519 from go-ipfs 0.7.0, RSA before."""
    return "ed25519" if versions.ed25519_identity(version) else "rsa"


def create(version: Any, seed: Optional[Seed] = None) -> Identity:
    """A new node identity for kubo ``version`` (config/init.go ``CreateIdentity``)."""
    key = generate(node_key_type(version), None, seed)
    return Identity(key, None if seed is None else _seed_bytes(seed))


_LOCK = threading.Lock()


def of(node: Any, seed: Optional[Seed] = None) -> Identity:
    """The node's identity, made on first use (from ``seed`` when given).

    A node with a repo reads it from the repo's ``config`` file when there is one. Asking for a
    seed other than the one an existing identity was made from is an error."""
    from . import config as configmod
    created = False
    with _LOCK:
        found: Optional[Identity] = node.__dict__.get("_identity")
        if found is None:
            stored = configmod.stored_private_key(node)
            if stored is not None:
                found = Identity(unmarshal_private_key(base64.b64decode(stored)))
                if seed is not None:  # the repo's key: keep the seed if it made that key
                    candidate = create(node.kubo_version, seed)
                    found = candidate if candidate.private_key == found.private_key else found
            else:
                found = create(node.kubo_version, seed)
                created = True
            node.__dict__["_identity"] = found
    if created and getattr(node, "repo", None):
        configmod.of(node)  # ``ipfs init``: the new identity goes into the repo's config file
    if seed is not None and found.seed != _seed_bytes(seed):
        raise ValueError("the node already has an identity that was not made from this seed")
    return found
