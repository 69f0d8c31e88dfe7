"""``fakeipfs.Network``: in-memory kubo nodes connected to one another, as a libp2p swarm
connects daemons.

- Each node's identity is made from the network's seed (``identity.of(node, seed=f"{seed}-{i}")``),
  so the same seed always gives the same peer IDs; node ``i`` listens on
  ``/ip4/127.0.0.1/tcp/{4001 + i}``.
- Connections are what ``ipfs swarm connect`` makes: ``connect(a, b)`` is ``a`` dialling ``b``
  (outbound for ``a``, inbound for ``b``). :meth:`Network.partition` cuts every connection
  between groups, :meth:`Network.heal` makes the cut ones again.
- Content routing (bitswap, with every reachable peer a provider): a node missing a block asks
  the peers it can reach over current connections, nearest first (multi-hop), stores the block
  it gets and serves it on from then on. When no reachable peer has the block, the node raises
  the offline "not found" error at once; kubo online waits for the block until the request's
  context ends (no timeout is emulated yet).
- Pubsub (go-libp2p-pubsub floodsub/gossipsub): a message goes to every node reachable from the
  publisher through nodes that subscribe to its topic (only subscribers relay it), each once
  (``PubSub.receive`` drops duplicates), in the order its publisher sent them.

Thread-safe: the connection graph is guarded by one lock, never held while a block or message
is handed to another node.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import Any, Callable, Iterable, Optional, Union

from multiformats import CID

from . import identity, pubsub
from .errors import NotFound, err_not_found_offline
from .node import Node
from .versions import DEFAULT_KUBO_VERSION

#: go-libp2p core/network ``Direction``: ``DirUnknown``, ``DirInbound``, ``DirOutbound``.
DIR_UNKNOWN, DIR_INBOUND, DIR_OUTBOUND = 0, 1, 2

NodeRef = Union[Node, int]


class Network:
    """``n`` in-memory nodes of one kubo version; ``connect="full"`` connects every pair (node
    ``i`` dialling node ``j > i``), ``"none"`` leaves them unconnected."""

    def __init__(self, n: int = 3, *, seed: Any = 0, kubo_version: str = DEFAULT_KUBO_VERSION,
                 connect: str = "full") -> None:
        if connect not in ("full", "none"):
            raise ValueError(f'Network: connect must be "full" or "none", not {connect!r}')
        self._lock = threading.Lock()
        self.nodes: list[Node] = []
        self._index: dict[int, int] = {}  # id(node) -> position
        self._conns: dict[int, dict[int, int]] = {}  # position -> peer position -> direction
        self._cut: dict[tuple[int, int], int] = {}  # connections a partition cut, for heal()
        for i in range(n):
            node = Node(kubo_version=kubo_version)
            identity.of(node, seed=f"{seed}-{i}")
            node.exchange = Bitswap(self, node)
            pubsub.of(node).router = FloodRouter(self, node)
            self._index[id(node)] = i
            self._conns[i] = {}
            self.nodes.append(node)
        if connect == "full":
            for i in range(n):
                for j in range(i + 1, n):
                    self.connect(i, j)

    # --- nodes and connections ----------------------------------------------------------------

    def _pos(self, node: NodeRef) -> int:
        if isinstance(node, int):
            if not 0 <= node < len(self.nodes):
                raise IndexError(f"Network: no node {node} (the network has {len(self.nodes)})")
            return node
        pos = self._index.get(id(node))
        if pos is None or self.nodes[pos] is not node:
            raise ValueError("Network: that node is not in this network")
        return pos

    def address(self, node: NodeRef) -> str:
        """The node's swarm address on this network."""
        return f"/ip4/127.0.0.1/tcp/{4001 + self._pos(node)}"

    def connect(self, a: NodeRef, b: NodeRef) -> None:
        """``a`` dials ``b`` (``ipfs swarm connect``); nothing changes if they are connected."""
        i, j = self._pos(a), self._pos(b)
        if i == j:
            raise ValueError("Network.connect: dial to self attempted")
        with self._lock:
            if j not in self._conns[i]:
                self._conns[i][j], self._conns[j][i] = DIR_OUTBOUND, DIR_INBOUND

    def disconnect(self, a: NodeRef, b: NodeRef) -> None:
        """Close the connection between ``a`` and ``b`` (if any); heal() will not remake it."""
        i, j = self._pos(a), self._pos(b)
        with self._lock:
            self._conns[i].pop(j, None)
            self._conns[j].pop(i, None)
            self._cut.pop((min(i, j), max(i, j)), None)

    def partition(self, groups: Iterable[Iterable[NodeRef]]) -> None:
        """Cut every connection between nodes of different groups; the nodes in no group form
        one more group. :meth:`heal` reconnects what was cut."""
        group_of: dict[int, int] = {}
        for g, members in enumerate(groups):
            for member in members:
                pos = self._pos(member)
                if pos in group_of:
                    raise ValueError(f"Network.partition: node {pos} is in two groups")
                group_of[pos] = g
        with self._lock:
            for i, peers in self._conns.items():
                for j in list(peers):
                    if i < j and group_of.get(i, -1) != group_of.get(j, -1):
                        dialer = i if peers[j] == DIR_OUTBOUND else j
                        self._cut[(i, j)] = dialer
                        del self._conns[i][j], self._conns[j][i]

    def heal(self) -> None:
        """Remake the connections partitions cut (each dialled as before)."""
        with self._lock:
            cut, self._cut = self._cut, {}
        for (i, j), dialer in cut.items():
            self.connect(dialer, j if dialer == i else i)

    def peers(self, node: NodeRef) -> list[Node]:
        """The nodes ``node`` is connected to, in network order."""
        i = self._pos(node)
        with self._lock:
            return [self.nodes[j] for j in sorted(self._conns[i])]

    def connections(self, node: NodeRef) -> list[tuple[Node, int]]:
        """``(peer, direction)`` of each of ``node``'s connections, in network order."""
        i = self._pos(node)
        with self._lock:
            return [(self.nodes[j], d) for j, d in sorted(self._conns[i].items())]

    def _reachable(self, node: Node, relays: Callable[[Node], bool] = lambda _: True) -> list[Node]:
        """The nodes reachable from ``node`` over current connections through nodes for which
        ``relays`` holds, nearest first (breadth-first), ``node`` itself left out."""
        start = self._pos(node)
        with self._lock:
            seen, queue, out = {start}, deque([start]), []
            while queue:
                for j in sorted(self._conns[queue.popleft()]):
                    if j not in seen:
                        seen.add(j)
                        if relays(self.nodes[j]):
                            out.append(self.nodes[j])
                            queue.append(j)
            return out


