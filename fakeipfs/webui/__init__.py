"""The daemon's dashboard at ``/webui``: what one fake node holds and does, live.

kubo serves the IPFS WebUI app at ``/webui`` on its RPC port (core/corehttp/webui.go: a redirect
to a pinned ``/ipfs/<cid>`` of ipfs/ipfs-webui). fakeipfs serves its own page there instead: plain
HTML, CSS and JavaScript shipped in this package (``index.html``, ``app.js``, ``style.css``; no
build step) that polls ``GET /fakeipfs/v0/state`` once a second and renders the JSON
:func:`state` returns:

- ``node``: peer ID, kubo version, API and gateway addresses;
- ``repo``: block count and total size; ``blocks``: the first :data:`MAX_BLOCKS` blocks (CID as
  the blockstore lists it, ``ipfs refs local``, and size);
- ``pins``: every pin (``ipfs pin ls``) with its type, its block's size and, for a recursive
  pin, the size of the whole DAG (each block counted once);
- ``pubsub``: whether pubsub is on, the topics the node subscribes to with their remote peers
  (``ipfs pubsub ls`` / ``peers``), and the last :data:`MAX_MESSAGES` messages the node delivered
  to its subscribers (its own and other peers'), newest first;
- ``requests``: the last :data:`MAX_REQUESTS` entries of the request log
  (:mod:`fakeipfs.inspection`), newest first;
- ``network``: ``null`` for a lone node, else the network's nodes (this one marked ``self``,
  crashed ones ``crashed``, their block and pin counts then ``null``) and connections, each
  ``from`` the dialler ``to`` the dialled;
- ``faults``: the faults in force, one line each: the node's API faults
  (:mod:`fakeipfs.api_faults`), its network's link faults and crashed nodes
  (:mod:`fakeipfs.faults`), as ``GET /fakeipfs/v0/faults`` reports them.

Messages are seen through :func:`watch`, which the daemon calls when it starts: a watcher
(:meth:`PubSub.collect <fakeipfs.pubsub.PubSub.collect>`), registered once per node's pubsub,
keeps each message the node publishes or receives in a bounded deque on the node, which
:meth:`~fakeipfs.Node.reset` drops with the rest of the node's state (the watcher stays, so the
messages of the reset node are kept from the first).
"""
from __future__ import annotations

import base64
import threading
import weakref
from collections import deque
from importlib import resources
from typing import Any, Optional

from .. import dag as dagmod
from .. import identity, inspection, pubsub
from ..errors import IPFSError

MAX_BLOCKS = 200
MAX_MESSAGES = 50
MAX_REQUESTS = 100
#: blocks walked at most to size one recursive pin's DAG
MAX_DAG_WALK = 10_000

#: the page's files: name -> content type
FILES = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}

_LOCK = threading.Lock()


def asset(name: str) -> bytes:
    """One of :data:`FILES`, as shipped in the package."""
    return resources.files(__name__).joinpath(name).read_bytes()


#: the node attribute holding its recent messages (a deque, newest last)
_MESSAGES = "_webui_messages"
#: the pubsubs watched already (a reset node keeps its pubsub, and with it the watcher)
_WATCHED: "weakref.WeakSet[pubsub.PubSub]" = weakref.WeakSet()


def watch(node: Any) -> None:
    """Start keeping the last :data:`MAX_MESSAGES` messages ``node``'s pubsub delivers (once)."""
    ps = pubsub.of(node)
    with _LOCK:
        if ps not in _WATCHED:
            ps.collect(_MESSAGES, lambda: deque(maxlen=MAX_MESSAGES))
            _WATCHED.add(ps)


def _message(message: pubsub.Message) -> dict[str, Any]:
    try:
        text, encoding = message.data.decode("utf-8"), "text"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(message.data).decode("ascii"), "base64"
    return {"topic": message.topics[0] if len(message.topics) == 1 else message.topics,
            "from": message.from_peer, "seqno": message.seqno.hex(),
            "data": text, "encoding": encoding, "size": len(message.data)}


def _dag_size(node: Any, root: Any) -> Optional[int]:
    """The bytes of every block under ``root`` held locally, each once (None if one is missing)."""
    seen: set[bytes] = set()
    todo, total = [root], 0
    while todo and len(seen) < MAX_DAG_WALK:
        cid = todo.pop()
        key = bytes(cid)
        if key in seen:
            continue
        seen.add(key)
        try:
            data = node.blockstore.get(cid)
            todo.extend(dagmod.links_of(cid, data))
        except IPFSError:
            return None
        total += len(data)
    return total


