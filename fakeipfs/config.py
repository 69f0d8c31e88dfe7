"""The repo config: kubo's ``config`` file as ``ipfs init`` writes it and ``ipfs config`` reads
and changes it.

``config.of(node)`` is the node's :class:`Config`, created on first use with the default
config of the node's kubo version (config/init.go ``InitWithIdentity``) around the node's
identity; a node with a repo keeps it in ``<repo>/config``.

kubo handles the file in two ways, and so does this module:

- as a **map** (repo/fsrepo/fsrepo.go ``GetConfigKey``/``SetConfigKey``, ``config show``): keys
  are looked up by exact name (repo/common/common.go ``MapGetKV``/``MapSetKV``) and maps print
  with sorted keys;
- as the **struct** ``config.Config`` (``FromMap``, ``SetConfig``): a changed config is decoded
  into the struct, which rejects values of the wrong JSON type and ignores unknown keys (Go
  ``encoding/json``, field names matched case-insensitively), and the struct is written back
  over the file's top-level keys (fsrepo.go ``setConfigUnsynced``), so known sections come back
  complete, with Go's zero values.

The struct is go-ipfs-config v0.9.0's (kubo 0.7.0), and only kubo versions before 0.8 are
rewritten through it (:data:`STRUCT_MODELLED_UNTIL`). Default values follow that version too,
with the parts that changed most visibly across kubo's history taken per version: the node's
key type, ``Bootstrap`` and ``Addresses.Swarm``.
"""
from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from . import errors, versions
from .errors import IPFSError, _go_quote
from .versions import KuboVersion

#: config/identity.go
IDENTITY_TAG, PRIV_KEY_TAG = "Identity", "PrivKey"
PRIV_KEY_SELECTOR = "Identity.PrivKey"
#: config/autoconf.go ``AutoPlaceholder`` (kubo 0.37+)
AUTO = "auto"


class ConfigError(IPFSError):
    """A config key that cannot be read or written (the message is kubo's, unwrapped)."""


# --- per-version defaults ---------------------------------------------------------------------

_BOOTSTRAP_LIBP2P = ["/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
                     "/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
                     "/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb",
                     "/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt"]
_MARS = "QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ"
_VA1 = "/dnsaddr/va1.bootstrap.libp2p.io/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8"

#: ``DefaultBootstrapAddresses`` (go-ipfs-config bootstrap_peers.go, kubo config/bootstrap_peers.go
#: from 0.13), newest first: (first kubo version, list).
_BOOTSTRAP_HISTORY: list[tuple[KuboVersion, list[str]]] = [
    # boxo autoconf/fallbacks.go ``FallbackBootstrapPeers`` (what "auto" expands to offline)
    (KuboVersion(0, 33), _BOOTSTRAP_LIBP2P[:2] + _BOOTSTRAP_LIBP2P[2:] + [
        _VA1, f"/ip4/104.131.131.82/tcp/4001/p2p/{_MARS}", f"/ip4/104.131.131.82/udp/4001/quic-v1/p2p/{_MARS}"]),
    (KuboVersion(0, 23), _BOOTSTRAP_LIBP2P + [
        f"/ip4/104.131.131.82/tcp/4001/p2p/{_MARS}", f"/ip4/104.131.131.82/udp/4001/quic-v1/p2p/{_MARS}"]),
    (KuboVersion(0, 6), _BOOTSTRAP_LIBP2P + [
        f"/ip4/104.131.131.82/tcp/4001/p2p/{_MARS}", f"/ip4/104.131.131.82/udp/4001/quic/p2p/{_MARS}"]),
    (KuboVersion(0, 5), _BOOTSTRAP_LIBP2P + [f"/ip4/104.131.131.82/tcp/4001/p2p/{_MARS}"]),
    (KuboVersion(0, 0), [a.replace("/p2p/", "/ipfs/") for a in _BOOTSTRAP_LIBP2P] + [
        f"/ip4/104.131.131.82/tcp/4001/ipfs/{_MARS}",
        "/ip4/104.236.179.241/tcp/4001/ipfs/QmSoLPppuBtQSGwKDZT2M73ULpjvfd3aZ6ha4oFGL1KrGM",
        "/ip4/128.199.219.111/tcp/4001/ipfs/QmSoLSafTMBsPKadTEgaXctDQVcqN88CNLHXMkTNwMKPnu",
        "/ip4/104.236.76.40/tcp/4001/ipfs/QmSoLV4Bbm51jM9C4gDYZQ9Cy3U6aXMJDAbzgu2fzaDs64",
        "/ip4/178.62.158.247/tcp/4001/ipfs/QmSoLer265NRgSp2LA3dPaeykiS1J6DifTC88f5uVQKNAd",
        "/ip6/2604:a880:1:20::203:d001/tcp/4001/ipfs/QmSoLPppuBtQSGwKDZT2M73ULpjvfd3aZ6ha4oFGL1KrGM",
        "/ip6/2400:6180:0:d0::151:6001/tcp/4001/ipfs/QmSoLSafTMBsPKadTEgaXctDQVcqN88CNLHXMkTNwMKPnu",
        "/ip6/2604:a880:800:10::4a:5001/tcp/4001/ipfs/QmSoLV4Bbm51jM9C4gDYZQ9Cy3U6aXMJDAbzgu2fzaDs64",
        "/ip6/2a03:b0c0:0:1010::23:1001/tcp/4001/ipfs/QmSoLer265NRgSp2LA3dPaeykiS1J6DifTC88f5uVQKNAd"]),
]

