"""``python -m grid_shim.demo``, the README's first command: the seed notebook, a Grid fit and
federated averaging on a simulated 3-node network, every check passing."""
from __future__ import annotations

import re

import fakeipfs
from grid_shim import demo, ipfsapi
from gridnet import KERAS_NUMPY2_WARNINGS

pytestmark = KERAS_NUMPY2_WARNINGS

CID = r"Qm[1-9A-HJ-NP-Za-km-z]{44}"


def test_demo_runs_the_notebook_grid_and_fedavg():
    lines: list[str] = []
    assert demo.main(out=lines.append) == 0
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
