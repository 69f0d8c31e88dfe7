"""fakeipfs.testnet and ``fakeipfs testnet``: the nodes of one Network served over real HTTP on
127.0.0.1, one port each, talked to with ipfshttpclient and requests."""
from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
from typing import Iterator

import ipfshttpclient
import pytest
import requests

from fakeipfs import cli, identity, pubsub
from fakeipfs.daemon import DaemonError
from fakeipfs.network import Network
from fakeipfs import testnet as testnets
from procutil import child

LOCAL = "/ip4/127.0.0.1/tcp/0"


@contextlib.contextmanager
def serving(n: int = 3, **kwargs) -> Iterator[testnets.Testnet]:
    lines: list[str] = []
    testnet = testnets.Testnet(Network(n, seed=11, **kwargs), api=LOCAL, say=lines.append)
    testnet.lines_said = lines  # type: ignore[attr-defined]
    with testnet.background():
        yield testnet


def rpc(testnet: testnets.Testnet, i: int, command: str, *args: str) -> requests.Response:
    addr = testnet.api_addrs[i]
    assert addr is not None
    return requests.post(addr.url(f"/api/v0/{command}"), params=[("arg", a) for a in args])


def swarm_peers(testnet: testnets.Testnet, i: int) -> list[str]:
    return [p["Peer"] for p in testnet.client(i).swarm.peers()["Peers"] or []]


