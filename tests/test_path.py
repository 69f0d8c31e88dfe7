"""Content paths: boxo ``path/path.go`` (``NewPath``), ``path/uri.go`` (``NewPathFromURI``),
kubo ``core/commands/cmdutils/utils.go`` (``PathOrCidPath``) and boxo
``path/resolver/resolver.go`` (``ErrNoLink``); before kubo 0.24, go-path ``ParsePath``.

The planets directory and its CIDs are kubo's own (test/sharness/t0040-add-and-cat.sh).
"""
from __future__ import annotations

import pytest
from multiformats import CID

from fakeipfs import Node
from fakeipfs.errors import InvalidArgument, NotFound
from fakeipfs.path import ContentPath, parse
from fakeipfs.unixfs.files import Directory, File
from fakeipfs.versions import KuboVersion

PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"
VENUS = "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"
PLANETS_V1 = "bafybeih7e5dmkyk25up5vxug4q3hrg2fxbzf23dfrac2fns5h7z4aa7ioi"  # t0040 --cid-version=1


def _planets() -> Directory:
    return Directory("planets", [File.from_bytes("mars.txt", b"Hello Mars!\n"),
                                 File.from_bytes("venus.txt", b"Hello Venus!\n")])


@pytest.fixture
def node() -> Node:
    n = Node()
    events = n.add(_planets())
    assert str(events[-1].cid) == PLANETS
    return n


# --- parse: the accepted forms ----------------------------------------------------------------


@pytest.mark.parametrize("text, namespace, segments, shown", [
    (f"/ipfs/{PLANETS}", "ipfs", (), f"/ipfs/{PLANETS}"),
    (f"/ipfs/{PLANETS}/mars.txt", "ipfs", ("mars.txt",), f"/ipfs/{PLANETS}/mars.txt"),
    (f"/ipld/{PLANETS}/Links/0", "ipld", ("Links", "0"), f"/ipld/{PLANETS}/Links/0"),
    (f"ipfs://{PLANETS}/mars.txt", "ipfs", ("mars.txt",), f"/ipfs/{PLANETS}/mars.txt"),
    (f"ipfs:{PLANETS}/mars.txt", "ipfs", ("mars.txt",), f"/ipfs/{PLANETS}/mars.txt"),
    (f"IPFS://{PLANETS}", "ipfs", (), f"/ipfs/{PLANETS}"),  # scheme is case-insensitive (uri.go)
    (f"ipld://{PLANETS}/Data", "ipld", ("Data",), f"/ipld/{PLANETS}/Data"),
    (PLANETS, "ipfs", (), f"/ipfs/{PLANETS}"),
    (f"{PLANETS}/mars.txt", "ipfs", ("mars.txt",), f"/ipfs/{PLANETS}/mars.txt"),
    (f"{PLANETS_V1}/a/b", "ipfs", ("a", "b"), f"/ipfs/{PLANETS_V1}/a/b"),
])
def test_parse_forms(text: str, namespace: str, segments: tuple, shown: str) -> None:
    p = parse(text)
    assert isinstance(p, ContentPath)
    assert p.namespace == namespace
    assert p.segments == segments
    assert str(p) == shown
    assert p.root == CID.decode(shown.split("/")[2])


def test_parse_keeps_the_root_cid_version() -> None:
    v1 = str(CID.decode(PLANETS).set(version=1, base="base32"))
    assert parse(PLANETS).root.version == 0
    assert parse(v1).root.version == 1
    assert parse(v1).root.digest == parse(PLANETS).root.digest
    assert str(parse(v1)) == f"/ipfs/{v1}"


# --- parse: errors (path.go ErrInvalidPath: `invalid path "<p>": <reason>`) ---------------------


