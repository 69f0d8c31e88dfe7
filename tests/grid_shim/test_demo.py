"""``python -m grid_shim.demo``, the README's first command: the seed notebook, a Grid fit and
federated averaging on a simulated 3-node network, every check passing; the same on one daemon
over HTTP (``--api``, client and worker on one node); the seed notebook on the fakeipfs pytest
plugin's ``--ipfs-target``."""
from __future__ import annotations

import json
import re
import socket

import pytest

import fakeipfs
from fakeipfs import inspection, pubsub
from grid_shim import demo, ipfsapi
from gridnet import KERAS_NUMPY2_WARNINGS, served

pytestmark = KERAS_NUMPY2_WARNINGS

CID = r"Qm[1-9A-HJ-NP-Za-km-z]{44}"
NOTEBOOK_JSON = '{"model_name": "mnist", "owner_id": "534564"}'


def test_demo_runs_the_notebook_grid_and_fedavg(demo_lines):
    lines = demo_lines
    text = "\n".join(lines)
    assert lines[-1] == f"checks: {demo.ROUNDS + 14} passed, 0 failed"
    assert "CHECK FAILED" not in text
    assert re.search(rf"^tensor  \[\[1, 4\], \[65, 8\]\] as .npy \(the notebook pickled it\) -> {CID}; "
                     r"get_tensor: \[\[1, 4\], \[65, 8\]\]$", text, re.M)
    assert re.search(rf"^keras   XOR model -> {CID}; predict\(\[\[0,0\],\[0,1\]\]\) = .* \(bitwise equal: True\)$",
                     text, re.M)
    assert ('json    add_json({"model_name": "mnist", "owner_id": "534564"}) -> '
            'Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne = notebook and kubo') in lines
    me = re.search(rf"client client:({CID}) on node 0", text).group(1)
    assert f"pubsub  'model': heard {{'model_name': 'mnist', 'owner_id': '534564'}} from {me} (itself: True)" in lines
    workers = re.search(rf"^workers pubsub_peers\('openmined'\) = \['({CID})', '({CID})'\]$", text, re.M).groups()
    assert [line for line in lines if line.startswith("whoami")] == [
        f"whoami  compute:{w}: COMPUTE, services ['fit_worker', 'whoami', 'list_workers']" for w in workers]
    assert [line[:len("Worker:xxxxx - Epoch 0 of 5")] for line in lines if line.startswith("Worker:")] == [
        f"Worker:{workers[0][-5:]} - Epoch {e} of {demo.FIT_EPOCHS}" for e in range(demo.FIT_EPOCHS)]
    assert re.search(rf"^fit     {CID} on compute:{workers[0]}: 5 epochs -> {CID} \(loss 0\.\d{{4}}\)$", text, re.M)
    rounds = [int(m) for m in re.findall(rf"^round +(\d+)  {CID}  loss \d\.\d{{4}}", text, re.M)]
    assert rounds == list(range(0, demo.ROUNDS + 1, 5))
    predictions = re.findall(r"^predict \[(\d), (\d)\] -> (\d\.\d{3})$", text, re.M)
    assert [(a, b, float(p) > 0.5) for a, b, p in predictions] == [
        ("0", "0", False), ("0", "1", True), ("1", "0", True), ("1", "1", False)]


