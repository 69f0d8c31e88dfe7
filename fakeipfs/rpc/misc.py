"""The small commands of a lone daemon: ``ping`` (core/commands/ping.go), ``shutdown``
(shutdown.go), ``bootstrap`` (bootstrap.go), ``swarm`` (swarm.go), and kubo commands fakeipfs
does not emulate (``dns``, ``bitswap``, ``dht``, ``swarm filters``, ``log``, ``stats``,
``diag``), which answer :func:`fakeipfs.errors.err_not_implemented`.

A lone node is an online daemon whose network holds no other peer: it is connected to no one,
finds no peer by lookup (go-libp2p-kbucket ``ErrLookupFailure``, "failed to find any peer in
table") and reaches no address it dials (a TCP dial is refused). A node of a
:class:`fakeipfs.network.Network` lists its connections in ``swarm peers``/``swarm addrs``, and
``swarm connect``/``disconnect`` change them: the other nodes listen at their
``Network.address`` (a crashed one nowhere; one a :meth:`~fakeipfs.network.Network.partition`
keeps apart cannot be reached there, so its dial is refused as a crashed one's until
``heal``), and a peer lookup finds the nodes reachable over current connections.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

import multiaddr as pymultiaddr
from multiaddr import protocols as maprotocols

from .. import config as configmod
from .. import network as networkmod
from .. import errors, identity, versions
from ..errors import IPFSError, _go_quote, err_not_implemented
from ..faults import CrashedNode
from ..identity import PeerID
from ._cmdenv import emit
from .commands import INT, REGISTRY, Arg, Call, command, opt
from .id import listen_addresses
from .wire import Response, empty_response, single_response


# --- multiaddrs -------------------------------------------------------------------------------

def parse_multiaddr(text: str) -> list[tuple[str, Optional[str]]]:
    """go-multiaddr ``NewMultiaddr`` (codec.go ``stringToBytes``): the ``(protocol, value)``
    components, ``ipfs`` read as ``p2p``; ``IPFSError`` with go-multiaddr's message."""
    s = text.rstrip("/")
    parts = s.split("/")

    def fail(reason: str) -> IPFSError:
        return IPFSError(f"failed to parse multiaddr {_go_quote(s)}: {reason}")
    if parts[0] != "":
        raise fail("must begin with /")
    parts = parts[1:]
    if not parts:
        raise fail("empty multiaddr")
    out: list[tuple[str, Optional[str]]] = []
    while parts:
        name = "p2p" if parts[0] == "ipfs" else parts[0]
        try:
            proto = maprotocols.protocol_with_name(name)
        except Exception:
            raise fail(f"unknown protocol {parts[0]}") from None
        parts = parts[1:]
        if proto.size == 0:
            out.append((name, None))
            continue
        if not parts:
            raise fail("unexpected end of multiaddr")
        value = "/" + "/".join(parts) if proto.path else parts[0]
        parts = [] if proto.path else parts[1:]
        try:
            pymultiaddr.Multiaddr(f"/{name}/{value}")
        except Exception as exc:
            reason = str(exc).split(": ", 1)[-1].split(" (string:")[0]
            raise fail(f"invalid value {_go_quote(value)} for protocol {name}: {reason}") from None
        out.append((name, value))
    return out


def _text(components: list[tuple[str, Optional[str]]], p2p: str = "p2p") -> str:
    return "".join(f"/{p2p if n == 'p2p' else n}" + (f"/{v}" if v is not None else "") for n, v in components)


def split_peer(text: str) -> tuple[str, Optional[str]]:
    """``peer.SplitAddr``: the transport (``""`` for a bare ``/p2p/<id>``) and the peer ID (None
    when the address does not end in ``/p2p/<id>``)."""
    components = parse_multiaddr(text)
    if components[-1][0] != "p2p":
        return _text(components), None
    return _text(components[:-1]), components[-1][1]


def group_peers(addrs: list[str]) -> dict[str, list[str]]:
    """``peer.AddrInfosFromP2pAddrs``: transports by peer ID (base58btc; first-seen order,
    where Go's is a map's)."""
    groups: dict[str, list[str]] = {}
    for addr in addrs:
        transport, pid = split_peer(addr)
        if pid is None:
            raise IPFSError(errors.ERR_INVALID_P2P_ADDR)
        try:
            pid = str(PeerID.decode(pid))
        except ValueError as exc:
            raise IPFSError(str(exc)) from None
        groups.setdefault(pid, [])
        if transport:
            groups[pid].append(transport)
    return groups


