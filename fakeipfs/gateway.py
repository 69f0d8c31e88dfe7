"""kubo's read-only path gateway (``/ipfs/<cid>[/path]``, ``/ipns/<name>``), as boxo
``gateway/`` serves it, independent of any HTTP server: ``Gateway(node).handle(method, target,
headers) -> Response`` (the :class:`~fakeipfs.rpc.wire.Response` the RPC layer uses, so the
daemon streams both the same way).

Followed from boxo ``gateway/handler.go`` (routing, ``?format=``/``Accept`` negotiation,
``X-Ipfs-Path``, ``X-Ipfs-Roots``, ``Etag``, ``Cache-Control``, ``If-None-Match`` → 304,
``Content-Location``, superfluous-namespace and ``?uri=`` redirects, ``only-if-cached``),
``handler_defaults.go`` (``Range`` parsing), ``handler_unixfs_file.go`` (Content-Type by
extension, then sniffed; symlinks are ``inode/symlink``), ``handler_unixfs_dir.go`` (301 to add a
trailing slash, ``index.html``, generated listing), ``handler_block.go`` (``?format=raw``),
``handler_car.go`` (``?format=car``, its weak xxhash ETag), ``handler_tar.go`` (``?format=tar``),
``handler_codec.go`` (dag-json/dag-cbor blocks; codec conversion refused with 406, IPIP-524),
``serve_http_content.go`` (one byte range, 206/416) and ``errors.go`` (status codes: 400 for a
bad CID or path, 404 for a missing link *and* for a block missing offline, since the offline
exchange wraps ``ipld.ErrNotFound`` and ``isErrNotFound`` maps it to 404; 500 otherwise).

Fetching (kubo core/corehttp/gateway.go ``newGatewayBackend``: the blocks backend over the
node's online ``n.Blocks``): on a node of a :class:`fakeipfs.Network` a block the node lacks is
fetched from its reachable peers and stored (``Node._get``, :class:`fakeipfs.network.Bitswap`),
inside the request's context (Go's ``r.Context()``: :meth:`Gateway.handle`'s ``context``, which
the daemon cancels when its client goes away). Content no reachable peer has is waited for:
before kubo 0.37 until the client goes away; from 0.37 (:func:`~fakeipfs.versions.gateway_retrieval_timeout`)
for ``Gateway.RetrievalTimeout`` at most (boxo v0.34.0 ``middleware_retrieval_timeout.go``,
default ``DefaultRetrievalTimeout`` 30s, ``0`` disables it; read when the gateway is made, as
kubo reads its config when the daemon starts): no answer by then is a 504 with ``http.Error``'s
"Unable to retrieve content within timeout period"; after the headers, each non-empty chunk
resets the timer and a stall past it ends the body with boxo's truncation message and a reset
connection. ``Gateway.NoFetch`` keeps the gateway to the local blockstore. A lone node
(``node.exchange is None``) never waits, so it has no timer and reads neither setting.

Deliberate differences: the directory listing and error pages are plain, compact HTML rather
than boxo's templates (so the listing's ETag hash differs); errors are always plain text (boxo
sends an HTML page to browsers); Content-Type sniffing covers the common types only; a CAR
holds the blocks of the path's segments and the terminal DAG but not the inner HAMT shards
walked through on the way; ``entity-bytes`` CAR requests are answered 501; subdomain and
DNSLink gateways, ``_redirects`` and the dag-json HTML preview are not emulated.
"""
from __future__ import annotations

import html
import mimetypes
import posixpath
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from multiformats import CID

from . import path as paths
from .errors import (ERR_GATEWAY_RETRIEVAL_TIMEOUT, ERR_GATEWAY_RETRIEVAL_TIMEOUT_WRITE,
                     GATEWAY_TRUNCATION_MESSAGE, IPFSError, NotFound, RetrievalTruncated, go_quote_body)
from .rpc.wire import Response, stream_bytes

IMMUTABLE_CACHE_CONTROL = "public, max-age=29030400, immutable"
#: handler_unixfs_dir.go ``dirListingCacheControl`` for an immutable path.
DIR_LISTING_CACHE_CONTROL = "public, max-age=604800, stale-while-revalidate=2678400"
#: boxo ``assets.AssetHash`` stands for the listing template's version; fakeipfs' is its own.
ASSET_HASH = "fakeipfs1"

RAW_FORMAT = "application/vnd.ipld.raw"
CAR_FORMAT = "application/vnd.ipld.car"
TAR_FORMAT = "application/x-tar"
JSON_FORMAT = "application/json"
CBOR_FORMAT = "application/cbor"
DAG_JSON_FORMAT = "application/vnd.ipld.dag-json"
DAG_CBOR_FORMAT = "application/vnd.ipld.dag-cbor"
IPNS_RECORD_FORMAT = "application/vnd.ipfs.ipns-record"

FORMAT_PARAMS = {"raw": RAW_FORMAT, "car": CAR_FORMAT, "tar": TAR_FORMAT, "json": JSON_FORMAT,
                 "cbor": CBOR_FORMAT, "dag-json": DAG_JSON_FORMAT, "dag-cbor": DAG_CBOR_FORMAT,
                 "ipns-record": IPNS_RECORD_FORMAT}
_FORMAT_NAMES = {v: k for k, v in FORMAT_PARAMS.items()}

#: multicodec code -> content type (handler_codec.go ``codecToContentType``).
_CODEC_TYPES = {0x0200: JSON_FORMAT, 0x51: CBOR_FORMAT, 0x0129: DAG_JSON_FORMAT, 0x71: DAG_CBOR_FORMAT}
_CODEC_RAW_OK = {JSON_FORMAT: (0x0200, 0x0129), CBOR_FORMAT: (0x51, 0x71)}
_CODEC_TARGET = {DAG_JSON_FORMAT: 0x0129, DAG_CBOR_FORMAT: 0x71}
_CODEC_EXT = {JSON_FORMAT: ".json", DAG_JSON_FORMAT: ".json", CBOR_FORMAT: ".cbor", DAG_CBOR_FORMAT: ".cbor"}
_CODEC_NAMES = {0x55: "raw", 0x70: "dag-pb", 0x0200: "json", 0x51: "cbor", 0x0129: "dag-json",
                0x71: "dag-cbor"}

