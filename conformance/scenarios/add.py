"""``ipfs add``: CIDs for the importer's flag combinations, files and trees, and the events.

Expected CIDs are kubo's own: test/cli/add_test.go, test/sharness/t0040-add-and-cat.sh,
t0046-id-hash.sh, test/cli/cid_profiles_test.go, and the go-ipfs interop vectors of
ipfs-unixfs-importer's hash-parity-with-go-ipfs.spec.ts (which boxo's go-unixfsnode
TestBuildUnixFSRecursiveLargeSharded shares). Options are sent as kubo's RPC names.
"""
from __future__ import annotations

from ..client import Link, file_part, tree_parts
from ..scenario import FAKE_TARGETS, expect, rpc_scenario
from ._data import (EMPTY_DIR, EMPTY_FILE, HELLO, MARS, PLANETS, PLANETS_TREE, VENUS, multihash_of,
                    not_pinned, pin_entry, seeded)

# (scenario name, content, options, kubo's CID, where kubo publishes it, since)
FILE_CASES = [
    ("add/default/hello-world", b"hello world", {}, HELLO, "test/cli/add_test.go", None),
    ("add/default/hello-world-newline", b"hello world\n", {},
     "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o", "docs/changelogs/v0.4.md", None),
    ("add/default/empty-file", b"", {}, EMPTY_FILE, "t0040-add-and-cat.sh", None),
    ("add/raw-leaves/empty-file", b"", {"raw_leaves": True},
     "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "t0040-add-and-cat.sh", None),
    ("add/raw-leaves/small", b"dsadsad\n", {"raw_leaves": True},
     "bafkreiatrjkbyc7fz4ain4lpdv7els2cr7h55bjzrg6pg2oo2sf47hmmum", "t0040-add-and-cat.sh", None),
    ("add/cid-version=1/implies-raw-leaves", b"hello world", {"cid_version": 1},
     "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", "test/cli/add_test.go", None),
    ("add/cid-version=1/raw-leaves=false", b"hello world", {"cid_version": 1, "raw_leaves": False},
     "bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa", "test/cli/add_test.go", None),
    ("add/hash=sha2-512", b"hello world", {"hash": "sha2-512"},
     "bafkrgqbqt3gerhas23vuzrapkdeqf4vu2dwxp3srdj6hvg6nhsug2tgyn6mj3u23yx7utftq3i2ckw2fwdh5qmhid5qf3t35yvkc5e5ottlw6",
     "test/cli/add_test.go", None),
    ("add/trickle/one-chunk", b"Hello Worlds!\n", {"trickle": True},
     "QmUkUQgxXeggyaD5Ckv8ZqfW8wHBX6cYyeiyqvVZYzq5Bi", "t0040-add-and-cat.sh", None),
    ("add/chunker=rabin/small", b"Hello Worlds!\n", {"chunker": "rabin"},
     "QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", "t0040-add-and-cat.sh", None),
    ("add/chunker=rabin-36-512-1024/small", b"Hello Worlds!\n", {"chunker": "rabin-36-512-1024"},
     "QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", "t0040-add-and-cat.sh", None),
    ("add/chunker=buzhash/small", b"Hello Worlds!\n", {"chunker": "buzhash"},
     "QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", "t0040-add-and-cat.sh", "0.5.0"),
    ("add/chunker=size-32/small", b"Hello Worlds!\n", {"chunker": "size-32"},
     "QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", "t0040-add-and-cat.sh", None),
    ("add/inline/raw-leaves", b"jkD98jkD975hkD8\n", {"inline": True, "raw_leaves": True},
     "bafkqaedknncdsodknncdsnzvnbvuioak", "t0046-id-hash.sh", None),
    ("add/cid-base=base32/upgrades-v0", b"base32 test\n", {"cid_base": "base32"},
     "bafybeibyosqxljd2eptb4ebbtvk7pb4aoxzqa6ttdsflty6rsslz5y6i34", "t0040-add-and-cat.sh", None),
    ("add/default/one-chunk-boundary", ("chunk-v0-seed", 262144), {},
     "QmWmRj3dFDZdb6ABvbmKhEL6TmPbAfBZ1t5BxsEyJrcZhE", "test/cli/cid_profiles_test.go", None),
    ("add/default/two-chunks", ("chunk-v0-seed", 262145), {},
     "QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ", "test/cli/cid_profiles_test.go", None),
]


def _file_scenario(name, content, options, cid, source, since):
    def run(ctx):
        data = seeded(*content) if isinstance(content, tuple) else content
        expect(f"add {options} CID", ctx.rpc.add_cid(data, **options), cid)
    rpc_scenario(name, f"kubo {source}: {cid[:16]}…", since=since,
                 version_why="the buzhash chunker arrived in go-ipfs 0.5 (docs/changelogs/v0.5.md)")(run)


for _case in FILE_CASES:
    _file_scenario(*_case)


@rpc_scenario("add/events/file", "core/commands/add.go AddEvent: Name, Hash, Size (a string: the "
              "cumulative DAG size) for a single file")
def _(ctx):
    expect("add events", ctx.rpc.add(b"hello world", name="hello.txt"),
           [{"Name": "hello.txt", "Hash": HELLO, "Size": "19"}])


@rpc_scenario("add/events/tree", "t0040 planets: one event per file, then the directory (coreunix "
              "add.go outputDirs), names relative to the added root")
def _(ctx):
    events = ctx.rpc.add(tree_parts("planets", PLANETS_TREE))
    expect("add -r events", [(e["Name"], e["Hash"], e["Size"]) for e in events], [
        ("planets/mars.txt", MARS, "20"),
        ("planets/venus.txt", VENUS, "21"),
        ("planets", PLANETS, "146"),  # 105-byte block + 20 + 21
    ])


TREE_CASES = [
    ("add/tree/planets", {}, PLANETS),
    ("add/tree/planets/raw-leaves", {"raw_leaves": True}, "QmfWfQfKCY5Ukv9peBbxM5vqWM9BzmqUSXvdCgjT2wsiBT"),
    ("add/tree/planets/cid-version=1", {"cid_version": 1},
     "bafybeih7e5dmkyk25up5vxug4q3hrg2fxbzf23dfrac2fns5h7z4aa7ioi"),
    ("add/tree/planets/cid-version=1,raw-leaves=false", {"cid_version": 1, "raw_leaves": False},
     "bafybeif5tuep5ap2d7zyhbktucey75aoacxufgt6i3v4gebmixyipnyp7y"),
    ("add/tree/planets/hash=blake2b-256", {"hash": "blake2b-256"},
     "bafykbzaceaptbcs7ik5mdfpot3b4ackvxlwh7loc5jcrtkayf64ukl7zyk46e"),
]


def _tree_scenario(name, options, cid):
    def run(ctx):
        expect(f"add -r {options} root", ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE), **options), cid)
    rpc_scenario(name, f"kubo t0040-add-and-cat.sh planets: {cid[:16]}…")(run)


