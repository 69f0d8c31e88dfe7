"""``files`` (MFS): mkdir/write/read/stat/ls/cp/mv/rm/flush (kubo core/commands/files.go, boxo mfs).

``files`` state is the node's own: on ``live`` every scenario works under a directory of its
own (``/fakeipfs-conformance-*``) and removes it at the end.
"""
from __future__ import annotations

from ..client import file_part, tree_parts
from ..scenario import expect, rpc_scenario
from ._data import EMPTY_DIR, PLANETS, PLANETS_TREE


def _files_scenario(name: str, why: str, **kwargs):
    """Run the body with a fresh MFS directory ``d`` (removed afterwards)."""
    def register(body):
        def run(ctx):
            d = "/fakeipfs-conformance-" + name.replace("/", "-")
            ctx.rpc.call("files/rm", d, recursive=True)  # leftovers of an interrupted run
            ctx.rpc.call("files/mkdir", d).data()
            try:
                body(ctx, d)
            finally:
                ctx.rpc.call("files/rm", d, recursive=True)
        rpc_scenario(name, why, **kwargs)(run)
        return body
    return register


@_files_scenario("files/write-read-stat", "files write goes through boxo's DagModifier, which "
                 "appends with the trickle importer (mfs/file.go, ipld/unixfs/mod/dagmodifier.go "
                 "appendData → trickle.Append): Hello Worlds! gets t0040's --trickle CID QmUkUQgx…")
def _(ctx, d):
    ctx.rpc.call("files/write", f"{d}/w.txt", parts=[file_part("f", b"Hello Worlds!\n")],
                 create=True).data()
    expect("files read", ctx.rpc.call("files/read", f"{d}/w.txt").data(), b"Hello Worlds!\n")
    stat = ctx.rpc.call("files/stat", f"{d}/w.txt").json()
    expect("files stat", {k: stat.get(k) for k in ("Hash", "Size", "Blocks", "Type")}, {
        "Hash": "QmUkUQgxXeggyaD5Ckv8ZqfW8wHBX6cYyeiyqvVZYzq5Bi", "Size": 14, "Blocks": 1,
        "Type": "file"})


@_files_scenario("files/read/offset-count", "files read --offset --count (files.go filesReadCmd)")
def _(ctx, d):
    ctx.rpc.call("files/write", f"{d}/f", parts=[file_part("f", b"0123456789")], create=True).data()
    expect("files read", ctx.rpc.call("files/read", f"{d}/f", offset=3, count=4).data(), b"3456")


@_files_scenario("files/write/offset-truncate", "files write --offset overwrites in place; "
                 "--truncate empties the file first")
def _(ctx, d):
    path = f"{d}/f"
    ctx.rpc.call("files/write", path, parts=[file_part("f", b"hello world")], create=True).data()
    ctx.rpc.call("files/write", path, parts=[file_part("f", b"WORLD")], offset=6).data()
    expect("after offset write", ctx.rpc.call("files/read", path).data(), b"hello WORLD")
    ctx.rpc.call("files/write", path, parts=[file_part("f", b"hi")], truncate=True).data()
    expect("after truncate", ctx.rpc.call("files/read", path).data(), b"hi")


@_files_scenario("files/mkdir-ls", "files ls without -l: Name, Type 0, Size 0, Hash \"\" "
                 "(mfs.NodeListing), in name order")
def _(ctx, d):
    ctx.rpc.call("files/mkdir", f"{d}/b/c", parents=True).data()
    ctx.rpc.call("files/write", f"{d}/a", parts=[file_part("f", b"A")], create=True).data()
    expect("files ls", ctx.rpc.call("files/ls", d).json(), {"Entries": [
        {"Name": "a", "Type": 0, "Size": 0, "Hash": ""},
        {"Name": "b", "Type": 0, "Size": 0, "Hash": ""}]})


@_files_scenario("files/cp-from-ipfs", "files cp /ipfs/<cid> brings a DAG into MFS; the tree "
                 "keeps its CID")
def _(ctx, d):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    ctx.rpc.call("files/cp", f"/ipfs/{PLANETS}", f"{d}/planets").data()
    expect("stat hash", ctx.rpc.call("files/stat", f"{d}/planets").json()["Hash"], PLANETS)
    expect("read", ctx.rpc.call("files/read", f"{d}/planets/venus.txt").data(), b"Hello Venus!\n")


@_files_scenario("files/mv-rm", "files mv renames; files rm -r removes; the directory is empty "
                 "again (its hash is the empty directory's)")
def _(ctx, d):
    ctx.rpc.call("files/write", f"{d}/x", parts=[file_part("f", b"x")], create=True).data()
    ctx.rpc.call("files/mv", f"{d}/x", f"{d}/y").data()
    expect("ls after mv", [e["Name"] for e in ctx.rpc.call("files/ls", d).json()["Entries"]], ["y"])
    ctx.rpc.call("files/rm", f"{d}/y").data()
    expect("stat after rm", ctx.rpc.call("files/stat", d, hash=True).json()["Hash"], EMPTY_DIR)


@_files_scenario("files/mkdir-existing", "mkdir of an existing directory: Go's os.ErrExist, "
                 "\"file already exists\" (500)")
def _(ctx, d):
    expect("files mkdir", ctx.rpc.call("files/mkdir", d).error(), (500, "file already exists", 0))


@_files_scenario("files/read-missing", "read of a missing path: os.ErrNotExist, "
                 "\"file does not exist\" (500)")
def _(ctx, d):
    expect("files read", ctx.rpc.call("files/read", f"{d}/nope").error(), (500, "file does not exist", 0))


@rpc_scenario("files/flush", "files flush answers the flushed root's CID (files.go flushRes, "
              "from 0.4.20); an empty MFS root is the empty directory", targets=frozenset({"inproc", "daemon"}),
              skip_why={"live": "the live node's MFS root is the user's"})
def _(ctx):
    expect("files flush", ctx.rpc.call("files/flush", "/").json(), {"Cid": EMPTY_DIR})
