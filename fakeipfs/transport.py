"""In-process front doors: the real ``ipfshttpclient`` (and ``requests``) talking to a
:class:`~fakeipfs.rpc.dispatcher.Dispatcher` with no socket and no thread.

``fakeipfs.client(node)`` returns a genuine ``ipfshttpclient.Client`` whose ``requests``
session has a transport adapter mounted; ``fakeipfs.mock()`` patches
``ipfshttpclient.connect`` so unmodified application code gets such a client.

API faults (:mod:`fakeipfs.api_faults`) and crashed nodes answer here as over HTTP: a fault's
reply, or the exception the client library raises when the daemon refuses the connect (a
crashed node), closes the connection unanswered or does not answer before the client's read
timeout (raised at once).
"""
from __future__ import annotations

import contextlib
import functools
import http.client
import io
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Iterator, Optional
from urllib.parse import urlsplit

import requests
import urllib3
import urllib3.connection
import urllib3.exceptions
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from . import api_faults
from .rpc.dispatcher import Dispatcher
from .rpc.wire import Request, Response

#: The address in-process clients use; any host works, nothing listens there.
INPROC_ADDR = "/dns/fakeipfs.invalid/tcp/5001/http"


class _BodyStream(io.RawIOBase):
    """A request body that ``requests`` gives as bytes, a file or an iterator of chunks.

    ``read(n)`` gathers chunks until it has ``n`` bytes (or the body ends) and joins them once:
    clients send many small chunks (ipfshttpclient: 8 KiB), and the multipart reader asks for up
    to 1 MiB at a time. A chunk is produced only when a read needs it."""

    def __init__(self, body: Any) -> None:
        if body is None:
            self._chunks: Iterator[bytes] = iter(())
        elif isinstance(body, (bytes, bytearray)):
            self._chunks = iter((bytes(body),))
        elif isinstance(body, str):
            self._chunks = iter((body.encode(),))
        elif hasattr(body, "read"):
            self._chunks = iter(lambda: body.read(1 << 20), b"")
        else:
            self._chunks = (c if isinstance(c, bytes) else _as_bytes(c) for c in body)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def read(self, size: Optional[int] = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        pieces: list = []
        if self._pending:
            pieces.append(self._pending[:size])
            self._pending = self._pending[size:] if len(self._pending) > size else memoryview(b"")
            size -= len(pieces[0])
        while size > 0:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            if len(chunk) > size:
                view = memoryview(chunk)
                chunk, self._pending = view[:size], view[size:]
            if chunk:
                pieces.append(chunk)
                size -= len(chunk)
        return b"".join(pieces)

    def readall(self) -> bytes:
        pending, self._pending = self._pending, memoryview(b"")
        return b"".join([pending, *self._chunks])

    def readinto(self, buf) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(buf))
        buf[:len(data)] = data
        return len(data)


def _as_bytes(chunk: Any) -> bytes:
    """A body chunk as ``bytes``: text is UTF-8 (as ``requests`` sends it), anything else is
    copied (a producer may reuse its buffer for the next chunk)."""
    return chunk.encode() if isinstance(chunk, str) else bytes(chunk)


