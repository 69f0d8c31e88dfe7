"""File arguments of an RPC request: a multipart body read as kubo reads it.

kubo takes file arguments (``add``, ``block/put``, ``dag/put``, ``files/write``, ``pubsub/pub``...)
as a ``multipart/form-data`` body. go-ipfs-cmds ``http/parse.go`` (``parseRequest``) hands the body
to Go's ``mime/multipart`` reader, and boxo ``files/multipartfile.go`` turns the parts into a tree
of files as the command walks it. This module is a port of that whole path, in one streaming pass:

- **Envelope** (net/http ``Request.multipartReader``): ``request Content-Type isn't
  multipart/form-data`` when the media type cannot be parsed, ``no multipart boundary param in
  Content-Type`` without a boundary. kubo only reads ``multipart/form-data`` (any other type means
  "no files", which :func:`is_multipart` reports); ``multipart/mixed`` is accepted here as well, a
  deliberate leniency for old clients.
- **Parts** (Go ``mime/multipart/multipart.go``, ``net/textproto`` ``readMIMEHeader``, ``mime``
  ``ParseMediaType``): boundary scanning, LF-only bodies, ``Content-Transfer-Encoding:
  quoted-printable``, header limits, and every error text (``multipart: NextPart: EOF``,
  ``multipart: expecting a new Part; got line "..."``, ``malformed MIME header line: ...``,
  ``unexpected EOF``...). A body cut inside a part's headers ends the request quietly, as in Go
  (``NextPart`` then returns a bare ``io.EOF``).
- **Tree** (boxo ``multipartIterator.Next``, ``multipartWalker.nextFile``, ``fileName``,
  ``fileInfo``): the name is the ``filename`` parameter of any disposition type (``form-data``,
  ``file``, ``attachment``), ``url.QueryUnescape``-d (``+`` is a space; a bad ``%`` escape keeps
  the name as sent) and cleaned as ``path.Clean("/"+name)``. A part without a parseable
  Content-Disposition has no name and quietly ends the request. ``application/x-directory`` and
  ``multipart/form-data`` parts are directories (a directory part's body is discarded, never
  parsed: its children are the parts after it); ``application/symlink`` is a symlink whose body
  is the target; anything else, ``multipart/mixed`` included, is a regular file. A part named
  ``a/b/c`` nests under the part before it named ``a/b``; without one, directories ``a`` and
  ``a/b`` are made up (boxo's implicit directories, no mode or mtime). Parts under a *file*
  that came before them (``x`` then ``x/y``) are skipped, and a name seen again after other
  entries starts a second entry of that name. A part with an empty filename is a file named
  ``""`` (kubo then names it by its CID). ``?mode=...&mtime=...&mtime-nsecs=...`` in the form-data
  ``name`` (the js client, boxo ``multifilereader.go``) becomes the entry's ``mode`` (unix bits,
  boxo ``files.ModePermsToUnixPerms``) and ``mtime``. ``Abspath`` headers are ignored (they only
  matter to ``--nocopy``).
- **Reading a file as ``add`` does**: a file part cut short (no boundary after it) keeps the bytes
  that arrived, because boxo's chunkers take ``io.ErrUnexpectedEOF`` as the end of the file
  (``chunker/splitting.go`` ``NextBytes``); the request then fails at the next part with
  ``multipart: NextPart: EOF``. :func:`iter_file_bodies` readers, like kubo's ``io.ReadAll``
  consumers (``block put``), fail with ``unexpected EOF`` instead.

Bodies are read once, up to 1 MiB at a time, in one of two ways:

- **live** (:func:`iter_entries`, what ``add`` uses): boxo's own way. Entries are produced as the
  caller walks them and each file is read straight from the body while its part is current, so
  ``add`` hashes a file as it arrives; nothing is spooled, memory stays flat. The caller must take
  the entries in request order (kubo's importer does).
- **spooled** (:func:`parse_files`, for commands that look at their files in another order or
  more than once): file contents go into one ``tempfile.SpooledTemporaryFile`` per request (in
  memory up to 1 MiB, then on disk) and the whole tree is returned.

Malformed input raises :class:`MultipartError` (an :class:`~fakeipfs.errors.InvalidArgument`) with
Go's wording, and nothing else; a spool is closed on every error.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
import threading
import unicodedata
from typing import BinaryIO, Callable, Iterable, Iterator, Optional, Union
from urllib.parse import unquote_to_bytes

from ..errors import ERR_EOF, ERR_UNEXPECTED_EOF, InvalidArgument
from ..path import go_clean
from ..unixfs.files import Directory, Entry, File, Mtime, Symlink

__all__ = [
    "MultipartError", "MultipartBodyError", "Upload", "parse_files", "iter_entries", "LiveEntries",
    "iter_file_bodies", "is_multipart", "parse_media_type",
    "ERR_NOT_MULTIPART", "ERR_MISSING_BOUNDARY", "ERR_BODY_TOO_LARGE",
]

#: Bytes read from the request body at a time.
READ_SIZE = 1024 * 1024
#: File contents stay in memory up to this many bytes per request, then go to a temporary file.
SPOOL_MEMORY = 1024 * 1024

# Go's limits: bufio buffer of the multipart reader (mime/multipart peekBufferSize, also the
# default bufio size the quoted-printable reader uses), header bytes and header count per part.
_PEEK_BUFFER_SIZE = 4096
_MAX_MIME_HEADER_SIZE = 10 << 20
_MAX_MIME_HEADERS = 10000

# net/http request.go
ERR_NOT_MULTIPART = "request Content-Type isn't multipart/form-data"
ERR_MISSING_BOUNDARY = "no multipart boundary param in Content-Type"
# net/http MaxBytesReader: kubo sets no limit; ``max_bytes`` is fakeipfs' guard.
ERR_BODY_TOO_LARGE = "http: request body too large"

_MULTIPART_TYPES = ("multipart/form-data", "multipart/mixed")
_DIRECTORY_TYPES = ("multipart/form-data", "application/x-directory")  # boxo nextFile
_SYMLINK_TYPE = "application/symlink"


class MultipartError(InvalidArgument):
    """A request body kubo refuses, worded as Go words it.

    Raised as is for the envelope (bad Content-Type, no boundary, ``max_bytes``): go-ipfs-cmds
    rejects those in ``parseRequest``, before any command runs (HTTP 400, text body), hence
    ``code`` 1."""

    code = 1


class MultipartBodyError(MultipartError):
    """An error kubo meets while its command walks the parts (``it.Err()``, a file read).

    That happens inside the command's ``Run``, so kubo answers HTTP 500 with
    ``{"Message":...,"Code":0,"Type":"error"}``: hence ``code`` 0."""

    code = 0


# --- Go errors, as values ---------------------------------------------------------------------


class _Err:
    """A Go ``error`` value; the well-known ones are compared by identity, as Go compares them."""

    __slots__ = ("msg",)

    def __init__(self, msg: str) -> None:
        self.msg = msg

    def __repr__(self) -> str:
        return f"_Err({self.msg!r})"


EOF = _Err(ERR_EOF)  # io.EOF
UNEXPECTED_EOF = _Err(ERR_UNEXPECTED_EOF)  # io.ErrUnexpectedEOF
_BUFFER_FULL = _Err("bufio: buffer full")  # bufio.ErrBufferFull
_TEXTPROTO_TOO_LARGE = _Err("message too large")  # net/textproto errMessageTooLarge
_MULTIPART_TOO_LARGE = _Err("multipart: message too large")  # mime/multipart ErrMessageTooLarge


class _Fail(Exception):
    """Carries a Go error value up the stack (a fresh exception per raise)."""

    def __init__(self, err: _Err) -> None:
        super().__init__(err.msg)
        self.err = err


def _fail(msg: str) -> _Fail:
    return _Fail(_Err(msg))


# --- Go text helpers --------------------------------------------------------------------------

# unicode.IsSpace
_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                       "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_TSPECIALS = frozenset('()<>@,;:\\"/[]?=')  # mime/grammar.go isTSpecial
_TOKEN_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in range(0x21, 0x7F)
                                     if chr(c) not in _TSPECIALS) + "]*")


def _go_str(data: bytes) -> str:
    """A Go string (any bytes) as Python text: UTF-8, stray bytes kept as surrogates."""
    return data.decode("utf-8", "surrogateescape")


def _go_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _message_text(data: bytes) -> str:
    """Raw bytes quoted into an error message: Go's JSON encoder shows bad UTF-8 as U+FFFD."""
    return data.decode("utf-8", "replace")


