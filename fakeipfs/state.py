"""A node's whole state as one CAR file, and snapshots of a whole :class:`~fakeipfs.Network`.

kubo has no single command for this: ``ipfs dag export`` writes one DAG, and a repo is copied as
a directory. fakeipfs writes an in-memory node's state as a CARv1
(:mod:`fakeipfs.codecs.car`, the format ``dag export``/``dag import`` use) so a test fixture can
be saved once and loaded many times, or a failing test's node attached to a bug report:

- the CAR's single root is a DAG-CBOR **manifest** block, written first;
- then every block of the blockstore, each once, in store order. A block is written under the
  CID its store key gives (boxo ``dshelp.DsKeyToCid``, as ``ipfs refs local`` lists them): a
  CIDv1 ``raw`` of the multihash for a multihash-keyed store (kubo 0.12+), the CID itself
  before; importing stores it under the same key.

The manifest (``fakeipfs-state: 1``) lists: ``kuboVersion``; ``blocks``, how many blocks
follow (so a CAR cut at a section boundary is not taken for a smaller state); ``pins``,
``{"recursive": [links], "direct": [links]}``; ``mfsRoot`` (a link, or null when the node never
used MFS); ``identity`` (``{"privKey": <crypto.pb PrivateKey bytes>, "seed": bytes|null}``);
``keys`` (``{"keys": {name: <PrivateKey bytes>}, "generated": n}``, ``ipfs key`` keys);
``config`` (the config file's JSON bytes) and ``ipns`` (one map per published name:
``name`` (the peer ID multihash), ``value``, ``sequence``, ``validity`` (seconds since the
epoch), ``ttl`` (ns or null)); the last four are null when the node had not used them. Not
saved: pubsub subscriptions and messages, the request log, network connections.

Importing is all or nothing: the whole archive is read and checked before the node changes. A
CAR go-car's ``BlockReader`` refuses (truncated, bad varint or header, a block whose bytes do not
hash to its CID), a missing or malformed manifest, a block count other than the manifest's, a
pin, MFS root or recursive pin's descendant missing from the archive, or a key that does not
decode: each raises :class:`StateError` and the node is left as it was. Like
:meth:`Node.snapshot <fakeipfs.Node.snapshot>`, only in-memory nodes are exported or
imported (a repo-backed node raises ``ValueError``), and a state imports only into a node of
the kubo version it was exported from (:func:`load` makes one).

:func:`snapshot_network` and :func:`restore_network` save and put back every node of a
network (:meth:`Node.snapshot <fakeipfs.Node.snapshot>`) and its connections, each with the
direction it was dialled in (go-libp2p ``network.Direction``); connections a
:meth:`~fakeipfs.Network.partition` cut and :meth:`~fakeipfs.Network.heal` would remake are
not part of the snapshot, nor are the network's faults (:mod:`fakeipfs.faults`). A crashed node
cannot be snapshotted (its API refuses, :class:`fakeipfs.faults.NodeCrashed`) nor restored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from multiformats import CID, multihash

from . import dag as dagmod
from .blockstore import IDENTITY, _key_cid
from .codecs import dagcbor
from .codecs.car import read_car, write_car
from .errors import IPFSError
from .identity import Identity, unmarshal_private_key
from .ipns import Record
from .node import Node, NodeSnapshot
from .pins import Pinner
from .versions import KuboVersion

#: The manifest's format version (``"fakeipfs-state"`` key).
FORMAT = 1
_MANIFEST_KEYS = {"fakeipfs-state", "kuboVersion", "blocks", "pins", "mfsRoot", "identity", "keys",
                  "config", "ipns"}


class StateError(IPFSError):
    """An archive that cannot be imported; the node it was meant for is unchanged."""


def _fail(reason: str) -> StateError:
    return StateError(f"fakeipfs state: {reason}")


# --- export ------------------------------------------------------------------------------------

def _block_cid(node: Node, key: bytes) -> Optional[CID]:
    """The CID a store key stands for (boxo ``dshelp.DsKeyToCid``; see the module doc)."""
    if node.blockstore.cid_keys:
        return _key_cid(key)
    return CID("base32", 1, "raw", key)


def manifest_of(snapshot: NodeSnapshot, block_count: int) -> dict[str, Any]:
    """The manifest of a node's ``snapshot``, as the module doc describes it."""
    identity: Optional[Identity] = snapshot.identity
    keys = snapshot.keys
    return {
        "fakeipfs-state": FORMAT,
        "kuboVersion": str(snapshot.kubo_version),
        "blocks": block_count,
        "pins": {"recursive": list(snapshot.recursive.values()), "direct": list(snapshot.direct.values())},
        "mfsRoot": snapshot.mfs_root,
        "identity": None if identity is None else {"privKey": identity.private_key.marshal(),
                                                   "seed": identity.seed},
        "keys": None if keys is None else {"keys": {name: key.marshal() for name, key in keys[0].items()},
                                           "generated": keys[1]},
        "config": None if snapshot.config is None else json.dumps(snapshot.config, sort_keys=True).encode(),
        "ipns": None if snapshot.ipns is None else [
            {"name": name, "value": r.value, "sequence": r.sequence, "validity": float(r.validity), "ttl": r.ttl}
            for name, r in snapshot.ipns.items()],
    }