# boxo errors.go and handler texts
ERR_UNSUPPORTED_FORMAT = "unsupported response format requested"
ERR_CONVERSION_NOT_SUPPORTED = "converting to requested format is not supported"
ERR_INVALID_URI_PARAM = "failed to parse uri query parameter"
ERR_INVALID_URI_SCHEME = "uri query parameter scheme must be ipfs or ipns"
ERR_UNSUPPORTED_CAR_SCOPE = "unsupported application/vnd.ipld.car scope parameter"
ERR_UNSUPPORTED_CAR_ORDER = "unsupported application/vnd.ipld.car order parameter"
ERR_CAR_VERSION = "unsupported application/vnd.ipld.car version: only version=1 is supported"
ERR_INDEX_NOT_FILE = "index.html could not be read: not a file"
ERR_SERVICE_WORKER = "navigator.serviceWorker: registration is not allowed for this scope"
ERR_INVALID_RANGE = "invalid range"
ERR_NO_OVERLAP = "invalid range: failed to overlap"
ERR_CODEC_CONVERSION_HINT = ("codec conversion is not supported, fetch raw block with ?format=raw "
                             "and convert client-side")
ERR_PAGE_NOT_FOUND = "404 page not found"

#: boxo gateway.go ``DefaultRetrievalTimeout`` (kubo config ``DefaultRetrievalTimeout``), seconds.
DEFAULT_RETRIEVAL_TIMEOUT = 30.0
#: handler.go ``handleOnlyIfCached``: the cache check gets 80% of the retrieval timeout.
CACHE_CHECK_SHARE = 0.8

T = TypeVar("T")

#: Go ``mime.TypeByExtension``'s built-in table (mime/type.go); other extensions fall back to
#: the system's mime.types through :mod:`mimetypes`, as Go reads those too.
_GO_MIME_TYPES = {
    ".avif": "image/avif", ".css": "text/css; charset=utf-8", ".gif": "image/gif",
    ".htm": "text/html; charset=utf-8", ".html": "text/html; charset=utf-8",
    ".jpeg": "image/jpeg", ".jpg": "image/jpeg", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json", ".mjs": "text/javascript; charset=utf-8",
    ".pdf": "application/pdf", ".png": "image/png", ".svg": "image/svg+xml",
    ".wasm": "application/wasm", ".webp": "image/webp", ".xml": "text/xml; charset=utf-8",
}

_HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div",
              b"<font", b"<table", b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p",
              b"<!--")
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"%PDF-", "application/pdf"),
          (b"PK\x03\x04", "application/zip"), (b"\x1f\x8b", "application/gzip"),
          (b"\x00asm", "application/wasm"), (b"RIFF", "application/octet-stream"))
SNIFF_LEN = 3072


def sniff(head: bytes) -> str:
    """The common cases of gabriel-vasile/mimetype ``DetectReader`` (what boxo uses)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if magic == b"RIFF" and head[8:12] == b"WEBP":
                return "image/webp"
            return kind
    text = head.lstrip(b"\t\n\x0c\r ")
    lowered = text[:32].lower()
    for tag in _HTML_TAGS:
        if lowered.startswith(tag) and len(lowered) > len(tag) and lowered[len(tag)] in b" >":
            return "text/html; charset=utf-8"
    if lowered.startswith(b"<?xml"):
        return "image/svg+xml" if b"<svg" in text[:512].lower() else "text/xml; charset=utf-8"
    if lowered.startswith(b"<svg"):
        return "image/svg+xml"
    if not head:
        return "text/plain"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a multi-byte character cut off at the end is fine
            return "application/octet-stream"
        decoded = head[:exc.start].decode("utf-8")
    if any(ord(c) < 0x20 and c not in "\t\n\r\x0c\x1b" for c in decoded):
        return "application/octet-stream"
    if text[:1] in (b"{", b"[") and len(head) < SNIFF_LEN:
        import json
        try:
            json.loads(decoded)
            return "application/json"
        except ValueError:
            pass
    return "text/plain; charset=utf-8"


def type_by_extension(name: str) -> str:
    """Go ``mime.TypeByExtension(path.Ext(name))`` ("" when unknown)."""
    ext = posixpath.splitext(name)[1]
    if not ext:
        return ""
    known = _GO_MIME_TYPES.get(ext.lower())
    if known:
        return known
    guessed = mimetypes.types_map.get(ext.lower()) or mimetypes.types_map.get(ext)
    return guessed or ""


# --- small Go helpers -------------------------------------------------------------------------


def path_escape(text: str) -> str:
    """Go ``url.PathEscape``."""
    return quote(text, safe="$&+:=@")


def _escape_path(text: str) -> str:
    """Go ``url.URL.EscapedPath`` of a decoded path."""
    return quote(text, safe="/$&+,:;=@")


def debug_str(text: str) -> str:
    """boxo ``debugStr``: Go ``%+q`` without the quotes (non-ASCII as ``\\u`` escapes)."""
    return go_quote_body(text, ascii_only=True)


_M64 = (1 << 64) - 1
_P1, _P2, _P3, _P4, _P5 = (11400714785074694791, 14029467366897019727, 1609587929392839161,
                           9650029242287828579, 2870177450012600261)


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _M64


def _xx_round(acc: int, lane: int) -> int:
    return (_rotl((acc + lane * _P2) & _M64, 31) * _P1) & _M64


def xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64 (cespare/xxhash ``Sum64``), for the CAR ETag; inputs here are short paths."""
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + _P1 + _P2) & _M64, (seed + _P2) & _M64, seed & _M64, (seed - _P1) & _M64]
        while i + 32 <= n:
            for lane in range(4):
                v[lane] = _xx_round(v[lane], int.from_bytes(data[i + 8 * lane:i + 8 * lane + 8], "little"))
            i += 32
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & _M64
        for lane in v:
            h = ((h ^ _xx_round(0, lane)) * _P1 + _P4) & _M64
    else:
        h = (seed + _P5) & _M64
    h = (h + n) & _M64
    while i + 8 <= n:
        h ^= _xx_round(0, int.from_bytes(data[i:i + 8], "little"))
        h = (_rotl(h, 27) * _P1 + _P4) & _M64
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i:i + 4], "little") * _P1) & _M64
        h = (_rotl(h, 23) * _P2 + _P3) & _M64
        i += 4
    while i < n:
        h ^= (data[i] * _P5) & _M64
        h = (_rotl(h, 11) * _P1) & _M64
        i += 1
    h ^= h >> 33
    h = (h * _P2) & _M64
    h ^= h >> 29
    h = (h * _P3) & _M64
    return h ^ (h >> 32)


