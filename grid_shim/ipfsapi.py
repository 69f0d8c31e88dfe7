"""OpenMined Grid's flat IPFS client: py-ipfs-api ("ipfsapi") 0.4.2 as Grid vendored it
(``grid/ipfsapi/``, Grid commit ee5e3440), plus the pubsub methods Grid added
(``client.py:790-818``) and its #153 ``pubsub_peers`` patch. Written afresh on ``requests``.

What ipfsapi 0.4.2 sends and reads (``ipfsapi/http.py`` ``HTTPClient.request``,
``ipfsapi/multipart.py``, ``ipfsapi/encoding.py``), kept here:

- ``stream-channels=true``, then the options, then one ``arg=`` per positional argument;
- **GET** unless there is a body (then POST). kubo 0.5 made the RPC API POST-only
  (docs/changelogs/v0.5.md): on a ``405`` (the command did not run) a client switches to POST
  for good and resends, so Grid code also runs against a modern daemon;
- bytes go up as ``multipart/form-data`` with one ``Content-Disposition: file;
  filename="bytes"`` part, streamed;
- JSON answers are parsed one object per line; a call returns the object when there was exactly
  one, a list otherwise (``[]`` for an empty body); ``stream=True`` sends the request at once
  and returns an iterator of the decoded objects;
- errors: a JSON ``{"Message": ...}`` error body raises :class:`ErrorResponse` carrying kubo's
  message, any other HTTP error :class:`StatusError`; socket failures :class:`ConnectionError`,
  timeouts :class:`TimeoutError` (the names of ``ipfsapi.exceptions``, also reachable as
  ``grid_shim.ipfsapi.exceptions.X``).

Pubsub across kubo's history (core/commands/pubsub.go at v0.4.13, v0.4.14, v0.11.0):

- up to 0.10 topics are plain ``arg=`` values and ``pubsub_pub`` sends the payload as the
  second ``arg`` (Grid's way); messages are ``{"from","data","seqno","topicIDs"}`` with Go's
  standard base64 ``[]byte`` fields, all ``omitempty``; up to 0.4.13 ``{}`` comes first;
- from 0.11 (docs/changelogs/v0.11.md "Multibase in PubSub HTTP RPC API") topics travel as
  multibase ``u`` base64url args, ``pub`` data as a multipart file, and messages carry ``from``
  as the peer ID text and multibase ``data``/``seqno``/``topicIDs``. The client then speaks that
  wire and translates each message back to the legacy shape, so Grid code is unchanged.

The client learns the daemon's version (``/version``) on its first pubsub call.

Deviations from Grid's copy, decided for the shim:

- :func:`connect` checks only ``version >= 0.4.3`` (ipfsapi 0.4.2 also refused ``>= 0.5.0``),
  so Grid code runs against every kubo version fakeipfs emulates;
- ``pubsub_peers`` returns ``[]`` where Grid's #153 patch returned ``None`` for go-ipfs 0.4.13's
  ``{"Strings":null}`` (every Grid caller did ``... or []``);
- ``pubsub_sub`` always streams (an endless body cannot be read whole; ipfsapi 0.4.3 forced
  ``stream=True`` too) and is sent when called, not at the first ``next``; closing the iterator
  closes the HTTP stream, which unsubscribes;
- :class:`ConnectionError` and :class:`TimeoutError` also derive from the Python built-ins of
  the same names, so Grid's ``except ConnectionError`` (``lib/utils.py:61``) catches them.

:func:`for_node` gives a client that reaches an in-process :class:`fakeipfs.Node` with no socket;
inside ``fakeipfs.mock()`` every :class:`Client` made without a session (so :func:`connect` too)
reaches the mock's node.
"""
from __future__ import annotations

import base64
import builtins
import json
import socket
import threading
import types
import uuid
from typing import Any, Callable, Iterable, Iterator, Optional, Union

import requests
from multiformats import multibase

from fakeipfs import transport
from fakeipfs.multiaddr import Multiaddr
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.versions import KuboVersion

__version__ = "0.4.2"  # the ipfsapi release Grid vendored

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 5001
DEFAULT_BASE = "api/v0"
#: ipfsapi 0.4.2 ``VERSION_MINIMUM``; its ``VERSION_MAXIMUM`` ("0.5.0") is not enforced.
VERSION_MINIMUM = "0.4.3"

Json = Any


# --- exceptions (ipfsapi/exceptions.py names and hierarchy) ------------------------------------