def _go_quote(data: bytes) -> str:
    """``strconv.Quote`` (``%q``) of a byte string: bad UTF-8 as ``\\xNN``, printable runes kept."""
    out = ['"']
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c < 0x80:
            ch = chr(c)
            if ch in '"\\':
                out.append("\\" + ch)
            elif 0x20 <= c < 0x7F:
                out.append(ch)
            elif ch in _NAMED_ESCAPES:
                out.append(_NAMED_ESCAPES[ch])
            else:
                out.append(f"\\x{c:02x}")
            i += 1
            continue
        width = 2 if 0xC2 <= c <= 0xDF else 3 if 0xE0 <= c <= 0xEF else 4 if 0xF0 <= c <= 0xF4 else 0
        try:
            ch = data[i:i + width].decode("utf-8") if width and i + width <= n else ""
        except UnicodeDecodeError:
            ch = ""
        if not ch:
            out.append(f"\\x{c:02x}")
            i += 1
            continue
        r = ord(ch)
        if unicodedata.category(ch)[0] in "LMNPS":  # unicode.IsPrint
            out.append(ch)
        elif r < 0x10000:
            out.append(f"\\u{r:04x}")
        else:
            out.append(f"\\U{r:08x}")
        i += width
    out.append('"')
    return "".join(out)


_NAMED_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  "\v": "\\v"}


def _trim_left_space(s: str) -> str:
    i = 0
    while i < len(s) and s[i] in _GO_SPACES:
        i += 1
    return s[i:]


def _trim_space(s: str) -> str:
    """``strings.TrimSpace``."""
    s = _trim_left_space(s)
    j = len(s)
    while j > 0 and s[j - 1] in _GO_SPACES:
        j -= 1
    return s[:j]


def _go_lower(s: str) -> str:
    """``strings.ToLower``: bad UTF-8 becomes U+FFFD; K (Kelvin) and İ lower to ASCII."""
    if s.isascii():
        return s.lower()
    out = []
    for ch in s:
        if "\udc80" <= ch <= "\udcff":
            out.append("\ufffd")
            continue
        low = ch.lower()
        out.append(low if len(low) == 1 else ("i" if ch == "\u0130" else ch))
    return "".join(out)


_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _percent_hex_unescape(s: str) -> Optional[str]:
    """mime/mediatype.go ``percentHexUnescape``: None on a malformed ``%``."""
    raw = _go_bytes(s)
    if b"%" not in raw:
        return s
    if _BAD_PERCENT.search(raw):
        return None
    return _go_str(unquote_to_bytes(raw))


def _query_unescape(raw: bytes) -> bytes:
    """net/url ``QueryUnescape``: ``+`` is a space; raises ValueError(Go's message) on a bad ``%``."""
    if b"%" not in raw and b"+" not in raw:
        return raw
    bad = _BAD_PERCENT.search(raw)
    if bad:
        raise ValueError("invalid URL escape " + _go_quote(raw[bad.start():bad.start() + 3]))
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _parse_query(query: str) -> Optional[dict[str, list[str]]]:
    """net/url ``ParseQuery``; None where it returns an error (boxo fileInfo then has no stat)."""
    values: dict[str, list[str]] = {}
    failed = False
    for pair in query.split("&"):
        if ";" in pair:
            failed = True  # "invalid semicolon separator in query"
            continue
        if pair == "":
            continue
        key, _, value = pair.partition("=")
        try:
            k = _go_str(_query_unescape(_go_bytes(key)))
            v = _go_str(_query_unescape(_go_bytes(value)))
        except ValueError:
            failed = True
            continue
        values.setdefault(k, []).append(v)
    return None if failed else values


def _go_join(a: str, b: str) -> str:
    """``path.Join(a, b)`` for a clean directory path ``a`` and one clean name ``b``."""
    if not b:
        return a
    return a + b if a.endswith("/") else a + "/" + b


_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_INT64_MAX = (1 << 63) - 1


def _parse_int64(text: str) -> tuple[int, bool]:
    """``strconv.ParseInt(s, 10, 64)``: (value, ok); out of range gives the clamped value."""
    if not _INT_RE.match(text):
        return 0, False
    value = int(text)
    if value > _INT64_MAX:
        return _INT64_MAX, False
    if value < -_INT64_MAX - 1:
        return -_INT64_MAX - 1, False
    return value, True


# --- mime.ParseMediaType ----------------------------------------------------------------------


class _MimeError(Exception):
    """A ``mime.ParseMediaType`` error; ``mediatype`` is what Go returns beside it."""

    def __init__(self, msg: str, mediatype: str = "") -> None:
        super().__init__(msg)
        self.msg = msg
        self.mediatype = mediatype


def _consume_token(v: str) -> tuple[str, str]:
    end = _TOKEN_RE.match(v).end()  # type: ignore[union-attr]
    return v[:end], v[end:]


def _consume_value(v: str) -> tuple[str, str]:
    if v == "":
        return "", ""
    if v[0] != '"':
        return _consume_token(v)
    buf = []
    i = 1
    while i < len(v):
        r = v[i]
        if r == '"':
            return "".join(buf), v[i + 1:]
        if r == "\\" and i + 1 < len(v) and v[i + 1] in _TSPECIALS:
            buf.append(v[i + 1])
            i += 2
            continue
        if r in "\r\n":
            return "", v
        buf.append(r)
        i += 1
    return "", v  # no closing quote