def _format_uint(value: int, base: int) -> str:
    """Go ``strconv.FormatUint``."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rem = divmod(value, base)
        out = digits[rem] + out
        if not value:
            return out


def _scan_etags(header: str) -> Iterator[str]:
    """The entity tags of an ``If-None-Match`` value (``*`` included)."""
    for match in re.finditer(r'\*|(?:W/)?"[^"]*"', header):
        yield match.group(0)


def etag_match(header: str, *etags: str) -> bool:
    """boxo ``etagMatch``: weak comparison, ``*`` matches anything."""
    for tag in _scan_etags(header):
        if tag == "*":
            return True
        if any(e and tag.removeprefix("W/") == e.removeprefix("W/") for e in etags):
            return True
    return False


# --- errors and plain responses ----------------------------------------------------------------


class GatewayError(Exception):
    """boxo ``webError``: a status code and the message ``http.Error`` writes."""

    def __init__(self, status: int, message: str, headers: Optional[dict[str, str]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _http_error(status: int, message: str, headers: dict[str, str]) -> Response:
    """Go ``http.Error``: plain text, nosniff, the message and a newline."""
    out = {k: v for k, v in headers.items() if k.lower() != "content-length"}
    out["Content-Type"] = "text/plain; charset=utf-8"
    out["X-Content-Type-Options"] = "nosniff"
    return Response(status, out, [message.encode() + b"\n"])


def _redirect(location: str, method: str, headers: Optional[dict[str, str]] = None) -> Response:
    """Go ``http.Redirect`` with 301."""
    out = dict(headers or {})
    out["Location"] = location
    body: list[bytes] = []
    if method in ("GET", "HEAD"):
        out["Content-Type"] = "text/html; charset=utf-8"
    if method == "GET":
        body = [f'<a href="{html.escape(location)}">Moved Permanently</a>.\n\n'.encode()]
    return Response(301, out, body)


def _status_for(exc: IPFSError) -> int:
    """errors.go ``webError``: invalid CIDs 400, IPLD not-found (missing link or block) 404."""
    message = exc.message
    if "invalid cid" in message:
        return 400
    return 404 if isinstance(exc, NotFound) else 500


def _content_disposition(filename: str, disposition: str) -> str:
    ascii_name = re.sub(r"[^\x00-\x7f]", "_", filename)
    return f"{disposition}; filename=\"{path_escape(ascii_name)}\"; filename*=UTF-8''{path_escape(filename)}"


# --- the request ---------------------------------------------------------------------------------


@dataclass
class _Req:
    method: str
    raw_path: str
    path: str
    raw_query: str
    query: dict[str, str]
    headers: dict[str, str]
    out: dict[str, str] = field(default_factory=dict)  # response headers set so far
    mutable: bool = False  # an /ipns/ path
    dir_cache_control: str = DIR_LISTING_CACHE_CONTROL
    retrieval: Optional["_Retrieval"] = None  # None on a lone node

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class _Resolved:
    """boxo ``ContentPathMetadata``: the CID of each path prefix, the last one's remainder."""

    content_path: paths.ContentPath
    roots: list[CID]
    remainder: tuple[str, ...]

    @property
    def cid(self) -> CID:
        return self.roots[-1]


def retrieval_timeout(node: Any) -> Optional[float]:
    """The node's ``Gateway.RetrievalTimeout`` in seconds (kubo config ``OptionalDuration``:
    JSON null, ``""``, ``"null"`` or ``"default"`` is the default, otherwise the text without its
    quotes through ``time.ParseDuration``), or None when there is no timer: before kubo 0.37, or
    a value of 0 or less (boxo ``withRetrievalTimeout``: ``if timeout <= 0``). A value Go cannot
    parse is kubo's config error (its daemon does not start)."""
    import json

    from .config import ConfigError
    from .config import of as config_of
    from .durations import parse_duration
    from .versions import gateway_retrieval_timeout
    if not gateway_retrieval_timeout(node.kubo_version):
        return None
    value = (config_of(node).data.get("Gateway") or {}).get("RetrievalTimeout")
    raw = json.dumps(value)
    if raw in ("null", '""', '"null"', '"default"'):
        return DEFAULT_RETRIEVAL_TIMEOUT
    try:
        nanos = parse_duration(raw.strip('"'))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return nanos / 1e9 if nanos > 0 else None


def no_fetch(node: Any) -> bool:
    """The node's ``Gateway.NoFetch`` (kubo core/corehttp/gateway.go ``newGatewayBackend``: an
    offline exchange, so a block the node lacks is "not found locally (offline)", a 404)."""
    from .config import of as config_of
    return bool((config_of(node).data.get("Gateway") or {}).get("NoFetch"))


def _within(context: Any, work: Callable[[], T]) -> T:
    """``work()`` run with ``context`` as the current request context."""
    from . import network
    with network.entered(context):
        return work()