class _RawResponse(io.RawIOBase):
    """What ``requests.Response.raw`` needs: ``read`` and ``stream`` over the body chunks."""

    def __init__(self, answer: Response) -> None:
        self._answer = answer
        self._chunks = iter(answer.iter_body())
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        n = min(len(buf), len(self._pending))
        buf[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        """``requests`` closes ``raw`` when the response is closed: end the body too (a
        ``pubsub sub`` stream unsubscribes)."""
        self._answer.close()
        super().close()

    def stream(self, amt: int = 65536, decode_content: Optional[bool] = None) -> Iterator[bytes]:
        if self._pending:
            yield self._pending
            self._pending = b""
        yield from self._chunks


#: HTTP reason phrases, as a server sends them.
_REASONS = {status.value: status.phrase for status in HTTPStatus}


def _answer(dispatcher: Dispatcher, rpc_request: Request) -> Response:
    """The dispatcher's answer, unless an API fault answers instead or raises
    :class:`~fakeipfs.api_faults.Refused` / :class:`~fakeipfs.api_faults.Hang`, which each
    transport turns into what its library raises for a connection closed without an answer and
    for a read timeout (:mod:`fakeipfs.api_faults`)."""
    return api_faults.intercept(dispatcher.node, rpc_request) or dispatcher.handle(rpc_request)


def _requests_failure(exc: Exception, request: requests.PreparedRequest, timeout: Any) -> requests.RequestException:
    """What ``requests`` raises over HTTP when the connect is refused (``ConnectionError``
    around urllib3's ``MaxRetryError`` caused by ``NewConnectionError``: requests' adapter
    retries nothing), when the daemon closes the connection unanswered (``ConnectionError``
    around urllib3's ``ProtocolError``) or does not answer in time (``ReadTimeout``; at once
    here, as if the client's read timeout had passed)."""
    parts = urlsplit(request.url or "")
    host, port = parts.hostname or "", parts.port or 80
    if isinstance(exc, api_faults.ConnectionRefused):
        refused = urllib3.exceptions.NewConnectionError(
            urllib3.connection.HTTPConnection(host, port),
            f"{api_faults.NEW_CONNECTION_FAILED}: {api_faults.ECONNREFUSED}")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return requests.ConnectionError(urllib3.exceptions.MaxRetryError(
            urllib3.HTTPConnectionPool(host, port), path, refused), request=request)
    if isinstance(exc, api_faults.Refused):
        return requests.ConnectionError(urllib3.exceptions.ProtocolError(
            api_faults.ABORTED, http.client.RemoteDisconnected(api_faults.REMOTE_DISCONNECTED)), request=request)
    read = timeout[1] if isinstance(timeout, tuple) else timeout
    pool = f"HTTPConnectionPool(host={host!r}, port={port})"
    return requests.ReadTimeout(urllib3.exceptions.ReadTimeoutError(
        pool, request.url, f"Read timed out. (read timeout={read})"), request=request)  # type: ignore[arg-type]


class DispatcherAdapter(BaseAdapter):
    """A ``requests`` transport adapter that answers from a dispatcher."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        super().__init__()
        self.dispatcher = dispatcher

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        rpc_request = Request.from_url(request.method or "GET", request.url or "/",
                                       dict(request.headers), None)
        rpc_request.body = _BodyStream(request.body)
        try:
            answer = _answer(self.dispatcher, rpc_request)
        except (api_faults.Refused, api_faults.Hang) as exc:
            raise _requests_failure(exc, request, timeout) from None
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(answer.headers)
        response.raw = _RawResponse(answer)
        response.url = request.url or ""
        response.request = request
        response.reason = _REASONS.get(answer.status, "")  # any status an API fault may give
        response.encoding = None
        response.connection = self
        if not stream:
            response.content  # noqa: B018 - read the body now, as requests does
        return response

    def close(self) -> None:
        pass


def session_for(dispatcher: Dispatcher) -> requests.Session:
    """A ``requests.Session`` whose every http(s) URL reaches ``dispatcher``."""
    session = requests.Session()
    session.trust_env = False  # no proxy or .netrc lookups: nothing here goes over a network
    adapter = DispatcherAdapter(dispatcher)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def client(node: Any = None, *, kubo_version: Optional[str] = None, **kwargs: Any):
    """A genuine ``ipfshttpclient.Client`` wired to ``node`` (a new in-memory node if None).

    The client's version check (``connect``) is not run; :func:`connect` runs it."""
    import ipfshttpclient
    from .node import Node
    node = node if node is not None else Node(**({"kubo_version": kubo_version} if kubo_version else {}))
    dispatcher = Dispatcher(node)
    kwargs.setdefault("addr", INPROC_ADDR)
    ipfs = ipfshttpclient.Client(**kwargs)
    _wire(ipfs, dispatcher)
    ipfs.fakeipfs_node = node  # type: ignore[attr-defined]
    return ipfs


def _wire(ipfs: Any, dispatcher: Dispatcher) -> None:
    adapter = DispatcherAdapter(dispatcher)
    http = ipfs._client  # ipfshttpclient.http_requests.ClientSync
    http._session_props["adapters"] = OrderedDict((("https://", adapter), ("http://", adapter)))
    http._session_props["trust_env"] = False  # as session_for: no proxy or .netrc lookups
    if getattr(http, "_session", None) is not None:
        http._session.adapters = OrderedDict((("https://", adapter), ("http://", adapter)))
        http._session.trust_env = False


def connect(node: Any = None, **kwargs: Any):
    """``ipfshttpclient.connect`` for an in-process node: same version check, same errors."""
    import ipfshttpclient
    ipfs = client(node, **kwargs)
    ipfshttpclient.assert_version(ipfs.apply_workarounds()["Version"])
    return ipfs


#: The nodes of the active ``mock()`` blocks, innermost last.
_MOCKED: list = []


def mocked_node() -> Any:
    """The node of the innermost active :class:`mock` (None outside one): other front doors
    (``grid_shim.ipfsapi``) consult it when they connect, as ``ipfshttpclient.connect`` is patched."""
    return _MOCKED[-1] if _MOCKED else None


@contextlib.contextmanager
def _patched(node: Any):
    import ipfshttpclient
    import ipfshttpclient.client as client_module
    from .node import Node
    shared = node if node is not None else Node()
    original = ipfshttpclient.connect

    @functools.wraps(original)
    def fake_connect(addr: Any = None, base: Any = None, **kwargs: Any):
        kwargs.pop("session", None)
        return connect(shared, **kwargs)

    ipfshttpclient.connect = fake_connect
    client_module.connect = fake_connect
    _MOCKED.append(shared)
    try:
        yield shared
    finally:
        _MOCKED.remove(shared)
        ipfshttpclient.connect = original
        client_module.connect = original


class mock:  # noqa: N801 - used like moto's mock_* and fakeredis: as a decorator or a context
    """Patch ``ipfshttpclient.connect`` so code under test reaches an in-process node.

    ``with fakeipfs.mock() as node: ...`` or ``@fakeipfs.mock()`` on a test function."""

    def __init__(self, node: Any = None) -> None:
        self.node = node
        self._cm: Any = None

    def __enter__(self):
        self._cm = _patched(self.node)
        return self._cm.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._cm.__exit__(*exc)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any):
            with _patched(self.node):
                return fn(*args, **kwargs)
        return wrapper