def _consume_media_param(v: str) -> tuple[str, str, str]:
    rest = _trim_left_space(v)
    if not rest.startswith(";"):
        return "", "", v
    rest = _trim_left_space(rest[1:])
    param, rest = _consume_token(rest)
    param = param.lower()
    if param == "":
        return "", "", v
    rest = _trim_left_space(rest)
    if not rest.startswith("="):
        return "", "", v
    rest = _trim_left_space(rest[1:])
    value, rest2 = _consume_value(rest)
    if value == "" and rest2 == rest:
        return "", "", v
    return param, value, rest2


def _check_media_type_disposition(s: str) -> None:
    typ, rest = _consume_token(s)
    if typ == "":
        raise _MimeError("mime: no media type")
    if rest == "":
        return
    if not rest.startswith("/"):
        raise _MimeError("mime: expected slash after first token")
    subtype, rest = _consume_token(rest[1:])
    if subtype == "":
        raise _MimeError("mime: expected token after slash")
    if rest != "":
        raise _MimeError("mime: unexpected content after media subtype")


def _decode_2231(v: str) -> Optional[str]:
    charset, sep, v = v.partition("'")
    if not sep:
        return None
    _, sep, value = v.partition("'")
    if not sep or _go_lower(charset) not in ("us-ascii", "utf-8"):
        return None
    return _percent_hex_unescape(value)


def parse_media_type(value: str) -> tuple[str, dict[str, str]]:
    """Go's ``mime.ParseMediaType`` (current Go): the lower-cased media type and its parameters.

    ``value`` is a Go string as text (stray bytes as surrogates, see :func:`_go_str`). Raises
    :class:`ValueError` with Go's message (``mime: no media type``, ``mime: invalid media
    parameter``, ``mime: duplicate parameter name``...). RFC 2231 ``name*=`` and ``name*0``
    continuations are decoded (utf-8 and us-ascii only)."""
    try:
        return _parse_media_type(value)
    except _MimeError as exc:
        raise ValueError(exc.msg) from None


def _parse_media_type(v: str) -> tuple[str, dict[str, str]]:
    base = v.split(";", 1)[0]
    mediatype = _trim_space(_go_lower(base))
    _check_media_type_disposition(mediatype)
    params: dict[str, str] = {}
    continuation: dict[str, dict[str, str]] = {}
    v = v[len(base):]
    while v:
        v = _trim_left_space(v)
        if not v:
            break
        key, value, rest = _consume_media_param(v)
        if key == "":
            if _trim_space(rest) == ";":
                break  # trailing semicolons are fine
            raise _MimeError("mime: invalid media parameter", mediatype)
        pmap = params
        if "*" in key:
            pmap = continuation.setdefault(key.split("*", 1)[0], {})
        if key in pmap and pmap[key] != value:
            raise _MimeError("mime: duplicate parameter name")
        pmap[key] = value
        v = rest
    for key, pieces in continuation.items():
        single = pieces.get(key + "*")
        if single is not None:
            decoded = _decode_2231(single)
            if decoded is not None:
                params[key] = decoded
            continue
        buf: list[str] = []
        valid = False
        n = 0
        while True:
            simple = f"{key}*{n}"
            if simple in pieces:
                valid = True
                buf.append(pieces[simple])
                n += 1
                continue
            encoded = pieces.get(simple + "*")
            if encoded is None:
                break
            valid = True
            decoded = _decode_2231(encoded) if n == 0 else _percent_hex_unescape(encoded)
            if decoded is not None:
                buf.append(decoded)
            n += 1
        if valid:
            params[key] = "".join(buf)
    return mediatype, params


def is_multipart(content_type: "str | bytes | None") -> bool:
    """Whether kubo reads the request body as file arguments: go-ipfs-cmds ``parseRequest`` takes
    ``mime.ParseMediaType``'s media type (even when the parameters are bad) and compares it with
    ``multipart/form-data``; ``multipart/mixed`` is also accepted here (see the module notes).
    A request for which this is false has no files (``file argument 'path' is required``)."""
    text = _header_text(content_type or "")
    try:
        mediatype, _ = _parse_media_type(text)
    except _MimeError as exc:
        mediatype = exc.mediatype
    return mediatype in _MULTIPART_TYPES


def _header_text(value: "str | bytes") -> str:
    if isinstance(value, (bytes, bytearray)):
        return _go_str(bytes(value))
    try:
        return _go_str(value.encode("latin-1"))  # a header as a WSGI/http.server string
    except UnicodeEncodeError:
        return _go_str(value.encode("utf-8", "surrogateescape"))


# --- the body: source, bufio, textproto --------------------------------------------------------


class _Source:
    """The request body: a binary reader, bytes, or an iterable of byte chunks."""

    def __init__(self, body: "BinaryIO | bytes | Iterable[bytes]", max_bytes: Optional[int]) -> None:
        if isinstance(body, (bytes, bytearray, memoryview)):
            body = io.BytesIO(bytes(body))
        self._read = getattr(body, "read", None)
        self._iter = None if self._read is not None else iter(body)  # type: ignore[arg-type]
        self._pending = memoryview(b"")
        self.max_bytes = max_bytes
        self.count = 0

    def read(self) -> bytes:
        """The next bytes; ``b""`` at the end. Raises :class:`_Fail` on a read error."""
        want = READ_SIZE
        if self.max_bytes is not None:
            want = max(1, min(want, self.max_bytes - self.count + 1))
        try:
            if self._read is not None:
                data = self._read(want) or b""
            else:
                while not self._pending:
                    chunk = next(self._iter, None)  # type: ignore[arg-type]
                    if chunk is None:
                        return b""
                    self._pending = memoryview(chunk).cast("B")
                data = self._pending[:want]
                self._pending = self._pending[len(data):]
            data = bytes(data)
        except Exception as exc:  # a broken connection, a failing generator...
            raise _fail(str(exc) or type(exc).__name__) from None
        self.count += len(data)
        if self.max_bytes is not None and self.count > self.max_bytes:
            raise MultipartError(ERR_BODY_TOO_LARGE)
        return data


