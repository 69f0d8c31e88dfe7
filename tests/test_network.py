"""fakeipfs.network: nodes connected in memory (content routing, pubsub, ``swarm peers``)."""
from __future__ import annotations

import io
import random
import tarfile
import threading

import pytest

import fakeipfs
from fakeipfs import dag as dagmod, identity, pubsub
from fakeipfs.errors import NotFound, err_not_found_offline
from fakeipfs.network import Network

DATA = random.Random(0).randbytes(700_000)  # a root and three distinct leaves


def _not_found(cid) -> str:
    return err_not_found_offline(str(cid))


def test_peer_ids_come_from_the_seed():
    ids = [identity.of(n).peer_id for n in Network(3, seed=7).nodes]
    assert ids == [identity.of(n).peer_id for n in Network(3, seed=7).nodes]
    assert ids == [identity.of(fakeipfs.Node(), seed=f"7-{i}").peer_id for i in range(3)]
    assert len(set(ids)) == 3 and all(i.startswith("12D3KooW") for i in ids)
    assert identity.of(Network(1, seed=8).nodes[0]).peer_id != ids[0]
    assert fakeipfs.Network is Network


def test_connections_and_peers():
    net = Network(3)
    a, b, c = net.nodes
    assert net.peers(a) == [b, c] and net.peers(c) == [a, b]
    net.disconnect(a, c)
    assert net.peers(a) == [b] and net.peers(c) == [b]
    assert Network(3, connect="none").peers(0) == []
    with pytest.raises(ValueError):
        net.connect(a, a)
    with pytest.raises(ValueError):
        Network(2, connect="ring")


def test_cat_fetches_from_a_connected_peer_and_stores_the_blocks():
    net = Network(2)
    a, b = net.nodes
    root = a.add_bytes(DATA).cid
    assert not b.blockstore.has(root)
    assert b.cat(root) == DATA
    blocks = [root, *dagmod.descendants(a._get, root)]
    assert len(blocks) == 4 and all(b.blockstore.has(cid) for cid in blocks)
    net.disconnect(a, b)
    assert b.cat(root, 1000, 10) == DATA[1000:1010]  # served from b's own store now


def test_content_travels_two_hops_and_is_served_on():
    net = Network(3, connect="none")
    a, b, c = net.nodes
    net.connect(a, b)
    net.connect(b, c)
    root = a.add_str("two hops away").cid
    assert c.cat(root) == b"two hops away"
    net.disconnect(a, b)
    fresh = Network(1).nodes[0]
    with pytest.raises(NotFound):
        fresh.cat(root)
    assert b.cat(root) == b"two hops away"  # from c, which stored it


