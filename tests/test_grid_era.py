"""OpenMined Grid's IPFS calls (2018, reference commit ee5e3440) against a node emulating go-ipfs
0.4.13, made with ``requests`` exactly as Grid's vendored ipfsapi 0.4.2 made them
(/work/shared/reference/grid.md §1, §5; kubo-spec.md §4): run in process (a dispatcher behind a
``requests`` session) and against ``fakeipfs --kubo-version 0.4.13 daemon`` over loopback HTTP.

What ipfsapi 0.4.2 sends (``ipfsapi/http.py`` ``HTTPClient.request``, ``ipfsapi/multipart.py``):

- ``stream-channels=true`` first, then the options, then one ``arg=`` per positional argument;
- **GET** unless there is a body (then POST); go-ipfs < 0.5 accepted both;
- bytes as ``multipart/form-data; boundary="<hex>"`` (boundary quoted) whose one part is
  ``Content-Disposition: file; filename="bytes"`` (no ``name=``) and ``Content-Type:
  application/octet-stream``, the body streamed from a generator (chunked transfer encoding);
- ``pubsub_sub(topic, discover=False)`` sends ``arg=<topic>&arg=False``; ``pubsub_pub(topic,
  payload)`` sends the payload as the second ``arg`` in the URL.

What go-ipfs 0.4.13 answers (core/commands/pubsub.go at v0.4.13, commands/http/handler.go):
``pubsub/sub`` first emits the empty ``floodsub.Message{}`` (``{}``), then one JSON line per
message with ``[]byte`` fields in standard base64 (``from`` = the peer ID's multihash bytes);
``pubsub/peers`` with no peers is ``{"Strings":null}``; ``add`` lines are ``{"Name","Hash","Size"}``.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import requests
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from multiformats import multibase

import fakeipfs
import fakeipfs.transport as transport
from fakeipfs.rpc.dispatcher import Dispatcher
from procutil import terminate

GRID_KUBO = "0.4.13"
LOCAL = "/ip4/127.0.0.1/tcp/0"
HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"
NOTEBOOK_JSON = "Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne"  # tests/vectors/kubo-published.json
CHUNK_V0_262145 = "QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ"  # kubo test/cli/cid_profiles_test.go


def chacha_bytes(seed: str, size: int) -> bytes:
    """kubo test/cli/testutils/random_deterministic.go (tests/vectors/gen_data.py)."""
    key = hashlib.sha256(seed.encode()).digest()
    return Cipher(algorithms.ChaCha20(key, b"\x00" * 16), mode=None).encryptor().update(b"\x00" * size)


# --- the two ways in ------------------------------------------------------------------------------

class Endpoint:
    """A ``requests`` session and the ``.../api/v0`` base URL it reaches."""

    def __init__(self, session: requests.Session, base: str, over_http: bool) -> None:
        self.session = session
        self.base = base
        self.over_http = over_http

    def request(self, path: str, *args: Any, data: Any = None, headers: Optional[dict] = None,
                stream: bool = False, **opts: Any) -> requests.Response:
        """ipfsapi 0.4.2 ``HTTPClient.request``: params, then GET or POST."""
        params = [("stream-channels", "true"), *opts.items(), *(("arg", a) for a in args)]
        method = "post" if data is not None else "get"
        return self.session.request(method, self.base + path, params=params, data=data,
                                    headers=headers or {}, stream=stream, timeout=10)

    def json(self, path: str, *args: Any, **kwargs: Any) -> Any:
        answer = self.request(path, *args, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def add_bytes(self, data: bytes) -> dict:
        """ipfsapi 0.4.2 ``add_bytes`` (``multipart.stream_bytes``): the envelope headers of
        ``BodyGenerator('bytes', disptype='form-data', subtype='form-data')`` on the request,
        one ``file; filename="bytes"`` part, streamed."""
        boundary = uuid.uuid4().hex
        headers = {"Content-Disposition": 'form-data; filename="bytes"',
                   "Content-Type": f'multipart/form-data; boundary="{boundary}"'}
        body = iter([f"--{boundary}\r\n".encode(),
                     b'Content-Disposition: file; filename="bytes"\r\n'
                     b"Content-Type: application/octet-stream\r\n\r\n",
                     data, b"\r\n", f"--{boundary}--\r\n".encode()])
        return self.json("/add", data=body, headers=headers)

    def add_str(self, text: str) -> str:
        """ipfsapi 0.4.2 ``add_str``: ``multipart.stream_text`` is ``stream_bytes`` of the UTF-8."""
        return self.add_bytes(text.encode("utf-8"))["Hash"]

    def add_json(self, obj: Any) -> str:
        """ipfsapi 0.4.2 ``add_json``: ``encoding.Json().encode`` (sorted, compact, ASCII-escaped)."""
        return self.add_bytes(json.dumps(obj, sort_keys=True, indent=None, separators=(",", ":")).encode())["Hash"]

    def cat(self, multihash: str) -> bytes:
        answer = self.request("/cat", multihash)
        assert answer.status_code == 200, answer.text
        return answer.content


@contextlib.contextmanager
def _cli_daemon(repo: Path) -> Iterator[str]:
    """``fakeipfs --kubo-version 0.4.13 daemon`` as a process on a free loopback port; its API
    base URL. Startup is bounded by a deadline; SIGTERM stops it (kill after 10 s)."""
    env = dict(os.environ, FAKEIPFS_PATH=str(repo))
    proc = subprocess.Popen([sys.executable, "-m", "fakeipfs.cli", "--kubo-version", GRID_KUBO, "daemon",
                             "--in-memory", "--api", LOCAL, "--gateway", ""],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    lines: "queue.Queue[Optional[str]]" = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        api = None
        while True:
            line = lines.get(timeout=15)
            assert line is not None, "the daemon exited before it was ready"
            if line.startswith("API server listening on "):
                api = line.rsplit(" ", 1)[1]
            if line == "Daemon is ready":
                break
        assert api is not None and api.startswith("/ip4/127.0.0.1/tcp/")
        yield f"http://127.0.0.1:{api.rsplit('/', 1)[1]}/api/v0"
    finally:
        terminate(proc)


@pytest.fixture(scope="module", params=["inproc", "daemon"])
def grid(request, tmp_path_factory) -> Iterator[Endpoint]:
    if request.param == "inproc":
        node = fakeipfs.Node(kubo_version=GRID_KUBO)
        yield Endpoint(transport.session_for(Dispatcher(node)), "http://127.0.0.1:5001/api/v0", False)
        return
    with _cli_daemon(tmp_path_factory.mktemp("grid") / "repo") as base, requests.Session() as session:
        yield Endpoint(session, base, True)


class Listener:
    """Grid's ``listen_to_channel_impl``: ``pubsub_sub(topic=..., stream=True)``, its items
    decoded from the NDJSON stream as ipfsapi does (``for data in res`` + ``Json.parse_partial``).
    :meth:`next` reads in a thread and waits at most ``timeout`` seconds."""

    def __init__(self, grid: Endpoint, topic: str) -> None:
        self.response = grid.request("/pubsub/sub", topic, False, stream=True)
        assert self.response.status_code == 200, self.response.text
        assert self.response.headers["X-Chunked-Output"] == "1"
        self._items = self._decode()

    def _decode(self) -> Iterator[Any]:
        buffer = b""
        for data in self.response:
            buffer += data
            *complete, buffer = buffer.split(b"\n")
            yield from (json.loads(line) for line in complete if line.strip())

    def next(self, timeout: float = 5.0) -> Any:
        box: "queue.Queue[Any]" = queue.Queue()
        threading.Thread(target=lambda: box.put(next(self._items)), daemon=True).start()
        try:
            return box.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"nothing on the subscription within {timeout} s") from None

    def close(self) -> None:
        self.response.close()


def decode_message(encoded: dict) -> Optional[dict]:
    """Grid's ``GridWorker.decode_message`` (grid/workers/base_worker.py:183-194)."""
    if "from" not in encoded:
        return None
    return {"from": base64.standard_b64decode(encoded["from"]),
            "data": base64.b64decode(encoded["data"]).decode("ascii"),
            "seqno": base64.b64decode(encoded["seqno"]), "topicIDs": encoded["topicIDs"],
            "encoded": encoded}