_TCP = ["/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001"]
#: config/init.go ``addressesConfig`` ``Swarm``, newest first.
_SWARM_HISTORY: list[tuple[KuboVersion, list[str]]] = [
    (KuboVersion(0, 30), _TCP + ["/ip4/0.0.0.0/udp/4001/webrtc-direct", "/ip4/0.0.0.0/udp/4001/quic-v1",
                                 "/ip4/0.0.0.0/udp/4001/quic-v1/webtransport", "/ip6/::/udp/4001/webrtc-direct",
                                 "/ip6/::/udp/4001/quic-v1", "/ip6/::/udp/4001/quic-v1/webtransport"]),
    (KuboVersion(0, 23), _TCP + ["/ip4/0.0.0.0/udp/4001/quic-v1", "/ip4/0.0.0.0/udp/4001/quic-v1/webtransport",
                                 "/ip6/::/udp/4001/quic-v1", "/ip6/::/udp/4001/quic-v1/webtransport"]),
    (KuboVersion(0, 18), _TCP + ["/ip4/0.0.0.0/udp/4001/quic", "/ip4/0.0.0.0/udp/4001/quic-v1",
                                 "/ip4/0.0.0.0/udp/4001/quic-v1/webtransport", "/ip6/::/udp/4001/quic",
                                 "/ip6/::/udp/4001/quic-v1", "/ip6/::/udp/4001/quic-v1/webtransport"]),
    (KuboVersion(0, 6), _TCP + ["/ip4/0.0.0.0/udp/4001/quic", "/ip6/::/udp/4001/quic"]),
    (KuboVersion(0, 0), _TCP),
]


def _for_version(history: list[tuple[KuboVersion, list[str]]], version: KuboVersion) -> list[str]:
    return list(next(values for since, values in history if version >= since))


def default_bootstrap(version: KuboVersion) -> list[str]:
    """The default bootstrap peers of ``version`` (``DefaultBootstrapAddresses``)."""
    return _for_version(_BOOTSTRAP_HISTORY, version)