def export(node: Node) -> bytes:
    """The in-memory ``node``'s whole state as a CARv1 (see the module doc)."""
    snapshot = node.snapshot()
    blocks = []
    for key, value in snapshot.blocks.items():
        cid = _block_cid(node, key)
        if cid is not None:
            blocks.append((cid, b"".join(value) if isinstance(value, tuple) else value))
    manifest = dagcbor.encode(manifest_of(snapshot, len(blocks)))
    root = CID("base32", 1, "dag-cbor", multihash.digest(manifest, "sha2-256"))
    return b"".join(write_car([root], [(root, manifest), *blocks]))


# --- import ------------------------------------------------------------------------------------

def _read(data: bytes) -> tuple[dict[str, Any], list[tuple[CID, bytes]]]:
    """The verified manifest and blocks of an archive, or :class:`StateError`."""
    try:
        roots, blocks = read_car(data)
    except IPFSError as exc:
        raise _fail(f"not a valid CAR: {exc.message}") from None
    if len(roots) != 1 or not blocks or blocks[0][0] != roots[0]:
        raise _fail("the CAR's one root must be its first block, the manifest")
    root, raw = blocks[0]
    if root.codec.name != "dag-cbor":
        raise _fail(f"the manifest must be dag-cbor, not {root.codec.name}")
    try:
        manifest = dagcbor.decode(raw)
    except IPFSError as exc:
        raise _fail(f"bad manifest: {exc.message}") from None
    if not isinstance(manifest, dict) or manifest.get("fakeipfs-state") != FORMAT:
        raise _fail(f"bad manifest: not a fakeipfs-state {FORMAT} manifest")
    if set(manifest) != _MANIFEST_KEYS:
        raise _fail(f"bad manifest: its keys must be {', '.join(sorted(_MANIFEST_KEYS))}")
    if manifest["blocks"] != len(blocks) - 1:
        raise _fail(f"the archive holds {len(blocks) - 1} blocks, its manifest lists {manifest['blocks']!r}")
    return manifest, blocks[1:]


def _links(value: Any, what: str) -> list[CID]:
    if not isinstance(value, list) or not all(isinstance(cid, CID) for cid in value):
        raise _fail(f"bad manifest: {what} must be a list of links")
    return value


def _snapshot(manifest: dict[str, Any], blocks: list[tuple[CID, bytes]], node: Node) -> NodeSnapshot:
    """The :class:`NodeSnapshot` the archive describes, for ``node`` (whose kubo version and
    store keying it must fit), checked whole."""
    version = _version(manifest)
    if version != node.kubo_version:
        raise _fail(f"the archive is of a kubo {version} node, this node emulates kubo {node.kubo_version}")
    store = {node.blockstore.key(cid): data for cid, data in blocks}
    by_hash = {bytes(cid.digest): data for cid, data in blocks}

    def block(cid: CID, what: str) -> Optional[bytes]:
        if cid.hashfun.code == IDENTITY:
            return bytes(cid.raw_digest)
        found = by_hash.get(bytes(cid.digest))
        if found is None:
            raise _fail(f"{what} {cid} is not in the archive")
        return found

    pins = manifest["pins"]
    if not isinstance(pins, dict) or set(pins) != {"recursive", "direct"}:
        raise _fail("bad manifest: pins must map recursive and direct to lists of links")
    pinner = Pinner()
    for cid in _links(pins["direct"], "pins.direct"):
        block(cid, "directly pinned block")
        pinner.pin(cid, False)
    for root in _links(pins["recursive"], "pins.recursive"):
        todo = [root]
        while todo:  # the whole DAG must be there, as kubo's pin add fetches it all
            cid = todo.pop()
            data = block(cid, f"block {root} pins recursively:")
            try:
                todo.extend(dagmod.links_of(cid, data))
            except IPFSError as exc:
                raise _fail(f"block {cid} does not decode: {exc.message}") from None
        pinner.pin(root, True)
    recursive, direct = pinner.snapshot()
    mfs_root = manifest["mfsRoot"]
    if mfs_root is not None:
        block(_links([mfs_root], "mfsRoot")[0], "MFS root")
    try:
        return NodeSnapshot(version, store, recursive, direct, mfs_root, _identity(manifest["identity"]),
                            _config(manifest["config"]), _keys(manifest["keys"]), _ipns(manifest["ipns"]))
    except (TypeError, ValueError, KeyError, AttributeError, IPFSError) as exc:
        raise _fail(f"bad manifest: {exc}") from None


