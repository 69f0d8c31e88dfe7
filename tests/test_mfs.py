"""The MFS model (fakeipfs.mfs): go-mfs v0.1.2 as kubo 0.7.0's ``ipfs files`` drives it.

CIDs are kubo's own: test/sharness/t0250-files-api.sh at v0.7.0 (ROOT/CATS/FILE/TRUNC and
SHARD hashes), py-ipfs-http-client test/functional/test_files.py (TEST_MFS_FILES) and
ipfs/kubo#5024. Messages are checked word for word against files.go and go-mfs.
"""
from __future__ import annotations

import io
import threading

import pytest

from fakeipfs import Node, mfs
from fakeipfs.codecs import dagpb, unixfs_pb
from fakeipfs.codecs.unixfs_pb import DataType, FSData
from fakeipfs.errors import IPFSError
from fakeipfs.hashing import DAG_PB, CidBuilder
from fakeipfs.unixfs.files import Directory, File

EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
EMPTY_DIR_RAW = "bafkreiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"  # its store key from 0.12
PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"  # t0040-add-and-cat.sh


def _fs(node: Node = None) -> mfs.MFS:
    return mfs.of(node or Node())


def _read(m: mfs.MFS, path: str, **kw) -> bytes:
    return b"".join(m.read(path, **kw))


def _error(fn, *args, **kwargs) -> str:
    with pytest.raises(IPFSError) as info:
        fn(*args, **kwargs)
    return info.value.message


# --- kubo's vectors ---------------------------------------------------------------------------

def test_root_starts_as_the_empty_directory_and_is_one_per_node():
    node = Node()
    assert str(mfs.of(node).root_cid()) == EMPTY_DIR
    assert mfs.of(node) is mfs.of(node)
    assert node.blockstore.has(mfs.of(node).root_cid())
    assert mfs.of(node).ls("/") == (True, [])


def test_write_uses_the_trickle_layout_with_raw_leaves():
    """py-ipfs-http-client TEST_MFS_FILES: 15 bytes -> one UnixFS Raw leaf under a File root."""
    m = _fs()
    m.write("/test_file1", b"oooofiopfsdpio\n", create=True)
    stat = m.stat("/test_file1")
    assert (str(stat.cid), stat.size, stat.cumulative_size, stat.blocks, stat.type) == (
        "QmUvobKqcCE56brA8pGTRRRsGy2SsDEKSxFLZkBQFv7Vvv", 15, 73, 1, "file")
    assert _read(m, "/test_file1") == b"oooofiopfsdpio\n"


def test_write_of_hello_world_matches_kubo_issue_5024():
    m = _fs()
    m.write("/hello.txt", b"Hello, World!\n", create=True)
    root = m.stat("/hello.txt").cid
    assert str(root) == "QmPbFXUdgtyrCjExNAjugJTro6Lx4GG4MuvXTiHcZQkiif"
    node = dagpb.decode(m.node.blockstore.get(root))
    assert node.data == bytes.fromhex("0802180e200e")
    assert [(str(link.cid), link.tsize) for link in node.links] == [
        ("Qmd8q2S2ByCjpRxQvYNrHhC3C6oZ9N9CEbtCxnwakgw6ea", 22)]


