"""``fakeipfs.Node``: add, cat, ls, get as kubo does them.

Expected CIDs are kubo's own (test/sharness t0040-add-and-cat.sh, t0044-add-symlink.sh,
t0046-id-hash.sh) or are built here by hand from the dag-pb/UnixFS wire format (the helpers are
checked against kubo's CIDs first), never by fakeipfs' own encoders.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
import threading

import pytest
from multiformats import CID, varint

from vectorlib import sha256_bytes

from fakeipfs import Node, mfs
from fakeipfs.errors import IPFSError, InvalidArgument, NotFound
from fakeipfs.unixfs.files import Directory, File, Symlink

PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"
VENUS = "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"
EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
#: A new node's blockstore (count, bytes): only its MFS root, the 4-byte empty directory that
#: kubo's core/node/core.go ``Files`` stores when the node is built.
FRESH_STORE = (1, 4)
HELLO_WORLDS = "QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH"  # "Hello Worlds!\n"
NEPTUNE = "QmZDhWpi8NvKrekaYYhxKCdNVGWsFFe1CREnAjP1QbPaB3"  # "Hello Neptune!\nHello Pluton!"


# --- dag-pb / UnixFS by hand --------------------------------------------------------------------


def _field(number: int, payload: bytes) -> bytes:
    return varint.encode(number << 3 | 2) + varint.encode(len(payload)) + payload


def _pb(links: list[tuple[str, CID, int]], data: bytes) -> bytes:
    """A dag-pb node: links (sorted by name bytes, as UnixFS directories keep them) then Data."""
    out = b""
    for name, cid, tsize in sorted(links, key=lambda l: l[0].encode()):
        out += _field(2, _field(1, bytes(cid)) + _field(2, name.encode()) + varint.encode(3 << 3) + varint.encode(tsize))
    return out + _field(1, data)


def _v0(block: bytes) -> CID:
    return CID("base58btc", 0, "dag-pb", b"\x12\x20" + hashlib.sha256(block).digest())


def _file_block(data: bytes) -> bytes:
    """A single-block UnixFS file (Type File, Data, filesize)."""
    fs = b"\x08\x02" + (_field(2, data) if data else b"") + b"\x18" + varint.encode(len(data))
    return _pb([], fs)


def _dir_block(links: list[tuple[str, CID, int]]) -> bytes:
    return _pb(links, b"\x08\x01")


def _dir(links: list[tuple[str, CID, int]]) -> tuple[CID, int]:
    """(CID, cumulative size) of a basic directory over (name, cid, tsize) links."""
    block = _dir_block(links)
    return _v0(block), len(block) + sum(t for _, _, t in links)


def _leaf(data: bytes) -> tuple[CID, int]:
    block = _file_block(data)
    return _v0(block), len(block)


def test_hand_encoders_match_kubo() -> None:
    assert str(_leaf(b"Hello Mars!\n")[0]) == MARS
    assert str(_leaf(b"Hello Venus!\n")[0]) == VENUS
    assert str(_leaf(b"")[0]) == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
    assert str(_dir([])[0]) == EMPTY_DIR
    planets, size = _dir([("mars.txt", *_leaf(b"Hello Mars!\n")), ("venus.txt", *_leaf(b"Hello Venus!\n"))])
    assert str(planets) == PLANETS and size == 146


def _planets() -> Directory:
    return Directory("planets", [File.from_bytes("mars.txt", b"Hello Mars!\n"),
                                 File.from_bytes("venus.txt", b"Hello Venus!\n")])


def _events(events) -> list[tuple[str, str]]:
    return [(e.name, str(e.cid)) for e in events]


def _write(root, tree: dict[str, "bytes | None"]) -> None:
    """Create files (bytes) and empty directories (None) under root."""
    for rel, content in tree.items():
        path = os.path.join(root, rel)
        if content is None:
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(content)


# --- add / cat round trips ----------------------------------------------------------------------


def test_add_bytes_reports_cid_as_name() -> None:
    """add.go: a top-level entry with no name reports its CID as Name (t0040 'added $HASH $HASH')."""
    node = Node()
    events = node.add(b"Hello Neptune!\nHello Pluton!")
    assert _events(events) == [(NEPTUNE, NEPTUNE)]
    assert node.cat(NEPTUNE) == b"Hello Neptune!\nHello Pluton!"


def test_add_bytes_event_size() -> None:
    event = Node().add_bytes(b"hello world")
    assert (event.name, str(event.cid), event.size) == (
        "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD", "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD", 19)


def test_add_str() -> None:
    node = Node()
    assert str(node.add_str("Hello Worlds!\n").cid) == HELLO_WORLDS
    assert node.cat(HELLO_WORLDS) == b"Hello Worlds!\n"


def test_add_stream_unnamed_and_named(tmp_path) -> None:
    node = Node()
    events = node.add(io.BytesIO(b"Hello Worlds!\n"))
    assert _events(events) == [(HELLO_WORLDS, HELLO_WORLDS)]
    (tmp_path / "hello.txt").write_bytes(b"Hello Worlds!\n")
    with open(tmp_path / "hello.txt", "rb") as handle:
        assert _events(node.add(handle)) == [("hello.txt", HELLO_WORLDS)]
        assert not handle.closed  # the caller's stream stays open


def test_add_several_top_level_entries_each_pinned() -> None:
    """t0040 'ipfs add with multiple files': one event per file, each pinned recursively."""
    node = Node()
    events = node.add(File.from_bytes("hello.txt", b"Hello Worlds!\n"),
                      File.from_bytes("hello2.txt", b"Helloo Worlds!\n"))
    assert _events(events) == [("hello.txt", HELLO_WORLDS),
                               ("hello2.txt", "Qmf35k66MZNW2GijohUmXQEWKZU4cCGTCwK6idfnt152wJ")]
    assert node.pin_ls(type="recursive") == {HELLO_WORLDS: "recursive",
                                             "Qmf35k66MZNW2GijohUmXQEWKZU4cCGTCwK6idfnt152wJ": "recursive"}


def test_add_file_path(tmp_path) -> None:
    (tmp_path / "hello.txt").write_bytes(b"Hello Worlds!\n")
    node = Node()
    assert _events(node.add(str(tmp_path / "hello.txt"))) == [("hello.txt", HELLO_WORLDS)]
    assert node.cat(f"/ipfs/{HELLO_WORLDS}") == b"Hello Worlds!\n"


def test_add_hidden_file_given_by_name(tmp_path) -> None:
    """t0040 'ipfs add on hidden file': a dot-file named on the command line is added."""
    (tmp_path / ".hello.txt").write_bytes(b"Hello Worlds!\n")
    assert _events(Node().add(tmp_path / ".hello.txt")) == [(".hello.txt", HELLO_WORLDS)]


@pytest.mark.parametrize("options, planets, mars, venus", [
    ({}, PLANETS, MARS, VENUS),
    ({"raw_leaves": True}, "QmfWfQfKCY5Ukv9peBbxM5vqWM9BzmqUSXvdCgjT2wsiBT",
     "bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4",
     "bafkreihfsphazrk2ilejpekyltjeh5k4yvwgjuwg26ueafohqioeo3sdca"),
    ({"cid_version": 1}, "bafybeih7e5dmkyk25up5vxug4q3hrg2fxbzf23dfrac2fns5h7z4aa7ioi",
     "bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4",
     "bafkreihfsphazrk2ilejpekyltjeh5k4yvwgjuwg26ueafohqioeo3sdca"),
    ({"cid_version": 1, "raw_leaves": False}, "bafybeif5tuep5ap2d7zyhbktucey75aoacxufgt6i3v4gebmixyipnyp7y",
     "bafybeiawta2ntdmsy24aro35w3homzl4ak7svr3si7l7gesvq4erglyye4",
     "bafybeicvkvhs2fr75ynebtdjqpgm4g2fc63abqbmysupwpmcjl4gx7mzrm"),
    ({"hash": "blake2b-256"}, "bafykbzaceaptbcs7ik5mdfpot3b4ackvxlwh7loc5jcrtkayf64ukl7zyk46e",
     "bafk2bzaceaqcxw46uzkyd2jmczoogof6pnkqt4dpiv3pwkunsv4g5rkkmecie",
     "bafk2bzacebxnke2fb5mgzxyjuuavvcfht4fd3gvn4klkujz6k72wboynhuvfw"),
])
def test_add_directory_path_t0040(tmp_path, options: dict, planets: str, mars: str, venus: str) -> None:
    _write(tmp_path, {"planets/mars.txt": b"Hello Mars!\n", "planets/venus.txt": b"Hello Venus!\n"})
    node = Node()
    events = node.add(tmp_path / "planets", recursive=True, **options)
    assert _events(events) == [("planets/mars.txt", mars), ("planets/venus.txt", venus), ("planets", planets)]
    assert node.cat(f"/ipfs/{planets}/venus.txt") == b"Hello Venus!\n"
    assert node.cat(mars) == b"Hello Mars!\n"


def test_add_nested_directory_event_order_t0040(tmp_path) -> None:
    """t0040 "'ipfs add -rn' output looks good": files as they are added, then directories."""
    _write(tmp_path, {"moons/jupiter/europa.txt": b"Hello Europa!\n",
                      "moons/saturn/titan.txt": b"Hello Titan!\n",
                      "moons/mercury.txt": b"hey you are no moon!\n"})
    node = Node()
    events = node.add(tmp_path / "moons", recursive=True, only_hash=True)
    assert _events(events) == [
        ("moons/jupiter/europa.txt", "Qmbjg7zWdqdMaK2BucPncJQDxiALExph5k3NkQv5RHpccu"),
        ("moons/mercury.txt", "QmRsTB5CpEUvDUpDgHCzb3VftZ139zrk9zs5ZcgYh9TMPJ"),
        ("moons/saturn/titan.txt", "QmZzppb9WHn552rmRqpPfgU5FEiHH6gDwi3MrB9cTdPwdb"),
        ("moons/jupiter", "QmS5mZddhFPLWFX3w6FzAy9QxyYkaxvUpsWCtZ3r7jub9J"),
        ("moons/saturn", "QmaMagZT4rTE7Nonw8KGSK4oe1bh533yhZrCo1HihSG8FK"),
        ("moons", "QmbGoaQZm8kjYfCiN1aBsgwhqfUBGDYTrDb91Mz7Dvq81B"),
    ]
    assert node.blockstore.stat() == FRESH_STORE
    assert node.pin_ls() == {}


def test_add_directory_skips_hidden_unless_asked(tmp_path) -> None:
    _write(tmp_path, {"planets/mars.txt": b"Hello Mars!\n", "planets/venus.txt": b"Hello Venus!\n",
                      "planets/.secret": b"hidden\n", "planets/.git/HEAD": b"ref\n"})
    node = Node()
    assert _events(node.add(tmp_path / "planets", recursive=True)) == [
        ("planets/mars.txt", MARS), ("planets/venus.txt", VENUS), ("planets", PLANETS)]

    secret, secret_size = _leaf(b"hidden\n")
    head, head_size = _leaf(b"ref\n")
    git, git_size = _dir([("HEAD", head, head_size)])
    root, root_size = _dir([(".git", git, git_size), (".secret", secret, secret_size),
                            ("mars.txt", *_leaf(b"Hello Mars!\n")), ("venus.txt", *_leaf(b"Hello Venus!\n"))])
    events = node.add(tmp_path / "planets", recursive=True, hidden=True)
    assert _events(events) == [
        ("planets/.git/HEAD", str(head)), ("planets/.secret", str(secret)), ("planets/mars.txt", MARS),
        ("planets/venus.txt", VENUS), ("planets/.git", str(git)), ("planets", str(root))]
    assert events[-1].size == root_size
    assert [e.name for e in node.ls(root)] == [".git", ".secret", "mars.txt", "venus.txt"]
    assert node.cat(f"/ipfs/{root}/.git/HEAD") == b"ref\n"


def test_add_directory_without_recursive() -> None:
    with pytest.raises(InvalidArgument) as info:
        Node().add(os.path.dirname(__file__))
    assert str(info.value) == f"'{os.path.dirname(__file__)}' is a directory, use the '-r' flag to specify directories"


def test_add_symlinks_t0044(tmp_path) -> None:
    """kubo test/sharness/t0044-add-symlink.sh, relative link targets kept as written."""
    _write(tmp_path, {"files/foo/baz": b"some text\n", "files/bar": None})
    os.symlink("files/foo/baz", tmp_path / "files" / "bar" / "baz")
    os.symlink("files/does/not/exist", tmp_path / "files" / "bad")
    node = Node()
    assert str(node.add(tmp_path / "files", recursive=True)[-1].cid) == "QmWdiHKoeSW8G1u7ATCgpx4yMoUhYaJBQGkyPLkS9goYZ8"
    assert str(node.add(tmp_path / "files", recursive=True, cid_version=1)[-1].cid) == \
        "bafybeibyhlx64cklod6isy3h7tsmr4qvam3ae3b74n3hfes5bythjrwyua"
    good = node.add(tmp_path / "files" / "bar" / "baz")
    assert _events(good) == [("baz", "QmdocmZeF7qwPT9Z8SiVhMSyKA2KKoA2J7jToW6z6WBmxR")]
    bad = node.add(tmp_path / "files" / "bad")
    assert _events(bad) == [("bad", "QmWYN8SEXCgNT2PSjB6BnxAx6NJQtazWoBkTRH9GRfPFFQ")]
    # a symlink reads as its target (boxo files.Symlink is a File)
    assert node.cat("QmWYN8SEXCgNT2PSjB6BnxAx6NJQtazWoBkTRH9GRfPFFQ") == b"files/does/not/exist"
    listing = node.ls("QmWdiHKoeSW8G1u7ATCgpx4yMoUhYaJBQGkyPLkS9goYZ8/bar")
    assert [(e.name, str(e.cid), e.size, e.type, e.target) for e in listing] == [
        ("baz", "QmdocmZeF7qwPT9Z8SiVhMSyKA2KKoA2J7jToW6z6WBmxR", len("files/foo/baz"), 4, "files/foo/baz")]


def test_add_empty_directories(tmp_path) -> None:
    _write(tmp_path, {"d/e": None, "d/f/g": None, "d/x.txt": b"x\n"})
    g, g_size = _dir([])
    f, f_size = _dir([("g", g, g_size)])
    x, x_size = _leaf(b"x\n")
    d, d_size = _dir([("e", g, g_size), ("f", f, f_size), ("x.txt", x, x_size)])
    node = Node()
    events = node.add(tmp_path / "d", recursive=True)
    assert _events(events) == [("d/x.txt", str(x)), ("d/e", EMPTY_DIR), ("d/f/g", EMPTY_DIR),
                               ("d/f", str(f)), ("d", str(d))]
    assert [e.size for e in events] == [x_size, 4, 4, f_size, d_size]
    assert _events(node.add(Directory("empty", []))) == [("empty", EMPTY_DIR)]


def test_wrap_files_event_order() -> None:
    """Wrapping mars.txt and venus.txt gives exactly the planets directory, reported as ""."""
    node = Node()
    events = node.add(File.from_bytes("mars.txt", b"Hello Mars!\n"),
                      File.from_bytes("venus.txt", b"Hello Venus!\n"), wrap_with_directory=True)
    assert [(e.name, str(e.cid), e.size) for e in events] == [
        ("mars.txt", MARS, 20), ("venus.txt", VENUS, 21), ("", PLANETS, 146)]
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive"}


def test_wrap_directory_event_order() -> None:
    wrapper, wrapper_size = _dir([("planets", CID.decode(PLANETS), 146)])
    node = Node()
    events = node.add(_planets(), wrap_with_directory=True)
    assert [(e.name, str(e.cid), e.size) for e in events] == [
        ("planets/mars.txt", MARS, 20), ("planets/venus.txt", VENUS, 21), ("planets", PLANETS, 146),
        ("", str(wrapper), wrapper_size)]
    assert node.cat(f"/ipfs/{wrapper}/planets/mars.txt") == b"Hello Mars!\n"
    assert node.pin_ls(type="recursive") == {str(wrapper): "recursive"}


def test_wrap_paths_on_disk(tmp_path) -> None:
    _write(tmp_path, {"hello.txt": b"Hello Worlds!\n", "planets/mars.txt": b"Hello Mars!\n",
                      "planets/venus.txt": b"Hello Venus!\n"})
    wrapper, _ = _dir([("hello.txt", *_leaf(b"Hello Worlds!\n")), ("planets", CID.decode(PLANETS), 146)])
    events = Node().add(tmp_path / "planets", tmp_path / "hello.txt", recursive=True, wrap_with_directory=True)
    assert _events(events) == [("planets/mars.txt", MARS), ("planets/venus.txt", VENUS),
                               ("hello.txt", HELLO_WORLDS), ("planets", PLANETS), ("", str(wrapper))]


def test_wrap_unnamed_bytes_links_them_by_cid() -> None:
    a = "QmRy2a1t6YSCiqXbkUQ1xQtXUQzX4mXmdzjLGey6884Uhb"  # b"A"
    wrapper, _ = _dir([(a, CID.decode(a), 9)])
    node = Node()
    events = node.add(b"A", wrap_with_directory=True)
    assert _events(events) == [(a, a), ("", str(wrapper))]
    assert [e.name for e in node.ls(wrapper)] == [a]


def test_add_reports_events_to_callback() -> None:
    seen = []
    events = Node().add(_planets(), on_event=seen.append)
    assert seen == events and len(seen) == 3


# --- only_hash and failed adds ------------------------------------------------------------------


def test_only_hash_stores_and_pins_nothing() -> None:
    node = Node()
    events = node.add(_planets(), only_hash=True)
    assert _events(events) == [("planets/mars.txt", MARS), ("planets/venus.txt", VENUS), ("planets", PLANETS)]
    assert node.blockstore.stat() == FRESH_STORE
    assert node.pin_ls() == {}
    with pytest.raises(NotFound):
        node.cat(MARS)


def _snapshot(node: Node):
    return sorted(node.blockstore.multihashes()), node.pin_ls(), node.repo_stat()["NumObjects"]


@pytest.mark.parametrize("options, message", [
    ({"chunker": "size-0"}, "chunker size must be greater than 0"),
    ({"chunker": "rabin-1-2-3"}, "rabin min must be greater than 16"),
    ({"chunker": "foo"}, "unrecognized chunker option: foo"),
    ({"hash": "nope"}, "unrecognized hash function: nope"),  # add.go %s until 0.16
    ({"cid_version": 0, "hash": "sha2-512"}, "CIDv0 only supports sha2-256"),
])
def test_failed_add_changes_nothing(options: dict, message: str) -> None:
    node = Node()
    node.add(_planets())
    before = _snapshot(node)
    with pytest.raises(InvalidArgument) as info:
        node.add(b"new content " * 100, **options)
    assert str(info.value) == message
    assert _snapshot(node) == before


@pytest.mark.parametrize("version, message", [
    ("0.7.0", "unrecognized hash function: nope"), ("0.15.0", "unrecognized hash function: nope"),
    ("0.16.0", 'unrecognized hash function: "nope"'), ("0.22.0", 'unrecognized hash function: "nope"')])
def test_unknown_hash_is_worded_as_the_version_words_it(version: str, message: str) -> None:
    """core/commands/add.go looks the lower-cased name up and says ``%s`` until 0.15, ``%q``
    from 0.16 (kubo 9e5d0aaae, #8927)."""
    node = Node(kubo_version=version)
    with pytest.raises(InvalidArgument) as info:
        node.add(b"x", hash="NoPe")
    assert str(info.value) == message
    assert node.blockstore.stat() == FRESH_STORE


class _Exploding(io.RawIOBase):
    def __init__(self, good: bytes) -> None:
        self._good = good

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._good:
            take = 4096 if n is None or n < 0 else min(n, 4096)
            out, self._good = self._good[:take], self._good[take:]
            return out
        raise OSError("disk on fire")


@pytest.mark.parametrize("backend", ["memory", "flatfs"])
def test_add_whose_second_entry_fails_leaves_store_and_pins_as_before(backend: str, tmp_path) -> None:
    node = Node() if backend == "memory" else Node(repo=tmp_path / "repo")
    node.add(_planets())
    before = _snapshot(node)
    with pytest.raises(OSError, match="disk on fire"):
        node.add(File.from_bytes("first.txt", sha256_bytes(5000, "first")),
                 File("second.bin", lambda: _Exploding(sha256_bytes(10000, "second"))),
                 chunker="size-1024")
    assert _snapshot(node) == before
    with pytest.raises(OSError):
        node.add(Directory("d", [File.from_bytes("a", b"a"), File("b", lambda: _Exploding(b""))]))
    assert _snapshot(node) == before


def test_failed_add_keeps_blocks_that_were_already_there() -> None:
    """Rolling back a failed add must not remove blocks it shares with earlier content."""
    node = Node()
    node.add(_planets())
    before = _snapshot(node)
    with pytest.raises(OSError):
        node.add(File.from_bytes("mars.txt", b"Hello Mars!\n"), File.from_bytes("new", b"brand new"),
                 File("bad", lambda: _Exploding(b"")))
    assert _snapshot(node) == before
    assert node.cat(MARS) == b"Hello Mars!\n"


def test_concurrent_failed_add_does_not_delete_another_adds_blocks() -> None:
    node = Node()
    a_wrote, b_done = threading.Event(), threading.Event()

    class Gate(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            a_wrote.set()
            b_done.wait(5)
            raise OSError("late failure")

    failures = []

    def failing_add() -> None:
        try:
            node.add(File.from_bytes("shared.txt", b"shared content\n"), File("bad", lambda: Gate()))
        except OSError as exc:
            failures.append(exc)

    thread = threading.Thread(target=failing_add)
    thread.start()
    assert a_wrote.wait(5)
    root = node.add(b"shared content\n")[-1].cid
    b_done.set()
    thread.join(5)
    assert len(failures) == 1
    assert node.pin_ls() == {str(root): "recursive"}
    assert node.cat(root) == b"shared content\n"


# --- cat: offset and length ---------------------------------------------------------------------

_OFFSETS = [0, 1, 500, 1023, 1024, 1025, 2047, 2048, 3071, 3072, 4500, 6143, 6144, 7199, 7200, 7201, 20000]
_LENGTHS = [None, 0, 1, 2, 100, 1023, 1024, 1025, 2049, 5000, 7200, 50000]
_CAT_DATA = sha256_bytes(7200, "cat")


@pytest.mark.parametrize("trickle", [False, True], ids=["balanced", "trickle"])
@pytest.mark.parametrize("raw_leaves", [False, True], ids=["pb-leaves", "raw-leaves"])
@pytest.mark.parametrize("max_links", [None, 3], ids=["flat", "deep"])
def test_cat_offset_length_matches_slicing(trickle: bool, raw_leaves: bool, max_links) -> None:
    node = Node()
    root = node.add(_CAT_DATA, chunker="size-1024", trickle=trickle, raw_leaves=raw_leaves,
                    max_file_links=max_links)[-1].cid
    links = node.ls(root)
    assert all(e.name == "" for e in links)
    if max_links is None:
        assert [e.size for e in links] == [1024] * 7 + [32]
    elif not trickle:
        assert len(links) <= 3  # balanced: at most max_file_links per node (trickle roots grow)
    assert node.cat(root) == _CAT_DATA
    for offset in _OFFSETS:
        for length in _LENGTHS:
            expected = _CAT_DATA[offset:] if length is None else _CAT_DATA[offset:offset + length]
            assert node.cat(root, offset, length) == expected, (offset, length)


def test_cat_layouts_really_differ() -> None:
    node = Node()
    cids = {str(node.add(_CAT_DATA, chunker="size-1024", trickle=t, raw_leaves=r, max_file_links=3)[-1].cid)
            for t in (False, True) for r in (False, True)}
    assert len(cids) == 4


def test_cat_stream_yields_pieces() -> None:
    node = Node()
    root = node.add(_CAT_DATA, chunker="size-1024")[-1].cid
    pieces = list(node.cat_stream(root, 1000, 3000))
    assert b"".join(pieces) == _CAT_DATA[1000:4000]
    assert len(pieces) > 1


# --- cat: errors --------------------------------------------------------------------------------


@pytest.fixture
def planets_node() -> Node:
    node = Node()
    node.add(_planets())
    return node


def test_cat_negative_offset(planets_node: Node) -> None:
    with pytest.raises(InvalidArgument) as info:
        planets_node.cat(MARS, offset=-1)
    assert str(info.value) == "cannot specify negative offset"


def test_cat_negative_length(planets_node: Node) -> None:
    with pytest.raises(InvalidArgument) as info:
        planets_node.cat(MARS, length=-1)
    assert str(info.value) == "cannot specify negative length"


def test_cat_directory(planets_node: Node) -> None:
    with pytest.raises(IPFSError) as info:
        planets_node.cat(PLANETS)
    assert str(info.value) == "this dag node is a directory"


def test_cat_invalid_path(planets_node: Node) -> None:
    """kubo 0.7.0 (go-path v0.0.8 ``ParsePath``: go-cid's own error for a bare argument)."""
    with pytest.raises(InvalidArgument) as info:
        planets_node.cat("foo")
    assert str(info.value) == "invalid path \"foo\": encoding/hex: invalid byte: U+006F 'o'"  # f: base16
    with pytest.raises(InvalidArgument) as info:
        Node(kubo_version="0.24.0").cat("foo")  # boxo path.NewPath
    assert str(info.value) == 'invalid path "foo": path does not have enough components'


def test_cat_missing_root_block() -> None:
    with pytest.raises(NotFound) as info:
        Node().cat(MARS)
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {MARS}"


def test_cat_missing_link(planets_node: Node) -> None:
    with pytest.raises(NotFound) as info:
        planets_node.cat(f"/ipfs/{PLANETS}/x")
    assert str(info.value) == f'no link named "x" under {PLANETS}'


def test_cat_missing_inner_block() -> None:
    node = Node()
    root = node.add(_CAT_DATA, chunker="size-1024")[-1].cid
    leaf = node.ls(root)[3].cid
    node.blockstore.delete(leaf)
    assert node.cat(root, 0, 3072) == _CAT_DATA[:3072]  # blocks before the hole still read
    with pytest.raises(NotFound) as info:
        node.cat(root)
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {leaf}"
    assert str(leaf).startswith("Qm")


def test_cat_missing_raw_leaf_names_it_in_base32() -> None:
    node = Node()
    root = node.add(_CAT_DATA, chunker="size-1024", raw_leaves=True)[-1].cid
    leaf = node.ls(root)[3].cid
    node.blockstore.delete(leaf)
    b32 = str(CID("base32", 1, "raw", leaf.digest))
    with pytest.raises(NotFound) as info:
        node.cat(root)
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {b32}"


@pytest.mark.parametrize("path", [PLANETS, "foo", "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"])
def test_cat_length_zero_short_circuits(planets_node: Node, path: str) -> None:
    assert planets_node.cat(path, length=0) == b""


def test_cat_length_zero_and_past_the_end(planets_node: Node) -> None:
    assert planets_node.cat(MARS, length=0) == b""
    assert planets_node.cat(MARS, offset=12) == b""
    assert planets_node.cat(MARS, offset=1000) == b""
    assert planets_node.cat(MARS, offset=1000, length=5) == b""


# --- identity / inline --------------------------------------------------------------------------


def test_inline_raw_leaf_t0046() -> None:
    node = Node()
    events = node.add(b"jkD98jkD975hkD8\n", inline=True, raw_leaves=True)
    assert str(events[-1].cid) == "bafkqaedknncdsodknncdsnzvnbvuioak"
    assert node.blockstore.stat() == FRESH_STORE
    assert Node().cat("bafkqaedknncdsodknncdsnzvnbvuioak") == b"jkD98jkD975hkD8\n"


def test_inline_dag_pb_leaf_is_readable_without_blocks() -> None:
    block = _file_block(b"jkD98jkD975hkD8\n")
    expected = CID("base32", 1, "dag-pb", b"\x00" + bytes([len(block)]) + block)
    events = Node().add(b"jkD98jkD975hkD8\n", inline=True)
    assert str(events[-1].cid) == str(expected)
    assert Node().cat(str(expected)) == b"jkD98jkD975hkD8\n"
    assert Node().cat(str(expected), 4, 3) == b"8jk"


def test_hash_identity_is_not_stored_but_readable() -> None:
    """t0046 'ipfs add succeeds with identity hash' / 'content not actually added'."""
    node = Node()
    cid = node.add(b"djkd7jdkd7jkHHG\n", hash="identity")[-1].cid
    assert cid.hashfun.name == "identity" and cid.version == 1 and cid.codec.name == "raw"
    assert node.blockstore.stat() == FRESH_STORE
    assert Node().cat(cid) == b"djkd7jdkd7jkHHG\n"


def test_inline_directory_of_small_files() -> None:
    node = Node()
    root = node.add(_planets(), inline=True, inline_limit=32)[-1].cid
    fresh = Node()
    for cid in node.blockstore.keys():  # only the non-inlined blocks move
        fresh.blockstore.put(cid, node.blockstore.get(cid))
    assert fresh.cat(f"/ipfs/{root}/mars.txt") == b"Hello Mars!\n"
    mars = fresh.resolve(f"/ipfs/{root}/mars.txt")
    assert mars.hashfun.name == "identity"


# --- ls -----------------------------------------------------------------------------------------


def test_ls_directory(tmp_path) -> None:
    _write(tmp_path, {"moons/jupiter/europa.txt": b"Hello Europa!\n",
                      "moons/saturn/titan.txt": b"Hello Titan!\n",
                      "moons/mercury.txt": b"hey you are no moon!\n"})
    os.symlink("mercury.txt", tmp_path / "moons" / "link")
    node = Node()
    root = node.add(tmp_path / "moons", recursive=True)[-1].cid
    listing = [(e.name, str(e.cid), e.size, e.type) for e in node.ls(root)]
    link = node.resolve(f"/ipfs/{root}/link")
    assert listing == [
        ("jupiter", "QmS5mZddhFPLWFX3w6FzAy9QxyYkaxvUpsWCtZ3r7jub9J", 0, 1),
        ("link", str(link), len("mercury.txt"), 4),
        ("mercury.txt", "QmRsTB5CpEUvDUpDgHCzb3VftZ139zrk9zs5ZcgYh9TMPJ", 21, 2),
        ("saturn", "QmaMagZT4rTE7Nonw8KGSK4oe1bh533yhZrCo1HihSG8FK", 0, 1),
    ]
    assert [(e.name, e.size, e.type) for e in node.ls(f"{root}/jupiter")] == [("europa.txt", 14, 2)]


def test_ls_planets_raw_leaves_are_files() -> None:
    node = Node()
    root = node.add(_planets(), raw_leaves=True)[-1].cid
    assert str(root) == "QmfWfQfKCY5Ukv9peBbxM5vqWM9BzmqUSXvdCgjT2wsiBT"
    assert [(e.name, e.size, e.type) for e in node.ls(root)] == [("mars.txt", 12, 2), ("venus.txt", 13, 2)]


def test_ls_file_chunks() -> None:
    node = Node()
    root = node.add(sha256_bytes(3000, "ls"), chunker="size-1024")[-1].cid
    links = node.ls(root)
    assert [(e.name, e.size, e.type) for e in links] == [("", 1024, 2), ("", 1024, 2), ("", 952, 2)]
    assert [str(e.cid) for e in links] == [str(_leaf(sha256_bytes(3000, "ls")[i:i + 1024])[0]) for i in (0, 1024, 2048)]
    single = node.add(b"Hello Mars!\n")[-1].cid
    assert node.ls(single) == []


def test_ls_raw_leaf_cids_print_in_base32() -> None:
    node = Node()
    root = node.add(_planets(), raw_leaves=True)[-1].cid
    assert [str(e.cid) for e in node.ls(root)] == [
        "bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4",
        "bafkreihfsphazrk2ilejpekyltjeh5k4yvwgjuwg26ueafohqioeo3sdca"]


# --- get ----------------------------------------------------------------------------------------


def _tar(chunks) -> tarfile.TarFile:
    return tarfile.open(fileobj=io.BytesIO(b"".join(chunks)))


def _members(tf: tarfile.TarFile) -> list[tuple]:
    out = []
    for m in tf.getmembers():
        body = tf.extractfile(m).read() if m.isfile() else None
        out.append((m.name, m.type, m.mode, m.linkname, body))
    return out


@pytest.fixture
def tree_node() -> tuple[Node, CID]:
    node = Node()
    root = node.add(Directory("t", [File.from_bytes("a.txt", b"alpha\n"),
                                    Directory("sub", [File.from_bytes("b.bin", sha256_bytes(3000, "b"))]),
                                    Symlink("ln", "a.txt")]), chunker="size-1024")[-1].cid
    return node, root


def test_get_directory_tar(tree_node) -> None:
    node, root = tree_node
    tf = _tar(node.get(str(root)))
    assert _members(tf) == [
        (str(root), tarfile.DIRTYPE, 0o755, "", None),
        (f"{root}/a.txt", tarfile.REGTYPE, 0o644, "", b"alpha\n"),
        (f"{root}/ln", tarfile.SYMTYPE, 0o777, "a.txt", None),
        (f"{root}/sub", tarfile.DIRTYPE, 0o755, "", None),
        (f"{root}/sub/b.bin", tarfile.REGTYPE, 0o644, "", sha256_bytes(3000, "b")),
    ]


def test_get_names_the_archive_after_the_last_path_segment(tree_node) -> None:
    node, root = tree_node
    assert _members(_tar(node.get(f"/ipfs/{root}/sub"))) == [
        ("sub", tarfile.DIRTYPE, 0o755, "", None),
        ("sub/b.bin", tarfile.REGTYPE, 0o644, "", sha256_bytes(3000, "b"))]
    assert _members(_tar(node.get(f"{root}/a.txt"))) == [("a.txt", tarfile.REGTYPE, 0o644, "", b"alpha\n")]


def test_get_file_keeps_unixfs_mode() -> None:
    node = Node()
    root = node.add(File.from_bytes("x", b"secret"), mode=0o600)[-1].cid
    assert _members(_tar(node.get(str(root)))) == [(str(root), tarfile.REGTYPE, 0o600, "", b"secret")]


def test_get_archive_compressed(tree_node) -> None:
    node, root = tree_node
    raw = b"".join(node.get(str(root), archive=True, compress=True, compression_level=9))
    assert raw[:2] == b"\x1f\x8b"
    tf = tarfile.open(fileobj=io.BytesIO(gzip.decompress(raw)))
    assert [m.name for m in tf.getmembers()] == [str(root), f"{root}/a.txt", f"{root}/ln", f"{root}/sub",
                                                 f"{root}/sub/b.bin"]


def test_get_compress_without_archive_gzips_a_file(tree_node) -> None:
    """get.go fileArchive: `!archive && compression != NoCompression` -> the file, gzipped."""
    node, root = tree_node
    raw = b"".join(node.get(f"/ipfs/{root}/sub/b.bin", compress=True))
    assert gzip.decompress(raw) == sha256_bytes(3000, "b")


def test_get_compress_without_archive_refuses_a_directory(tree_node) -> None:
    node, root = tree_node
    with pytest.raises(IPFSError) as info:
        b"".join(node.get(str(root), compress=True))
    assert str(info.value) == "file is not regular"


@pytest.mark.parametrize("level", [0, 10, -1])
def test_get_compression_level_out_of_range(tree_node, level: int) -> None:
    node, root = tree_node
    with pytest.raises(InvalidArgument) as info:
        node.get(str(root), compress=True, compression_level=level)
    assert str(info.value) == "compression level must be between 1 and 9"


def test_get_level_without_compress_is_ignored(tree_node) -> None:
    """get.go getCompressOptions: without --compress the level is not looked at."""
    node, root = tree_node
    assert len(_tar(node.get(str(root), compression_level=10)).getmembers()) == 5


def test_get_missing_path(tree_node) -> None:
    node, root = tree_node
    with pytest.raises(NotFound) as info:
        node.get(f"/ipfs/{root}/nope")
    assert str(info.value) == f'no link named "nope" under {root}'


def test_get_directory_header_has_no_trailing_slash(tree_node) -> None:
    node, root = tree_node
    data = b"".join(node.get(str(root)))
    names = []
    for offset in range(0, len(data) - 512, 512):
        block = data[offset:offset + 512]
        if block[257:262] == b"ustar" and block[156:157] in (b"0", b"2", b"5"):
            names.append(block[:100].rstrip(b"\0").decode())
    assert names == [str(root), f"{root}/a.txt", f"{root}/ln", f"{root}/sub", f"{root}/sub/b.bin"]


# --- a fresh node: its MFS root (kubo core/node/core.go Files) ---------------------------------


def test_a_reset_or_restored_fresh_node_holds_the_mfs_root_again() -> None:
    """A reset node is a new node: kubo stores ``ft.EmptyDirNode()`` whenever it builds one."""
    node = Node(kubo_version="0.22.0")
    mfs.of(node).write("/f", b"x", create=True)
    node.add_bytes(b"y")
    fresh = Node(kubo_version="0.22.0").snapshot()
    node.reset()
    assert [str(c) for c in node.blockstore.keys()] == [
        "bafkreiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"]  # QmUNLLs…, by multihash
    assert str(mfs.of(node).root_cid()) == EMPTY_DIR and node.pin_ls() == {}
    assert node.repo_gc() == [] and node.blockstore.stat() == FRESH_STORE
    node.add_bytes(b"z")
    mfs.of(node).mkdir("/d")
    node.restore(fresh)
    assert node.blockstore.stat() == FRESH_STORE and str(mfs.of(node).root_cid()) == EMPTY_DIR
