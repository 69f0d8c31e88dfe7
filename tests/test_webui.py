"""The daemon's dashboard (fakeipfs/webui): the JSON it polls, its files, and the page itself
rendered in headless Chromium (tests/webui/dashboard.js, Playwright).

The browser test needs Debian's ``chromium`` (``/usr/bin/chromium``, or ``$FAKEIPFS_CHROMIUM``),
``node`` and ``npm ci`` run in tests/webui; it is skipped, saying which is missing, without them.
``FAKEIPFS_WEBUI_SCREENSHOT=<path>`` also writes its screenshot there (docs/webui.png)."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import ipfshttpclient
import pytest
import requests

import fakeipfs
from fakeipfs import Network, Node, api_faults, identity, pubsub, webui
from fakeipfs.daemon import Daemon

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"
DIRECT = "QmcRpUg1VWJd7twhJ6QdexgcGqgnbWYiAfKa7HTnQaYb68"  # block put b"direct" (kubo 0.7: CIDv0)
EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"  # each node's MFS root at start, as kubo init
SEED0 = ["12D3KooWCX8PtGCALyJXh8AGBRpkdadjbGMvwSoaiUsNFCfiGihh",  # Network(3, seed=0)
         "12D3KooWGxFzT8tCSJCXHoQmg1313RBbYamLFBtfpMnvgzr64w3Z",
         "12D3KooWFHufHrTf5VRioH7boEBNwC7ZX9L8ujm1fJ1dJC9Jm6s6"]
WEBUI_DIR = Path(__file__).parent / "webui"
CHROMIUM = os.environ.get("FAKEIPFS_CHROMIUM", "/usr/bin/chromium")


def serve(node: Node):
    return Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda _: None).background()


def populate(daemon: Daemon, network: Network) -> None:
    """Through the RPC API: add a file, put a block (CIDv0 before kubo 0.13) and pin it directly; on the network: a
    subscription of node 0 and node 1 to "news", and a message from node 1."""
    with ipfshttpclient.Client(str(daemon.api_addr)) as client:
        assert client.add_bytes(b"hello world") == HELLO
        assert client.block.put(io.BytesIO(b"direct"))["Key"] == DIRECT
        client.pin.add(DIRECT, recursive=False)
    pubsub.of(network.nodes[0]).subscribe("news")
    pubsub.of(network.nodes[1]).subscribe("news")
    pubsub.of(network.nodes[1]).publish("news", b"hello subscribers")


def test_the_state_json_shows_the_node():
    network = Network(3, seed=0, connect="none")
    network.connect(0, 1)
    network.connect(2, 0)
    node = network.nodes[0]
    with serve(node) as daemon:
        base = daemon.api_addr.url()
        populate(daemon, network)
        answer = requests.get(f"{base}/fakeipfs/v0/state")
    assert (answer.status_code, answer.headers["Content-Type"]) == (200, "application/json")
    shown = answer.json()
    assert shown["node"] == {"id": SEED0[0], "kuboVersion": "0.7.0", "api": str(daemon.api_addr), "gateway": None}
    assert shown["repo"] == {"blocks": 3, "size": 29}
    assert shown["blocks"] == [{"cid": EMPTY_DIR, "size": 4}, {"cid": HELLO, "size": 19}, {"cid": DIRECT, "size": 6}]
    assert shown["pins"] == [{"cid": HELLO, "type": "recursive", "size": 19, "dagSize": 19},
                             {"cid": DIRECT, "type": "direct", "size": 6, "dagSize": None}]
    assert shown["pubsub"]["topics"] == [{"topic": "news", "peers": [SEED0[1]]}]
    [message] = shown["pubsub"]["messages"]
    assert {k: message[k] for k in ("topic", "from", "data", "encoding", "size")} == {
        "topic": "news", "from": SEED0[1], "data": "hello subscribers", "encoding": "text", "size": 17}
    assert [(r["endpoint"], r["args"], r["status"]) for r in shown["requests"]] == [
        ("pin/add", [DIRECT], 200), ("block/put", [], 200), ("add", [], 200)]
    assert shown["network"] == {
        "nodes": [{"index": 0, "id": SEED0[0], "address": "/ip4/127.0.0.1/tcp/4001", "self": True, "crashed": False,
                   "blocks": 3, "pins": 2},
                  {"index": 1, "id": SEED0[1], "address": "/ip4/127.0.0.1/tcp/4002", "self": False, "crashed": False,
                   "blocks": 1, "pins": 0},
                  {"index": 2, "id": SEED0[2], "address": "/ip4/127.0.0.1/tcp/4003", "self": False, "crashed": False,
                   "blocks": 1, "pins": 0}],
        "links": [{"from": 0, "to": 1}, {"from": 2, "to": 0}]}
    assert shown["faults"] == []


def test_the_state_json_shows_faults_and_crashed_nodes():
    network = Network(3, seed=0)
    network.faults.set(latency=0.002, drop=0.1)
    network.link(0, 1).set(drop=0.5, duplicate=0.25)
    network.crash(2)
    api_faults.of(network.nodes[0]).fail("cat", "status", status=502, times=1)
    with pytest.raises(ipfshttpclient.exceptions.StatusError, match="502"):
        fakeipfs.client(network.nodes[0]).cat(HELLO)
    shown = webui.state(network.nodes[0])
    assert shown["faults"] == ["API cat: status 502, 1 times (1/1 calls failed)",
                               "every link: latency=0.002s drop=0.1", "link 0–1: drop=0.5 duplicate=0.25",
                               "node 2 crashed"]
    assert [(n["crashed"], n["blocks"], n["pins"]) for n in shown["network"]["nodes"]] == [
        (False, 1, 0), (False, 1, 0), (True, None, None)]
    assert shown["network"]["links"] == [{"from": 0, "to": 1}]  # a crash closes the node's connections


def test_a_reset_forgets_the_messages_but_the_dashboard_keeps_watching_and_binary_data_is_base64():
    node = Node()
    with serve(node) as daemon:
        url = f"{daemon.api_addr.url()}/fakeipfs/v0/state"
        pubsub.of(node).publish("before", b"forgotten")
        assert [m["data"] for m in requests.get(url).json()["pubsub"]["messages"]] == ["forgotten"]
        node.reset()
        pubsub.of(node).publish("unwatched", b"no subscriber, no poll since the reset")
        with pubsub.of(node).subscribe("bin"):
            pubsub.of(node).publish("bin", b"\xff\x00")
            shown = requests.get(url).json()
            assert [m["topic"] for m in requests.get(url).json()["pubsub"]["messages"]] == ["bin", "unwatched"]
    assert [(m["topic"], m["data"], m["encoding"]) for m in shown["pubsub"]["messages"]] == [
        ("bin", "/wA=", "base64"), ("unwatched", "no subscriber, no poll since the reset", "text")]
    assert shown["network"] is None and shown["faults"] == []
    lone = Node()
    assert webui.state(lone)["faults"] == []  # the dashboard shows "none"
    api_faults.of(lone).fail("add", probability=0.5)
    assert webui.state(lone)["faults"] == ["API add: error 'add: injected failure', p=0.5 (0/0 calls failed)"]
    assert shown["node"]["id"] == identity.of(node).peer_id


def test_the_page_and_its_files_are_served():
    with serve(Node()) as daemon:
        base = daemon.api_addr.url()
        pages = [requests.get(f"{base}{path}") for path in ("/webui", "/webui/", "/webui/app.js", "/webui/style.css")]
        missing = requests.get(f"{base}/webui/secret.txt")
    assert [(p.status_code, p.headers["Content-Type"]) for p in pages] == [
        (200, "text/html; charset=utf-8"), (200, "text/html; charset=utf-8"),
        (200, "text/javascript; charset=utf-8"), (200, "text/css; charset=utf-8")]
    assert pages[0].content == pages[1].content == webui.asset("index.html")
    assert b'<script src="/webui/app.js"></script>' in pages[0].content
    assert (missing.status_code, missing.text) == (404, "404 page not found\n")


def _browser_missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set FAKEIPFS_CHROMIUM)"
    if shutil.which("node") is None:
        return "no node on PATH (Node.js 20+ runs tests/webui/dashboard.js)"
    if not (WEBUI_DIR / "node_modules" / "playwright-core").is_dir():
        return f"playwright-core is not installed: run `npm ci` in {WEBUI_DIR}"
    return None


def test_the_dashboard_renders_the_state_in_chromium(tmp_path: Path):
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    network = Network(3, seed=0)
    node = network.nodes[0]
    with serve(node) as daemon:
        base = daemon.api_addr.url()
        populate(daemon, network)
        network.link(1, 2).set(latency=0.005, drop=0.25)
        api_faults.of(node).fail("pin/rm", message="pinning service unavailable", times=1)
        screenshot = tmp_path / "webui.png"
        run = subprocess.run(["node", str(WEBUI_DIR / "dashboard.js"), f"{base}/webui", str(screenshot)],
                             capture_output=True, text=True, timeout=90, cwd=WEBUI_DIR)
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert shown["problems"] == []
    assert shown["node"] == {"id": SEED0[0], "version": "0.7.0", "api": str(daemon.api_addr), "gateway": "none"}
    tables = shown["tables"]
    assert tables["pins"] == [[HELLO, "recursive", "19 B", "19 B"], [DIRECT, "direct", "6 B", ""]]
    assert tables["blocks"] == [[EMPTY_DIR, "4 B"], [HELLO, "19 B"], [DIRECT, "6 B"]]
    assert tables["topics"] == [["news", SEED0[1]]]
    [[topic, sender, seqno, data]] = tables["messages"]
    assert (topic, sender, len(seqno), data) == ("news", SEED0[1], 16, "hello subscribers")
    assert [row[:3] for row in tables["requests"]] == [
        ["pin/add", DIRECT, "200"], ["block/put", "", "200"], ["add", "", "200"]]
    assert tables["peers"] == [["0 (this)", SEED0[0], "3", "2"], ["1", SEED0[1], "1", "0"], ["2", SEED0[2], "1", "0"]]
    assert shown["links"] == "connections (dialler→dialled): 0→1  0→2  1→2"
    assert shown["faults"] == ["API pin/rm: error 'pinning service unavailable', 1 times (0/0 calls failed)",
                               "link 1–2: latency=0.005s drop=0.25"]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wanted = os.environ.get("FAKEIPFS_WEBUI_SCREENSHOT")
    if wanted:
        shutil.copyfile(screenshot, wanted)
