"""``/api/v0/add`` reads its upload as it arrives (fakeipfs/rpc/dispatcher.py ``STREAMED``,
fakeipfs/rpc/multipart.py ``iter_entries``), as kubo's adder reads boxo's ``multipartIterator``:
no spooling, memory flat, each entry hashed before the parts after it have arrived, and an error
later in the body reported after the entries before it (core/commands/add.go emits each event as
it comes, then returns the iterator's error).
"""
from __future__ import annotations

import io
import json
import re
import socket
import tempfile
import time
import tracemalloc
from typing import Callable

import pytest
from multiformats import CID

import fakeipfs
import fakeipfs.transport as transport
from fakeipfs.daemon import Daemon
from fakeipfs.rpc import multipart as mp
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.rpc.wire import Request
from fakeipfs.unixfs.files import Directory, File, Symlink

from .rpcutil import CHANNEL, SINGLE

B = "streamingboundary"
CT = f"multipart/form-data; boundary={B}"
END = f"--{B}--\r\n".encode()
HELLO_WORLD = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"
PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"
MIB = 1 << 20


def head(name: str, content_type: str = "application/octet-stream") -> bytes:
    return (f'--{B}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n").encode()


def file_part(name: str, data: bytes) -> bytes:
    return head(name) + data + b"\r\n"


class Pattern(io.RawIOBase):
    """``size`` deterministic bytes (a counter per 4 KiB block), made as they are read."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.left = size
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self.left, 1 << 16)
        first = self.offset // 4096
        blocks = b"".join((first + i).to_bytes(8, "big") * 512 for i in range(n // 4096 + 2))
        start = self.offset % 4096
        buffer[:n] = blocks[start:start + n]
        self.offset += n
        self.left -= n
        return n


class Feed(io.RawIOBase):
    """A request body that arrives in pieces, as from a socket: a read returns at most the rest
    of the current piece, and ``before(i)`` runs when the reader first asks for piece ``i``."""

    def __init__(self, pieces: list[bytes], before: Callable[[int], None]) -> None:
        super().__init__()
        self.pieces = pieces
        self.before = before
        self.index = -1
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if not self.pending:
            if self.index + 1 >= len(self.pieces):
                return 0
            self.index += 1
            self.before(self.index)
            self.pending = memoryview(self.pieces[self.index])
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def post_add(node: fakeipfs.Node, body, query: str = ""):  # type: ignore[no-untyped-def]
    url = "/api/v0/add" + (f"?{query}" if query else "")
    return Dispatcher(node).handle(Request.from_url("POST", url, {"Content-Type": CT}, body))


def lines(response) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in response.read_all().splitlines()]


def only_hash(*sources, **options):  # type: ignore[no-untyped-def]
    """The events of the same add in process, no RPC (the reference)."""
    return fakeipfs.Node().add(*sources, only_hash=True, **options)


@pytest.fixture
def planets(tmp_path):  # type: ignore[no-untyped-def]
    root = tmp_path / "planets"
    root.mkdir()
    (root / "mars.txt").write_bytes(b"Hello Mars!\n")
    (root / "venus.txt").write_bytes(b"Hello Venus!\n")
    return root


@pytest.fixture
def no_temporary_files(monkeypatch):  # type: ignore[no-untyped-def]
    """Creating any temporary file (or the multipart spool) fails the test."""
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a temporary file was created")
    for name in ("SpooledTemporaryFile", "TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    monkeypatch.setattr(mp, "_Spool", refuse)


# --- memory and temporary files -----------------------------------------------------------------


def test_a_200_mb_add_through_the_in_process_client_keeps_memory_flat(no_temporary_files):
    size = 200 * MIB
    expected = only_hash(Pattern(size))[-1]
    client = transport.client(fakeipfs.Node())
    tracemalloc.start()
    try:
        started = time.perf_counter()
        answer = client.add(Pattern(size), only_hash=True)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer == {"Name": answer["Name"], "Hash": expected.cid.encode(), "Size": str(expected.size)}
    # read 1 MiB at a time, 256 KiB chunks, at most 8 being hashed: a few MiB whatever the size
    assert peak < 12 * MIB, f"{peak / MIB:.1f} MiB traced for a {size // MIB} MiB add"
    assert elapsed < 15, elapsed


def test_adds_create_no_temporary_file(planets, no_temporary_files):
    node = fakeipfs.Node()
    response = post_add(node, file_part("hello.txt", b"hello world") + END)
    assert (response.status, response.headers) == (200, CHANNEL)
    assert response.read_all() == b'{"Name":"hello.txt","Hash":"%s","Size":"19"}\n' % HELLO_WORLD.encode()
    assert node.pin_ls(HELLO_WORLD) == {HELLO_WORLD: "recursive"}
    client = transport.client(node)
    assert client.add_bytes(b"hello world") == HELLO_WORLD
    assert client.add(str(planets), recursive=True)[-1]["Hash"] == PLANETS


# --- streaming ------------------------------------------------------------------------------------


def test_each_entry_is_added_before_the_next_part_arrives():
    node = fakeipfs.Node()
    hello = CID.decode(HELLO_WORLD)
    pieces = [file_part("a", b"hello world") + f"--{B}\r\n".encode(),  # up to the next delimiter
              file_part("b", b"second")[len(f"--{B}\r\n"):] + END]
    seen = []

    def before(index: int) -> None:
        seen.append((index, node.blockstore.has(hello)))

    response = post_add(node, Feed(pieces, before))
    assert [e["Name"] for e in lines(response)] == ["a", "b"]
    assert seen == [(0, False), (1, True)]  # "a" was stored before "b"'s headers were read


def test_a_large_file_is_hashed_as_it_arrives():
    node = fakeipfs.Node()
    data = bytes(Pattern(8 * MIB).read())
    first_leaf = only_hash(data[:256 * 1024], cid_version=1)[-1].cid  # raw leaves with CIDv1
    body = file_part("big", data) + END
    pieces = [body[i:i + MIB] for i in range(0, len(body), MIB)]
    seen = []

    def before(index: int) -> None:
        seen.append(node.blockstore.has(first_leaf))

    response = post_add(node, Feed(pieces, before), "cid-version=1")
    assert lines(response)[-1]["Hash"] == only_hash(data, cid_version=1)[-1].cid.encode()
    assert seen[0] is False and seen[-1] is True  # stored while the end was still to come


def test_live_requests_add_as_the_model_does():
    """Several top-level entries, nested and implicit directories, a symlink, wrapped or not,
    empty directories kept or dropped: the same events as Node.add of the same entries."""
    body = (head("d", "application/x-directory") + b"\r\n" + file_part("d%2Fx", b"x data")
            + head("d%2Fempty", "application/x-directory") + b"\r\n"
            + file_part("implicit%2Fdeep%2Fy", b"y data")
            + head("link", "application/symlink") + b"d/x\r\n"
            + file_part("top", b"top data") + END)
    entries = [Directory("d", [File.from_bytes("x", b"x data"), Directory("empty")]),
               Directory("implicit", [Directory("deep", [File.from_bytes("y", b"y data")])]),
               Symlink("link", "d/x", 0o777), File.from_bytes("top", b"top data")]
    for query, options in (("", {}), ("wrap-with-directory=true", {"wrap_with_directory": True}),
                           ("empty-dirs=false", {"empty_dirs": False}),
                           ("wrap-with-directory=true&empty-dirs=false&cid-version=1",
                            {"wrap_with_directory": True, "empty_dirs": False, "cid_version": 1})):
        got = lines(post_add(fakeipfs.Node(), body, query))
        want = [{"Name": e.name, "Hash": e.cid.encode(), "Size": str(e.size)}
                for e in only_hash(*entries, **options)]
        assert got == want, query


# --- errors ---------------------------------------------------------------------------------------


def test_a_body_error_after_earlier_entries_reports_them_then_fails():
    node = fakeipfs.Node()
    blocks, pins = node.blockstore.stat(), node.pin_ls()
    # "t" is cut short: boxo's chunker keeps what arrived, then the next part is missing
    body = file_part("a", b"hello world") + head("t") + b"truncated"
    response = post_add(node, body)
    assert (response.status, response.headers) == (200, CHANNEL)
    a = only_hash(b"hello world")[-1]
    t = only_hash(b"truncated")[-1]
    assert lines(response) == [
        {"Name": "a", "Hash": a.cid.encode(), "Size": str(a.size)},
        {"Name": "t", "Hash": t.cid.encode(), "Size": str(t.size)},
        {"Message": "multipart: NextPart: EOF", "Code": 0, "Type": "error"}]
    assert response.trailers == {"X-Stream-Error": "multipart: NextPart: EOF"}
    # fakeipfs keeps nothing of a failed add (kubo would keep the blocks, unpinned)
    assert (node.blockstore.stat(), node.pin_ls()) == (blocks, pins)


def test_a_body_error_before_any_entry_is_the_commands_error():
    node = fakeipfs.Node()
    blocks = node.blockstore.stat()
    response = post_add(node, head("q", "text/") + b"x\r\n" + END)
    body = response.read_all()
    assert (response.status, response.headers) == (500, SINGLE)
    assert json.loads(body) == {"Message": "mime: expected token after slash", "Code": 0, "Type": "error"}


    # a read error inside the first file, after a chunk was stored: the add fails, nothing kept
    def broken():  # type: ignore[no-untyped-def]
        yield head("f") + b"x" * 300_000
        raise ConnectionResetError("connection reset by peer")
    response = post_add(node, broken())
    assert (response.status, json.loads(response.read_all())) == (
        500, {"Message": "connection reset by peer", "Code": 0, "Type": "error"})
    assert node.blockstore.stat() == blocks
    # no part at all is still go-ipfs-cmds' missing file argument
    response = post_add(node, END)
    assert (response.status, response.read_all()) == (400, b"file argument 'path' is required\n")


def test_a_live_file_is_read_once_while_current():
    entries = mp.iter_entries(CT, file_part("a", b"AAA") + file_part("b", b"BBB") + END)
    a = entries[0]
    reader = a.open()
    assert reader.read(2) == b"AA"
    with pytest.raises(ValueError, match=re.escape(mp.ERR_PART_GONE)):
        a.open()  # once
    b = entries[1]  # the body moves on, past the rest of "a"
    with pytest.raises(ValueError, match=re.escape(mp.ERR_PART_GONE)):
        reader.read()
    assert b.open().read() == b"BBB"
    assert [e.name for e in entries] == ["a", "b"]


# --- over HTTP ------------------------------------------------------------------------------------


def test_the_daemon_adds_an_entry_before_the_rest_of_the_body_arrives():
    node = fakeipfs.Node()
    hello = CID.decode(HELLO_WORLD)
    first = file_part("a", b"hello world") + f"--{B}\r\n".encode()
    rest = file_part("b", b"second")[len(f"--{B}\r\n"):] + END
    daemon = Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda line: None)
    with daemon.background():
        assert daemon.api_addr is not None
        with socket.create_connection((daemon.api_addr.host, daemon.api_addr.port), timeout=10) as conn:
            conn.sendall((f"POST /api/v0/add HTTP/1.1\r\nHost: x\r\nContent-Type: {CT}\r\n"
                          f"Content-Length: {len(first) + len(rest)}\r\nConnection: close\r\n\r\n").encode()
                         + first)
            deadline = time.monotonic() + 10
            while not node.blockstore.has(hello):
                assert time.monotonic() < deadline, "the first file was not added before the rest came"
                time.sleep(0.01)
            conn.sendall(rest)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b'{"Name":"a","Hash":"%s","Size":"19"}\n' % HELLO_WORLD.encode() in answer
    assert b'{"Name":"b","Hash":"' in answer


def test_the_daemon_answers_an_add_refused_on_its_options_without_the_upload():
    """kubo checks the options before it reads a file: the error comes at once, the unread
    upload is drained by the server, and the connection serves the next request."""
    import requests
    node = fakeipfs.Node()
    body = file_part("x", b"x" * (20 * MIB)) + END
    daemon = Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda line: None)
    with daemon.background(), requests.Session() as session:
        assert daemon.api_addr is not None
        for data in (body, iter([body[i:i + 8192] for i in range(0, len(body), 8192)])):
            started = time.monotonic()
            answer = session.post(daemon.api_addr.url("/api/v0/add?chunker=bogus"), data=data,
                                  headers={"Content-Type": CT})
            assert (answer.status_code, answer.json()) == (
                500, {"Message": "unrecognized chunker option: bogus", "Code": 0, "Type": "error"})
            assert time.monotonic() - started < 5
            answer = session.post(daemon.api_addr.url("/api/v0/add"), data=file_part("h", b"hello world") + END,
                                  headers={"Content-Type": CT})
            assert answer.json() == {"Name": "h", "Hash": HELLO_WORLD, "Size": "19"}
