"""A node's IPNS names: ``ipfs name publish`` and ``ipfs name resolve``.

kubo core/coreapi/name.go (``Publish``, ``Resolve``/``Search``) over namesys (namesys.go
``resolveOnceAsync``, base.go ``resolveAsync``, routing.go ``IpnsResolver``). A record maps the
peer ID of a key to a path, with a sequence number that grows with each publication and an end
of validity (``--lifetime``, default 24h); expired records are not found. Records live in the
node (in ``<repo>/ipns.json`` for a repo node); no other node's records can be found, so
resolving any other name fails as a daemon that finds no record fails ("could not resolve
name"). DNSLink names (``ipfs name resolve example.com``) are not emulated.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Optional

from multiformats import CID

from . import errors, keystore
from ._attach import attached
from .durations import parse_duration
from .errors import IPFSError, InvalidArgument, err_not_implemented
from .identity import PeerID

#: namesys/namesys.go ``DefaultDepthLimit``
DEFAULT_DEPTH_LIMIT = 32
#: namesys/publisher.go ``DefaultRecordEOL`` and the command's ``--lifetime`` default
DEFAULT_LIFETIME = "24h"
IPNS_PREFIX = "/ipns/"


class ResolveError(IPFSError):
    """A name that does not resolve (namesys ``ErrResolveFailed`` and friends)."""


class RecursionLimit(ResolveError):
    """namesys ``ErrResolveRecursion``: the depth ran out; ``path`` is where it stopped."""

    def __init__(self, path: str) -> None:
        super().__init__(errors.ERR_RESOLVE_RECURSION)
        self.path = path


@dataclass(frozen=True)
class Record:
    """The parts of an IPNS record (``ipns.pb`` ``IpnsEntry``) that resolution reads."""

    value: str
    sequence: int
    validity: float  # end of life, seconds since the epoch
    ttl: Optional[int] = None  # nanoseconds


def parse_path(text: str) -> str:
    """go-path ``ParsePath`` as ``path.New`` applies it to a name's value: ``/ipfs/<cid>...``,
    ``/ipld/<cid>...``, ``/ipns/<name>...``, or a bare CID (made ``/ipfs/<cid>``)."""
    parts = text.split("/")
    if parts[0] != "":
        try:
            CID.decode(parts[0])
        except Exception as exc:
            raise InvalidArgument(errors.err_invalid_path(text, f"invalid cid: {exc}")) from None
        return "/ipfs/" + text
    if len(parts) < 3:
        raise InvalidArgument(errors.err_invalid_path(text, "path does not begin with '/'"))
    if parts[1] not in ("ipfs", "ipld", "ipns"):
        raise InvalidArgument(errors.err_invalid_path(text, f"unknown namespace {errors._go_quote(parts[1])}"))
    if parts[2] == "":
        raise InvalidArgument(errors.err_invalid_path(text, "not enough path components"))
    if parts[1] != "ipns":
        try:
            CID.decode(parts[2])
        except Exception as exc:
            raise InvalidArgument(errors.err_invalid_path(text, f"invalid CID: invalid cid: {exc}")) from None
    return text


_DOMAIN = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}\.?$")


def is_domain(name: str) -> bool:
    """go-dnslink ``isd.IsDomain``: labels separated by dots, ending in a TLD-like label."""
    return bool(_DOMAIN.match(name))


class NameSystem:
    """The IPNS records one node has published (thread-safe)."""

    def __init__(self, node: Any) -> None:
        self.node = node
        self._records: dict[bytes, Record] = {}
        self._lock = threading.Lock()
        self._file = os.path.join(node.repo, "ipns.json") if getattr(node, "repo", None) else None
        if self._file is not None and os.path.exists(self._file):
            with open(self._file, encoding="utf-8") as handle:
                for key, record in json.load(handle).items():
                    self._records[bytes.fromhex(key)] = Record(**record)

    def publish(self, value: str, key: str = keystore.SELF, lifetime: str = DEFAULT_LIFETIME,
                ttl: Optional[str] = None, resolve: bool = True) -> tuple[PeerID, str]:
        """``ipfs name publish``: the peer ID the name belongs to and the published path.

        With ``resolve`` the path must resolve first (the command's ``--resolve``, default on)."""
        try:
            lifetime_ns = parse_duration(lifetime)
        except ValueError as exc:
            raise InvalidArgument(errors.err_lifetime_option(str(exc))) from None
        ttl_ns: Optional[int] = None
        if ttl is not None:
            try:
                ttl_ns = parse_duration(ttl)
            except ValueError as exc:
                raise InvalidArgument(str(exc)) from None
        path = parse_path(value)
        if resolve:
            self.resolve_path(path)
        private_key = keystore.of(self.node).lookup(key)
        peer = private_key.peer_id()
        with self._lock:
            previous = self._records.get(peer.multihash)
            sequence = 0 if previous is None else previous.sequence + 1
            self._records[peer.multihash] = Record(path, sequence, time.time() + lifetime_ns / 1e9, ttl_ns)
            self._save()
        return peer, path

    def record(self, peer: PeerID) -> Optional[Record]:
        """The live record of ``peer``'s name, if this node has one."""
        with self._lock:
            found = self._records.get(peer.multihash)
        if found is None or found.validity < time.time():
            return None
        return found

    def resolve(self, name: str, recursive: bool = True) -> str:
        """``ipfs name resolve``: the path ``name`` (``/ipns/<name>[/rest]`` or ``<name>``)
        points to, following ``/ipns/`` values up to 32 times (once unless ``recursive``:
        :class:`RecursionLimit` then carries the ``/ipns/`` path reached)."""
        name = name if name.startswith(IPNS_PREFIX) else IPNS_PREFIX + name
        depth = DEFAULT_DEPTH_LIMIT if recursive else 1
        while True:
            path = self._resolve_once(name)
            if not path.startswith(IPNS_PREFIX):
                return path
            if depth == 1:
                raise RecursionLimit(path)
            depth -= 1
            name = path

    def _resolve_once(self, name: str) -> str:
        """namesys ``mpns.resolveOnceAsync`` for one ``/ipns/<key>[/rest]``."""
        segments = name.split("/", 3)
        if len(segments) < 3:
            raise ResolveError(errors.ERR_RESOLVE_FAILED)
        key = segments[2]
        try:
            peer = PeerID.decode(key)
        except ValueError as exc:
            peer = None
            fixed = _libp2p_key_hint(key, str(exc))
            if fixed is not None:
                raise ResolveError(errors.err_ipns_cid_codec(fixed)) from None
        if peer is None:
            if is_domain(key):
                raise ResolveError(err_not_implemented("DNSLink resolution"))
            raise ResolveError(errors.ERR_NOT_PROQUINT)
        found = self.record(peer)
        if found is None:
            raise ResolveError(errors.ERR_RESOLVE_FAILED)
        value = found.value
        if len(segments) > 3:
            value = value.rstrip("/") + "/" + segments[3]
        return value

    def resolve_path(self, path: str) -> None:
        """Check that ``path`` resolves to a node (coreapi ``ResolveNode``): an ``/ipns/`` path
        through its name first."""
        if path.startswith(IPNS_PREFIX):
            path = self.resolve(path)
        self.node.block_get(self.node.resolve(path))

    def _save(self) -> None:
        if self._file is None:
            return
        payload = {key.hex(): asdict(record) for key, record in self._records.items()}
        fd, tmp = tempfile.mkstemp(prefix=".ipns-", dir=os.path.dirname(self._file))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)
        os.replace(tmp, self._file)


def _libp2p_key_hint(key: str, error: str) -> Optional[str]:
    """namesys.go: a CIDv1 of a dag-pb node where a peer ID was expected names the
    ``libp2p-key`` CID to retry with."""
    if error != "can't convert CID of type protobuf to a peer ID":
        return None
    cid = CID.decode(key)
    if cid.version != 1:
        return None
    return CID("base32", 1, "libp2p-key", cid.digest).encode("base32")


def of(node: Any) -> NameSystem:
    """The node's name system, made on first use."""
    return attached(node, "_ipns", lambda: NameSystem(node))