class _BufReader:
    """Go's ``bufio.Reader`` over a ``stickyErrorReader``, as far as the multipart reader uses it.

    The buffer grows as needed; the 4096-byte limits Go's fixed buffer puts on ``ReadSlice``
    (lines between parts, quoted-printable lines) are applied where Go meets them."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.buf = bytearray()
        self.r = 0
        self.err: Optional[_Err] = None

    def buffered(self) -> int:
        return len(self.buf) - self.r

    def fill(self) -> bool:
        """Read more; False once the source has ended (``self.err`` says how)."""
        if self.err is not None:
            return False
        if self.r:
            del self.buf[:self.r]
            self.r = 0
        try:
            data = self.source.read()
        except _Fail as failure:
            self.err = failure.err
            return False
        if not data:
            self.err = EOF
            return False
        self.buf += data
        return True

    def read_slice(self) -> tuple[bytes, Optional[_Err]]:
        """``ReadSlice('\\n')`` with Go's 4096-byte buffer."""
        searched = 0
        while True:
            end = self.r + min(self.buffered(), _PEEK_BUFFER_SIZE)
            i = self.buf.find(b"\n", self.r + searched, end)
            if i >= 0:
                line = bytes(self.buf[self.r:i + 1])
                self.r = i + 1
                return line, None
            if self.buffered() >= _PEEK_BUFFER_SIZE:
                line = bytes(self.buf[self.r:self.r + _PEEK_BUFFER_SIZE])
                self.r += _PEEK_BUFFER_SIZE
                return line, _BUFFER_FULL
            searched = self.buffered()
            if not self.fill():
                line = bytes(self.buf[self.r:])
                self.r = len(self.buf)
                return line, self.err

    def peek_byte(self) -> Optional[int]:
        if self.buffered() == 0 and not self.fill():
            return None
        return self.buf[self.r]

    # net/textproto

    def _read_line_piece(self) -> tuple[bytes, bool]:
        """``bufio.Reader.ReadLine``: (line without its end, more to come); raises at the end."""
        line, err = self.read_slice()
        if err is _BUFFER_FULL:
            if line.endswith(b"\r"):
                self.r -= 1  # let the next piece see "\r\n"
                line = line[:-1]
            return line, True
        if not line:
            raise _Fail(err or EOF)
        if line.endswith(b"\n"):
            line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
        return line, False

    def read_line_slice(self, lim: int) -> bytes:
        """textproto ``readLineSlice``: one line up to ``lim`` bytes (< 0: any)."""
        line = bytearray()
        while True:
            piece, more = self._read_line_piece()
            if lim >= 0 and len(line) + len(piece) > lim:
                raise _Fail(_TEXTPROTO_TOO_LARGE)
            line += piece
            if not more:
                return bytes(line)

    def skip_space(self) -> int:
        n = 0
        while True:
            c = self.peek_byte()
            if c is None or c not in (0x20, 0x09):
                return n
            self.r += 1
            n += 1

    def read_continued_line_slice(self, lim: int) -> bytes:
        """textproto ``readContinuedLineSlice`` with ``mustHaveFieldNameColon``."""
        line = self.read_line_slice(lim)
        if not line:
            return line
        if b":" not in line:
            raise _fail("malformed MIME header: missing colon: " + _go_quote(line))
        buf = bytearray(line.strip(b" \t"))
        if lim < 0:
            lim = 1 << 63
        lim -= len(buf)
        while self.skip_space() > 0:
            buf += b" "
            if len(buf) >= lim:
                raise _Fail(_TEXTPROTO_TOO_LARGE)
            try:
                line = self.read_line_slice(lim - len(buf))
            except _Fail:
                break
            buf += line.strip(b" \t")
        return bytes(buf)

    def read_mime_header(self, max_memory: int, max_headers: int) -> dict[str, list[bytes]]:
        """textproto ``readMIMEHeader`` (current Go: keys must be tokens, values printable)."""
        header: dict[str, list[bytes]] = {}
        max_memory -= 400
        if self.peek_byte() in (0x20, 0x09):
            line = self.read_line_slice(80)
            raise _fail("malformed MIME header initial line: " + _message_text(line))
        while True:
            kv = self.read_continued_line_slice(max_memory)
            if not kv:
                return header
            k, _, v = kv.partition(b":")
            key = _canonical_mime_header_key(k)
            if key is None or _INVALID_VALUE_BYTE.search(v):
                raise _fail("malformed MIME header line: " + _message_text(kv))
            max_headers -= 1
            if max_headers < 0:
                raise _Fail(_TEXTPROTO_TOO_LARGE)
            value = v.lstrip(b" \t")
            if key not in header:
                max_memory -= len(key) + 200
            max_memory -= len(value)
            if max_memory < 0:
                raise _Fail(_TEXTPROTO_TOO_LARGE)
            header.setdefault(key, []).append(value)


_FIELD_BYTES = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_INVALID_VALUE_BYTE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def _canonical_mime_header_key(k: bytes) -> Optional[str]:
    """textproto ``canonicalMIMEHeaderKey``: None when not a valid key (a space is allowed, and
    then the key is left as sent)."""
    if not k:
        return None
    spaced = False
    for c in k:
        if c in _FIELD_BYTES:
            continue
        if c == 0x20:
            spaced = True
            continue
        return None
    text = k.decode("ascii")
    if spaced:
        return text
    return "-".join(w[:1].upper() + w[1:].lower() for w in text.split("-"))


def _header_get(header: dict[str, list[bytes]], key: str) -> str:
    values = header.get(key)
    return _go_str(values[0]) if values else ""


# --- mime/multipart ---------------------------------------------------------------------------


def _match_after_prefix(buf: bytearray, i: int, end: int, plen: int, read_err: Optional[_Err]) -> int:
    if end - i == plen:
        return 1 if read_err is not None else 0
    c = buf[i + plen]
    if c in (0x20, 0x09, 0x0D, 0x0A):
        return 1
    if c == 0x2D:  # '-'
        if end - i == plen + 1:
            return -1 if read_err is not None else 0
        if buf[i + plen + 1] == 0x2D:
            return 1
    return -1


def _scan_until_boundary(buf: bytearray, start: int, end: int, dash_boundary: bytes,
                         nl_dash_boundary: bytes, total: int,
                         read_err: Optional[_Err]) -> tuple[int, Optional[_Err]]:
    """multipart.go ``scanUntilBoundary`` over ``buf[start:end]``: how many bytes are body, and
    the error once they are read (EOF at a boundary)."""
    length = end - start
    if total == 0:
        if buf.startswith(dash_boundary, start, end):
            m = _match_after_prefix(buf, start, end, len(dash_boundary), read_err)
            if m < 0:
                return len(dash_boundary), None
            return (0, None) if m == 0 else (0, EOF)
        if length <= len(dash_boundary) and buf[start:end] == dash_boundary[:length]:
            return 0, read_err
    i = buf.find(nl_dash_boundary, start, end)
    if i >= 0:
        m = _match_after_prefix(buf, i, end, len(nl_dash_boundary), read_err)
        if m < 0:
            return i - start + len(nl_dash_boundary), None
        return (i - start, None) if m == 0 else (i - start, EOF)
    if length <= len(nl_dash_boundary) and buf[start:end] == nl_dash_boundary[:length]:
        return 0, read_err
    j = buf.rfind(nl_dash_boundary[:1], start, end)
    if j >= 0 and end - j <= len(nl_dash_boundary) and buf[j:end] == nl_dash_boundary[:end - j]:
        return j - start, None
    return length, read_err


