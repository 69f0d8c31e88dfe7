"""``fakeipfs daemon``: kubo's RPC API (``/api/v0/*``) and path gateway over real HTTP, for
offline development (kubo ``cmd/ipfs/kubo/daemon.go``, ``core/corehttp/``).

The daemon is a thin front door: every ``/api/v0/*`` request becomes a
:class:`~fakeipfs.rpc.wire.Request` handled by the one
:class:`~fakeipfs.rpc.dispatcher.Dispatcher`, and every gateway request goes to
:class:`~fakeipfs.gateway.Gateway`. Both are synchronous, so each request runs in a worker
thread of its own and the event loop never blocks:

- the request body is a file object fed from the socket (:class:`_BodyReader`: a task on the
  loop reads ahead, up to 8 MiB, and the worker takes what has arrived, up to 1 MiB a read), so
  a multipart ``add`` of hundreds of MB streams through in bounded memory, hashed as it arrives
  (the dispatcher hands ``add`` its files live); if the client goes away mid-upload the reader
  raises ``unexpected EOF`` and the request fails with nothing of it kept (the model rolls the
  ``add`` back);
- the response's headers are sent as soon as the command returns (``pubsub/sub`` clients wait
  for them before any message), then its body iterator (possibly endless and blocking) is
  drained chunk by chunk through a small bounded queue, so a slow client slows the producer;
- a body that ends with an error sets ``Response.trailers``; they are sent as real HTTP/1.1
  trailers (``X-Stream-Error``) after the last chunk.

Server library: **aiohttp** (``aiohttp.web`` low-level server). It is maintained, asyncio
native, streams request bodies (``request.content``) and responses (``StreamResponse``) with
backpressure, sends headers immediately, answers ``Expect: 100-continue``, and tells the handler
when a client disconnects mid-body (the payload raises), which is what rollback needs. Its one
gap is response trailers: aiohttp has no API for them, so :func:`_write_eof` writes the
terminating chunk with the trailer lines itself through aiohttp's stream writer (guarded: if
those internals change, the response just ends without trailers, and the in-band JSON error
line that ``channel_response`` already writes still reports the error to clients).

kubo behaviours kept: the startup lines of the emulated version (``API server listening on`` /
``RPC API server listening on`` from v0.20, ``WebUI: http://.../webui``, ``Gateway (readonly)
server listening on`` / ``Gateway server listening on``, ``Daemon is ready``), ``tcp/0`` picking
a free port shown in the printed multiaddr, ``<repo>/api`` holding the API multiaddr while the
daemon runs (fsrepo ``SetAPIAddr``; removed on exit), SIGINT/SIGTERM and ``/api/v0/shutdown``
printing ``Received interrupt signal, shutting down...``, the ``Server: go-ipfs/<v>`` (``kubo/<v>``
from v0.14) header on RPC responses, and ``API.Authorizations`` from the repo config
(:mod:`fakeipfs.config`; kubo v0.25: ``Authorization: Bearer``/``Basic`` secrets, each with its
``AllowedPaths``; others get 403 with kubo's text). fakeipfs additions: loopback-only listening
unless ``allow_remote``, and an optional request body limit (``max_request_size``; over it: 413
``http: request body too large``, Go's ``MaxBytesReader`` text). Not emulated: CORS/``Origin``
checks, the client version check (``CheckVersionOption``), the IPFS WebUI app (``/webui``
serves fakeipfs's own dashboard instead, :mod:`fakeipfs.webui`), swarm and ``PeerID`` lines (fakeipfs has no swarm: the CLI prints
``Swarm not listening, running in offline mode.``).

Test-harness control, on the API port (fakeipfs only, like moto's ``/moto-api/``; no kubo
command has these paths): ``POST /fakeipfs/v0/reset`` (:meth:`~fakeipfs.Node.reset`, ``{}``),
``GET|POST /fakeipfs/v0/requests`` (the request log, :mod:`fakeipfs.inspection`, as a JSON list),
``POST /fakeipfs/v0/snapshot`` (``{"id": n}``; snapshots stay in the daemon) and
``POST /fakeipfs/v0/restore?id=<n>`` (``{}``); ``GET /fakeipfs/v0/state`` (the dashboard's JSON),
``GET /fakeipfs/v0/export`` and ``POST /fakeipfs/v0/import`` (the node's whole state as a CAR,
:mod:`fakeipfs.state`); ``GET|POST|DELETE /fakeipfs/v0/faults`` (:mod:`fakeipfs.api_faults`:
the node's per-endpoint API faults and, for a node of a network, the network's link faults and
crashed nodes; POST ``{"api": [...], "network": {...}, "links": [...], "crash": [i], "restart":
[i]}``; each answers the state after it). A faulted ``/api/v0/*`` call gets the fault's reply,
no reply (until the client's timeout) or its connection closed. A daemon serving a node of a
:class:`fakeipfs.Network` is that node's process: when the node crashes
(:meth:`Network.crash <fakeipfs.network.Network.crash>`) the daemon closes its listening ports
and idle connections (a connect is then refused, ``ECONNREFUSED``; a request running finishes),
and when it restarts the daemon listens on the same ports again. Errors are JSON ``{"Message": ...}``: 400 for a
refused reset/snapshot/restore or a bad id, 404 for an unknown id; other paths under
``/fakeipfs/`` are ``404 page not found``, a wrong method 405. ``API.Authorizations`` apply.

This module also holds the CLI's side of a running daemon: :class:`RemoteNode` exposes the
:class:`~fakeipfs.Node` methods the CLI calls, each sent as kubo's RPC request over HTTP, and
:func:`node_for_repo` picks it when ``<repo>/api`` names a daemon that answers (kubo
``cmd/ipfs/kubo/start.go`` ``makeExecutor``: the api file selects the HTTP client, with a
fallback to the local repo when the daemon is not there).
"""
from __future__ import annotations

import asyncio
import base64
import collections
import concurrent.futures
import contextlib
import dataclasses
import functools
import http.client
import inspect
import io
import json
import logging
import os
import signal
import socket
import struct
import threading
import time
import uuid
from typing import Any, Awaitable, BinaryIO, Callable, Iterable, Iterator, Mapping, Optional, Sequence
from urllib.parse import quote_plus, urlencode

from multiformats import CID

from . import api_faults, inspection, network
from .errors import ERR_UNEXPECTED_EOF, IPFSError, RetrievalTruncated
from .gateway import Gateway
from .multiaddr import Multiaddr, MultiaddrError
from .rpc.dispatcher import ERR_METHOD, ERR_NOT_FOUND, Dispatcher
from .rpc.multipart import ERR_BODY_TOO_LARGE
from .rpc.wire import Request, Response, text_response
from .versions import KuboVersion

log = logging.getLogger(__name__)

DEFAULT_API = "/ip4/127.0.0.1/tcp/5001"
DEFAULT_GATEWAY = "/ip4/127.0.0.1/tcp/8080"

