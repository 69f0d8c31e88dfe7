"""/api/v0/refs and refs/local: kubo core/commands/refs.go (v0.7.0)."""
from __future__ import annotations

from multiformats import CID

import fakeipfs
from fakeipfs.unixfs.files import Directory, File

from .rpcutil import CHANNEL, MFS_ROOT, MFS_ROOT_RAW, error, post, values

SAME = b"same\n"
V0 = "QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna"  # dsadsad\n (ipfshttpclient test_block.py)
RAW = "bafkreiatrjkbyc7fz4ain4lpdv7els2cr7h55bjzrg6pg2oo2sf47hmmum"  # the same bytes, raw


def _tree(node: fakeipfs.Node) -> dict[str, str]:
    """root/{a: "same", b: "same", sub/{c: "same", d: "other"}}: shared leaf, two levels."""
    events = node.add(Directory("root", [
        File.from_bytes("a", SAME), File.from_bytes("b", SAME),
        Directory("sub", [File.from_bytes("c", SAME), File.from_bytes("d", b"other\n")])]))
    return {e.name: str(e.cid) for e in events}


def test_direct_refs_exact_bytes():
    node = fakeipfs.Node()
    cids = _tree(node)
    response = post(node, "refs", arg=[cids["root"]])
    assert (response.status, response.headers) == (200, CHANNEL)
    assert response.read_all() == b"".join(
        b'{"Ref":"' + cids[name].encode() + b'","Err":""}\n' for name in ("root/a", "root/b", "root/sub"))


def test_recursive_unique_depth_and_format():
    node = fakeipfs.Node()
    cids = _tree(node)
    root, same, sub, other = cids["root"], cids["root/a"], cids["root/sub"], cids["root/sub/d"]
    refs = lambda **opts: [v["Ref"] for v in values(post(node, "refs", arg=[root], **opts))]  # noqa: E731
    assert refs(recursive=True) == [same, same, sub, same, other]
    assert refs(recursive=True, unique=True) == [same, sub, other]
    assert refs(recursive=True, max_depth=1) == [same, same, sub]
    assert refs(recursive=True, max_depth=0) == []
    assert refs(edges=True) == [f"{root} -> {same}", f"{root} -> {same}", f"{root} -> {sub}"]
    assert refs(recursive=True, unique=True, format="<linkname>:<dst>") == [
        f"a:{same}", f"sub:{sub}", f"d:{other}"]
    assert refs(cid_base="base32")[2] == CID.decode(sub).set(version=1).encode("base32")
    assert error(post(node, "refs", arg=[root], edges=True, format="<src>")) == \
        "using format argument with edges is not allowed"


def test_unreadable_block_ends_that_root_only():
    node = fakeipfs.Node()
    cids = _tree(node)
    node.blockstore.delete(node.resolve(cids["root/sub"]))
    out = values(post(node, "refs", arg=[cids["root"], cids["root/a"]], recursive=True))
    assert out[:2] == [{"Ref": cids["root/a"], "Err": ""}] * 2
    assert out[2]["Ref"] == "" and cids["root/sub"] in out[2]["Err"]
    assert len(out) == 3  # a raw-less leaf has no links: the second root prints nothing


def test_local_lists_every_block_as_the_blockstore_keys_it():
    node = fakeipfs.Node()
    cids = _tree(node)
    local = values(post(node, "refs/local"))
    assert sorted(v["Ref"] for v in local) == sorted({MFS_ROOT, *cids.values()})
    assert all(v["Err"] == "" for v in local)
    # from 0.12 the blockstore is keyed by multihash: CIDv1 raw
    new = fakeipfs.Node(kubo_version="0.12.0")
    cids = _tree(new)
    assert sorted(v["Ref"] for v in values(post(new, "refs/local"))) == sorted(
        {MFS_ROOT_RAW, *(CID.decode(c).set(version=1, codec="raw").encode("base32") for c in cids.values())})


def test_local_lists_each_cid_of_the_same_bytes_before_0_12():
    """dshelp.CidToDsKey keys before 0.12: a CIDv0 and a raw CIDv1 of one block's bytes are two
    keys, both listed; from 0.12 one multihash, one raw CIDv1."""
    for version, expected in (("0.7.0", [str(CID.decode(V0)), RAW, MFS_ROOT]), ("0.12.0", [RAW, MFS_ROOT_RAW])):
        node = fakeipfs.Node(kubo_version=version)
        node.block_put(b"dsadsad\n", format="v0")
        node.add_bytes(b"dsadsad\n", raw_leaves=True)
        assert sorted(v["Ref"] for v in values(post(node, "refs/local"))) == sorted(expected)
