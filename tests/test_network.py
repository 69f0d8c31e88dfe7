"""fakeipfs.network: nodes connected in memory (content routing, pubsub, ``swarm peers``)."""
from __future__ import annotations

import io
import random
import tarfile
import threading

import pytest

import fakeipfs
from fakeipfs import dag as dagmod, identity, network, pubsub
from fakeipfs.errors import Canceled, DeadlineExceeded, NotFound, err_not_found_offline
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
        Network(2, connect="mesh")


def test_each_node_listens_on_its_own_swarm_address(tmp_path):
    """Node i's config ``Addresses.Swarm`` is its network address, which ``id`` and ``swarm addrs
    local``/``listen`` report (kubo core/commands/id.go, swarm.go: the host's listen addresses);
    a restarted node keeps it, in memory or with a repo."""
    net = Network(3, seed=5)
    ids = [identity.of(n).peer_id for n in net.nodes]
    for i, node in enumerate(net.nodes):
        ipfs = node.client()
        assert fakeipfs.config.of(node).get("Addresses.Swarm") == [f"/ip4/127.0.0.1/tcp/{4001 + i}"]
        assert net.address(i) == f"/ip4/127.0.0.1/tcp/{4001 + i}"
        assert ipfs.id()["Addresses"] == [f"/ip4/127.0.0.1/tcp/{4001 + i}/p2p/{ids[i]}"]
        assert ipfs._client.request("/swarm/addrs/listen", decoder="json") == [
            {"Strings": [f"/ip4/127.0.0.1/tcp/{4001 + i}"]}]
        assert ipfs._client.request("/swarm/addrs/local", opts={"id": "true"}, decoder="json") == [
            {"Strings": [f"/ip4/127.0.0.1/tcp/{4001 + i}/p2p/{ids[i]}"]}]
    old = Network(2, seed=5, kubo_version="0.4.23")  # before 0.5 peer addresses end in /ipfs/<id>
    assert old.nodes[1].client().id()["Addresses"] == [
        f"/ip4/127.0.0.1/tcp/4002/ipfs/{identity.of(old.nodes[1]).peer_id}"]
    net.crash(2)
    net.restart(2)
    assert net.nodes[2].client().id()["Addresses"] == [f"/ip4/127.0.0.1/tcp/4003/p2p/{ids[2]}"]
    net.nodes[1].reset()  # a fresh node where node 1 listened: same seed, same address
    assert net.nodes[1].client().id()["Addresses"] == [f"/ip4/127.0.0.1/tcp/4002/p2p/{ids[1]}"]
    on_disk = Network(2, seed=5, repo=tmp_path)
    on_disk.crash(1)
    on_disk.restart(1)
    assert fakeipfs.config.of(on_disk.nodes[1]).get("Addresses.Swarm") == ["/ip4/127.0.0.1/tcp/4002"]


@pytest.mark.parametrize("topology, dials", [
    ("full", {(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)}),
    ("line", {(0, 1), (1, 2), (2, 3)}),
    ("ring", {(0, 1), (1, 2), (2, 3), (3, 0)}),
    ("star", {(0, 1), (0, 2), (0, 3)}),
    ("none", set()),
])
def test_topologies(topology, dials):
    """Who dials whom (outbound, direction 2) at start; each connection is inbound at the other end."""
    net = Network(4, connect=topology)
    seen = {(i, net.nodes.index(p)): d for i, n in enumerate(net.nodes) for p, d in net.connections(n)}
    assert {pair for pair, d in seen.items() if d == 2} == dials
    assert {pair for pair, d in seen.items() if d == 1} == {(j, i) for i, j in dials}