def default_config(version: KuboVersion, peer_id: str, private_key_b64: str) -> dict[str, Any]:
    """config/init.go ``InitWithIdentity``, as the config file holds it (the struct written
    out: every field, Go zero values, ``omitempty`` fields left out)."""
    bootstrap = [AUTO] if versions.bootstrap_auto_placeholder(version) else \
        bootstrap_peer_strings(default_bootstrap(version), version)
    return normalize({
        "API": {"HTTPHeaders": {}},
        "Addresses": {"Swarm": _for_version(_SWARM_HISTORY, version), "Announce": [], "NoAnnounce": [],
                      "API": "/ip4/127.0.0.1/tcp/5001", "Gateway": "/ip4/127.0.0.1/tcp/8080"},
        "Datastore": {"StorageMax": "10GB", "StorageGCWatermark": 90, "GCPeriod": "1h",
                      "BloomFilterSize": 0, "Spec": _flatfs_spec()},
        "Bootstrap": bootstrap,
        "Identity": {"PeerID": peer_id, "PrivKey": private_key_b64},
        "Discovery": {"MDNS": {"Enabled": True, "Interval": 10}},
        "Routing": {"Type": "dht"},
        "Mounts": {"IPFS": "/ipfs", "IPNS": "/ipns"},
        "Ipns": {"ResolveCacheSize": 128},
        "Gateway": {"RootRedirect": "", "Writable": False, "NoFetch": False, "PathPrefixes": [],
                    "HTTPHeaders": {"Access-Control-Allow-Origin": ["*"],
                                    "Access-Control-Allow-Methods": ["GET"],
                                    "Access-Control-Allow-Headers": ["X-Requested-With", "Range", "User-Agent"]},
                    "APICommands": []},
        "Reprovider": {"Interval": "12h", "Strategy": "all"},
        "Swarm": {"ConnMgr": {"LowWater": 600, "HighWater": 900, "GracePeriod": "20s", "Type": "basic"}},
    })


def _flatfs_spec() -> dict[str, Any]:
    """go-ipfs-config init.go ``flatfsSpec``."""
    return {"type": "mount", "mounts": [
        {"mountpoint": "/blocks", "type": "measure", "prefix": "flatfs.datastore",
         "child": {"type": "flatfs", "path": "blocks", "sync": True,
                   "shardFunc": "/repo/flatfs/shard/v1/next-to-last/2"}},
        {"mountpoint": "/", "type": "measure", "prefix": "leveldb.datastore",
         "child": {"type": "levelds", "path": "datastore", "compression": "none"}}]}


# --- bootstrap peer lists ---------------------------------------------------------------------

def split_p2p(addr: str) -> tuple[str, str]:
    """go-libp2p ``peer.SplitAddr`` on text: the transport part and the peer ID of an address
    ending in ``/p2p/<id>`` (or the older ``/ipfs/<id>``); ``("", "")`` without one."""
    parts = addr.rstrip("/").split("/")
    if len(parts) >= 3 and parts[-2] in ("p2p", "ipfs") and parts[-1]:
        return "/".join(parts[:-2]), parts[-1]
    return addr, ""


def bootstrap_strings(addrs: list[str], p2p_name: str = "p2p") -> list[str]:
    """``BootstrapPeerStrings(ParseBootstrapPeers(addrs))``: the addresses grouped by peer (Go
    groups them in a map, so kubo's peer order is random; fakeipfs keeps first-seen order),
    each written ``<transport>/<p2p_name>/<id>`` (a bare ``/p2p/<id>`` stays bare)."""
    groups: dict[str, list[str]] = {}
    for addr in addrs:
        transport, pid = split_p2p(addr)
        groups.setdefault(pid, [])
        if transport:
            groups[pid].append(transport)
    return [f"{transport}/{p2p_name}/{pid}" for pid, transports in groups.items()
            for transport in (transports or [""])]


def bootstrap_peer_strings(addrs: list[str], version: KuboVersion) -> list[str]:
    """``BootstrapPeerStrings(ParseBootstrapPeers(addrs))`` as ``version`` had it: from 0.5
    :func:`bootstrap_strings` (peers grouped, ``/p2p/``); before, go-ipfs-addr's ``IPFSAddr``
    per address, in order, printed with ``/ipfs/`` (repo/config/bootstrap_peers.go at v0.4.13,
    go-ipfs-config v0.0.3 in 0.4.21-0.4.23; :func:`fakeipfs.versions.p2p_multiaddr`)."""
    if versions.p2p_multiaddr(version):
        return bootstrap_strings(addrs)
    out = []
    for addr in addrs:
        transport, pid = split_p2p(addr)
        out.append(f"{transport}/ipfs/{pid}" if pid else addr)
    return out


# --- the struct: go-ipfs-config v0.9.0 types --------------------------------------------------

