"""``pin`` add/ls/rm/update and ``repo gc`` (kubo core/commands/pin/pin.go, repo.go)."""
from __future__ import annotations

from fakeipfs.versions import KuboVersion

from ..client import tree_parts
from ..scenario import FAKE_TARGETS, expect, rpc_scenario
from ._data import HELLO, MARS, PLANETS, PLANETS_TREE, not_pinned, pin_entry

NO_GC_ON_LIVE = {"live": "repo gc would remove the user's own unpinned blocks"}


@rpc_scenario("pin/add", "pin add answers {\"Pins\": [cid]}")
def _(ctx):
    cid = ctx.rpc.add_cid(b"hello world", pin=False)
    expect("pin add", ctx.rpc.call("pin/add", cid).json(), {"Pins": [HELLO]})
    expect("pin ls", ctx.rpc.call("pin/ls", cid, type="recursive").json()["Keys"],
           {HELLO: pin_entry(ctx, "recursive")})


@rpc_scenario("pin/add/direct", "pin add --recursive=false makes a direct pin")
def _(ctx):
    cid = ctx.rpc.add_cid(b"pin/add/direct probe\n", pin=False)  # never pinned recursively
    expect("pin add", ctx.rpc.call("pin/add", cid, recursive=False).json(), {"Pins": [cid]})
    expect("pin ls", ctx.rpc.call("pin/ls", cid).json()["Keys"], {cid: pin_entry(ctx, "direct")})


@rpc_scenario("pin/ls/indirect", "a child of a recursive pin is \"indirect through <root>\" "
              "(pin.go pinLsKeys, pin.Indirect)")
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("pin ls mars", ctx.rpc.call("pin/ls", MARS).json()["Keys"],
           {MARS: pin_entry(ctx, f"indirect through {PLANETS}")})


@rpc_scenario("pin/rm", "pin rm answers {\"Pins\": [cid]}; the pin is gone")
def _(ctx):
    cid = ctx.rpc.add_cid(b"pin rm conformance probe\n")
    expect("pin rm", ctx.rpc.call("pin/rm", cid).json(), {"Pins": [cid]})
    expect("pin ls", ctx.rpc.call("pin/ls", cid).error()[1], not_pinned(ctx, cid))


@rpc_scenario("pin/rm/indirect-refused", "an indirectly pinned block cannot be unpinned: "
              "\"not pinned or pinned indirectly\" (boxo pinning/pinner ErrNotPinned)")
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("pin rm mars", ctx.rpc.call("pin/rm", MARS).error(),
           (500, "not pinned or pinned indirectly", 0))


@rpc_scenario("pin/update", "pin update replaces a recursive pin and answers {\"Pins\": [old, new]}")
def _(ctx):
    old = ctx.rpc.add_cid(b"pin update old\n")
    new = ctx.rpc.add_cid(b"pin update new\n", pin=False)
    expect("pin update", ctx.rpc.call("pin/update", old, new).json(), {"Pins": [old, new]})
    expect("pin ls new", ctx.rpc.call("pin/ls", new).json()["Keys"], {new: pin_entry(ctx, "recursive")})
    expect("pin ls old", ctx.rpc.call("pin/ls", old).error()[1], not_pinned(ctx, old))


def _as_stored(ctx, cid: str) -> str:
    """How gc and refs local name a block: from 0.12 the blockstore is keyed by multihash and
    reports CIDv1 raw (docs/changelogs/v0.12.md "blockstore ... multihash")."""
    from multiformats import CID
    if ctx.version < KuboVersion(0, 12, 0):
        return cid
    return str(CID.decode(cid).set(version=1, codec="raw").encode("base32"))


@rpc_scenario("repo/gc/removes-unpinned", "repo gc streams {\"Key\": {\"/\": cid}} per removed "
              "block and keeps pinned ones (corerepo/gc.go; the MFS root is a best-effort root)", targets=FAKE_TARGETS,
              skip_why=NO_GC_ON_LIVE)
def _(ctx):
    kept = ctx.rpc.add_cid(b"hello world")
    gone = ctx.rpc.add_cid(b"gc conformance probe\n", pin=False)
    expect("repo gc", ctx.rpc.call("repo/gc").values(), [{"Key": {"/": _as_stored(ctx, gone)}}])
    local = {r["Ref"] for r in ctx.rpc.call("refs/local").values()}
    expect("kept / gone in refs local", (_as_stored(ctx, kept) in local, _as_stored(ctx, gone) in local),
           (True, False))


@rpc_scenario("repo/gc/keeps-indirect", "gc keeps every block under a recursive pin",
              targets=FAKE_TARGETS, skip_why=NO_GC_ON_LIVE)
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("repo gc", ctx.rpc.call("repo/gc").values(), [])
    expect("cat after gc", ctx.rpc.call("cat", f"{PLANETS}/mars.txt").data(), b"Hello Mars!\n")
