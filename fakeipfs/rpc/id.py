"""``/api/v0/id``: kubo core/commands/id.go (``printSelf``, ``printPeer``).

The node is a running daemon on a network where no other peer can be found: its own ``id``
lists its listen addresses (the ``Addresses.Swarm`` of its config, on the loopback interfaces)
and the protocols its libp2p host serves; another peer's ``id`` fails as a daemon whose peer
lookup finds no one fails (go-libp2p-kbucket ``ErrLookupFailure``, which id.go reports with its
"offline" message), unless ``--offline`` (0.13+) asks only for what the peerstore knows.
"""
from __future__ import annotations

import base64
from typing import Any, Optional

from .. import config, errors, identity, versions
from ..errors import IPFSError
from ..identity import PeerID
from .commands import STRING, Arg, Call, command, opt
from .key import key_encoder
from .wire import Response, single_response

#: go-libp2p identify ``LibP2PVersion``
PROTOCOL_VERSION = "ipfs/0.1.0"
#: What a go-ipfs 0.7 daemon's host mounts (bitswap, identify, ping, autonat, relay, the LAN
#: DHT in server mode, p2p stream mounting's ``/x/``), sorted as id.go sorts them.
PROTOCOLS = ["/ipfs/bitswap", "/ipfs/bitswap/1.0.0", "/ipfs/bitswap/1.1.0", "/ipfs/bitswap/1.2.0",
             "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/lan/kad/1.0.0", "/ipfs/ping/1.0.0",
             "/libp2p/autonat/1.0.0", "/libp2p/circuit/relay/0.1.0", "/p2p/id/delta/1.0.0", "/x/"]


def listen_addresses(node: Any) -> list[str]:
    """The node's swarm addresses as its host reports them: each ``Addresses.Swarm`` entry with
    the unspecified address made loopback (``0.0.0.0`` -> ``127.0.0.1``, ``::`` -> ``::1``)."""
    try:
        swarm = config.of(node).get("Addresses.Swarm") or []
    except IPFSError:
        swarm = []
    out = []
    for addr in swarm:
        parts = addr.split("/")
        if len(parts) > 2 and parts[1] in ("ip4", "ip6"):
            parts[2] = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(parts[2], parts[2])
        out.append("/".join(parts))
    return out


def _output(call: Call, peer: str, public_key: str, addresses: Optional[list[str]], agent: str,
            protocol_version: str, protocols: Optional[list[str]]) -> dict:
    """``IdOutput`` as the version has it."""
    out: dict = {"ID": peer, "PublicKey": public_key, "Addresses": addresses, "AgentVersion": agent}
    if versions.id_protocol_version(call.version):
        out["ProtocolVersion"] = protocol_version
    if versions.id_protocols(call.version):
        out["Protocols"] = protocols
    return out


@command("id", args=(Arg("peerid", required=False),),
         options=(opt("format", "f", kind=STRING), opt("peerid-base", kind=STRING, default="b58mh")))
def id_(call: Call) -> Response:
    base = key_encoder(call.option("peerid-base", "b58mh")) if versions.ipns_base36_keys(call.version) else None
    ident = identity.of(call.node)
    target = ident.id
    if call.args:
        try:
            target = PeerID.decode(call.args[0])
        except ValueError:
            raise IPFSError(errors.ERR_INVALID_PEER_ID) from None
    if target == ident.id:
        p2p = "p2p" if versions.p2p_multiaddr(call.version) else "ipfs"
        addresses = sorted(f"{a}/{p2p}/{ident.peer_id}" for a in listen_addresses(call.node))
        return single_response(_output(call, target.format(base), ident.public_key_b64, addresses or None,
                                       versions.agent_version(call.version), PROTOCOL_VERSION,
                                       list(PROTOCOLS)))
    if versions.id_offline_option(call.version) and call.option("offline", False):
        public_key = target.public_key()
        return single_response(_output(call, target.format(base),
                                       base64.b64encode(public_key).decode() if public_key else "",
                                       None, "", "", None))
    raise IPFSError(errors.ERR_ID_OFFLINE_V0_13 if versions.id_offline_option(call.version)
                    else errors.ERR_ID_OFFLINE)
