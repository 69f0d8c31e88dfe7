"""Pins and repo gc: boxo ``pinning/pinner/dspinner/pin.go``, kubo ``core/commands/pin/pin.go``,
``core/coreapi/pin.go`` and ``gc/gc.go``.

Messages are checked word for word; the planets CIDs are kubo's (test/sharness/t0040-add-and-cat.sh).
"""
from __future__ import annotations

import pytest
from multiformats import CID

from vectorlib import sha256_bytes

from fakeipfs import Node
from fakeipfs.errors import IPFSError, NotFound, PinError
from fakeipfs.unixfs.files import Directory, File

PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"
VENUS = "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"
HELLO_WORLD = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # never added in these tests
#: Every node's MFS root from the start, 4 bytes, unpinned (kubo core/node/core.go ``Files``);
#: gc keeps it as a best-effort root (core/corerepo/gc.go ``BestEffortRoots``).
EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
INVALID_TYPE = "invalid type '{}', must be one of {{direct, indirect, recursive, all}}"


def _planets() -> Directory:
    return Directory("planets", [File.from_bytes("mars.txt", b"Hello Mars!\n"),
                                 File.from_bytes("venus.txt", b"Hello Venus!\n")])


def _mh(cid) -> bytes:
    return bytes((cid if isinstance(cid, CID) else CID.decode(cid)).digest)


def _dag(node: Node, root) -> set[bytes]:
    """Multihashes of every block under a UnixFS root (walked with ls, not with fakeipfs.dag)."""
    out = {_mh(root)}
    for entry in node.ls(root):
        out |= _dag(node, entry.cid)
    return out


def _state(node: Node):
    return set(node.blockstore.multihashes()), node.pin_ls()


@pytest.fixture
def node() -> Node:
    n = Node()
    assert str(n.add(_planets(), pin=False)[-1].cid) == PLANETS
    return n


# --- pin add ------------------------------------------------------------------------------------


def test_add_recursive_lists_root_and_indirect_children(node: Node) -> None:
    assert [str(c) for c in node.pin_add(PLANETS)] == [PLANETS]
    assert node.pin_ls() == {PLANETS: "recursive", MARS: "indirect", VENUS: "indirect"}
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive"}
    assert node.pin_ls(type="indirect") == {MARS: "indirect", VENUS: "indirect"}
    assert node.pin_ls(type="direct") == {}


def test_add_direct(node: Node) -> None:
    node.pin_add(MARS, recursive=False)
    assert node.pin_ls() == {MARS: "direct"}
    assert node.pin_ls(MARS) == {MARS: "direct"}


def test_add_by_path_pins_the_resolved_cid(node: Node) -> None:
    assert [str(c) for c in node.pin_add(f"/ipfs/{PLANETS}/venus.txt")] == [VENUS]
    assert node.pin_ls() == {VENUS: "recursive"}


def test_add_recursive_twice_is_a_no_op(node: Node) -> None:
    node.pin_add(PLANETS)
    node.pin_add(PLANETS)
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive"}


def test_direct_add_of_recursive_pin_is_refused(node: Node) -> None:
    """dspinner pin.go:388 `%s already pinned recursively`, wrapped by coreapi/pin.go:44 `pin: %s`."""
    node.pin_add(PLANETS)
    with pytest.raises(PinError) as info:
        node.pin_add(PLANETS, recursive=False)
    assert str(info.value) == f"pin: {PLANETS} already pinned recursively"
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive"}
    assert node.pin_ls(type="direct") == {}


def test_recursive_add_replaces_direct_pin(node: Node) -> None:
    node.pin_add(PLANETS, recursive=False)
    node.pin_add(PLANETS)
    assert node.pin_ls(type="direct") == {}
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive"}


def test_add_with_missing_child_fails_and_changes_nothing(node: Node) -> None:
    node.blockstore.delete(CID.decode(VENUS))
    before = _state(node)
    with pytest.raises(IPFSError) as info:
        node.pin_add(PLANETS)
    assert str(info.value) == f"pin: block was not found locally (offline): ipld: could not find {VENUS}"
    assert _state(node) == before
    assert node.pin_ls() == {}