V0_20 = KuboVersion(0, 20, 0)
#: The test-harness control endpoints (fakeipfs only).
CONTROL_PREFIX = "/fakeipfs/v0/"
#: The fault-injection control endpoint (:mod:`fakeipfs.api_faults`).
FAULTS_CONTROL = CONTROL_PREFIX + "faults"

#: kubo core/corehttp/commands.go ``withAuthSecrets``
ERR_ACCESS_DENIED = ("Kubo RPC Access Denied: Please provide a valid authorization token as defined "
                     "in the API.Authorizations configuration.")
MSG_SHUTDOWN = ("Received interrupt signal, shutting down...",
                "(Hit ctrl-c again to force-shutdown the daemon.)")

_CHUNK = 1 << 16
_QUEUE_DEPTH = 8
_POLL = 0.25
#: Request bodies: bytes taken from aiohttp per read, and queued ahead of the worker at most.
_READ_SIZE = 1 << 20
_READ_AHEAD = 8 << 20


def rpc_server_named_rpc(v: KuboVersion) -> bool:
    """``RPC API server listening on`` and ``Gateway server listening on`` from v0.20
    (docs/changelogs/v0.20.md "feat: remove writable gateway (#9743)"); before, ``API server
    listening on`` and ``Gateway (readonly) server listening on``."""
    return v >= V0_20


def server_header(v: KuboVersion) -> str:
    """The RPC ``Server`` header (core/corehttp/commands.go ``addHeadersFromConfig``):
    ``kubo/<v>`` from the rename to Kubo (:func:`fakeipfs.cli.kubo_brand`), ``go-ipfs/<v>`` before."""
    from .cli import kubo_brand
    return f"{'kubo' if kubo_brand(v) else 'go-ipfs'}/{v}"


class DaemonError(Exception):
    """A daemon that cannot start (bad or non-loopback address, port in use)."""


def auth_header(secret: str) -> str:
    """kubo config/api.go ``ConvertAuthSecret``: ``bearer:x``/``x`` → ``Bearer x``,
    ``basic:user:pass`` → ``Basic base64(user:pass)``, ``basic:<b64>`` kept; else ""."""
    if not secret:
        return ""
    _, sep, value = secret.partition(":")
    if not sep:
        return "Bearer " + secret
    if secret.startswith("basic:"):
        if ":" in value:
            return "Basic " + base64.b64encode(value.encode()).decode()
        return "Basic " + value
    if secret.startswith("bearer:"):
        return "Bearer " + value
    return ""


def _first(value: Any) -> Optional[str]:
    """A ``config.Strings`` value (one string or a list) as its first address."""
    if isinstance(value, str):
        return value or None
    return next(iter(value), None) if value else None


# --- request bodies ----------------------------------------------------------------------------


class _BodyReader(io.RawIOBase):
    """The request body, read from the worker thread and fed by a task on the event loop that
    reads ahead: it takes up to 1 MiB of what has arrived at a time from aiohttp's request stream
    and queues it, up to :data:`_READ_AHEAD` bytes, so the worker's reads cost a lock rather than
    a trip through the loop, and the upload keeps arriving while the worker hashes. The task
    starts at the first read (a command that never reads the body leaves it to aiohttp) and is
    stopped by :meth:`stop` when the request ends. A client that disconnects (or a body over
    the size limit) makes reads raise, once the bytes before have been read, so a half-received
    ``add`` fails and is rolled back."""

    def __init__(self, stream: Any, loop: asyncio.AbstractEventLoop, stopping: threading.Event,
                 limit: Optional[int]) -> None:
        super().__init__()
        self._stream = stream
        self._loop = loop
        self._stopping = stopping
        self._limit = limit
        self.received = 0
        self.too_large = False
        self._cond = threading.Condition()
        self._chunks: "collections.deque[bytes]" = collections.deque()
        self._buffered = 0
        self._end: Optional[str] = None  # "" at the end of the body, else the error to raise
        self._started = False
        self._task: Optional[asyncio.Task] = None
        self._room: Optional[asyncio.Event] = None  # set when the queue drains: the task goes on
        self._stalled = False  # the task waits for room

    def readable(self) -> bool:
        return True

    async def _read_ahead(self) -> None:
        room = self._room = asyncio.Event()
        try:
            while True:
                data = await self._stream.read(_READ_SIZE)
                with self._cond:
                    self._cond.notify()
                    if not data:
                        self._end = ""
                        return
                    self.received += len(data)
                    if self._limit is not None and self.received > self._limit:
                        self._end = ERR_BODY_TOO_LARGE
                        return
                    self._chunks.append(data)
                    self._buffered += len(data)
                    if self._stream.at_eof():  # all of it: no need for another turn of the loop
                        self._end = ""
                        return
                    stalled = self._stalled = self._buffered >= _READ_AHEAD
                    if stalled:
                        room.clear()
                if stalled:
                    await room.wait()
        except BaseException:  # client disconnected (aiohttp set the payload's exception), stop
            with self._cond:
                if self._end is None:
                    self._end = ERR_UNEXPECTED_EOF
                self._cond.notify()
            raise

    def read(self, size: Optional[int] = -1) -> bytes:
        """The next queued piece of the body (at most ``size`` bytes), waiting for one; ``b""``
        at the end."""
        if size is None or size < 0:
            return self.readall()
        if size == 0:
            return b""
        with self._cond:
            if not self._started and self._end is None:
                self._started = True
                try:
                    self._loop.call_soon_threadsafe(self._start)
                except RuntimeError:  # the loop is gone: the daemon stopped
                    raise IPFSError(ERR_UNEXPECTED_EOF) from None
            while not self._chunks and self._end is None:
                if not self._cond.wait(_POLL) and self._stopping.is_set():
                    raise IPFSError(ERR_UNEXPECTED_EOF)
            if not self._chunks:
                if self._end:
                    self.too_large = self._end == ERR_BODY_TOO_LARGE
                    raise IPFSError(self._end)
                return b""
            data = self._chunks.popleft()
            if len(data) > size:
                self._chunks.appendleft(data[size:])
                data = data[:size]
            self._buffered -= len(data)
            wake = self._stalled and self._buffered <= _READ_AHEAD // 2
            if wake:
                self._stalled = False
        if wake:
            try:
                self._loop.call_soon_threadsafe(self._room.set)  # type: ignore[union-attr]
            except RuntimeError:
                pass  # the loop is gone: the next read reports it
        return data

    def readall(self) -> bytes:
        pieces = []
        while piece := self.read(_READ_SIZE):
            pieces.append(piece)
        return b"".join(pieces)

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def _start(self) -> None:
        """(On the loop.) Start reading ahead, unless the request is already over."""
        if self._end is None:
            self._task = self._loop.create_task(self._read_ahead())

    async def stop(self) -> None:
        """(On the loop.) The request is over (answered, or its client gone): stop reading
        ahead, and return once the stream is free again (aiohttp reads what the command left of
        the body itself); a worker still reading gets what was queued, then ``unexpected EOF``."""
        with self._cond:
            if self._end is None:
                self._end = ERR_UNEXPECTED_EOF
            self._cond.notify_all()
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])