def test_a_failed_check_is_reported(monkeypatch):
    monkeypatch.setattr(demo, "NOTEBOOK_JSON_CID", "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
    lines: list[str] = []
    check = demo.Checks(lines.append)
    demo.notebook(ipfsapi.for_node(fakeipfs.Node(kubo_version="0.4.13")), check, lines.append)
    assert (check.passed, check.failed) == (4, 1)
    assert "  CHECK FAILED: add_json gives the notebook's QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n" in lines
    assert lines[lines.index("  CHECK FAILED: add_json gives the notebook's "
                             "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n") + 1].endswith(
        " != QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")


@pytest.mark.kubo_version("0.4.13")
def test_the_seed_notebook_on_the_ipfs_target(plugin_target_api):
    """The seed flow through Grid's client on the node ``--ipfs-target`` names (inproc, daemon,
    live=<multiaddr>): the tensor's and the notebook JSON's CIDs, ``cat``/``get_json`` of the
    JSON, a Keras model back bitwise, and the node hearing its own pubsub message."""
    api = plugin_target_api
    lines: list[str] = []
    check = demo.Checks(lines.append)
    demo.notebook(api, check, lines.append)
    assert (check.passed, check.failed) == (5, 0)
    assert lines[1] == ("tensor  [[1, 4], [65, 8]] as .npy (the notebook pickled it) -> "
                        "QmaK5pbpmpApDhJhcZRwFRemUjy5452m44upFR82TSnSiq; get_tensor: [[1, 4], [65, 8]]")
    assert re.fullmatch(rf"keras   XOR model -> {CID}; predict\(\[\[0,0\],\[0,1\]\]\) = "
                        r"\[0\.\d{7}, 0\.\d{7}\] \(bitwise equal: True\)", lines[2])
    assert lines[3] == (f"json    add_json({NOTEBOOK_JSON}) -> "
                        "Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne = notebook and kubo")
    assert api.cat("Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne") == json.dumps(NOTEBOOK_JSON).encode()
    assert api.get_json("Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne") == NOTEBOOK_JSON
    me = api.id()["ID"]
    assert lines[4] == f"pubsub  'model': heard {json.loads(NOTEBOOK_JSON)} from {me} (itself: True)"


def test_demo_on_one_daemon_shares_the_node(demo_lines):
    """``--api`` with one daemon (kubo 0.22: multibase pubsub), as a kubo user has it: client and
    worker on one node, which hears its own messages; Grid's discovery lists nobody. The
    models are the embedded run's: the notebook's and the Grid fit's CIDs are the same."""
    node = fakeipfs.Node(kubo_version="0.22.0")
    lines: list[str] = []
    with served(node) as daemon:
        assert demo.main(["--api", str(daemon.api_addr)], out=lines.append) == 0
    me = ipfsapi.for_node(node).id()["ID"]
    assert lines[-1] == f"checks: {demo.ROUNDS + 13} passed, 0 failed"
    assert lines[:4] == demo_lines[:4]
    assert lines[5:8] == [
        f"== 2. Grid on the daemon at {daemon.api_addr} (version 0.22.0): client client:{me} on node 0 ==",
        "workers pubsub_peers('openmined') = []",
        f"whoami  compute:{me}: COMPUTE, services ['fit_worker', 'whoami', 'list_workers']"]
    fit = next(line for line in lines if line.startswith("fit "))
    embedded_fit = next(line for line in demo_lines if line.startswith("fit "))
    assert fit == re.sub(r"compute:\w+", f"compute:{me}", embedded_fit)
    assert "== 3. federated averaging: XOR rows 0-3 on node 0; 20 rounds of 10 local epochs ==" in lines
    predictions = re.findall(r"^predict \[(\d), (\d)\] -> (\d\.\d{3})$", "\n".join(lines), re.M)
    assert [(a, b, float(p) > 0.5) for a, b, p in predictions] == [
        ("0", "0", False), ("0", "1", True), ("1", "0", True), ("1", "1", False)]


def test_an_unreachable_daemon_is_named():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        addr = f"/ip4/127.0.0.1/tcp/{sock.getsockname()[1]}"  # bound, not listening: refused
        lines: list[str] = []
        assert demo.main(["--api", addr], out=lines.append) == 2
    assert len(lines) == 1 and lines[0].startswith(f"grid_shim.demo: no IPFS RPC API at {addr}: ConnectionError")


def test_a_daemon_without_pubsub_is_named():
    node = fakeipfs.Node(kubo_version="0.22.0")
    pubsub.of(node).enabled = False  # kubo without --enable-pubsub-experiment
    lines: list[str] = []
    with served(node) as daemon:
        assert demo.main(["--api", str(daemon.api_addr)], out=lines.append) == 2
    assert lines == [f"grid_shim.demo: the daemon at {daemon.api_addr} refuses pubsub: experimental pubsub "
                     "feature not enabled, run daemon with --enable-pubsub-experiment to use"]
    assert inspection.added(node) == []  # nothing done before the check


def test_external_workers_must_be_on_other_nodes():
    """``--external-workers`` finds workers with ``pubsub_peers``: on a lone daemon, nobody."""
    lines: list[str] = []
    with served(fakeipfs.Node()) as daemon:
        assert demo.main(["--api", str(daemon.api_addr), "--external-workers"], out=lines.append) == 1
    assert lines[-1] == ("grid_shim.demo: no worker on 'openmined' (pubsub_peers lists the other nodes' only): "
                         "start python -m grid_shim.worker HOST PORT on another node")


def test_testnet_addresses():
    args = demo.parse_args(["--api", "/ip4/127.0.0.1/tcp/5001", "--nodes", "3"])
    assert args.api == ["/ip4/127.0.0.1/tcp/5001", "/ip4/127.0.0.1/tcp/5002", "/ip4/127.0.0.1/tcp/5003"]
    assert demo.parse_args(["--api", "/ip6/::1/tcp/5001/http", "--api", "/dns/localhost/tcp/5001"]).api == [
        "/ip6/::1/tcp/5001/http", "/dns/localhost/tcp/5001"]
    assert demo.parse_args([]).api == []


@pytest.mark.parametrize("argv, error", [
    (["--nodes", "3"], "--nodes N (at least 1) goes with exactly one --api, the testnet's node 0"),
    (["--api", "/ip4/127.0.0.1/tcp/5001", "--api", "/ip4/127.0.0.1/tcp/5002", "--nodes", "2"],
     "--nodes N (at least 1) goes with exactly one --api, the testnet's node 0"),
    (["--api", "/ip4/127.0.0.1/tcp/5001", "--nodes", "0"],
     "--nodes N (at least 1) goes with exactly one --api, the testnet's node 0"),
    (["--api", "127.0.0.1:5001"], "--api 127.0.0.1:5001: multiaddr must begin with /"),
    (["--external-workers"], "--external-workers goes with --api: the simulated network has no worker of its own"),
])
def test_bad_options_are_usage_errors(argv, error, capsys):
    with pytest.raises(SystemExit) as exited:
        demo.parse_args(argv)
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"python -m grid_shim.demo: error: {error}"