@dataclass(frozen=True)
class Struct:
    """A Go struct: its type name and its fields in declaration order, with the names that are
    ``omitempty``."""

    name: str
    fields: dict[str, Any]
    omitempty: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Slice:
    go: str
    elem: Any


@dataclass(frozen=True)
class Map:
    go: str
    elem: Any


@dataclass(frozen=True)
class Ptr:
    elem: Any


@dataclass(frozen=True)
class Custom:
    """A type with its own ``UnmarshalJSON``/``UnmarshalText`` (its errors are not wrapped in
    struct context): ``decode`` returns the JSON the type marshals back to."""

    go: str
    decode: Callable[[Any], Any]


ANY = "interface {}"
_STRING_SLICE = Slice("[]string", "string")


def _strings(value: Any) -> Any:
    """go-ipfs-config types.go ``Strings``: a string or a list; written back as null (empty), a
    string (one) or a list."""
    if isinstance(value, list):
        items = [_decode(v, "string", ("", [])) for v in value]
    elif isinstance(value, str):
        items = [value] if value else []
    else:
        raise ConfigError(f"json: cannot unmarshal {_kind(value)} into Go value of type string")
    return None if not items else items[0] if len(items) == 1 else items


def _flag(value: Any) -> Any:
    """types.go ``Flag``: null, true or false."""
    if value is None or isinstance(value, bool):
        return value
    raise ConfigError(f"failed to unmarshal {_go_quote(json.dumps(value))} into a flag: "
                      "must be null/undefined, true, or false")


def _autonat_mode(value: Any) -> Any:
    """autonat.go ``AutoNATServiceMode`` (``UnmarshalText`` / ``MarshalText``)."""
    if not isinstance(value, str):
        raise _TypeMismatch(value, "config.AutoNATServiceMode")
    if value not in ("", "enabled", "disabled"):
        raise ConfigError(f"unknown autonat mode: {value}")
    return value or None


def _duration(value: Any) -> Any:
    """types.go ``Duration``: read with ``time.ParseDuration``, written as nanoseconds."""
    if not isinstance(value, str):
        raise _TypeMismatch(value, "config.Duration")
    from .durations import parse_duration
    try:
        return parse_duration(value) or None
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


_GATEWAY_SPEC = Struct("GatewaySpec", {"Paths": _STRING_SLICE, "UseSubdomains": "bool", "NoDNSLink": "bool"})
_PRIORITY = "config.Priority"

