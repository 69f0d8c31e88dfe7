"""HAMT-sharded directories (fakeipfs.unixfs.hamt) against the JS reference importer's vectors."""
from __future__ import annotations

import io
import random
from typing import Optional

import pytest
from multiformats import CID

from fakeipfs.codecs import dagpb, unixfs_pb
from fakeipfs.codecs.unixfs_pb import DataType, FSData
from fakeipfs.errors import DecodeError
from fakeipfs.hashing import DAG_PB, CidBuilder
from fakeipfs.unixfs import hamt
from fakeipfs.unixfs.dagbuilder import Built, NullSink
from fakeipfs.unixfs.files import Directory, File
from fakeipfs.unixfs.importer import Importer
from fakeipfs.unixfs.options import AddOptions
from vectorlib import load

VECTORS = load("hamt-js.json")["cases"]
FORCED = [c for c in VECTORS if not c.get("auto")]
AUTO = [c for c in VECTORS if c.get("auto")]


class DictSink:
    """A block sink that keeps every block, for reading shards back."""

    def __init__(self) -> None:
        self.blocks: dict[CID, bytes] = {}
        self.puts = 0

    def put_parts(self, cid: CID, parts: tuple[bytes, ...]) -> None:
        self.blocks[cid] = b"".join(parts)
        self.puts += 1

    def get(self, cid: CID) -> bytes:
        return self.blocks[cid]


def _names(case: dict) -> list[str]:
    return [case["template"].replace("{i}", str(i)) for i in range(case["count"])]


def _directory(case: dict, name: str = "shard") -> Directory:
    root = Directory(name)
    for n in _names(case):
        data = (n if case["content"] == "name" else case["content"]).encode()
        root.entries.append(File(n, lambda data=data: io.BytesIO(data)))
    return root


def _options(case: dict, kubo_version: str) -> AddOptions:
    return AddOptions(cid_version=case["cid_version"], raw_leaves=case["raw_leaves"],
                      kubo_version=kubo_version)


def _leaves(case: dict) -> tuple[list[tuple[str, Built]], CidBuilder]:
    importer = Importer(_options(case, "0.10.0"), NullSink())
    entries = [(f.name, importer.import_file(f)) for f in _directory(case).entries]  # type: ignore[arg-type]
    return entries, importer.settings.builder


def _case_id(case: dict) -> str:
    extra = "".join(f" {k}={case[k]}" for k in ("fanout", "dir_mode") if k in case)
    return (f"{case['template'][:14]}x{case['count']} v{case['cid_version']}"
            f"{' raw' if case['raw_leaves'] else ''}{extra}")


@pytest.mark.parametrize("case", FORCED, ids=_case_id)
def test_js_vector_build_shard(case: dict) -> None:
    entries, builder = _leaves(case)
    mtime = tuple(case["dir_mtime"]) if "dir_mtime" in case else None
    built = hamt.build_shard(sorted(entries), builder, NullSink(), mode=case.get("dir_mode", 0),
                             mtime=mtime, fanout=case.get("fanout", 256))  # type: ignore[arg-type]
    assert str(built.cid) == case["cid"]
    assert built.tsize == case["size"]
    assert built.filesize == 0


@pytest.mark.parametrize("case", [c for c in FORCED if "fanout" not in c and "dir_mode" not in c],
                         ids=_case_id)
def test_js_vector_importer_sharding_enabled(case: dict) -> None:
    """kubo <= 0.10 with Experimental.ShardingEnabled shards every (non-empty) directory."""
    importer = Importer(_options(case, "0.10.0"), NullSink(), sharding_enabled=True)
    importer.add([_directory(case)])
    root = importer.events[-1]
    assert root.name == "shard"
    assert str(root.cid) == case["cid"]
    assert root.size == case["size"]


@pytest.mark.parametrize("kubo_version", ["0.11.0", "0.40.0"])
@pytest.mark.parametrize("case", AUTO, ids=lambda c: str(c["count"]))
def test_auto_sharding_interop(case: dict, kubo_version: str) -> None:
    """js hash-parity "go-ipfs auto-sharding interop": 1343 files stay basic, 1344 shard."""
    sink = DictSink()
    importer = Importer(_options(case, kubo_version), sink)
    importer.add([_directory(case, "rootDir")])
    root = importer.events[-1]
    assert root.name == "rootDir"
    assert str(root.cid) == case["cid"]
    assert root.size == case["size"]
    fsdata = unixfs_pb.decode(dagpb.decode(sink.get(root.cid)).data or b"")
    expected = DataType.HAMTShard if case["type"] == "hamt-sharded-directory" else DataType.Directory
    assert fsdata.type == expected


