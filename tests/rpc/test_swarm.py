"""/api/v0/swarm/{connect,disconnect,peers,addrs} on the nodes of a fakeipfs.Network: kubo
core/commands/swarm.go and core/coreapi/swarm.go at v0.22.0, go-libp2p's routed host and dial
errors. (A lone node's swarm commands: tests/rpc/test_identity_keys_config.py.)"""
from __future__ import annotations

import pytest

from fakeipfs import identity
from fakeipfs.network import Network
from fakeipfs.rpc.misc import _go_duration

from .rpcutil import error, post, single

STRANGER = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"  # the libp2p spec's Ed25519 key


@pytest.fixture
def net() -> Network:
    return Network(3, seed=3, kubo_version="0.22.0", connect="none")


def ids(net: Network) -> list[str]:
    return [identity.of(n).peer_id for n in net.nodes]


def addr(net: Network, i: int, p2p: str = "p2p") -> str:
    return f"{net.address(i)}/{p2p}/{ids(net)[i]}"


def peers(net: Network, i: int) -> list[str]:
    return [p["Peer"] for p in single(post(net.nodes[i], "swarm/peers"))["Peers"] or []]


def test_connect_by_address_changes_swarm_peers_on_both_sides(net: Network):
    a, b, c = ids(net)
    assert single(post(net.nodes[0], "swarm/connect", arg=[addr(net, 1), addr(net, 2)])) == {
        "Strings": [f"connect {b} success", f"connect {c} success"]}
    assert peers(net, 0) == [b, c]
    assert peers(net, 1) == [a] and peers(net, 2) == [a]
    verbose = single(post(net.nodes[1], "swarm/peers", verbose=True))["Peers"]
    assert [(p["Addr"], p["Direction"]) for p in verbose] == [("/ip4/127.0.0.1/tcp/4001", 1)]  # inbound
    assert single(post(net.nodes[0], "swarm/addrs")) == {
        "Addrs": {b: ["/ip4/127.0.0.1/tcp/4002"], c: ["/ip4/127.0.0.1/tcp/4003"]}}
    # connecting again is a success that changes nothing (go-libp2p: already connected)
    assert single(post(net.nodes[0], "swarm/connect", arg=[addr(net, 1)])) == {"Strings": [f"connect {b} success"]}
    assert net.connections(0) == [(net.nodes[1], 2), (net.nodes[2], 2)]


def test_disconnect_by_peer_and_by_address(net: Network):
    a, b, c = ids(net)
    net.connect(0, 1)
    net.connect(0, 2)
    answer = single(post(net.nodes[0], "swarm/disconnect", arg=[f"/p2p/{b}", f"/ip4/127.0.0.1/tcp/4009/p2p/{c}"]))
    assert answer == {"Strings": [f"disconnect {b} success", f"disconnect {c} failure: conn not found"]}
    assert peers(net, 0) == [c] and peers(net, 1) == []
    # one line per address; the second finds the connection closed by the first
    answer = single(post(net.nodes[2], "swarm/disconnect", arg=[addr(net, 0), f"/ip4/127.0.0.1/tcp/4001/p2p/{a}"]))
    assert answer == {"Strings": [f"disconnect {a} success", f"disconnect {a} failure: conn not found"]}
    assert single(post(net.nodes[2], "swarm/disconnect", arg=[f"/p2p/{a}"])) == {
        "Strings": [f"disconnect {a} failure: not connected"]}
    assert peers(net, 0) == [] and peers(net, 2) == []