class Error(Exception):
    """Base class of every ipfsapi exception."""


class VersionMismatch(Error):
    """The daemon's version is not supported."""

    def __init__(self, current: str, minimum: str) -> None:
        self.current = current
        self.minimum = minimum
        super().__init__(f"Unsupported daemon version '{current}' (not in range: {minimum} ≤ …)")


class EncoderError(Error):
    """Encoding or decoding failed."""

    def __init__(self, message: str, encoder_name: str) -> None:
        self.encoder_name = encoder_name
        super().__init__(message)


class EncodingError(EncoderError):
    def __init__(self, encoder_name: str, original: Exception) -> None:
        self.original = original
        super().__init__(f"Object encoding error: {original}", encoder_name)


class DecodingError(EncoderError):
    def __init__(self, encoder_name: str, original: Exception) -> None:
        self.original = original
        super().__init__(f"Object decoding error: {original}", encoder_name)


class CommunicationError(Error):
    """Talking to the daemon failed; ``original`` is the underlying exception."""

    def __init__(self, original: Optional[BaseException], _message: Optional[str] = None) -> None:
        self.original = original
        super().__init__(_message or f"{type(original).__name__}: {original}")


class ProtocolError(CommunicationError):
    """The answer could not be parsed (not an IPFS daemon?)."""


class StatusError(CommunicationError):
    """The daemon answered with an HTTP error status."""


class ErrorResponse(StatusError):
    """The daemon answered with kubo's JSON error; ``str(exc)`` is kubo's ``Message``."""

    def __init__(self, message: str, original: Optional[BaseException]) -> None:
        super().__init__(original, message)


class ConnectionError(CommunicationError, builtins.ConnectionError):  # noqa: A001 - ipfsapi's name
    """Connecting to the daemon failed."""


class TimeoutError(CommunicationError, builtins.TimeoutError):  # noqa: A001 - ipfsapi's name
    """The daemon did not answer in time."""


#: ``ipfsapi.exceptions``
exceptions = types.SimpleNamespace(
    Error=Error, VersionMismatch=VersionMismatch, EncoderError=EncoderError,
    EncodingError=EncodingError, DecodingError=DecodingError, CommunicationError=CommunicationError,
    ProtocolError=ProtocolError, StatusError=StatusError, ErrorResponse=ErrorResponse,
    ConnectionError=ConnectionError, TimeoutError=TimeoutError)


def assert_version(version: str, minimum: str = VERSION_MINIMUM) -> None:
    """ipfsapi ``assert_version``, lower bound only (see the module docstring)."""
    if KuboVersion.parse(version) < KuboVersion.parse(minimum):
        raise VersionMismatch(version, minimum)


# --- wire helpers ------------------------------------------------------------------------------

_DECODER = json.JSONDecoder()


def _parse_json(data: bytes) -> list[Json]:
    """The JSON values in a body, one after the other (kubo writes one per line; ``config show``
    before 0.4.18 writes one indented value over many lines)."""
    try:
        text = data.decode("utf-8")
        values, pos = [], 0
        while True:
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos == len(text):
                return values
            value, pos = _DECODER.raw_decode(text, pos)
            values.append(value)
    except ValueError as exc:  # UnicodeDecodeError too
        raise DecodingError("json", exc) from None


def _multipart_bytes(data: bytes) -> tuple[dict[str, str], Iterator[bytes]]:
    """ipfsapi ``multipart.stream_bytes``: the envelope headers and the streamed body of one
    ``file; filename="bytes"`` part."""
    boundary = uuid.uuid4().hex
    headers = {"Content-Disposition": 'form-data; filename="bytes"',
               "Content-Type": f'multipart/form-data; boundary="{boundary}"'}
    body = iter((f"--{boundary}\r\n".encode(),
                 b'Content-Disposition: file; filename="bytes"\r\n'
                 b"Content-Type: application/octet-stream\r\n\r\n",
                 data, b"\r\n", f"--{boundary}--\r\n".encode()))
    return headers, body


def _multibase_arg(text: str) -> str:
    """kubo (0.11+) pubsub topic args: ``u`` + unpadded base64url of the UTF-8 bytes."""
    return "u" + base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _from_multibase(text: str) -> bytes:
    return multibase.decode(text)


