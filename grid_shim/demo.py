"""OpenMined Grid on fakeipfs, end to end, in one process:

    python -m grid_shim.demo

1. The seed notebook ("IPFS - OpenMined Context", Grid 2018) through Grid's flat client on a
   node of a simulated network: a tensor added and read back, a Keras model through IPFS
   (``keras2ipfs``/``ipfs2keras``, predictions bitwise equal), ``add_json`` giving the CID the
   notebook printed (and real kubo gives), and pubsub hearing its own message.
2. Grid's training protocol on a 3-node :class:`fakeipfs.Network` emulating go-ipfs 0.4.13 (the
   daemon Grid ran): a client on node 0, compute workers on nodes 1 and 2, each through
   :func:`grid_shim.ipfsapi.for_node`. Discovery, ``whoami``, then a Grid ``fit`` of the XOR
   model (Dense(8)-tanh-Dense(1)-sigmoid, SGD), which returns the trained model.
3. Federated averaging (:mod:`grid_shim.federated`): XOR's four rows split between the two
   workers, rounds of local training and weighted averaging, every model exchanged by CID.

Deterministic (seeded Keras and NumPy, workers without shuffling, identities from the network
seed), hermetic (no socket) and checked: the demo exits 1 if any check fails.
"""
from __future__ import annotations

import json
import sys
from typing import Any, Callable, Sequence

import numpy as np

import fakeipfs

from . import ipfsapi, messages, tensors
from .client import KerasClient
from .federated import fedavg_round
from .keras import ipfs2keras, keras2ipfs, load_keras
from .worker import Worker

#: The notebook's ``add_json(json.dumps({'model_name': 'mnist', 'owner_id': '534564'}))``.
NOTEBOOK_JSON_CID = "Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne"
XOR_INPUT = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
XOR_TARGET = np.array([[0], [1], [1], [0]], dtype="float32")
SEED = 0
GRID_KUBO = "0.4.13"
FIT_EPOCHS = 5
ROUNDS, LOCAL_EPOCHS, LEARNING_RATE = 20, 10, 0.5
TIMEOUT = 30.0


