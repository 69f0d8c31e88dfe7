"""Grid as separate programs, as Grid ran: two compute workers (``python -m grid_shim.worker HOST
PORT``) and a client (``python -m grid_shim.demo --api ... --external-workers``), each a process
of its own on its own node of a ``fakeipfs`` testnet (one Network served over loopback HTTP by
this process), talking only through the nodes' RPC APIs."""
from __future__ import annotations

import signal
import subprocess
import sys

import fakeipfs
from fakeipfs import identity
from fakeipfs import testnet as testnets
from grid_shim import demo
from gridnet import KERAS_NUMPY2_WARNINGS

pytestmark = KERAS_NUMPY2_WARNINGS

#: seconds a program may take before the test gives up on it (a hang, not a timing check)
GUARD = 300


def test_a_client_process_trains_on_two_worker_processes(demo_lines):
    """The testnet is the embedded demo's network (same seed and version, so the same peer IDs):
    the client process prints what the embedded demo prints (every CID, loss and prediction),
    but for where it runs and how it names the workers it found."""
    testnet = testnets.Testnet(fakeipfs.Network(3, seed=demo.SEED, kubo_version=demo.GRID_KUBO),
                               api="/ip4/127.0.0.1/tcp/0", say=lambda line: None)
    with testnet.background():
        addrs = testnet.api_addrs
        workers = [subprocess.Popen([sys.executable, "-m", "grid_shim.worker", addr.host, str(addr.port),
                                     "--no-shuffle", "--name", f"node {i}"], stdout=subprocess.PIPE, text=True)
                   for i, addr in enumerate(addrs[1:], 1)]
        try:
            ready = [worker.stdout.readline().split() for worker in workers]  # type: ignore[union-attr]
            client = subprocess.run([sys.executable, "-m", "grid_shim.demo", "--api", str(addrs[0]),
                                     "--external-workers"], capture_output=True, text=True, timeout=GUARD)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            codes = [worker.wait(GUARD) for worker in workers]
    assert codes == [0, 0]
    peers = [testnet.network.nodes[i] for i in (1, 2)]
    ids = [f"compute:{identity.of(node).peer_id}" for node in peers]
    assert ready == [["worker", worker_id, "ready"] for worker_id in ids]
    assert client.returncode == 0, client.stderr[-2000:]
    lines = client.stdout.splitlines()
    header2 = next(i for i, line in enumerate(demo_lines) if line.startswith("== 2."))
    header3 = next(i for i, line in enumerate(demo_lines) if line.startswith("== 3."))
    me = identity.of(testnet.network.nodes[0]).peer_id
    assert lines[header2] == (f"== 2. Grid on the daemon at {addrs[0]} (version {demo.GRID_KUBO}): "
                              f"client client:{me} on node 0 ==")
    assert lines[header3] == (f"== 3. federated averaging: XOR rows 0-1 on worker {ids[0][-5:]}, rows 2-3 on "
                              f"worker {ids[1][-5:]}; {demo.ROUNDS} rounds of {demo.LOCAL_EPOCHS} local epochs ==")
    expected = list(demo_lines)
    expected[header2], expected[header3] = lines[header2], lines[header3]
    assert lines == expected
