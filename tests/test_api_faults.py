"""fakeipfs.api_faults: per-endpoint failures of a node's RPC API, in-process (ipfshttpclient,
requests, httpx) and over HTTP (Daemon), with the same status, body and exception class; the
daemon's ``/fakeipfs/v0/faults`` control endpoint."""
from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Iterator

import httpx
import ipfshttpclient
import pytest
import requests
import urllib3

import fakeipfs
import fakeipfs.transport as t
from fakeipfs import api_faults
from fakeipfs.daemon import Daemon
from fakeipfs.network import Network
from fakeipfs.rpc.dispatcher import Dispatcher

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"
ERROR_HEADERS = {
    "Access-Control-Allow-Headers": "X-Stream-Output, X-Chunked-Output, X-Content-Length",
    "Access-Control-Expose-Headers": "X-Stream-Output, X-Chunked-Output, X-Content-Length",
    "Trailer": "X-Stream-Error", "Content-Type": "application/json"}
TEXT_HEADERS = {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}


@contextlib.contextmanager
def served(node: fakeipfs.Node) -> Iterator[Daemon]:
    daemon = Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda _: None)
    with daemon.background():
        yield daemon


def http_client(daemon: Daemon):
    assert daemon.api_addr is not None
    return ipfshttpclient.Client(addr=f"/ip4/127.0.0.1/tcp/{daemon.api_addr.port}/http")


def url(daemon: Daemon, path: str) -> str:
    assert daemon.api_addr is not None
    return daemon.api_addr.url(path)


def inproc_session(node: fakeipfs.Node) -> requests.Session:
    return t.session_for(Dispatcher(node))


def headers_of(response: requests.Response) -> dict:
    return {k: v for k, v in response.headers.items() if k not in ("Content-Length", "Date", "Server")}


# --- the model ----------------------------------------------------------------------------------

def test_faults_match_the_command_path_and_count_calls():
    node = fakeipfs.Node()
    faults = api_faults.of(node)
    pin_add = faults.fail("pin/add", message="pin add failed")
    everything = faults.fail("*", "status", status=503, times=1)
    assert faults.match("pin") is everything  # "*" fires once
    assert faults.match("pin") is None
    assert faults.match("pin/add") is pin_add and faults.match("pin/add") is pin_add
    assert (pin_add.calls, pin_add.failures, everything.calls, everything.failures) == (2, 2, 2, 1)  # the first fault that fires ends the count
    assert api_faults.endpoint_of("/api/v0/pin/add") == "pin/add"
    assert api_faults.endpoint_of(f"/api/v0/cat/{HELLO}") == "cat"
    assert api_faults.endpoint_of("/api/v0/no/such") == "no/such"
    assert api_faults.Fault("/api/v0/pin/add/").endpoint == "pin/add"
    faults.clear("pin/add")
    assert faults.faults == [everything]
    faults.clear()
    assert faults.faults == []


def test_first_n_calls_then_success():
    node = fakeipfs.Node()
    fault = api_faults.of(node).fail("add", message="busy", times=2)
    client = t.client(node)
    for _ in range(2):
        with pytest.raises(ipfshttpclient.exceptions.ErrorResponse, match="^busy$"):
            client.add_bytes(b"hello world")
    assert client.add_bytes(b"hello world") == HELLO
    assert (fault.calls, fault.failures, fault.remaining) == (3, 2, 0)
    assert [r.endpoint for r in fakeipfs.inspection.of(node).requests] == ["add"]  # faulted calls never reached it


def test_seeded_probability_is_reproducible():
    def pattern(seed: int) -> list[bool]:
        faults = api_faults.ApiFaults()
        faults.fail("cat", probability=0.5, seed=seed)
        return [faults.match("cat") is not None for _ in range(32)]
    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 0 < sum(pattern(7)) < 32


@pytest.mark.parametrize("bad, message", [
    ({"endpoint": "add", "kind": "explode"}, "api fault: kind must be one of error, status, timeout, refuse, not 'explode'"),
    ({"endpoint": ""}, 'api fault: endpoint must name a command ("add", "pin/add") or be "*"'),
    ({"endpoint": "add", "status": 99}, "api fault: status must be an HTTP status (100-599), not 99"),
    ({"endpoint": "add", "times": -1}, "api fault: times must be a count >= 0, not -1"),
    ({"endpoint": "add", "probability": 2}, "api fault: probability must be within [0, 1], not 2"),
    ({"endpoint": "add", "code": 3}, "api fault: code must be 0 (error, 500) or 1 (client error, 400), not 3"),
    ({"endpoint": "add", "colour": "red"}, "api fault: unknown field 'colour'"),
    ({"kind": "error"}, "api fault: endpoint is required"),
])
def test_bad_faults_are_refused(bad, message):
    with pytest.raises(ValueError) as exc:
        api_faults.Fault.from_json(bad)
    assert str(exc.value) == message


def test_reset_clears_faults():
    node = fakeipfs.Node()
    api_faults.of(node).fail("add")
    node.reset()
    assert api_faults.of(node).faults == []


