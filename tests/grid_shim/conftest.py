"""Shared fixtures of grid_shim's tests: Grid's client on a fakeipfs node, three ways in
(in process via ``for_node``, inside ``fakeipfs.mock()``, and over HTTP to a daemon), for the
kubo versions whose wire differs: 0.4.13 (the ``{}`` ack), 0.4.14 (no ack), 0.7.0 (POST only,
Ed25519 peer IDs) and 0.22.0 (multibase pubsub)."""
from __future__ import annotations

import contextlib
import queue
import threading
from dataclasses import dataclass
from typing import Any, Iterator

import pytest

import fakeipfs
from fakeipfs.daemon import Daemon
from grid_shim import ipfsapi

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
        with Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda line: None).background() as daemon:
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