def _pins(node: Any) -> list[dict[str, Any]]:
    from multiformats import CID
    out = []
    for text, kind in node.pin_ls().items():
        cid = CID.decode(text)
        try:
            size: Optional[int] = node.blockstore.size(cid)
        except IPFSError:
            size = None
        out.append({"cid": text, "type": kind, "size": size,
                    "dagSize": _dag_size(node, cid) if kind == "recursive" else None})
    return out


def _pubsub(node: Any) -> dict[str, Any]:
    ps = pubsub.of(node)
    watch(node)
    if not ps.enabled:
        return {"enabled": False, "topics": [], "messages": []}
    return {"enabled": True,
            "topics": [{"topic": topic, "peers": ps.peers(topic)} for topic in ps.topics()],
            "messages": [_message(m) for m in reversed(list(node.__dict__.get(_MESSAGES, ())))]}


def _network(node: Any) -> Optional[dict[str, Any]]:
    from .. import network as netmod
    net = netmod.of(node)
    if net is None:
        return None
    nodes, down = net.nodes, set(getattr(net, "crashed", ()))

    def member(i: int, peer: Any) -> dict[str, Any]:
        crashed = i in down  # a crashed node refuses its public API (fakeipfs.faults)
        recursive, direct = ({}, {}) if crashed else peer.pins.snapshot()
        return {"index": i, "id": identity.of(peer).peer_id, "address": net.address(i), "self": peer is node,
                "crashed": crashed, "blocks": None if crashed else peer.blockstore.stat()[0],
                "pins": None if crashed else len(recursive) + len(direct)}

    return {
        "nodes": [member(i, peer) for i, peer in enumerate(nodes)],
        "links": [{"from": i, "to": nodes.index(peer)} for i, peer_of in enumerate(nodes)
                  for peer, direction in net.connections(peer_of) if direction == netmod.DIR_OUTBOUND],
    }


def _fault_text(fields: dict[str, Any]) -> str:
    return " ".join(f"{key}={value:g}{'s' if key in ('latency', 'jitter') else ''}"
                    for key, value in fields.items() if key not in ("a", "b") and value)


def _api_fault_text(fault: dict[str, Any]) -> str:
    what = fault["kind"] if fault["kind"] != "status" else f"status {fault['status']}"
    if fault["message"]:
        what += f" {fault['message']!r}"
    limits = [f"{fault['times']} times" if fault["times"] is not None else "",
              f"p={fault['probability']:g}" if fault["probability"] != 1 else ""]
    return (f"API {fault['endpoint']}: {what}{''.join(', ' + limit for limit in limits if limit)} "
            f"({fault['failures']}/{fault['calls']} calls failed)")


def _faults(node: Any) -> list[str]:
    """The faults in force, one line each, from what ``GET /fakeipfs/v0/faults`` reports
    (:func:`fakeipfs.api_faults.control_state`): the node's API faults, then its network's
    link defaults and per-link settings (:mod:`fakeipfs.faults`) and crashed nodes."""
    from .. import api_faults
    settings = api_faults.control_state(node)
    out = [_api_fault_text(fault) for fault in settings["api"]]
    network = settings["network"]
    if network is not None:
        everywhere = _fault_text(network["defaults"])
        if everywhere:
            out.append(f"every link: {everywhere}")
        out.extend(f"link {link['a']}–{link['b']}: {_fault_text(link)}" for link in network["links"]
                   if _fault_text(link))
    out.extend(f"node {i} crashed" for i in settings["crashed"] or ())
    return out


def state(node: Any, *, api: Any = None, gateway: Any = None) -> dict[str, Any]:
    """The dashboard's JSON (see the module doc)."""
    count, size = node.blockstore.stat()
    blocks = []
    for cid in node.blockstore.keys():
        if len(blocks) == MAX_BLOCKS:
            break
        blocks.append({"cid": str(cid), "size": node.blockstore.size(cid)})
    requests = inspection.of(node).requests[-MAX_REQUESTS:]
    return {
        "node": {"id": identity.of(node).peer_id, "kuboVersion": str(node.kubo_version),
                 "api": str(api) if api else None, "gateway": str(gateway) if gateway else None},
        "repo": {"blocks": count, "size": size},
        "blocks": blocks,
        "pins": _pins(node),
        "pubsub": _pubsub(node),
        "requests": [{"endpoint": r.endpoint, "args": r.args, "options": r.options, "status": r.status,
                      "duration": r.duration} for r in reversed(requests)],
        "network": _network(node),
        "faults": _faults(node),
    }