# --- in-process and over HTTP: the same replies and the same exceptions ---------------------------

def test_error_and_status_replies_are_the_same_in_process_and_over_http():
    node = fakeipfs.Node()
    faults = api_faults.of(node)
    faults.fail("add", message="merkledag: not found")
    faults.fail("cat", "error", message="bad request", code=1)
    faults.fail("id", "status", status=502)
    faults.fail("version", "status", status=503, message="upstream gone")
    expected = {
        "add": (500, ERROR_HEADERS, b'{"Message":"merkledag: not found","Code":0,"Type":"error"}\n'),
        "cat": (400, ERROR_HEADERS, b'{"Message":"bad request","Code":1,"Type":"error"}\n'),
        "id": (502, TEXT_HEADERS, b"Bad Gateway\n"),
        "version": (503, TEXT_HEADERS, b"upstream gone\n"),
    }
    session = inproc_session(node)
    with served(node) as daemon:
        for endpoint, want in expected.items():
            for answer in (session.post(f"http://fakeipfs.invalid:5001/api/v0/{endpoint}"),
                           requests.post(url(daemon, f"/api/v0/{endpoint}"))):
                assert (answer.status_code, headers_of(answer), answer.content) == want
        for client in (t.client(node), http_client(daemon)):
            with pytest.raises(ipfshttpclient.exceptions.ErrorResponse, match="^merkledag: not found$"):
                client.add_bytes(b"x")
            with pytest.raises(ipfshttpclient.exceptions.StatusError, match="502 Server Error: Bad Gateway"):
                client.id()
    assert faults.faults[0].failures == 4


def test_timeout_and_refused_raise_the_same_classes_in_process_and_over_http():
    node = fakeipfs.Node()
    api_faults.of(node).fail("id", "timeout")
    api_faults.of(node).fail("version", "refuse")
    with served(node) as daemon:
        for client in (t.client(node), http_client(daemon)):
            with pytest.raises(ipfshttpclient.exceptions.TimeoutError, match="Read timed out. \\(read timeout=0.2\\)"):
                client.id(timeout=0.2)
            with pytest.raises(ipfshttpclient.exceptions.ProtocolError,
                               match="Remote end closed connection without response"):
                client.version()
            assert client.add_bytes(b"hello world") == HELLO  # the other endpoints answer
        for session, base in ((inproc_session(node), "http://fakeipfs.invalid:5001"), (requests.Session(), url(daemon, ""))):
            with pytest.raises(requests.ReadTimeout):
                session.post(base + "/api/v0/id", timeout=0.2)
            with pytest.raises(requests.ConnectionError) as exc:
                session.post(base + "/api/v0/version")
            assert repr(exc.value) == ("ConnectionError(ProtocolError('Connection aborted.', "
                                       "RemoteDisconnected('Remote end closed connection without response')))")


def test_httpx_in_process_and_over_http():
    node = fakeipfs.Node()
    api_faults.of(node).fail("id", "timeout")
    api_faults.of(node).fail("version", "refuse")
    with served(node) as daemon:
        for client in (t.httpx_client(node), httpx.Client(base_url=url(daemon, ""), timeout=0.2)):
            with client:
                with pytest.raises(httpx.ReadTimeout):
                    client.post("/api/v0/id")
                with pytest.raises(httpx.RemoteProtocolError, match="^Server disconnected without sending a response.$"):
                    client.post("/api/v0/version")


def test_async_httpx_in_process():
    node = fakeipfs.Node()
    api_faults.of(node).fail("version", "refuse")

    async def main() -> int:
        async with t.httpx_client(node, asynchronous=True) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post("/api/v0/version")
            return (await client.post("/api/v0/id")).status_code
    assert asyncio.run(main()) == 200


def refused(host: str, port: int, path: str) -> str:
    """What requests (urllib3's ``MaxRetryError``) says of a refused connect."""
    return (f"HTTPConnectionPool(host='{host}', port={port}): Max retries exceeded with url: {path} "
            f"(Caused by NewConnectionError(\"HTTPConnection(host='{host}', port={port}): "
            f"Failed to establish a new connection: [Errno 111] Connection refused\"))")


