"""The pubsub channels (topics) and payloads of Grid's Keras training protocol and worker discovery
(``grid/channels.py`` plus the literals in ``clients/keras.py``, ``services/*.py`` and
``lib/utils.py`` at Grid commit ee5e3440; grid.md §2 "Channels"), and Grid's node ids.

Node ids: Grid's ``utils.get_id`` named a node ``f"{node_type}:{PeerID}"`` (``client:Qm...``,
``compute:Qm...``; since Grid #126), while everything learned from IPFS (``pubsub_peers``, a
message's ``from``) is the bare peer ID. Grid compared and built channel names from both
kinds, so ``preferred_node='random'`` never matched a worker, ``list_workers`` replies went to a
channel nobody listened on, and ``whoami`` re-queries missed. Here every comparison goes through
:func:`same_node`, and every channel addressed to a node is named by its bare peer ID
(:func:`bare_id`), the one name both sides can compute.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from . import messages

log = logging.getLogger(__name__)

#: Main channel: fit specs from clients; membership (``pubsub_peers('openmined')``) = the grid.
openmined = "openmined"
#: Discovery: any node publishes here; every worker answers on :func:`list_workers_callback`.
list_workers = "openmined:list_workers"
#: Prefix of a worker's train channel (``openmined_train_<model_addr>``).
TRAIN_PREFIX = "openmined_train_"

#: Grid's node types (``get_id``'s prefix).
CLIENT, COMPUTE = "client", "compute"


def node_id(node_type: str, peer_id: str) -> str:
    """Grid's ``utils.get_id``: ``"<node_type lower-cased>:<PeerID>"``."""
    return f"{node_type.lower()}:{peer_id}"


def bare_id(node: str) -> str:
    """The peer ID in a Grid node id (``compute:Qm...`` -> ``Qm...``); a bare ID is returned as is.
    A ``/p2p-circuit/ipfs/Qm...`` address gives its last segment, as Grid's ``fit`` did."""
    return node.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def same_node(a: str, b: str) -> bool:
    """Whether two ids (prefixed, bare or addresses) name the same peer."""
    return bare_id(a) == bare_id(b)


def list_workers_callback(node: str) -> str:
    """Where the answer to a ``list_workers`` request from ``node`` goes
    (``openmined:list_workers:<bare id>``)."""
    return f"{list_workers}:{bare_id(node)}"


def whoami_listener_callback(node: str) -> str:
    """Where ``node`` answers ``whoami`` requests (``openmined:whoami:<bare id>``)."""
    return f"openmined:whoami:{bare_id(node)}"


def train_channel(model_addr: str) -> str:
    """The channel a worker streams ``log``/``transact`` messages on for a model."""
    return TRAIN_PREFIX + model_addr


def train_control_channel(channel: str, worker_id: str) -> str:
    """Where the client sends ``{"op_code": "quit"}`` to one worker of a train channel
    (``<train channel>:<worker id>``, the id as the worker's ``log`` messages give it)."""
    return f"{channel}:{worker_id}"


def decode_json(message: messages.Message, channel: str) -> Any:
    """The message's payload as JSON, or None (logged) for a message without data or whose
    payload is not JSON."""
    data = message.get("data") or ""
    if not data:
        log.warning("grid_shim: skipping a message without data on %r from %s", channel,
                    messages.peer_id_of(message))
        return None
    try:
        return json.loads(data)
    except ValueError:
        log.warning("grid_shim: skipping a message on %r that is not JSON: %.80r", channel, data)
        return None
