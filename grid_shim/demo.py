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

The same against running daemons (a real kubo, ``fakeipfs daemon``, ``fakeipfs testnet``),
through :func:`grid_shim.ipfsapi.connect_multiaddr`, over HTTP::

    python -m grid_shim.demo --api /ip4/127.0.0.1/tcp/5001            # one daemon
    python -m grid_shim.demo --api /ip4/127.0.0.1/tcp/5001 --nodes 3  # a fakeipfs testnet
    python -m grid_shim.demo --api ADDR0 --api ADDR1 --api ADDR2      # any daemons

- **One daemon** (what a kubo user has): the client and one compute worker share the node, as
  Grid ran them on one machine. Pubsub delivers a node's own messages to its own subscribers
  (go-libp2p-pubsub ``pubsub.go``: ``publishMessage`` calls ``notifySubs`` for every message,
  local ones included), so the worker hears the fit spec and the ``whoami`` request, and the
  client the worker's replies. ``pubsub_peers`` lists remote peers only, so Grid's discovery
  finds nobody there; the federated rounds train the whole table on that one worker.
- **Several daemons**: the client on the first, a worker on each of the others, the rows split
  between them (at most four workers). ``--nodes N`` with one ``--api``: the addresses of a
  ``fakeipfs testnet`` of N nodes (node i on the API port plus i).
- ``--external-workers``: start no worker; use those already serving the other nodes
  (``python -m grid_shim.worker HOST PORT`` each, Grid's compute nodes), found as Grid found
  them, with ``pubsub_peers('openmined')``.

A real kubo needs pubsub (``ipfs daemon --enable-pubsub-experiment``, or ``Pubsub.Enabled``);
a daemon that is unreachable or refuses pubsub makes the demo exit 2, naming it.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any, Callable, Sequence

import numpy as np

import fakeipfs
from fakeipfs.multiaddr import Multiaddr

from . import channels, ipfsapi, messages, tensors
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
    """The notebook's and Grid's integration test's XOR model, compiled with SGD. The model,
    its input, layers and optimizer are named: Keras would number them by how many it has made
    in the process (``dense_4``, ``sgd_1``), and the names are saved with the model, so its CID
    would depend on what ran before."""
    keras = load_keras()
    layers = keras.layers
    model = keras.Sequential([keras.Input((2,), name="input"), layers.Dense(8, name="hidden"),
                              layers.Activation("tanh", name="tanh"), layers.Dense(1, name="output"),
                              layers.Activation("sigmoid", name="sigmoid")], name="xor")
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, name="sgd")
    model.compile(loss="binary_crossentropy", optimizer=optimizer)
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


def grid(client: KerasClient, workers: Sequence[str], where: str, check: Checks,
         out: Callable[[str], Any]) -> Any:
    """Part 2: discovery, whoami and one Grid fit on ``workers[0]`` (worker ids); returns the
    initial XOR model."""
    out(f"== 2. Grid on {where}: client {client.id} on node 0 ==")
    peers = client.workers()
    remote = {channels.bare_id(w) for w in workers} - {client.peer_id}
    check(remote <= set(peers), "pubsub_peers('openmined') lists the workers on other nodes")
    out(f"workers pubsub_peers('openmined') = {peers}")
    for worker in workers:
        stats = client.get_stats(worker, timeout=TIMEOUT)
        check(stats["id"] == worker, f"whoami answers for {worker}")
        out(f"whoami  {worker}: {stats['worker_type']}, services {stats['services_running']}")

    keras = load_keras()
    keras.utils.set_random_seed(SEED)
    model = xor_model(LEARNING_RATE)
    before = predict(model, XOR_INPUT)
    trained, transact = client.fit(model, XOR_INPUT, XOR_TARGET, batch_size=4, epochs=FIT_EPOCHS,
                                   preferred_node=workers[0], timeout=TIMEOUT)
    check(transact["type"] == "transact" and transact["worker_id"] == workers[0],
          "fit ends with the chosen worker's transact message")
    check(keras2ipfs(client.api, trained) == transact["model_addr"],
          "fit returns the trained model (the transact's CID), not the one it sent")
    check(not np.array_equal(predict(trained, XOR_INPUT), before), "the returned model has been trained")
    out(f"fit     {keras2ipfs(client.api, model)} on {transact['worker_id']}: {FIT_EPOCHS} epochs -> "
        f"{transact['model_addr']} (loss {transact['eval_loss']:.4f})")
    return model


def federated(client: KerasClient, workers: Sequence[str], labels: Sequence[str], model: Any,
              check: Checks, out: Callable[[str], Any]) -> None:
    """Part 3: FedAvg rounds, XOR's rows split between the workers (at most four of them, one
    shard each); ``labels`` name the workers in the header."""
    parts = np.array_split(np.arange(len(XOR_INPUT)), min(len(workers), len(XOR_INPUT)))
    workers = workers[:len(parts)]
    shards = [(XOR_INPUT[rows], XOR_TARGET[rows]) for rows in parts]
    split = ", ".join(f"{f'rows {rows[0]}-{rows[-1]}' if len(rows) > 1 else f'row {rows[0]}'} on {label}"
                      for rows, label in zip(parts, labels))
    out(f"== 3. federated averaging: XOR {split}; {ROUNDS} rounds of {LOCAL_EPOCHS} local epochs ==")
    first_loss = float(model.evaluate(XOR_INPUT, XOR_TARGET, verbose=0))
    out(f"round  0  {keras2ipfs(client.api, model)}  loss {first_loss:.4f}")
    for r in range(1, ROUNDS + 1):
        result = fedavg_round(client, model, shards, workers, batch_size=2, epochs=LOCAL_EPOCHS,
                              timeout=TIMEOUT)
        check(len(result.updates) == len(workers) and result.parent_model == keras2ipfs(client.api, model),
              f"round {r}: every worker trained the global model")
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


