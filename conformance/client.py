"""The one client interface of the RPC targets: kubo's HTTP RPC, request by request.

:class:`RpcClient` sends ``POST /api/v0/<command>?arg=...&<option>=...`` over a
``requests.Session`` (a real socket for ``daemon`` and ``live``, the in-process transport
adapter of :mod:`fakeipfs.transport` for ``inproc``) and hands back the raw answer -- status,
headers, body -- so scenarios can compare everything kubo's clients see. File arguments travel
as kubo's clients send them (go-ipfs-files ``multifilereader.go``): one ``multipart/form-data``
part per entry, named ``file``, ``filename`` URL-escaped with the full path, directories as
``application/x-directory`` parts before their children, symlinks as ``application/symlink``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union
from urllib.parse import quote, quote_plus

import requests

from .scenario import Mismatch

BOUNDARY = "conformance-boundary-7d1c0a"


@dataclass(frozen=True)
class Link:
    """A symlink entry in a tree given to :func:`tree_parts`."""

    target: str


#: name -> bytes (file), dict (directory) or Link (symlink)
Tree = dict
Part = tuple[str, str, bytes]  # (path, content type, body)


def file_part(name: str, data: bytes) -> Part:
    return (name, "application/octet-stream", data)


def tree_parts(root: str, tree: Tree) -> list[Part]:
    """The parts of directory ``root`` holding ``tree``, in the order kubo's clients walk it
    (entries sorted by name, each directory before its children)."""
    parts: list[Part] = [(root, "application/x-directory", b"")]
    for name in sorted(tree):
        value = tree[name]
        path = f"{root}/{name}"
        if isinstance(value, dict):
            parts += tree_parts(path, value)
        elif isinstance(value, Link):
            parts.append((path, "application/symlink", value.target.encode()))
        else:
            parts.append(file_part(path, value))
    return parts


def multipart(parts: Iterable[Part]) -> tuple[str, bytes]:
    """(content type, body) of a ``multipart/form-data`` request carrying ``parts``."""
    chunks = []
    for name, ctype, body in parts:
        chunks.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{quote_plus(name, safe="")}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
            + body + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return f"multipart/form-data; boundary={BOUNDARY}", b"".join(chunks)


@dataclass
class Reply:
    """One HTTP answer."""

    command: str
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def _fail(self, what: str) -> Mismatch:
        return Mismatch(f"{self.command}: {what}", f"HTTP {self.status}\n{self.text[:2000]}")

    def json(self) -> Any:
        """The single JSON value of a 200 answer."""
        if self.status != 200:
            raise self._fail("expected HTTP 200")
        try:
            return json.loads(self.body)
        except ValueError:
            raise self._fail("expected one JSON value") from None

    def values(self) -> list:
        """The values of a 200 NDJSON stream."""
        if self.status != 200:
            raise self._fail("expected HTTP 200")
        try:
            return [json.loads(line) for line in self.body.splitlines() if line.strip()]
        except ValueError:
            raise self._fail("expected NDJSON values") from None

    def data(self) -> bytes:
        """The bytes of a 200 answer."""
        if self.status != 200:
            raise self._fail("expected HTTP 200")
        return self.body

    def error(self) -> tuple[int, str, int]:
        """(status, Message, Code) of kubo's JSON error answer ``{"Message","Code","Type"}``."""
        try:
            value = json.loads(self.body)
        except ValueError:
            raise self._fail("expected a JSON error") from None
        if not isinstance(value, dict) or value.get("Type") != "error":
            raise self._fail("expected a JSON error")
        return self.status, value.get("Message"), value.get("Code")


def _opt(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


class RpcClient:
    """kubo's RPC at ``base`` (``http://host:port``) through ``session``."""

    def __init__(self, session: requests.Session, base: str, timeout: float = 60.0) -> None:
        self.session = session
        self.base = base.rstrip("/")
        self.timeout = timeout

    def call(self, command: str, *args: str, parts: Optional[Iterable[Part]] = None,
             method: str = "POST", stream_lines: Optional[int] = None, **options: Any) -> Reply:
        """``command`` ("add", "pin/ls"...) with positional ``args`` and ``options`` (Python
        names: ``cid_version`` is sent as ``cid-version``; a list value repeats the option).
        ``stream_lines`` reads only that many lines of a never-ending stream (pubsub/sub)."""
        query = [("arg", a) for a in args]
        for key, value in options.items():
            for v in (value if isinstance(value, list) else [value]):
                query.append((key.replace("_", "-"), _opt(v)))
        url = f"{self.base}/api/v0/{command}"
        if query:
            url += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query)
        headers: dict[str, str] = {}
        body: Optional[bytes] = None
        if parts is not None:
            headers["Content-Type"], body = multipart(parts)
        if stream_lines is None:
            r = self.session.request(method, url, data=body, headers=headers, timeout=self.timeout)
            return Reply(command, r.status_code, dict(r.headers), r.content)
        with self.session.request(method, url, data=body, headers=headers, timeout=self.timeout,
                                  stream=True) as r:
            lines = []
            for line in r.iter_lines():
                if line:
                    lines.append(line)
                if len(lines) >= stream_lines:
                    break
            return Reply(command, r.status_code, dict(r.headers), b"\n".join(lines))

    # --- the few conveniences most scenarios need ------------------------------------------

    def add(self, data: Union[bytes, list], name: str = "file", **options: Any) -> list[dict]:
        """``add`` of one file (bytes) or of ``parts``; the NDJSON events."""
        parts = [file_part(name, data)] if isinstance(data, (bytes, bytearray)) else data
        return self.call("add", parts=parts, **options).values()

    def add_cid(self, data: Union[bytes, list], name: str = "file", **options: Any) -> str:
        """The root CID ``add`` reports (its last event)."""
        return self.add(data, name, **options)[-1]["Hash"]