# --- responses ---------------------------------------------------------------------------------


class _Exchange:
    """One request's trip through its worker thread: the worker puts ``("start", response)``,
    then ``("chunk", bytes)``..., then ``("end", None)`` or ``("error", exc)``; the queue is
    small, so a slow client slows the worker down. ``cancelled`` tells the worker to stop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue = asyncio.Queue(_QUEUE_DEPTH)
        self.cancelled = threading.Event()

    def put(self, item: tuple) -> bool:
        try:
            future = asyncio.run_coroutine_threadsafe(self.queue.put(item), self.loop)
        except RuntimeError:
            return False
        while True:
            try:
                future.result(timeout=_POLL)
                return True
            except concurrent.futures.TimeoutError:
                if self.cancelled.is_set():
                    future.cancel()
                    return False
            except (concurrent.futures.CancelledError, RuntimeError):
                return False


async def _write_eof(resp: Any, trailers: Mapping[str, str]) -> None:
    """End a chunked response, with ``trailers`` as HTTP/1.1 trailer fields when there are any.

    aiohttp has no trailer API: this writes the last chunk (``0``), the trailer lines and the
    final CRLF through the response's ``StreamWriter`` and marks it finished, when the writer is
    the plain chunked one this was written against; otherwise trailers are dropped."""
    from aiohttp.http_writer import StreamWriter
    writer = getattr(resp, "_payload_writer", None)
    if (trailers and isinstance(writer, StreamWriter) and writer.chunked
            and getattr(writer, "_compress", None) is None and not getattr(writer, "_eof", True)
            and hasattr(writer, "_write")):
        send_headers = getattr(writer, "send_headers", None)  # aiohttp >= 3.11 may still hold them
        if send_headers is not None:
            send_headers()
        lines = "".join(f"{name}: {' '.join(str(value).splitlines())}\r\n" for name, value in trailers.items())
        writer._write(b"0\r\n" + lines.encode("utf-8") + b"\r\n")
        writer._eof = True
        await writer.drain()
    await resp.write_eof()


def _reset(request: Any) -> None:
    """Close the request's connection with a TCP reset (``SO_LINGER`` 0) once what was written
    has gone out."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.close()


def _close_body(body: Any) -> None:
    """Unblock a worker waiting inside a body when its client has gone: a body object with its
    own ``close`` (``pubsub/sub``'s subscription) is closed from here; a plain generator is
    left to its worker, which closes it at its next chunk."""
    close = getattr(body, "close", None)
    if close is not None and not inspect.isgenerator(body):
        with contextlib.suppress(Exception):
            close()