class _Retrieval:
    """One request's retrieval: its context (Go's ``r.Context()``) and, from kubo 0.37, boxo
    v0.34.0 ``withRetrievalTimeout``'s timer, started with the request and reset by each
    non-empty write."""

    def __init__(self, context: Any, timeout: Optional[float]) -> None:
        self.context = context
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout

    @property
    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def run(self, work: Callable[[], T], timeout: Optional[float] = None) -> T:
        """``work()`` inside the request's context, its fetches ending at the timer's deadline
        (``timeout``: ``timeout`` seconds from now instead, ``context.WithTimeout``)."""
        from . import network
        if timeout is None and self.deadline is None:
            return _within(self.context, work)
        if timeout is None:
            timeout = max(0.0, self.deadline - time.monotonic())  # type: ignore[operator]
        return _within(network.Context(timeout, parent=self.context), work)

    def stream(self, body: Iterator[bytes], length: Optional[int]) -> Iterator[bytes]:
        """``body`` read inside the request's context, each non-empty chunk resetting the timer
        (``timeoutWriter.Write``); once the timer fires, boxo's ``truncationMessage`` (unless it
        would pass the declared ``length``: Go's server refuses such a write whole,
        ``http.ErrContentLength``) and :class:`~fakeipfs.errors.RetrievalTruncated` (the daemon
        resets the connection)."""
        written = 0
        try:
            while True:
                try:
                    chunk = self.run(lambda: next(body, None))
                except IPFSError:
                    if not self.expired:
                        raise
                    chunk = None
                if self.expired:
                    message = GATEWAY_TRUNCATION_MESSAGE.encode()
                    if length is None or written + len(message) <= length:
                        yield message
                    raise RetrievalTruncated(ERR_GATEWAY_RETRIEVAL_TIMEOUT_WRITE)
                if chunk is None:
                    return
                if chunk and self.timeout is not None:
                    self.deadline = time.monotonic() + self.timeout
                written += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


