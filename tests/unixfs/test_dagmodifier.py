"""The DagModifier (fakeipfs.unixfs.dagmodifier, go-unixfs v0.2.4 ``mod``) and trickle
``Append``: DAG shapes worked out from the Go code, and bytes read back."""
from __future__ import annotations

from typing import Union

import pytest
from multiformats import CID

from fakeipfs import Node
from fakeipfs.codecs import dagpb, unixfs_pb
from fakeipfs.codecs.unixfs_pb import DataType, FSData
from fakeipfs.errors import IPFSError
from fakeipfs.hashing import DAG_PB, RAW, CidBuilder
from fakeipfs.unixfs import exporter
from fakeipfs.unixfs.dagbuilder import DagBuilder, DagFileNode
from fakeipfs.unixfs.dagmodifier import DagModifier
from fakeipfs.unixfs.layout import trickle

EMPTY_FILE = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"  # FilePBData(nil, 0)
Shape = Union[int, list]


class Store:
    def __init__(self) -> None:
        self.blocks: dict[CID, bytes] = {}

    def put_parts(self, cid: CID, parts: tuple[bytes, ...]) -> None:
        self.blocks[cid] = b"".join(parts)

    def get(self, cid: CID) -> bytes:
        return self.blocks[cid]


def _empty_file(store: Store, builder: CidBuilder = CidBuilder()) -> CID:
    block = dagpb.encode(dagpb.PBNode((), FSData(DataType.File, filesize=0).encode()))
    cid = builder.cid(DAG_PB, block)
    store.put_parts(cid, (block,))
    return cid


def _shape(store: Store, cid: CID) -> Shape:
    """A leaf as its byte count, an internal node as the list of its children's shapes."""
    block = store.get(cid)
    if cid.codec.code == RAW:
        return len(block)
    node = dagpb.decode(block)
    if not node.links:
        return len(unixfs_pb.decode(node.data).data or b"")
    return [_shape(store, link.cid) for link in node.links]


def _fsdata(store: Store, cid: CID) -> FSData:
    return unixfs_pb.decode(dagpb.decode(store.get(cid)).data)


def _read(store: Store, cid: CID) -> bytes:
    return b"".join(bytes(p) for p in exporter.cat(store.get, cid))


def _write(store: Store, cid: CID, data: bytes, offset: int = 0, **kw) -> CID:
    dm = DagModifier(cid, store.get, store, **kw)
    dm.seek(offset)
    for start in range(0, len(data), 4096):
        dm.write(data[start:start + 4096])
    return dm.get_node()


def test_a_new_file_gets_raw_unixfs_leaves_under_a_file_root():
    store = Store()
    cid = _write(store, _empty_file(store), b"oooofiopfsdpio\n")
    assert str(cid) == "QmUvobKqcCE56brA8pGTRRRsGy2SsDEKSxFLZkBQFv7Vvv"
    leaf = dagpb.decode(store.get(cid)).links[0].cid
    assert _fsdata(store, leaf).type == DataType.Raw


def test_writing_past_the_end_pads_with_4k_zero_chunks():
    store = Store()
    cid = _write(store, _empty_file(store), b"data", offset=10000)
    assert _shape(store, cid) == [4096, 4096, 1808, 4]
    assert _fsdata(store, cid).blocksizes == [4096, 4096, 1808, 4]
    assert _read(store, cid) == bytes(10000) + b"data"


def test_the_buffer_is_synced_once_it_passes_2_mib():
    """Writes arrive in 4 KiB pieces: the buffer syncs at 2 MiB + 4 KiB, 256 KiB chunks plus a
    4 KiB tail, then the rest is appended at the end."""
    store = Store()
    data = bytes(range(256)) * (9 * 1024 + 16)  # 2 MiB + 4 KiB + 256 KiB
    cid = _write(store, _empty_file(store), data)
    assert _fsdata(store, cid).blocksizes == [262144] * 8 + [4096, 262144]
    assert _read(store, cid) == data


def test_overwrite_in_place_keeps_sizes():
    store = Store()
    data = b"a" * 300_000
    cid = _write(store, _empty_file(store), data)
    before = dagpb.decode(store.get(cid))
    cid2 = _write(store, cid, b"XYZ" * 10, offset=262140)  # across the leaf boundary
    after = dagpb.decode(store.get(cid2))
    assert _read(store, cid2) == data[:262140] + b"XYZ" * 10 + data[262170:]
    assert [link.tsize for link in after.links] == [link.tsize for link in before.links]
    assert after.data == before.data and [l.cid for l in after.links] != [l.cid for l in before.links]