def on_signals(handler: Callable[[], None]) -> None:
    """SIGINT and SIGTERM call ``handler`` on the running loop (daemon.go: ``signal.Notify``
    for ``os.Interrupt`` and ``syscall.SIGTERM``)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, handler)


@contextlib.contextmanager
def in_background(main: Callable[..., Awaitable[None]], request_stop: Callable[[], None], name: str,
                  timeout: float) -> Iterator[None]:
    """Run ``main(ready, handle_signals=False)`` (a server's ``_main``: it calls ``ready()``
    once serving, and returns once ``request_stop()`` is called) on an event loop of its own in
    a daemon thread for the ``with`` block; then stop it and join the thread. A failure to
    start is raised here; :class:`DaemonError` if ``ready`` is not called within ``timeout``."""
    ready = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(main(ready.set, handle_signals=False))
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)
            ready.set()

    thread = threading.Thread(target=target, name=name.replace(" ", "-"), daemon=True)
    thread.start()
    if not ready.wait(timeout):
        request_stop()
        raise DaemonError(f"{name} did not start in time")
    if failure:
        raise failure[0]
    try:
        yield
    finally:
        request_stop()
        thread.join(timeout)


class Daemon:
    """One node served over HTTP: the RPC API on ``api``, the gateway on ``gateway`` (None or
    "" for none). ``start``/``close`` run inside an event loop; :meth:`run` (the CLI) and
    :meth:`background` (tests, embedding) own one."""

    def __init__(self, node: Any, *, api: str = DEFAULT_API, gateway: Optional[str] = DEFAULT_GATEWAY,
                 allow_remote: bool = False, authorizations: Optional[Mapping[str, Mapping]] = None,
                 max_request_size: Optional[int] = None, write_api_file: bool = True,
                 say: Optional[Callable[[str], None]] = None) -> None:
        self.node = node
        self.version: KuboVersion = node.kubo_version
        self.dispatcher = Dispatcher(node)
        self.dispatcher.on_shutdown = self.request_stop  # type: ignore[attr-defined]
        self.gateway = Gateway(node)
        try:
            self._api_wanted = Multiaddr.parse(api)
        except MultiaddrError as exc:
            raise DaemonError(f'serveHTTPApi: invalid API address: "{api}" (err: {exc})') from None
        try:
            self._gateway_wanted = Multiaddr.parse(gateway) if gateway else None
        except MultiaddrError as exc:
            raise DaemonError(f'serveHTTPGateway: invalid gateway address: "{gateway}" (err: {exc})') from None
        for addr in filter(None, (self._api_wanted, self._gateway_wanted)):
            if not allow_remote and not addr.is_loopback():
                raise DaemonError(f"fakeipfs daemon: refusing to listen on {addr}, which is not a "
                                  "loopback address (pass --allow-remote to expose the node beyond "
                                  "this machine)")
        self._auth: dict[str, list[str]] = {}
        for scope in (authorizations or {}).values():
            header = auth_header(str(scope.get("AuthSecret", "")))
            if header:
                self._auth[header] = list(scope.get("AllowedPaths") or [])
        self.max_request_size = max_request_size
        self.write_api_file = write_api_file and bool(getattr(node, "repo", None))
        self.say = say or (lambda line: print(line, flush=True))
        self.api_addr: Optional[Multiaddr] = None
        self.gateway_addr: Optional[Multiaddr] = None
        self._runners: list[Any] = []  # serving
        self._retired: list[Any] = []  # stopped listening (the node crashed), cleaned up at close
        self._unobserve: Callable[[], None] = lambda: None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stop: Optional[asyncio.Event] = None
        self._stopping = threading.Event()
        self._workers: set[threading.Thread] = set()
        self._workers_lock = threading.Lock()
        self._signalled = 0
        self._snapshots: dict[int, Any] = {}
        self._snapshots_lock = threading.Lock()

    # --- addresses -----------------------------------------------------------------------------

    @property
    def api_file(self) -> Optional[str]:
        return os.path.join(self.node.repo, "api") if self.write_api_file else None

    @staticmethod
    def _listen(addr: Multiaddr, what: str) -> tuple[socket.socket, Multiaddr]:
        """``manet.Listen``: bind, and report the address actually bound (``tcp/0``)."""
        try:
            infos = socket.getaddrinfo(addr.host, addr.port, addr.family, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise DaemonError(f"{what}: manet.Listen({addr}) failed: {exc}") from None
        family, _, _, _, sockaddr = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(sockaddr)
            sock.listen(128)
        except OSError as exc:
            sock.close()
            net = "tcp4" if family == socket.AF_INET else "tcp6"
            host = sockaddr[0] if family == socket.AF_INET else f"[{sockaddr[0]}]"
            reason = (exc.strerror or str(exc)).lower()
            raise DaemonError(f"{what}: manet.Listen({addr}) failed: listen {net} {host}:{addr.port}: "
                              f"bind: {reason}") from None
        sock.setblocking(False)
        bound_host, bound_port = sock.getsockname()[:2]
        proto = "ip4" if family == socket.AF_INET else "ip6"
        return sock, Multiaddr(proto, bound_host, bound_port)

    async def _open(self, api: Multiaddr, gateway: Optional[Multiaddr]) -> None:
        """Bind the API's listener (and the gateway's) and serve on them; ``api_addr`` and
        ``gateway_addr`` become the addresses bound."""
        from aiohttp import web
        sockets = []
        try:
            api_sock, self.api_addr = self._listen(api, "serveHTTPApi")
            sockets.append(api_sock)
            if gateway is not None:
                gw_sock, self.gateway_addr = self._listen(gateway, "serveHTTPGateway")
                sockets.append(gw_sock)
        except DaemonError:
            for sock in sockets:
                sock.close()
            raise
        handlers = [self._handle_api, self._handle_gateway]
        for sock, handler in zip(sockets, handlers):
            server = web.Server(handler, handler_cancellation=True, access_log=None,
                                max_line_size=1 << 20, max_field_size=1 << 16, read_bufsize=_READ_SIZE)
            runner = web.ServerRunner(server, shutdown_timeout=1.0)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            self._runners.append(runner)

    # --- a node of a network: crash and restart ------------------------------------------------

    async def _stop_listening(self) -> None:
        """The node crashed: close the listeners (a connect is refused) and the idle
        connections at once (a client's kept-alive connection is gone before its next request);
        a request running finishes, then its connection closes (a node crashing itself through
        its control endpoint answers). The runners are cleaned up by :meth:`close`."""
        live, self._runners = self._runners, []
        for runner in live:
            for site in list(runner.sites):
                await site.stop()
            for conn in runner.server.connections if runner.server is not None else []:
                # aiohttp's RequestHandler: close() waits for the request running, if any
                if getattr(conn, "_request_in_progress", True):
                    conn.close()
                else:
                    conn.force_close()
        self._retired.extend(live)
        await asyncio.sleep(0)  # the closed transports' sockets close before the caller goes on

    async def _listen_again(self) -> None:
        """The node restarted: listen on the ports bound at :meth:`start` again."""
        if not self._runners and not self._stopping.is_set() and self.api_addr is not None:
            await self._open(self.api_addr, self.gateway_addr)

    def _on_network(self, step: Callable[[], Any], position: int, changed: int) -> None:
        """A :meth:`Network.observe <fakeipfs.network.Network.observe>` callback: run ``step``
        on the daemon's loop when its own node crashed or restarted, and wait for it (unless
        called on that loop, which cannot wait for itself)."""
        loop = self._loop
        if changed != position or loop is None or loop.is_closed() or self._stopping.is_set():
            return
        future = asyncio.run_coroutine_threadsafe(step(), loop)
        with contextlib.suppress(RuntimeError):
            if asyncio.get_running_loop() is loop:
                return
        try:
            future.result(timeout=10.0)
        except concurrent.futures.TimeoutError:
            raise DaemonError(f"fakeipfs daemon: the API on {self.api_addr} did not follow its node's "
                              f"crash or restart in time") from None

    def _observe_network(self) -> None:
        """Follow the node's crashes and restarts, if it is a node of a network."""
        from . import network
        net = network.of(self.node)
        if net is not None:
            position = next(i for i, node in enumerate(net.nodes) if node is self.node)
            self._unobserve = net.observe(
                crashed=functools.partial(self._on_network, self._stop_listening, position),
                restarted=functools.partial(self._on_network, self._listen_again, position))

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind both listeners, start serving, print kubo's lines, write ``<repo>/api``. The
        node of a network that has crashed gets its ports bound, then closed until it
        restarts."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        await self._open(self._api_wanted, self._gateway_wanted)
        self._observe_network()
        if api_faults.crashed(self.node):
            await self._stop_listening()
        rpc = rpc_server_named_rpc(self.version)
        assert self.api_addr is not None
        self.say(f"{'RPC API' if rpc else 'API'} server listening on {self.api_addr}")
        self.say(f"WebUI: http://{self.api_addr.url_host()}:{self.api_addr.port}/webui")
        from . import webui
        webui.watch(self.node)  # the dashboard's recent pubsub messages
        if self.gateway_addr is not None:
            self.say(f"{'Gateway' if rpc else 'Gateway (readonly)'} server listening on {self.gateway_addr}")
        if self.api_file:
            with open(self.api_file, "w", encoding="utf-8") as handle:
                handle.write(str(self.api_addr))

    def request_stop(self) -> None:
        """Ask the daemon to stop (thread-safe; the shutdown command and signals call it)."""
        self._stopping.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)

    async def wait(self) -> None:
        assert self._stop is not None
        await self._stop.wait()

    async def close(self) -> None:
        """Stop listening, let running requests end (a worker mid-``add`` finishes or rolls
        back), then remove ``<repo>/api``."""
        self._stopping.set()
        self._unobserve()
        for runner in self._runners + self._retired:
            await runner.cleanup()
        self._runners.clear()
        self._retired.clear()
        with self._workers_lock:
            workers = list(self._workers)
        deadline = time.monotonic() + 5.0
        for worker in workers:
            remaining = deadline - time.monotonic()
            if remaining > 0:
                await asyncio.get_running_loop().run_in_executor(None, worker.join, remaining)
        if self.api_file:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.api_file)

    async def _main(self, ready: Callable[[], None], handle_signals: bool,
                    stopping: Callable[[], None] = lambda: None) -> None:
        await self.start()
        try:
            if handle_signals:
                on_signals(self._on_signal)
            ready()
            await self.wait()
            stopping()
        finally:
            await self.close()

    def _on_signal(self) -> None:
        """daemon.go: the first interrupt shuts down cleanly, a second one forces it."""
        self._signalled += 1
        if self._signalled > 1:
            os._exit(1)
        self.request_stop()

    def run(self, *, on_ready: Callable[[], None] = lambda: None) -> None:
        """Serve until SIGINT, SIGTERM or ``/api/v0/shutdown`` (the CLI); daemon.go prints the
        interrupt lines whichever way the stop came."""
        def announce_stop() -> None:
            for line in MSG_SHUTDOWN:
                self.say(line)

        asyncio.run(self._main(on_ready, True, announce_stop))

    @contextlib.contextmanager
    def background(self, timeout: float = 10.0) -> Iterator["Daemon"]:
        """Serve from a background thread for the ``with`` block; stopped and joined after it."""
        with in_background(self._main, self.request_stop, "fakeipfs daemon", timeout):
            yield self

    # --- handlers ------------------------------------------------------------------------------

    def _worker(self, exchange: _Exchange, produce: Callable[[], Response]) -> None:
        body: Optional[Iterator[bytes]] = None
        try:
            response = produce()
            if not exchange.put(("start", response)):
                return
            body = response.iter_body()
            for chunk in body:
                if chunk and not exchange.put(("chunk", bytes(chunk))):
                    return
            exchange.put(("end", response.trailers))
        except IPFSError as exc:  # e.g. a block missing halfway through a file
            exchange.put(("error", exc))
        except BaseException as exc:  # a fakeipfs bug: reported by the handler
            log.exception("fakeipfs daemon: request failed")
            exchange.put(("error", exc))
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
            with self._workers_lock:
                self._workers.discard(threading.current_thread())

    async def _serve(self, request: Any, produce: Callable[[], Response],
                     extra_headers: Optional[dict[str, str]] = None) -> Any:
        """Run ``produce`` in a worker thread; stream what it returns back to the client."""
        from aiohttp import web
        loop = asyncio.get_running_loop()
        exchange = _Exchange(loop)
        worker = threading.Thread(target=self._worker, args=(exchange, produce),
                                  name="fakeipfs-request", daemon=True)
        with self._workers_lock:
            self._workers.add(worker)
        worker.start()
        response: Optional[Response] = None
        finished = False
        try:
            kind, value = await exchange.queue.get()
            if kind == "error":
                message = value.message if isinstance(value, IPFSError) else f"fakeipfs internal error: {value}"
                return web.Response(status=500, text=message + "\n")
            response = value
            headers = dict(response.headers)
            headers.update(extra_headers or {})
            resp = web.StreamResponse(status=response.status, headers=headers)
            has_length = any(k.lower() == "content-length" for k in headers)
            if request.method != "HEAD" and response.status not in (204, 304) and not has_length:
                resp.enable_chunked_encoding()
            await resp.prepare(request)
            trailers: Mapping[str, str] = {}
            while True:
                kind, value = await exchange.queue.get()
                if kind == "chunk":
                    await resp.write(value)
                elif kind == "end":
                    trailers = value or {}
                    break
                elif isinstance(value, RetrievalTruncated):
                    _reset(request)  # boxo middleware_retrieval_timeout.go: hijack, SetLinger(0), Close
                    finished = True
                    return resp
                else:  # a failure after the headers went out: end the stream with the error
                    message = value.message if isinstance(value, IPFSError) else f"fakeipfs internal error: {value}"
                    trailers = {"X-Stream-Error": message}
                    if has_length:  # the body is short: close, so the client sees it cut
                        resp.force_close()
                    break
            if request.method != "HEAD" and response.status not in (204, 304) and not has_length:
                await _write_eof(resp, trailers)
            else:
                await resp.write_eof()
            finished = True
            return resp
        finally:
            exchange.cancelled.set()
            if not finished and response is not None:
                _close_body(response.body)

    def _authorized(self, request: Any) -> bool:
        """kubo core/corehttp/commands.go ``withAuthSecrets``."""
        if not self._auth:
            return True
        allowed = self._auth.get(request.headers.get("Authorization", ""))
        if allowed is None:
            return False
        return request.path == "/api/v0/version" or any(request.path.startswith(p) for p in allowed)

    async def _handle_api(self, request: Any) -> Any:
        path = request.path
        if path == "/webui" or path.startswith("/webui/"):
            return _webui_file(path)
        if not path.startswith(("/api/v0/", CONTROL_PREFIX)):
            return await self._send(request, text_response(404, ERR_NOT_FOUND))
        if not self._authorized(request):
            return await self._send(request, text_response(403, ERR_ACCESS_DENIED))
        if path == FAULTS_CONTROL:
            return await self._faults_control(request)
        if path in _STATE_CONTROL:
            return await self._state_control(request, path[len(CONTROL_PREFIX):])
        if path.startswith(CONTROL_PREFIX):
            query = dict(request.rel_url.query.items())
            return await self._serve(request, lambda: self._control(request.method, path, query))
        try:
            faulted = api_faults.intercept(self.node, Request(request.method, path))
        except api_faults.Refused:
            return self._refuse(request)
        except api_faults.Hang:
            return await self._hang(request)
        if faulted is not None:
            return await self._send(request, faulted, {"Server": server_header(self.version)})
        length = request.content_length
        if self.max_request_size is not None and length is not None and length > self.max_request_size:
            return await self._send(request, text_response(413, ERR_BODY_TOO_LARGE),
                                    {"Connection": "close"})
        body = _BodyReader(request.content, asyncio.get_running_loop(), self._stopping, self.max_request_size)
        rpc_request = Request(request.method, path, list(request.rel_url.query.items()),
                              {k.lower(): v for k, v in request.headers.items()},
                              body if request.body_exists else None)

        # The command runs in a context of its own (go-ipfs-cmds http/handler.go: the request's
        # context), cancelled when the handler ends, and so when the client goes away (aiohttp
        # cancels the handler): a fetch the worker waits in then ends.
        context = network.Context()

        def produce() -> Response:
            with network.entered(context):
                response = self.dispatcher.handle(rpc_request)
            if body.too_large:
                return text_response(413, ERR_BODY_TOO_LARGE)
            return response

        try:
            return await self._serve(request, produce, {"Server": server_header(self.version)})
        finally:
            context.cancel()
            await body.stop()

    @staticmethod
    def _refuse(request: Any) -> Any:
        """An API fault's ``"refuse"`` (or a request on a connection accepted before its node
        crashed): close the connection unanswered (the client reports the connection aborted)."""
        from aiohttp import web
        request.transport.close()
        return web.Response(status=500)  # never sent: the connection is gone

    async def _hang(self, request: Any) -> Any:
        """An API fault's ``"timeout"``: answer nothing until the client gives up (aiohttp
        cancels this handler when it disconnects) or the daemon stops."""
        assert self._stop is not None
        await self._stop.wait()
        return self._refuse(request)

    async def _faults_control(self, request: Any) -> Any:
        """``/fakeipfs/v0/faults`` (:mod:`fakeipfs.api_faults`): GET the node's API faults and
        its network's faults, POST a JSON object setting some, DELETE clearing them; each
        answers the state after it, or 400 with ``{"Message": ...}`` and nothing changed."""
        method = request.method.upper()
        if method not in ("GET", "POST", "DELETE"):
            return await self._send(request, text_response(405, ERR_METHOD,
                                                           {"Allow": "GET, POST, DELETE"}))
        body = await request.read() if method == "POST" else b""

        def produce() -> Response:
            try:
                if method == "POST":
                    try:
                        value = json.loads(body or b"null")
                    except ValueError as exc:
                        raise ValueError(f"faults: the body is not JSON: {exc}") from None
                    api_faults.control_set(self.node, value)
                elif method == "DELETE":
                    api_faults.control_clear(self.node)
            except ValueError as exc:
                return _json(400, {"Message": str(exc)})
            return _json(200, api_faults.control_state(self.node))

        return await self._serve(request, produce)

    def _control(self, method: str, path: str, query: Mapping[str, str]) -> Response:
        """The ``/fakeipfs/v0/*`` test-harness endpoints (see the module docstring)."""
        action = path[len(CONTROL_PREFIX):]
        allowed = ("GET", "POST") if action == "requests" else ("POST",)
        if action not in ("reset", "requests", "snapshot", "restore"):
            return text_response(404, ERR_NOT_FOUND)
        if method.upper() not in allowed:
            return text_response(405, ERR_METHOD, {"Allow": ", ".join(allowed)})
        try:
            if action == "requests":
                return _json(200, [dataclasses.asdict(r) for r in inspection.of(self.node).requests])
            if action == "reset":
                self.node.reset()
                return _json(200, {})
            if action == "snapshot":
                snapshot = self.node.snapshot()
                with self._snapshots_lock:
                    ident = len(self._snapshots) + 1
                    self._snapshots[ident] = snapshot
                return _json(200, {"id": ident})
            try:
                ident = int(query.get("id", ""))
            except ValueError:
                return _json(400, {"Message": f"restore needs ?id=<snapshot id>, got {query.get('id')!r}"})
            with self._snapshots_lock:
                snapshot = self._snapshots.get(ident)
            if snapshot is None:
                return _json(404, {"Message": f"no snapshot with id {ident}"})
            self.node.restore(snapshot)
            return _json(200, {})
        except ValueError as exc:  # a repo-backed node
            return _json(400, {"Message": str(exc)})

    async def _state_control(self, request: Any, action: str) -> Any:
        """``GET /fakeipfs/v0/state`` (the dashboard's JSON, :func:`fakeipfs.webui.state`),
        ``GET /fakeipfs/v0/export`` (the node's state as a CAR, :func:`fakeipfs.state.export`)
        and ``POST /fakeipfs/v0/import`` (body: such a CAR; ``{}``, or 400 with
        ``{"Message": ...}`` and the node unchanged)."""
        from . import state, webui
        method = _STATE_CONTROL[CONTROL_PREFIX + action]
        if request.method.upper() != method:
            return await self._send(request, text_response(405, ERR_METHOD, {"Allow": method}))
        body = await request.read() if action == "import" else b""

        def produce() -> Response:
            try:
                if action == "state":
                    value = webui.state(self.node, api=self.api_addr, gateway=self.gateway_addr)
                    return Response(200, {"Content-Type": "application/json", "Cache-Control": "no-cache"},
                                    [json.dumps(value, default=str).encode()])
                if action == "export":
                    return Response(200, {"Content-Type": "application/vnd.ipld.car"}, [state.export(self.node)])
                state.import_into(self.node, body)
                return _json(200, {})
            except (state.StateError, ValueError) as exc:  # a bad archive, a repo-backed node
                return _json(400, {"Message": exc.message if isinstance(exc, IPFSError) else str(exc)})

        return await self._serve(request, produce)

    async def _handle_gateway(self, request: Any) -> Any:
        """A gateway request runs in a :class:`fakeipfs.network.Context` of its own, Go's
        ``r.Context()``: cancelled once the handler ends, and so when the client goes away
        (aiohttp cancels the handler), which ends a fetch the worker waits in."""
        headers = dict(request.headers.items())
        context = network.Context()
        try:
            return await self._serve(request, lambda: self.gateway.handle(
                request.method, request.raw_path, headers, context=context))
        finally:
            context.cancel()

    async def _send(self, request: Any, response: Response, extra: Optional[dict[str, str]] = None) -> Any:
        from aiohttp import web
        headers = dict(response.headers)
        headers.update(extra or {})
        return web.Response(status=response.status, headers=headers, body=response.read_all())