def _tcp(transports: list[str]) -> list[str]:
    """The TCP addresses among ``transports`` (the only transport fakeipfs dials)."""
    return [t for t in transports if "/tcp/" in t and t.split("/")[1] in ("ip4", "ip6")]


def _refused(transport: str) -> str:
    """Go's net error for a TCP dial nobody answers."""
    parts = transport.split("/")
    host = parts[2] if parts[1] == "ip4" else f"[{parts[2]}]"
    return f"dial tcp{parts[1][-1]} {host}:{parts[4]}: connect: connection refused"


def _dial_error(pid: str, causes: list[tuple[str, str]]) -> str:
    """go-libp2p-swarm ``DialError``: each TCP address dialled and why it failed; without one
    there is no address to dial."""
    if not causes:
        return f"failed to dial {pid}: no good addresses"
    return "\n".join([f"failed to dial {pid}: all dials failed"]
                     + [f"  * [{transport}] {cause}" for transport, cause in causes])


# --- ping -------------------------------------------------------------------------------------

@command("ping", args=(Arg("peer ID", variadic=True, stdin=True),), options=(opt("count", "n", kind=INT, default=10),))
def ping(call: Call) -> Response:
    """ping.go: the peer is looked up (and not found) unless its address was given, in which
    case the first ping fails to dial and the command ends with "ping failed"."""
    text = call.args[0]
    transport: Optional[str] = None
    try:
        if text.startswith("/"):
            transport, pid_text = split_peer(text)
            if pid_text is None:
                raise IPFSError(errors.ERR_INVALID_P2P_ADDR)
            peer = PeerID.decode(pid_text)
        else:
            peer = PeerID.decode(text)
    except (IPFSError, ValueError) as exc:
        reason = exc.message if isinstance(exc, IPFSError) else str(exc)
        raise IPFSError(errors.err_parse_peer_address(text, reason)) from None
    if peer == identity.of(call.node).id:
        raise IPFSError(errors.ERR_PING_SELF)
    count = call.option("count", 10)
    if count <= 0:
        raise IPFSError(errors.err_ping_count(count))

    def results() -> Iterator[dict]:
        if not transport:
            yield {"Success": True, "Time": 0, "Text": f"Looking up peer {peer}"}
            raise IPFSError(errors.err_peer_lookup_failed(errors.ERR_LOOKUP_FAILURE))
        yield {"Success": True, "Time": 0, "Text": f"PING {peer}."}
        # go-libp2p ping.Ping reports the failed stream once and closes its channel
        causes = [(t, _refused(t)) for t in _tcp([transport])]
        yield {"Success": False, "Time": 0, "Text": f"Ping error: {_dial_error(str(peer), causes)}"}
        raise IPFSError("ping failed")
    return emit(results())


# --- shutdown ---------------------------------------------------------------------------------

@command("shutdown")
def shutdown(call: Call) -> Response:
    """shutdown.go: the daemon closes; the transport serving the dispatcher is told through
    ``dispatcher.on_shutdown`` (when it set one)."""
    callback: Optional[Callable[[], Any]] = getattr(call.dispatcher, "on_shutdown", None)
    if callable(callback):
        callback()
    return empty_response()


# --- bootstrap --------------------------------------------------------------------------------

def _p2p_name(call: Call) -> str:
    return "p2p" if versions.p2p_multiaddr(call.version) else "ipfs"


def _peer_strings(call: Call, addrs: list[str]) -> list[str]:
    """``BootstrapPeerStrings(ParseBootstrapPeers(addrs))``."""
    group_peers(addrs)  # ParseBootstrapPeers' checks
    return configmod.bootstrap_strings(addrs, _p2p_name(call))


def _bootstrap_list(call: Call) -> Response:
    peers = configmod.of(call.node).bootstrap
    if versions.bootstrap_auto_placeholder(call.version):
        raw = configmod.of(call.node).data.get("Bootstrap")
        if call.option("expand-auto", False) and raw:
            raw = [p for item in raw for p in (configmod.default_bootstrap(call.version)
                                               if item == configmod.AUTO else [item])]
        return single_response({"Peers": raw})
    return single_response({"Peers": _peer_strings(call, peers)})


@command("bootstrap", options=(opt("expand-auto"),))
def bootstrap(call: Call) -> Response:
    return _bootstrap_list(call)


@command("bootstrap/list", options=(opt("expand-auto"),))
def bootstrap_list(call: Call) -> Response:
    return _bootstrap_list(call)