CONFIG = Struct("Config", {
    "Identity": Struct("Identity", {"PeerID": "string", "PrivKey": "string"}, frozenset({"PrivKey"})),
    "Datastore": Struct("Datastore", {
        "StorageMax": "string", "StorageGCWatermark": "int64", "GCPeriod": "string", "Type": "string",
        "Path": "string", "NoSync": "bool", "Params": Ptr(ANY), "Spec": Map("map[string]interface {}", ANY),
        "HashOnRead": "bool", "BloomFilterSize": "int"}, frozenset({"Type", "Path", "NoSync", "Params"})),
    "Addresses": Struct("Addresses", {
        "Swarm": _STRING_SLICE, "Announce": _STRING_SLICE, "NoAnnounce": _STRING_SLICE,
        "API": Custom("config.Strings", _strings), "Gateway": Custom("config.Strings", _strings)}),
    "Mounts": Struct("Mounts", {"IPFS": "string", "IPNS": "string", "FuseAllowOther": "bool"}),
    "Discovery": Struct("Discovery", {"MDNS": Struct("MDNS", {"Enabled": "bool", "Interval": "int"})}),
    "Routing": Struct("Routing", {"Type": "string"}),
    "Ipns": Struct("Ipns", {"RepublishPeriod": "string", "RecordLifetime": "string", "ResolveCacheSize": "int"}),
    "Bootstrap": _STRING_SLICE,
    "Gateway": Struct("Gateway", {
        "HTTPHeaders": Map("map[string][]string", _STRING_SLICE), "RootRedirect": "string",
        "Writable": "bool", "PathPrefixes": _STRING_SLICE, "APICommands": _STRING_SLICE,
        "NoFetch": "bool", "NoDNSLink": "bool",
        "PublicGateways": Map("map[string]*config.GatewaySpec", Ptr(_GATEWAY_SPEC))}),
    "API": Struct("API", {"HTTPHeaders": Map("map[string][]string", _STRING_SLICE)}),
    "Swarm": Struct("SwarmConfig", {
        "AddrFilters": _STRING_SLICE, "DisableBandwidthMetrics": "bool", "DisableNatPortMap": "bool",
        "DisableRelay": "bool", "EnableRelayHop": "bool", "EnableAutoRelay": "bool",
        "Transports": Struct("Transports", {
            "Network": Struct("struct { QUIC config.Flag \"json:\\\",omitempty\\\"\"; TCP config.Flag \"json:\\\",omitempty\\\"\"; Websocket config.Flag \"json:\\\",omitempty\\\"\"; Relay config.Flag \"json:\\\",omitempty\\\"\" }",
                              {n: Custom("config.Flag", _flag) for n in ("QUIC", "TCP", "Websocket", "Relay")},
                              frozenset({"QUIC", "TCP", "Websocket", "Relay"})),
            "Security": Struct("struct { TLS config.Priority \"json:\\\",omitempty\\\"\"; SECIO config.Priority \"json:\\\",omitempty\\\"\"; Noise config.Priority \"json:\\\",omitempty\\\"\" }",
                               {n: _PRIORITY for n in ("TLS", "SECIO", "Noise")},
                               frozenset({"TLS", "SECIO", "Noise"})),
            "Multiplexers": Struct("struct { Yamux config.Priority \"json:\\\",omitempty\\\"\"; Mplex config.Priority \"json:\\\",omitempty\\\"\" }",
                                   {n: _PRIORITY for n in ("Yamux", "Mplex")}, frozenset({"Yamux", "Mplex"}))}),
        "ConnMgr": Struct("ConnMgr", {"Type": "string", "LowWater": "int", "HighWater": "int",
                                      "GracePeriod": "string"})}, frozenset({"DisableRelay"})),
    "AutoNAT": Struct("AutoNATConfig", {
        "ServiceMode": Custom("config.AutoNATServiceMode", _autonat_mode),
        "Throttle": Ptr(Struct("AutoNATThrottleConfig", {
            "GlobalLimit": "int", "PeerLimit": "int", "Interval": Custom("config.Duration", _duration)},
            frozenset({"Interval"})))}, frozenset({"ServiceMode", "Throttle"})),
    "Pubsub": Struct("PubsubConfig", {"Router": "string", "DisableSigning": "bool"}),
    "Peering": Struct("Peering", {"Peers": Slice("[]peer.AddrInfo", ANY)}),
    "Provider": Struct("Provider", {"Strategy": "string"}),
    "Reprovider": Struct("Reprovider", {"Interval": "string", "Strategy": "string"}),
    "Experimental": Struct("Experiments", {n: "bool" for n in (
        "FilestoreEnabled", "UrlstoreEnabled", "ShardingEnabled", "GraphsyncEnabled",
        "Libp2pStreamMounting", "P2pHttpProxy", "StrategicProviding")}),
    "Plugins": Struct("Plugins", {"Plugins": Map("map[string]config.Plugin", Struct(
        "Plugin", {"Disabled": "bool", "Config": ANY}))}),
})

_ZERO = {"string": "", "bool": False, "int": 0, "int64": 0, _PRIORITY: 0}


class _TypeMismatch(Exception):
    """Go ``json.UnmarshalTypeError`` before its struct context is added."""

    def __init__(self, value: Any, go_type: str, number: bool = False) -> None:
        super().__init__()
        self.kind = f"number {_go_number(value)}" if number else _kind(value)
        self.go_type = go_type


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _go_number(value: Any) -> str:
    return json.dumps(value)


def _type_name(t: Any) -> str:
    if isinstance(t, str):
        return t
    if isinstance(t, Struct):
        return f"config.{t.name}" if not t.name.startswith("struct") else t.name
    if isinstance(t, (Slice, Map, Custom)):
        return t.go
    return "*" + _type_name(t.elem)


_MISSING = object()