def _json(status: int, value: Any) -> Response:
    return Response(status, {"Content-Type": "application/json"}, [json.dumps(value).encode() + b"\n"])


def _webui_file(path: str) -> Any:
    """The dashboard (:mod:`fakeipfs.webui`): ``/webui`` and ``/webui/`` are its page,
    ``/webui/<file>`` its script and style sheet; anything else under it is not found."""
    from aiohttp import web

    from . import webui
    name = path[len("/webui/"):] if path.startswith("/webui/") else ""
    name = name or "index.html"
    if name not in webui.FILES:
        return web.Response(status=404, text=ERR_NOT_FOUND + "\n")
    return web.Response(status=200, body=webui.asset(name), content_type=webui.FILES[name],
                        charset="utf-8", headers={"Cache-Control": "no-cache"})


#: The control endpoints that carry or return a node's whole state (:meth:`Daemon._state_control`):
#: path -> allowed method.
_STATE_CONTROL = {CONTROL_PREFIX + "state": "GET", CONTROL_PREFIX + "export": "GET",
                  CONTROL_PREFIX + "import": "POST"}


# --- the CLI's side: a Node whose methods are RPC calls ------------------------------------------


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _multipart(entries: Sequence[Any], boundary: str) -> Iterator[bytes]:
    """boxo files/multifilereader.go in form mode: one part per file, directory (``application/
    x-directory``, then its entries as ``dir/name``) and symlink (``application/symlink``); mode
    and mtime ride in the part name (``file?mode=0644&mtime=...``); names are query-escaped."""
    from .unixfs.files import Directory, Symlink

    def part(entry: Any, prefix: str) -> Iterator[bytes]:
        name = f"{prefix}/{entry.name}" if prefix else entry.name
        params = []
        if getattr(entry, "mode", 0):
            params.append(("mode", "0" + format(entry.mode, "o")))
        if getattr(entry, "mtime", None):
            params.append(("mtime", str(entry.mtime[0])))
            if entry.mtime[1]:
                params.append(("mtime-nsecs", str(entry.mtime[1])))
        field = "file" + ("?" + urlencode(sorted(params)) if params else "")
        kind = ("application/x-directory" if isinstance(entry, Directory)
                else "application/symlink" if isinstance(entry, Symlink) else "application/octet-stream")
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
               f"filename=\"{quote_plus(name)}\"\r\nContent-Type: {kind}\r\n\r\n").encode("utf-8")
        if isinstance(entry, Directory):
            yield b"\r\n"
            for child in entry.entries:
                yield from part(child, name)
            return
        if isinstance(entry, Symlink):
            yield entry.target.encode("utf-8", "surrogateescape") + b"\r\n"
            return
        reader = entry.open()
        try:
            while True:
                chunk = reader.read(1 << 20)
                if not chunk:
                    break
                yield chunk
        finally:
            reader.close()
        yield b"\r\n"

    for entry in entries:
        yield from part(entry, "")
    yield f"--{boundary}--\r\n".encode()