for _case in TREE_CASES:
    _tree_scenario(*_case)


@rpc_scenario("add/tree/nested", "t0040: hey + hello/world → QmZQWnfc…")
def _(ctx):
    tree = {"hey": b"Hey\n", "hello": {"world": b"World\n"}}
    expect("root", ctx.rpc.add_cid(tree_parts("t", tree)), "QmZQWnfcqJ6hNkkPvrY9Q5X39GP3jUnUbAV4AbmbbR3Cb1")


@rpc_scenario("add/tree/empty-dir", "the empty UnixFS directory 0a 02 08 01 is QmUNLLs…")
def _(ctx):
    expect("root", ctx.rpc.add_cid(tree_parts("empty", {})), EMPTY_DIR)


@rpc_scenario("add/wrap-with-directory", "core/commands/add.go -w: the file under a directory named "
              "by nothing; events: the file, then the wrapper (Name \"\")")
def _(ctx):
    events = ctx.rpc.add([file_part("mars.txt", PLANETS_TREE["mars.txt"]),
                          file_part("venus.txt", PLANETS_TREE["venus.txt"])], wrap_with_directory=True)
    # the wrapper of mars.txt + venus.txt is the planets directory itself
    expect("events", [(e["Name"], e["Hash"]) for e in events],
           [("mars.txt", MARS), ("venus.txt", VENUS), ("", PLANETS)])


