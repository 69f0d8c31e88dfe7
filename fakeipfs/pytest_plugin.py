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

- ``ipfs_network``: a fresh :class:`fakeipfs.Network` per test, three fully connected nodes
  made from seed 0; ``@pytest.mark.ipfs_network(nodes=, seed=, connect=, kubo_version=)``
  changes that (``connect`` is a topology :class:`~fakeipfs.Network` knows, such as ``"full"``
  or ``"none"``, or a list of ``(dialer, dialled)`` index pairs). Under the ``live`` target it
  is skipped: one running kubo is no network. For a wider scope, override the fixture (``@pytest.fixture(scope="module") def ipfs_network(): return
  fakeipfs.Network(...)`` in a conftest.py); the marker then does not apply.

Like :func:`fakeipfs.transport.client`, ``ipfs_client`` does not run ipfshttpclient's version
check (which refuses kubo 0.8 and later), so one test file behaves the same under every target.
Markers: ``fake_only`` tests are skipped under ``live``; ``live_only`` tests run only there.
Markers that contradict one another on one test (``fake_only`` with ``live_only``, two
``kubo_version`` values, an ``ipfs_network`` version other than the ``kubo_version`` one, an
unknown ``ipfs_network`` argument) stop the run with a usage error naming the test.
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
    config.addinivalue_line("markers", "ipfs_network(nodes=3, seed=0, connect='full', kubo_version=None): "
                                       "the network the ipfs_network fixture builds")
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
        _check_markers(item)
        if live and item.get_closest_marker("fake_only"):
            item.add_marker(pytest.mark.skip(reason="fake_only: not run against a live kubo"))
        if not live and item.get_closest_marker("live_only"):
            item.add_marker(pytest.mark.skip(reason="live_only: needs --ipfs-target=live=<multiaddr>"))


#: The ``ipfs_network`` marker's arguments and their defaults.
NETWORK_DEFAULTS: dict[str, Any] = {"nodes": 3, "seed": 0, "connect": "full", "kubo_version": None}


def _marker_version(marker: pytest.Mark) -> Optional[str]:
    """The version a ``kubo_version`` marker names (positional or ``version=``)."""
    return marker.args[0] if marker.args else marker.kwargs.get("version")


def _check_markers(item: pytest.Item) -> None:
    """Refuse, as a usage error naming the test, markers that contradict one another."""
    problem = None
    versions = {_marker_version(m) for m in item.iter_markers("kubo_version")}
    network = _network_options(item)
    if item.get_closest_marker("fake_only") and item.get_closest_marker("live_only"):
        problem = "fake_only and live_only markers together: the test could never run"
    elif len(versions) > 1:
        problem = f"conflicting kubo_version markers: {', '.join(sorted(map(str, versions)))}"
    elif isinstance(network, str):
        problem = network
    elif network["kubo_version"] is not None and versions and network["kubo_version"] not in versions:
        problem = (f"ipfs_network(kubo_version={network['kubo_version']!r}) conflicts with "
                   f"kubo_version({next(iter(versions))!r})")
    if problem is not None:
        raise pytest.UsageError(f"{item.nodeid}: {problem}")


def _network_options(item: pytest.Item) -> "dict[str, Any] | str":
    """The ``ipfs_network`` marker's arguments over :data:`NETWORK_DEFAULTS`, or what is wrong
    with them (two markers giving one argument different values, an unknown argument)."""
    given: dict[str, Any] = {}
    for marker in item.iter_markers("ipfs_network"):
        if marker.args:
            return "ipfs_network takes keyword arguments only (nodes=, seed=, connect=, kubo_version=)"
        for key, value in marker.kwargs.items():
            if key not in NETWORK_DEFAULTS:
                return f"ipfs_network: unknown argument {key!r} (valid: {', '.join(NETWORK_DEFAULTS)})"
            if key in given and given[key] != value:
                return f"conflicting ipfs_network markers: {key}={given[key]!r} and {key}={value!r}"
            given[key] = value
    return {**NETWORK_DEFAULTS, **given}


def _node_version(item: pytest.Item) -> Optional[str]:
    marker = item.get_closest_marker("kubo_version")
    return _marker_version(marker) if marker else None


@pytest.fixture
def ipfs_node(request: pytest.FixtureRequest):
    """A fresh in-memory :class:`fakeipfs.Node`, emulating the ``kubo_version`` marker's version."""
    from .node import Node
    version = _node_version(request.node)
    return Node(kubo_version=version) if version else Node()


@pytest.fixture
def ipfs_network(request: pytest.FixtureRequest):
    """A fresh :class:`fakeipfs.Network` as the ``ipfs_network`` marker asks (see the module doc);
    its version is the marker's ``kubo_version``, else the ``kubo_version`` marker's."""
    from .network import Network
    if _target(request.config).kind == "live":
        pytest.skip("ipfs_network: a network of in-memory nodes has no live counterpart "
                    "(--ipfs-target=live=...)")
    options = _network_options(request.node)
    assert isinstance(options, dict)  # checked at collection
    kwargs: dict[str, Any] = {"seed": options["seed"]}
    version = options["kubo_version"] or _node_version(request.node)
    if version:
        kwargs["kubo_version"] = version
    connect = options["connect"]
    if isinstance(connect, str):
        return Network(options["nodes"], connect=connect, **kwargs)
    network = Network(options["nodes"], connect="none", **kwargs)
    for dialer, dialled in connect:
        network.connect(dialer, dialled)
    return network


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
