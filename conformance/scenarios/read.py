"""``cat``, ``ls`` and ``get``: bytes, offsets and lengths across layouts, listings, tar output.

kubo core/commands/cat.go (offset/length, errors), ls.go (``LsLink``: Name, Hash, Size, Type,
Target), get.go (a tar whose top entry is named by the argument).
"""
from __future__ import annotations

import io
import tarfile

from ..client import Link, tree_parts
from ..scenario import expect, rpc_scenario
from ._data import HELLO, MARS, PLANETS_TREE, VENUS, seeded

DATA = seeded("conformance-cat", 5000)

# (name, add options, cat options, slice)
CAT_CASES = [
    ("cat/whole", {}, {}, slice(None)),
    ("cat/offset", {"chunker": "size-1000"}, {"offset": 2500}, slice(2500, None)),
    ("cat/offset-length/across-chunks", {"chunker": "size-1000"}, {"offset": 950, "length": 1100},
     slice(950, 2050)),
    ("cat/offset-length/trickle", {"chunker": "size-100", "trickle": True},
     {"offset": 1234, "length": 2345}, slice(1234, 3579)),
    ("cat/offset-length/raw-leaves", {"chunker": "size-256", "raw_leaves": True},
     {"offset": 255, "length": 2}, slice(255, 257)),
    ("cat/length-past-end", {"chunker": "size-1000"}, {"offset": 4000, "length": 99999},
     slice(4000, None)),
    ("cat/offset-past-end", {}, {"offset": 6000}, slice(5000, None)),
    ("cat/length=0/nothing", {}, {"length": 0}, slice(0, 0)),
]


def _cat_scenario(name, add_options, cat_options, sl):
    def run(ctx):
        cid = ctx.rpc.add_cid(DATA, **add_options)
        got = ctx.rpc.call("cat", cid, **cat_options).data()
        expect(f"cat {cat_options} of a file added with {add_options}", got, DATA[sl])
    why = "core/commands/cat.go: offset seeks, length caps (absent: no cap; 0: nothing, cat() " \
          "returns early), an offset past the end gives nothing"
    rpc_scenario(name, why)(run)


for _case in CAT_CASES:
    _cat_scenario(*_case)


@rpc_scenario("cat/path-in-directory", "cat resolves /ipfs/<dir>/<name> paths")
def _(ctx):
    root = ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("cat", ctx.rpc.call("cat", f"/ipfs/{root}/venus.txt").data(), b"Hello Venus!\n")


@rpc_scenario("cat/several-arguments", "cat concatenates its arguments in order")
def _(ctx):
    a, b = ctx.rpc.add_cid(b"hello world"), ctx.rpc.add_cid(b"Hello Mars!\n")
    expect("cat a b", ctx.rpc.call("cat", b, a).data(), b"Hello Mars!\nhello world")


@rpc_scenario("ls/directory", "core/commands/ls.go: one object per argument, links in name order "
              "with the file size and UnixFS type (2 = file), Target empty")
def _(ctx):
    root = ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("ls", ctx.rpc.call("ls", root).json(), {"Objects": [{"Hash": root, "Links": [
        {"Name": "mars.txt", "Hash": MARS, "Size": 12, "Type": 2, "Target": ""},
        {"Name": "venus.txt", "Hash": VENUS, "Size": 13, "Type": 2, "Target": ""},
    ]}]})


@rpc_scenario("ls/file", "ls of a file: its object with no links")
def _(ctx):
    ctx.rpc.add_cid(b"hello world")
    expect("ls", ctx.rpc.call("ls", HELLO).json(), {"Objects": [{"Hash": HELLO, "Links": []}]})


@rpc_scenario("ls/nested-and-symlink", "subdirectories are Type 1, symlinks Type 4 with their "
              "Target (ls.go LsLink.Target)")
def _(ctx):
    root = ctx.rpc.add_cid(tree_parts("t", {"hello": {"world": b"World\n"}, "hey": b"Hey\n",
                                            "link": Link("hey")}))
    links = ctx.rpc.call("ls", root).json()["Objects"][0]["Links"]
    expect("ls", [(x["Name"], x["Type"], x["Target"]) for x in links],
           [("hello", 1, ""), ("hey", 2, ""), ("link", 4, "hey")])


@rpc_scenario("get/tar", "core/commands/get.go: a tar stream whose top entry is named by the "
              "argument, then the tree in order")
def _(ctx):
    root = ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    body = ctx.rpc.call("get", root).data()
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        got = [(m.name, m.isdir(), tar.extractfile(m).read() if m.isfile() else None)
               for m in tar.getmembers()]
    expect("tar members", got, [
        (root, True, None),
        (f"{root}/mars.txt", False, b"Hello Mars!\n"),
        (f"{root}/venus.txt", False, b"Hello Venus!\n"),
    ])