# --- the calls Grid makes ------------------------------------------------------------------------

def test_connect_version_check_over_get(grid: Endpoint):
    answer = grid.request("/version")  # ipfsapi.connect -> assert_version(client.version()["Version"])
    assert answer.status_code == 200 and answer.request.method == "GET"
    assert answer.request.url.split("?", 1)[1] == "stream-channels=true"
    assert answer.headers["Content-Type"] == "application/json"
    version = answer.json()
    assert version["Version"] == "0.4.13" and version["Repo"] == "6"  # fsrepo version 6 in 0.4.13
    assert (0, 4, 3) <= tuple(int(p) for p in version["Version"].split(".")) < (0, 5, 0)
    if grid.over_http:
        assert answer.headers["Server"] == "go-ipfs/0.4.13"


def test_config_show_gives_the_peer_id(grid: Endpoint):
    identity = grid.json("/config/show")["Identity"]  # utils.get_ipfs_id
    assert identity == {"PeerID": identity["PeerID"]}  # PrivKey scrubbed (config.go scrubValue)
    assert identity["PeerID"].startswith("Qm")  # RSA identity before 0.7
    assert grid.json("/id")["ID"] == identity["PeerID"]


def test_add_bytes_str_json_and_cat(grid: Endpoint):
    assert grid.add_bytes(b"hello world") == {"Name": "bytes", "Hash": HELLO, "Size": "19"}
    assert grid.cat(HELLO) == b"hello world"
    # a Keras model's HDF5 bytes stand-in: binary, two chunks (kubo's 262145-byte vector)
    model = chacha_bytes("chunk-v0-seed", 262145)
    added = grid.add_bytes(model)
    assert (added["Name"], added["Hash"]) == ("bytes", CHUNK_V0_262145)
    assert grid.cat(CHUNK_V0_262145) == model
    # add_str of the dataset JSON (clients/keras.py:120), add_json of a spec, get_json = cat + json
    dataset = json.dumps([json.dumps([[0, 0], [0, 1]]), json.dumps([[0], [1]])])
    data_addr = grid.add_str(dataset)
    assert json.loads(grid.cat(data_addr)) == json.loads(dataset)
    notebook = json.dumps({"model_name": "mnist", "owner_id": "534564"})
    assert grid.add_json(notebook) == NOTEBOOK_JSON  # the seed notebook's api.add_json(json.dumps(...))
    assert json.loads(grid.cat(NOTEBOOK_JSON)) == notebook
    spec = {"name": "café", "model": CHUNK_V0_262145, "parent": None}
    spec_addr = grid.add_json(spec)
    assert grid.cat(spec_addr) == b'{"model":"%s","name":"caf\\u00e9","parent":null}' % CHUNK_V0_262145.encode()
    assert json.loads(grid.cat(spec_addr)) == spec