class _Part:
    """``multipart.Part``: headers, and a body read through to the next boundary."""

    def __init__(self, mr: "_MultipartReader") -> None:
        self.mr = mr
        try:
            self.header = mr.br.read_mime_header(_MAX_MIME_HEADER_SIZE, _MAX_MIME_HEADERS)
        except _Fail as failure:
            if failure.err is _TEXTPROTO_TOO_LARGE:
                raise _Fail(_MULTIPART_TOO_LARGE) from None
            raise
        self.n = 0
        self.total = 0
        self.err: Optional[_Err] = None
        self.read_err: Optional[_Err] = None
        self.qp: Optional[_QuotedPrintable] = None
        cte = self.header.get("Content-Transfer-Encoding")
        if cte and _go_str(cte[0]).lower() == "quoted-printable":
            del self.header["Content-Transfer-Encoding"]
            self.qp = _QuotedPrintable(self.raw_read)

    def _body_bytes(self, limit: int = 0) -> int:
        """``partReader.Read``'s scan: how many body bytes can be handed out now (at least one),
        reading more of the request as needed; raises at the end (EOF at the boundary,
        UNEXPECTED_EOF when the body stops first).

        Go reads more only while no body byte is known. With a ``limit``, reading goes on until
        ``limit`` bytes are known or the part ends, so that a large read comes out whole; the
        bytes already scanned are not scanned again."""
        mr = self.mr
        br = mr.br
        while self.err is None and (self.n == 0 or self.n < limit):
            known, self.err = _scan_until_boundary(br.buf, br.r + self.n, len(br.buf), mr.dash_boundary,
                                                   mr.nl_dash_boundary, self.total + self.n, self.read_err)
            self.n += known
            if self.err is None and (self.n == 0 or self.n < limit) and not br.fill():
                self.read_err = UNEXPECTED_EOF if br.err is EOF else br.err
        if self.n == 0:
            raise _Fail(self.err)  # type: ignore[arg-type]
        return self.n if limit <= 0 else min(self.n, limit)

    def _consumed(self, n: int) -> None:
        self.mr.br.r += n
        self.total += n
        self.n -= n

    def raw_read(self, limit: int = 0) -> bytes:
        """``partReader.Read``: the next body bytes (non-empty; all that are known, or up to
        ``limit``); raises at the end (see :meth:`_body_bytes`)."""
        n = self._body_bytes(limit)
        br = self.mr.br
        with memoryview(br.buf) as view:
            data = bytes(view[br.r:br.r + n])
        self._consumed(n)
        return data

    def raw_readinto(self, target: memoryview) -> int:
        """:meth:`raw_read` straight into ``target`` (non-empty), up to its length."""
        n = self._body_bytes(len(target))
        br = self.mr.br
        with memoryview(br.buf) as view:
            target[:n] = view[br.r:br.r + n]
        self._consumed(n)
        return n

    def read(self, limit: int = 0) -> bytes:
        """``Part.Read``: decoded body bytes (non-empty; up to ``limit`` unless quoted-printable,
        which decodes a line at a time); raises at the end."""
        return self.qp.read() if self.qp is not None else self.raw_read(limit)

    def chunks(self) -> Iterator[bytes]:
        """The body, to its end; UNEXPECTED_EOF and other errors raise."""
        while True:
            try:
                yield self.read()
            except _Fail as failure:
                if failure.err is EOF:
                    return
                raise

    def close(self) -> None:
        """``Part.Close``: discard the rest of the body, errors ignored (raw bytes: see
        :class:`_QuotedPrintable`)."""
        while True:
            try:
                self._consumed(self._body_bytes())
            except _Fail:
                return


class _MultipartReader:
    """``multipart.Reader``."""

    def __init__(self, br: _BufReader, boundary: bytes) -> None:
        b = b"\r\n--" + boundary + b"--"
        self.br = br
        self.nl = b[:2]
        self.nl_dash_boundary = b[:-2]
        self.dash_boundary_dash = b[2:]
        self.dash_boundary = b[2:-2]
        self.current: Optional[_Part] = None
        self.parts_read = 0

    def next_part(self) -> _Part:
        """``NextPart``; raises ``_Fail(EOF)`` at the end of the parts."""
        if self.current is not None:
            self.current.close()
            self.current = None
        if self.dash_boundary == b"--":
            raise _fail("multipart: boundary is empty")
        expect_new_part = False
        while True:
            line, err = self.br.read_slice()
            if err is EOF and self._is_final_boundary(line):
                raise _Fail(EOF)
            if err is not None:
                raise _fail("multipart: NextPart: " + err.msg)
            if self._is_boundary_delimiter_line(line):
                self.parts_read += 1
                part = _Part(self)
                self.current = part
                return part
            if self._is_final_boundary(line):
                raise _Fail(EOF)
            if expect_new_part:
                raise _fail("multipart: expecting a new Part; got line " + _go_quote(line))
            if self.parts_read == 0:
                continue  # preamble
            if line == self.nl:
                expect_new_part = True
                continue
            raise _fail("multipart: unexpected line in Next(): " + _go_quote(line))

    def _is_final_boundary(self, line: bytes) -> bool:
        if not line.startswith(self.dash_boundary_dash):
            return False
        rest = line[len(self.dash_boundary_dash):].lstrip(b" \t")
        return len(rest) == 0 or rest == self.nl

    def _is_boundary_delimiter_line(self, line: bytes) -> bool:
        if not line.startswith(self.dash_boundary):
            return False
        rest = line[len(self.dash_boundary):].lstrip(b" \t")
        if self.parts_read == 0 and rest == b"\n":
            # A body with bare LF line ends: Go switches to that mode on the first part.
            self.nl = b"\n"
            self.nl_dash_boundary = self.nl_dash_boundary[1:]
        return rest == self.nl


class _QuotedPrintable:
    """Go ``mime/quotedprintable.Reader`` over a part (``Content-Transfer-Encoding:
    quoted-printable``), with its own 4096-byte line buffer.

    Not emulated: when decoding fails in a part that kubo does not read (a directory), Go leaves
    the part half-read and the next ``NextPart`` trips on the rest; here the rest is skipped."""

    def __init__(self, raw_read: Callable[[], bytes]) -> None:
        self.raw_read = raw_read
        self.buf = bytearray()
        self.src_err: Optional[_Err] = None
        self.rerr: Optional[_Err] = None
        self.line = b""

    def _read_slice(self) -> tuple[bytes, Optional[_Err]]:
        while True:
            i = self.buf.find(b"\n", 0, _PEEK_BUFFER_SIZE)
            if i >= 0:
                line = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                return line, None
            if len(self.buf) >= _PEEK_BUFFER_SIZE:
                line = bytes(self.buf[:_PEEK_BUFFER_SIZE])
                del self.buf[:_PEEK_BUFFER_SIZE]
                return line, _BUFFER_FULL
            if self.src_err is not None:
                line = bytes(self.buf)
                self.buf.clear()
                return line, self.src_err
            try:
                self.buf += self.raw_read()
            except _Fail as failure:
                self.src_err = failure.err

    def read(self) -> bytes:
        out = bytearray()
        while True:
            if not self.line:
                if out:
                    return bytes(out)
                if self.rerr is not None:
                    raise _Fail(self.rerr)
                whole, self.rerr = self._read_slice()
                line = whole.rstrip(b"\n\r \t")
                if line.endswith(b"="):
                    right = whole[len(line):]
                    line = line[:-1]
                    if not (right.startswith(b"\n") or right.startswith(b"\r\n")
                            or (not right and line and self.rerr is EOF)):
                        self.rerr = _Err("quotedprintable: invalid bytes after =: " + _go_quote(right))
                elif whole.endswith(b"\n"):
                    line += b"\r\n" if whole.endswith(b"\r\n") else b"\n"
                self.line = line
                continue
            line = self.line
            plain = _QP_PLAIN.match(line).end()  # type: ignore[union-attr]
            if plain:
                out += line[:plain]
                self.line = line[plain:]
                continue
            b = line[0]
            try:
                if b != 0x3D:  # '='
                    raise _fail(f"quotedprintable: invalid unescaped byte 0x{b:02x} in body")
                try:
                    out.append(_read_hex_byte(line[1:]))
                    self.line = line[3:]
                except _Fail:
                    if len(line) >= 2 and line[1] not in (0x0D, 0x0A):
                        out.append(b)  # a lone '=' is taken literally
                        self.line = line[1:]
                        continue
                    raise
            except _Fail as failure:
                if not out:
                    raise
                # Go returns the bytes decoded so far with the error; the error comes next time.
                self.line = b""
                self.rerr = failure.err
                return bytes(out)


