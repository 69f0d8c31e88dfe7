"""UnixFS 1.5 mode/mtime on import, as kubo HEAD writes them: boxo
importer/helpers/dagbuilder.go ``SetFileAttributes`` on the root of each file DAG (never on
leaves below it), ``mfs.WithMode/WithModTime`` on directories, mtime only on symlinks
(core/coreunix/add.go ``addSymlink``), and raw leaves turned off (core/commands/add.go)."""
from __future__ import annotations

import os

import pytest

from fakeipfs import Node
from fakeipfs.codecs import dagpb, unixfs_pb
from fakeipfs.codecs.unixfs_pb import DataType
from fakeipfs.unixfs.files import Directory, File, Symlink


def _data(node: Node, cid) -> unixfs_pb.FSData:
    return unixfs_pb.decode(dagpb.decode(node.block_get(cid)).data or b"")


def test_single_chunk_file_root_carries_mode_and_mtime() -> None:
    node = Node()
    event = node.add_bytes(b"hello", mode=0o644, mtime=1700000000, mtime_nsecs=5)
    block = node.block_get(event.cid)
    # 0a L | 08 02 | 12 05 hello | 18 05 | 38 a403 | 42 0b (08 80e2cfaa06 | 15 05000000)
    assert block == bytes.fromhex("0a1b" "0802" "120568656c6c6f" "1805" "38a403" "420b"
                                  "0880e2cfaa06" "1505000000")
    assert event.mode == 0o644 and event.mtime == (1700000000, 5)
    assert node.cat(event.cid) == b"hello"


def test_only_the_root_of_a_chunked_file_carries_metadata() -> None:
    node = Node()
    event = node.add_bytes(b"x" * 2500, chunker="size-1000", mode=0o600, cid_version=1)
    root = _data(node, event.cid)
    assert (root.type, root.mode, root.blocksizes) == (DataType.File, 0o600, [1000, 1000, 500])
    leaves = dagpb.decode(node.block_get(event.cid)).links
    assert all(link.cid.codec.name == "dag-pb" for link in leaves)  # v1 but raw leaves off
    assert all(_data(node, link.cid).mode is None for link in leaves)


def test_zero_nanoseconds_are_left_out() -> None:
    node = Node()
    assert _data(node, node.add_bytes(b"a", mtime=10).cid).mtime == (10, None)


def test_directories_get_their_own_metadata_and_symlinks_only_mtime(tmp_path) -> None:
    tree = Directory("d", [File.from_bytes("f", b"file"), Symlink("l", "f", mode=0o777)],
                     mode=0o755, mtime=(42, 0))
    tree.entries[0].mode, tree.entries[0].mtime = 0o640, (43, 7)
    tree.entries[1].mtime = (44, 0)
    node = Node()
    events = node.add(tree, preserve_mode=True, preserve_mtime=True)
    by_name = {e.name: e.cid for e in events}
    assert (_data(node, by_name["d/f"]).mode, _data(node, by_name["d/f"]).mtime) == (0o640, (43, 7))
    link = _data(node, by_name["d/l"])
    assert (link.type, link.mode, link.mtime, link.data) == (DataType.Symlink, None, (44, None), b"f")
    directory = _data(node, by_name["d"])
    assert (directory.type, directory.mode, directory.mtime) == (DataType.Directory, 0o755, (42, None))


def test_preserve_reads_the_file_system(tmp_path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"data")
    os.chmod(path, 0o604)
    os.utime(path, ns=(1_000_000_000_123, 1_600_000_000_000_000_456))
    node = Node()
    event = node.add(str(path), preserve_mode=True, preserve_mtime=True)[-1]
    assert (_data(node, event.cid).mode, _data(node, event.cid).mtime) == (0o604, (1600000000, 456))


def test_explicit_raw_leaves_conflicts_with_metadata() -> None:
    with pytest.raises(Exception, match="raw-leaves can't be used with UnixFS metadata"):
        Node().add_bytes(b"a", raw_leaves=True, mode=0o644)
