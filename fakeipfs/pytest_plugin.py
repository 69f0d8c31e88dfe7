"""The ``fakeipfs`` pytest plugin: fixtures giving each test an IPFS node and a real client.

Registered through the ``pytest11`` entry point, so installing fakeipfs is enough:

- ``ipfs_node``: a fresh in-memory :class:`fakeipfs.Node` per test;
  ``@pytest.mark.kubo_version("0.11.0")`` sets the kubo version it emulates.
- ``ipfs_daemon``: a real ``fakeipfs daemon`` serving ``ipfs_node`` on a free 127.0.0.1 port
  (a background thread, stopped after the test); its value is the API multiaddr, as kubo
  writes it to ``$IPFS_PATH/api``.
- ``ipfs_client``: a genuine ``ipfshttpclient.Client``. Where it points is chosen by
  ``--ipfs-target`` (or ``$FAKEIPFS_TARGET``): ``inproc`` (default; ``ipfs_node`` through the
  in-process transport, no socket), ``daemon`` (``ipfs_node`` over HTTP through
  ``ipfs_daemon``) or ``live=<multiaddr>`` (a running kubo; the fakes are not involved).
- ``async_ipfs_client``: an ``httpx.AsyncClient`` for the same ``--ipfs-target`` node, its
  ``base_url`` the node's API (``await async_ipfs_client.post("/api/v0/add", ...)``); it is
  closed after the test. A plain fixture (no pytest-asyncio needed): use it from
  ``asyncio.run(...)`` or from any async test runner.

Like :func:`fakeipfs.transport.client`, ``ipfs_client`` does not run ipfshttpclient's version
check (which refuses kubo 0.8 and later), so one test file behaves the same under every target.
Markers: ``fake_only`` tests are skipped under ``live``; ``live_only`` tests run only there.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any, Iterator, Optional

import pytest

from .multiaddr import Multiaddr, MultiaddrError

ENV_TARGET = "FAKEIPFS_TARGET"
TARGETS = ("inproc", "daemon", "live=<multiaddr>")
#: seconds allowed to reach a live node (TCP connect, then ``/api/v0/version``)
LIVE_TIMEOUT = 3.0
_LOOPBACK = "/ip4/127.0.0.1/tcp/0"


@dataclass(frozen=True)
class Target:
    """Where ``ipfs_client`` points: ``kind`` is ``inproc``, ``daemon`` or ``live``."""

    kind: str
    live_addr: Optional[Multiaddr] = None

    @classmethod
    def parse(cls, text: str) -> "Target":
        """``inproc`` | ``daemon`` | ``live=<multiaddr>``; a :class:`ValueError` names the valid ones."""
        if text in ("inproc", "daemon"):
            return cls(text)
        if text.startswith("live="):
            try:
                return cls("live", Multiaddr.parse(text[len("live="):]))
            except MultiaddrError as exc:
                raise ValueError(f"invalid live address {text[len('live='):]!r}: {exc}") from None
        raise ValueError(f"unknown target {text!r} (valid targets: {', '.join(TARGETS)})")


_TARGET = pytest.StashKey[Target]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fakeipfs", "fakeipfs: IPFS node fixtures")
    group.addoption("--ipfs-target", dest="ipfs_target", default=None, metavar="TARGET",
                    help="what ipfs_client talks to: inproc (default), daemon, or live=<multiaddr> "
                         f"of a running kubo; default from ${ENV_TARGET}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kubo_version(version): the kubo version ipfs_node emulates")
    config.addinivalue_line("markers", "fake_only: skipped when ipfs_client targets a live kubo")
    config.addinivalue_line("markers", "live_only: runs only when ipfs_client targets a live kubo")
    option = config.getoption("ipfs_target")
    text, source = (option, "--ipfs-target") if option is not None else (os.environ.get(ENV_TARGET), ENV_TARGET)
    try:
        config.stash[_TARGET] = Target.parse(text) if text else Target("inproc")
    except ValueError as exc:
        raise pytest.UsageError(f"{source}: {exc}") from None


def _target(config: pytest.Config) -> Target:
    return config.stash.get(_TARGET, Target("inproc"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``fake_only`` tests under the live target and ``live_only`` tests under the others."""
    live = _target(config).kind == "live"
    for item in items:
        if live and item.get_closest_marker("fake_only"):
            item.add_marker(pytest.mark.skip(reason="fake_only: not run against a live kubo"))
        if not live and item.get_closest_marker("live_only"):
            item.add_marker(pytest.mark.skip(reason="live_only: needs --ipfs-target=live=<multiaddr>"))