def test_connect_by_peer_id_finds_peers_reachable_through_connections(net: Network):
    a, b, c = ids(net)
    # no connections at all: the DHT's table is empty
    assert error(post(net.nodes[0], "swarm/connect", arg=[f"/p2p/{c}"])) == \
        f"connect {c} failure: failed to find any peer in table"
    net.connect(0, 1)
    assert error(post(net.nodes[0], "swarm/connect", arg=[f"/p2p/{c}"])) == f"connect {c} failure: routing: not found"
    net.connect(1, 2)
    assert single(post(net.nodes[0], "swarm/connect", arg=[f"/p2p/{c}"])) == {"Strings": [f"connect {c} success"]}
    assert peers(net, 0) == [b, c]
    assert error(post(net.nodes[0], "swarm/connect", arg=[f"/p2p/{STRANGER}"])) == \
        f"connect {STRANGER} failure: routing: not found"


def test_unreachable_addresses_and_the_wrong_peer_at_an_address(net: Network):
    a, b, c = ids(net)
    assert error(post(net.nodes[0], "swarm/connect", arg=[f"/ip4/127.0.0.1/tcp/4999/p2p/{STRANGER}"])) == (
        f"connect {STRANGER} failure: failed to dial {STRANGER}: all dials failed\n"
        f"  * [/ip4/127.0.0.1/tcp/4999] dial tcp4 127.0.0.1:4999: connect: connection refused")
    # node 1 answers at 4002, and its key is not node 2's
    assert error(post(net.nodes[0], "swarm/connect", arg=[f"/ip4/127.0.0.1/tcp/4002/p2p/{c}"])) == (
        f"connect {c} failure: failed to dial {c}: all dials failed\n"
        f"  * [/ip4/127.0.0.1/tcp/4002] failed to negotiate security protocol: peer id mismatch: "
        f"expected {c}, but remote key matches {b}")
    assert peers(net, 0) == []
    # a wrong address of a peer the lookup finds: the routed host dials what it found
    net.connect(0, 1)
    net.connect(1, 2)
    assert single(post(net.nodes[0], "swarm/connect", arg=[f"/ip4/127.0.0.1/tcp/4999/p2p/{c}"])) == {
        "Strings": [f"connect {c} success"]}


def test_a_failure_ends_the_command_and_keeps_earlier_connections(net: Network):
    a, b, c = ids(net)
    assert error(post(net.nodes[0], "swarm/connect", arg=[addr(net, 1), f"/ip4/127.0.0.1/tcp/4999/p2p/{STRANGER}"])) \
        .startswith(f"connect {STRANGER} failure: failed to dial {STRANGER}: all dials failed")
    assert peers(net, 0) == [b]


def test_bad_addresses(net: Network):
    me = ids(net)[0]
    node = net.nodes[0]
    assert error(post(node, "swarm/connect", arg=[addr(net, 0)])) == f"connect {me} failure: dial to self attempted"
    assert error(post(node, "swarm/connect", arg=["/ip4/127.0.0.1/tcp/4002"])) == \
        "found no ipfs peers at /ip4/127.0.0.1/tcp/4002"
    assert error(post(node, "swarm/connect", arg=["/ip4/127.0.0.1/tcp/40x2/p2p/" + ids(net)[1]])) == (
        f'failed to parse multiaddr "/ip4/127.0.0.1/tcp/40x2/p2p/{ids(net)[1]}": '
        'invalid value "40x2" for protocol tcp: invalid base 10 integer')
    assert error(post(node, "swarm/disconnect", arg=["ip4/127.0.0.1"])) == \
        'failed to parse multiaddr "ip4/127.0.0.1": must begin with /'
    assert peers(net, 0) == []


def test_a_crashed_peer_refuses_dials_and_cannot_be_found(net: Network):
    a, b, c = ids(net)
    net.connect(0, 1)
    net.connect(1, 2)
    net.crash(2)
    assert error(post(net.nodes[0], "swarm/connect", arg=[addr(net, 2)])) == (
        f"connect {c} failure: failed to dial {c}: all dials failed\n"
        f"  * [/ip4/127.0.0.1/tcp/4003] dial tcp4 127.0.0.1:4003: connect: connection refused")
    net.restart(2)
    assert single(post(net.nodes[0], "swarm/connect", arg=[addr(net, 2)])) == {"Strings": [f"connect {c} success"]}