def _decode(value: Any, t: Any, ctx: tuple[str, list[str]], existing: Any = _MISSING) -> Any:
    """Go ``encoding/json`` decoding ``value`` into a Go value of type ``t`` (``existing``, the
    value already there, is what decoding into a struct or pointer updates)."""
    if isinstance(t, Custom):
        if value is None and t.go in ("config.Strings", "config.Flag"):
            return None if t.go == "config.Flag" else _strings([])
        try:
            return t.decode(value)
        except _TypeMismatch as exc:
            raise _context(exc, ctx) from None
    if value is None:  # null sets pointers, maps, slices and interfaces to nil; else a no-op
        if isinstance(t, (Ptr, Map, Slice)) or t == ANY:
            return None
        return _zero(t) if existing is _MISSING else existing
    if isinstance(t, Ptr):
        return _decode(value, t.elem, ctx, _MISSING if existing is None else existing)
    if t == ANY:
        return value
    if isinstance(t, str):
        if t in ("string", "bool"):
            if _kind(value) != t:
                raise _context(_TypeMismatch(value, t), ctx)
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _context(_TypeMismatch(value, t), ctx)
        if isinstance(value, float) and not value.is_integer():
            raise _context(_TypeMismatch(value, t, number=True), ctx)
        if not -(1 << 63) <= int(value) < (1 << 63):
            raise _context(_TypeMismatch(value, t, number=True), ctx)
        return int(value)
    if isinstance(t, Slice):
        if not isinstance(value, list):
            raise _context(_TypeMismatch(value, t.go), ctx)
        return [_decode(v, t.elem, ctx) for v in value]
    if isinstance(t, Map):
        if not isinstance(value, dict):
            raise _context(_TypeMismatch(value, t.go), ctx)
        out = dict(existing) if isinstance(existing, dict) else {}
        out.update((k, _decode(v, t.elem, ctx)) for k, v in value.items())
        return out
    if not isinstance(value, dict):
        raise _context(_TypeMismatch(value, _type_name(t)), ctx)
    out = dict(existing) if isinstance(existing, dict) else _zero(t)
    for key in value:  # a struct field takes its exact name, else a case-insensitive match
        name = key if key in t.fields else next((f for f in t.fields if f.lower() == key.lower()), None)
        if name is not None:
            out[name] = _decode(value[key], t.fields[name], (t.name, ctx[1] + [name]), out[name])
    return out


def _zero(t: Any) -> Any:
    if isinstance(t, Struct):
        return {name: _zero(ftype) for name, ftype in t.fields.items()}
    if isinstance(t, str) and t != ANY:
        return _ZERO[t]
    return None


def _encode(value: Any, t: Any) -> Any:
    """Go ``encoding/json`` marshalling a decoded value: ``omitempty`` fields are left out when
    empty (false, 0, "", nil, or an empty slice or map)."""
    if value is None:
        return None
    if isinstance(t, Ptr):
        return _encode(value, t.elem)
    if isinstance(t, Map):
        return {k: _encode(v, t.elem) for k, v in value.items()}
    if isinstance(t, Slice):
        return [_encode(v, t.elem) for v in value]
    if not isinstance(t, Struct):
        return value
    out: dict[str, Any] = {}
    for name, ftype in t.fields.items():
        v = value[name]
        if name in t.omitempty and (v is None or v is False or (type(v) in (int, str, list, dict) and not v)):
            continue
        out[name] = _encode(v, ftype)
    return out


def _context(exc: _TypeMismatch, ctx: tuple[str, list[str]]) -> ConfigError:
    """Go ``decodeState.addErrorContext``: the innermost struct's type name and the field path."""
    struct, stack = ctx
    if struct or stack:
        struct = "" if struct.startswith("struct") else struct
        return ConfigError(f"json: cannot unmarshal {exc.kind} into Go struct field "
                           f"{struct}.{'.'.join(stack)} of type {exc.go_type}")
    return ConfigError(f"json: cannot unmarshal {exc.kind} into Go value of type {exc.go_type}")


