"""``fakeipfs daemon`` over real HTTP on 127.0.0.1 (fakeipfs/daemon.py, fakeipfs/multiaddr.py).

Daemons run in a background thread of the test process (``Daemon.background()``), or as a
subprocess for the signal and memory tests; every one listens on ``tcp/0`` of 127.0.0.1 and is
stopped by the test that started it. Expected CIDs are kubo's (tests/vectors/kubo-published.json).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from fakeipfs import Node, cli
from fakeipfs.daemon import (ERR_ACCESS_DENIED, Daemon, DaemonError, RemoteNode, _multipart,
                             auth_header, node_for_repo)
from fakeipfs.multiaddr import Multiaddr, MultiaddrError
from fakeipfs.network import Network
from fakeipfs.unixfs.files import File
from procutil import child

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"
HELLO_NL = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"  # "hello world\n"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"  # "Hello Mars!\n"
VENUS = "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"  # "Hello Venus!\n"
PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"  # planets/{mars,venus}.txt
DSADSAD = "QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna"  # block put "dsadsad\n", kubo <= 0.12
DAG_LINKS = "bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya"  # dag put {"links":[]}

LOCAL = "/ip4/127.0.0.1/tcp/0"


@contextlib.contextmanager
def serving(node: Node, **kwargs) -> Iterator[Daemon]:
    lines: list[str] = []
    kwargs.setdefault("gateway", LOCAL)
    daemon = Daemon(node, api=LOCAL, say=lines.append, **kwargs)
    daemon.lines = lines  # type: ignore[attr-defined]
    with daemon.background():
        yield daemon


def api_url(daemon: Daemon, command: str) -> str:
    assert daemon.api_addr is not None
    return daemon.api_addr.url(f"/api/v0/{command}")


def multipart(*entries, boundary: str = "fakeipfsboundary") -> tuple[bytes, str]:
    return b"".join(_multipart(list(entries), boundary)), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def repo_daemon(tmp_path: Path) -> Iterator[Daemon]:
    with serving(Node(repo=tmp_path / "repo")) as daemon:
        yield daemon


# --- multiaddrs ---------------------------------------------------------------------------------


def test_multiaddr_shapes():
    assert str(Multiaddr.parse("/ip4/127.0.0.1/tcp/5001")) == "/ip4/127.0.0.1/tcp/5001"
    http_addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/5001/http")
    assert http_addr.http and http_addr.url("/x") == "http://127.0.0.1:5001/x"
    six = Multiaddr.parse("/ip6/::1/tcp/0")
    assert six.url_host() == "[::1]" and six.is_loopback()
    assert Multiaddr.parse("/dns/localhost/tcp/5001").is_loopback()
    assert not Multiaddr.parse("/ip4/0.0.0.0/tcp/5001").is_loopback()
    assert not Multiaddr.parse("/dns4/example.com/tcp/5001").is_loopback()
    for bad, message in (("ip4/127.0.0.1/tcp/1", "multiaddr must begin with /"),
                         ("/ip4/300.0.0.1/tcp/1", "failed to parse ip4 addr: 300.0.0.1"),
                         ("/ip4/127.0.0.1/tcp/70000", "failed to parse port addr: 70000"),
                         ("/quic/1", "no protocol with name quic")):
        with pytest.raises(MultiaddrError) as info:
            Multiaddr.parse(bad)
        assert str(info.value) == message


def test_refuses_non_loopback_and_bad_addresses():
    with pytest.raises(DaemonError) as info:
        Daemon(Node(), api="/ip4/0.0.0.0/tcp/0")
    assert "refusing to listen on /ip4/0.0.0.0/tcp/0" in str(info.value)
    assert "--allow-remote" in str(info.value)
    with pytest.raises(DaemonError) as info:
        Daemon(Node(), api=LOCAL, gateway="/ip4/10.1.2.3/tcp/8080")
    assert "refusing to listen on /ip4/10.1.2.3/tcp/8080" in str(info.value)
    with pytest.raises(DaemonError) as info:
        Daemon(Node(), api="/ip4/nope/tcp/1")
    assert str(info.value) == 'serveHTTPApi: invalid API address: "/ip4/nope/tcp/1" (err: failed to parse ip4 addr: nope)'


def test_port_in_use_is_kubos_listen_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        daemon = Daemon(Node(), api=f"/ip4/127.0.0.1/tcp/{port}", gateway=None, say=lambda _: None)
        with pytest.raises(DaemonError) as info:
            with daemon.background():
                pass
    assert str(info.value) == (f"serveHTTPApi: manet.Listen(/ip4/127.0.0.1/tcp/{port}) failed: "
                               f"listen tcp4 127.0.0.1:{port}: bind: address already in use")


# --- lifecycle ----------------------------------------------------------------------------------


def test_startup_lines_and_api_file(tmp_path: Path):
    node = Node(repo=tmp_path / "repo")
    api_file = tmp_path / "repo" / "api"
    with serving(node) as daemon:
        api, gw = daemon.api_addr, daemon.gateway_addr
        assert api is not None and gw is not None and api.port != 0 and gw.port != 0
        assert daemon.lines == [  # type: ignore[attr-defined]
            f"API server listening on /ip4/127.0.0.1/tcp/{api.port}",
            f"WebUI: http://127.0.0.1:{api.port}/webui",
            f"Gateway (readonly) server listening on /ip4/127.0.0.1/tcp/{gw.port}"]
        assert api_file.read_text() == f"/ip4/127.0.0.1/tcp/{api.port}"
        answer = requests.post(api_url(daemon, "version"))
        assert answer.headers["Server"] == "go-ipfs/0.7.0"
        assert answer.headers["Transfer-Encoding"] == "chunked"
        assert answer.json()["Version"] == "0.7.0"
    assert not api_file.exists()


def test_startup_lines_of_kubo_020():
    with serving(Node(kubo_version="0.20.0")) as daemon:
        assert daemon.lines[0] == f"RPC API server listening on {daemon.api_addr}"  # type: ignore[attr-defined]
        assert daemon.lines[2] == f"Gateway server listening on {daemon.gateway_addr}"  # type: ignore[attr-defined]
        assert requests.post(api_url(daemon, "version")).headers["Server"] == "kubo/0.20.0"


def test_in_memory_node_writes_no_api_file(tmp_path: Path):
    with serving(Node(), gateway=None) as daemon:
        assert daemon.gateway_addr is None and len(daemon.lines) == 2  # type: ignore[attr-defined]
        assert daemon.api_file is None


def test_shutdown_command_stops_the_daemon(tmp_path: Path):
    node = Node(repo=tmp_path / "repo")
    with serving(node) as daemon:
        url = api_url(daemon, "version")
        assert daemon.dispatcher.on_shutdown == daemon.request_stop  # type: ignore[attr-defined]
        answer = requests.post(api_url(daemon, "shutdown"))
        assert (answer.status_code, answer.content, answer.headers["X-Chunked-Output"]) == (200, b"", "1")
        deadline = time.monotonic() + 5
        while (tmp_path / "repo" / "api").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not (tmp_path / "repo" / "api").exists()
        with pytest.raises(requests.ConnectionError):
            requests.post(url, timeout=2)


def test_sigterm_stops_a_daemon_process_and_keeps_its_data(tmp_path: Path):
    repo = tmp_path / "repo"
    env = dict(os.environ, FAKEIPFS_PATH=str(repo))
    with child([sys.executable, "-m", "fakeipfs.cli", "daemon", "--api", LOCAL, "--gateway", ""],
               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True) as proc:
        lines = []
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line.rstrip("\n"))
            if line.startswith("Daemon is ready"):
                break
        assert lines[0] == "Initializing daemon..." and lines[1] == "go-ipfs version: 0.7.0"
        assert "Swarm not listening, running in offline mode." in lines
        assert lines[-1] == "Daemon is ready" and lines[-2] == "WebUI: " + lines[-2].split(" ", 1)[1]
        addr = (repo / "api").read_text()
        assert lines[-3] == f"API server listening on {addr}"
        body, ctype = multipart(File.from_bytes("hello.txt", b"hello world"))
        added = requests.post(Multiaddr.parse(addr).url("/api/v0/add"), data=body,
                              headers={"Content-Type": ctype}).json()
        assert added == {"Name": "hello.txt", "Hash": HELLO, "Size": "19"}
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert rest.splitlines() == ["Received interrupt signal, shutting down...",
                                 "(Hit ctrl-c again to force-shutdown the daemon.)"]
    assert not (repo / "api").exists()
    reopened = Node(repo=repo)
    assert reopened.cat(HELLO) == b"hello world"
    assert reopened.pin_ls(type="recursive") == {HELLO: "recursive"}


def test_cli_daemon_refuses_a_non_loopback_api(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("FAKEIPFS_PATH", str(tmp_path / "repo"))
    assert cli.main(["daemon", "--in-memory", "--api", "/ip4/0.0.0.0/tcp/5001"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "Initializing daemon..."
    assert out.endswith("Swarm not listening, running in offline mode.\n\n")  # daemon.go's extra line
    assert err == ("Error: fakeipfs daemon: refusing to listen on /ip4/0.0.0.0/tcp/5001, which is not a "
                   "loopback address (pass --allow-remote to expose the node beyond this machine)\n")


def test_second_daemon_on_a_repo_is_refused(repo_daemon: Daemon, capsys, monkeypatch):
    monkeypatch.setenv("FAKEIPFS_PATH", repo_daemon.node.repo)
    assert cli.main(["daemon", "--api", LOCAL]) == 1
    assert capsys.readouterr().err == (f"Error: lock {os.path.join(repo_daemon.node.repo, 'repo.lock')}: "
                                       "someone else has the lock\n")


# --- the RPC API over HTTP ------------------------------------------------------------------------


def test_ipfshttpclient_round_trips(repo_daemon: Daemon, tmp_path: Path):
    import ipfshttpclient
    assert repo_daemon.api_addr is not None
    with ipfshttpclient.connect(f"/ip4/127.0.0.1/tcp/{repo_daemon.api_addr.port}/http") as client:
        assert client.version()["Version"] == "0.7.0"
        assert client.add_bytes(b"hello world") == HELLO
        assert client.cat(HELLO) == b"hello world"
        assert client.cat(HELLO, offset=6, length=3) == b"wor"
        (tmp_path / "planets").mkdir()
        (tmp_path / "planets" / "mars.txt").write_text("Hello Mars!\n")
        (tmp_path / "planets" / "venus.txt").write_text("Hello Venus!\n")
        added = client.add(str(tmp_path / "planets"), recursive=True)
        assert [(a["Name"], a["Hash"]) for a in added] == [
            ("planets/mars.txt", MARS), ("planets/venus.txt", VENUS), ("planets", PLANETS)]
        listing = client.ls(PLANETS)
        assert listing["Objects"][0]["Hash"] == PLANETS
        assert [(link["Name"], link["Hash"], link["Size"], link["Type"])
                for link in listing["Objects"][0]["Links"]] == [("mars.txt", MARS, 12, 2), ("venus.txt", VENUS, 13, 2)]
        out = tmp_path / "out"
        out.mkdir()
        client.get(PLANETS, target=str(out))
        assert (out / PLANETS / "venus.txt").read_text() == "Hello Venus!\n"
        cid = client.add_json({"fakeipfs": [1, 2, 3]})
        assert client.get_json(cid) == {"fakeipfs": [1, 2, 3]}
        pins = client.pin.ls(type="recursive")["Keys"]
        assert pins[HELLO] == {"Type": "recursive"} and pins[PLANETS] == {"Type": "recursive"}
        assert client.pin.rm(HELLO) == {"Pins": [HELLO]}
        assert client.pin.add(HELLO) == {"Pins": [HELLO]}
        assert client.block.put(io.BytesIO(b"dsadsad\n")) == {"Key": DSADSAD, "Size": 8}
        assert client.block.get(DSADSAD) == b"dsadsad\n"
        assert client.block.stat(DSADSAD) == {"Key": DSADSAD, "Size": 8}
    # what went over HTTP is what the node holds
    assert repo_daemon.node.cat(MARS) == b"Hello Mars!\n"


def test_error_shapes_pass_through(repo_daemon: Daemon):
    missing = requests.post(api_url(repo_daemon, "nope"))
    assert (missing.status_code, missing.text) == (404, "404 page not found\n")
    get = requests.get(api_url(repo_daemon, "version"))
    assert (get.status_code, get.text) == (405, "405 - Method Not Allowed\n")
    bad = requests.post(api_url(repo_daemon, "cat") + "?arg=QmInvalid")
    assert bad.status_code == 500 and bad.json()["Type"] == "error"
    assert bad.headers["Trailer"] == "X-Stream-Error"
    webui = requests.get(repo_daemon.api_addr.url("/webui"))  # type: ignore[union-attr]
    assert webui.status_code == 200 and "WebUI" in webui.text
    other = requests.get(repo_daemon.api_addr.url("/elsewhere"))  # type: ignore[union-attr]
    assert (other.status_code, other.text) == (404, "404 page not found\n")


def _raw_exchange(addr: Multiaddr, request: bytes) -> bytes:
    with socket.create_connection((addr.host, addr.port), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while True:
            piece = conn.recv(65536)
            if not piece:
                return data
            data += piece


def test_stream_error_is_sent_as_an_http_trailer(tmp_path: Path):
    node = Node(repo=tmp_path / "repo")
    root = node.add(b"a" * 10 + b"b" * 10 + b"c" * 10, chunker="size-10")[-1].cid
    leaves = [link.cid for link in node.ls(root)]
    node.blockstore.delete(leaves[1])
    with serving(node, gateway=None) as daemon:
        assert daemon.api_addr is not None
        raw = _raw_exchange(daemon.api_addr, (f"POST /api/v0/cat?arg={root} HTTP/1.1\r\nHost: x\r\n"
                                              "Connection: close\r\nContent-Length: 0\r\n\r\n").encode())
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nTransfer-Encoding: chunked" in head and b"\r\nTrailer: X-Stream-Error" in head
    assert body == (b"a\r\naaaaaaaaaa\r\n0\r\nX-Stream-Error: block was not found locally (offline): "
                    b"ipld: could not find " + str(leaves[1]).encode() + b"\r\n\r\n")


def test_pubsub_sub_streams_and_unsubscribes_when_the_client_leaves():
    with serving(Node(), gateway=None) as daemon:
        sub = requests.post(api_url(daemon, "pubsub/sub?arg=chat"), stream=True, timeout=5)
        # headers arrive before any message (kubo flushes them; clients wait for them)
        assert sub.status_code == 200 and sub.headers["X-Chunked-Output"] == "1"
        assert requests.post(api_url(daemon, "pubsub/ls")).json() == {"Strings": ["chat"]}
        body, ctype = multipart(File.from_bytes("", b"hi there"))
        assert requests.post(api_url(daemon, "pubsub/pub?arg=chat"), data=body,
                             headers={"Content-Type": ctype}).status_code == 200
        message = json.loads(next(sub.iter_lines()))
        assert (message["data"], message["topicIDs"]) == ("aGkgdGhlcmU=", ["chat"])
        sub.close()
        deadline = time.monotonic() + 5
        while requests.post(api_url(daemon, "pubsub/ls")).json()["Strings"] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert requests.post(api_url(daemon, "pubsub/ls")).json() == {"Strings": None}


def test_concurrent_clients(repo_daemon: Daemon):
    url = api_url(repo_daemon, "add")
    expected = {i: Node().add(f"client {i}\n".encode() * 1000)[-1].cid for i in range(8)}
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def client(i: int) -> None:
        try:
            with requests.Session() as session:
                for _ in range(3):
                    body, ctype = multipart(File.from_bytes("", f"client {i}\n".encode() * 1000))
                    cid = session.post(url, data=body, headers={"Content-Type": ctype}).json()["Hash"]
                    data = session.post(api_url(repo_daemon, "cat") + f"?arg={cid}").content
                    assert data == f"client {i}\n".encode() * 1000
                results[i] = cid
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert results == {i: str(cid) for i, cid in expected.items()}


class _Pattern(io.RawIOBase):
    """``size`` bytes of a 251-byte repeating pattern, generated as read."""

    BLOCK = bytes(range(251)) * 4178

    def __init__(self, size: int) -> None:
        self.left = size
        self.offset = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = min(self.left if n < 0 else n, self.left, len(self.BLOCK) - 251)
        start = self.offset % 251
        self.offset += n
        self.left -= n
        return self.BLOCK[start:start + n]


def _vm(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(field)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc for the server's RSS")
def test_200mb_add_streams_in_bounded_server_memory(tmp_path: Path):
    size = 200 << 20
    expected = Node().add(_Pattern(size), only_hash=True)[-1].cid
    env = dict(os.environ, FAKEIPFS_PATH=str(tmp_path / "repo"))
    with child([sys.executable, "-m", "fakeipfs.cli", "daemon", "--in-memory", "--api", LOCAL, "--gateway", ""],
               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True) as proc:
        addr = None
        for line in proc.stdout:  # type: ignore[union-attr]
            if "API server listening on " in line:
                addr = Multiaddr.parse(line.rsplit(" ", 1)[1].strip())
            if line.startswith("Daemon is ready"):
                break
        assert addr is not None
        requests.post(addr.url("/api/v0/version"))
        before = _vm(proc.pid, "VmRSS")
        boundary = "bigboundary"
        body = _multipart([File("big", lambda: _Pattern(size))], boundary)
        answer = requests.post(addr.url("/api/v0/add?only-hash=true"), data=body,
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert answer.status_code == 200
        assert answer.json()["Hash"] == str(expected)
        peak = _vm(proc.pid, "VmHWM")
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert peak - before < 64 << 20, f"server RSS grew by {(peak - before) >> 20} MiB for a 200 MiB add"


def test_client_disconnect_mid_add_leaves_nothing(tmp_path: Path):
    node = Node(repo=tmp_path / "repo")
    node.add(b"already here")
    blocks_before, pins_before = node.blockstore.stat()[0], node.pin_ls()
    with serving(node, gateway=None) as daemon:
        assert daemon.api_addr is not None
        boundary = "cut"
        parts = [(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\n").encode() for name in ("small", "big")]
        conn = socket.create_connection((daemon.api_addr.host, daemon.api_addr.port), timeout=10)
        conn.sendall((f"POST /api/v0/add HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                      f"boundary={boundary}\r\nContent-Length: {50 << 20}\r\n\r\n").encode()
                     + parts[0] + b"a complete first file\r\n" + parts[1])
        pattern = _Pattern(8 << 20)
        while pattern.left:
            conn.sendall(pattern.read(1 << 16))
        conn.close()  # 8 MiB into a 50 MiB body
        time.sleep(0.5)
        assert node.blockstore.stat()[0] == blocks_before
        assert node.pin_ls() == pins_before
        body, ctype = multipart(File.from_bytes("", b"hello world"))
        assert requests.post(api_url(daemon, "add"), data=body, headers={"Content-Type": ctype}).json()["Hash"] == HELLO
    assert Node(repo=tmp_path / "repo").pin_ls() == {**pins_before, HELLO: "recursive"}


def test_request_size_limit(tmp_path: Path):
    node = Node(repo=tmp_path / "repo")
    with serving(node, gateway=None, max_request_size=4096) as daemon:
        body, ctype = multipart(File.from_bytes("x", b"x" * 10000))
        answer = requests.post(api_url(daemon, "add"), data=body, headers={"Content-Type": ctype})
        assert (answer.status_code, answer.text) == (413, "http: request body too large\n")
        chunked = requests.post(api_url(daemon, "add"), data=iter([body[:3000], body[3000:]]),
                                headers={"Content-Type": ctype})
        assert (chunked.status_code, chunked.text) == (413, "http: request body too large\n")
        small, ctype = multipart(File.from_bytes("y", b"hello world"))
        assert requests.post(api_url(daemon, "add"), data=small, headers={"Content-Type": ctype}).json()["Hash"] == HELLO
    assert node.blockstore.stat()[0] == 2  # "hello world" and the MFS root (core/node/core.go Files)


def test_api_authorizations(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "config").write_text(json.dumps({"API": {"Authorizations": {
        "alice": {"AuthSecret": "bearer:s3cret", "AllowedPaths": ["/api/v0/cat"]},
        "bob": {"AuthSecret": "basic:bob:pw", "AllowedPaths": ["/api/v0"]}}}}))
    from fakeipfs import config
    node = Node(repo=repo)
    node.add(b"hello world")
    authorizations = config.of(node).data["API"]["Authorizations"]
    with serving(node, gateway=None, authorizations=authorizations) as daemon:
        denied = requests.post(api_url(daemon, "version"))
        assert (denied.status_code, denied.text) == (403, ERR_ACCESS_DENIED + "\n")
        alice = {"Authorization": "Bearer s3cret"}
        assert requests.post(api_url(daemon, "version"), headers=alice).status_code == 200
        assert requests.post(api_url(daemon, f"cat?arg={HELLO}"), headers=alice).content == b"hello world"
        assert requests.post(api_url(daemon, "add"), headers=alice).status_code == 403
        bob = {"Authorization": auth_header("basic:bob:pw")}
        assert bob["Authorization"] == "Basic Ym9iOnB3"
        assert requests.post(api_url(daemon, "pin/ls"), headers=bob).status_code == 200


def test_auth_header_conversion():
    assert auth_header("tok") == "Bearer tok"
    assert auth_header("bearer:tok") == "Bearer tok"
    assert auth_header("basic:dXNlcjpwdw==") == "Basic dXNlcjpwdw=="
    assert auth_header("digest:x") == ""


# --- the CLI and a running daemon ----------------------------------------------------------------


def test_cli_sends_its_commands_to_the_running_daemon(repo_daemon: Daemon, tmp_path: Path, monkeypatch, capsys):
    seen: list[str] = []
    handle = repo_daemon.dispatcher.handle

    def recording(request):
        seen.append(request.path)
        return handle(request)

    monkeypatch.setattr(repo_daemon.dispatcher, "handle", recording)
    monkeypatch.setenv("FAKEIPFS_PATH", repo_daemon.node.repo)
    planets = tmp_path / "planets"
    planets.mkdir()
    (planets / "mars.txt").write_text("Hello Mars!\n")
    (planets / "venus.txt").write_text("Hello Venus!\n")

    def run(*argv: str) -> str:
        assert cli.main(list(argv)) == 0, capsys.readouterr().err
        return capsys.readouterr().out

    assert run("add", "-r", str(planets)) == (f"added {MARS} planets/mars.txt\nadded {VENUS} planets/venus.txt\n"
                                              f"added {PLANETS} planets\n")
    assert "/api/v0/add" in seen
    assert repo_daemon.node.pin_ls(type="recursive") == {PLANETS: "recursive"}
    assert run("cat", f"/ipfs/{PLANETS}/venus.txt") == "Hello Venus!\n"
    assert run("ls", PLANETS) == f"{MARS} 12 mars.txt\n{VENUS} 13 venus.txt\n"
    assert run("pin", "ls", "--type=recursive") == f"{PLANETS} recursive\n"
    assert run("block", "stat", MARS) == f"Key: {MARS}\nSize: 20\n"
    assert run("pin", "rm", PLANETS) == f"unpinned {PLANETS}\n"
    assert repo_daemon.node.pin_ls(type="recursive") == {}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"dsadsad\n")))
    assert run("block", "put") == f"{DSADSAD}\n"
    assert run("block", "get", DSADSAD) == "dsadsad\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"links":[]}')))
    assert run("dag", "put") == f"{DAG_LINKS}\n"
    assert run("dag", "get", DAG_LINKS) == '{"links":[]}\n'
    monkeypatch.chdir(tmp_path)
    assert run("get", MARS) == f"Saving file(s) to {MARS}\n"
    assert (tmp_path / MARS).read_text() == "Hello Mars!\n"
    assert run("repo", "stat").splitlines()[3] == f"RepoPath:   {repo_daemon.node.repo}"
    assert {"/api/v0/cat", "/api/v0/ls", "/api/v0/pin/ls", "/api/v0/block/stat", "/api/v0/pin/rm",
            "/api/v0/block/put", "/api/v0/dag/put", "/api/v0/dag/get", "/api/v0/get", "/api/v0/repo/stat"} <= set(seen)


def test_cli_falls_back_to_the_repo_when_the_api_file_is_stale(tmp_path: Path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    (repo / "api").write_text(f"/ip4/127.0.0.1/tcp/{port}")
    assert node_for_repo(str(repo)) is None
    monkeypatch.setenv("FAKEIPFS_PATH", str(repo))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello world")))
    assert cli.main(["add", "-q"]) == 0
    assert capsys.readouterr().out == f"{HELLO}\n"
    assert Node(repo=repo).cat(HELLO) == b"hello world"


def test_remote_node_reports_kubo_errors(repo_daemon: Daemon):
    assert repo_daemon.api_addr is not None
    remote = RemoteNode(repo_daemon.api_addr)
    assert remote.kubo_version == repo_daemon.node.kubo_version
    with pytest.raises(Exception) as info:
        remote.cat(HELLO)
    assert "block was not found locally (offline)" in str(info.value) or "could not find" in str(info.value)
    assert remote.add(b"hello world")[-1].cid.encode() == HELLO
    assert remote.cat(HELLO, offset=6) == b"world"
    assert remote.repo_stat()["NumObjects"] == 2  # and the MFS root (core/node/core.go Files)
    assert remote.dag_resolve(HELLO)[0].encode() == HELLO


# --- test-harness control endpoints (/fakeipfs/v0/*) ---------------------------------------------


def test_control_endpoints_reset_requests_snapshot_restore():
    node = Node()
    with serving(node, gateway=None) as daemon:
        assert daemon.api_addr is not None
        control = lambda name: daemon.api_addr.url(f"/fakeipfs/v0/{name}")  # noqa: E731
        add = requests.post(api_url(daemon, "add"), files={"file": ("f", b"hello world")})
        assert add.json()["Hash"] == HELLO
        assert requests.post(api_url(daemon, "cat"), params={"arg": MARS}).status_code == 500
        log = requests.get(control("requests"))
        assert log.status_code == 200
        assert [(r["endpoint"], r["args"], r["options"], r["status"]) for r in log.json()] == [
            ("add", [], {}, 200), ("cat", [MARS], {}, 500)]
        assert requests.post(control("requests")).json() == log.json()

        snap = requests.post(control("snapshot"))
        assert (snap.status_code, snap.json()) == (200, {"id": 1})
        reset = requests.post(control("reset"))
        assert (reset.status_code, reset.json()) == (200, {})
        assert node.pin_ls() == {} and requests.get(control("requests")).json() == []
        assert requests.post(api_url(daemon, "pin/ls")).json() == {"Keys": {}}
        restored = requests.post(control("restore"), params={"id": "1"})
        assert (restored.status_code, restored.json()) == (200, {})
        assert requests.post(api_url(daemon, "cat"), params={"arg": HELLO}).content == b"hello world"

        missing = requests.post(control("restore"), params={"id": "7"})
        assert (missing.status_code, missing.json()) == (404, {"Message": "no snapshot with id 7"})
        assert requests.post(control("restore")).status_code == 400
        assert requests.get(control("reset")).status_code == 405
        unknown = requests.post(control("nope"))
        assert (unknown.status_code, unknown.text) == (404, "404 page not found\n")
        assert requests.post(daemon.api_addr.url("/fakeipfs/v1/reset")).status_code == 404


def test_control_reset_of_a_repo_node_is_refused(repo_daemon: Daemon):
    assert repo_daemon.api_addr is not None
    refused = requests.post(repo_daemon.api_addr.url("/fakeipfs/v0/reset"))
    assert refused.status_code == 400
    assert refused.json()["Message"].startswith("Node.reset: only an in-memory node can be reset")


def test_a_command_waiting_for_unreachable_content_ends_when_its_client_leaves():
    """An RPC command runs in the request's context (go-ipfs-cmds http/handler.go), which ends
    when the client disconnects: a ``cat`` waiting for a block no peer can reach, with no
    ``timeout`` option, then stops waiting and the daemon's worker ends."""
    net = Network(3, seed=5)
    cid = net.nodes[0].add(b"only on node 0")[-1].cid
    net.partition([[0], [1, 2]])
    with serving(net.nodes[2], gateway=None) as daemon:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.post(api_url(daemon, f"cat?arg={cid}"), timeout=0.3)
        deadline = time.monotonic() + 5
        while daemon._workers and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not daemon._workers
        net.heal()
        answer = requests.post(api_url(daemon, f"cat?arg={cid}"), timeout=10)
        assert (answer.status_code, answer.content) == (200, b"only on node 0")