def test_add_with_missing_root_fails_and_changes_nothing() -> None:
    node = Node()
    with pytest.raises(IPFSError) as info:
        node.pin_add(PLANETS)
    assert str(info.value) == f"pin: block was not found locally (offline): ipld: could not find {PLANETS}"
    assert node.pin_ls() == {}


def test_add_with_a_raw_leaf_missing_fails() -> None:
    """Pinning fetches every block, raw leaves included (merkledag.FetchGraph -> GetLinksDirect)."""
    node = Node()
    root = node.add(sha256_bytes(3000, "raw"), chunker="size-1024", raw_leaves=True, pin=False)[-1].cid
    leaf = node.ls(root)[1].cid
    node.blockstore.delete(leaf)
    with pytest.raises(IPFSError) as info:
        node.pin_add(root)
    assert str(info.value).startswith("pin: block was not found locally (offline): ipld: could not find ")
    assert node.pin_ls() == {}


def test_add_many_keeps_earlier_pins_when_a_later_one_fails(node: Node) -> None:
    with pytest.raises(IPFSError):
        node.pin_add(MARS, HELLO_WORLD)  # HELLO_WORLD's block is not stored
    assert node.pin_ls() == {MARS: "recursive"}


# --- pin rm -------------------------------------------------------------------------------------


def test_rm_recursive(node: Node) -> None:
    node.pin_add(PLANETS)
    assert [str(c) for c in node.pin_rm(PLANETS)] == [PLANETS]
    assert node.pin_ls() == {}


def test_rm_direct_with_either_flag(node: Node) -> None:
    node.pin_add(MARS, recursive=False)
    node.pin_rm(MARS, recursive=False)
    node.pin_add(MARS, recursive=False)
    node.pin_rm(MARS)  # dspinner Unpin removes a direct pin whatever `recursive` says
    assert node.pin_ls() == {}


def test_rm_non_recursive_of_recursive_pin(node: Node) -> None:
    """dspinner pin.go:539 `%s is pinned recursively` (not wrapped)."""
    node.pin_add(PLANETS)
    with pytest.raises(PinError) as info:
        node.pin_rm(PLANETS, recursive=False)
    assert str(info.value) == f"{PLANETS} is pinned recursively"
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive"}


@pytest.mark.parametrize("target", [MARS, PLANETS])
def test_rm_not_pinned_or_indirect(node: Node, target: str) -> None:
    """boxo pinning/pinner/pin.go:80 ErrNotPinned, for an unpinned and for an indirect CID."""
    if target == MARS:
        node.pin_add(PLANETS)
    with pytest.raises(PinError) as info:
        node.pin_rm(target)
    assert str(info.value) == "not pinned or pinned indirectly"


def test_rm_many_keeps_earlier_removals_when_a_later_one_fails(node: Node) -> None:
    node.pin_add(PLANETS)
    with pytest.raises(PinError):
        node.pin_rm(PLANETS, MARS)
    assert node.pin_ls() == {}


def test_pins_are_keyed_by_binary_cid_not_by_text() -> None:
    node = Node()
    root = node.add(b"pin me", raw_leaves=True, cid_version=1, pin=False)[-1].cid
    b32 = str(root.set(base="base32"))
    b58 = str(root.set(base="base58btc"))
    assert b32 != b58
    node.pin_add(b58, recursive=False)
    assert node.pin_ls(b32) == {b32: "direct"}
    node.pin_rm(b32)
    assert node.pin_ls() == {}


# --- pin ls -------------------------------------------------------------------------------------


def test_ls_path_indirect_through_root(node: Node) -> None:
    node.pin_add(PLANETS)
    assert node.pin_ls(f"/ipfs/{PLANETS}/mars.txt") == {MARS: f"indirect through {PLANETS}"}
    assert node.pin_ls(MARS, type="indirect") == {MARS: f"indirect through {PLANETS}"}
    assert node.pin_ls(PLANETS) == {PLANETS: "recursive"}