def _bootstrap_add(call: Call, peers: list[str]) -> Response:
    """bootstrap.go ``bootstrapAdd``: validate, then the new peers first, then the others."""
    for peer in peers:
        if peer == configmod.AUTO and versions.bootstrap_auto_placeholder(call.version):
            continue
        components = parse_multiaddr(peer)
        if components[-1][0] != "p2p":
            raise IPFSError(errors.err_invalid_bootstrap_address(peer))
        if len(components) == 1:
            raise IPFSError(errors.err_bootstrap_without_transport(peer))
    added: list[str] = []
    for peer in peers:
        if peer not in added:
            added.append(peer)

    def change(struct: dict) -> None:
        struct["Bootstrap"] = added + [p for p in struct.get("Bootstrap") or [] if p not in added]
    configmod.of(call.node).set_struct(change)
    return single_response({"Peers": added})


@command("bootstrap/add", args=(Arg("peer", required=False, variadic=True, stdin=True),),
         options=(opt("default"),))
def bootstrap_add(call: Call) -> Response:
    auto = versions.bootstrap_auto_placeholder(call.version)
    if not auto and call.option("default", False):
        peers = configmod.default_bootstrap(call.version)
    else:
        peers = [configmod.AUTO if auto and p == "default" else p for p in call.args]
    if not peers:
        raise IPFSError(errors.ERR_BOOTSTRAP_NO_PEERS)
    return _bootstrap_add(call, peers)


@command("bootstrap/add/default", until="0.37.0")
def bootstrap_add_default(call: Call) -> Response:
    return _bootstrap_add(call, configmod.default_bootstrap(call.version))


def _bootstrap_rm_all(call: Call) -> Response:
    cfg = configmod.of(call.node)
    current = cfg.bootstrap
    if configmod.AUTO in current and versions.bootstrap_auto_placeholder(call.version):
        removed = current
    else:
        removed = _peer_strings(call, current)
    cfg.set_struct(lambda struct: struct.__setitem__("Bootstrap", None))
    return single_response({"Peers": removed})


@command("bootstrap/rm", args=(Arg("peer", required=False, variadic=True, stdin=True),), options=(opt("all"),))
def bootstrap_rm(call: Call) -> Response:
    """bootstrap.go ``bootstrapRemove``: a bare ``/p2p/<id>`` removes all of a peer's
    addresses, a full address only that one; the kept peers are written back regrouped."""
    if call.option("all", False):
        return _bootstrap_rm_all(call)
    cfg = configmod.of(call.node)
    current = cfg.bootstrap
    if configmod.AUTO in current and versions.bootstrap_auto_placeholder(call.version):
        raise IPFSError(errors.ERR_BOOTSTRAP_RM_AUTO)
    to_remove = group_peers(list(call.args))
    keep: list[str] = []
    removed: list[str] = []
    for pid, transports in group_peers(current).items():
        if pid not in to_remove:
            keep += [f"{t}/p2p/{pid}" for t in transports] or [f"/p2p/{pid}"]
            continue
        if not to_remove[pid]:
            removed += [f"{t}/p2p/{pid}" for t in transports] or [f"/p2p/{pid}"]
            continue
        for transport in transports:
            (removed if transport in to_remove[pid] else keep).append(f"{transport}/p2p/{pid}")
    kept = _peer_strings(call, keep)
    cfg.set_struct(lambda struct: struct.__setitem__("Bootstrap", kept))
    return single_response({"Peers": _peer_strings(call, removed)})


@command("bootstrap/rm/all")
def bootstrap_rm_all(call: Call) -> Response:
    return _bootstrap_rm_all(call)


# --- swarm ------------------------------------------------------------------------------------

def _go_duration(ns: int) -> str:
    """Go ``time.Duration.String``: ``0s``, ``750ns``, ``1.5µs``, ``12.5ms``, ``1m30.5s``."""
    if ns == 0:
        return "0s"
    sign, u = ("-" if ns < 0 else ""), abs(ns)
    if u < 1000:
        return f"{sign}{u}ns"
    scale, unit = (1000, "µs") if u < 10**6 else (10**6, "ms") if u < 10**9 else (10**9, "s")
    whole, frac = divmod(u, scale)
    fraction = str(frac).rjust(len(str(scale)) - 1, "0").rstrip("0")
    if unit != "s":
        return f"{sign}{whole}{'.' + fraction if fraction else ''}{unit}"
    out = f"{whole % 60}{'.' + fraction if fraction else ''}s"
    if whole >= 60:
        out = f"{whole // 60 % 60}m{out}"
        if whole >= 3600:
            out = f"{whole // 3600}h{out}"
    return sign + out


