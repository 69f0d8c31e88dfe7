"""Raw requests to the dispatcher, for the RPC tests that look at bodies, headers and status."""
from __future__ import annotations

import json
from typing import Any, Optional, Sequence
from urllib.parse import quote

import fakeipfs
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.rpc.wire import Request, Response

BOUNDARY = "fakeipfs-test-boundary"
#: go-ipfs-cmds' headers on every command response
BASE_HEADERS = {
    "Access-Control-Allow-Headers": "X-Stream-Output, X-Chunked-Output, X-Content-Length",
    "Access-Control-Expose-Headers": "X-Stream-Output, X-Chunked-Output, X-Content-Length",
    "Trailer": "X-Stream-Error",
}
SINGLE = {**BASE_HEADERS, "Content-Type": "application/json"}
CHANNEL = {**SINGLE, "X-Chunked-Output": "1"}
STREAM = {**BASE_HEADERS, "Content-Type": "text/plain", "X-Stream-Output": "1"}

#: The one block a fresh kubo node holds: its MFS root, the 4-byte empty directory (kubo
#: core/node/core.go ``Files``), unpinned; ``refs local`` and ``repo gc`` name it as stored, by
#: its CIDv0 before 0.12 and as the CIDv1 raw of its multihash from 0.12.
MFS_ROOT = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
MFS_ROOT_RAW = "bafkreiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"


def multipart(files: Sequence[bytes]) -> tuple[dict[str, str], bytes]:
    """A ``multipart/form-data`` body with one file part per item, as ipfshttpclient sends."""
    body = b"".join(
        (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="f{i}"\r\n'
         "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
        for i, data in enumerate(files))
    return ({"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            body + f"--{BOUNDARY}--\r\n".encode())


def post(node: fakeipfs.Node, url: str, files: Optional[Sequence[bytes]] = None,
         **query: Any) -> Response:
    """``POST /api/v0/<url>``; keyword ``arg`` (a list) and options are appended to the query."""
    pairs = [("arg", a) for a in query.pop("arg", [])]
    pairs += [(k.replace("_", "-"), str(v).lower() if isinstance(v, bool) else str(v))
              for k, v in query.items()]
    full = "/api/v0/" + url
    if pairs:
        full += ("&" if "?" in full else "?") + "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs)
    headers, body = multipart(files) if files is not None else ({}, None)
    return Dispatcher(node).handle(Request.from_url("POST", full, headers, body))


def single(response: Response) -> Any:
    """The one JSON value of a 200 ``EmitOnce`` answer."""
    body = response.read_all()
    assert (response.status, response.headers) == (200, SINGLE), body
    return json.loads(body)


def values(response: Response) -> list[Any]:
    """The values of a 200 value stream (NDJSON)."""
    body = response.read_all()
    assert (response.status, response.headers) == (200, CHANNEL), body
    return [json.loads(line) for line in body.splitlines()]


def error(response: Response) -> str:
    """The message of kubo's JSON error (HTTP 500, code 0)."""
    body = response.read_all()
    assert (response.status, response.headers) == (500, SINGLE), body
    out = json.loads(body)
    assert out["Code"] == 0 and out["Type"] == "error" and set(out) == {"Message", "Code", "Type"}
    return out["Message"]


def any_error(response: Response) -> str:
    """The message of kubo's JSON error, whether a client error (400, code 1) or not (500, 0):
    for errors raised by the model's path parsing, whose code is the model's business."""
    body = response.read_all()
    assert response.status in (400, 500) and response.headers == SINGLE, body
    return json.loads(body)["Message"]
