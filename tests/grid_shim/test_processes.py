"""Grid as separate programs: a ``python -m grid_shim.worker`` process, a worker and a client in
this process, each on its own node of a ``fakeipfs`` testnet (one Network served over loopback
HTTP), talking only through the nodes' RPC APIs."""
from __future__ import annotations

import signal
import subprocess
import sys

import numpy as np

from fakeipfs import Network
from fakeipfs import testnet as testnets
from grid_shim import ipfsapi
from grid_shim.client import KerasClient
from grid_shim.demo import XOR_INPUT, XOR_TARGET, xor_model
from grid_shim.federated import fedavg_round
from grid_shim.keras import ipfs2keras, load_keras
from grid_shim.worker import Worker
from gridnet import KERAS_NUMPY2_WARNINGS

pytestmark = KERAS_NUMPY2_WARNINGS


def test_a_worker_process_trains_for_a_client_over_http():
    keras = load_keras()
    keras.utils.set_random_seed(0)
    model = xor_model(0.5)
    testnet = testnets.Testnet(Network(3, seed=0), api="/ip4/127.0.0.1/tcp/0", say=lambda line: None)
    with testnet.background():
        ports = [addr.port for addr in testnet.api_addrs]
        process = subprocess.Popen([sys.executable, "-m", "grid_shim.worker", "127.0.0.1", str(ports[1]),
                                    "--no-shuffle"], stdout=subprocess.PIPE, text=True)
        local = Worker(ipfsapi.connect("127.0.0.1", ports[2]), shuffle=False).start()
        try:
            remote = process.stdout.readline().split()  # type: ignore[union-attr]
            assert remote[0::2] == ["worker", "ready"]
            client = KerasClient(ipfsapi.connect("127.0.0.1", ports[0]), verbose=False)
            assert sorted(client.workers()) == sorted([remote[1].split(":")[1], local.peer_id])
            trained, transact = client.fit(model, XOR_INPUT, XOR_TARGET, batch_size=4, epochs=3,
                                           preferred_node=remote[1], timeout=30)
            assert transact["worker_id"] == remote[1]
            assert trained.predict(XOR_INPUT, verbose=0).tobytes() != model.predict(XOR_INPUT, verbose=0).tobytes()
            shards = [(XOR_INPUT[:2], XOR_TARGET[:2]), (XOR_INPUT[2:], XOR_TARGET[2:])]
            result = fedavg_round(client, model, shards, [remote[1], local.id], batch_size=2, epochs=2, timeout=30)
            assert [u.worker_id for u in result.updates] == [remote[1], local.id]
            fetched = ipfs2keras(client.api, result.model_addr)
            assert np.array_equal(fetched.predict(XOR_INPUT, verbose=0), result.model.predict(XOR_INPUT, verbose=0))
        finally:
            local.stop()
            process.send_signal(signal.SIGTERM)
            code = process.wait(30)
    assert code == 0