@pytest.mark.parametrize("kind", ["direct", "recursive"])
def test_ls_path_not_pinned_with_type(node: Node, kind: str) -> None:
    node.pin_add(PLANETS)
    path = f"/ipfs/{PLANETS}/mars.txt"
    with pytest.raises(PinError) as info:
        node.pin_ls(path, type=kind)
    assert str(info.value) == f"path '{path}' is not pinned"


def test_ls_path_not_pinned_names_the_argument_as_given(node: Node) -> None:
    """pin.go:620 prints req.Arguments[i], not the resolved CID."""
    path = f"{PLANETS}/venus.txt"
    with pytest.raises(PinError) as info:
        node.pin_ls(path)
    assert str(info.value) == f"path '{path}' is not pinned"


@pytest.mark.parametrize("kind", ["x", "", "Direct"])
def test_ls_invalid_type(node: Node, kind: str) -> None:
    with pytest.raises(IPFSError) as info:
        node.pin_ls(type=kind)
    assert str(info.value) == INVALID_TYPE.format(kind)


def test_ls_invalid_type_is_checked_before_paths() -> None:
    with pytest.raises(IPFSError) as info:
        Node().pin_ls("foo", type="x")
    assert str(info.value) == INVALID_TYPE.format("x")


def test_ls_direct_and_recursive_together(node: Node) -> None:
    node.pin_add(PLANETS)
    node.pin_add(MARS, recursive=False)
    assert node.pin_ls() == {PLANETS: "recursive", MARS: "direct", VENUS: "indirect"}
    assert node.pin_ls(MARS) == {MARS: "direct"}


def test_ls_indirect_excludes_direct_pins(node: Node) -> None:
    node.pin_add(PLANETS)
    node.pin_add(MARS, recursive=False)
    assert node.pin_ls(type="indirect") == {VENUS: "indirect"}


def test_ls_indirect_raw_leaves_print_in_base32() -> None:
    node = Node()
    root = node.add(sha256_bytes(3000, "leaves"), chunker="size-1024", raw_leaves=True)[-1].cid
    keys = set(node.pin_ls(type="indirect"))
    assert keys == {str(CID("base32", 1, "raw", e.cid.digest)) for e in node.ls(root)}
    assert len(keys) == 3
    assert all(k.startswith("bafkrei") for k in keys), keys


# --- pin update ---------------------------------------------------------------------------------


def test_update_moves_the_recursive_pin(node: Node) -> None:
    other = node.add(_planets(), cid_version=1, pin=False)[-1].cid
    node.pin_add(PLANETS)
    node.pin_update(PLANETS, other)
    assert node.pin_ls(type="recursive") == {str(other): "recursive"}


def test_update_without_unpin_keeps_both(node: Node) -> None:
    node.pin_add(PLANETS)
    node.pin_update(PLANETS, f"/ipfs/{PLANETS}/mars.txt", unpin=False)
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive", MARS: "recursive"}


def test_update_from_not_recursively_pinned(node: Node) -> None:
    node.pin_add(PLANETS, recursive=False)
    with pytest.raises(PinError) as info:
        node.pin_update(PLANETS, MARS)
    assert str(info.value) == "'from' cid was not recursively pinned already"
    assert node.pin_ls() == {PLANETS: "direct"}


def test_update_to_already_recursively_pinned(node: Node) -> None:
    node.pin_add(PLANETS)
    node.pin_add(MARS)
    with pytest.raises(PinError) as info:
        node.pin_update(PLANETS, MARS)
    assert str(info.value) == "'to' cid was already recursively pinned"


def test_update_keeps_a_direct_pin_on_to(node: Node) -> None:
    node.pin_add(MARS, recursive=False)
    node.pin_add(PLANETS)
    node.pin_update(PLANETS, MARS)
    assert node.pin_ls(type="recursive") == {MARS: "recursive"}
    assert node.pin_ls(type="direct") == {MARS: "direct"}


def test_update_to_itself_is_a_no_op(node: Node) -> None:
    node.pin_add(PLANETS)
    node.pin_update(PLANETS, PLANETS)
    assert node.pin_ls(type="recursive") == {PLANETS: "recursive"}


def test_update_checks_from_before_fetching_to(node: Node) -> None:
    with pytest.raises(PinError) as info:
        node.pin_update(PLANETS, HELLO_WORLD)
    assert str(info.value) == "'from' cid was not recursively pinned already"


