"""Shared fixtures of grid_shim's tests: Grid's client on a fakeipfs node, three ways in
(in process via ``for_node``, inside ``fakeipfs.mock()``, and over HTTP to a daemon), for the
kubo versions whose wire differs: 0.4.13 (the ``{}`` ack), 0.4.14 (no ack), 0.7.0 (POST only,
Ed25519 peer IDs) and 0.22.0 (multibase pubsub); Grid's client on the fakeipfs pytest plugin's
``--ipfs-target``; the XOR model; the embedded demo's output."""
from __future__ import annotations

import contextlib
import os
import queue
import threading
from dataclasses import dataclass
from typing import Any, Iterator

import pytest

import fakeipfs
from fakeipfs import pytest_plugin
from grid_shim import demo, ipfsapi
from grid_shim.keras import load_keras
from gridnet import served

VERSIONS = ("0.4.13", "0.4.14", "0.7.0", "0.22.0")
WAYS = ("inproc", "mock", "daemon")


@contextlib.contextmanager
def grid_client(way: str, node: fakeipfs.Node) -> Iterator[ipfsapi.Client]:
    """Grid's client reaching ``node`` the ``way`` named."""
    if way == "inproc":
        yield ipfsapi.for_node(node)
    elif way == "mock":
        with fakeipfs.mock(node):
            yield ipfsapi.connect()
    else:
        with served(node) as daemon:
            yield ipfsapi.connect("127.0.0.1", daemon.api_addr.port)


@dataclass
class Target:
    api: ipfsapi.Client
    node: fakeipfs.Node
    way: str

    @property
    def version(self) -> str:
        return str(self.node.kubo_version)


@pytest.fixture(scope="module", params=[(w, v) for w in WAYS for v in VERSIONS],
                ids=[f"{w}-{v}" for w in WAYS for v in VERSIONS])
def target(request) -> Iterator[Target]:
    way, version = request.param
    node = fakeipfs.Node(kubo_version=version)
    with grid_client(way, node) as api:
        yield Target(api, node, way)


def _take(stream: Any, n: int = 1, guard: float = 10.0) -> list[Any]:
    """The next ``n`` items of a blocking iterator, read in a thread; if they have not come
    after ``guard`` seconds (a hang, not a timing check) the stream is closed and the test fails."""
    box: "queue.Queue[Any]" = queue.Queue()

    def read() -> None:
        try:
            box.put([next(stream) for _ in range(n)])
        except BaseException as exc:  # handed to the test
            box.put(exc)

    threading.Thread(target=read, daemon=True).start()
    try:
        got = box.get(timeout=guard)
    except queue.Empty:
        stream.close()
        raise AssertionError(f"the stream gave fewer than {n} items in {guard} s") from None
    if isinstance(got, BaseException):
        raise got
    return got


@pytest.fixture
def take():
    """``take(stream, n=1)``: the next ``n`` items of a stream, failing instead of hanging."""
    return _take


@pytest.fixture
def client_for():
    """``with client_for(way, node) as api``: :func:`grid_client`."""
    return grid_client


@pytest.fixture
def plugin_target_api(request) -> ipfsapi.Client:
    """Grid's client on the node the fakeipfs plugin's ``--ipfs-target`` (or
    ``$FAKEIPFS_TARGET``) names: ``ipfs_node`` in process (``inproc``), the ``ipfs_daemon``
    serving it over HTTP (``daemon``), or a running node's RPC API (``live=<multiaddr>``)."""
    text = request.config.getoption("ipfs_target") or os.environ.get(pytest_plugin.ENV_TARGET) or "inproc"
    target = pytest_plugin.Target.parse(text)  # checked by the plugin at configure time
    if target.kind == "inproc":
        return ipfsapi.for_node(request.getfixturevalue("ipfs_node"))
    if target.kind == "daemon":
        return ipfsapi.connect_multiaddr(request.getfixturevalue("ipfs_daemon"))
    return ipfsapi.connect_multiaddr(str(target.live_addr))


@pytest.fixture(scope="module")
def model():
    """The demo's XOR model (SGD, learning rate 0.5), made after seeding Keras with 0: the
    same weights in every module."""
    load_keras().utils.set_random_seed(0)
    return demo.xor_model(0.5)


@pytest.fixture(scope="session")
def demo_lines() -> list[str]:
    """What ``python -m grid_shim.demo`` (the embedded network) prints, and its exit code 0."""
    lines: list[str] = []
    assert demo.main(out=lines.append) == 0
    return lines