def test_a_peer_across_a_partition_refuses_dials_until_heal(net: Network):
    """A partition is kept until heal(): a dial across it fails as a refused TCP dial does
    (go-libp2p-swarm ``DialError``), a lookup does not find the peer, and within a group
    ``swarm connect`` works."""
    a, b, c = ids(net)
    net.connect(0, 1)
    net.connect(1, 2)
    net.partition([[0], [1, 2]])
    assert error(post(net.nodes[0], "swarm/connect", arg=[addr(net, 2), addr(net, 1)])) == (
        f"connect {c} failure: failed to dial {c}: all dials failed\n"
        f"  * [/ip4/127.0.0.1/tcp/4003] dial tcp4 127.0.0.1:4003: connect: connection refused")
    assert error(post(net.nodes[0], "swarm/connect", arg=[f"/p2p/{b}"])) == \
        f"connect {b} failure: failed to find any peer in table"
    assert peers(net, 0) == []
    assert single(post(net.nodes[2], "swarm/disconnect", arg=[f"/p2p/{b}"])) == {"Strings": [f"disconnect {b} success"]}
    assert single(post(net.nodes[2], "swarm/connect", arg=[addr(net, 1)])) == {"Strings": [f"connect {b} success"]}
    net.heal()
    assert single(post(net.nodes[0], "swarm/connect", arg=[addr(net, 2)])) == {"Strings": [f"connect {c} success"]}
    assert peers(net, 0) == [b, c]  # heal remade 0 - 1, the dial made 0 - 2


def test_each_node_reports_its_own_listen_address(net: Network):
    for i, node in enumerate(net.nodes):
        assert single(post(node, "id"))["Addresses"] == [addr(net, i)]
        assert single(post(node, "swarm/addrs/local")) == {"Strings": [f"/ip4/127.0.0.1/tcp/{4001 + i}"]}
        assert single(post(node, "swarm/addrs/listen")) == {"Strings": [f"/ip4/127.0.0.1/tcp/{4001 + i}"]}


def test_old_versions_take_ipfs_addresses():
    net = Network(2, seed=3, kubo_version="0.4.23", connect="none")
    b = ids(net)[1]
    assert single(post(net.nodes[0], "swarm/connect", arg=[addr(net, 1, "ipfs")])) == {"Strings": [f"connect {b} success"]}
    assert single(post(net.nodes[0], "swarm/disconnect", arg=[addr(net, 1, "ipfs")])) == {
        "Strings": [f"disconnect {b} success"]}
    assert single(post(net.nodes[1], "id"))["Addresses"] == [addr(net, 1, "ipfs")]


def test_swarm_peers_latency_is_the_links_round_trip():
    net = Network(3, seed=3)
    net.link(0, 1).set(latency=0.0125)
    net.faults.set(latency=45.25)
    latencies = [p["Latency"] for p in single(post(net.nodes[0], "swarm/peers", latency=True))["Peers"]]
    assert latencies == ["25ms", "1m30.5s"]  # Go time.Duration.String of twice the one-way latency
    net.faults.clear()
    verbose = single(post(net.nodes[0], "swarm/peers", verbose=True))["Peers"]
    assert [p["Latency"] for p in verbose] == ["n/a", "n/a"]
    assert [p["Latency"] for p in single(post(net.nodes[0], "swarm/peers"))["Peers"]] == ["", ""]


@pytest.mark.parametrize("ns, text", [(0, "0s"), (999, "999ns"), (1500, "1.5µs"), (1234567, "1.234567ms"),
                                      (10**9, "1s"), (3600 * 10**9, "1h0m0s"), (3661 * 10**9 + 5 * 10**8, "1h1m1.5s")])
def test_go_duration_strings(ns, text):
    assert _go_duration(ns) == text