def free_port_range(n: int) -> int:
    """A first port of ``n`` consecutive free ports of 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + n > 65535:
            continue
        held = []
        try:
            for port in range(base, base + n):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError("no free port range")


def parse(line: str) -> dict[str, str]:
    """A ``node <i> <key> <value>...`` startup line."""
    fields = line.split()
    assert fields[0] == "node"
    return {"node": fields[1], **dict(zip(fields[2::2], fields[3::2]))}


def test_content_and_pubsub_flow_between_nodes_over_http():
    with serving(3) as testnet:
        net = testnet.network
        ids = [identity.of(n).peer_id for n in net.nodes]
        lines = [parse(line) for line in testnet.lines_said]  # type: ignore[attr-defined]
        assert [(d["node"], d["peer"], d["swarm"]) for d in lines] == [
            (str(i), ids[i], f"/ip4/127.0.0.1/tcp/{4001 + i}/p2p/{ids[i]}") for i in range(3)]
        assert [d["api"] for d in lines] == [str(a) for a in testnet.api_addrs]
        assert len({a.port for a in testnet.api_addrs}) == 3  # type: ignore[union-attr]
        clients = [testnet.client(i) for i in range(3)]
        assert [c.id()["ID"] for c in clients] == ids
        cid = clients[0].add_bytes(b"model weights")
        assert clients[2].cat(cid) == b"model weights"
        with clients[0].pubsub.subscribe("jobs") as sub0, clients[2].pubsub.subscribe("jobs") as sub2:
            net.wait_for_subscribers("jobs", 2)
            clients[1].pubsub.publish("jobs", "train 1")
            for sub in (sub0, sub2):
                message = next(iter(sub))
                assert base64.b64decode(message["data"]) == b"train 1"
                assert message["topicIDs"] == ["jobs"]
                assert base64.b64decode(message["from"]) == pubsub.peer_id_bytes(ids[1])


def test_swarm_connect_and_disconnect_over_rpc_change_swarm_peers():
    with serving(3, connect="none") as testnet:
        ids = [identity.of(n).peer_id for n in testnet.network.nodes]
        assert swarm_peers(testnet, 0) == []
        target = f"{testnet.network.address(2)}/p2p/{ids[2]}"
        answer = rpc(testnet, 0, "swarm/connect", target)
        assert (answer.status_code, answer.content) == (200, b'{"Strings":["connect %s success"]}\n' % ids[2].encode())
        assert swarm_peers(testnet, 0) == [ids[2]] and swarm_peers(testnet, 2) == [ids[0]]
        answer = rpc(testnet, 2, "swarm/disconnect", f"/p2p/{ids[0]}")
        assert answer.json() == {"Strings": [f"disconnect {ids[0]} success"]}
        assert swarm_peers(testnet, 0) == [] and swarm_peers(testnet, 2) == []
        answer = rpc(testnet, 0, "swarm/connect", f"/p2p/{ids[1]}")
        assert (answer.status_code, answer.json()["Message"]) == (
            500, f"connect {ids[1]} failure: failed to find any peer in table")


def test_line_topology_fetches_through_the_middle_node_unless_partitioned():
    with serving(3, connect="line") as testnet:
        ids = [identity.of(n).peer_id for n in testnet.network.nodes]
        assert swarm_peers(testnet, 0) == [ids[1]] and swarm_peers(testnet, 2) == [ids[1]]
        cid = testnet.client(0).add_bytes(b"three hops")
        assert testnet.client(2).cat(cid) == b"three hops"
        cut_off = testnet.client(0).add_bytes(b"cut off")
        testnet.network.partition([[0], [1, 2]])
        with pytest.raises(ipfshttpclient.exceptions.ErrorResponse, match="^context deadline exceeded$"):
            testnet.client(2).cat(cut_off, opts={"timeout": "50ms"})  # kubo waits until the request's deadline
        testnet.network.heal()
        assert testnet.client(2).cat(cut_off) == b"cut off"


def refuses(port: int) -> bool:
    """Whether a TCP connect to 127.0.0.1:``port`` is refused (nothing listens there)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_crashed_node_refuses_connections_until_it_restarts_on_the_same_ports():
    lines: list[str] = []
    net = Network(3, seed=11)
    testnet = testnets.Testnet(net, api=LOCAL, gateway=LOCAL, say=lines.append)
    with testnet.background():
        ids = [identity.of(n).peer_id for n in net.nodes]
        api, gateway = testnet.api_addrs[1], testnet.daemons[1].gateway_addr
        assert api is not None and gateway is not None
        client = testnet.client(1)
        assert client.id()["ID"] == ids[1]  # a kept-alive connection: the crash closes it too
        net.crash(1)
        assert refuses(api.port) and refuses(gateway.port)
        with pytest.raises(ipfshttpclient.exceptions.ConnectionError, match=r"\[Errno 111\] Connection refused"):
            client.id()
        cid = testnet.client(0).add_bytes(b"still here")
        assert testnet.client(2).cat(cid) == b"still here"
        assert swarm_peers(testnet, 0) == [ids[2]]
        # the control endpoint of any node restarts it; its ports are the ones it had
        addr = testnet.api_addrs[0]
        assert addr is not None
        assert requests.post(addr.url("/fakeipfs/v0/faults"), json={"restart": 1}).json()["crashed"] == []
        assert testnet.api_addrs[1] == api and testnet.daemons[1].gateway_addr == gateway
        back = client.add_bytes(b"back")
        assert requests.get(gateway.url(f"/ipfs/{back}")).content == b"back"
        assert swarm_peers(testnet, 1) == [ids[0], ids[2]]
        # a node crashing itself through its own control endpoint answers, then goes
        crashed = requests.post(addr.url("/fakeipfs/v0/faults"), json={"crash": 0})
        assert (crashed.status_code, crashed.json()["crashed"]) == (200, [0])
        assert refuses(addr.port)
        net.restart(0)
        assert testnet.client(0).cat(cid) == b"still here"


def test_a_node_crashed_before_the_start_listens_once_restarted():
    net = Network(2, seed=11)
    net.crash(1)
    testnet = testnets.Testnet(net, api=LOCAL, say=lambda _: None)
    with testnet.background():
        api = testnet.api_addrs[1]
        assert api is not None and refuses(api.port)
        assert testnet.client(0).id()["ID"] == identity.of(net.nodes[0]).peer_id
        net.restart(1)
        assert testnet.client(1).id()["ID"] == identity.of(net.nodes[1]).peer_id
    assert refuses(api.port)  # stopped: every port closed
    net.crash(1)  # no observer is left: nothing serves the network any more
    net.restart(1)