def _files_api(m: mfs.MFS, files: list[str], args: dict, raw: dict) -> tuple[str, str, str, str]:
    """t0250-files-api.sh ``test_files_api``; returns ROOT, CATS, FILE and TRUNC hashes."""
    file1, file2, file3 = files
    m.mkdir("/cats", **args)
    assert [e.name for e in m.ls("/")[1]] == ["cats"]
    before = m.root_cid()
    assert _error(m.mkdir, "/", **args) == "cannot create directory '/': Already exists"
    assert m.root_cid() == before
    m.cp("/ipfs/" + file1, "/cats/file1")
    assert m.ls("/cats", long=True)[1] == [mfs.Listing("file1", 0, 4, m.node.resolve(file1))]
    assert m.ls("/cats/file1", long=True)[1] == [mfs.Listing("file1", 0, 4, m.node.resolve(file1))]
    assert m.ls("/cats/file1")[1] == [mfs.Listing("file1", 0, 0, None)]
    stat = m.stat("/cats/file1")
    assert (str(stat.cid), stat.size, stat.blocks, stat.type) == (file1, 4, 0, "file")
    assert _read(m, "/cats/file1") == b"foo\n"
    m.cp("/ipfs/" + file2, "/file2")
    assert sorted(e.name for e in m.ls("/")[1]) == ["cats", "file2"]
    m.mkdir("/cats/this/is/a/dir", parents=True, **args)
    assert [e.name for e in m.ls("/cats/this/is/a")[1]] == ["dir"]
    this = m.stat("/cats/this").cid
    assert [e for e in m.ls("/cats", long=True)[1] if e.name == "this"] == [
        mfs.Listing("this", 1, 0, this)]
    m.cp("/ipfs/" + file3, "/cats/this/is/a/dir/file3")
    assert _read(m, "/cats/this/is/a/dir/file3") == b"baz\n"
    m.rm("/cats/this/is/a/dir/file3")
    m.rm("/cats/this/is/a/dir", recursive=True)
    m.rm("/file2")
    assert [e.name for e in m.ls("/")[1]] == ["cats"]
    before = m.root_cid()
    assert _error(m.rm, "/", recursive=True) == "cannot delete root"
    assert m.root_cid() == before
    assert _read(m, "/cats/file1", offset=1) == b"oo\n"
    assert _read(m, "/cats/file1", count=2) == b"fo"
    assert _read(m, "/cats/file1", offset=2) == b"o\n"
    assert _error(m.read, "/cats/file1", offset=5) == "offset was past end of file (5 > 4)"
    assert _read(m, "/cats/file1", count=0) == b""
    assert _read(m, "/cats/file1", count=200) == b"foo\n"
    m.write("/cats/ipfs", b"ipfs rocks\n", create=True, **args, **raw)
    m.write("/cats/ipfs", b"is super cool\n", offset=5, **args, **raw)
    assert _read(m, "/cats/ipfs") == b"ipfs is super cool\n"
    file_hash = str(m.stat("/cats/ipfs").cid)
    assert _error(m.write, "/cats/ipfs", b"x", offset=-1, **args, **raw) == \
        "cannot have negative write offset"
    assert str(m.stat("/cats/ipfs").cid) == file_hash
    m.write("/fun", b"foobar\n", create=True, **args, **raw)
    m.write("/fun", b"blah\n", offset=50, **args, **raw)
    assert _read(m, "/fun") == b"foobar\n" + bytes(43) + b"blah\n"
    m.rm("/fun")
    cats = m.stat("/cats").cid
    assert _error(m.write, "/cats", b"x", **args, **raw) == "/cats was not a file"
    assert _error(m.write, "/cats/bar/", b"x", **args, **raw) == "file does not exist"
    assert m.stat("/cats").cid == cats
    m.write("/cats/walrus", b"testing\n", create=True, flush=False, **args, **raw)
    root_hash, cats_hash = str(m.stat("/").cid), str(m.stat("/cats").cid)
    assert m.flush("/") == m.root_cid()
    m.mv("/cats/this/is", "/cats/")
    m.mv("/cats/is", "/")
    m.mv("/is", "/cats")
    assert sorted(e.name for e in m.ls("/cats")[1]) == ["file1", "ipfs", "is", "this", "walrus"]
    assert m.ls("/cats/this")[1] == []
    m.rm("/cats", recursive=True)
    m.write("/cats", b"some content\n", create=True, **args, **raw)
    m.write("/cats", b"fish\n", truncate=True, **args, **raw)
    assert _read(m, "/cats") == b"fish\n"
    trunc_hash = str(m.stat("/cats").cid)
    m.rm("/cats")
    m.mkdir("/flushed/deep", parents=True, **args)
    m.mkdir("/flushed/deep", parents=True, **args)
    assert [e.name for e in m.ls("/flushed")[1]] == ["deep"]
    m.rm("/flushed", recursive=True)
    m.mkdir("/test_dir", **args)
    m.rm("/test_dir", recursive=True)
    m.write("/test_file", b"content\n", create=True, **args, **raw)
    m.cp("/test_file", "/test_dir")
    assert m.stat("/test_dir").type == "file"
    m.rm("/test_dir", recursive=True)
    m.rm("/test_file", recursive=True)
    m.mkdir("/adir", **args)
    m.write("/foobar", b"blah\n", create=True, **args, **raw)
    m.cp("/foobar", "/adir/")
    assert [e.name for e in m.ls("/adir")[1]] == ["foobar"]
    assert _error(m.write, "/parents/foo/ipfs.txt", b"ipfs rocks\n", create=True) == \
        "file does not exist"
    m.write("/parents/foo/bar/baz/ipfs.txt", b"ipfs rocks\n", create=True, parents=True)
    m.write("/parents/foo/bar/baz/qux/quux/garply/ipfs.txt", b"ipfs rocks\n", create=True,
            parents=True)
    m.write("/parents/foo/bar/baz/qux/quux/garply/ipfs2.txt", b"ipfs rocks\n", create=True,
            parents=True)
    assert m.stat("/parents/foo/bar/baz/qux/quux/garply/ipfs2.txt").type == "file"
    for path in ("/foobar", "/adir", "/parents"):
        m.rm(path, recursive=True)
    assert m.ls("/")[1] == []
    m.write("/forcibly", b"hello world\n", create=True)
    m.rm("/forcibly", force=True)
    m.mkdir("/forcibly-dir")
    m.rm("/forcibly-dir", force=True)
    m.rm("/nonexistant", force=True)
    m.rm("/deeply/nonexistant", force=True)
    assert m.ls("/")[1] == []
    return root_hash, cats_hash, file_hash, trunc_hash


