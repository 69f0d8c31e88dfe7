"""/api/v0/repo/*: kubo core/commands/repo.go and core/corerepo (v0.7.0; gc --silent from 0.13)."""
from __future__ import annotations

import json
import pathlib

import pytest

import fakeipfs

from .rpcutil import CHANNEL, MFS_ROOT, MFS_ROOT_RAW, error, post, single, values

EMPTY = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
SELF_LINK = "QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"
GC_ABORTED = "garbage collection aborted: could not retrieve some links"


def test_gc_streams_removed_keys():
    node = fakeipfs.Node()
    empty = post(node, "repo/gc")
    assert (empty.status, empty.headers, empty.read_all()) == (200, CHANNEL, b"")
    garbage = str(node.add_str("Test String", pin=False).cid)
    assert post(node, "repo/gc").read_all() == b'{"Key":{"/":"' + garbage.encode() + b'"}}\n'
    node.add_str("Test String", pin=False)
    assert values(post(node, "repo/gc", silent=True, quiet=True)) == [{"Key": {"/": garbage}}]


def test_gc_silent_from_0_13():
    node = fakeipfs.Node(kubo_version="0.13.0")
    node.add_str("Test String", pin=False)
    assert values(post(node, "repo/gc", silent=True)) == []
    assert node.repo_stat()["NumObjects"] == 1  # the MFS root, a best-effort root of gc


@pytest.mark.parametrize("version, stored", [("0.7.0", MFS_ROOT), ("0.11.0", MFS_ROOT),
                                             ("0.12.0", MFS_ROOT_RAW), ("0.22.0", MFS_ROOT_RAW)])
def test_a_fresh_node_holds_its_mfs_root_unpinned_and_gc_keeps_it(version: str, stored: str):
    """core/node/core.go ``Files`` stores ``ft.EmptyDirNode()`` when the node is built (v0.7.0 and
    v0.22.0 alike); gc keeps it as a best-effort root (corerepo/gc.go ``BestEffortRoots``)."""
    node = fakeipfs.Node(kubo_version=version)
    assert values(post(node, "refs/local")) == [{"Ref": stored, "Err": ""}]
    assert single(post(node, "repo/stat"))["NumObjects"] == 1
    assert single(post(node, "block/stat", arg=[MFS_ROOT])) == {"Key": MFS_ROOT, "Size": 4}
    assert node.pin_ls() == {}
    assert values(post(node, "repo/gc")) == []
    assert values(post(node, "refs/local")) == [{"Ref": stored, "Err": ""}]
    assert error(post(node, "cat", arg=[MFS_ROOT])) == "this dag node is a directory"
    mars = str(node.add_str("Hello Mars!\n").cid)
    venus = str(node.add_str("Hello Venus!\n").cid)
    one = single(post(node, "object/patch/add-link", arg=[MFS_ROOT, "mars.txt", mars]))["Hash"]
    assert single(post(node, "object/patch/add-link", arg=[one, "venus.txt", venus])) == {
        "Hash": "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"}  # planets, t0040-add-and-cat.sh


def test_gc_that_cannot_read_a_pinned_dag_fails():
    node = fakeipfs.Node()
    node.object_patch_add_link(node.object_new(), "self", EMPTY)
    node.pin_add(SELF_LINK)
    node.blockstore.delete(node.resolve(EMPTY))
    assert error(post(node, "repo/gc")) == GC_ABORTED
    response = post(node, "repo/gc", stream_errors=True)
    assert response.read_all().splitlines()[0] == b'{"Key":null,"Error":"' + GC_ABORTED.encode() + b'"}'
    assert response.trailers["X-Stream-Error"] == "encountered errors during gc run"


def test_stat_and_version():
    node = fakeipfs.Node()
    assert post(node, "repo/stat").read_all() == (  # a fresh node: its 4-byte MFS root
        b'{"RepoSize":4,"StorageMax":10000000000,"NumObjects":1,"RepoPath":"","Version":"fs-repo@10"}\n')
    node.block_put(b"dsadsad\n")
    assert post(node, "repo/stat").read_all() == (
        b'{"RepoSize":12,"StorageMax":10000000000,"NumObjects":2,"RepoPath":"","Version":"fs-repo@10"}\n')
    assert single(post(node, "repo/stat", size_only=True)) == {
        "RepoSize": 12, "StorageMax": 10000000000, "NumObjects": 0, "RepoPath": "", "Version": ""}
    assert single(post(node, "repo/version", quiet=True)) == {"Version": "10"}
    assert single(post(fakeipfs.Node(kubo_version="0.12.0"), "repo/version")) == {"Version": "12"}
    assert single(post(fakeipfs.Node(kubo_version="0.12.0"), "repo/stat"))["Version"] == "fs-repo@12"


def test_verify(tmp_path: pathlib.Path):
    node = fakeipfs.Node(repo=tmp_path)
    node.block_put(b"dsadsad\n", format="raw")
    node.block_put(b"other", format="raw")
    assert values(post(node, "repo/verify")) == [  # the two blocks and the MFS root
        {"Msg": "", "Progress": 1}, {"Msg": "", "Progress": 2}, {"Msg": "", "Progress": 3},
        {"Msg": "verify complete, all blocks validated.", "Progress": 0}]
    raw = "bafkreiatrjkbyc7fz4ain4lpdv7els2cr7h55bjzrg6pg2oo2sf47hmmum"  # dsadsad\n
    for data_file in (tmp_path / "blocks").rglob("*.data"):
        if data_file.read_bytes() == b"dsadsad\n":
            data_file.write_bytes(b"tampered")
    response = post(node, "repo/verify")
    lines = [json.loads(line) for line in response.read_all().splitlines()][:-1]  # then the error
    assert {"Msg": f"block {raw} was corrupt (block in storage has different hash than requested)",
            "Progress": 0} in lines
    assert [line["Progress"] for line in lines if not line["Msg"]] == [1, 2, 3]
    assert response.trailers["X-Stream-Error"] == "verify complete, some blocks were corrupt"


def test_repo_version_follows_the_emulated_release() -> None:
    """repo/fsrepo RepoVersion at each tag: 10 at v0.7.0, 16 at v0.30.0."""
    from fakeipfs import Node
    assert Node().repo_stat()["Version"] == "fs-repo@10"
    assert Node(kubo_version="0.30.0").repo_stat()["Version"] == "fs-repo@16"
    assert fakeipfs.client(Node(kubo_version="0.30.0")).version()["Repo"] == "16"