def normalize(value: dict[str, Any], sort_keys: bool = True) -> dict[str, Any]:
    """``config.FromMap`` then ``ToMap``: the config struct's JSON for a config map (a
    :class:`ConfigError` with Go's ``encoding/json`` message for a value of the wrong type).
    ``FromMap`` re-encodes the map first, so keys are decoded in sorted order; a file is decoded
    in its own order (``sort_keys=False``)."""
    value = _go_numbers(value)
    return _encode(_decode(sorted_json(value) if sort_keys else value, CONFIG, ("", [])), CONFIG)


def _go_numbers(value: Any) -> Any:
    """JSON numbers as Go's ``interface{}`` holds them (float64): whole ones print without a
    fraction."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    return value


# --- the map: repo/common/common.go -----------------------------------------------------------

def map_get(config: dict[str, Any], key: str, version: KuboVersion) -> Any:
    """``MapGetKV``."""
    cursor: Any = config
    parts = key.split(".")
    for i, part in enumerate(parts):
        sofar = ".".join(parts[:i])
        if not isinstance(cursor, dict):
            raise ConfigError(errors.err_config_key_not_a_map(sofar))
        if part not in cursor:
            if versions.config_not_found_names_path(version):
                raise ConfigError(errors.err_config_key_not_found(f"{sofar}.{part}" if sofar else part))
            raise ConfigError(errors.err_config_key_no_attributes(sofar))
        cursor = cursor[part]
    return cursor


def map_set(config: dict[str, Any], key: str, value: Any) -> None:
    """``MapSetKV``: missing (or null) maps on the way are created."""
    cursor: Any = config
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not isinstance(cursor, dict):
            raise ConfigError(errors.err_config_key_not_a_map(".".join(parts[:i])))
        if i == len(parts) - 1:
            cursor[part] = value
            return
        if cursor.get(part) is None:
            cursor[part] = {}
        cursor = cursor[part]


def sorted_json(value: Any) -> Any:
    """A JSON value with every map's keys in Go's marshalling order (sorted)."""
    if isinstance(value, dict):
        return {k: sorted_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_json(v) for v in value]
    return value


# --- the node's config ------------------------------------------------------------------------

def human_output(value: Any) -> bytes:
    """config.go ``HumanOutput``/``Marshal``: ``json.MarshalIndent(value, "", "  ")``, Go's
    HTML-safe escapes for ``<``, ``>``, ``&``, U+2028 and U+2029, no final newline."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")


def _path(node: Any) -> Optional[str]:
    return os.path.join(node.repo, "config") if getattr(node, "repo", None) else None