@pytest.mark.parametrize("text, message", [
    ("foo", 'invalid path "foo": path does not have enough components'),
    ("", 'invalid path "": path does not have enough components'),
    ("/ipfs/", 'invalid path "/ipfs/": path does not have enough components'),
    ("/ipfs", 'invalid path "/ipfs": path does not have enough components'),
    ("/foo/bar", 'invalid path "/foo/bar": unknown namespace: "foo"'),
    ("/ipfs/QmFoo", 'invalid path "/ipfs/QmFoo": invalid cid: selected encoding not supported'),
    ("/ipfs/x", 'invalid path "/ipfs/x": invalid cid: cid too short'),
    # a URI is normalised first and its error names the normalised path (uri.go)
    ("ipfs://QmFoo", 'invalid path "/ipfs/QmFoo": invalid cid: selected encoding not supported'),
])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse(text)
    assert str(info.value) == message


# --- resolve ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, expected", [
    (PLANETS, PLANETS),
    (f"/ipfs/{PLANETS}", PLANETS),
    (f"/ipfs/{PLANETS}/mars.txt", MARS),
    (f"/ipfs/{PLANETS}/venus.txt/", VENUS),
    (f"{PLANETS}/mars.txt", MARS),
    (f"/ipfs/{PLANETS}//venus.txt/../mars.txt", MARS),  # go-path Segments cleans too
])
def test_resolve_through_unixfs_names(node: Node, path: str, expected: str) -> None:
    assert str(node.resolve(path)) == expected


def test_uris_resolve_from_0_43() -> None:
    """docs/changelogs/v0.43.md "Native ipfs:// and ipns:// URIs work as input"."""
    new = Node(kubo_version="0.43.0")
    new.add(_planets())
    assert str(new.resolve(f"ipfs://{PLANETS}/venus.txt")) == VENUS
    old = Node(kubo_version="0.42.0")
    with pytest.raises(InvalidArgument) as info:
        old.resolve(f"ipfs://{PLANETS}/venus.txt")  # PathOrCidPath: NewPath's error, not /ipfs/+'s
    assert str(info.value) == (f'invalid path "ipfs://{PLANETS}/venus.txt": '
                               "path does not have enough components")


# --- parse before 0.24: go-path ParsePath (path.go, error.go at each go-path release) ----------


