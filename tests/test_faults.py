"""fakeipfs.faults: deterministic link faults, crashed and restarted nodes."""
from __future__ import annotations

import json
import threading

import pytest

import fakeipfs
from fakeipfs import identity
from fakeipfs.errors import DeadlineExceeded
from fakeipfs.faults import CrashedNode, Faults, LinkFaults, NodeCrashed
from fakeipfs.network import Network


def drain(sub) -> list[int]:
    """The integers a subscription holds now (the network is quiescent: nothing more comes)."""
    out = []
    while True:
        try:
            out.append(int(sub.next(timeout=0).data))
        except TimeoutError:
            return out


def twenty_over_one_link(seed, **faults) -> tuple[list[int], dict]:
    net = Network(2, seed=seed)
    net.faults.set(**faults)
    sub = net.nodes[1].pubsub.subscribe("t")
    for i in range(20):
        net.nodes[0].pubsub.publish("t", b"%d" % i)
    net.wait_quiescent()
    return drain(sub), net.faults.stats


# --- settings ---------------------------------------------------------------------------------

def test_faults_are_off_by_default_and_checked():
    net = Network(3)
    assert net.faults.defaults == LinkFaults() and not net.faults.active
    assert net.link(0, 1).faults == LinkFaults()
    for bad, error in (({"drop": 1.5}, ValueError), ({"latency": -1}, ValueError),
                       ({"jitter": "1ms"}, TypeError), ({"reorder": True}, TypeError)):
        with pytest.raises(error):
            net.faults.set(**bad)
        with pytest.raises(error):
            net.link(0, 1).set(**bad)
    with pytest.raises(TypeError):
        net.faults.set(loss=0.1)
    assert net.faults.defaults == LinkFaults() and net.link(0, 1).faults == LinkFaults()
    with pytest.raises(ValueError):
        net.link(1, 1)


def test_link_settings_override_the_defaults_in_both_directions():
    net = Network(3, seed=4)
    net.faults.set(latency=0.01)
    net.link(2, 0).set(drop=0.5).set(jitter=0.002)
    assert net.link(0, 2).faults == LinkFaults(latency=0.01, jitter=0.002, drop=0.5)
    assert net.link(0, 1).faults == LinkFaults(latency=0.01)
    net.faults.set(latency=0.02)  # a link keeps only what was set on it
    assert net.link(0, 2).faults.latency == 0.02
    assert json.loads(json.dumps(net.faults.state())) == {
        "seed": 4, "defaults": {"latency": 0.02, "jitter": 0.0, "drop": 0.0, "duplicate": 0.0, "reorder": 0.0},
        "links": [{"a": 0, "b": 2, "drop": 0.5, "jitter": 0.002}],
        "stats": {"sent": 0, "dropped": 0, "duplicated": 0, "reordered": 0}}
    net.link(0, 2).clear()
    assert net.link(0, 2).faults == LinkFaults(latency=0.02)
    net.link(0, 1).set(drop=0.1)
    net.faults.clear()
    assert not net.faults.active and net.link(0, 1).faults == LinkFaults()


def test_a_link_fault_alone_makes_the_network_faulty():
    net = Network(3)
    net.link(0, 1).set(duplicate=0.5)
    assert net.faults.active
    net.link(0, 1).set(duplicate=0)
    assert not net.faults.active


# --- determinism -------------------------------------------------------------------------------

def test_the_same_seed_drops_the_same_messages():
    got, stats = twenty_over_one_link(1, drop=0.3)
    assert got == [1, 2, 4, 5, 9, 10, 11, 12, 13, 15, 16, 17, 18]
    assert stats == {"sent": 20, "dropped": 7, "duplicated": 0, "reordered": 0}
    assert twenty_over_one_link(1, drop=0.3)[0] == got
    assert twenty_over_one_link(2, drop=0.3)[0] == [3, 4, 7, 8, 9, 10, 15, 17, 19]