def test_truncate_on_a_block_boundary_leaves_an_empty_leaf():
    """dagTruncate cuts the first child with ``size < cur + childsize``: truncating to 0 keeps a
    zero-length leaf, and each truncate-and-write cycle adds one more (ipfs/kubo#6936)."""
    store = Store()
    cid = _write(store, _empty_file(store), b"some content\n")
    for cycle in range(1, 4):
        dm = DagModifier(cid, store.get, store)
        dm.truncate(0)
        dm.seek(0)
        dm.write(b"fish\n")
        cid = dm.get_node()
        assert _shape(store, cid) == [0] * cycle + [5]
        assert _fsdata(store, cid).blocksizes == [0] * cycle + [5]
        assert _read(store, cid) == b"fish\n"


def test_truncate_inside_a_leaf_and_growing():
    store = Store()
    cid = _write(store, _empty_file(store), b"0123456789")
    dm = DagModifier(cid, store.get, store)
    dm.truncate(4)
    cid = dm.get_node()
    assert _read(store, cid) == b"0123" and _fsdata(store, cid).filesize == 4
    dm = DagModifier(cid, store.get, store)
    dm.truncate(6)
    assert _read(store, dm.get_node()) == b"0123\0\0"


def test_editing_a_single_leaf_file_from_add():
    """A balanced single-leaf file (UnixFS File with data) is rewritten in place; growing it
    hangs new leaves under the node that keeps its own data."""
    node = Node()
    cid = node.add(b"hello")[-1].cid
    store = Store()
    store.blocks[cid] = node.blockstore.get(cid)
    patched = _write(store, cid, b"XX", offset=2)
    assert patched == node.add(b"heXXo")[-1].cid
    grown = _write(store, cid, b" world", offset=5)
    fs = _fsdata(store, grown)
    assert (fs.type, fs.data, fs.filesize, fs.blocksizes) == (DataType.File, b"hello", 11, [6])
    dm = DagModifier(cid, store.get, store)
    dm.truncate(2)  # ft.WrapData: a UnixFS Raw node
    assert _fsdata(store, dm.get_node()) == FSData(DataType.Raw, b"he", 2)


def test_raw_roots_can_be_overwritten_but_not_grown():
    store = Store()
    data = b"raw!"
    cid = CidBuilder(1).cid(RAW, data)
    store.put_parts(cid, (data,))
    patched = _write(store, cid, b"W", offset=3)
    assert store.get(patched) == b"raw" + b"W" and patched.codec.code == RAW
    with pytest.raises(IPFSError) as info:
        _write(store, cid, b"more", offset=4)
    assert info.value.message == "expected protobuf dag node"


def test_cidv1_files_get_raw_leaves_with_their_prefix():
    store = Store()
    cid = _write(store, _empty_file(store, CidBuilder(1)), b"abc")
    child = dagpb.decode(store.get(cid)).links[0].cid
    assert (cid.version, child.codec.code) == (1, RAW)
    cid = _write(store, _empty_file(store, CidBuilder(1)), b"abc", raw_leaves=False)
    child = dagpb.decode(store.get(cid)).links[0].cid
    assert (child.version, child.codec.code) == (1, DAG_PB)


def _append(store: Store, chunks: list[bytes], root: CID = None, max_links: int = 4) -> CID:
    root = root or _empty_file(store)
    db = DagBuilder(iter(chunks), CidBuilder(), False, max_links, store, 1 << 20, DataType.Raw)
    built = trickle.append(db, DagFileNode(db, root, store.get(root)), store.get)
    db.store(built)
    return built.cid


def test_append_within_the_leaf_layer_is_the_layout():
    store = Store()
    chunks = [bytes([i]) for i in range(3)]
    db = DagBuilder(iter(chunks), CidBuilder(), False, 4, store, 1 << 20, DataType.Raw)
    assert _append(store, chunks) == trickle.layout(db).cid


def test_append_past_a_full_leaf_layer_continues_at_depth_2():
    """trickledag.go ``Append``: with exactly ``max_links`` leaves, ``appendFillLastChild``
    returns early and the next subtrees are of depth 2 (the layout would add depth-1 ones)."""
    store = Store()
    chunks = [bytes([i]) for i in range(9)]
    assert _shape(store, _append(store, chunks)) == [1, 1, 1, 1, [1, 1, 1, 1, [1]]]
    db = DagBuilder(iter(chunks), CidBuilder(), False, 4, store, 1 << 20, DataType.Raw)
    laid = trickle.layout(db)
    db.store(laid)
    assert _shape(store, laid.cid) == [1, 1, 1, 1, [1, 1, 1, 1], [1]]


def test_append_fills_the_last_subtree_first():
    """The last subtree's leaf layer is topped up (``appendRec`` with max depth -1 stops
    there), then the rest of its depth layer continues with depth-0 trees: single leaves."""
    store = Store()
    root = _append(store, [b"a"] * 5)  # [1,1,1,1,[1]]
    grown = _append(store, [b"b"] * 4, root)
    assert _shape(store, grown) == [1, 1, 1, 1, [1, 1, 1, 1], [1]]
    assert _read(store, grown) == b"a" * 5 + b"b" * 4
    assert _fsdata(store, grown).blocksizes == [1, 1, 1, 1, 4, 1]