class Gateway:
    """A read-only path gateway over one node (boxo ``gateway.NewHandler`` with kubo's blocks
    backend: on a network, blocks the node lacks are fetched from its peers; see the module
    doc). ``retrieval_timeout`` and ``no_fetch``: :func:`retrieval_timeout` and :func:`no_fetch`
    of a network node when the gateway is made (kubo reads them when its daemon starts)."""

    def __init__(self, node) -> None:
        self.node = node
        online = node.exchange is not None
        self.retrieval_timeout = retrieval_timeout(node) if online else None
        self.no_fetch = online and no_fetch(node)

    def _get(self, cid: CID) -> bytes:
        return self.node._get(cid)

    # --- entry --------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Optional[Mapping[str, str]] = None, *,
               context: Any = None) -> Response:
        """Answer one request; ``target`` is the request-target as sent (escaped path, query).
        ``context`` is the request's :class:`fakeipfs.network.Context` (Go's ``r.Context()``,
        which a front door cancels when its client goes away; default: a new one inside the
        current one); the request's fetches wait in it (see the module doc)."""
        if self.node.exchange is None:
            return self._handle(method, target, headers, None)
        from . import network
        request = context
        if request is None or self.no_fetch:
            request = network.Context(offline=self.no_fetch,
                                      parent=context if context is not None else network.current())
        retrieval = _Retrieval(request, self.retrieval_timeout)
        response: Optional[Response] = None
        try:
            response = retrieval.run(lambda: self._handle(method, target, headers, retrieval))
        except IPFSError:
            if not retrieval.expired:
                raise
        if retrieval.expired or response is None:
            # middleware_retrieval_timeout.go: the timer fired before the headers went out
            if response is not None:
                response.close()
            answer = _http_error(504, ERR_GATEWAY_RETRIEVAL_TIMEOUT, {})
            if method.upper() == "HEAD":
                answer.body = ()
            return answer
        if isinstance(response.body, Iterator):
            length = response.headers.get("Content-Length")
            response.body = retrieval.stream(response.body, None if length is None else int(length))
        return response

    def _handle(self, method: str, target: str, headers: Optional[Mapping[str, str]],
                retrieval: Optional[_Retrieval]) -> Response:
        parts = urlsplit(target)
        req = _Req(method.upper(), parts.path, unquote(parts.path), parts.query,
                   dict(parse_qsl(parts.query, keep_blank_values=True)),
                   {k.lower(): v for k, v in (headers or {}).items()}, retrieval=retrieval)
        try:
            response = self._dispatch(req)
        except GatewayError as exc:
            out = dict(req.out)
            out.update(exc.headers)
            response = _http_error(exc.status, exc.message, out)
        if req.method == "HEAD":
            response.body = ()
        return response

    def _dispatch(self, req: _Req) -> Response:
        if not (req.path.startswith("/ipfs/") or req.path.startswith("/ipns/")):
            return _http_error(404, ERR_PAGE_NOT_FOUND, {})
        allow = {"Allow": "GET, HEAD, OPTIONS"}
        if req.method == "OPTIONS":
            return Response(200, allow, [])
        if req.method not in ("GET", "HEAD"):
            return _http_error(405, f"Method {req.method} not allowed: read only access", allow)
        for handler in (self._protocol_handler_redirect, self._service_worker, self._superfluous_namespace):
            answer = handler(req)
            if answer is not None:
                return answer
        if req.path.startswith("/ipns/"):
            content_path, ttl = self._resolve_ipns(req)
            req.mutable = True
        else:
            content_path, ttl = self._parse(req.path), None
        return self._serve(req, content_path, ttl)

    # --- early redirects and refusals (handler.go) ---------------------------------------------

    def _protocol_handler_redirect(self, req: _Req) -> Optional[Response]:
        uri = req.query.get("uri")
        if not uri:
            return None
        try:
            parsed = urlsplit(uri)
        except ValueError:
            raise GatewayError(400, ERR_INVALID_URI_PARAM) from None
        if parsed.scheme not in ("ipfs", "ipns"):
            raise GatewayError(400, ERR_INVALID_URI_SCHEME)
        target = _escape_path(parsed.path)
        if parsed.query:
            target += "?" + path_escape(parsed.query)
        location = posixpath.normpath("/" + "/".join((parsed.scheme, parsed.netloc, target)))
        return _redirect(location, req.method)

    def _service_worker(self, req: _Req) -> Optional[Response]:
        if req.header("service-worker") == "script" and re.fullmatch(r"/ip[fn]s/[^/]+", req.path):
            raise GatewayError(400, ERR_SERVICE_WORKER)
        return None

    def _superfluous_namespace(self, req: _Req) -> Optional[Response]:
        if not req.path.startswith(("/ipfs/ipfs/", "/ipfs/ipns/")):
            return None
        intended = req.raw_path[len("/ipfs"):]
        if intended.startswith("/ipfs/"):
            try:
                intended = paths.parse(unquote(intended)).text
            except IPFSError as exc:
                raise GatewayError(400, f"invalid ipfs path: {exc.message}") from None
        if req.raw_query:
            intended += "?" + urlencode(sorted(parse_qsl(req.raw_query, keep_blank_values=True)))
        return _redirect(intended, req.method)

    # --- paths ---------------------------------------------------------------------------------

    @staticmethod
    def _parse(text: str) -> paths.ContentPath:
        """boxo ``path.NewPath`` (an invalid CID or path is 400)."""
        try:
            return paths.parse(text)
        except IPFSError as exc:
            raise GatewayError(400, exc.message) from None

    def _resolve_ipns(self, req: _Req) -> tuple[paths.ContentPath, Optional[int]]:
        """``/ipns/<name>[/rest]`` through the node's own records (:mod:`fakeipfs.ipns`), to an
        ``/ipfs/`` path and the record's TTL in seconds (None: no ``Cache-Control``, boxo's
        ``contentCacheControl`` for a mutable path without TTL); a name that does not resolve
        is boxo's 500 ``failed to resolve``."""
        from . import ipns
        from .identity import PeerID
        segments = [s for s in req.path.split("/") if s]
        text = "/" + "/".join(segments)
        req.out["X-Ipfs-Path"] = text
        name, rest = (segments[1] if len(segments) > 1 else ""), segments[2:]
        names = ipns.of(self.node)
        try:
            target = names.resolve(ipns.IPNS_PREFIX + name)
            content_path = paths.parse("/".join([target.rstrip("/"), *rest]))
        except IPFSError as exc:
            raise GatewayError(500, f"failed to resolve {debug_str(text)}: {exc.message}") from None
        try:
            record = names.record(PeerID.decode(name))
        except ValueError:
            record = None
        ttl = record.ttl // 1_000_000_000 if record is not None and record.ttl else None
        return content_path, ttl

    def _resolve(self, content_path: paths.ContentPath) -> _Resolved:
        """Each prefix of the path resolved in turn (the ``X-Ipfs-Roots`` CIDs)."""
        roots: list[CID] = []
        remainder: tuple[str, ...] = ()
        for end in range(len(content_path.segments) + 1):
            prefix = paths.ContentPath(content_path.namespace, content_path.root,
                                       content_path.segments[:end], "")
            cid, remainder = paths.resolve(prefix, self._get)
            if not roots or roots[-1] != cid:
                roots.append(cid)
        self._get(roots[-1])
        return _Resolved(content_path, roots, remainder)

    def _resolve_or_error(self, req: _Req, content_path: paths.ContentPath) -> _Resolved:
        try:
            return self._resolve(content_path)
        except IPFSError as exc:
            raise GatewayError(_status_for(exc), f"failed to resolve {debug_str(content_path.text)}: "
                                                 f"{exc.message}") from None

    # --- negotiation -------------------------------------------------------------------------

    @staticmethod
    def _response_format(req: _Req) -> tuple[str, dict[str, str]]:
        """handler.go ``customResponseFormat``: ``?format=`` wins over ``Accept``."""
        by_param = FORMAT_PARAMS.get(req.query.get("format", ""), "")
        accepted, params = "", {}
        for value in req.header("accept").split(","):
            value = value.strip()
            if value.startswith(("application/vnd.ipld", "application/vnd.ipfs", TAR_FORMAT,
                                 JSON_FORMAT, CBOR_FORMAT)):
                kind, *rest = [p.strip() for p in value.split(";")]
                accepted = kind.lower()
                params = dict(p.split("=", 1) for p in rest if "=" in p)
                break
        if by_param:
            return by_param, params if accepted == by_param else {}
        return accepted, params

    @staticmethod
    def _content_location(req: _Req, fmt: str, params: dict[str, str]) -> None:
        """handler.go ``addContentLocation``: formats negotiated by ``Accept`` get a URL of their own."""
        if not fmt:
            return
        name = _FORMAT_NAMES.get(fmt, "")
        if req.query.get("format") == name:
            return
        query = dict(req.query)
        query["format"] = name
        for key, value in params.items():
            query.setdefault(f"{name}-{key}", value)
        req.out["Content-Location"] = req.raw_path + "?" + urlencode(sorted(query.items()))

    # --- serving -------------------------------------------------------------------------------

    def _serve(self, req: _Req, content_path: paths.ContentPath, ttl: Optional[int]) -> Response:
        if req.header("cache-control") == "only-if-cached":
            if not self._is_cached(req, content_path):
                if req.method == "HEAD":
                    return Response(412, {}, [])
                raise GatewayError(412, f'"{content_path.text}" not in local datastore') from None
            if req.method == "HEAD":
                return Response(200, {}, [])
        fmt, params = self._response_format(req)
        req.out.setdefault("X-Ipfs-Path", content_path.text)
        self._content_location(req, fmt, params)
        if fmt == IPNS_RECORD_FORMAT:
            raise GatewayError(501, "fakeipfs: ipns-record responses are not emulated")
        # handler.go contentCacheControl / dirListingCacheControl
        cache_control = (f"public, max-age={ttl}" if ttl else "") if req.mutable else IMMUTABLE_CACHE_CONTROL
        if ttl:
            req.dir_cache_control = f"public, max-age={ttl}, stale-while-revalidate=2678400"
        elif req.mutable:
            req.dir_cache_control = ""
        if fmt == CAR_FORMAT:
            return self._serve_car(req, content_path, params, cache_control)
        resolved = self._resolve_or_error(req, content_path)
        inm = req.header("if-none-match")
        if inm:
            for etag, cc in ((self._etag(resolved.cid, fmt), cache_control),
                             (self._dir_etag(resolved.cid), req.dir_cache_control),
                             (f'"DagIndex-{ASSET_HASH}_CID-{resolved.cid}"', "")):
                if etag_match(inm, etag):
                    out = dict(req.out)
                    out["Etag"] = etag
                    if cc:
                        out["Cache-Control"] = cc
                    return Response(304, out, [])
        req.out["X-Ipfs-Roots"] = ",".join(str(c) for c in resolved.roots)
        if cache_control:
            req.out["Cache-Control"] = cache_control
        if fmt in ("", JSON_FORMAT, CBOR_FORMAT):
            return self._serve_defaults(req, resolved, fmt)
        if fmt == RAW_FORMAT:
            return self._serve_raw(req, resolved)
        if fmt == TAR_FORMAT:
            return self._serve_tar(req, resolved)
        if fmt in (DAG_JSON_FORMAT, DAG_CBOR_FORMAT):
            return self._render_codec(req, resolved, fmt)
        raise GatewayError(400, ERR_UNSUPPORTED_FORMAT)

    def _is_cached(self, req: _Req, content_path: paths.ContentPath) -> bool:
        """handler.go ``handleOnlyIfCached`` with backend_blocks.go ``IsCached``: the path is
        resolved (fetching, as every resolution does), then its last block looked up in the
        local blockstore only; with a retrieval timeout the check gets 80% of it
        (``cacheCheckTimeout``), and running out means not cached."""
        def check() -> bool:
            try:
                cid, _ = paths.resolve(content_path, self._get)
            except IPFSError:
                return False
            return self.node.blockstore.has(cid)

        retrieval = req.retrieval
        if retrieval is None:
            return check()
        timeout = None if retrieval.timeout is None else retrieval.timeout * CACHE_CHECK_SHARE
        return retrieval.run(check, timeout)

    @staticmethod
    def _etag(cid: CID, fmt: str) -> str:
        """handler.go ``getEtag``."""
        if not fmt:
            fmt = _CODEC_TYPES.get(cid.codec.code, "")
        if not fmt:
            return f'"{cid}"'
        if fmt in (CAR_FORMAT, IPNS_RECORD_FORMAT):
            return ""
        short = re.split(r"[/.]", fmt)[-1]
        return ('W/' if fmt == TAR_FORMAT else "") + f'"{cid}.{short}"'

    @staticmethod
    def _dir_etag(cid: CID) -> str:
        return f'"DirIndex-{ASSET_HASH}_CID-{cid}"'

    def _serve_defaults(self, req: _Req, resolved: _Resolved, fmt: str) -> Response:
        cid = resolved.cid
        if cid.codec.code in _CODEC_TYPES:
            return self._render_codec(req, resolved, fmt)
        if req.method == "GET" and req.header("range") and _parse_range_header(req.header("range")) is None:
            raise GatewayError(400, f"invalid range request: {ERR_INVALID_RANGE}")
        from .unixfs import exporter
        try:
            node = exporter.load(self._get, cid)
        except IPFSError as exc:
            raise GatewayError(_status_for(exc), f"failed to resolve {debug_str(resolved.content_path.text)}: "
                                                 f"{exc.message}") from None
        if node.kind == "directory":
            return self._serve_directory(req, resolved, node)
        if node.kind == "symlink":
            target = node.fs.data or b""  # type: ignore[union-attr]
            return self._serve_file(req, resolved, resolved.content_path.text, len(target),
                                    lambda start, length: iter([target[start:start + length]]),
                                    "inode/symlink", node)
        return self._serve_file(req, resolved, resolved.content_path.text, node.size,
                                lambda start, length: self.node.cat_stream(cid, start, length), "", node)

    def _serve_file(self, req: _Req, resolved: _Resolved, path_text: str, size: int, read,
                    content_type: str, node, etag_cid: Optional[CID] = None) -> Response:
        """handler_unixfs_file.go ``serveFile``."""
        out = req.out
        out["Etag"] = self._etag(etag_cid or resolved.cid, "")
        name = _filename(path_text)
        url_name = req.query.get("filename", "")
        if url_name:
            out["Content-Disposition"] = _content_disposition(
                url_name, "attachment" if req.query.get("download") == "true" else "inline")
            name = url_name
        ctype = content_type if content_type == "inode/symlink" else (type_by_extension(name) or content_type)
        ranges = _parse_range_header(req.header("range")) if req.header("range") else []
        starts_at_zero = not ranges or ranges[0][0] == 0
        if not ctype and (starts_at_zero or req.method == "HEAD"):
            try:
                head = b"".join(read(0, min(size, SNIFF_LEN))) if size else b""
            except IPFSError as exc:
                raise GatewayError(500, f"cannot detect content-type: {exc.message}") from None
            ctype = sniff(head)
        if ctype.startswith("text/html;"):
            ctype = "text/html"
        # handler.go addCacheControlHeaders: UnixFS 1.5 mtime, else "now" for a mutable path
        mtime = getattr(getattr(node, "fs", None), "mtime", None)
        if (mtime and mtime[0] > 0) or req.mutable:
            from email.utils import formatdate
            out["Last-Modified"] = formatdate(mtime[0] if mtime and mtime[0] > 0 else None, usegmt=True)
        return _serve_content(req, size, read, ctype)

    def _serve_directory(self, req: _Req, resolved: _Resolved, node) -> Response:
        """handler_unixfs_dir.go ``serveDirectory``."""
        from .unixfs import exporter
        if not req.raw_path.endswith("/") and req.query.get("go-get") != "1":
            location = req.raw_path if "%" not in req.raw_path else _escape_path(req.path)
            location += "/" + ("?" + path_escape(req.raw_query) if req.raw_query else "")
            return _redirect(location, req.method, {k: v for k, v in req.out.items()
                                                    if k in ("X-Ipfs-Path", "X-Ipfs-Roots", "Cache-Control")})
        index_path = paths.ContentPath(resolved.content_path.namespace, resolved.content_path.root,
                                       (*resolved.content_path.segments, "index.html"),
                                       resolved.content_path.text.rstrip("/") + "/index.html")
        try:
            index_cid, _ = paths.resolve(index_path, self._get)
            index = exporter.load(self._get, index_cid)
        except NotFound:
            index = None
        except IPFSError as exc:
            raise GatewayError(500, exc.message) from None
        if index is not None:
            if index.kind != "file":
                raise GatewayError(422, ERR_INDEX_NOT_FILE)
            return self._serve_file(req, resolved, index_path.text, index.size,
                                    lambda start, length: self.node.cat_stream(index_cid, start, length),
                                    "text/html", index, etag_cid=resolved.cid)
        out = req.out
        out["Content-Type"] = "text/html"
        out["Etag"] = self._dir_etag(resolved.cid)
        out.pop("Cache-Control", None)
        if req.dir_cache_control:
            out["Cache-Control"] = req.dir_cache_control
        if req.method == "HEAD":
            return Response(200, out, [])
        try:
            entries = list(exporter.links(self._get, node))
        except IPFSError as exc:
            raise GatewayError(500, exc.message) from None
        dag_size = len(node.block) + sum(link.tsize or 0 for link in node.pb.links)
        page = _listing_html(req.raw_path, resolved, entries, dag_size)
        return Response(200, out, [page.encode("utf-8")])

    def _serve_raw(self, req: _Req, resolved: _Resolved) -> Response:
        """handler_block.go ``serveRawBlock``."""
        data = self._block(resolved)
        cid = resolved.cid
        out = req.out
        out["Content-Disposition"] = _content_disposition(req.query.get("filename") or f"{cid}.bin", "attachment")
        out["Etag"] = self._etag(cid, RAW_FORMAT)
        out["X-Content-Type-Options"] = "nosniff"
        return _serve_content(req, len(data), lambda start, length: iter([data[start:start + length]]),
                              RAW_FORMAT)

    def _block(self, resolved: _Resolved) -> bytes:
        try:
            return self._get(resolved.cid)
        except IPFSError as exc:
            raise GatewayError(_status_for(exc), f"failed to resolve {debug_str(resolved.content_path.text)}: "
                                                 f"{exc.message}") from None

    def _serve_tar(self, req: _Req, resolved: _Resolved) -> Response:
        """handler_tar.go ``serveTAR``: the tar's top entry is named by the CID."""
        cid = resolved.cid
        out = req.out
        out["Etag"] = self._etag(cid, TAR_FORMAT)
        out["Content-Disposition"] = _content_disposition(req.query.get("filename") or f"{cid}.tar", "attachment")
        out["Content-Type"] = TAR_FORMAT
        out["X-Content-Type-Options"] = "nosniff"
        try:
            chunks = self.node.get(str(cid))
        except IPFSError as exc:
            raise GatewayError(_status_for(exc), f"failed to resolve {debug_str(resolved.content_path.text)}: "
                                                 f"{exc.message}") from None
        response = Response(200, out)
        response.body = stream_bytes(chunks, response, write_message=True)
        return response

    def _render_codec(self, req: _Req, resolved: _Resolved, fmt: str) -> Response:
        """handler_codec.go ``renderCodec`` without conversion (``AllowCodecConversion`` is off)."""
        cid = resolved.cid
        if resolved.remainder:
            rest = "/" + "/".join(resolved.remainder)
            whole = f"/ipfs/{cid}{rest}"
            raise GatewayError(501, f'"{rest}" of "{whole}" could not be returned: reading IPLD Kinds other '
                                    f'than Links (CBOR Tag 42) is not implemented: try reading "/ipfs/{cid}" instead')
        codec = cid.codec.code
        content_type = fmt or _CODEC_TYPES.get(codec, "")
        if fmt and codec not in _CODEC_RAW_OK.get(fmt, ()):
            target = _CODEC_TARGET.get(fmt)
            if target is None:
                raise GatewayError(400, ERR_CONVERSION_NOT_SUPPORTED)
            if target != codec:
                raise GatewayError(406, f'format "{fmt}" requested but block has codec '
                                        f'"{_CODEC_NAMES.get(codec, hex(codec))}": {ERR_CODEC_CONVERSION_HINT}')
        data = self._block(resolved)
        out = req.out
        out["Etag"] = self._etag(cid, content_type)
        ext = _CODEC_EXT.get(content_type, ".bin")
        disposition = "attachment" if req.query.get("download") == "true" or ext != ".json" else "inline"
        out["Content-Disposition"] = _content_disposition(req.query.get("filename") or f"{cid}{ext}", disposition)
        out["X-Content-Type-Options"] = "nosniff"
        return _serve_content(req, len(data), lambda start, length: iter([data[start:start + length]]),
                              content_type)

    def _serve_car(self, req: _Req, content_path: paths.ContentPath, params: dict[str, str],
                   cache_control: str) -> Response:
        """handler_car.go ``serveCAR`` (dag-scope all/entity/block; order dfs; dups n or y)."""
        from .codecs import car
        from .dag import walk
        scope = req.query.get("dag-scope", "all") if "dag-scope" in req.query else "all"
        if scope not in ("all", "entity", "block"):
            raise GatewayError(400, ERR_UNSUPPORTED_CAR_SCOPE)
        if "entity-bytes" in req.query:
            raise GatewayError(501, "fakeipfs: entity-bytes CAR requests are not emulated")
        version = req.query.get("car-version") or params.get("version", "")
        if version not in ("", "1"):
            raise GatewayError(400, ERR_CAR_VERSION)
        order = req.query.get("car-order") or params.get("order", "") or "dfs"
        if order not in ("dfs", "unk"):
            raise GatewayError(400, ERR_UNSUPPORTED_CAR_ORDER)
        dups = req.query.get("car-dups") or params.get("dups", "") or "n"
        if dups not in ("y", "n"):
            raise GatewayError(400, f"unsupported application/vnd.ipld.car dups parameter: {dups!r}")
        root = content_path.root
        last = content_path.segments[-1] if content_path.segments else ""
        out = req.out
        out["Content-Disposition"] = _content_disposition(
            req.query.get("filename") or f"{root}{'_' + last if last else ''}.car", "attachment")
        if cache_control:
            out["Cache-Control"] = cache_control
        out["Etag"] = _car_etag(content_path.text, root, scope, order, dups)
        if etag_match(req.header("if-none-match"), out["Etag"]):
            return Response(304, out, [])
        resolved = self._resolve_or_error(req, content_path)
        out["X-Ipfs-Roots"] = ",".join(str(c) for c in resolved.roots)
        out["Accept-Ranges"] = "none"
        out["Content-Type"] = f"{CAR_FORMAT}; version=1; order={order}; dups={dups}"
        out["X-Content-Type-Options"] = "nosniff"
        get = self._get

        def blocks() -> Iterator[tuple[CID, bytes]]:
            seen: set[CID] = set()
            for cid in resolved.roots[:-1]:
                if cid not in seen and cid.hashfun.code != 0:
                    seen.add(cid)
                    yield cid, get(cid)
            terminal = resolved.cid
            if scope == "block":
                cids: Iterable[CID] = [terminal]
            elif scope == "entity" and _is_directory(get, terminal):
                cids = [terminal]
            else:
                cids = walk(get, terminal, unique=dups == "n")
            for cid in cids:
                if cid.hashfun.code == 0 or (dups == "n" and cid in seen):
                    continue
                seen.add(cid)
                yield cid, get(cid)

        response = Response(200, out)
        response.body = stream_bytes(car.write_car([root], blocks()), response)
        return response