def test_sharness_files_api_hashes():
    """t0250-files-api.sh ``tests_for_files_api "offline"`` at v0.7.0, every variant in order."""
    node = Node()
    m = mfs.of(node)

    def create_files(**options) -> list[str]:
        return [str(node.add(data, **options)[-1].cid) for data in (b"foo\n", b"bar\n", b"baz\n")]

    files = create_files()
    assert _files_api(m, files, {}, {}) == (
        "QmcwKfTMCT7AaeiD92hWjnZn9b6eh9NxnhfSzN5x2vnDpt", "Qma88m8ErTGkZHbBWGqy1C7VmEmX8wwNDWNpGyCaNmEgwC",
        "QmQdQt9qooenjeaNhiKHF3hBvmNteB4MQBtgu3jxgf9c7i", "QmPVnT9gocPbqzN4G6SMp8vAPyzcjDbUJrNdKgzQquuDg4")
    files = create_files(raw_leaves=True)
    assert _files_api(m, files, {}, {})[:2] == (  # partial raw-leaves
        "QmTpKiKcAj4sbeesN6vrs5w3QeVmd4QmGpxRL81hHut4dZ", "QmPhPkmtUGGi8ySPHoPu1qbfryLJKKq1GYxpgLyyCruvGe")
    assert _files_api(m, files, {}, {"raw_leaves": True}) == (
        "QmW3dMSU6VNd1mEdpk9S3ZYRuR1YwwoXjGaZhkyK6ru9YU", "QmPqWDEg7NoWRX8Y4vvYjZtmdg5umbfsTQ9zwNr12JoLmt",
        "QmRCgHeoKxCqK2Es6M6nPUDVWz19yNQPnsXGsXeuTkSKpN", "QmckstrVxJuecVD1FHUiURJiU9aPURZWJieeBVHJPACj8L")
    cidv1 = ("bafybeig4cpvfu2qwwo3u4ffazhqdhyynfhnxqkzvbhrdbamauthf5mfpuq",
             "bafybeibkrazpbejqh3qun7xfnsl7yofl74o4jwhxebpmtrcpavebokuqtm",
             "bafybeigwhb3q36yrm37jv5fo2ap6r6eyohckqrxmlejrenex4xlnuxiy3e")
    assert _files_api(m, files, {"cid_version": 1}, {}) == (
        "QmageRWxC7wWjPv5p36NeAgBAiFdBHaNfxAehBSwzNech2", *cidv1)
    m.chcid("/", cid_version=1)
    assert str(m.stat("/").cid) == "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
    assert _files_api(m, files, {}, {}) == (
        "bafybeifxnoetaa2jetwmxubv3gqiyaknnujwkkkhdeua63kulm63dcr5wu", *cidv1)
    m.chcid("/", hash="blake2b-256")
    assert str(m.stat("/").cid) == "bafykbzacebugfutjir6qie7apo5shpry32ruwfi762uytd5g3u2gk7tpscndq"
    assert _files_api(m, files, {}, {}) == (
        "bafykbzaceb6jv27itwfun6wsrbaxahpqthh5be2bllsjtb3qpmly3vji4mlfk",
        "bafykbzacebhpn7rtcjjc5oa4zgzivhs7a6e2tq4uk4px42bubnmhpndhqtjig",
        "bafykbzaceca45w2i3o3q3ctqsezdv5koakz7sxsw37ygqjg4w54m2bshzevxy",
        "bafykbzaceadeu7onzmlq7v33ytjpmo37rsqk2q6mzeqf5at55j32zxbcdbwig")
    m.chcid("/", cid_version=0)
    assert str(m.root_cid()) == EMPTY_DIR