def test_a_port_in_use_names_the_node_and_the_port(capsys):
    base = free_port_range(3)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", base + 1))
        squatter.listen(1)
        testnet = testnets.Testnet(Network(3), api=f"/ip4/127.0.0.1/tcp/{base}", say=lambda _: None)
        with pytest.raises(DaemonError) as exc:
            with testnet.background():
                pass
        assert str(exc.value) == (f"testnet node 1: serveHTTPApi: manet.Listen(/ip4/127.0.0.1/tcp/{base + 1}) failed: "
                                  f"listen tcp4 127.0.0.1:{base + 1}: bind: address already in use")
        assert cli.main(["testnet", "--nodes", "2", "--api", f"/ip4/127.0.0.1/tcp/{base}"]) == 1
        assert capsys.readouterr().err == f"Error: testnet node 1: serveHTTPApi: manet.Listen(/ip4/127.0.0.1/tcp/{base + 1}) " \
            f"failed: listen tcp4 127.0.0.1:{base + 1}: bind: address already in use\n"
    with socket.socket() as again:  # node 0's listener was closed
        again.bind(("127.0.0.1", base))


def test_cli_testnet_process_prints_its_nodes_serves_them_and_stops_on_sigint():
    base = free_port_range(6)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with child([sys.executable, "-m", "fakeipfs.cli", "testnet", "--nodes", "3", "--api", f"/ip4/127.0.0.1/tcp/{base}",
                "--gateway", f"/ip4/127.0.0.1/tcp/{base + 3}", "--topology", "line", "--seed", "4",
                "--kubo-version", "0.22.0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            if line.rstrip("\n") == testnets.MSG_READY:
                break
            lines.append(parse(line))
        expected = Network(3, seed=4, kubo_version="0.22.0")
        ids = [identity.of(n).peer_id for n in expected.nodes]
        assert lines == [{"node": str(i), "api": f"/ip4/127.0.0.1/tcp/{base + i}", "peer": ids[i],
                          "swarm": f"/ip4/127.0.0.1/tcp/{4001 + i}/p2p/{ids[i]}",
                          "gateway": f"/ip4/127.0.0.1/tcp/{base + 3 + i}"} for i in range(3)]
        clients = [ipfshttpclient.Client(addr=f"{d['api']}/http") for d in lines]
        cid = clients[0].add_bytes(b"over processes")
        assert clients[2].cat(cid) == b"over processes"
        assert requests.get(f"http://127.0.0.1:{base + 3}/ipfs/{cid}").content == b"over processes"
        assert [p["Peer"] for p in clients[1].swarm.peers()["Peers"]] == [ids[0], ids[2]]
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert (process.returncode, err) == (0, "")
    assert out == "Received interrupt signal, shutting down...\n(Hit ctrl-c again to force-shutdown the daemon.)\n"


@pytest.mark.parametrize("argv, message", [
    (["--nodes", "0"], "testnet: --nodes must be at least 1, not 0"),
    (["--api", "/ip4/127.0.0.1/udp/5001"], 'testnet: invalid API address: "/ip4/127.0.0.1/udp/5001" (err: '
     "/ip4/127.0.0.1/udp/5001 is not a TCP multiaddr fakeipfs can use (expected /<ip4|ip6|dns>/<host>/tcp/<port>[/http]))"),
    (["--api", "/ip4/127.0.0.1/tcp/65535", "--nodes", "2"], "testnet: node 1's API port 65536 is beyond 65535"),
    (["--api", "/ip4/10.1.2.3/tcp/5001"], "fakeipfs daemon: refusing to listen on /ip4/10.1.2.3/tcp/5001, which is not "
     "a loopback address (pass --allow-remote to expose the node beyond this machine)"),
])
def test_cli_refuses_bad_arguments(argv, message, capsys):
    assert cli.main(["testnet", *argv]) == 1
    assert capsys.readouterr() == ("", f"Error: {message}\n")


def test_a_gateway_serves_what_other_nodes_hold():
    """kubo's gateway fetches over bitswap (core/corehttp/gateway.go, online ``n.Blocks``):
    node 2's gateway serves what was added through node 0's API, two hops away."""
    net = Network(3, seed=11, connect="line")
    testnet = testnets.Testnet(net, api=LOCAL, gateway=LOCAL, say=lambda _: None)
    with testnet.background():
        cid = testnet.client(0).add_bytes(b"from node 0")
        gateway = testnet.daemons[2].gateway_addr
        assert gateway is not None
        answer = requests.get(gateway.url(f"/ipfs/{cid}"), timeout=10)
        assert (answer.status_code, answer.content) == (200, b"from node 0")
        assert answer.headers["X-Ipfs-Path"] == f"/ipfs/{cid}"