class Unusable(Exception):
    """A daemon given with ``--api`` does not answer as an IPFS RPC API, or runs without pubsub."""


def embedded() -> tuple[list[ipfsapi.Client], str]:
    """The default: Grid's clients on a simulated 3-node network, and its description."""
    net = fakeipfs.Network(3, seed=SEED, kubo_version=GRID_KUBO)
    return [ipfsapi.for_node(node) for node in net.nodes], f"a 3-node network (go-ipfs {GRID_KUBO})"


def testnet_addrs(api: str, nodes: int) -> list[str]:
    """The API addresses of a ``fakeipfs testnet`` whose node 0 listens on ``api``: node ``i``
    on its port plus ``i`` (:mod:`fakeipfs.testnet`)."""
    base = Multiaddr.parse(api)
    return [str(dataclasses.replace(base, port=base.port + i)) for i in range(nodes)]


def daemons(addrs: Sequence[str]) -> tuple[list[ipfsapi.Client], str]:
    """Grid's clients on the daemons at ``addrs``, and their description; :class:`Unusable`
    names the first that does not answer or has no pubsub (``pubsub ls`` gives kubo's
    ``experimental pubsub feature not enabled...``)."""
    apis = []
    for addr in addrs:
        try:
            api = ipfsapi.connect_multiaddr(addr)
        except ipfsapi.Error as e:
            raise Unusable(f"no IPFS RPC API at {addr}: {e}") from None
        try:
            api.pubsub_ls()
        except ipfsapi.ErrorResponse as e:
            raise Unusable(f"the daemon at {addr} refuses pubsub: {e}") from None
        apis.append(api)
    version = apis[0].version()["Version"]
    where = f"the daemon at {addrs[0]}" if len(addrs) == 1 else f"{len(addrs)} daemons at {', '.join(addrs)}"
    return apis, f"{where} (version {version})"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m grid_shim.demo", description="The seed notebook, a Grid fit and federated averaging: "
        "on a simulated 3-node network (default) or on running IPFS daemons (--api).")
    parser.add_argument("--api", action="append", metavar="MULTIADDR", default=[],
                        help="A daemon's RPC API (e.g. /ip4/127.0.0.1/tcp/5001), instead of the simulated "
                             "network; repeat it for several nodes (the client uses the first).")
    parser.add_argument("--nodes", type=int, metavar="N",
                        help="With one --api: a fakeipfs testnet of N nodes, node i on the API port plus i.")
    parser.add_argument("--external-workers", action="store_true",
                        help="Start no worker: use the ones already serving the other nodes "
                             "(python -m grid_shim.worker HOST PORT), found by pubsub_peers('openmined').")
    args = parser.parse_args(list(argv))
    for addr in args.api:
        try:
            Multiaddr.parse(addr)
        except ValueError as e:
            parser.error(f"--api {addr}: {e}")
    if args.nodes is not None:
        if len(args.api) != 1 or args.nodes < 1:
            parser.error("--nodes N (at least 1) goes with exactly one --api, the testnet's node 0")
        args.api = testnet_addrs(args.api[0], args.nodes)
    if args.external_workers and not args.api:
        parser.error("--external-workers goes with --api: the simulated network has no worker of its own")
    return args


def main(argv: Sequence[str] = (), out: Callable[[str], Any] = print) -> int:
    """Run the demo (``argv``: the options above), printing through ``out``; 0 if every check
    passed, 1 if one failed, 2 if a daemon cannot be used (unreachable, or without pubsub)."""
    args = parse_args(argv)
    try:
        apis, where = daemons(args.api) if args.api else embedded()
    except Unusable as e:
        out(f"grid_shim.demo: {e}")
        return 2
    check = Checks(out)
    notebook(apis[0], check, out)
    client = KerasClient(apis[0], out=out)
    started: list[Worker] = []
    try:
        if args.external_workers:
            peers = client.workers()
            ids = [channels.node_id(channels.COMPUTE, peer) for peer in peers]
            labels = [f"worker {peer[-5:]}" for peer in peers]
        else:  # one daemon: client and worker share it (pubsub echoes a node's own messages)
            on = range(1, len(apis)) if len(apis) > 1 else [0]
            started = [Worker(apis[i], name=f"node {i}", shuffle=False).start() for i in on]
            ids, labels = [w.id for w in started], [f"node {i}" for i in on]
        if not ids:
            out("grid_shim.demo: no worker on 'openmined' (pubsub_peers lists the other nodes' only): "
                "start python -m grid_shim.worker HOST PORT on another node")
            return 1
        model = grid(client, ids, where, check, out)
        client.verbose = False
        federated(client, ids, labels, model, check, out)
    finally:
        for worker in started:
            worker.stop()
    out(f"checks: {check.passed} passed, {check.failed} failed")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