@pytest.mark.parametrize("args, shard_hash", [
    ({}, "QmPkwLJTYZRGPJ8Lazr9qPdrLmswPtUjaDbEpmR9jEh1se"),
    ({"cid_version": 1}, "bafybeib46tpawg2d2hhlmmn2jvgio33wqkhlehxrem7wbfvqqikure37rm"),
])
def test_sharness_sharding_hashes(args, shard_hash):
    """t0250 ``test_sharding`` with Experimental.ShardingEnabled (kubo 0.7.0): a directory
    becomes a HAMT as soon as an entry is added to it."""
    m = _fs(Node(sharding_enabled=True))
    m.mkdir("/foo", **args)
    for i in range(100, 0, -1):
        m.write(f"/foo/file{i}", f"{i}\n".encode(), create=True)
    assert str(m.stat("/foo").cid) == shard_hash
    names = [e.name for e in m.ls("/foo")[1]]
    assert sorted(names) == sorted(f"file{i}" for i in range(1, 101)) and names != sorted(names)
    assert _read(m, "/foo/file65") == b"65\n"
    assert m.stat("/").type == "directory"
    assert unixfs_pb.decode(dagpb.decode(m.node.blockstore.get(m.root_cid())).data).type == \
        DataType.HAMTShard  # the root got an entry too
    m.rm("/foo", recursive=True)
    assert m.ls("/")[1] == []


def test_directories_match_add():
    """A directory assembled in MFS from added files is the directory ``add`` builds."""
    node = Node()
    m = mfs.of(node)
    mars = node.add(b"Hello Mars!\n")[-1].cid
    venus = node.add(b"Hello Venus!\n")[-1].cid
    m.mkdir("/planets")
    m.cp(f"/ipfs/{venus}", "/planets/venus.txt")
    m.cp(f"/ipfs/{mars}", "/planets/mars.txt")
    assert str(m.stat("/planets").cid) == PLANETS
    assert m.stat("/planets").cumulative_size == node.add(Directory("planets", [
        File.from_bytes("mars.txt", b"Hello Mars!\n"),
        File.from_bytes("venus.txt", b"Hello Venus!\n")]))[-1].size


def test_hamt_switches_by_size_from_0_11():
    """From 0.11 a directory is a HAMT exactly while its entries pass 256 KiB (estimated as
    name + CID bytes), as ``add`` decides; removing an entry can make it basic again."""
    node = Node(kubo_version="0.11.0")
    m = mfs.of(node)
    names = [f"{i:04d}" + "x" * 196 for i in range(1121)]  # 1121 * 234 bytes >= 256 KiB
    entries = [File.from_bytes(name, b"") for name in names]
    sharded = node.add(Directory("big", entries))[-1].cid
    basic = node.add(Directory("big", entries[:-1]))[-1].cid
    m.cp(f"/ipfs/{sharded}", "/big")
    assert m.stat("/big").cid == sharded
    m.rm("/big/" + names[-1])
    assert m.stat("/big").cid == basic
    m.cp(f"/ipfs/{node.add(b'')[-1].cid}", "/big/" + names[-1])
    assert m.stat("/big").cid == sharded


# --- commands, one by one ---------------------------------------------------------------------