class _HTTPResponse:
    """An RPC answer: status, headers and a body to stream or decode."""

    def __init__(self, response: http.client.HTTPResponse, connection: http.client.HTTPConnection) -> None:
        self.raw = response
        self.connection = connection

    def chunks(self) -> Iterator[bytes]:
        try:
            while True:
                piece = self.raw.read1(_CHUNK)
                if not piece:
                    break
                yield piece
        finally:
            self.connection.close()

    def read(self) -> bytes:
        return b"".join(self.chunks())

    def json(self) -> Any:
        return json.loads(self.read())

    def values(self) -> Iterator[Any]:
        """An NDJSON stream; an in-band error object raises it."""
        buffer = b""
        for chunk in self.chunks():
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line.strip():
                    yield _check_value(json.loads(line))
        if buffer.strip():
            yield _check_value(json.loads(buffer))


def _check_value(value: Any) -> Any:
    if isinstance(value, dict) and value.get("Type") == "error" and "Message" in value:
        raise IPFSError(value["Message"])
    return value


class _RemoteBlocks:
    """``node.blockstore.get`` over ``block/get`` (the CLI reads a few nodes itself)."""

    def __init__(self, remote: "RemoteNode") -> None:
        self._remote = remote

    def get(self, cid: CID) -> bytes:
        return self._remote.block_get(str(cid))


