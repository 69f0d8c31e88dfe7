"""Blockstores: keyed by multihash, or by the whole CID as before kubo 0.12
(docs/changelogs/v0.12.md), identity CIDs never stored (boxo blockstore/idstore.go), and the
flatfs layout of kubo's default datastore (config/init.go ``/repo/flatfs/shard/v1/next-to-last/2``).
"""
from __future__ import annotations

import hashlib
import os

import pytest
from multiformats import CID

from fakeipfs.blockstore import FlatfsBlockstore, MemoryBlockstore
from fakeipfs.blockstore import flatfs as flatfs_module
from fakeipfs.errors import NotFound

DATA = b"dsadsad\n"
V0 = CID.decode("QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna")  # dag-pb v0 of DATA
V1_PB = V0.set(version=1, base="base32")
V1_RAW = CID("base32", 1, "raw", V0.digest)
IDENTITY = CID("base32", 1, "raw", b"\x00\x05hello")
EMPTY_DIR = CID.decode("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn")
EMPTY_DIR_BLOCK = bytes.fromhex("0a020801")


@pytest.fixture(params=["memory", "flatfs"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryBlockstore()
    return FlatfsBlockstore(tmp_path / "blocks")


@pytest.fixture(params=["memory", "flatfs"])
def cid_store(request, tmp_path):
    """Keyed as go-ipfs-blockstore v0.2 keys (kubo < 0.12): ``dshelp.CidToDsKey(c)``."""
    if request.param == "memory":
        return MemoryBlockstore(cid_keys=True)
    return FlatfsBlockstore(tmp_path / "blocks", cid_keys=True)


def test_v0_and_v1_of_the_same_bytes_are_one_block(store) -> None:
    assert hashlib.sha256(DATA).digest() == bytes(V0.raw_digest)
    store.put(V0, DATA)
    for cid in (V0, V1_PB, V1_RAW):
        assert store.has(cid)
        assert store.get(cid) == DATA
        assert store.size(cid) == len(DATA)
    store.put(V1_RAW, DATA)
    assert store.stat() == (1, len(DATA))
    assert list(store.keys()) == [V1_RAW]
    assert str(next(store.keys())) == "bafkreiatrjkbyc7fz4ain4lpdv7els2cr7h55bjzrg6pg2oo2sf47hmmum"


def test_identity_cids_are_never_stored(store) -> None:
    store.put(IDENTITY, b"hello")
    store.put_parts(IDENTITY, (b"hel", b"lo"))
    assert store.stat() == (0, 0)
    assert list(store.keys()) == []
    assert store.has(IDENTITY)
    assert store.get(IDENTITY) == b"hello"
    assert store.size(IDENTITY) == 5


def test_missing_block_is_kubos_offline_error(store) -> None:
    with pytest.raises(NotFound) as info:
        store.get(V0)
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {V0}"
    with pytest.raises(NotFound) as info:
        store.size(V1_PB)
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {V1_PB}"
    assert not store.has(V0)


def test_put_parts_joins_once(store) -> None:
    store.put_parts(V0, (b"dsa", b"", b"dsad\n"))
    assert store.get(V1_RAW) == DATA


def test_delete(store) -> None:
    store.put(V0, DATA)
    assert store.delete(V1_RAW) is True
    assert store.delete(V0) is False
    assert not store.has(V0)
    assert store.stat() == (0, 0)
    with pytest.raises(NotFound):
        store.get(V0)


def test_stat_counts_blocks_and_bytes(store) -> None:
    store.put(V0, DATA)
    store.put(EMPTY_DIR, EMPTY_DIR_BLOCK)
    store.put(V1_PB, DATA)  # same multihash: no new block
    assert store.stat() == (2, len(DATA) + 4)
    assert {str(c) for c in store.keys()} == {
        str(V1_RAW), str(EMPTY_DIR.set(version=1, codec="raw", base="base32"))}
    assert set(store.multihashes()) == {bytes(V0.digest), bytes(EMPTY_DIR.digest)}


# --- keyed by the whole CID (kubo < 0.12) ---------------------------------------------------------


def test_before_0_12_each_cid_of_the_same_bytes_is_its_own_block(cid_store) -> None:
    cid_store.put(V0, DATA)
    assert cid_store.has(V0) and not cid_store.has(V1_PB) and not cid_store.has(V1_RAW)
    with pytest.raises(NotFound) as info:
        cid_store.get(V1_RAW)
    assert str(info.value) == f"block was not found locally (offline): ipld: could not find {V1_RAW}"
    cid_store.put_parts(V1_RAW, (b"dsa", b"dsad\n"))
    cid_store.put(V1_PB, DATA)
    assert cid_store.stat() == (3, 3 * len(DATA))
    # AllKeysChan: dshelp.DsKeyToCid, cid.Cast (a 34-byte sha2-256 multihash is a CIDv0)
    assert sorted(str(c) for c in cid_store.keys()) == sorted(str(c) for c in (V0, V1_PB, V1_RAW))
    assert sorted(cid_store.multihashes()) == [bytes(V0.digest)] * 3
    assert cid_store.get_parts(V1_RAW) in ((b"dsa", b"dsad\n"), (DATA,))
    assert cid_store.delete(V1_RAW) is True
    assert cid_store.get(V0) == cid_store.get(V1_PB) == DATA and not cid_store.has(V1_RAW)


def test_identity_cids_are_never_stored_before_0_12_either(cid_store) -> None:
    cid_store.put(IDENTITY, b"hello")
    assert cid_store.stat() == (0, 0) and cid_store.get(IDENTITY) == b"hello"


def test_flatfs_before_0_12_names_files_by_the_whole_cid(tmp_path) -> None:
    """go-ipfs-ds-help v0.1.1 ``CidToDsKey``: ``base32.RawStdEncoding`` of ``Cid.Bytes()``; a
    CIDv0's bytes are its multihash, so its file is the same as from 0.12 (no migration needed,
    docs/changelogs/v0.12.md)."""
    root = tmp_path / "blocks"
    store = FlatfsBlockstore(root, cid_keys=True)
    store.put(EMPTY_DIR, EMPTY_DIR_BLOCK)
    store.put(EMPTY_DIR.set(version=1, base="base32"), EMPTY_DIR_BLOCK)
    # the base32 CIDv1 without its multibase "b", upper-cased; shard: the 2 characters before the last
    v1 = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"  # the empty directory
    v1_name = v1[1:].upper()
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.data"))
    assert files == [f"35/{v1_name}.data", "X3/CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y.data"]
    reopened = FlatfsBlockstore(root, cid_keys=True)
    assert sorted(str(c) for c in reopened.keys()) == sorted([str(EMPTY_DIR), v1])


# --- flatfs -------------------------------------------------------------------------------------


def test_flatfs_layout(tmp_path) -> None:
    """go-ds-flatfs next-to-last/2: blocks/<2 chars before the last>/<BASE32 multihash>.data."""
    root = tmp_path / "blocks"
    store = FlatfsBlockstore(root)
    assert (root / "SHARDING").read_text() == "/repo/flatfs/shard/v1/next-to-last/2\n"
    store.put(EMPTY_DIR, EMPTY_DIR_BLOCK)
    # kubo test/cli/repo_verify_test.go:22 emptyDirFlatfsFilename
    path = root / "X3" / "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y.data"
    assert path.read_bytes() == EMPTY_DIR_BLOCK
    # kubo test/sharness/t0087-repo-robust-gc.sh:104-107 (bytes are not checked by the layout)
    for cid, rel in [("QmdNm2i5YeSuFN4SeeuJMUU4v9BRnqYGWoF8CTggY2yr62",
                      "U5/CIQN62M4YVUXIIJYGHNISR7NYPNNFWCB2VMFFR5IVPECASFAIKD3U5Y.data"),
                     ("QmbEBRZ2tKn5PFJPeix4fjQ4PbKYHwQ5zjsN3NGUCsiB7F",
                      "G6/CIQL674X5ZST3LBHCQEI7XFQU3KCDTQ2VZ2VROXTMXZD52ZR25R6G6Q.data")]:
        store.put(CID.decode(cid), b"leaf")
        assert (root / rel).read_bytes() == b"leaf"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == ["G6/CIQL674X5ZST3LBHCQEI7XFQU3KCDTQ2VZ2VROXTMXZD52ZR25R6G6Q.data", "SHARDING",
                     "U5/CIQN62M4YVUXIIJYGHNISR7NYPNNFWCB2VMFFR5IVPECASFAIKD3U5Y.data",
                     "X3/CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y.data"]


def test_flatfs_v1_key_is_the_multihash_not_the_cid(tmp_path) -> None:
    root = tmp_path / "blocks"
    FlatfsBlockstore(root).put(EMPTY_DIR.set(version=1, base="base32"), EMPTY_DIR_BLOCK)
    assert (root / "X3" / "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y.data").exists()


def test_flatfs_identity_writes_no_file(tmp_path) -> None:
    root = tmp_path / "blocks"
    FlatfsBlockstore(root).put(IDENTITY, b"hello")
    assert sorted(p.name for p in root.rglob("*")) == ["SHARDING"]


def test_flatfs_persists_across_reopen(tmp_path) -> None:
    root = tmp_path / "blocks"
    first = FlatfsBlockstore(root)
    first.put(V0, DATA)
    first.put(EMPTY_DIR, EMPTY_DIR_BLOCK)
    second = FlatfsBlockstore(root)
    assert second.get(V1_RAW) == DATA
    assert second.get(EMPTY_DIR) == EMPTY_DIR_BLOCK
    assert second.stat() == (2, len(DATA) + 4)
    assert (root / "SHARDING").read_text() == "/repo/flatfs/shard/v1/next-to-last/2\n"
    assert second.delete(V0) is True
    assert not FlatfsBlockstore(root).has(V0)


def test_flatfs_reads_blocks_written_by_kubo(tmp_path) -> None:
    """A block file dropped into place (as kubo's flatfs writes it) is found and listed."""
    root = tmp_path / "blocks"
    (root / "X3").mkdir(parents=True)
    (root / "X3" / "CIQFTFEEHEDF6KLBT32BFAGLXEZL4UWFNWM4LFTLMXQBCERZ6CMLX3Y.data").write_bytes(EMPTY_DIR_BLOCK)
    store = FlatfsBlockstore(root)
    assert store.get(EMPTY_DIR) == EMPTY_DIR_BLOCK
    assert list(store.keys()) == [EMPTY_DIR.set(version=1, codec="raw", base="base32")]


def test_flatfs_write_is_atomic(tmp_path, monkeypatch) -> None:
    """A crash between writing and renaming leaves neither a partial block nor a temp file."""
    root = tmp_path / "blocks"
    store = FlatfsBlockstore(root)

    def crash(src, dst):
        raise OSError("simulated crash during rename")

    monkeypatch.setattr(flatfs_module.os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        store.put(EMPTY_DIR, EMPTY_DIR_BLOCK)
    monkeypatch.undo()
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == ["SHARDING"]
    assert not store.has(EMPTY_DIR)
    assert store.stat() == (0, 0)
    store.put(EMPTY_DIR, EMPTY_DIR_BLOCK)
    assert store.get(EMPTY_DIR) == EMPTY_DIR_BLOCK


def test_flatfs_ignores_temp_files(tmp_path) -> None:
    root = tmp_path / "blocks"
    store = FlatfsBlockstore(root)
    store.put(V0, DATA)
    shard = next(p for p in root.iterdir() if p.is_dir())
    (shard / ".put-leftover").write_bytes(b"partial")
    (shard / "README").write_bytes(b"not a block")
    assert store.stat() == (1, len(DATA))


def test_flatfs_existing_block_is_not_rewritten(tmp_path, monkeypatch) -> None:
    root = tmp_path / "blocks"
    store = FlatfsBlockstore(root)
    store.put(V0, DATA)
    calls = []
    monkeypatch.setattr(flatfs_module.os, "replace", lambda *a: calls.append(a))
    store.put(V1_RAW, DATA)
    store.put_parts(V1_PB, (DATA,))
    assert calls == []
    assert os.path.getsize(next(root.rglob("*.data"))) == len(DATA)