def xor_model(learning_rate: float) -> Any:
    """The notebook's and Grid's integration test's XOR model, compiled with SGD."""
    keras = load_keras()
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.Activation("tanh"),
                              keras.layers.Dense(1), keras.layers.Activation("sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


def predict(model: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(x, verbose=0))


class Checks:
    """Named checks, printed as they are made; :attr:`failed` counts the failures."""

    def __init__(self, out: Callable[[str], Any]) -> None:
        self.out = out
        self.passed = 0
        self.failed = 0

    def __call__(self, ok: bool, what: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.out(f"  CHECK FAILED: {what}")
        return ok


def notebook(api: ipfsapi.Client, check: Checks, out: Callable[[str], Any]) -> None:
    """Part 1: the seed notebook's cells."""
    out("== 1. the seed notebook (IPFS - OpenMined Context) on node 0 ==")
    matrix = np.array([[1, 4], [65, 8]])
    tensor_cid = tensors.add_tensor(api, matrix)
    back = tensors.get_tensor(api, tensor_cid)
    check(back.dtype == matrix.dtype and np.array_equal(back, matrix), "get_tensor returns the tensor")
    out(f"tensor  {matrix.tolist()} as .npy (the notebook pickled it) -> {tensor_cid}; get_tensor: {back.tolist()}")

    keras = load_keras()
    keras.utils.set_random_seed(SEED)
    model = xor_model(0.1)
    model.fit(XOR_INPUT, XOR_TARGET, epochs=3, verbose=0)
    model_cid = keras2ipfs(api, model)
    retrieved = ipfs2keras(api, model_cid)
    new_input = np.array([[0, 0], [0, 1]], dtype="float32")
    same = predict(retrieved, new_input).tobytes() == predict(model, new_input).tobytes()
    check(same, "ipfs2keras(keras2ipfs(model)) predicts bitwise as the model")
    out(f"keras   XOR model -> {model_cid}; predict([[0,0],[0,1]]) = "
        f"[{', '.join(f'{v:.7f}' for v in predict(retrieved, new_input).ravel())}] (bitwise equal: {same})")

    data_json = json.dumps({"model_name": "mnist", "owner_id": "534564"})
    data_hash = api.add_json(data_json)
    check(data_hash == NOTEBOOK_JSON_CID, f"add_json gives the notebook's {NOTEBOOK_JSON_CID}")
    check(json.loads(api.cat(data_hash)) == data_json, "cat gives the JSON back")
    out(f"json    add_json({data_json}) -> {data_hash}"
        f" {'= notebook and kubo' if data_hash == NOTEBOOK_JSON_CID else '!= ' + NOTEBOOK_JSON_CID}")

    me = api.config_show()["Identity"]["PeerID"]
    message = {"model_name": "mnist", "owner_id": "534564"}
    heard = messages.listen_to_channel_sync(
        api, "model", lambda m: (messages.peer_id_of(m), json.loads(m["data"])),
        init_function=lambda: api.pubsub_pub(topic="model", payload=json.dumps(message), stream=True),
        timeout=TIMEOUT)
    check(heard == (me, message), "pubsub: the node hears its own message")
    out(f"pubsub  'model': heard {heard[1]} from {heard[0]} (itself: {heard[0] == me})")


def grid(client: KerasClient, workers: Sequence[Worker], check: Checks, out: Callable[[str], Any]) -> Any:
    """Part 2: discovery, whoami and one Grid fit; returns the initial XOR model."""
    out(f"== 2. Grid on a 3-node network (go-ipfs {GRID_KUBO}): client {client.id} on node 0 ==")
    peers = client.workers()
    expected = sorted(w.peer_id for w in workers)
    check(peers == expected, "pubsub_peers('openmined') lists the two workers")
    out(f"workers pubsub_peers('openmined') = {peers}")
    for worker in workers:
        stats = client.get_stats(worker.id, timeout=TIMEOUT)
        check(stats["id"] == worker.id, f"whoami answers for {worker.id}")
        out(f"whoami  {worker.id}: {stats['worker_type']}, services {stats['services_running']}")

    keras = load_keras()
    keras.utils.set_random_seed(SEED)
    model = xor_model(LEARNING_RATE)
    before = predict(model, XOR_INPUT)
    trained, transact = client.fit(model, XOR_INPUT, XOR_TARGET, batch_size=4, epochs=FIT_EPOCHS,
                                   preferred_node=workers[0].id, timeout=TIMEOUT)
    check(transact["type"] == "transact" and transact["worker_id"] == workers[0].id,
          "fit ends with the chosen worker's transact message")
    check(keras2ipfs(client.api, trained) == transact["model_addr"],
          "fit returns the trained model (the transact's CID), not the one it sent")
    check(not np.array_equal(predict(trained, XOR_INPUT), before), "the returned model has been trained")
    out(f"fit     {keras2ipfs(client.api, model)} on {transact['worker_id']}: {FIT_EPOCHS} epochs -> "
        f"{transact['model_addr']} (loss {transact['eval_loss']:.4f})")
    return model


def federated(client: KerasClient, workers: Sequence[Worker], model: Any, check: Checks,
              out: Callable[[str], Any]) -> None:
    """Part 3: FedAvg rounds over two shards of XOR."""
    out(f"== 3. federated averaging: XOR rows 0-1 on node 1, rows 2-3 on node 2; "
        f"{ROUNDS} rounds of {LOCAL_EPOCHS} local epochs ==")
    shards = [(XOR_INPUT[:2], XOR_TARGET[:2]), (XOR_INPUT[2:], XOR_TARGET[2:])]
    first_loss = float(model.evaluate(XOR_INPUT, XOR_TARGET, verbose=0))
    out(f"round  0  {keras2ipfs(client.api, model)}  loss {first_loss:.4f}")
    for r in range(1, ROUNDS + 1):
        result = fedavg_round(client, model, shards, [w.id for w in workers], batch_size=2,
                              epochs=LOCAL_EPOCHS, timeout=TIMEOUT)
        check(len(result.updates) == 2 and result.parent_model == keras2ipfs(client.api, model),
              f"round {r}: both workers trained the global model")
        model = result.model
        if r % 5 == 0:
            loss = float(model.evaluate(XOR_INPUT, XOR_TARGET, verbose=0))
            updates = ", ".join(f"{u.worker_id[-5:]}:{u.model_addr}" for u in result.updates)
            out(f"round {r:2d}  {result.model_addr}  loss {loss:.4f}  (from {updates})")
    final_loss = float(model.evaluate(XOR_INPUT, XOR_TARGET, verbose=0))
    check(final_loss < first_loss / 2, "federated training at least halves the loss")
    fetched = ipfs2keras(client.api, result.model_addr)
    check(predict(fetched, XOR_INPUT).tobytes() == predict(model, XOR_INPUT).tobytes(),
          "the averaged model fetched by CID predicts bitwise as the client's")
    scores = predict(fetched, XOR_INPUT).ravel()
    check(np.array_equal((scores > 0.5).astype("float32"), XOR_TARGET.ravel()), "the model has learnt XOR")
    for row, score in zip(XOR_INPUT.astype(int).tolist(), scores):
        out(f"predict {row} -> {score:.3f}")


def main(out: Callable[[str], Any] = print) -> int:
    """Run the demo, printing through ``out``; 0 if every check passed, else 1."""
    check = Checks(out)
    net = fakeipfs.Network(3, seed=SEED, kubo_version=GRID_KUBO)
    apis = [ipfsapi.for_node(node) for node in net.nodes]
    notebook(apis[0], check, out)
    workers = [Worker(apis[i], name=f"node {i}", shuffle=False).start() for i in (1, 2)]
    try:
        client = KerasClient(apis[0], out=out)
        model = grid(client, workers, check, out)
        client.verbose = False
        federated(client, workers, model, check, out)
    finally:
        for worker in workers:
            worker.stop()
    out(f"checks: {check.passed} passed, {check.failed} failed")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