def test_paths_must_be_absolute():
    m = _fs()
    assert _error(m.ls, "") == "paths must not be empty"
    for call in (lambda: m.ls("a"), lambda: m.stat("a"), lambda: m.mkdir("a"),
                 lambda: m.cp("/a", "b"), lambda: m.mv("a", "/b"), lambda: m.rm("a"),
                 lambda: m.read("a"), lambda: m.write("a", b"")):
        assert _error(call) == "paths must start with a leading slash"
    assert mfs.check_path("/a//b/../c/") == "/a/c/"
    assert mfs.check_path("/") == "/"


def test_lookup_errors():
    m = _fs()
    m.write("/f", b"x", create=True)
    assert _error(m.ls, "/missing") == "file does not exist"
    assert _error(m.stat, "/f/x/y") == "cannot access f/x: Not a directory"
    assert _error(m.read, "/") == "/ was not a file"


def test_mkdir():
    m = _fs()
    assert _error(m.mkdir, "/a/b") == "file does not exist"
    m.mkdir("/a/b/", parents=True)
    assert _error(m.mkdir, "/a/b") == "file already exists"
    m.mkdir("/a/b", parents=True)  # no error with -p
    m.write("/a/f", b"x", create=True)
    assert _error(m.mkdir, "/a/f", parents=True) == "file already exists"
    # go-mfs names the path *before* the offending element
    assert _error(m.mkdir, "/a/f/g/h", parents=True) == "a was not a directory"
    m.mkdir("/", parents=True)
    before = m.stat("/a").cid
    m.mkdir("/a", parents=True, cid_version=1)  # -p on an existing directory re-encodes it
    assert m.stat("/a").cid.version == 1 and m.stat("/a").cid != before
    assert m.stat("/a/b").cid.version == 0
    m.mkdir("/a/v1/c", parents=True)  # new directories inherit their parent's prefix
    assert m.stat("/a/v1/c").cid.version == 1
    assert _error(m.mkdir, "/z", hash="nope") == "unrecognized hash function: nope"
    assert _error(m.mkdir, "/z", cid_version=2) == "unknown CID version: 2"
    m.mkdir("/h", hash="sha2-512")  # --hash implies CIDv1
    assert (m.stat("/h").cid.version, m.stat("/h").cid.hashfun.name) == (1, "sha2-512")


def test_cp():
    node = Node()
    m = mfs.of(node)
    cid = node.add(b"hello\n")[-1].cid
    m.cp(f"/ipfs/{cid}", "/a")
    m.mkdir("/d")
    m.cp("/a", "/d/")  # a trailing slash appends the source's name
    assert m.stat("/d/a").cid == cid
    assert _error(m.cp, "/a", "/d/a") == \
        "cp: cannot put node in path /d/a: directory already has entry by that name"
    assert _error(m.cp, "/missing", "/b") == \
        "cp: cannot get node from path /missing: file does not exist"
    assert _error(m.cp, "/a", "/a/b") == "cp: cannot put node in path /a/b: /a/ is not a directory"
    m.cp(f"/ipfs/{cid}/", "/c")
    assert m.stat("/c").cid == cid
    m.cp("/d", "/e")  # directories too
    assert m.stat("/e").cid == m.stat("/d").cid
    assert m.stat(f"/ipfs/{cid}").cid == cid  # stat reads /ipfs/ paths too


def test_cp_of_a_non_unixfs_node():
    node = Node()
    m = mfs.of(node)
    cbor = node.dag_put(b'{"a": 1}')
    assert _error(m.stat, f"/ipfs/{cbor}") == "not unixfs node (proto or raw)"
    # the entry is added, then the flush fails to load it
    assert _error(m.cp, f"/ipfs/{cbor}", "/c") == \
        "cp: cannot flush the created file /c: unrecognized node type in cache node"
    m.cp(f"/ipfs/{cbor}", "/c2", flush=False)
    assert m.ls("/")[1][:1] == [mfs.Listing("c", 0, 0, None)]
    assert _error(m.ls, "/", long=True) == "unrecognized node type in cache node"