def test_wait_for_subscribers():
    net = Network(3, connect="line")
    a, b, c = net.nodes
    c.pubsub.subscribe("t")
    assert net.wait_for_subscribers("t", 1) == [identity.of(c).peer_id]
    with pytest.raises(TimeoutError) as exc:
        net.wait_for_subscribers("t", 1, timeout=0, node=a)  # c is no peer of a
    assert str(exc.value) == "Network.wait_for_subscribers: 0 of 1 subscribers to 't' after 0 s"
    threading.Timer(0.02, b.pubsub.subscribe, ("t",)).start()
    assert net.wait_for_subscribers("t", 1, node=a) == [identity.of(b).peer_id]


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
    net = Network(3, connect="line")
    a, b, c = net.nodes
    root = a.add_str("two hops away").cid
    assert c.cat(root) == b"two hops away"
    net.disconnect(a, b)
    assert b.cat(root) == b"two hops away"  # from c, which stored it
    fresh = Network(1).nodes[0]
    with pytest.raises(DeadlineExceeded):
        fresh.cat(root, timeout=0.01)


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


def test_content_of_node_0_reaches_node_2_only_through_node_1():
    """A line 0 - 1 - 2: node 2 reads what node 0 added through node 1; cut off by a partition
    it waits until its timeout (kubo: "context deadline exceeded"); healed, it reads it."""
    net = Network(3, connect="line")
    a, b, c = net.nodes
    assert net.peers(a) == [b] and net.peers(c) == [b]
    root = a.add_bytes(DATA).cid
    net.partition([[a], [b, c]])
    assert net.peers(a) == [] and net.peers(b) == [c]
    for fetch in (lambda: c.cat(root, timeout=0.02), lambda: c.block_get(root, timeout=0.02),
                  lambda: b"".join(c.get(f"/ipfs/{root}", timeout=0.02)),
                  lambda: c.dag_get(str(root), timeout=0.02)):
        with pytest.raises(DeadlineExceeded) as exc:
            fetch()
        assert str(exc.value) == "context deadline exceeded"
        assert isinstance(exc.value, TimeoutError)
    with pytest.raises(fakeipfs.IPFSError) as exc:
        c.pin_add(str(root), timeout=0.02)
    assert str(exc.value) == "pin: context deadline exceeded"  # kubo core/coreapi/pin.go Add
    assert c.pin_ls(type="recursive") == {} and not c.blockstore.has(root)
    net.heal()
    assert net.peers(a) == [b]
    assert c.cat(root, timeout=5) == DATA
    assert not b.blockstore.has(root)  # only the node that asked keeps the block


def test_offline_fails_at_once_even_when_a_peer_has_the_block():
    """kubo's global --offline (cmdenv GetApi: an offline CoreAPI): the local blockstore only."""
    net = Network(2)
    a, b = net.nodes
    root = a.add_str("online only").cid
    with pytest.raises(NotFound) as exc:
        b.cat(root, offline=True)
    assert str(exc.value) == _not_found(root)
    with network.request(offline=True):
        with pytest.raises(NotFound):
            b.block_get(root, timeout=5)  # nested: still offline
    assert b.cat(root, timeout=5) == b"online only"
    assert b.cat(root, offline=True) == b"online only"  # now local


def test_a_waiting_fetch_gets_content_that_becomes_reachable():
    net = Network(3, connect="none")
    a, b, c = net.nodes
    root = a.add_str("arrives later").cid
    extra = fakeipfs.Node().add_bytes(b"added later", only_hash=True).cid
    got: list[bytes] = []
    readers = [threading.Thread(target=lambda: got.append(c.cat(root, timeout=10))),
               threading.Thread(target=lambda: got.append(b.cat(extra, timeout=10)))]
    for reader in readers:
        reader.start()
    threading.Timer(0.02, lambda: (net.connect(a, c), net.connect(a, b))).start()
    threading.Timer(0.04, lambda: a.add_bytes(b"added later")).start()
    for reader in readers:
        reader.join(10)
    assert sorted(got) == [b"added later", b"arrives later"]


def test_cancelling_a_request_ends_its_wait():
    net = Network(2, connect="none")
    root = net.nodes[0].add_str("unreachable").cid
    outcome: list[BaseException] = []
    started = threading.Event()

    def fetch() -> None:
        with network.request() as context:
            contexts.append(context)
            started.set()
            try:
                net.nodes[1].cat(root)
            except BaseException as exc:
                outcome.append(exc)

    contexts: list[network.Context] = []
    reader = threading.Thread(target=fetch)
    reader.start()
    started.wait(5)
    contexts[0].cancel()
    reader.join(5)
    assert [(type(e), str(e)) for e in outcome] == [(Canceled, "context canceled")]


