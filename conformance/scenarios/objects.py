"""``object`` commands (kubo core/commands/object/*.go); most were removed in 0.28."""
from __future__ import annotations

from ..client import tree_parts
from ..scenario import expect, rpc_scenario
from ._data import EMPTY_DAGPB, EMPTY_DIR, MARS, PLANETS, PLANETS_TREE, VENUS

REMOVED = dict(until="0.28.0", version_why="deprecated Object API removed (docs/changelogs/v0.28.md)")


@rpc_scenario("object/new", "object new: the empty dag-pb node QmdfTbBq…", **REMOVED)
def _(ctx):
    expect("object new", ctx.rpc.call("object/new").json(), {"Hash": EMPTY_DAGPB})


@rpc_scenario("object/new/unixfs-dir", "object new unixfs-dir: the empty directory QmUNLLs…", **REMOVED)
def _(ctx):
    expect("object new unixfs-dir", ctx.rpc.call("object/new", "unixfs-dir").json(), {"Hash": EMPTY_DIR})


@rpc_scenario("object/stat", "object stat of planets: 105-byte block, 2 data bytes, LinksSize = "
              "block - data = 103, cumulative 146 (go-merkledag ProtoNode.Stat)", **REMOVED)
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("object stat", ctx.rpc.call("object/stat", PLANETS).json(), {
        "Hash": PLANETS, "NumLinks": 2, "BlockSize": 105, "LinksSize": 103, "DataSize": 2,
        "CumulativeSize": 146})


@rpc_scenario("object/links", "object links: Name, Hash, Size (the link's Tsize)", **REMOVED)
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("object links", ctx.rpc.call("object/links", PLANETS).json(), {"Hash": PLANETS, "Links": [
        {"Name": "mars.txt", "Hash": MARS, "Size": 20},
        {"Name": "venus.txt", "Hash": VENUS, "Size": 21}]})


@rpc_scenario("object/patch/add-link", "object patch add-link builds planets from the empty "
              "directory, link by link (patch.go; Tsize from the child)")
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    one = ctx.rpc.call("object/patch/add-link", EMPTY_DIR, "mars.txt", MARS).json()["Hash"]
    two = ctx.rpc.call("object/patch/add-link", one, "venus.txt", VENUS).json()
    expect("object patch add-link", two, {"Hash": PLANETS})


@rpc_scenario("object/patch/rm-link", "object patch rm-link removes a link by name")
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    one = ctx.rpc.call("object/patch/rm-link", PLANETS, "venus.txt").json()["Hash"]
    back = ctx.rpc.call("object/patch/add-link", one, "venus.txt", VENUS).json()
    expect("rm-link then add-link", back, {"Hash": PLANETS})