_QP_PLAIN = re.compile(rb"[\t\r\n\x20-\x3c\x3e-\x7e\x80-\xff]*")


def _from_hex(b: int) -> int:
    if 0x30 <= b <= 0x39:
        return b - 0x30
    if 0x41 <= b <= 0x46:
        return b - 0x41 + 10
    if 0x61 <= b <= 0x66:
        return b - 0x61 + 10
    raise _fail(f"quotedprintable: invalid hex byte 0x{b:02x}")


def _read_hex_byte(v: bytes) -> int:
    if len(v) < 2:
        raise _Fail(UNEXPECTED_EOF)
    return _from_hex(v[0]) << 4 | _from_hex(v[1])


# --- boxo files/multipartfile.go --------------------------------------------------------------


def _file_name(header: dict[str, list[bytes]]) -> str:
    """boxo ``fileName``: ``path.Clean("/" + QueryUnescape(filename))``; "" when the
    Content-Disposition does not parse (such a part belongs to no directory, not even "/")."""
    try:
        _, params = _parse_media_type(_header_get(header, "Content-Disposition"))
    except _MimeError:
        return ""
    raw = _go_bytes(params.get("filename", ""))
    try:
        raw = _query_unescape(raw)
    except ValueError:
        pass  # kept as sent, "+" included
    return go_clean("/" + _go_str(raw))


def _form_name(header: dict[str, list[bytes]]) -> str:
    """``Part.FormName``: the ``name`` of a ``form-data`` disposition, else ""."""
    try:
        disposition, params = _parse_media_type(_header_get(header, "Content-Disposition"))
    except _MimeError:
        return ""
    return params.get("name", "") if disposition == "form-data" else ""


def _mode_perms_to_unix_perms(mode: int) -> int:
    """boxo files/util.go ``ModePermsToUnixPerms`` (Go's setuid/setgid/sticky bits to unix ones)."""
    return ((mode & 0xC00000) >> 12) | ((mode & (1 << 20)) >> 11) | (mode & 0x1FF)


def _file_info(header: dict[str, list[bytes]]) -> tuple[int, Optional[Mtime]]:
    """boxo ``fileInfo``: mode and mtime from ``?mode=0644&mtime=..&mtime-nsecs=..`` in the
    form-data name. With a query but no ``mtime`` the mtime is the epoch (Go's
    ``time.Unix(0, 0)``); an unparsable query gives neither."""
    _, sep, query = _form_name(header).partition("?")
    if not sep:
        return 0, None
    params = _parse_query(query)
    if params is None:
        return 0, None
    mode = 0
    if "mode" in params:
        text = params["mode"][0]
        if re.fullmatch(r"[0-7]+", text) and int(text, 8) <= 0xFFFFFFFF:  # ParseUint(v, 8, 32)
            mode = _mode_perms_to_unix_perms(int(text, 8))
    secs = nsecs = 0
    if "mtime" in params:
        secs, ok = _parse_int64(params["mtime"][0])
        if not ok:
            return mode, None
    if "mtime-nsecs" in params:
        nsecs, _ = _parse_int64(params["mtime-nsecs"][0])
    secs, nsecs = secs + nsecs // 1_000_000_000, nsecs % 1_000_000_000  # time.Unix normalizes
    if (secs, nsecs) == _GO_ZERO_TIME:
        return mode, None  # time.Time.IsZero: Go cannot tell it from no mtime
    return mode, (secs, nsecs)


_GO_ZERO_TIME = (-62135596800, 0)  # January 1, year 1, UTC


def _is_child(child: str, parent: str) -> bool:
    return child.startswith(parent if parent.endswith("/") else parent + "/")


def _make_relative(child: str, parent: str) -> str:
    prefix = parent if parent.endswith("/") else parent + "/"
    return child[len(prefix):] if child.startswith(prefix) else child


class _Walker:
    """``multipartWalker``: the part the iterators look at, fetched once and then consumed."""

    def __init__(self, reader: _MultipartReader) -> None:
        self.reader: Optional[_MultipartReader] = reader
        self.part: Optional[_Part] = None
        self.name = ""
        self.failure: Optional[str] = None  # the error that ended a live request

    def get_part(self) -> Optional[_Part]:
        """The current part, or None at the end (``io.EOF``, after which every iterator stops)."""
        if self.part is not None:
            return self.part
        if self.reader is None:
            return None
        try:
            self.part = self.reader.next_part()
        except _Fail as failure:
            if failure.err is EOF:
                self.reader = None
                return None
            raise
        self.name = _file_name(self.part.header)
        return self.part

    def consume_part(self) -> _Part:
        part = self.part
        self.part = None
        return part  # type: ignore[return-value]

    def content_type(self, part: _Part) -> str:
        """``nextFile``'s media type: "" without a Content-Type; a bad one is an error."""
        value = _header_get(part.header, "Content-Type")
        if value == "":
            return ""
        try:
            return _parse_media_type(value)[0]
        except _MimeError as exc:
            raise _fail(exc.msg) from None

    def next_file(self, rel: str) -> Entry:
        """``nextFile`` for the live tree (:func:`iter_entries`): the current part as an entry
        named ``rel``; a directory lists the parts after it as they are asked for, a file reads
        its part where it stands in the body."""
        part = self.consume_part()
        name = self.name
        mediatype = self.content_type(part)
        mode, mtime = _file_info(part.header)
        if mediatype in _DIRECTORY_TYPES:
            return Directory(rel, LiveEntries(self, name), mode, mtime)
        if mediatype == _SYMLINK_TYPE:
            target = b"".join(part.chunks())
            # boxo Symlink.Mode() is always ModeSymlink|0777; only the mtime comes from the part
            return Symlink(rel, _go_str(target), 0o777, mtime)
        return File(rel, _live_opener(part), mode, mtime)


