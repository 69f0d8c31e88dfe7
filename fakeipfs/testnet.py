"""``fakeipfs testnet``: every node of one :class:`fakeipfs.Network` served over HTTP by one
process, so that separate programs (a Grid client and its workers) each talk to their own node.

Node ``i``'s RPC API listens on the API address's port plus ``i`` (``tcp/0``: each node on a
free port of its own), its gateway, when there is one, on the gateway's port plus ``i``. Each
node is a :class:`~fakeipfs.daemon.Daemon` (the same ``/api/v0/*``, gateway and
``/fakeipfs/v0/*`` control endpoints, ``/fakeipfs/v0/faults`` included), all on one event loop.
A port already in use stops the start with :class:`~fakeipfs.daemon.DaemonError` naming the
node and the port, and nothing is left listening. A node that crashes
(:meth:`Network.crash <fakeipfs.network.Network.crash>`, or ``{"crash": i}`` on any node's
``/fakeipfs/v0/faults``) is a daemon that died: its ports close (a client's connect is refused,
``ECONNREFUSED``) until it restarts, when it listens on the same ports again (each
:class:`~fakeipfs.daemon.Daemon` follows its node, :meth:`Network.observe
<fakeipfs.network.Network.observe>`). ``ipfs shutdown`` sent to one node closes that node's API
only; SIGINT/SIGTERM (:meth:`Testnet.run`) or leaving
:meth:`Testnet.background` stops them all.

Startup lines (stable: scripts parse them), one per node in network order, then a last line::

    node <i> api <multiaddr> peer <peer ID> swarm <swarm multiaddr>/p2p/<peer ID>[ gateway <multiaddr>]
    Testnet is ready

After ``node <i>`` come ``<key> <value>`` pairs separated by single spaces (values contain no
spaces), so ``dict(zip(f[2::2], f[3::2]))`` of ``f = line.split()`` reads a line; new keys
may be added at the end. ``swarm`` is what ``swarm connect`` on another node of the testnet
takes. On SIGINT/SIGTERM the process prints kubo's two lines (``Received interrupt signal,
shutting down...``, ``(Hit ctrl-c again to force-shutdown the daemon.)``) and exits 0.

Which nodes are connected at start is the network's business (``Network(n, connect=...)``:
``full``, ``line``, ``ring``, ``star``, ``none``; the CLI's ``--topology``).
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import Any, Callable, Iterator, Optional

from . import identity, versions
from .daemon import DEFAULT_API, MSG_SHUTDOWN, Daemon, DaemonError, in_background, on_signals
from .multiaddr import Multiaddr, MultiaddrError
from .network import Network

MSG_READY = "Testnet is ready"


def _shifted(addr: Optional[str], i: int, what: str) -> Optional[str]:
    """``addr`` with its port plus ``i`` (port 0 stays 0)."""
    if not addr:
        return None
    try:
        parsed = Multiaddr.parse(addr)
    except MultiaddrError as exc:
        raise DaemonError(f'testnet: invalid {what} address: "{addr}" (err: {exc})') from None
    if parsed.port == 0:
        return addr
    if parsed.port + i > 65535:
        raise DaemonError(f"testnet: node {i}'s {what} port {parsed.port + i} is beyond 65535")
    return str(dataclasses.replace(parsed, port=parsed.port + i))


class Testnet:
    """The nodes of ``network`` served over HTTP (see the module docstring). ``say`` prints
    the startup lines (default: stdout)."""

    def __init__(self, network: Network, *, api: str = DEFAULT_API, gateway: Optional[str] = None,
                 allow_remote: bool = False, say: Optional[Callable[[str], None]] = None) -> None:
        self.network = network
        self.say = say or (lambda line: print(line, flush=True))
        self.daemons = [Daemon(node, api=_shifted(api, i, "API") or "", gateway=_shifted(gateway, i, "gateway"),
                               allow_remote=allow_remote, write_api_file=False, say=lambda _: None)
                        for i, node in enumerate(network.nodes)]
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stop: Optional[asyncio.Event] = None
        self._signalled = 0

    @property
    def api_addrs(self) -> list[Optional[Multiaddr]]:
        """Each node's API address, with its real port (None before :meth:`start`)."""
        return [d.api_addr for d in self.daemons]

    def client(self, i: int, **kwargs: Any):
        """An ``ipfshttpclient.Client`` talking to node ``i`` over HTTP (no version check)."""
        import ipfshttpclient
        addr = self.daemons[i].api_addr
        if addr is None:
            raise DaemonError("testnet: not started")
        return ipfshttpclient.Client(addr=f"/{addr.proto}/{addr.host}/tcp/{addr.port}/http", **kwargs)

    def lines(self) -> list[str]:
        """The startup lines of the nodes (see the module docstring)."""
        p2p = "p2p" if versions.p2p_multiaddr(self.network.nodes[0].kubo_version) else "ipfs"
        out = []
        for i, daemon in enumerate(self.daemons):
            peer = identity.of(daemon.node).peer_id
            line = f"node {i} api {daemon.api_addr} peer {peer} swarm {self.network.address(i)}/{p2p}/{peer}"
            if daemon.gateway_addr is not None:
                line += f" gateway {daemon.gateway_addr}"
            out.append(line)
        return out

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start every node's servers; on a failure, stop those started and raise
        :class:`DaemonError` naming the node."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        started: list[Daemon] = []
        for i, daemon in enumerate(self.daemons):
            try:
                await daemon.start()
            except DaemonError as exc:
                for done in started:
                    await done.close()
                raise DaemonError(f"testnet node {i}: {exc}") from None
            started.append(daemon)
        for line in self.lines():
            self.say(line)

    async def _watch(self, daemon: Daemon) -> None:
        """One node's ``shutdown`` closes its API only."""
        await daemon.wait()
        await daemon.close()

    async def _main(self, ready: Callable[[], None], handle_signals: bool) -> None:
        await self.start()
        watchers = [asyncio.ensure_future(self._watch(d)) for d in self.daemons]
        try:
            if handle_signals:
                on_signals(self._on_signal)
            ready()
            assert self._stop is not None
            await self._stop.wait()
        finally:
            for daemon in self.daemons:
                daemon.request_stop()
            await asyncio.gather(*watchers, return_exceptions=True)

    def request_stop(self) -> None:
        """Stop serving every node (thread-safe)."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)

    def _on_signal(self) -> None:
        """As the daemon: the first interrupt stops cleanly, a second one forces it."""
        self._signalled += 1
        if self._signalled > 1:
            import os
            os._exit(1)
        for line in MSG_SHUTDOWN:
            self.say(line)
        self.request_stop()

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM (the CLI), printing :data:`MSG_READY` once every node
        listens."""
        asyncio.run(self._main(lambda: self.say(MSG_READY), True))

    @contextlib.contextmanager
    def background(self, timeout: float = 10.0) -> Iterator["Testnet"]:
        """Serve from a background thread for the ``with`` block; stopped and joined after it."""
        with in_background(self._main, self.request_stop, "fakeipfs testnet", timeout):
            yield self
