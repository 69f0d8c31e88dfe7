"""``block`` put/get/stat/rm and ``refs`` (kubo core/commands/block.go, refs.go)."""
from __future__ import annotations

from ..client import file_part, tree_parts
from ..scenario import FAKE_TARGETS, expect, rpc_scenario
from ._data import MARS, PLANETS_TREE, VENUS

HELLO_RAW = "bafkreid7qoywk77r7rj3slobqfekdvs57qwuwh5d2z3sqsw52iabe3mqne"  # "Hello World!"


@rpc_scenario("block/put/format=v0", "block put with kubo <= 0.12 defaults (format v0: dag-pb "
              "CIDv0): ipfshttpclient test_block.py QmPevo2B…", until="0.13.0",
              version_why="block put defaults to raw CIDv1 (docs/changelogs/v0.13.md)")
def _(ctx):
    expect("block put", ctx.rpc.call("block/put", parts=[file_part("b", b"dsadsad\n")]).json(),
           {"Key": "QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna", "Size": 8})


@rpc_scenario("block/put/default-raw", "block put defaults to --cid-codec=raw, CIDv1 from 0.13 "
              "(docs/changelogs/v0.13.md); ipfshttpclient test_block.py", since="0.13.0",
              version_why="block put defaults to raw CIDv1")
def _(ctx):
    expect("block put", ctx.rpc.call("block/put", parts=[file_part("b", b"Hello World!")]).json(),
           {"Key": HELLO_RAW, "Size": 12})


@rpc_scenario("block/put/format=raw", "block put --format=raw: CIDv1 raw (block.go)")
def _(ctx):
    expect("block put", ctx.rpc.call("block/put", parts=[file_part("b", b"Hello World!")],
                                      format="raw").json(), {"Key": HELLO_RAW, "Size": 12})


@rpc_scenario("block/get-stat", "block get returns the bytes; block stat Key and Size")
def _(ctx):
    ctx.rpc.call("block/put", parts=[file_part("b", b"Hello World!")], format="raw").json()
    expect("block get", ctx.rpc.call("block/get", HELLO_RAW).data(), b"Hello World!")
    expect("block stat", ctx.rpc.call("block/stat", HELLO_RAW).json(), {"Key": HELLO_RAW, "Size": 12})


@rpc_scenario("block/rm", "block rm streams RemovedBlock{Hash} (Error omitted when empty)")
def _(ctx):
    ctx.rpc.call("block/put", parts=[file_part("b", b"Hello World!")], format="raw").json()
    expect("block rm", ctx.rpc.call("block/rm", HELLO_RAW).values(), [{"Hash": HELLO_RAW}])


@rpc_scenario("block/rm/missing-force", "block rm --force of an absent block: coreapi BlockAPI.Rm "
              "gets no RemovedBlock (util.RmBlocks skips ErrNotFound with Force) and returns nil, so "
              "block.go emits {Hash} as for a removed block", targets=FAKE_TARGETS,
              skip_why={"live": "a live node may hold the block"})
def _(ctx):
    expect("block rm --force", ctx.rpc.call("block/rm", HELLO_RAW, force=True).values(),
           [{"Hash": HELLO_RAW}])


@rpc_scenario("refs/recursive", "refs -r lists every link once per edge, depth first "
              "(core/commands/refs.go RefWrapper{Ref, Err})")
def _(ctx):
    root = ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("refs -r", ctx.rpc.call("refs", root, recursive=True).values(),
           [{"Ref": MARS, "Err": ""}, {"Ref": VENUS, "Err": ""}])


@rpc_scenario("block/stat/mfs-root-on-a-fresh-node", "a new node holds its MFS root, the empty "
              "directory, before any files command: core/node/core.go Files() stores "
              "unixfs.EmptyDirNode() when the node is built", targets=FAKE_TARGETS,
              skip_why={"live": "a used node may have replaced and collected its MFS root"})
def _(ctx):
    empty_dir = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
    expect("block stat", ctx.rpc.call("block/stat", empty_dir).json(), {"Key": empty_dir, "Size": 4})