# --- spooling ---------------------------------------------------------------------------------


class _Spool:
    """File contents of one request, end to end in one ``SpooledTemporaryFile``.

    Each file is an (offset, length) range; :meth:`open` gives a fresh reader of a range. Once on
    disk, a reader has its own duplicate of the file descriptor and reads with ``pread``, so it
    outlives :meth:`close` (the data goes when the last reader closes)."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)
        self._lock = threading.Lock()
        self._size = 0
        self._rolled = False
        self._at_end = True
        self.closed = False

    @property
    def size(self) -> int:
        return self._size

    def write(self, data: bytes) -> None:
        with self._lock:
            if not self._at_end:
                self._file.seek(0, io.SEEK_END)
                self._at_end = True
            self._file.write(data)
            self._size += len(data)
            if not self._rolled and self._size > SPOOL_MEMORY:
                self._file.rollover()
                self._rolled = True

    def opener(self, offset: int, length: int) -> Callable[[], BinaryIO]:
        return lambda: self.open(offset, length)

    def open(self, offset: int, length: int) -> BinaryIO:
        with self._lock:
            if self.closed:
                raise ValueError("I/O operation on closed file: the upload was closed")
            if self._rolled and hasattr(os, "pread"):
                self._file.flush()  # pread reads the file, not the writer's buffer
                return io.BufferedReader(_RangeReader(os.dup(self._file.fileno()), offset, length))
            self._file.seek(offset)
            self._at_end = False
            data = self._file.read(length)
        return io.BytesIO(data)

    def close(self) -> None:
        with self._lock:
            if not self.closed:
                self.closed = True
                self._file.close()

    def __del__(self) -> None:  # an Upload nobody closed: no "unclosed file" warning
        try:
            self.close()
        except Exception:
            pass


class _RangeReader(io.RawIOBase):
    """``length`` bytes at ``offset`` of a file descriptor it owns, read with ``pread``."""

    def __init__(self, fd: int, offset: int, length: int) -> None:
        super().__init__()
        self._fd = fd
        self._offset = offset
        self._length = length
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        if self.closed:
            raise ValueError("I/O operation on closed file")
        n = min(len(b), self._length - self._pos)
        if n <= 0:
            return 0
        data = os.pread(self._fd, n, self._offset + self._pos)
        b[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


# --- public API -------------------------------------------------------------------------------


class Upload(list):
    """The top-level entries of a request, in request order (a ``list``).

    ``File.open()`` readers come from the upload's spool: :meth:`close` (or leaving a ``with``
    block) releases it; readers already open keep working."""

    def __init__(self, entries: Iterable[Entry] = (), spool: Optional[_Spool] = None) -> None:
        super().__init__(entries)
        self._spool = spool

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()

    def __enter__(self) -> "Upload":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


Body = Union[BinaryIO, bytes, Iterable[bytes]]


def _open_reader(content_type: "str | bytes", body: Body, max_bytes: Optional[int]) -> _MultipartReader:
    """net/http ``Request.multipartReader`` (``multipart/mixed`` allowed too)."""
    try:
        mediatype, params = _parse_media_type(_header_text(content_type))
    except _MimeError:
        raise MultipartError(ERR_NOT_MULTIPART) from None
    if mediatype not in _MULTIPART_TYPES:
        raise MultipartError(ERR_NOT_MULTIPART)
    if "boundary" not in params:
        raise MultipartError(ERR_MISSING_BOUNDARY)
    return _MultipartReader(_BufReader(_Source(body, max_bytes)), _go_bytes(params["boundary"]))


def _spool_tree(entries: "LiveEntries", spool: _Spool) -> list[Entry]:
    """Walk a live request to its end the way ``ipfs add`` walks it (every directory listed,
    every file read before the next part), without recursion, copying each file into the spool:
    the whole tree, in lists, with files that can be opened any number of times."""
    root: list[Entry] = []
    stack: list[tuple[Iterator[Entry], list[Entry]]] = [(iter(entries), root)]
    while stack:
        items, out = stack[-1]
        entry = next(items, None)
        if entry is None:
            stack.pop()
        elif isinstance(entry, Directory):
            children: list[Entry] = []
            out.append(Directory(entry.name, children, entry.mode, entry.mtime))
            stack.append((iter(entry.entries), children))
        elif isinstance(entry, File):
            offset = spool.size
            with entry.open() as reader:
                while chunk := reader.read(READ_SIZE):
                    spool.write(chunk)
            out.append(File(entry.name, spool.opener(offset, spool.size - offset), entry.mode, entry.mtime))
        else:
            out.append(entry)
    return root


def iter_entries(content_type: "str | bytes", body: Body, *,
                 max_bytes: Optional[int] = None) -> "LiveEntries":
    """The top-level entries of a request, read from the body as they are asked for, the way
    ``ipfs add`` reads ``req.Files`` (boxo ``multipartIterator`` over one ``multipartWalker``):
    nothing is spooled, and the body is read (1 MiB at most at a time) only as far as the entry
    asked for, or the file being read, needs.

    The result is a :class:`LiveEntries` (iterate it, test it, index it); directories'
    ``entries`` are too. A ``File`` reads its part where it stands in the body: open it once,
    while it is the current part, before asking for the next entry (kubo's importer does exactly
    that: entries in request order, each file read to its end first). An entry asked for later
    skips the rest of the parts before it (a directory not listed, a file not read). A file part
    cut short keeps the bytes that arrived (see the module notes); the error comes with the next
    entry. Envelope errors raise :class:`MultipartError` here; errors in the body raise
    :class:`MultipartBodyError` from the iteration or the file read that meets them."""
    return LiveEntries(_Walker(_open_reader(content_type, body, max_bytes)), "/")


class LiveEntries:
    """One directory's entries in a live request: boxo ``multipartIterator``, extended as the
    caller asks for more (iteration, ``bool``, indexing) and remembered once read. All the
    directories of a request share one walker, i.e. one position in the body."""

    def __init__(self, walker: _Walker, path: str) -> None:
        self._walker = walker
        self._path = path
        self._items: list[Entry] = []
        self._cur_name = ""
        self._done = False

    def __iter__(self) -> Iterator[Entry]:
        i = 0
        while i < len(self._items) or self._next():
            yield self._items[i]
            i += 1

    def __bool__(self) -> bool:
        return bool(self._items) or self._next()

    def __getitem__(self, index: int) -> Entry:
        while index >= len(self._items) and self._next():
            pass
        return self._items[index]

    def __repr__(self) -> str:
        more = "" if self._done else ", ..."
        return f"LiveEntries({self._path!r}, {self._items!r}{more})"

    def _next(self) -> bool:
        """``multipartIterator.Next``: one more entry, or False when the current part lies outside
        this directory (or the request ended). A failure ends the whole request: every iterator
        raises it from then on, as boxo's walker keeps returning it."""
        walker = self._walker
        if walker.failure is not None:
            raise MultipartBodyError(walker.failure)
        if self._done:
            return False
        try:
            while True:
                part = walker.get_part()
                if part is None or not _is_child(walker.name, self._path):
                    self._done = True
                    return False
                name = walker.name
                if self._cur_name and _is_child(name, _go_join(self._path, self._cur_name)):
                    walker.consume_part()  # under an entry already listed: skipped
                    continue
                rel = _make_relative(name, self._path)
                head, slash, _ = rel.partition("/")
                self._cur_name = head
                if slash:  # an implicit directory
                    self._items.append(Directory(head, LiveEntries(walker, _go_join(self._path, head))))
                else:
                    self._items.append(walker.next_file(rel))
                return True
        except _Fail as failure:
            walker.failure = failure.err.msg
            raise MultipartBodyError(failure.err.msg) from None