def _is_directory(get, cid: CID) -> bool:
    from .unixfs import exporter
    node = exporter.load_any(get, cid)
    return node is not None and node.kind == "directory"


def _car_etag(path_text: str, root: CID, scope: str, order: str, dups: str) -> str:
    """handler_car.go ``getCarEtag``."""
    data = path_text.encode()
    if scope != "all":
        data += b"\x00scope=" + scope.encode()
    if order != "dfs":
        data += b"\x00order=" + order.encode()
    if dups == "y":
        data += b"\x00dups=y"
    return f'W/"{root}.car.{_format_uint(xxh64(data), 32)}"'


def _filename(path_text: str) -> str:
    """handler.go ``getFilename``: the last segment below the root (none for the root)."""
    cleaned = posixpath.normpath(path_text)
    if cleaned.startswith(("/ipfs/", "/ipns/")) and cleaned.count("/") <= 2:
        return ""
    return posixpath.basename(cleaned)


def _parse_range_header(text: str) -> Optional[list[tuple[int, Optional[int]]]]:
    """handler_defaults.go ``parseRangeWithoutLength``: (from, to) pairs, a negative ``from``
    for a suffix; None when the header is malformed."""
    if not text.startswith("bytes="):
        return None
    out: list[tuple[int, Optional[int]]] = []
    for part in text[len("bytes="):].split(","):
        part = part.strip()
        if not part:
            continue
        if "-" not in part:
            return None
        start, end = (s.strip() for s in part.split("-", 1))
        try:
            if not start:
                if not end or end.startswith("-") or int(end) < 0:
                    return None
                out.append((-int(end), None))
            elif not end:
                out.append((int(start), None))
            else:
                lo, hi = int(start), int(end)
                if hi < 0 or lo > hi:
                    return None
                out.append((lo, hi))
        except ValueError:
            return None
    return out