# --- pin verify ---------------------------------------------------------------------------------


def test_verify_ok(node: Node) -> None:
    node.pin_add(PLANETS)
    assert [(str(r), bad) for r, bad in node.pin_verify()] == [(PLANETS, [])]


def test_verify_reports_missing_dag_pb_node(node: Node) -> None:
    node.pin_add(PLANETS)
    node.blockstore.delete(CID.decode(MARS))
    result = [(str(r), [(str(c), e) for c, e in bad]) for r, bad in node.pin_verify()]
    assert result == [(PLANETS, [(MARS, f"block was not found locally (offline): ipld: could not find {MARS}")])]


def test_verify_does_not_fetch_raw_leaves() -> None:
    node = Node()
    root = node.add(sha256_bytes(3000, "verify"), chunker="size-1024", raw_leaves=True)[-1].cid
    node.blockstore.delete(node.ls(root)[0].cid)
    assert [(str(r), bad) for r, bad in node.pin_verify()] == [(str(root), [])]


# --- repo gc ------------------------------------------------------------------------------------


def test_gc_removes_exactly_the_unpinned_blocks() -> None:
    node = Node(kubo_version="0.12.0")  # multihash-keyed blockstore: removed keys are CIDv1 raw
    kept = node.add(sha256_bytes(5000, "kept"), chunker="size-1024")[-1].cid  # recursive, dag-pb leaves
    direct = node.block_put(b"direct block")
    node.pin_add(direct, recursive=False)
    planets = node.add(_planets(), pin=False)[-1].cid
    node.pin_add(planets, recursive=False)  # a direct pin keeps the block, not its children
    junk = node.add(sha256_bytes(3000, "junk"), chunker="size-1024", raw_leaves=True, pin=False)[-1].cid

    kept_blocks = _dag(node, kept)
    junk_blocks = _dag(node, junk)
    assert len(kept_blocks) == 6 and len(junk_blocks) == 4
    expected_removed = junk_blocks | {_mh(MARS), _mh(VENUS)}
    before = set(node.blockstore.multihashes())
    assert before == kept_blocks | junk_blocks | {_mh(direct), _mh(PLANETS), _mh(MARS), _mh(VENUS),
                                                  _mh(EMPTY_DIR)}

    removed = node.repo_gc()
    assert {bytes(c.digest) for c in removed} == expected_removed
    assert len(removed) == len(expected_removed)
    # kubo >= 0.12 reports removed keys as CIDv1 raw (t0087-repo-robust-gc.sh `to_raw_cid`)
    assert all(c.version == 1 and c.codec.name == "raw" and str(c).startswith("bafkrei") for c in removed)
    assert set(node.blockstore.multihashes()) == before - expected_removed
    assert node.cat(kept) == sha256_bytes(5000, "kept")
    assert node.block_get(direct) == b"direct block"
    with pytest.raises(NotFound):
        node.cat(junk)
    assert node.repo_gc() == []


def test_gc_after_unpin() -> None:
    node = Node(kubo_version="0.12.0")
    root = node.add(_planets())[-1].cid
    node.pin_rm(root)
    assert {str(c) for c in node.repo_gc()} == {
        str(CID.decode(x).set(version=1, codec="raw", base="base32")) for x in (PLANETS, MARS, VENUS)}
    assert node.repo_stat()["NumObjects"] == 1  # the MFS root


def test_gc_with_missing_raw_leaf_still_collects() -> None:
    """gc.go ColoredSet uses ipld.GetLinks, which does not fetch raw leaves."""
    node = Node()
    root = node.add(sha256_bytes(3000, "rawgc"), chunker="size-1024", raw_leaves=True)[-1].cid
    node.blockstore.delete(node.ls(root)[0].cid)
    junk = node.block_put(b"junk")
    assert [bytes(c.digest) for c in node.repo_gc()] == [_mh(junk)]