@pytest.mark.parametrize("version, text, reason", [
    ("0.7.0", "QmInvalid", "selected encoding not supported"),  # go-cid Decode's error, as is
    ("0.7.0", "x", "cid too short"),
    ("0.7.0", "", "path does not begin with '/'"),
    ("0.7.0", "/ipfs", "path does not begin with '/'"),
    ("0.13.0", "/ipfs", "invalid ipfs path"),  # go-path v0.3.0
    ("0.7.0", "/ipfs/", "not enough path components"),
    ("0.7.0", "/ipns/", "not enough path components"),
    ("0.7.0", "/foo/bar", 'unknown namespace "foo"'),
    ("0.7.0", f"//ipfs/{PLANETS}", 'unknown namespace ""'),  # not cleaned before it is checked
    ("0.7.0", "/ipfs/QmFoo", "invalid CID: selected encoding not supported"),
    ("0.20.0", "/ipfs/QmFoo", "invalid CID: invalid cid: selected encoding not supported"),  # go-cid v0.4
    ("0.7.0", f"ipfs://{PLANETS}", "selected encoding not supported"),
    ("0.7.0", "/ipfs/" + PLANETS.lower(), "invalid CID: selected encoding not supported"),
    ("0.8.0", "/ipfs/" + PLANETS.lower(), "invalid CID: selected encoding not supported (possible "
     "lowercased CIDv0; consider converting to a case-agnostic CIDv1, such as base32)"),  # go-path#33
    ("0.7.0", "foo", "encoding/hex: invalid byte: U+006F 'o'"),  # f: base16 (go-multibase)
    ("0.7.0", "f0", "encoding/hex: odd length hex string"),
    ("0.23.0", "notacid", "invalid cid: selected encoding not supported"),
    ("0.24.0", "foo", "path does not have enough components"),  # boxo path.NewPath
])
def test_go_path_errors(version: str, text: str, reason: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse(text, KuboVersion.parse(version))
    assert str(info.value) == f'invalid path "{text}": {reason}'


@pytest.mark.parametrize("text, segments", [
    (PLANETS, ()),
    (f"{PLANETS}/a/b", ("a", "b")),
    (f"/ipfs/{PLANETS}/", ()),
    (f"/ipld/{PLANETS}/Links/0", ("Links", "0")),
])
def test_go_path_forms(text: str, segments: tuple) -> None:
    p = parse(text, KuboVersion(0, 7, 0))
    assert (p.root, p.segments) == (CID.decode(PLANETS), segments)


def test_resolve_cidv1_root_of_a_v0_block(node: Node) -> None:
    """From 0.12 the blockstore is keyed by multihash: the v1 form of the v0 root resolves too;
    before, by the whole CID (docs/changelogs/v0.12.md), so it is a block that is not there."""
    v1 = CID.decode(PLANETS).set(version=1, base="base32")
    new = Node(kubo_version="0.12.0")
    new.add(_planets())
    assert str(new.resolve(f"/ipfs/{v1}/mars.txt")) == MARS
    with pytest.raises(NotFound) as info:
        node.resolve(f"/ipfs/{v1}/mars.txt")
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {v1}"


@pytest.mark.parametrize("path, message", [
    (f"/ipfs/{PLANETS}/pluto.txt", f'no link named "pluto.txt" under {PLANETS}'),
    (f"/ipfs/{PLANETS}/pluto/deeper", f'no link named "pluto" under {PLANETS}'),
])
def test_resolve_missing_link(node: Node, path: str, message: str) -> None:
    with pytest.raises(NotFound) as info:
        node.resolve(path)
    assert str(info.value) == message


def test_resolve_missing_root_block() -> None:
    with pytest.raises(NotFound) as info:
        Node().resolve(f"/ipfs/{PLANETS}/mars.txt")
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {PLANETS}"


def _cbor_with_link(target: CID) -> bytes:
    """{"a": {"b": 1}, "l": <target>} in canonical dag-cbor, written by hand."""
    raw = b"\x00" + bytes(target)
    return b"\xa2\x61a\xa1\x61b\x01\x61l\xd8\x2a\x58" + bytes([len(raw)]) + raw


def test_resolve_through_dag_cbor_link(node: Node) -> None:
    root = node.block_put(_cbor_with_link(CID.decode(PLANETS)), format="cbor")
    assert str(node.resolve(f"/ipfs/{root}/l")) == PLANETS
    assert str(node.resolve(f"/ipfs/{root}/l/mars.txt")) == MARS
    assert node.cat(f"/ipfs/{root}/l/mars.txt") == b"Hello Mars!\n"


def test_resolve_missing_dag_cbor_key_is_go_quoted(node: Node) -> None:
    root = node.block_put(_cbor_with_link(CID.decode(PLANETS)), format="cbor")
    with pytest.raises(NotFound) as info:
        node.resolve(f"/ipfs/{root}/x/y")
    assert str(info.value) == f'no link named "x" under {root}'


@pytest.mark.parametrize("tail", ["x/../mars.txt", "./mars.txt", "mars.txt/."])
def test_resolve_cleans_dot_segments(node: Node, tail: str) -> None:
    assert str(node.resolve(f"/ipfs/{PLANETS}/{tail}")) == MARS


def test_parse_collapses_double_slashes() -> None:
    p = parse(f"//ipfs//{PLANETS}//mars.txt")
    assert p.namespace == "ipfs"
    assert p.segments == ("mars.txt",)


def test_ipld_namespace_uses_the_dag_pb_data_model(node: Node) -> None:
    assert str(node.resolve(f"/ipld/{PLANETS}/Links/0/Hash")) == MARS
    with pytest.raises(NotFound) as info:
        node.resolve(f"/ipld/{PLANETS}/mars.txt")
    assert str(info.value) == f'no link named "mars.txt" under {PLANETS}'
