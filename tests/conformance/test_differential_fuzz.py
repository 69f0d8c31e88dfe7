"""Differential fuzzing: fakeipfs against real kubo 0.22 (the kubo library) and against the JS
reference importer configured as kubo, on inputs drawn by hypothesis.

* random file bytes and directory trees → the CIDs ``AddFile(onlyHash)`` gives (ONE kubo
  process per hypothesis example, holding the whole batch) equal fakeipfs 0.22's;
* random ``ipfs add`` flag combinations the JS importer can express (``size-N`` chunker,
  trickle, raw-leaves, cid-version; sha2-256) → ``tests/js/importer_cids.mjs`` (one node process
  per example) gives fakeipfs's CIDs;
* random pubsub exchanges (topics, binary payloads) → the kubo library and fakeipfs deliver the
  same messages: data, topics, sender = the node itself, 8-byte seqnos counting up by one.

The budget is the number of hypothesis examples per test: small in CI, larger with
``FAKEIPFS_FUZZ_BUDGET=<n>`` (which also lets hypothesis pick fresh random inputs each run;
without it the runs are derandomized, so CI sees the same inputs every time).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.targets import kubo_lib
from fakeipfs import pubsub
from fakeipfs.node import Node
from fakeipfs.strategies import directory_trees, file_contents, pubsub_payloads, pubsub_topics

KUBO_VERSION = "0.22.0"
BUDGET = int(os.environ.get("FAKEIPFS_FUZZ_BUDGET", "0"))
JS_DIR = Path(__file__).resolve().parent.parent / "js"

def _settings(ci_examples: int):
    return settings(max_examples=BUDGET or ci_examples, deadline=None, derandomize=not BUDGET,
                    database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- bytes and trees: fakeipfs vs kubo --------------------------------------------------------

@pytest.mark.kubo_lib
@given(blobs=st.lists(file_contents(max_size=3 * 262144 + 1), min_size=4, max_size=12),
       trees=st.lists(directory_trees(max_depth=3, max_entries=6), min_size=2, max_size=6))
@_settings(ci_examples=8)
def test_bytes_and_trees_match_kubo(blobs, trees):
    with tempfile.TemporaryDirectory(prefix="fakeipfs-fuzz-") as tmp:
        paths = []
        for i, blob in enumerate(blobs):
            (Path(tmp) / f"b{i}").write_bytes(blob)
            paths.append(Path(tmp) / f"b{i}")
        for i, tree in enumerate(trees):
            kubo_lib.write_tree(Path(tmp) / f"t{i}", tree)
            paths.append(Path(tmp) / f"t{i}")
        kubo = kubo_lib.add_only_hash(paths)
        node = Node(kubo_version=KUBO_VERSION)
        fake = [str(node.add(str(p), recursive=True, hidden=True, only_hash=True)[-1].cid) for p in paths]
    assert fake == kubo


# --- flag combinations: fakeipfs vs the JS reference importer ---------------------------------

def _node_available() -> "str | None":
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS_DIR / "node_modules" / "ipfs-unixfs-importer").is_dir():
        return "ipfs-unixfs-importer is not installed (run npm ci in tests/js)"
    return None


@st.composite
def _js_options(draw) -> dict:
    """The ``ipfs add`` flags the JS importer can express, as fakeipfs takes them (each present
    or left to kubo's default)."""
    options: dict = {}
    if draw(st.booleans()):
        options["chunker"] = f"size-{draw(st.one_of(st.sampled_from([256, 1024, 262144]), st.integers(64, 300000)))}"
    for flag in ("trickle", "raw_leaves"):
        if draw(st.booleans()):
            options[flag] = draw(st.booleans())
    version = draw(st.sampled_from([None, 0, 1]))
    if version is not None:
        options["cid_version"] = version
    return options


def _kubo_settings(options: dict) -> dict:
    """kubo's effective importer settings (core/commands/add.go): CIDv0 by default, raw leaves
    on with CIDv1 unless ``--raw-leaves`` was sent, the 256 KiB size chunker."""
    version = options.get("cid_version", 0)
    return {"chunk_size": int(options.get("chunker", "size-262144")[5:]),
            "trickle": options.get("trickle", False),
            "raw_leaves": options.get("raw_leaves", version == 1), "cid_version": version}


@pytest.mark.skipif(_node_available() is not None, reason=str(_node_available()))
@given(cases=st.lists(st.tuples(file_contents(max_size=2 * 262144 + 1), _js_options()), min_size=5, max_size=15))
@_settings(ci_examples=12)
def test_flag_combinations_match_js_importer(cases):
    jobs = [{"data_b64": base64.b64encode(data).decode(), **_kubo_settings(options)} for data, options in cases]
    proc = subprocess.run(["node", "importer_cids.mjs"], cwd=JS_DIR, input=json.dumps(jobs),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    node = Node(kubo_version=KUBO_VERSION)
    fake = [str(node.add(data, only_hash=True, **options)[-1].cid) for data, options in cases]
    assert [(o, f) for (_, o), f in zip(cases, fake)] == [(o, j) for (_, o), j in zip(cases, js)]


# --- pubsub exchanges: fakeipfs vs kubo -------------------------------------------------------

# C strings end at NUL: the library's topic argument cannot carry one.
_topics = pubsub_topics().filter(lambda t: "\x00" not in t)


@pytest.mark.kubo_lib
@given(exchange=st.lists(st.tuples(_topics, pubsub_payloads()), min_size=1, max_size=12))
@_settings(ci_examples=6)
def test_pubsub_exchanges_match_kubo(exchange):
    topics = sorted({t for t, _ in exchange})
    ops = [{"op": "id"}] + [{"op": "subscribe", "topic": t} for t in topics]
    ops += [{"op": "publish", "topic": t, "data_b64": base64.b64encode(d).decode()} for t, d in exchange]
    ops += [{"op": "next", "sub": t} for t, _ in exchange]
    results = kubo_lib.run_session(ops).results
    me = results[0]["id"]
    kubo = [(base64.b64decode(m["data"]), m["topics"], m["from"] == me, base64.b64decode(m["seqno"]))
            for m in (r["message"] for r in results[-len(exchange):])]

    ps = pubsub.of(Node(kubo_version=KUBO_VERSION))
    subs = {t: ps.subscribe(t) for t in topics}
    for t, d in exchange:
        ps.publish(t, d)
    fake = [(m.data, list(m.topics), m.from_peer == ps.peer_id, m.seqno)
            for m in (subs[t].next(timeout=5) for t, _ in exchange)]

    def shape(messages):
        return [(data, tops, mine, len(seqno)) for data, tops, mine, seqno in messages]

    def steps(messages):
        seqnos = [int.from_bytes(m[3], "big") for m in messages]
        return [b - a for a, b in zip(seqnos, seqnos[1:])]

    assert shape(kubo) == shape(fake)
    assert steps(kubo) == steps(fake) == [1] * (len(exchange) - 1)