@command("swarm/peers", options=(opt("verbose", "v"), opt("streams"), opt("latency"), opt("direction")))
def swarm_peers(call: Call) -> Response:
    """swarm.go ``swarmPeersCmd``: one ``connInfo`` per connection, sorted by ``Addr``;
    ``Direction`` (go-libp2p ``network.Direction``) with ``-v``/``--direction``, ``Latency``
    with ``-v``/``--latency``: the peerstore's round-trip EWMA, here twice the link's
    ``latency`` fault (:mod:`fakeipfs.faults`), "n/a" when it is 0; no streams, ``Muxer``
    never set. A lone node has no connections, so ``Peers`` is Go's nil slice."""
    net = networkmod.of(call.node)
    if net is None:
        return single_response({"Peers": None})
    verbose = call.option("verbose", False)
    latency = verbose or call.option("latency", False)
    direction = verbose or call.option("direction", False)

    def round_trip(peer: Any) -> str:
        ns = round(2e9 * net.link(call.node, peer).faults.latency)  # type: ignore[union-attr]
        return _go_duration(ns) if ns else "n/a"
    peers = [{"Addr": net.address(peer), "Peer": identity.of(peer).peer_id,
              "Latency": round_trip(peer) if latency else "", "Muxer": "",
              "Direction": d if direction else 0, "Streams": None}
             for peer, d in net.connections(call.node)]
    return single_response({"Peers": sorted(peers, key=lambda p: p["Addr"]) or None})


@command("swarm/addrs")
def swarm_addrs(call: Call) -> Response:
    """swarm.go ``swarmAddrsCmd`` (coreapi ``KnownAddrs``): the peerstore's addresses by peer,
    here those of the peers the node is connected to (a lone node knows none)."""
    net = networkmod.of(call.node)
    peers = net.peers(call.node) if net is not None else []
    return single_response({"Addrs": {identity.of(peer).peer_id: [net.address(peer)] for peer in peers}})


@command("swarm/addrs/local", options=(opt("id"),))
def swarm_addrs_local(call: Call) -> Response:
    addrs = listen_addresses(call.node)
    if call.option("id", False):
        addrs = [f"{a}/{_p2p_name(call)}/{identity.of(call.node).peer_id}" for a in addrs]
    return single_response({"Strings": sorted(addrs) or None})


@command("swarm/addrs/listen")
def swarm_addrs_listen(call: Call) -> Response:
    return single_response({"Strings": sorted(listen_addresses(call.node)) or None})


def _resolve_addresses(addrs: list[str]) -> dict[str, list[str]]:
    """swarm.go ``parseAddresses``: every address must name a peer (DNS is not consulted)."""
    for addr in addrs:
        if split_peer(addr)[1] is None:
            raise IPFSError(errors.err_found_no_ipfs_peers(_text(parse_multiaddr(addr))))
    return group_peers(addrs)