class RemoteNode:
    """The :class:`~fakeipfs.Node` methods the CLI calls, each sent to a running daemon as
    kubo's RPC request (kubo's CLI sends its command line to the daemon the same way)."""

    def __init__(self, addr: Multiaddr, *, authorization: str = "", timeout: float = 30.0) -> None:
        self.addr = addr
        self.authorization = authorization
        self.timeout = timeout
        self.repo = None
        self.blockstore = _RemoteBlocks(self)
        self.kubo_version = KuboVersion.parse(self.call("version").json()["Version"])

    # --- transport -------------------------------------------------------------------------

    def call(self, command: str, args: Sequence[str] = (), options: Optional[Mapping[str, Any]] = None,
             body: Optional[Iterable[bytes]] = None, content_type: str = "") -> _HTTPResponse:
        """POST ``/api/v0/<command>?arg=...&<options>``; an error status raises kubo's message."""
        query = [("arg", str(a)) for a in args]
        for key, value in (options or {}).items():
            if value is None:
                continue
            query.append((key, _bool(value) if isinstance(value, bool) else str(value)))
        target = f"/api/v0/{command}" + ("?" + urlencode(query) if query else "")
        connection = http.client.HTTPConnection(self.addr.host, self.addr.port, timeout=self.timeout)
        headers = {"User-Agent": "fakeipfs-cli"}
        if self.authorization:
            headers["Authorization"] = self.authorization
        if content_type:
            headers["Content-Type"] = content_type
        try:
            if body is not None:
                connection.request("POST", target, body=iter(body), headers=headers, encode_chunked=True)
            else:
                connection.request("POST", target, headers=headers)
            response = connection.getresponse()
        except BaseException:
            connection.close()
            raise
        answer = _HTTPResponse(response, connection)
        if response.status >= 400:
            text = answer.read()
            try:
                message = json.loads(text)["Message"]
            except (ValueError, KeyError, TypeError):
                message = text.decode("utf-8", "replace").strip()
            raise IPFSError(message)
        return answer

    def _files(self, command: str, entries: Sequence[Any], args: Sequence[str] = (),
               options: Optional[Mapping[str, Any]] = None) -> _HTTPResponse:
        boundary = uuid.uuid4().hex
        return self.call(command, args, options, _multipart(entries, boundary),
                         f"multipart/form-data; boundary={boundary}")

    @staticmethod
    def _file(data: "bytes | BinaryIO") -> Any:
        from .unixfs.files import File
        if isinstance(data, (bytes, bytearray)):
            return File.from_bytes("", bytes(data))
        return File("", lambda: data)

    # --- Node methods ------------------------------------------------------------------------

    _ADD_OPTIONS = {"chunker": "chunker", "trickle": "trickle", "raw_leaves": "raw-leaves",
                    "cid_version": "cid-version", "hash": "hash", "inline": "inline",
                    "inline_limit": "inline-limit", "only_hash": "only-hash", "pin": "pin",
                    "preserve_mode": "preserve-mode", "preserve_mtime": "preserve-mtime",
                    "mode": "mode", "mtime": "mtime", "mtime_nsecs": "mtime-nsecs",
                    "max_file_links": "max-file-links", "empty_dirs": "empty-dirs",
                    "wrap_with_directory": "wrap-with-directory"}

    def add(self, *entries: Any, recursive: bool = False, on_event: Optional[Callable] = None, **options: Any) -> list:
        from .unixfs.importer import AddEvent
        wire = {"stream-channels": True}
        for name, value in options.items():
            if name in self._ADD_OPTIONS:
                wire[self._ADD_OPTIONS[name]] = value
        events = []
        for value in self._files("add", [self._file(e) if isinstance(e, bytes) else e for e in entries],
                                 options=wire).values():
            if "Hash" not in value:
                continue
            mtime = (value["Mtime"], value.get("MtimeNsecs", 0)) if "Mtime" in value else None
            event = AddEvent(value.get("Name", ""), CID.decode(value["Hash"]), int(value.get("Size") or 0),
                             int(value["Mode"], 8) if "Mode" in value else None, mtime)
            events.append(event)
            if on_event is not None:
                on_event(event)
        return events

    def resolve(self, path: "str | CID") -> CID:
        if isinstance(path, CID):
            return path
        return CID.decode(self.call("block/stat", [path]).json()["Key"])

    def cat_stream(self, path: "str | CID", offset: int = 0, length: Optional[int] = None) -> Iterator[bytes]:
        options: dict[str, Any] = {"offset": offset or None, "length": length}
        return self.call("cat", [str(path)], options).chunks()

    def cat(self, path: "str | CID", offset: int = 0, length: Optional[int] = None) -> bytes:
        return b"".join(self.cat_stream(path, offset, length))

    def ls(self, path: "str | CID", resolve_type: bool = True) -> list:
        from .unixfs.exporter import Entry
        objects = self.call("ls", [str(path)], {"resolve-type": resolve_type}).json()["Objects"]
        return [Entry(link["Name"], CID.decode(link["Hash"]), int(link.get("Size", 0)),
                      int(link.get("Type", 0)), link.get("Target", ""))
                for obj in objects for link in obj.get("Links") or []]

    def get(self, path: str, *, archive: bool = False, compress: bool = False,
            compression_level: Optional[int] = None) -> Iterator[bytes]:
        return self.call("get", [str(path)], {"archive": archive, "compress": compress,
                                              "compression-level": compression_level}).chunks()

    def block_put(self, data: bytes, *, format: Optional[str] = None, cid_codec: Optional[str] = None,
                  mhtype: str = "sha2-256", mhlen: int = -1, pin: bool = False) -> CID:
        options = {"format": format, "cid-codec": cid_codec, "mhtype": mhtype, "mhlen": mhlen, "pin": pin}
        return CID.decode(self._files("block/put", [self._file(data)], options=options).json()["Key"])

    def block_get(self, path: "str | CID") -> bytes:
        return self.call("block/get", [str(path)]).read()

    def block_stat(self, path: "str | CID") -> tuple[CID, int]:
        value = self.call("block/stat", [str(path)]).json()
        return CID.decode(value["Key"]), int(value["Size"])

    def block_rm(self, cids: Iterable["str | CID"], *, force: bool = False) -> list:
        return [(CID.decode(v["Hash"]), v.get("Error") or None)
                for v in self.call("block/rm", [str(c) for c in cids], {"force": force}).values()]

    def pin_add(self, *paths: "str | CID", recursive: bool = True) -> list[CID]:
        value = self.call("pin/add", [str(p) for p in paths], {"recursive": recursive}).json()
        return [CID.decode(c) for c in value.get("Pins") or []]

    def pin_rm(self, *paths: "str | CID", recursive: bool = True) -> list[CID]:
        value = self.call("pin/rm", [str(p) for p in paths], {"recursive": recursive}).json()
        return [CID.decode(c) for c in value.get("Pins") or []]

    def pin_ls(self, *paths: "str | CID", type: str = "all") -> dict[str, str]:
        out: dict[str, str] = {}
        for value in self.call("pin/ls", [str(p) for p in paths], {"type": type}).values():
            for key, info in (value.get("Keys") or {}).items():
                out[key] = info["Type"]
            if "Cid" in value:  # --stream shape
                out[value["Cid"]] = value["Type"]
        return out

    def pin_update(self, old: "str | CID", new: "str | CID", *, unpin: bool = True) -> tuple[CID, CID]:
        pins = self.call("pin/update", [str(old), str(new)], {"unpin": unpin}).json()["Pins"]
        return CID.decode(pins[0]), CID.decode(pins[1])

    def pin_verify(self) -> Iterator[tuple[CID, list]]:
        for value in self.call("pin/verify", options={"verbose": True}).values():
            bad = [(CID.decode(n["Cid"]), n.get("Err", "")) for n in value.get("BadNodes") or []]
            yield CID.decode(value["Cid"]), bad

    def repo_gc(self) -> list[CID]:
        removed = []
        for value in self.call("repo/gc").values():
            if value.get("Error"):
                raise IPFSError(value["Error"])
            removed.append(CID.decode(value["Key"]["/"]))
        return removed

    def repo_stat(self) -> dict:
        return self.call("repo/stat").json()

    def _codec_options(self, store_codec: str, input_codec: str) -> dict[str, str]:
        """dag put's codec flags: ``store-codec``/``input-codec`` from v0.10, ``format``/
        ``input-enc`` before (docs/changelogs/v0.10.md)."""
        if self.kubo_version >= KuboVersion(0, 10, 0):
            return {"store-codec": store_codec, "input-codec": input_codec}
        return {"format": store_codec, "input-enc": input_codec}

    def dag_put(self, data: bytes, *, store_codec: str = "dag-cbor", input_codec: str = "dag-json",
                pin: bool = False, hash: Optional[str] = None) -> CID:
        options: dict[str, Any] = {**self._codec_options(store_codec, input_codec), "pin": pin, "hash": hash}
        value = self._files("dag/put", [self._file(data)], options=options).json()
        return CID.decode(value["Cid"]["/"])

    def dag_get(self, path: str, *, output_codec: str = "dag-json") -> bytes:
        options = {"output-codec": output_codec} if self.kubo_version >= KuboVersion(0, 10, 0) else {}
        return self.call("dag/get", [path], options).read()

    def dag_resolve(self, path: str) -> tuple[CID, str]:
        value = self.call("dag/resolve", [path]).json()
        return CID.decode(value["Cid"]["/"]), value.get("RemPath", "")

    def dag_export(self, path: str) -> Iterator[bytes]:
        return self.call("dag/export", [path]).chunks()

    def dag_import(self, stream: BinaryIO, *, pin_roots: bool = True) -> list[tuple[CID, str]]:
        out = []
        for value in self._files("dag/import", [self._file(stream)], options={"pin-roots": pin_roots}).values():
            root = value.get("Root")
            if root:
                out.append((CID.decode(root["Cid"]["/"]), root.get("PinErrorMsg", "")))
        return out