def test_mv():
    m = _fs()
    m.mkdir("/d")
    m.write("/a", b"a", create=True)
    m.write("/b", b"b", create=True)
    a = m.stat("/a").cid
    m.mv("/a", "/b")  # onto a file: replaces it
    assert [e.name for e in m.ls("/")[1]] == ["b", "d"] and m.stat("/b").cid == a
    m.mv("/b", "/d")  # onto a directory: moves into it
    assert [e.name for e in m.ls("/d")[1]] == ["b"]
    m.mv("/d/b", "/d/b")
    assert [e.name for e in m.ls("/d")[1]] == ["b"]
    assert _error(m.mv, "/nope", "/x") == "file does not exist"
    assert _error(m.mv, "/d/b", "/d/b/c") == "/d/b/ is not a directory"
    # go-mfs compares directory *names*: same-named directories keep the source
    m.mkdir("/p/a", parents=True)
    m.mkdir("/q/a", parents=True)
    m.write("/p/a/x", b"x", create=True)
    m.mv("/p/a/x", "/q/a/x")
    assert [e.name for e in m.ls("/p/a")[1]] == ["x"] and [e.name for e in m.ls("/q/a")[1]] == ["x"]
    # a directory moved onto itself lands inside itself, and the original entry is removed
    m.mv("/d", "/d")
    assert "d" not in [e.name for e in m.ls("/")[1]]


def test_rm():
    m = _fs()
    m.mkdir("/d/e", parents=True)
    m.write("/f", b"x", create=True)
    assert _error(m.rm, "/d") == "/d is a directory, use -r to remove directories"
    assert _error(m.rm, "/d/") == "/d is a directory, use -r to remove directories"
    assert _error(m.rm, "/nope") == "file does not exist"
    assert _error(m.rm, "/x/y") == "parent lookup: file does not exist"
    assert _error(m.rm, "/f/y") == \
        "parent lookup: expected *mfs.Directory, didn't get it. This is likely a race condition"
    assert _error(m.rm, "/") == "cannot delete root"
    # checkPath("//") is "//" (cleaned to "/", the trailing slash kept), so it is not the root
    assert _error(m.rm, "//") == "file does not exist"
    m.rm("/x/y", force=True)
    m.rm("/d", force=True)  # --force removes directories without -r
    m.rm("/f/")
    assert m.ls("/")[1] == []


def test_read():
    m = _fs()
    m.write("/f", b"0123456789", create=True)
    assert _read(m, "/f", offset=10) == b""
    assert _read(m, "/f", offset=3, count=4) == b"3456"
    assert _error(m.read, "/f", offset=-1) == "cannot specify negative offset"
    assert _error(m.read, "/f", offset=11) == "offset was past end of file (11 > 10)"
    assert _error(m.read, "/f", count=-1) == "cannot specify negative 'count'"


def _put_pb(node: Node, fsdata: FSData) -> str:
    block = dagpb.encode(dagpb.PBNode((), fsdata.encode()))
    cid = CidBuilder().cid(DAG_PB, block)
    node.blockstore.put(cid, block)
    return str(cid)


def test_symlinks_and_other_unixfs_types():
    node = Node()
    m = mfs.of(node)
    link = _put_pb(node, FSData(DataType.Symlink, data=b"target"))
    m.cp(f"/ipfs/{link}", "/l")
    assert m.ls("/", long=True)[1] == [mfs.Listing("l", 0, 6, node.resolve(link))]
    assert _error(m.stat, "/l") == "unrecognized node type: Symlink"
    assert _error(m.read, "/l") == "symlinks not yet supported"
    assert _error(m.write, "/l", b"x") == "symlinks not yet supported"
    meta = _put_pb(node, FSData(DataType.Metadata))
    m.cp(f"/ipfs/{meta}", "/m", flush=False)
    assert _error(m.stat, "/m") == "not yet implemented"
    raw_dagpb = str(CidBuilder().cid(DAG_PB, b""))
    node.blockstore.put(node.resolve(raw_dagpb), b"")
    m.cp(f"/ipfs/{raw_dagpb}", "/o", flush=False)  # dag-pb without UnixFS data
    assert _error(m.stat, "/o") == 'proto: required field "Type" not set'