def of(node: Any) -> Optional[Network]:
    """The network the node is part of, or None for a lone node."""
    return getattr(getattr(node, "exchange", None), "network", None)


class Bitswap:
    """A node's ``Node.exchange`` on a network: fetches a block its blockstore lacks from the
    nearest reachable peer that has it, and stores it (boxo blockservice ``getBlock``:
    ``AddBlock`` of what the exchange returned)."""

    def __init__(self, network: Network, node: Node) -> None:
        self.network = network
        self.node = node

    def fetch(self, cid: CID) -> bytes:
        for peer in self.network._reachable(self.node):
            try:
                data = peer.blockstore.get(cid)
            except NotFound:
                continue
            self.node.blockstore.put(cid, data)
            return data
        raise NotFound(err_not_found_offline(str(cid)))


def _topics(node: Node) -> set[str]:
    """The topics the node subscribes to (none when its pubsub is off)."""
    ps = pubsub.of(node)
    return set(ps.topics()) if ps.enabled else set()


class FloodRouter:
    """A node's pubsub :class:`~fakeipfs.pubsub.Router` on a network."""

    def __init__(self, network: Network, node: Node) -> None:
        self.network = network
        self.node = node

    def publish(self, message: pubsub.Message) -> None:
        topics = set(message.topics)
        for peer in self.network._reachable(self.node, lambda peer: bool(_topics(peer) & topics)):
            pubsub.of(peer).receive(message)

    def peers(self, topic: Optional[str]) -> list[str]:
        """go-libp2p-pubsub ``ListPeers``: the connected peers subscribed to ``topic``; with no
        topic, every connected peer that runs pubsub."""
        out = []
        for peer in self.network.peers(self.node):
            ps = pubsub.of(peer)
            if ps.enabled and (topic is None or topic in _topics(peer)):
                out.append(ps.peer_id)
        return out