def node_for_repo(repo: str, *, authorization: str = "") -> Optional[RemoteNode]:
    """A :class:`RemoteNode` for the daemon named by ``<repo>/api``, or None when there is no
    api file or nothing answers there (kubo falls back to the local repo then)."""
    from .multiaddr import read_api_file
    try:
        addr = read_api_file(repo)
    except MultiaddrError:
        return None
    if addr is None:
        return None
    try:
        return RemoteNode(addr, authorization=authorization)
    except (OSError, http.client.HTTPException):
        return None


def serve(node: Any, *, api: Optional[str] = None, gateway: Optional[str] = None,
          allow_remote: bool = False, max_request_size: Optional[int] = None,
          say: Optional[Callable[[str], None]] = None) -> None:
    """Run the daemon for the CLI until it is stopped. As kubo, the addresses default to the
    repo config's ``Addresses.API`` and ``Addresses.Gateway`` and ``API.Authorizations`` comes
    from it (:mod:`fakeipfs.config`); ``Daemon is ready`` follows the servers' lines."""
    from . import config
    settings = config.of(node).data
    addresses = settings.get("Addresses") or {}
    say = say or (lambda line: print(line, flush=True))
    daemon = Daemon(node, api=api or _first(addresses.get("API")) or DEFAULT_API,
                    gateway=gateway if gateway is not None else _first(addresses.get("Gateway")),
                    allow_remote=allow_remote, max_request_size=max_request_size, say=say,
                    authorizations=(settings.get("API") or {}).get("Authorizations") or {})
    daemon.run(on_ready=lambda: say("Daemon is ready"))