def test_write_options():
    m = _fs()
    assert _error(m.write, "/f", b"x") == "file does not exist"
    m.write("/f", b"hello world", create=True, count=5)
    assert _read(m, "/f") == b"hello"
    m.write("/f", b"HE", offset=0)
    assert _read(m, "/f") == b"HEllo"
    m.write("/f", b"!!", offset=5)
    assert _read(m, "/f") == b"HEllo!!"
    m.write("/f", b"abc", truncate=True)
    assert _read(m, "/f") == b"abc"
    m.write("/f", b"z", truncate=True, offset=4)  # O_TRUNC then seek: zero padding
    assert _read(m, "/f") == b"\0\0\0\0z"
    m.write("/s", io.BytesIO(b"stream"), create=True)
    m.write("/e", File.from_bytes("", b"entry"), create=True, count=3)
    assert (_read(m, "/s"), _read(m, "/e")) == (b"stream", b"ent")
    # files.go checks the count only after opening (and creating) the file, then flushes it
    assert _error(m.write, "/new", b"x", create=True, count=-1) == "cannot have negative byte count"
    assert _read(m, "/new") == b""
    assert str(m.stat("/new").cid) == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"


def test_write_cid_options_and_sticky_raw_leaves():
    m = _fs()
    m.write("/v1", b"data", create=True, cid_version=1)
    root = dagpb.decode(m.node.blockstore.get(m.stat("/v1").cid))
    assert m.stat("/v1").cid.version == 1 and root.links[0].cid.codec.name == "raw"
    m.write("/f", b"a", create=True, raw_leaves=True)
    m.write("/f", b"b", offset=1)  # go-mfs's cached File keeps RawLeaves=true
    links = dagpb.decode(m.node.blockstore.get(m.stat("/f").cid)).links
    assert [link.cid.codec.name for link in links] == ["raw", "raw"]
    m.rm("/f")
    m.write("/f", b"a", create=True)
    m.write("/f", b"b", offset=1)
    links = dagpb.decode(m.node.blockstore.get(m.stat("/f").cid)).links
    assert [link.cid.codec.name for link in links] == ["dag-pb", "dag-pb"]


def test_stat_with_local():
    node = Node()
    m = mfs.of(node)
    cid = node.add(bytes(300_000))[-1].cid  # two leaves
    m.cp(f"/ipfs/{cid}", "/z")
    stat = m.stat("/z", with_local=True)
    assert (stat.local, stat.size_local) == (True, stat.cumulative_size)
    links = dagpb.decode(node.blockstore.get(cid)).links
    node.blockstore.delete(links[1].cid)
    stat = m.stat("/z", with_local=True)
    assert stat.local is False
    assert stat.size_local == len(node.blockstore.get(cid)) + len(node.blockstore.get(links[0].cid))


def test_flush_and_chcid():
    m = _fs()
    m.mkdir("/a/b", parents=True)
    assert m.flush() == m.root_cid()
    assert m.flush("a/b") == m.stat("/a/b").cid  # flush takes relative paths
    assert _error(m.flush, "/nope") == "file does not exist"
    m.write("/a/f", b"x", create=True)
    assert _error(m.chcid, "/a/f", cid_version=1) == "can only update directories"
    m.chcid("/a", cid_version=1)
    assert m.stat("/a").cid.version == 1 and m.stat("/a/b").cid.version == 0
    assert _error(m.chcid, "/nope") == "file does not exist"


def test_a_node_is_built_with_the_empty_root_stored():
    """core/node/core.go ``Files``: ``dag.Add(ft.EmptyDirNode())`` when the node is built,
    before any ``files`` command; not pinned."""
    for version, key in (("0.7.0", EMPTY_DIR), ("0.22.0", EMPTY_DIR_RAW)):
        node = Node(kubo_version=version)
        assert [str(c) for c in node.blockstore.keys()] == [key] and node.pin_ls() == {}
        assert node.block_get(EMPTY_DIR) == b"\x0a\x02\x08\x01"


def test_a_repo_stores_the_empty_root_until_mfs_has_published_another(tmp_path):
    """``Files`` stores the empty directory while the datastore has no ``/local/filesroot`` (at
    every start); once MFS has published a root, a start loads that one and stores nothing."""
    node = Node(repo=tmp_path)
    assert [str(c) for c in node.blockstore.keys()] == [EMPTY_DIR]
    assert [str(c) for c in Node(repo=tmp_path).blockstore.keys()] == [EMPTY_DIR]
    mfs.of(node).write("/f", b"x", create=True)
    assert EMPTY_DIR in {str(c) for c in node.repo_gc()}  # no longer the root
    again = Node(repo=tmp_path)
    assert EMPTY_DIR not in {str(c) for c in again.blockstore.keys()}
    assert _read(mfs.of(again), "/f") == b"x"


