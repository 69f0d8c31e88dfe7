"""Requests and responses of kubo's RPC API, independent of any transport.

A transport (the in-process ``requests`` adapter, the HTTP daemon) turns its request into a
:class:`Request` and writes the :class:`Response` back; everything between is the dispatcher's.
Response shapes are go-ipfs-cmds ``http/responseemitter.go``: a single JSON value, a value
stream (``X-Chunked-Output: 1``, NDJSON), a byte stream (``X-Stream-Output: 1``,
``X-Content-Length``), or an error ``{"Message","Code","Type":"error"}`` (HTTP 500, or 400 for
client errors); every command response announces ``Trailer: X-Stream-Error``.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable, Iterator, Optional
from urllib.parse import parse_qsl, urlsplit

STREAM_HEADER = "X-Stream-Output"
CHANNEL_HEADER = "X-Chunked-Output"
LENGTH_HEADER = "X-Content-Length"
STREAM_ERROR_HEADER = "X-Stream-Error"
EXPOSED = f"{STREAM_HEADER}, {CHANNEL_HEADER}, {LENGTH_HEADER}"

#: go-ipfs-cmds error codes (error.go): ErrNormal, ErrClient, ErrImplementation, ...
ERR_NORMAL, ERR_CLIENT, ERR_IMPLEMENTATION, ERR_RATE_LIMITED, ERR_FORBIDDEN = 0, 1, 2, 3, 4


@dataclass
class Request:
    """One RPC call: method, path (``/api/v0/...``), query pairs in order, headers, body."""

    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: Optional[BinaryIO] = None

    @classmethod
    def from_url(cls, method: str, url: str, headers: Optional[dict[str, str]] = None,
                 body: "bytes | BinaryIO | None" = None) -> "Request":
        parts = urlsplit(url)
        stream = io.BytesIO(body) if isinstance(body, (bytes, bytearray)) else body
        return cls(method.upper(), parts.path, parse_qsl(parts.query, keep_blank_values=True),
                   {k.lower(): v for k, v in (headers or {}).items()}, stream)

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    """Status, headers and a body produced lazily (so streams stream, and errors raised
    mid-stream can still be reported in the ``X-Stream-Error`` trailer)."""

    status: int
    headers: dict[str, str]
    body: Iterable[bytes] = ()
    trailers: dict[str, str] = field(default_factory=dict)

    def iter_body(self) -> Iterator[bytes]:
        yield from self.body

    def read_all(self) -> bytes:
        return b"".join(self.iter_body())

    def close(self) -> None:
        """The client went away: release what the body holds (e.g. a pubsub subscription).
        Safe to call from another thread while the body is being read."""
        close = getattr(self.body, "close", None)
        if close is not None:
            try:
                close()
            except ValueError:  # a generator running in another thread; it ends on its own
                pass


def _base_headers() -> dict[str, str]:
    return {"Access-Control-Allow-Headers": EXPOSED, "Access-Control-Expose-Headers": EXPOSED,
            "Trailer": STREAM_ERROR_HEADER}


def text_response(status: int, text: str, headers: Optional[dict[str, str]] = None) -> Response:
    """Go's ``http.Error``: plain text and a newline, as for 400/404/405 before a command runs."""
    out = {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}
    out.update(headers or {})
    return Response(status, out, [text.encode() + b"\n"])


def error_json(message: str, code: int = ERR_NORMAL) -> bytes:
    """``cmds.Error.MarshalJSON`` plus the encoder's newline."""
    return go_json({"Message": message, "Code": code, "Type": "error"})


def error_response(message: str, code: int = ERR_NORMAL) -> Response:
    """A command error before any output: 500, or 400 for ``ErrClient``."""
    headers = _base_headers()
    headers["Content-Type"] = "application/json"
    return Response(400 if code == ERR_CLIENT else 500, headers, [error_json(message, code)])


def go_json(value: object) -> bytes:
    """Go ``encoding/json`` as the cmds JSON encoder writes a value: compact, HTML-safe
    escapes for ``<``, ``>`` and ``&``, non-ASCII kept, then a newline."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text.encode("utf-8") + b"\n"


def single_response(value: object) -> Response:
    headers = _base_headers()
    headers["Content-Type"] = "application/json"
    return Response(200, headers, [go_json(value)])


def channel_response(values: Iterable[object], trailers: Optional[dict] = None) -> Response:
    """A value stream (``res.Emit`` many times): NDJSON under ``X-Chunked-Output``."""
    headers = _base_headers()
    headers["Content-Type"] = "application/json"
    headers[CHANNEL_HEADER] = "1"
    response = Response(200, headers, (), trailers if trailers is not None else {})
    response.body = _stream_values(values, response)
    return response


def _stream_values(values: Iterable[object], response: Response) -> Iterator[bytes]:
    from ..errors import IPFSError
    try:
        for value in values:
            yield go_json(value)
    except IPFSError as exc:
        # Mid-stream: kubo sets the X-Stream-Error trailer; ipfshttpclient only notices an
        # in-band error object, so write that too (kubo-spec §2.1).
        response.trailers[STREAM_ERROR_HEADER] = exc.message
        yield error_json(exc.message, exc.code)


def bytes_response(chunks: Iterable[bytes], length: Optional[int] = None,
                   content_type: str = "text/plain") -> Response:
    """A byte stream (``res.Emit(io.Reader)``): ``X-Stream-Output`` and ``X-Content-Length``."""
    headers = _base_headers()
    headers["Content-Type"] = content_type
    headers[STREAM_HEADER] = "1"
    if length is not None:
        headers[LENGTH_HEADER] = str(length)
    response = Response(200, headers)
    response.body = stream_bytes(chunks, response)
    return response


def stream_bytes(chunks: Iterable[bytes], response: Response,
                 write_message: bool = False) -> Iterator[bytes]:
    """A byte body that ends with the ``X-Stream-Error`` trailer when producing it fails
    (go-ipfs-cmds; boxo's gateway CAR and TAR handlers, the TAR one also writing the message
    into the body)."""
    from ..errors import IPFSError
    try:
        for chunk in chunks:
            if chunk:
                yield bytes(chunk)
    except IPFSError as exc:
        response.trailers[STREAM_ERROR_HEADER] = exc.message
        if write_message:
            yield exc.message.encode()


def empty_response() -> Response:
    """A command that emits nothing: 200, ``X-Chunked-Output: 1``, empty body."""
    headers = _base_headers()
    headers["Content-Type"] = "application/json"
    headers[CHANNEL_HEADER] = "1"
    return Response(200, headers, [])