@pytest.fixture
def ipfs_node(request: pytest.FixtureRequest):
    """A fresh in-memory :class:`fakeipfs.Node`, emulating the ``kubo_version`` marker's version."""
    from .node import Node
    marker = request.node.get_closest_marker("kubo_version")
    return Node(kubo_version=marker.args[0]) if marker else Node()


@pytest.fixture
def ipfs_daemon(ipfs_node) -> Iterator[str]:
    """A real ``fakeipfs daemon`` serving ``ipfs_node`` on 127.0.0.1; yields its API multiaddr."""
    from .daemon import Daemon
    daemon = Daemon(ipfs_node, api=_LOOPBACK, gateway=None, say=lambda _line: None)
    with daemon.background():
        yield str(daemon.api_addr)


@pytest.fixture
def ipfs_client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A genuine ``ipfshttpclient.Client`` for the ``--ipfs-target`` node (see the module doc)."""
    import ipfshttpclient
    target = _target(request.config)
    if target.kind == "inproc":
        from . import transport
        ipfs = transport.client(request.getfixturevalue("ipfs_node"))
    elif target.kind == "daemon":
        ipfs = ipfshttpclient.Client(request.getfixturevalue("ipfs_daemon"))
    else:
        assert target.live_addr is not None
        _check_reachable(request.config, target.live_addr)
        ipfs = ipfshttpclient.Client(str(target.live_addr))
    try:
        yield ipfs
    finally:
        ipfs.close()


@pytest.fixture
def async_ipfs_client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An ``httpx.AsyncClient`` for the ``--ipfs-target`` node: ``ipfs_node`` through
    :func:`fakeipfs.transport.httpx_client` (inproc), or the daemon's or live node's URL.
    Closed after the test, in an event loop of its own (the fixture is synchronous, so it
    works without pytest-asyncio)."""
    import asyncio

    import httpx
    target = _target(request.config)
    # A test drives the client from event loops of its own (each asyncio.run is one, closed at
    # its end): a pooled connection would be tied to a dead loop, so none is kept alive.
    no_pool = httpx.Limits(max_keepalive_connections=0)
    if target.kind == "inproc":
        from . import transport
        client = transport.httpx_client(request.getfixturevalue("ipfs_node"), asynchronous=True)
    elif target.kind == "daemon":
        client = httpx.AsyncClient(base_url=Multiaddr.parse(request.getfixturevalue("ipfs_daemon")).url(),
                                   limits=no_pool)
    else:
        assert target.live_addr is not None
        _check_reachable(request.config, target.live_addr)
        client = httpx.AsyncClient(base_url=target.live_addr.url(), limits=no_pool)
    try:
        yield client
    finally:
        asyncio.run(client.aclose())


_LIVE_PROBLEM = pytest.StashKey[Optional[str]]()


def _check_reachable(config: pytest.Config, addr: Multiaddr) -> None:
    """Fail the fixture at once, naming ``addr``, unless a kubo RPC API answers there. Checked
    once per session: after a failure every later test fails without waiting again."""
    import requests
    if _LIVE_PROBLEM not in config.stash:
        problem = None
        try:
            with socket.create_connection((addr.host, addr.port), timeout=LIVE_TIMEOUT):
                pass
            answer = requests.post(addr.url("/api/v0/version"), timeout=LIVE_TIMEOUT)
            answer.raise_for_status()
            answer.json()["Version"]
        except (OSError, requests.RequestException, ValueError, KeyError) as exc:
            problem = f"fakeipfs: no kubo RPC API reachable at {addr} (--ipfs-target=live=...): {exc}"
        config.stash[_LIVE_PROBLEM] = problem
    problem = config.stash[_LIVE_PROBLEM]
    if problem is not None:
        pytest.fail(problem, pytrace=False)
