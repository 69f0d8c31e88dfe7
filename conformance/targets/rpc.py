"""The targets that speak kubo's HTTP RPC: ``inproc``, ``daemon`` and ``live=<multiaddr>``.

Each gives the runner a fresh :class:`~conformance.client.RpcClient` per scenario:

* ``inproc`` -- a new :class:`fakeipfs.Node` per scenario, reached through the in-process
  ``requests`` adapter (:func:`fakeipfs.transport.session_for`): no socket, no thread.
* ``daemon`` -- ONE ``fakeipfs daemon`` (:class:`fakeipfs.daemon.Daemon`, API on
  127.0.0.1:random, no gateway) over real HTTP; its node is reset between scenarios through the
  daemon's control endpoint ``POST /fakeipfs/v0/reset``.
* ``live=<multiaddr>`` -- any kubo RPC API, e.g. ``/ip4/127.0.0.1/tcp/5001``. Nothing is reset
  (scenarios leave only what they add); the version is what ``/api/v0/version`` says.
"""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator, Optional

import requests

from fakeipfs.versions import KuboVersion

from ..client import RpcClient

INPROC_BASE = "http://fakeipfs.invalid:5001"


@contextlib.contextmanager
def inproc(version: str) -> Iterator[Callable[[], RpcClient]]:
    from fakeipfs.node import Node
    from fakeipfs.rpc.dispatcher import Dispatcher
    from fakeipfs.transport import session_for

    sessions: list[requests.Session] = []

    def fresh() -> RpcClient:
        session = session_for(Dispatcher(Node(kubo_version=version)))
        sessions.append(session)
        return RpcClient(session, INPROC_BASE)

    try:
        yield fresh
    finally:
        for session in sessions:
            session.close()


@contextlib.contextmanager
def daemon(version: str) -> Iterator[Callable[[], RpcClient]]:
    from fakeipfs.daemon import Daemon
    from fakeipfs.node import Node

    node = Node(kubo_version=version)
    with Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, write_api_file=False,
                say=lambda line: None).background() as d:
        assert d.api_addr is not None
        base = d.api_addr.url()
        with requests.Session() as session:
            def fresh() -> RpcClient:
                session.post(f"{base}/fakeipfs/v0/reset", timeout=30).raise_for_status()
                return RpcClient(session, base)
            yield fresh


def live_base(maddr: str) -> str:
    """``http://host:port`` of an RPC multiaddr (``/ip4/.../tcp/5001[/http]``)."""
    from fakeipfs.multiaddr import Multiaddr

    return Multiaddr.parse(maddr).url()


def live_version(maddr: str) -> KuboVersion:
    """The kubo version the API at ``maddr`` reports (``POST /api/v0/version``)."""
    r = requests.post(f"{live_base(maddr)}/api/v0/version", timeout=30)
    r.raise_for_status()
    return KuboVersion.parse(r.json()["Version"])


@contextlib.contextmanager
def live(maddr: str, timeout: Optional[float] = 60.0) -> Iterator[Callable[[], RpcClient]]:
    base = live_base(maddr)
    with requests.Session() as session:
        yield lambda: RpcClient(session, base, timeout=timeout or 60.0)