@rpc_scenario("add/only-hash/stores-nothing", "--only-hash computes the DAG on a throw-away node "
              "(core/coreapi/unixfs.go): the CID is reported, nothing is pinned or stored "
              "(pin ls error: core/commands/pin/pin.go pinLsKeys, the argument as given)",
              targets=FAKE_TARGETS, skip_why={"live": "a live node may already hold the block"})
def _(ctx):
    data = b"only-hash conformance probe\n"
    cid = ctx.rpc.add_cid(data, only_hash=True)
    expect("pin ls after only-hash", ctx.rpc.call("pin/ls", cid).error()[1],
           not_pinned(ctx, cid))
    local = [r["Ref"] for r in ctx.rpc.call("refs/local").values()]
    expect("only-hash block in refs local",
           [r for r in local if multihash_of(r) == multihash_of(cid)], [])


@rpc_scenario("add/pin=false", "--pin=false stores the blocks without pinning (core/commands/add.go "
              "pinOptionName)")
def _(ctx):
    data = b"pin=false conformance probe\n"
    cid = ctx.rpc.add_cid(data, pin=False)
    expect("cat", ctx.rpc.call("cat", cid).data(), data)
    expect("pin ls", ctx.rpc.call("pin/ls", cid).error()[1], not_pinned(ctx, cid))


@rpc_scenario("add/pin=true/recursive-pin", "add pins the root recursively by default")
def _(ctx):
    cid = ctx.rpc.add_cid(b"hello world")
    expect("pin ls", ctx.rpc.call("pin/ls", cid).json(), {"Keys": {cid: pin_entry(ctx, "recursive")}})


@rpc_scenario("add/tree/symlink", "a multipart application/symlink part becomes a UnixFS symlink "
              "(boxo files/multipartfile.go; Type=4, Data=target)")
def _(ctx):
    root = ctx.rpc.add_cid(tree_parts("d", {"a": b"A", "l": Link("a")}))
    links = ctx.rpc.call("ls", root).json()["Objects"][0]["Links"]
    expect("ls types", [(link["Name"], link["Type"]) for link in links], [("a", 2), ("l", 4)])


HAMT_NAME = ("long name to fill out bytes to make the sharded directory test flip over the sharded "
             "directory limit because link names are included in the directory entry {i}")


def _hamt_scenario(name, count, cid, kind):
    def run(ctx):
        tree = {HAMT_NAME.format(i=i): HAMT_NAME.format(i=i).encode() for i in range(count)}
        root = ctx.rpc.add_cid(tree_parts("shard", tree), cid_version=1, raw_leaves=True)
        expect(f"{count} entries: root", root, cid)
    rpc_scenario(name, f"go-ipfs auto-sharding interop vector ({count} entries: {kind}; "
                 "boxo io/directory.go HAMTShardingSize 256 KiB)", since="0.11.0",
                 version_why="automatic HAMT sharding (docs/changelogs/v0.11.md)")(run)


_hamt_scenario("add/hamt/below-threshold", 1343,
               "bafybeihecq4rpl4nw3cgfb2uiwltgsmw5sutouvuldv5fxn4gfbihvnalq", "basic directory")
_hamt_scenario("add/hamt/auto-sharded", 1344,
               "bafybeigyvxs6og5jbmpaa43qbhhd5swklqcfzqdrtjgfh53qjon6hpjaye", "HAMT")