def _serve_content(req: _Req, size: int, read, content_type: str) -> Response:
    """serve_http_content.go ``httpServeContent``: only the first range is honoured; a range
    past the end is 416 (except for empty content, which gets the whole 200)."""
    out = req.out
    out["Content-Type"] = content_type
    if not content_type:
        del out["Content-Type"]
    status, start, length = 200, 0, size
    header = req.header("range")
    if header:
        ranges = _ranges_for(header, size)
        if ranges is None:
            if size:
                raise GatewayError(416, ERR_NO_OVERLAP, {"Content-Range": f"bytes */{size}"})
        elif ranges == "invalid":
            raise GatewayError(416, ERR_INVALID_RANGE)
        elif ranges and sum(n for _, n in ranges) <= size:
            start, length = ranges[0]
            status = 206
            out["Content-Range"] = f"bytes {start}-{start + length - 1}/{size}"
    out["Accept-Ranges"] = "bytes"
    out["Content-Length"] = str(length)
    if req.method == "HEAD" or length == 0:
        return Response(status, out, [])
    return Response(status, out, read(start, length))


def _ranges_for(text: str, size: int):
    """serve_http_content.go ``parseRange``: [(start, length)], None for no overlap, or
    ``"invalid"``."""
    if not text.startswith("bytes="):
        return "invalid"
    ranges: list[tuple[int, int]] = []
    no_overlap = False
    for part in text[len("bytes="):].split(","):
        part = part.strip()
        if not part:
            continue
        if "-" not in part:
            return "invalid"
        first, last = (s.strip() for s in part.split("-", 1))
        try:
            if not first:
                if not last or last.startswith("-"):
                    return "invalid"
                n = min(int(last), size)
                if n < 0:
                    return "invalid"
                ranges.append((size - n, n))
                continue
            lo = int(first)
            if lo < 0:
                return "invalid"
            if lo >= size:
                no_overlap = True
                continue
            if not last:
                ranges.append((lo, size - lo))
                continue
            hi = int(last)
            if lo > hi:
                return "invalid"
            ranges.append((lo, min(hi, size - 1) - lo + 1))
        except ValueError:
            return "invalid"
    if no_overlap and not ranges:
        return None
    return ranges