#: A live file opened twice, or after the body moved past its part.
ERR_PART_GONE = "multipart: the request body has moved past this file part"


def _live_opener(part: _Part) -> Callable[[], BinaryIO]:
    opened = False

    def open_part() -> BinaryIO:
        nonlocal opened
        if opened or part.mr.current is not part:
            raise ValueError(ERR_PART_GONE)
        opened = True
        return _LiveFile(part)  # type: ignore[return-value]
    return open_part


class _LiveFile(io.RawIOBase):
    """A file part read straight from the body, as ``ipfs add`` reads it (boxo ``ReaderFile``
    over the part): a body that stops before the boundary ends the file (boxo's chunkers take
    ``io.ErrUnexpectedEOF`` as the end); other errors raise :class:`MultipartBodyError`.
    ``read(n)`` returns ``n`` bytes unless the part ends first: one copy out of the body buffer."""

    def __init__(self, part: _Part) -> None:
        super().__init__()
        self._part = part
        self._pending = b""  # quoted-printable: decoded bytes beyond the last read
        self._done = False

    def readable(self) -> bool:
        return True

    def _fail(self, failure: _Fail) -> None:
        self._done = True
        if failure.err is not EOF and failure.err is not UNEXPECTED_EOF:
            raise MultipartBodyError(failure.err.msg) from None

    def _check(self) -> bool:
        """False at the end of the part; raises when closed or no longer current."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if self._done:
            return False
        if self._part.mr.current is not self._part:
            raise ValueError(ERR_PART_GONE)
        return True

    def _piece(self, limit: int) -> bytes:
        """The next body bytes, at most ``limit`` (> 0); ``b""`` at the end."""
        if self._pending:
            piece, self._pending = self._pending[:limit], self._pending[limit:]
            return piece
        if not self._check():
            return b""
        try:
            data = self._part.read(limit)
        except _Fail as failure:
            self._fail(failure)
            return b""
        if len(data) > limit:
            data, self._pending = data[:limit], data[limit:]
        return data

    def read(self, size: Optional[int] = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        pieces = []
        while size > 0:
            piece = self._piece(size)
            if not piece:
                break
            pieces.append(piece)
            size -= len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def readall(self) -> bytes:
        pieces = []
        while piece := self._piece(READ_SIZE):
            pieces.append(piece)
        return b"".join(pieces)

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def]
        with memoryview(target) as view, view.cast("B") as out:
            if self._part.qp is not None or self._pending:
                data = self.read(len(out))
                out[:len(data)] = data
                return len(data)
            filled = 0
            while filled < len(out) and self._check():
                try:
                    filled += self._part.raw_readinto(out[filled:])
                except _Fail as failure:
                    self._fail(failure)
            return filled


def parse_files(content_type: "str | bytes", body: Body, *,
                max_bytes: Optional[int] = None) -> Upload:
    """Read a whole multipart request body into its top-level entries, in request order.

    ``content_type`` is the request's Content-Type header; ``body`` a binary reader (a socket
    file, a stream of unknown length), bytes, or an iterable of byte chunks; it is read once, to
    its closing boundary. Directories are :class:`~fakeipfs.unixfs.files.Directory` trees,
    symlinks :class:`~fakeipfs.unixfs.files.Symlink`, files
    :class:`~fakeipfs.unixfs.files.File` whose ``open()`` gives a fresh reader of the part's bytes.

    Raises :class:`MultipartError` for a bad Content-Type or a body over ``max_bytes``, and
    :class:`MultipartBodyError` for a malformed body, with Go's message; no other exception. The
    spool is closed on error; on success the returned :class:`Upload` owns it."""
    entries = iter_entries(content_type, body, max_bytes=max_bytes)
    spool = _Spool()
    try:
        return Upload(_spool_tree(entries, spool), spool)
    except BaseException:
        spool.close()
        raise


class _PartStream(io.RawIOBase):
    """A file part read straight from the body (``iter_file_bodies``); like a Go ``Part``, it
    is only valid until the next part is requested."""

    def __init__(self, part: _Part) -> None:
        super().__init__()
        self._part = part
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        if self.closed:
            raise ValueError("I/O operation on closed file")
        while not self._pending and not self._done:
            try:
                self._pending = self._part.read()
            except _Fail as failure:
                self._done = True
                if failure.err is not EOF:
                    raise MultipartBodyError(failure.err.msg) from None
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def iter_file_bodies(content_type: "str | bytes", body: Body, *,
                     max_bytes: Optional[int] = None) -> Iterator[Optional[BinaryIO]]:
    """Each top-level entry of a request as a binary reader, for commands that take flat files
    (``block put``, ``dag put``, ``dag import``, ``pubsub pub``, ``files write``...): kubo's
    ``req.Files.Entries()`` with ``files.FileFromEntry``.

    A file is streamed from the body (nothing is spooled) and is valid until the next item is
    requested; a body that stops early raises ``unexpected EOF`` as ``io.ReadAll`` reports it.
    A symlink is a file whose bytes are its target (boxo ``Symlink`` is a ``files.File``). A
    directory yields ``None`` (``FileFromEntry`` gives nil) and its parts are skipped: each
    command words that error itself ("expected a file", "expected a regular file"...)."""
    reader = _open_reader(content_type, body, max_bytes)
    walker = _Walker(reader)
    cur_name = ""
    current: Optional[_PartStream] = None
    try:
        while True:
            part = walker.get_part()
            if current is not None:
                current.close()
                current = None
            if part is None or not _is_child(walker.name, "/"):
                return
            if cur_name and _is_child(walker.name, _go_join("/", cur_name)):
                walker.consume_part()
                continue
            rel = _make_relative(walker.name, "/")
            head, slash, _ = rel.partition("/")
            if slash:
                cur_name = head
                yield None
                continue
            walker.consume_part()
            mediatype = walker.content_type(part)
            cur_name = rel
            if mediatype in _DIRECTORY_TYPES:
                yield None
            elif mediatype == _SYMLINK_TYPE:
                yield io.BytesIO(b"".join(part.chunks()))
            else:
                current = _PartStream(part)
                yield current  # type: ignore[misc]
    except _Fail as failure:
        raise MultipartBodyError(failure.err.msg) from None
    finally:
        if current is not None:
            current.close()