class _Swarm:
    """The node's view of its swarm for ``swarm connect``/``disconnect``: the peers of its
    :class:`~fakeipfs.network.Network` by peer ID, and who listens on which address as this
    node can reach it (a lone node: nobody; a crashed node listens nowhere, as a stopped
    daemon; a node a partition keeps apart is out of reach, its dial refused likewise)."""

    def __init__(self, node: Any) -> None:
        self.node = node
        self.net = net = networkmod.of(node)
        nodes = net.nodes if net is not None else []
        self.by_id = {str(identity.of(n).id): n for n in nodes if n is not node}
        self.by_addr = {net.address(n): n for n in nodes
                        if not isinstance(n, CrashedNode) and not net.separated(node, n)} \
            if net is not None else {}

    def connected(self, peer: Any) -> bool:
        return self.net is not None and any(p is peer for p in self.net.peers(self.node))

    def findable(self, peer: Any) -> bool:
        """Whether a peer lookup (the DHT) finds ``peer``: it is up and reachable over current
        connections."""
        if self.net is None or isinstance(peer, CrashedNode):
            return False
        seen, frontier = {id(self.node)}, [self.node]
        while frontier:
            step = []
            for current in frontier:
                for nxt in self.net.peers(current):
                    if nxt is peer:
                        return True
                    if id(nxt) not in seen:
                        seen.add(id(nxt))
                        step.append(nxt)
            frontier = step
        return False

    def dial_cause(self, pid: str, transport: str) -> Optional[str]:
        """Why dialling ``pid`` at ``transport`` fails (None: it succeeds)."""
        listener = self.by_addr.get(transport)
        if listener is None:
            return _refused(transport)
        actual = str(identity.of(listener).id)
        if actual != pid:
            return errors.err_peer_id_mismatch(pid, actual)
        return None

    def connect(self, pid: str, transports: list[str]) -> None:
        """go-libp2p ``RoutedHost.Connect`` (p2p/host/routed/routed.go): nothing to do when
        connected; else dial the given addresses, and when that fails (or none was given) look
        the peer up and dial what the lookup found; the dial's error when the lookup finds
        nothing new (``failed to find any peer in table`` for a node with no connections,
        ``routing: not found`` otherwise, when there was no address to dial)."""
        if pid == str(identity.of(self.node).id):
            raise IPFSError(errors.ERR_DIAL_TO_SELF)
        target = self.by_id.get(pid)
        if target is not None and self.connected(target):
            return
        if transports:
            tcp = _tcp(transports)
            causes = [(t, self.dial_cause(pid, t)) for t in tcp]
            if target is not None and any(cause is None for _, cause in causes):
                self.net.connect(self.node, target)  # type: ignore[union-attr]
                return
        if target is not None and self.findable(target):
            self.net.connect(self.node, target)  # type: ignore[union-attr]
            return
        if transports:
            raise IPFSError(_dial_error(pid, [(t, c or _refused(t)) for t, c in causes]))
        if self.net is None or not self.net.peers(self.node):
            raise IPFSError(errors.ERR_LOOKUP_FAILURE)
        raise IPFSError(errors.ERR_ROUTING_NOT_FOUND)

    def disconnect(self, pid: str, transport: Optional[str]) -> None:
        """coreapi swarm.go ``Disconnect``: a bare peer closes every connection to it ("not
        connected" if none), an address only the connection to that remote address ("conn not
        found" if none)."""
        target = self.by_id.get(pid)
        if target is None or not self.connected(target):
            raise IPFSError(errors.ERR_CONN_NOT_FOUND if transport else errors.ERR_NOT_CONNECTED)
        if transport and transport != self.net.address(target):  # type: ignore[union-attr]
            raise IPFSError(errors.ERR_CONN_NOT_FOUND)
        self.net.disconnect(self.node, target)  # type: ignore[union-attr]


@command("swarm/connect", args=(Arg("address", variadic=True, stdin=True),))
def swarm_connect(call: Call) -> Response:
    """swarm.go ``swarmConnectCmd``: each peer in turn, ``connect <id> success``; the first
    failure ends the command with ``connect <id> failure: <reason>`` (peers connected before
    it stay connected). A node of a :class:`~fakeipfs.network.Network` reaches the other
    nodes at their ``Network.address``; a lone node reaches no one."""
    swarm = _Swarm(call.node)
    out = []
    for peer, transports in _resolve_addresses(list(call.args)).items():
        try:
            swarm.connect(peer, transports)
        except IPFSError as exc:
            raise IPFSError(f"connect {peer} failure: {exc.message}") from None
        out.append(f"connect {peer} success")
    return single_response({"Strings": out})


@command("swarm/disconnect", args=(Arg("address", variadic=True, stdin=True),))
def swarm_disconnect(call: Call) -> Response:
    """swarm.go ``swarmDisconnectCmd``: one line per address of each peer (one for a bare
    peer), ``disconnect <id> success`` or ``disconnect <id> failure: <reason>``."""
    swarm = _Swarm(call.node)
    out = []
    for peer, transports in _resolve_addresses(list(call.args)).items():
        for transport in transports or [None]:
            try:
                swarm.disconnect(peer, transport)
                out.append(f"disconnect {peer} success")
            except IPFSError as exc:
                out.append(f"disconnect {peer} failure: {exc.message}")
    return single_response({"Strings": out})


# --- not emulated -----------------------------------------------------------------------------

NOT_EMULATED = (
    "dns", "bitswap", "bitswap/wantlist", "bitswap/stat", "bitswap/ledger", "bitswap/reprovide",
    "dht/query", "dht/findprovs", "dht/findpeer", "dht/get", "dht/put", "dht/provide",
    "swarm/filters", "swarm/filters/add", "swarm/filters/rm", "log/level", "log/ls", "log/tail",
    "stats/bw", "stats/bitswap", "stats/dht", "diag/sys", "diag/cmds", "diag/profile",
)


def _not_emulated(path: str) -> None:
    def run(call: Call) -> Response:
        raise IPFSError(err_not_implemented(path))
    if path not in REGISTRY:  # a module that emulates the command wins
        command(path, args=(Arg("args", required=False, variadic=True),))(run)


for _path in NOT_EMULATED:
    _not_emulated(_path)
