"""A node's keystore: the named keys ``ipfs key`` manages next to the node's own key ``self``.

kubo keystore/keystore.go (``FSKeystore``: one file per key holding the marshalled private key,
named ``key_<base32 of the name>``) under core/coreapi/key.go (``Generate``, ``List``,
``Rename``, ``Remove``) and core/commands/keystore.go (``import``, ``export``).
``self`` is the node's identity (:mod:`fakeipfs.identity`), always listed first and never
stored, renamed or removed. A node with a repo keeps its keys in ``<repo>/keystore``.
"""
from __future__ import annotations

import base64
import os
import tempfile
import threading
from dataclasses import dataclass
from typing import Any, Optional

from . import errors, identity, versions
from ._attach import attached
from .errors import InvalidArgument, IPFSError
from .identity import PeerID, PrivateKey

SELF = "self"
#: keystore.go ``keyFilenamePrefix``
FILE_PREFIX = "key_"


class KeystoreError(IPFSError):
    """A keystore error, worded as kubo words it."""


@dataclass(frozen=True)
class Key:
    """core/coreapi/key.go ``key``: a name and the peer ID of its public key."""

    name: str
    id: PeerID


class Keystore:
    """The named keys of one node (thread-safe)."""

    def __init__(self, node: Any) -> None:
        self.node = node
        self._keys: dict[str, PrivateKey] = {}
        self._generated = 0
        self._lock = threading.RLock()
        self._dir = os.path.join(node.repo, "keystore") if getattr(node, "repo", None) else None
        if self._dir is not None and os.path.isdir(self._dir):
            for filename in os.listdir(self._dir):
                name = _decode_name(filename)
                if name is not None:
                    with open(os.path.join(self._dir, filename), "rb") as handle:
                        self._keys[name] = identity.unmarshal_private_key(handle.read())

    # --- keystore.go ----------------------------------------------------------------------

    def has(self, name: str) -> bool:
        with self._lock:
            return name in self._keys

    def get(self, name: str) -> PrivateKey:
        """``Get``: the key, or ``ErrNoSuchKey``."""
        _encode_name(name)
        with self._lock:
            found = self._keys.get(name)
        if found is None:
            raise KeystoreError(errors.ERR_NO_SUCH_KEY)
        return found

    def put(self, name: str, key: PrivateKey) -> None:
        """``Put``: refuses to overwrite (``ErrKeyExists``)."""
        filename = _encode_name(name)
        with self._lock:
            if name in self._keys:
                raise KeystoreError(errors.ERR_KEYSTORE_KEY_EXISTS)
            if self._dir is not None:
                os.makedirs(self._dir, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".key-", dir=self._dir)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(key.marshal())
                os.replace(tmp, os.path.join(self._dir, filename))
            self._keys[name] = key

    def delete(self, name: str) -> None:
        filename = _encode_name(name)
        with self._lock:
            self._keys.pop(name, None)
            if self._dir is not None:
                try:
                    os.remove(os.path.join(self._dir, filename))
                except FileNotFoundError:
                    pass

    def names(self) -> list[str]:
        with self._lock:
            return list(self._keys)

    # --- core/coreapi/key.go --------------------------------------------------------------

    def self_key(self) -> Key:
        return Key(SELF, identity.of(self.node).id)

    def generate(self, name: str, key_type: str, size: Optional[int] = None) -> Key:
        """``KeyAPI.Generate``: a new RSA (``size`` bits, default 2048) or Ed25519 key. A node
        whose identity came from a seed makes its keys from that seed too."""
        if name == SELF:
            raise KeystoreError(errors.ERR_KEY_CREATE_SELF)
        if self.has(name):
            raise KeystoreError(errors.err_key_with_name_exists(name))
        ident = identity.of(self.node)
        with self._lock:
            self._generated += 1
            seed = ident.derive_seed(f"keystore/{self._generated}/{name}")
        key = identity.generate(key_type, size, seed, versions.min_rsa_key_bits(self.node.kubo_version))
        self.put(name, key)
        return Key(name, key.peer_id())

    def list(self) -> list[Key]:
        """``KeyAPI.List``: ``self``, then the keys by name."""
        with self._lock:
            stored = sorted(self._keys.items())
        return [self.self_key()] + [Key(name, key.peer_id()) for name, key in stored]

    def _named(self, name: str) -> PrivateKey:
        """The key ``rename``/``remove`` act on: any failure of ``Get`` is ``no key named <name>``."""
        try:
            return self.get(name)
        except IPFSError:
            raise KeystoreError(errors.err_no_key_named(name)) from None

    def rename(self, old: str, new: str, force: bool = False) -> tuple[Key, bool]:
        """``KeyAPI.Rename``: the renamed key and whether a key called ``new`` was overwritten."""
        if old == SELF:
            raise KeystoreError(errors.ERR_KEY_RENAME_SELF)
        if new == SELF:
            raise KeystoreError(errors.ERR_KEY_OVERWRITE_SELF)
        with self._lock:
            key = self._named(old)
            if new == old:
                return Key(old, key.peer_id()), False
            overwrite = force and self.has(new)
            if overwrite:
                self.delete(new)
            self.put(new, key)
            self.delete(old)
        return Key(new, key.peer_id()), overwrite

    def remove(self, name: str) -> Key:
        """``KeyAPI.Remove``: the removed key (its name is empty, as kubo returns it)."""
        if name == SELF:
            raise KeystoreError(errors.ERR_KEY_REMOVE_SELF)
        with self._lock:
            key = self._named(name)
            self.delete(name)
        return Key("", key.peer_id())

    # --- core/commands/keystore.go import / export -----------------------------------------

    def import_key(self, name: str, key: PrivateKey) -> Key:
        """``key import`` of a decoded private key."""
        if name == SELF:
            raise KeystoreError(errors.ERR_KEY_IMPORT_SELF)
        if self.has(name):
            raise KeystoreError(errors.err_key_with_name_exists(name))
        self.put(name, key)
        return Key(name, key.peer_id())

    def export_key(self, name: str) -> bytes:
        """``key export``: the marshalled private key."""
        if name == SELF:
            raise KeystoreError(errors.ERR_KEY_EXPORT_SELF)
        try:
            return self.get(name).marshal()
        except IPFSError:
            raise KeystoreError(errors.err_key_doesnt_exist(name)) from None

    def lookup(self, name_or_id: str) -> PrivateKey:
        """core/coreapi/name.go ``keylookup``: a key by name, or by the peer ID of ``self`` or
        of a stored key."""
        self_key = identity.of(self.node).private_key
        if name_or_id == SELF:
            return self_key
        _encode_name(name_or_id)
        with self._lock:
            found = self._keys.get(name_or_id)
            stored = list(self._keys.values())
        if found is not None:
            return found
        try:
            target = PeerID.decode(name_or_id)
        except ValueError:
            raise KeystoreError(errors.ERR_NO_SUCH_KEY) from None
        for key in [self_key] + stored:
            if key.peer_id() == target:
                return key
        raise KeystoreError(errors.ERR_NO_KEY_BY_NAME_OR_PEER_ID)


def _encode_name(name: str) -> str:
    """keystore.go ``encode``: ``key_`` and the unpadded, lower-case base32 of the name."""
    if name == "":
        raise InvalidArgument(errors.ERR_KEY_NAME_EMPTY)
    return FILE_PREFIX + base64.b32encode(name.encode("utf-8")).decode("ascii").rstrip("=").lower()


def _decode_name(filename: str) -> Optional[str]:
    if not filename.startswith(FILE_PREFIX):
        return None
    body = filename[len(FILE_PREFIX):].upper()
    try:
        return base64.b32decode(body + "=" * (-len(body) % 8)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def of(node: Any) -> Keystore:
    """The node's keystore, made on first use."""
    return attached(node, "_keystore", lambda: Keystore(node))