def test_closing_a_bound_body_cancels_the_fetch_it_waits_in():
    """What a front door does when its client goes away (go-ipfs-cmds cancels the request's
    context): the body's close() ends a read waiting for an unreachable block."""
    net = Network(2, connect="none")
    root = net.nodes[0].add_str("never reached").cid
    with network.request() as context:
        body = network.bind(iter(lambda: net.nodes[1].cat(root), None), context)  # reads lazily
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            b"".join(body)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    threading.Timer(0.02, body.close).start()
    reader.join(5)
    assert [str(e) for e in outcome] == ["context canceled"] and context.cancelled


def test_a_lazy_result_keeps_its_deadline():
    net = Network(2)
    a, b = net.nodes
    root = a.add_bytes(DATA).cid
    stream = b.cat_stream(root, timeout=5)
    net.disconnect(a, b)
    with pytest.raises(DeadlineExceeded):
        b"".join(b.cat_stream(root, timeout=0.01))
    net.connect(a, b)
    assert b"".join(stream) == DATA


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


def test_a_partition_keeps_its_groups_apart_until_heal():
    """Nodes in different groups of a partition cannot connect (``Unreachable``) until heal();
    nodes in no group are one more group; a second partition adds to the first."""
    net = Network(4, connect="none")
    net.partition([[0], [1]])  # 2 and 3: the third group
    assert [net.separated(0, j) for j in range(4)] == [False, True, True, True]
    assert not net.separated(2, 3)
    with pytest.raises(network.Unreachable) as exc:
        net.connect(0, 2)
    assert str(exc.value) == ("Network.connect: node 0 cannot reach node 2: a partition separates them "
                              "(Network.heal joins them again)")
    assert isinstance(exc.value, ConnectionError) and net.peers(0) == []
    net.connect(2, 3)
    net.partition([[2], [3]])  # cuts 2 - 3 as well
    assert net.peers(2) == [] and net.separated(2, 3) and net.separated(0, 1)
    with pytest.raises(network.Unreachable):
        net.connect(3, 2)
    net.heal()
    assert not any(net.separated(i, j) for i in range(4) for j in range(4))
    assert net.connections(2) == [(net.nodes[3], network.DIR_OUTBOUND)]  # redialled as before
    net.connect(0, 2)
    assert net.peers(0) == [net.nodes[2]]


def test_a_node_restarting_during_a_partition_stays_cut_off_until_heal():
    net = Network(3)  # full: 0 dials 1 and 2, 1 dials 2
    net.crash(2)
    net.partition([[0], [1, 2]])
    net.restart(2)
    assert net.peers(2) == [net.nodes[1]]  # redialled within its group only
    assert net.peers(0) == []
    net.heal()
    assert net.connections(0) == [(net.nodes[1], network.DIR_OUTBOUND), (net.nodes[2], network.DIR_OUTBOUND)]
    assert net.connections(2) == [(net.nodes[0], network.DIR_INBOUND), (net.nodes[1], network.DIR_INBOUND)]


def test_observers_hear_of_crashes_and_restarts_after_the_change():
    net = Network(3)
    heard: list = []
    remove = net.observe(crashed=lambda i: heard.append(("crashed", i, net.crashed)),
                         restarted=lambda i: heard.append(("restarted", i, net.crashed)))
    net.observe(restarted=lambda i: heard.append(("second", i)))
    net.crash(1)
    net.restart(1)
    assert heard == [("crashed", 1, [1]), ("restarted", 1, []), ("second", 1)]
    remove()
    remove()  # removing twice is harmless
    net.crash(0)
    assert len(heard) == 3

    def refuse(i: int) -> None:
        raise OSError(f"cannot listen for node {i}")
    net.observe(restarted=refuse)
    with pytest.raises(OSError, match="^cannot listen for node 0$"):
        net.restart(0)
    assert net.crashed == [] and heard[-1] == ("second", 0)  # the restart happened; earlier observers ran


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