def _listing_html(url_path: str, resolved: _Resolved, entries, dag_size: int) -> str:
    """A compact directory listing with what boxo's ``directory.html`` shows: the path, the
    directory's CID and size, a back link below the root, and each entry's name, CID and size."""
    from .cli import humanize_bytes
    text_path = resolved.content_path.text
    parts = text_path.split("/")
    back = ""
    if not (len(parts) == 3 or (len(parts) == 4 and parts[3] == "")):
        back = url_path + (".." if url_path.endswith("/") else "/..")
    rows = []
    if back:
        rows.append(f'<tr><td><a href="{html.escape(back)}">..</a></td><td></td><td></td></tr>')
    for name, link in entries:
        href = posixpath.join(url_path, quote(name, safe=""))
        cid = str(link.cid)
        short = cid if len(cid) < 9 else f"{cid[:4]}\u2026{cid[-4:]}"
        rows.append(
            f'<tr><td><a href="{html.escape(href)}">{html.escape(name)}</a></td>'
            f'<td><a class="ipfs-hash" href="/ipfs/{cid}?filename={html.escape(quote(name, safe=""))}" '
            f'title="{cid}">{short}</a></td><td>{humanize_bytes(link.tsize or 0)}</td></tr>')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(text_path)}</title>\n</head>\n<body>\n"
            f"<div id=\"content\">\n<div class=\"type-icon\">Index of</div>\n"
            f"<strong>{html.escape(text_path)}</strong>\n"
            f"<div class=\"ipfs-hash\">{resolved.cid}</div>\n"
            f"<div class=\"size\">{humanize_bytes(dag_size)}</div>\n"
            "<table>\n" + "\n".join(rows) + "\n</table>\n</div>\n</body>\n</html>\n")