def _version(manifest: dict[str, Any]) -> KuboVersion:
    try:
        return KuboVersion.parse(manifest["kuboVersion"])
    except (AttributeError, ValueError):
        raise _fail(f"bad manifest: kuboVersion {manifest['kuboVersion']!r} is no kubo version") from None


def _identity(value: Any) -> Optional[Identity]:
    if value is None:
        return None
    seed = value["seed"]
    if not isinstance(seed, (bytes, type(None))):
        raise TypeError("identity.seed must be bytes or null")
    return Identity(unmarshal_private_key(value["privKey"]), seed)


def _config(value: Any) -> Optional[dict]:
    if value is None:
        return None
    config = json.loads(value)
    if not isinstance(config, dict):
        raise TypeError("config must be a JSON object")
    return config


def _keys(value: Any) -> Optional[tuple[dict, int]]:
    if value is None:
        return None
    generated = value["generated"]
    if not isinstance(generated, int):
        raise TypeError("keys.generated must be an integer")
    return {str(name): unmarshal_private_key(blob) for name, blob in value["keys"].items()}, generated


def _ipns(value: Any) -> Optional[dict]:
    if value is None:
        return None
    return {bytes(r["name"]): Record(str(r["value"]), int(r["sequence"]), float(r["validity"]), r["ttl"])
            for r in value}


def import_into(node: Node, data: bytes) -> None:
    """Replace the in-memory ``node``'s state with the archive's; on any problem raise
    :class:`StateError` and leave ``node`` as it was."""
    manifest, blocks = _read(data)
    node.restore(_snapshot(manifest, blocks, node))


def load(data: bytes) -> Node:
    """A new in-memory node of the archive's kubo version, holding its state."""
    manifest, blocks = _read(data)
    node = Node(kubo_version=str(_version(manifest)))
    node.restore(_snapshot(manifest, blocks, node))
    return node


# --- networks ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NetworkSnapshot:
    """What :func:`snapshot_network` saved: each node's snapshot, in network order, and each
    connection as ``(dialer, dialled)`` positions."""

    nodes: tuple[NodeSnapshot, ...]
    links: tuple[tuple[int, int], ...]


def snapshot_network(network: Any) -> NetworkSnapshot:
    """Every node's :meth:`~fakeipfs.Node.snapshot` and the network's connections."""
    from .network import DIR_OUTBOUND
    nodes = network.nodes
    links = tuple((i, nodes.index(peer)) for i, node in enumerate(nodes)
                  for peer, direction in network.connections(node) if direction == DIR_OUTBOUND)
    return NetworkSnapshot(tuple(node.snapshot() for node in nodes), links)


def restore_network(network: Any, snapshot: NetworkSnapshot) -> None:
    """Put back what :func:`snapshot_network` saved, into the same network or another of as
    many running nodes of the same kubo version (checked before anything changes:
    ``ValueError``)."""
    nodes = network.nodes
    if len(nodes) != len(snapshot.nodes):
        raise ValueError(f"restore_network: the snapshot has {len(snapshot.nodes)} nodes, "
                         f"the network {len(nodes)}")
    down = list(getattr(network, "crashed", ()))
    if down:
        raise ValueError(f"restore_network: node {down[0]} has crashed (Network.restart it first)")
    for i, (node, saved) in enumerate(zip(nodes, snapshot.nodes)):
        if node.kubo_version != saved.kubo_version:
            raise ValueError(f"restore_network: node {i} emulates kubo {node.kubo_version}, "
                             f"its snapshot is of kubo {saved.kubo_version}")
    for dialer, dialled in snapshot.links:
        if network.separated(dialer, dialled):
            raise ValueError(f"restore_network: nodes {dialer} and {dialled} are partitioned "
                             f"(Network.heal() first)")
    for node, saved in zip(nodes, snapshot.nodes):
        node.restore(saved)
    for node in nodes:
        for peer in network.peers(node):
            network.disconnect(node, peer)
    for dialer, dialled in snapshot.links:
        network.connect(dialer, dialled)