def test_a_crashed_node_refuses_the_connect_in_process_as_over_http():
    """The daemon of a crashed node closes its port (ECONNREFUSED); in-process the transports
    raise what their libraries raise for that; after the restart the same port answers."""
    net = Network(3, seed=2)
    node = net.nodes[1]
    with served(node) as daemon:
        assert daemon.api_addr is not None
        port = daemon.api_addr.port
        net.crash(1)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        for client, host, at in ((t.client(node), "fakeipfs.invalid", 5001), (http_client(daemon), "127.0.0.1", port)):
            with pytest.raises(ipfshttpclient.exceptions.ConnectionError) as exc:
                client.id()
            assert str(exc.value) == "ConnectionError: " + refused(host, at, "/api/v0/id?stream-channels=true")
        for session, host, at in ((inproc_session(node), "fakeipfs.invalid", 5001), (requests.Session(), "127.0.0.1", port)):
            with pytest.raises(requests.ConnectionError) as info:
                session.post(f"http://{host}:{at}/api/v0/version")
            cause = info.value.args[0]
            assert isinstance(cause, urllib3.exceptions.MaxRetryError)
            assert isinstance(cause.reason, urllib3.exceptions.NewConnectionError)
            assert str(cause) == refused(host, at, "/api/v0/version")
            assert info.value.request is not None and info.value.response is None
        for httpx_client in (t.httpx_client(node), httpx.Client(base_url=url(daemon, ""))):
            with httpx_client, pytest.raises(httpx.ConnectError, match=r"^\[Errno 111\] Connection refused$"):
                httpx_client.post("/api/v0/id")
        assert t.client(net.nodes[0]).add_bytes(b"hello world") == HELLO  # the others answer
        net.restart(1)
        assert daemon.api_addr.port == port
        for client in (t.client(node), http_client(daemon)):
            assert client.id()["ID"] == fakeipfs.identity.of(node).peer_id


# --- the control endpoint -------------------------------------------------------------------------

def test_control_endpoint_sets_lists_and_clears_api_faults():
    node = fakeipfs.Node()
    with served(node) as daemon:
        faults_url = url(daemon, "/fakeipfs/v0/faults")
        assert requests.get(faults_url).json() == {"api": [], "network": None, "crashed": None}
        answer = requests.post(faults_url, json={"api": {"endpoint": "add", "message": "disk full", "times": 1}})
        fault = {"endpoint": "add", "kind": "error", "message": "disk full", "status": 500, "code": 0,
                 "times": 1, "probability": 1.0, "seed": 0, "calls": 0, "failures": 0}
        assert (answer.status_code, answer.json()) == (200, {"api": [fault], "network": None, "crashed": None})
        assert requests.post(url(daemon, "/api/v0/add"), files={"file": b"x"}).json()["Message"] == "disk full"
        assert requests.get(faults_url).json()["api"][0] == {**fault, "calls": 1, "failures": 1}
        assert api_faults.of(node).faults[0].failures == 1  # the same faults as the Python API's
        answer = requests.delete(faults_url)
        assert (answer.status_code, answer.json()["api"]) == (200, [])


@pytest.mark.parametrize("body, message", [
    (b"{nope", "faults: the body is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (b"[]", "faults: expected a JSON object"),
    (b'{"api": [{"endpoint": "add"}, {"endpoint": "cat", "kind": "nope"}]}',
     "api fault: kind must be one of error, status, timeout, refuse, not 'nope'"),
    (b'{"crash": 1}', "faults: crash: this node is not part of a network"),
    (b'{"weather": 1}', "faults: unknown field 'weather' (expected api, network, links, crash, restart)"),
])
def test_control_endpoint_refuses_bad_bodies_and_changes_nothing(body, message):
    node = fakeipfs.Node()
    with served(node) as daemon:
        answer = requests.post(url(daemon, "/fakeipfs/v0/faults"), data=body)
        assert (answer.status_code, answer.json()) == (400, {"Message": message})
        assert api_faults.of(node).faults == []
        answer = requests.put(url(daemon, "/fakeipfs/v0/faults"))
        assert (answer.status_code, answer.headers["Allow"], answer.text) == (
            405, "GET, POST, DELETE", "405 - Method Not Allowed\n")


def test_control_endpoint_of_a_networked_node_sets_network_faults_and_crashes():
    net = Network(3, seed=5)
    with served(net.nodes[0]) as daemon:
        faults_url = url(daemon, "/fakeipfs/v0/faults")
        answer = requests.post(faults_url, json={"network": {"drop": 0.25}, "links": [{"a": 1, "b": 2, "latency": 0.001}],
                                                 "crash": [2]})
        assert answer.status_code == 200, answer.text
        state = answer.json()
        assert state["crashed"] == [2] and net.crashed == [2]
        assert state["network"]["defaults"]["drop"] == 0.25 and net.faults.defaults.drop == 0.25
        assert state["network"]["links"] == [{"a": 1, "b": 2, "latency": 0.001}]
        assert net.link(1, 2).faults.latency == 0.001
        bad = requests.post(faults_url, json={"network": {"drop": 3}, "restart": [2]})
        assert (bad.status_code, bad.json()) == (400, {"Message": "faults: network: LinkFaults.drop must be a probability in [0, 1], not 3"})
        assert net.crashed == [2]  # nothing changed
        bad = requests.post(faults_url, json={"crash": [7]})
        assert (bad.status_code, bad.json()) == (400, {"Message": "faults: crash: no node 7 (the network has 3)"})
        cleared = requests.delete(faults_url).json()
        assert cleared["network"]["defaults"]["drop"] == 0.0 and cleared["network"]["links"] == []
        assert cleared["crashed"] == [2]  # DELETE leaves crashed nodes down
        assert requests.post(faults_url, json={"restart": 2}).json()["crashed"] == []
        assert net.crashed == []