def _std64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def legacy_message(message: Json) -> Json:
    """A kubo 0.11+ ``pubsub sub`` message in the go-ipfs 0.4.x shape Grid decodes.

    kubo (core/commands/pubsub.go at v0.22.0, ``pubsubMessage``) sends ``from`` as
    ``msg.From().Pretty()`` (base58btc peer ID) and ``data``, ``seqno`` and each topic as
    ``base64url`` multibase (``u`` alone when empty). go-ipfs 0.4.x sent the floodsub
    ``pb.Message``: ``from`` the peer ID's multihash bytes, ``data``/``seqno`` the raw bytes, each
    standard base64 and omitted when empty, ``topicIDs`` plain text. Anything that is not a
    message (an error line) is kept as it is."""
    if not isinstance(message, dict) or "from" not in message:
        return message
    out: dict[str, Any] = {}
    sender = multibase.decode("z" + message["from"])  # peer.ID's base58btc text
    if sender:
        out["from"] = _std64(sender)
    for field in ("data", "seqno"):
        raw = _from_multibase(message[field]) if message.get(field) else b""
        if raw:
            out[field] = _std64(raw)
    topics = [_from_multibase(t).decode("utf-8", "surrogateescape") for t in message.get("topicIDs") or ()]
    if topics:
        out["topicIDs"] = topics
    return out


class Stream:
    """An open streaming answer: iterate the decoded JSON objects (raw chunks without a decoder);
    :meth:`close` (also on leaving a ``with`` block, or from another thread) ends the HTTP
    stream, and iteration stops.

    Closing from another thread while a reader is blocked on the socket only shuts the socket
    down; the reader, woken, closes the response itself. Closing the response there would hand
    its connection back to the session's pool while the reader's urllib3 still winds it down
    (closing it on the read error): another thread's request on that connection then failed
    with ``ResponseNotReady`` (seen as a Grid worker's model that "is not a model")."""

    def __init__(self, response: requests.Response, decode: bool,
                 transform: Callable[[Json], Json] = lambda item: item) -> None:
        self._response = response
        self._closed = threading.Event()
        self._state = threading.Lock()  # guards _reading, _released and the closing decision
        self._reading = False
        self._released = False
        self._items = self._decoded(transform) if decode else self._chunks()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def _chunks(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_content(chunk_size=None)
        except requests.RequestException as exc:
            if not self.closed:
                raise _communication_error(exc) from exc

    def _decoded(self, transform: Callable[[Json], Json]) -> Iterator[Json]:
        """Values as their lines complete; a value spread over several lines waits for the
        line that completes it (as ipfsapi's incremental parser does)."""
        complete, pending = b"", b""
        for chunk in self._chunks():
            lines, newline, pending = (pending + chunk).rpartition(b"\n")
            if not newline:
                continue
            complete += lines + newline
            try:
                values = _parse_json(complete)
            except DecodingError:
                continue
            complete = b""
            for item in values:
                yield transform(item)
        for item in _parse_json(complete + pending):
            yield transform(item)

    def __iter__(self) -> "Stream":
        return self

    def __next__(self) -> Json:
        with self._state:
            if self.closed:
                raise StopIteration
            self._reading = True
        try:
            return next(self._items)
        except StopIteration:
            raise
        except Exception:
            if self.closed:  # closed from another thread while reading: whatever broke, it ends
                raise StopIteration from None
            raise
        finally:
            with self._state:
                self._reading = False
                closed_meanwhile = self.closed
            if closed_meanwhile:
                self._release()

    def close(self) -> None:
        with self._state:
            if self.closed:
                return
            self._closed.set()
            reader_releases = self._reading and _shutdown_socket(self._response)
        if not reader_releases:
            self._release()

    def _release(self) -> None:
        """Close the response (its connection goes back to the pool), once."""
        with self._state:
            if self._released:
                return
            self._released = True
        self._response.close()

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _shutdown_socket(response: requests.Response) -> bool:
    """Wake a reader blocked on the socket in another thread: ``close`` alone does not (Linux
    keeps a ``recv`` waiting on a closed descriptor). False if there is no socket (in-process
    answers, which ``close`` wakes)."""
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    return True


def _communication_error(exc: requests.RequestException) -> CommunicationError:
    if isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.ConnectTimeout):
        return ConnectionError(exc)
    if isinstance(exc, requests.Timeout):
        return TimeoutError(exc)
    return CommunicationError(exc)


# --- the client --------------------------------------------------------------------------------