def test_get_pin_and_dag_get_of_remote_content():
    net = Network(3)
    a, b, c = net.nodes
    root = a.add_bytes(DATA).cid
    assert b.pin_add(str(root)) == [root]
    assert b.pin_ls(type="recursive") == {str(root): "recursive"}
    assert all(b.blockstore.has(cid) for cid in dagmod.descendants(b._get, root))
    assert c.dag_get(str(root)) == a.dag_get(str(root))
    archive = b"".join(c.get(f"/ipfs/{root}"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        assert tar.extractfile(str(root)).read() == DATA


def test_partition_hides_content_and_heal_restores_it():
    net = Network(3)
    a, b, c = net.nodes
    root = a.add_str("behind the partition").cid
    net.partition([[a], [b, c]])
    assert net.peers(a) == [] and net.peers(b) == [c]
    with pytest.raises(NotFound) as exc:
        b.cat(root)
    assert str(exc.value) == _not_found(root)
    with pytest.raises(fakeipfs.IPFSError) as exc:
        b.pin_add(str(root))
    assert str(exc.value) == "pin: " + _not_found(root)
    net.heal()
    assert net.peers(a) == [b, c]
    assert b.cat(root) == b"behind the partition"


def test_a_lone_node_is_offline():
    node = fakeipfs.Node()
    root = Network(1).nodes[0].add_str("elsewhere").cid
    assert node.exchange is None
    with pytest.raises(NotFound) as exc:
        node.cat(root)
    assert str(exc.value) == _not_found(root)


def test_pubsub_reaches_every_connected_subscriber_but_not_across_a_partition():
    net = Network(3)
    a, b, c = net.nodes
    subs = {n: pubsub.of(n).subscribe("news") for n in net.nodes}
    sent = pubsub.of(a).publish("news", b"hello")
    for n in (a, b, c):  # a hears itself
        got = subs[n].next(timeout=1)
        assert got == sent and got.from_peer == identity.of(a).peer_id
    net.partition([[a], [b, c]])
    pubsub.of(a).publish("news", b"alone")
    assert subs[a].next(timeout=1).data == b"alone"
    for n in (b, c):
        with pytest.raises(TimeoutError):
            subs[n].next(timeout=0.1)
    pubsub.of(b).publish("news", b"from b")
    assert subs[c].next(timeout=1).data == b"from b"


def test_only_subscribers_relay_messages():
    net = Network(3, connect="none")
    a, b, c = net.nodes
    net.connect(a, b)
    net.connect(b, c)
    sub_c = pubsub.of(c).subscribe("t")
    pubsub.of(a).publish("t", b"b does not relay")
    with pytest.raises(TimeoutError):
        sub_c.next(timeout=0.1)
    pubsub.of(b).subscribe("t")
    pubsub.of(a).publish("t", b"b relays")
    assert sub_c.next(timeout=1).data == b"b relays"


def test_pubsub_peers_lists_connected_remote_subscribers():
    net = Network(3)
    a, b, c = net.nodes
    ids = [identity.of(n).peer_id for n in net.nodes]
    pubsub.of(a).subscribe("t")
    pubsub.of(b).subscribe("t")
    with pubsub.of(c).subscribe("t"):
        assert pubsub.of(a).peers("t") == sorted(ids[1:])
    assert pubsub.of(a).peers("t") == [ids[1]]
    assert pubsub.of(a).peers("other") == []
    assert pubsub.of(a).peers() == sorted(ids[1:])  # every connected pubsub peer
    net.disconnect(a, b)
    assert pubsub.of(a).peers("t") == []
    assert a.client().pubsub.peers("t")["Strings"] in (None, [])


def test_swarm_peers_over_the_client():
    net = Network(3, seed=1)
    a, b, c = net.nodes
    ids = [identity.of(n).peer_id for n in net.nodes]
    assert b.client().swarm.peers() == {"Peers": [
        {"Addr": "/ip4/127.0.0.1/tcp/4001", "Peer": ids[0], "Latency": "", "Muxer": "",
         "Direction": 0, "Streams": None},
        {"Addr": "/ip4/127.0.0.1/tcp/4003", "Peer": ids[2], "Latency": "", "Muxer": "",
         "Direction": 0, "Streams": None}]}
    verbose = b.client().swarm.peers(opts={"verbose": "true"})["Peers"]
    assert [(p["Direction"], p["Latency"]) for p in verbose] == [(1, "n/a"), (2, "n/a")]
    net.partition([[b], [a, c]])
    assert b.client().swarm.peers() == {"Peers": None}
    assert fakeipfs.Node().client().swarm.peers() == {"Peers": None}


def test_concurrent_publishers_deliver_everything_once_in_order():
    net = Network(3)
    subs = {i: pubsub.of(n).subscribe("load") for i, n in enumerate(net.nodes)}
    publishers = [0, 0, 1, 2]
    count = 50

    def publish(k: int) -> None:
        ps = pubsub.of(net.nodes[publishers[k]])
        for i in range(count):
            ps.publish("load", f"{k}:{i}".encode())

    threads = [threading.Thread(target=publish, args=(k,)) for k in range(len(publishers))]
    churn = threading.Thread(target=lambda: [net.peers(0) for _ in range(200)])
    for t in threads + [churn]:
        t.start()
    for t in threads + [churn]:
        t.join(timeout=10)
        assert not t.is_alive()
    for sub in subs.values():
        got = [sub.next(timeout=1) for _ in range(count * len(publishers))]
        with pytest.raises(TimeoutError):
            sub.next(timeout=0.05)
        for k in range(len(publishers)):
            mine = [m.data for m in got if m.data.startswith(f"{k}:".encode())]
            assert mine == [f"{k}:{i}".encode() for i in range(count)]