def test_draws_depend_on_the_link_and_the_message_not_on_timing():
    faults = Faults(seed=9)
    faults.set(drop=0.5, duplicate=0.5, reorder=0.5, latency=0.01, jitter=0.005)
    draws = [faults.draw(0, 1, 0, k) for k in range(1, 50)]
    again = Faults(seed=9)
    again.set(drop=0.5, duplicate=0.5, reorder=0.5, latency=0.01, jitter=0.005)
    for k in range(49, 0, -1):  # asked in another order, with other traffic in between
        again.draw(1, 0, 0, k)
        assert again.draw(0, 1, 0, k) == draws[k - 1]
    assert [faults.draw(1, 0, 0, k) for k in range(1, 50)] != draws  # each direction its own
    assert all(0.005 <= d.delay <= 0.015 for d in draws if not d.drop and not d.reorder)
    assert all(d.delay == 0 for d in draws if d.reorder)


def test_concurrent_publishers_get_the_same_drops_as_one_after_another():
    def run(concurrently: bool) -> list[list[bytes]]:
        net = Network(3, seed="same")
        net.faults.set(drop=0.4)
        subs = [n.pubsub.subscribe("t") for n in net.nodes]

        def publish(i: int) -> None:
            for j in range(30):
                net.nodes[i].pubsub.publish("t", b"%d:%d" % (i, j))

        threads = [threading.Thread(target=publish, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
            if not concurrently:
                thread.join()
        for thread in threads:
            thread.join()
        net.wait_quiescent()
        out = []
        for sub in subs:
            got = []
            while True:
                try:
                    got.append(sub.next(timeout=0).data)
                except TimeoutError:
                    break
            out.append(sorted(got))
        return out

    assert run(True) == run(False)


def test_duplicates_are_suppressed_by_the_receiver():
    got, stats = twenty_over_one_link("x", duplicate=0.5)
    assert got == list(range(20))
    assert stats["duplicated"] == 9


def test_reordered_messages_overtake_those_in_flight():
    """netem ``reorder``: the chosen messages skip the link's latency and queue."""
    got, stats = twenty_over_one_link("x", reorder=0.3, latency=0.2)
    assert got == [2, 4, 6, 10, 11, 17, 18, 0, 1, 3, 5, 7, 8, 9, 12, 13, 14, 15, 16, 19]
    assert stats["reordered"] == 7


def test_latency_and_jitter_keep_each_publishers_order():
    net = Network(4, seed=3, connect="ring")
    net.faults.set(latency=0.002, jitter=0.002)
    net.link(0, 1).set(latency=0.01)
    subs = [n.pubsub.subscribe("t") for n in net.nodes]
    for i in range(40):
        net.nodes[0].pubsub.publish("t", b"%d" % i)
    assert drain(subs[0]) == list(range(40))  # the publisher's own subscriber: at once
    net.wait_quiescent()
    assert [drain(sub) for sub in subs[1:]] == [list(range(40))] * 3


def test_drops_along_a_line_lose_the_message_further_on():
    net = Network(3, seed=7, connect="line")
    net.link(0, 1).set(drop=0.5)
    subs = [n.pubsub.subscribe("t") for n in net.nodes]
    for i in range(20):
        net.nodes[0].pubsub.publish("t", b"%d" % i)
    net.wait_quiescent()
    middle = drain(subs[1])
    assert 0 < len(middle) < 20 and drain(subs[2]) == middle  # node 2 hears only what 1 relays


def test_wait_quiescent_times_out_while_messages_are_in_flight():
    net = Network(2)
    net.faults.set(latency=0.5)
    sub = net.nodes[1].pubsub.subscribe("t")
    net.nodes[0].pubsub.publish("t", b"slow")
    with pytest.raises(TimeoutError):
        net.wait_quiescent(timeout=0)
    net.wait_quiescent()
    assert sub.next(timeout=0).data == b"slow"


def test_a_message_in_flight_is_lost_when_its_connection_closes():
    net = Network(2)
    net.faults.set(latency=0.05)
    sub = net.nodes[1].pubsub.subscribe("t")
    net.nodes[0].pubsub.publish("t", b"cut off")
    net.partition([[0], [1]])
    net.wait_quiescent()
    with pytest.raises(TimeoutError):
        sub.next(timeout=0)


def test_block_fetches_wait_for_the_path_latency_and_ignore_drops():
    net = Network(3, connect="line")
    net.faults.set(drop=1.0, latency=0.01)
    root = net.nodes[0].add_str("slow but sure").cid
    assert net.nodes[2].cat(root, timeout=5) == b"slow but sure"
    with pytest.raises(DeadlineExceeded):  # a round trip over two hops takes 40 ms
        net.nodes[1].cat(net.nodes[2].add_str("too slow").cid, timeout=0.01)


# --- crash and restart -------------------------------------------------------------------------

def test_a_crashed_node_refuses_everything_and_its_subscriptions_end():
    net = Network(3, seed=2)
    a, b, c = net.nodes
    root = b.add_str("only on b").cid
    sub = b.pubsub.subscribe("t")
    other = c.pubsub.subscribe("t")
    net.crash(b)
    assert net.crashed == [1] and isinstance(b, CrashedNode) and isinstance(b, fakeipfs.Node)
    message = (f"fakeipfs: node 1 ({identity.of(b).peer_id}) has crashed (Network.crash): "
               "connection refused")
    for operation in (lambda: b.cat(root), lambda: b.add_str("x"), lambda: b.pubsub,
                      lambda: b.pin_ls(), lambda: b.blockstore):
        with pytest.raises(NodeCrashed) as info:
            operation()
        assert str(info.value) == message and isinstance(info.value, ConnectionRefusedError)
    assert list(sub) == []  # ended
    assert net.peers(a) == [c] and a.pubsub.peers() == [identity.of(c).peer_id]
    with pytest.raises(DeadlineExceeded):
        a.cat(root, timeout=0.01)  # unreachable for its peers
    with pytest.raises(NodeCrashed):
        net.connect(a, b)
    a.pubsub.publish("t", b"the rest goes on")
    assert other.next(timeout=1).data == b"the rest goes on"
    with pytest.raises(ValueError):
        net.crash(1)


def test_a_fetch_waiting_on_a_node_that_crashes_is_refused():
    net = Network(2, connect="none")
    root = net.nodes[0].add_str("never").cid
    outcome: list[BaseException] = []

    def fetch() -> None:
        try:
            net.nodes[1].cat(root, timeout=10)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=fetch)
    reader.start()
    threading.Timer(0.02, net.crash, (1,)).start()
    reader.join(10)
    assert [type(e) for e in outcome] == [NodeCrashed]


def test_restart_loses_memory_keeps_identity_and_reconnects():
    net = Network(3, seed=2, connect="line")
    a, b, c = net.nodes
    peer_id = identity.of(b).peer_id
    root = b.add_str("in memory").cid
    net.crash(b)
    with pytest.raises(ValueError):
        net.restart(a)
    net.restart(b)
    assert not isinstance(b, CrashedNode) and net.crashed == []
    assert identity.of(b).peer_id == peer_id and b.pin_ls() == {}
    assert net.peers(b) == [a, c] and net.connections(a) == [(b, 2)]  # a dialled b, as before
    with pytest.raises(DeadlineExceeded):
        c.cat(root, timeout=0.01)  # gone with b's memory
    with b.pubsub.subscribe("t") as sub:
        a.pubsub.publish("t", b"welcome back")
        assert sub.next(timeout=1).data == b"welcome back"


def test_a_node_with_a_repo_keeps_its_blocks_and_pins(tmp_path):
    net = Network(2, seed=2, repo=tmp_path)
    a, b = net.nodes
    root = b.add_str("on disk").cid
    peer_id = identity.of(b).peer_id
    net.crash(1)
    net.restart(1)
    assert b.repo == str(tmp_path / "1") and identity.of(b).peer_id == peer_id
    assert b.pin_ls(type="recursive") == {str(root): "recursive"}
    assert a.cat(root, timeout=5) == b"on disk"


def test_partition_and_heal_around_a_crashed_node():
    net = Network(3)
    net.partition([[0], [1, 2]])
    net.crash(1)
    net.heal()
    assert net.peers(0) == [net.nodes[2]]
    net.restart(1)
    assert net.peers(1) == [net.nodes[0], net.nodes[2]]