class Client:
    """ipfsapi 0.4.2 ``Client`` (flat methods) on ``http://<host>:<port>/<base>``.

    ``session``: the ``requests.Session`` to send through; without one, a new session (or,
    inside ``fakeipfs.mock()``, one that reaches the mock's node)."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, base: str = DEFAULT_BASE,
                 session: Optional[requests.Session] = None, timeout: Optional[float] = None) -> None:
        if session is None:
            node = transport.mocked_node()
            session = transport.session_for(Dispatcher(node)) if node is not None else requests.Session()
        self.url = f"http://{host}:{port}/{base.strip('/')}"
        self.session = session
        self.timeout = timeout
        self._post_only = False
        self._version: Optional[KuboVersion] = None

    # --- transport ---------------------------------------------------------------------------

    def _send(self, path: str, args: Iterable[Any] = (), opts: Iterable[tuple[str, Any]] = (),
              data: Optional[bytes] = None, stream: bool = False) -> requests.Response:
        params = [("stream-channels", "true"), *opts, *(("arg", a) for a in args)]
        headers: dict[str, str] = {}
        body: Optional[Iterator[bytes]] = None
        if data is not None:
            headers, body = _multipart_bytes(data)
        method = "post" if body is not None or self._post_only else "get"
        try:
            response = self.session.request(method, self.url + path, params=params, data=body,
                                            headers=headers, stream=True, timeout=self.timeout)
            if response.status_code == 405 and method == "get":  # kubo >= 0.5: POST only
                response.close()
                self._post_only = True
                response = self.session.request("post", self.url + path, params=params,
                                                stream=True, timeout=self.timeout)
        except requests.RequestException as exc:
            raise _communication_error(exc) from exc
        if response.status_code >= 400:
            self._raise_for_status(response)
        if not stream:
            try:
                response.content  # noqa: B018 - read the whole body now
            except requests.RequestException as exc:
                raise _communication_error(exc) from exc
        return response

    @staticmethod
    def _raise_for_status(response: requests.Response) -> None:
        try:
            response.raise_for_status()
        except requests.HTTPError as error:
            try:
                content = _parse_json(response.content)
            except (DecodingError, requests.RequestException):
                content = []
            if len(content) == 1 and isinstance(content[0], dict) and "Message" in content[0]:
                raise ErrorResponse(content[0]["Message"], error) from error
            raise StatusError(error) from error

    def _json(self, path: str, *args: Any, opts: Iterable[tuple[str, Any]] = (),
              data: Optional[bytes] = None) -> Json:
        found = _parse_json(self._send(path, args, opts, data).content)
        return found[0] if len(found) == 1 else found

    def _stream(self, path: str, *args: Any, data: Optional[bytes] = None,
                transform: Callable[[Json], Json] = lambda item: item) -> Stream:
        return Stream(self._send(path, args, data=data, stream=True), True, transform)

    def daemon_version(self) -> KuboVersion:
        """The daemon's version, asked once."""
        if self._version is None:
            self._version = KuboVersion.parse(self.version()["Version"])
        return self._version

    # --- core --------------------------------------------------------------------------------

    def version(self) -> Json:
        """``/version``: ``{"Version": ..., "Commit": ..., "Repo": ..., ...}``."""
        return self._json("/version")

    def id(self, peer: Optional[str] = None) -> Json:
        """``/id [peer]``."""
        return self._json("/id", *([peer] if peer else []))

    def config_show(self) -> Json:
        """``/config/show``: the whole config (Grid reads ``["Identity"]["PeerID"]``)."""
        return self._json("/config/show")

    def swarm_connect(self, address: str, *addresses: str) -> Json:
        """``/swarm/connect``: raises :class:`ErrorResponse` with kubo's message on failure."""
        return self._json("/swarm/connect", address, *addresses)

    def add_bytes(self, data: bytes) -> str:
        """``/add`` of one file named ``bytes``; its ``Hash``."""
        return self._hash(self._json("/add", data=bytes(data)))

    def add_str(self, string: str) -> str:
        """``add_bytes`` of the UTF-8 text."""
        return self.add_bytes(string.encode("utf-8"))

    def add_json(self, json_obj: Any) -> str:
        """ipfsapi ``encoding.Json().encode``: sorted keys, compact separators, ASCII escapes."""
        try:
            data = json.dumps(json_obj, sort_keys=True, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise EncodingError("json", exc) from None
        return self.add_bytes(data)

    @staticmethod
    def _hash(answer: Json) -> str:
        """ipfsapi ``@return_field('Hash')``."""
        if not isinstance(answer, dict) or "Hash" not in answer:
            raise ProtocolError(None, f"add: no Hash in the daemon's answer {answer!r}")
        return answer["Hash"]

    def cat(self, multihash: str, stream: bool = False) -> Union[bytes, Stream]:
        """``/cat``: the file's bytes (an iterator of chunks with ``stream=True``)."""
        response = self._send("/cat", (multihash,), stream=stream)
        return Stream(response, False) if stream else response.content

    def get_json(self, multihash: str) -> Json:
        """``cat`` decoded as JSON."""
        found = _parse_json(self._send("/cat", (multihash,)).content)
        return found[0] if len(found) == 1 else found

    # --- pubsub (Grid's additions) -------------------------------------------------------------

    def _pubsub_topic(self, topic: str) -> str:
        return _multibase_arg(topic) if self.daemon_version().pubsub_multibase else topic

    def pubsub_ls(self) -> Json:
        """``/pubsub/ls``: ``{"Strings": [topics] or None}`` (topics as plain text)."""
        answer = self._json("/pubsub/ls")
        if self.daemon_version().pubsub_multibase and isinstance(answer, dict) and answer.get("Strings"):
            answer["Strings"] = [_from_multibase(t).decode("utf-8", "surrogateescape")
                                 for t in answer["Strings"]]
        return answer

    def pubsub_peers(self, topic: Optional[str] = None) -> list[str]:
        """``/pubsub/peers [topic]``: the remote peers (subscribed to ``topic``), always a list."""
        answer = self._json("/pubsub/peers", *([self._pubsub_topic(topic)] if topic else []))
        if isinstance(answer, dict):
            answer = answer.get("Strings")
        if answer is None:
            return []
        return [answer] if isinstance(answer, str) else list(answer)

    def pubsub_pub(self, topic: str, payload: Union[str, bytes], stream: bool = False) -> Json:
        """``/pubsub/pub``: publishes at once, whatever ``stream``; returns ``[]`` (the empty
        answer), or with ``stream=True`` an already finished :class:`Stream`."""
        if self.daemon_version().pubsub_multibase:
            data = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
            response = self._send("/pubsub/pub", (_multibase_arg(topic),), data=data, stream=stream)
        else:
            response = self._send("/pubsub/pub", (topic, payload), stream=stream)
        if stream:
            return Stream(response, True)
        found = _parse_json(response.content)
        return found[0] if len(found) == 1 else found

    def pubsub_sub(self, topic: str, discover: bool = False, stream: bool = True) -> Stream:
        """``/pubsub/sub``: subscribed when this returns; a blocking iterator of raw message dicts
        in go-ipfs 0.4.x's shape (with 0.4.13's leading ``{}``), translated from the multibase
        wire on kubo 0.11+. ``stream`` is accepted for Grid's calls; the answer always streams."""
        if self.daemon_version().pubsub_multibase:
            return self._stream("/pubsub/sub", _multibase_arg(topic), transform=legacy_message)
        return self._stream("/pubsub/sub", topic, discover)


def connect(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, base: str = DEFAULT_BASE,
            **kwargs: Any) -> Client:
    """ipfsapi ``connect``: a :class:`Client`, after checking the daemon's version."""
    client = Client(host, port, base, **kwargs)
    assert_version(client.version()["Version"])
    return client


def connect_multiaddr(addr: str, **kwargs: Any) -> Client:
    """:func:`connect` to the RPC API at a multiaddr, as kubo prints it (``RPC API server
    listening on /ip4/127.0.0.1/tcp/5001``) and writes it to ``$IPFS_PATH/api``;
    ``/ip4``, ``/ip6`` and ``/dns*`` hosts, an optional ``/http`` suffix. A malformed address
    raises :class:`fakeipfs.multiaddr.MultiaddrError` (a ``ValueError``)."""
    parsed = Multiaddr.parse(addr)
    return connect(parsed.url_host(), parsed.port, **kwargs)


def for_node(node: Any, **kwargs: Any) -> Client:
    """A client for an in-process :class:`fakeipfs.Node`: requests reach the node's RPC
    dispatcher through a ``requests`` adapter, with no socket and no version check. The node is
    the client's ``fakeipfs_node`` (as on ``fakeipfs.client``)."""
    client = Client(session=transport.session_for(Dispatcher(node)), **kwargs)
    client.fakeipfs_node = node  # type: ignore[attr-defined]
    return client