def _shard_with(count: int, fanout: int = 256, **kwargs) -> tuple[DictSink, Built, dict[str, Built]]:
    case = {"template": "entry-{i}", "count": count, "content": "name", "cid_version": 1,
            "raw_leaves": True}
    entries, builder = _leaves(case)
    sink = DictSink()
    built = hamt.build_shard(entries, builder, sink, fanout=fanout, **kwargs)
    return sink, built, dict(entries)


def _depth(sink: DictSink, block: bytes) -> int:
    node = dagpb.decode(block)
    subs = [link for link in node.links if len(link.name or "") == 2]
    return 1 + max((_depth(sink, sink.get(link.cid)) for link in subs), default=0)


@pytest.mark.parametrize("count,fanout", [(1, 256), (300, 256), (5000, 256), (200, 8)])
def test_round_trip(count: int, fanout: int) -> None:
    sink, root, entries = _shard_with(count, fanout)
    block = sink.get(root.cid)
    listed = list(hamt.iter_entries(sink.get, block))
    assert {name for name, _ in listed} == set(entries)
    for name, link in listed:
        assert link.name == name
        assert link.cid == entries[name].cid
        assert link.tsize == entries[name].tsize
    # depth-first in link (index) order is the order of the names' hashes
    assert [n for n, _ in listed] == sorted(entries, key=lambda n: hamt.hamt_hash(n.encode()))
    for name, built in entries.items():
        assert hamt.lookup(sink.get, block, name) == dagpb.PBLink(built.cid, name, built.tsize)
    misses = [f"missing-{i}" for i in range(200)]
    assert all(hamt.lookup(sink.get, block, name) is None for name in misses)
    # every shard node was stored, and the cumulative size adds up
    assert root.tsize == sum(len(b) for b in sink.blocks.values()) + sum(b.tsize for b in entries.values())


def test_sub_shards_nest() -> None:
    sink, root, _ = _shard_with(5000)
    assert _depth(sink, sink.get(root.cid)) >= 3


def test_lookup_misses_both_ways() -> None:
    sink, root, _ = _shard_with(300)
    block = sink.get(root.cid)
    shard = hamt.decode_shard(block)
    # a miss in an empty bucket and a miss on another entry's bucket both give None
    empty = occupied = None
    for i in range(10_000):
        name = f"absent-{i}"
        index = hamt.bucket_index(hamt.hamt_hash(name.encode()), 0, 8)
        link = shard.link_for(index)
        if link is None:
            empty = empty or name
        elif len(link.name or "") > 2:
            occupied = occupied or name
        if empty and occupied:
            break
    for name in (empty, occupied):
        assert name is not None and hamt.lookup(sink.get, block, name) is None


def test_insertion_order_does_not_matter() -> None:
    case = {"template": "n{i}", "count": 400, "content": "name", "cid_version": 0,
            "raw_leaves": False}
    entries, builder = _leaves(case)
    first = hamt.build_shard(entries, builder, NullSink())
    shuffled = list(entries)
    random.Random(7).shuffle(shuffled)
    assert hamt.build_shard(shuffled, builder, NullSink()).cid == first.cid
    # a repeated name keeps its last value, as Shard.Set overwrites
    other = entries[1][1]
    dup = entries + [(entries[0][0], other)]
    replaced = [(entries[0][0], other)] + entries[1:]
    assert hamt.build_shard(dup, builder, NullSink()).cid == \
        hamt.build_shard(replaced, builder, NullSink()).cid


def test_mode_and_mtime_on_root_only() -> None:
    sink, root, _ = _shard_with(3000, mode=0o750, mtime=(1700000000, 5))
    meta = unixfs_pb.decode(dagpb.decode(sink.get(root.cid)).data or b"")
    assert (meta.mode, meta.mtime) == (0o750, (1700000000, 5))
    subs = [cid for cid in sink.blocks if cid != root.cid]
    assert subs
    for cid in subs:
        fsdata = unixfs_pb.decode(dagpb.decode(sink.get(cid)).data or b"")
        assert fsdata.type == DataType.HAMTShard
        assert fsdata.mode is None and fsdata.mtime is None
        assert (fsdata.hash_type, fsdata.fanout) == (0x22, 256)