def test_pubsub_as_grid_listens_and_publishes(grid: Endpoint):
    peer_id = grid.json("/config/show")["Identity"]["PeerID"]
    topic = "openmined_train_" + HELLO
    listener = Listener(grid, topic)
    try:
        assert listener.next() == {}  # the 0.4.13 subscribe-ack: Grid's init_function fires on it
        assert decode_message({}) is None
        assert grid.json("/pubsub/ls") == {"Strings": [topic]}
        assert grid.json("/pubsub/peers") == {"Strings": None}  # remote peers only: none
        assert grid.json("/pubsub/peers", "openmined") == {"Strings": None}

        payload = json.dumps({"type": "log", "eval_loss": 0.25, "epoch_id": 0, "num_epochs": 2,
                              "worker_id": f"compute:{peer_id}"})
        published = grid.request("/pubsub/pub", topic, payload)  # payload in the URL
        assert published.request.method == "GET" and published.request.body is None
        assert (published.status_code, published.content) == (200, b"")
        assert "X-Chunked-Output" not in published.headers  # commands/http/handler.go: no output
        raw = listener.next()
        assert set(raw) == {"from", "data", "seqno", "topicIDs"}
        assert raw["from"].startswith(("EiA", "EiB", "EiC", "EiD"))  # 0x12 0x20 + sha256
        message = decode_message(raw)
        assert message is not None
        assert multibase.encode(message["from"], "base58btc") == "z" + peer_id  # bitcoin.base58.encode
        assert json.loads(message["data"]) == json.loads(payload)  # utils.unpack
        assert len(message["seqno"]) == 8 and message["topicIDs"] == [topic]

        # version_tree publishes with stream=True: the request still goes out
        streamed = grid.request("/pubsub/pub", topic, "quit", stream=True)
        assert streamed.status_code == 200
        streamed.close()
        echoed = listener.next()
        assert base64.b64decode(echoed["data"]) == b"quit"
        assert int.from_bytes(base64.b64decode(echoed["seqno"]), "big") > int.from_bytes(message["seqno"], "big")

        assert grid.request("/pubsub/pub", topic, "").status_code == 200
        empty = listener.next()  # an empty payload has no "data" (omitempty): Grid's decoder KeyErrors
        assert set(empty) == {"from", "seqno", "topicIDs"} and empty["from"] == raw["from"]
    finally:
        listener.close()
    if grid.over_http:  # the server sees the closed stream a moment later
        deadline = time.monotonic() + 5
        while grid.json("/pubsub/ls")["Strings"] is not None and time.monotonic() < deadline:
            time.sleep(0.02)
    assert grid.json("/pubsub/ls") == {"Strings": None}


def test_get_requests_are_refused_from_0_5():
    """The contrast: kubo 0.5 allows POST only (docs/changelogs/v0.5.md), so Grid's GETs fail there."""
    session = transport.session_for(Dispatcher(fakeipfs.Node(kubo_version="0.5.0")))
    answer = session.get("http://127.0.0.1:5001/api/v0/version", params={"stream-channels": "true"})
    assert (answer.status_code, answer.text) == (405, "405 - Method Not Allowed\n")


# --- go-ipfs 0.4.13's config: HumanOutput text (to 0.4.17), /ipfs/ bootstrap peers (to 0.4.23) -----

def test_config_show_is_indented_text_before_0_4_18(grid: Endpoint):
    answer = grid.request("/config/show")
    assert answer.status_code == 200
    assert (answer.headers["Content-Type"], answer.headers.get("X-Stream-Output")) == ("text/plain", "1")
    assert answer.content == json.dumps(json.loads(answer.content), indent=2, sort_keys=True).encode()


def test_bootstrap_peers_say_ipfs_before_0_5(grid: Endpoint):
    bootstrap = grid.json("/config/show")["Bootstrap"]
    assert bootstrap and all("/ipfs/Qm" in addr and "/p2p/" not in addr for addr in bootstrap)