def _read(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def stored_private_key(node: Any) -> Optional[str]:
    """``Identity.PrivKey`` of the node's repo config file, if it has one."""
    path = _path(node)
    if path is None or not os.path.exists(path):
        return None
    return _read(path).get(IDENTITY_TAG, {}).get(PRIV_KEY_TAG)


#: The struct above is go-ipfs-config v0.9.0's. For the kubo versions it models, changes go
#: through it as in kubo (known sections are rewritten complete, unknown nested keys dropped);
#: later versions' structs have more fields, so for them a change is only checked against the
#: known fields' types and the file keeps what it was given.
STRUCT_MODELLED_UNTIL = KuboVersion(0, 8, 0)


class Config:
    """A node's config file (kept in memory, and in ``<repo>/config`` for a repo node)."""

    def __init__(self, node: Any, data: dict[str, Any]) -> None:
        self.node = node
        self.version: KuboVersion = node.kubo_version
        self._data = data
        self._lock = threading.RLock()

    # reading

    @property
    def data(self) -> dict[str, Any]:
        """A copy of the whole file, private key included."""
        with self._lock:
            return copy.deepcopy(self._data)

    def show(self) -> dict[str, Any]:
        """``ipfs config show``: the file without ``Identity.PrivKey`` (``scrubValue``), maps sorted."""
        with self._lock:
            shown = copy.deepcopy(self._data)
        identity = shown.get(IDENTITY_TAG)
        if isinstance(identity, dict):
            identity.pop(PRIV_KEY_TAG, None)
        return sorted_json(shown)

    def get(self, key: str) -> Any:
        """``GetConfigKey``: the value at a dotted key (``ConfigError`` with ``MapGetKV``'s message)."""
        with self._lock:
            return sorted_json(copy.deepcopy(map_get(self._data, key, self.version)))

    @property
    def bootstrap(self) -> list[str]:
        with self._lock:
            return list(self._data.get("Bootstrap") or [])

    # writing

    @property
    def models_struct(self) -> bool:
        """Whether this module knows the version's config struct (see :data:`STRUCT_MODELLED_UNTIL`)."""
        return self.version < STRUCT_MODELLED_UNTIL

    def set(self, key: str, value: Any) -> None:
        """``SetConfigKey``: set the key in the map (the private key cannot be overwritten),
        check the result against the struct, write the map, then the struct over it."""
        with self._lock:
            updated = copy.deepcopy(self._data)
            private_key = map_get(updated, PRIV_KEY_SELECTOR, self.version)
            map_set(updated, key, _go_numbers(value))
            map_set(updated, PRIV_KEY_SELECTOR, private_key)
            struct = normalize(updated)
            if self.models_struct:
                updated.update(struct)
            self._write(updated)

    def set_struct(self, changes: Callable[[dict[str, Any]], None]) -> None:
        """``r.Config()``, change, ``r.SetConfig``: ``changes`` edits the struct's JSON, which is
        then written over the file's top-level keys (``setConfigUnsynced``)."""
        with self._lock:
            updated = copy.deepcopy(self._data)
            if self.models_struct:
                struct = normalize(updated)
                changes(struct)
                updated.update(normalize(struct))
            else:
                changes(updated)
                normalize(updated)
            self._write(updated)

    def replace(self, new: Any) -> None:
        """config.go ``replaceConfig``: decode the new file as the struct (any failure is
        "failed to decode file as config"), refuse a private key, keep the current one; the
        result goes over the file's top-level keys."""
        if not isinstance(new, dict):
            raise ConfigError(errors.ERR_CONFIG_DECODE)
        try:
            struct = normalize(new, sort_keys=False)
        except ConfigError:
            raise ConfigError(errors.ERR_CONFIG_DECODE) from None
        if struct[IDENTITY_TAG].get(PRIV_KEY_TAG):
            raise ConfigError(errors.ERR_CONFIG_REPLACE_PRIVATE_KEY)
        with self._lock:
            try:
                private_key = map_get(self._data, PRIV_KEY_SELECTOR, self.version)
            except ConfigError:
                raise ConfigError(errors.ERR_CONFIG_GET_PRIVATE_KEY) from None
            if not isinstance(private_key, str):
                raise ConfigError(errors.ERR_CONFIG_PRIVATE_KEY_NOT_STRING)
            replacement = struct if self.models_struct else _go_numbers(copy.deepcopy(new))
            if not isinstance(replacement.get(IDENTITY_TAG), dict):
                replacement[IDENTITY_TAG] = {}
            replacement[IDENTITY_TAG][PRIV_KEY_TAG] = private_key
            updated = copy.deepcopy(self._data)
            updated.update(normalize(replacement) if self.models_struct else replacement)
            self._write(updated)

    def _write(self, data: dict[str, Any]) -> None:
        """serialize.go ``WriteConfigFile``: indented JSON, replacing the file atomically."""
        path = _path(self.node)
        if path is not None:
            fd, tmp = tempfile.mkstemp(prefix=".config-", dir=os.path.dirname(path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(human_output(sorted_json(data)))
            os.replace(tmp, path)
        self._data = data


_LOCK = threading.Lock()


def of(node: Any) -> Config:
    """The node's config: read from ``<repo>/config``, or made from the defaults of its kubo
    version around its identity (and written there)."""
    found: Optional[Config] = node.__dict__.get("_config")
    if found is not None:
        return found
    from . import identity
    ident = identity.of(node)
    with _LOCK:
        found = node.__dict__.get("_config")
        if found is None:
            path = _path(node)
            if path is not None and os.path.exists(path):
                found = Config(node, _read(path))
            else:
                found = Config(node, {})
                found._write(default_config(node.kubo_version, ident.peer_id, ident.private_key_b64))
            node.__dict__["_config"] = found
    return found