def test_shard_data_layout() -> None:
    # go-bitfield Bytes(): leading zero bytes stripped, absent when empty
    empty = hamt.build_shard([], CidBuilder(), NullSink())
    assert empty.parts == (bytes.fromhex("0a07080528223080 02".replace(" ", "")),)
    assert hamt.bitfield_bytes(1 << 255)[0] == 0x80 and len(hamt.bitfield_bytes(1 << 255)) == 32
    assert hamt.bitfield_bytes(1 << 3) == b"\x08"
    assert hamt.link_prefix(10, 256) == "0A"
    assert hamt.link_prefix(10, 1024) == "00A"
    assert hamt.link_prefix(5, 8) == "5"
    assert list(hamt.iter_entries(lambda cid: b"", empty.parts[0])) == []


@pytest.mark.parametrize("fanout", [0, 4, 12, 100, 2048])
def test_build_rejects_bad_fanout(fanout: int) -> None:
    from fakeipfs.errors import InvalidArgument
    with pytest.raises(InvalidArgument):
        hamt.build_shard([], CidBuilder(), NullSink(), fanout=fanout)


# --- malformed shards -----------------------------------------------------------------------

_LEAF = CID.decode("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")


def _block(links: list[dagpb.PBLink], data: Optional[bytes], fanout: Optional[int] = 256,
           hash_type: Optional[int] = 0x22, kind: DataType = DataType.HAMTShard) -> bytes:
    fsdata = FSData(kind, data=data, hash_type=hash_type, fanout=fanout)
    return dagpb.encode(dagpb.PBNode(tuple(links), fsdata.encode()))


@pytest.mark.parametrize("block", [
    pytest.param(dagpb.encode(dagpb.PBNode((), FSData(DataType.Directory).encode())), id="basic-dir"),
    pytest.param(_block([], None, hash_type=0x12), id="hash-type"),
    pytest.param(_block([], None, hash_type=None), id="no-hash-type"),
    pytest.param(_block([], None, fanout=None), id="no-fanout"),
    pytest.param(_block([], None, fanout=100), id="fanout-not-power-of-2"),
    pytest.param(_block([], None, fanout=4), id="fanout-not-multiple-of-8"),
    pytest.param(_block([], None, fanout=2048), id="fanout-too-wide"),
    pytest.param(_block([], b"\x01" * 33), id="bitfield-too-long"),
    pytest.param(_block([], b"\x01"), id="bit-without-link"),
    pytest.param(_block([dagpb.PBLink(_LEAF, "00a", 1)], None), id="link-without-bit"),
    pytest.param(_block([dagpb.PBLink(_LEAF, "00a", 1), dagpb.PBLink(_LEAF, "01b", 1)], b"\x01"),
                 id="fewer-bits-than-links"),
    pytest.param(b"\xff\xff", id="not-dag-pb"),
    pytest.param(dagpb.encode(dagpb.PBNode(())), id="no-data"),
])
def test_malformed_shard_rejected(block: bytes) -> None:
    with pytest.raises(DecodeError):
        list(hamt.iter_entries(lambda cid: b"", block))
    with pytest.raises(DecodeError):
        hamt.lookup(lambda cid: b"", block, "x")


def test_malformed_links_rejected() -> None:
    short = _block([dagpb.PBLink(_LEAF, "0", 1)], b"\x01")
    with pytest.raises(DecodeError, match="invalid link name"):
        list(hamt.iter_entries(lambda cid: b"", short))
    # a sub-shard link must point at a dag-pb shard node
    raw_sub = _block([dagpb.PBLink(_LEAF, "00", 1)], b"\x01")
    with pytest.raises(DecodeError, match="expected protobuf dag node"):
        list(hamt.iter_entries(lambda cid: b"", raw_sub))
    basic = dagpb.encode(dagpb.PBNode((), FSData(DataType.Directory).encode()))
    basic_cid = CidBuilder(1).cid(DAG_PB, basic)
    dir_sub = _block([dagpb.PBLink(basic_cid, "00", 1)], b"\x01")
    with pytest.raises(DecodeError, match="not a dir shard"):
        list(hamt.iter_entries(lambda cid: basic, dir_sub))
    # lookup walks into the broken sub-shard too when the name hashes to its bucket
    name = next(f"n{i}" for i in range(10_000)
                if hamt.bucket_index(hamt.hamt_hash(f"n{i}".encode()), 0, 8) == 0)
    with pytest.raises(DecodeError):
        hamt.lookup(lambda cid: basic, dir_sub, name)


def test_shard_deeper_than_the_hash_is_rejected() -> None:
    """A store that answers every sub-shard with the same node must not loop forever."""
    loop_cid = CidBuilder(1).cid(DAG_PB, b"loop")
    looping = _block([dagpb.PBLink(loop_cid, "00", 1)], b"\x01")
    with pytest.raises(DecodeError, match="sharded directory too deep"):
        list(hamt.iter_entries(lambda cid: looping, looping))