def test_gc_aborts_when_a_pinned_dag_pb_block_is_missing() -> None:
    node = Node()
    root = node.add(sha256_bytes(5000, "abort"), chunker="size-1024")[-1].cid  # dag-pb leaves
    node.blockstore.delete(node.ls(root)[0].cid)
    junk = node.block_put(b"junk")
    with pytest.raises(IPFSError) as info:
        node.repo_gc()
    assert str(info.value) == "garbage collection aborted: could not retrieve some links"
    assert node.block_get(junk) == b"junk"


# --- repo stat ----------------------------------------------------------------------------------


@pytest.mark.parametrize("repo", [False, True])
def test_gc_before_0_12_keeps_each_cid_by_its_own_reachability(tmp_path, repo: bool) -> None:
    """Before 0.12 the blockstore is keyed by whole CIDs (docs/changelogs/v0.12.md) and gc/gc.go
    removes every ``AllKeysChan`` CID that ``ColoredSet`` (a ``cid.Set``) does not hold: another
    CID of a pinned block's bytes is a block of its own, and goes."""
    node = Node(repo=tmp_path if repo else None)  # kubo 0.7.0
    node.add(_planets())  # pinned, CIDv0 dag-pb
    mars_v1 = node.add_bytes(b"Hello Mars!\n", cid_version=1, raw_leaves=False, pin=False).cid
    assert mars_v1 == CID.decode(MARS).set(version=1) and str(mars_v1).startswith("bafybei")
    loose = node.block_put(b"dsadsad\n")  # CIDv0, unpinned
    kept_raw = node.add_bytes(b"dsadsad\n", raw_leaves=True).cid  # the same bytes, raw, pinned
    assert node.repo_stat()["NumObjects"] == 7  # with the MFS root
    assert sorted(map(str, node.repo_gc())) == sorted([str(mars_v1), str(loose)])
    assert node.repo_stat()["NumObjects"] == 5
    assert node.cat(MARS) == b"Hello Mars!\n" and node.block_get(kept_raw) == b"dsadsad\n"
    with pytest.raises(NotFound):
        node.block_get(loose)


def test_block_rm_pin_check_compares_whole_cids() -> None:
    """boxo dspinner ``CheckIfPinned`` looks CIDs up by ``KeyString`` at every version: from 0.12
    the raw CIDv1 of a pinned CIDv0 block is not pinned, and removing it removes the block."""
    node = Node(kubo_version="0.12.0")
    node.add(_planets())
    raw = CID.decode(MARS).set(version=1, codec="raw")
    assert node.block_rm([MARS]) == [(CID.decode(MARS), f"pinned via {PLANETS}")]
    assert node.block_rm([raw]) == [(raw, None)]
    with pytest.raises(NotFound):
        node.cat(MARS)


def test_repo_stat_counts() -> None:
    node = Node()
    assert node.repo_stat()["NumObjects"] == 1  # a fresh node: its 4-byte MFS root
    assert node.repo_stat()["RepoSize"] == 4
    node.add(_planets())
    stat = node.repo_stat()
    # block sizes; their sum is kubo's cumulative Size of the planets directory (146)
    sizes = [node.block_stat(c)[1] for c in (PLANETS, MARS, VENUS)]
    assert sizes == [105, 20, 21]
    assert stat["NumObjects"] == 4
    assert stat["RepoSize"] == sum(sizes) + 4
    node.block_put(b"12345")
    assert node.repo_stat()["NumObjects"] == 5
    assert node.repo_stat()["RepoSize"] == sum(sizes) + 4 + 5
    node.add(_planets())  # same blocks again: nothing new
    assert node.repo_stat()["NumObjects"] == 5


# --- persistence --------------------------------------------------------------------------------


def test_pins_survive_reopening_the_repo(tmp_path) -> None:
    node = Node(repo=tmp_path / "repo")
    node.add(_planets())
    node.pin_add(f"/ipfs/{PLANETS}/mars.txt", recursive=False)
    again = Node(repo=tmp_path / "repo")
    assert again.pin_ls() == {PLANETS: "recursive", MARS: "direct", VENUS: "indirect"}
    assert again.cat(f"/ipfs/{PLANETS}/venus.txt") == b"Hello Venus!\n"
    again.pin_rm(PLANETS)
    assert Node(repo=tmp_path / "repo").pin_ls() == {MARS: "direct"}