def test_root_survives_a_restart(tmp_path):
    m = mfs.of(Node(repo=tmp_path))
    m.write("/a/b", b"persist", create=True, parents=True)
    root = m.root_cid()
    again = mfs.of(Node(repo=tmp_path))
    assert again.root_cid() == root and _read(again, "/a/b") == b"persist"


def test_concurrent_writers():
    m = _fs()
    m.mkdir("/d")

    def work(i: int) -> None:
        for j in range(5):
            m.write(f"/d/f{i}-{j}", f"{i}-{j}".encode(), create=True)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(m.ls("/d")[1]) == 40
    assert _read(m, "/d/f7-4") == b"7-4"


def test_a_shard_keeps_its_fanout():
    """A HAMT copied into MFS stays a HAMT of its own width when an entry is added (0.7.0
    without sharding enabled)."""
    from fakeipfs.unixfs import hamt
    from fakeipfs.unixfs.dagbuilder import Built
    node = Node()
    m = mfs.of(node)
    leaf = node.add(b"x")[-1]
    shard = hamt.build_shard([(f"f{i}", Built(leaf.cid, leaf.size, 0, ())) for i in range(20)],
                             CidBuilder(), m.sink, fanout=64)
    m.cp(f"/ipfs/{shard.cid}", "/s")
    m.cp(f"/ipfs/{leaf.cid}", "/s/f20")
    expected = hamt.build_shard([(f"f{i}", Built(leaf.cid, leaf.size, 0, ())) for i in range(21)],
                                CidBuilder(), m.sink, fanout=64)
    assert m.stat("/s").cid == expected.cid
    assert len(m.ls("/s")[1]) == 21


def test_rm_wording_from_0_13():
    m = _fs(Node(kubo_version="0.13.0"))
    m.mkdir("/d")
    m.write("/f", b"x", create=True)
    assert _error(m.rm, "/d") == "path is a directory, use -r to remove directories"
    assert _error(m.rm, "/x/y") == "file does not exist"
    assert _error(m.rm, "/f/y") == \
        "expected *mfs.Directory, didn't get it. This is likely a race condition"


def test_go_file_mode_and_mod_time():
    """boxo FSNode.Mode / ModTime, as ``files stat`` reports them from 0.30."""
    assert mfs.go_file_mode(FSData(DataType.Directory, mode=0o755)) == (1 << 31) | 0o755
    assert mfs.go_file_mode(FSData(DataType.File, mode=0o4644)) == (1 << 23) | 0o644  # setuid
    assert mfs.go_file_mode(FSData(DataType.File, mode=0o1644)) == (1 << 20) | 0o644  # sticky
    assert mfs.go_file_mode(FSData(DataType.File, mode=0o100000)) == 0  # no permission bits
    assert mfs.go_mod_time(FSData(DataType.File, mtime=(5, None))) == (5, 0)
    assert mfs.go_mod_time(FSData(DataType.File, mtime=(5, 0))) is None  # nanos out of range
    node = Node(kubo_version="0.30.0")
    m = mfs.of(node)
    link = _put_pb(node, FSData(DataType.Symlink, data=b"t"))
    assert m.stat(f"/ipfs/{link}").type == "file"


def test_repo_gc_keeps_the_mfs_root_dag() -> None:
    """kubo core/corerepo/gc.go passes the MFS root to GC as a best-effort root."""
    from fakeipfs import Node
    node = Node(kubo_version="0.12.0")
    mfs.of(node).write("/kept.txt", b"kept by MFS", create=True)
    unpinned = node.add_bytes(b"nobody keeps this", pin=False).cid
    removed = {str(c) for c in node.repo_gc()}  # the first root, the empty directory, too
    assert {str(unpinned.set(version=1, codec="raw", base="base32")), EMPTY_DIR_RAW} <= removed
    assert b"".join(mfs.of(node).read("/kept.txt")) == b"kept by MFS"
    assert node.repo_gc() == []


def test_node_client_is_a_real_ipfshttpclient() -> None:
    from fakeipfs import Node
    node = Node()
    client = node.client()
    assert client.add_bytes(b"hello world") == "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"
    assert node.cat("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD") == b"hello world"