# --- httpx ------------------------------------------------------------------------------------

def _httpx_request(request: Any, body: Any) -> Request:
    rpc_request = Request.from_url(request.method, str(request.url), dict(request.headers), None)
    rpc_request.body = body
    return rpc_request


def _httpx_failure(exc: Exception, request: Any) -> Exception:
    """What httpx raises over HTTP for a refused connect, a connection closed unanswered or a
    read timeout."""
    import httpx
    if isinstance(exc, api_faults.ConnectionRefused):
        return httpx.ConnectError(api_faults.ECONNREFUSED, request=request)
    if isinstance(exc, api_faults.Refused):
        return httpx.RemoteProtocolError(api_faults.HTTPX_DISCONNECTED, request=request)
    return httpx.ReadTimeout("timed out", request=request)


class HTTPXTransport:
    """An ``httpx.BaseTransport`` answering from a dispatcher (sync ``httpx.Client``)."""

    def __new__(cls, dispatcher: Dispatcher):
        import httpx

        class _SyncStream(httpx.SyncByteStream):
            def __init__(self, raw: _RawResponse) -> None:
                self._raw = raw

            def __iter__(self) -> Iterator[bytes]:
                yield from self._raw.stream()

            def close(self) -> None:
                self._raw.close()

        class _Transport(httpx.BaseTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                try:
                    answer = _answer(dispatcher, _httpx_request(request, _BodyStream(request.stream)))
                except (api_faults.Refused, api_faults.Hang) as exc:
                    raise _httpx_failure(exc, request) from None
                return httpx.Response(answer.status, headers=answer.headers,
                                      stream=_SyncStream(_RawResponse(answer)))

        return _Transport()


class AsyncHTTPXTransport:
    """An ``httpx.AsyncBaseTransport`` for async code (``httpx.AsyncClient``): the dispatcher
    runs in a worker thread, and so does each read of the body, so the event loop never waits
    on a command (a ``pubsub sub`` stream included)."""

    def __new__(cls, dispatcher: Dispatcher):
        import asyncio

        import httpx

        class _AsyncStream(httpx.AsyncByteStream):
            def __init__(self, raw: _RawResponse) -> None:
                self._raw = raw
                self._chunks = raw.stream()

            async def __aiter__(self):
                while True:
                    chunk = await asyncio.to_thread(next, self._chunks, None)
                    if chunk is None:
                        return
                    yield chunk

            async def aclose(self) -> None:
                self._raw.close()

        class _Transport(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                body = b"".join([part async for part in request.stream])
                try:
                    answer = await asyncio.to_thread(
                        _answer, dispatcher, _httpx_request(request, io.BytesIO(body)))
                except (api_faults.Refused, api_faults.Hang) as exc:
                    raise _httpx_failure(exc, request) from None
                return httpx.Response(answer.status, headers=answer.headers,
                                      stream=_AsyncStream(_RawResponse(answer)))

        return _Transport()


def httpx_client(node: Any = None, *, asynchronous: bool = False, **kwargs: Any):
    """An ``httpx.Client`` (or ``AsyncClient``) whose requests reach ``node``'s RPC API, with
    ``base_url`` set so that ``client.post("/api/v0/add", ...)`` works."""
    import httpx
    from .node import Node
    dispatcher = Dispatcher(node if node is not None else Node())
    kwargs.setdefault("base_url", "http://fakeipfs.invalid:5001")
    if asynchronous:
        return httpx.AsyncClient(transport=AsyncHTTPXTransport(dispatcher), **kwargs)
    return httpx.Client(transport=HTTPXTransport(dispatcher), **kwargs)
