"""Grid's Keras training protocol over pubsub (grid_shim.client, grid_shim.worker,
grid_shim.channels) between nodes of a fakeipfs.Network, Grid's bugs fixed."""
from __future__ import annotations

import json
import logging
import threading

import numpy as np
import pytest

import fakeipfs
from grid_shim import channels, ipfsapi, messages
from grid_shim.client import KerasClient, NoWorkers, TrainingFailed, WorkerTimeout
from grid_shim.demo import XOR_INPUT, XOR_TARGET
from grid_shim.keras import ipfs2keras, keras2ipfs
from grid_shim.worker import SPEC_FIELDS
from gridnet import KERAS_NUMPY2_WARNINGS, grid_network

pytestmark = KERAS_NUMPY2_WARNINGS


def bits(m) -> bytes:
    return np.asarray(m.predict(XOR_INPUT, verbose=0)).tobytes()


@pytest.fixture(scope="module")
def grid1():
    with grid_network(1) as grid:
        yield grid


@pytest.fixture(scope="module")
def grid3():
    with grid_network(3) as grid:
        yield grid


# --- channels and ids -----------------------------------------------------------------------

def test_channel_names_are_grids():
    assert channels.train_channel("QmX") == "openmined_train_QmX"
    assert channels.train_control_channel("openmined_train_QmX", "compute:QmW") == "openmined_train_QmX:compute:QmW"
    assert channels.list_workers_callback("client:QmA") == "openmined:list_workers:QmA"
    assert channels.whoami_listener_callback("compute:QmW") == "openmined:whoami:QmW"
    assert channels.node_id("COMPUTE", "QmW") == "compute:QmW"


@pytest.mark.parametrize("a, b, same", [
    ("compute:QmW", "QmW", True), ("QmW", "QmW", True), ("/p2p-circuit/ipfs/QmW", "compute:QmW", True),
    ("compute:QmW", "compute:QmV", False)])
def test_ids_compare_by_peer_id(a, b, same):
    assert channels.same_node(a, b) is same


# --- the fit spec ---------------------------------------------------------------------------

def test_fit_spec_has_grids_fields_in_grids_order(grid1, model):
    api = grid1.client.api
    spec = grid1.client.generate_fit_spec(model, XOR_INPUT, XOR_TARGET, batch_size=2, epochs=3,
                                          log_interval=2, preferred_node="compute:QmW")
    assert tuple(spec) == SPEC_FIELDS
    assert spec == {"type": "fit", "model_addr": keras2ipfs(api, model), "data_addr": spec["data_addr"],
                    "batch_size": 2, "epochs": 3, "log_interval": 2, "framework": "keras",
                    "train_channel": "openmined_train_" + spec["model_addr"], "preferred_node": "compute:QmW"}
    train = json.dumps(XOR_INPUT.tolist())
    target = json.dumps(XOR_TARGET.tolist())
    assert json.loads(api.cat(spec["data_addr"])) == [train, target, train, target]
    assert spec["data_addr"] == api.add_str(json.dumps([train, target, train, target]))


# --- fit ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kubo_version", ["0.4.13", "0.22.0"])
def test_fit_returns_the_trained_model(model, kubo_version):
    """Grid returned the model it had sent; go-ipfs 0.4.13 was Grid's daemon, kubo 0.22 speaks multibase."""
    with grid_network(1, kubo_version=kubo_version) as grid:
        heard: list[dict] = []
        worker = grid.workers[0]
        trained, transact = grid.client.fit(model, XOR_INPUT, XOR_TARGET, batch_size=4, epochs=3,
                                            message_handler=heard.append, preferred_node="random", timeout=30)
        api = grid.client.api
        assert keras2ipfs(api, trained) == transact["model_addr"] != keras2ipfs(api, model)
        assert bits(trained) != bits(model)
        assert transact == {"type": "transact", "model_addr": transact["model_addr"],
                            "eval_loss": transact["eval_loss"], "parent_model": keras2ipfs(api, model),
                            "worker_id": worker.id}
        assert [(m["type"], m.get("epoch_id")) for m in heard] == [("log", 0), ("log", 1), ("log", 2),
                                                                   ("transact", None)]
        assert list(heard[0]) == ["type", "eval_loss", "epoch_id", "num_epochs", "parent_model", "worker_id"]
        assert heard[2]["eval_loss"] == transact["eval_loss"]
        # the worker trained what a local fit trains
        local = ipfs2keras(api, keras2ipfs(api, model))
        local.fit(XOR_INPUT.astype("float64"), XOR_TARGET.astype("float64"), batch_size=4, epochs=3,
                  verbose=0, shuffle=False, validation_data=(XOR_INPUT, XOR_TARGET))
        assert bits(local) == bits(trained)


def test_fitting_the_same_model_twice_trains_twice(grid1, model):
    """Grid's dedup of channels made the second fit of a model return None at once."""
    first = grid1.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=1, preferred_node=grid1.workers[0].id)
    second = grid1.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=1, preferred_node=grid1.workers[0].id)
    assert first[1] == second[1]


def test_log_interval_is_honoured(grid1, model):
    heard: list[dict] = []
    grid1.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=5, log_interval=2, message_handler=heard.append)
    assert [m.get("epoch_id") for m in heard] == [1, 3, 4, None]


def test_progress_lines_are_grids(grid1, model):
    lines: list[str] = []
    client = KerasClient(grid1.client.api, out=lines.append)
    worker = grid1.workers[0]
    client.fit(model, XOR_INPUT, XOR_TARGET, epochs=2, preferred_node=worker.peer_id)
    assert lines[0] == f"PREFERRED NODE:{worker.peer_id}"
    assert [line[:len("Worker:xxxxx - Epoch 0 of 2 - Valid Loss: ")] for line in lines[1:]] == [
        f"Worker:{worker.id[-5:]} - Epoch 0 of 2 - Valid Loss: ",
        f"Worker:{worker.id[-5:]} - Epoch 1 of 2 - Valid Loss: "]


@pytest.mark.parametrize("how", ["prefixed", "bare", "address"])
def test_a_named_worker_trains_and_the_others_do_not(grid3, model, how):
    worker = grid3.workers[1]
    name = {"prefixed": worker.id, "bare": worker.peer_id, "address": f"/p2p-circuit/ipfs/{worker.peer_id}"}[how]
    heard: list[dict] = []
    _, transact = grid3.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=2, message_handler=heard.append,
                                   preferred_node=name)
    assert {m["worker_id"] for m in heard} == {worker.id} == {transact["worker_id"]}


def test_first_available_takes_the_first_transact(grid3, model):
    _, transact = grid3.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=2, preferred_node="first_available")
    assert transact["worker_id"] in {w.id for w in grid3.workers}


def test_quit_stops_a_worker_which_still_sends_its_model(grid1, model):
    """Grid's quit handler crashed (AttributeError); here the job stops after its epoch."""
    worker = grid1.workers[0]
    heard: list[dict] = []

    def quit_at_once(msg: dict) -> None:
        heard.append(msg)
        if len(heard) == 1:
            messages.publish(grid1.client.api, channels.train_control_channel(
                channels.train_channel(msg["parent_model"]), msg["worker_id"]), {"op_code": "quit"})

    trained, transact = grid1.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=1000, message_handler=quit_at_once,
                                         preferred_node=worker.id)
    logs = [m for m in heard if m["type"] == "log"]
    assert heard[-1] is not logs[-1] and heard[-1]["type"] == "transact"
    assert logs[-1]["epoch_id"] < 999
    assert keras2ipfs(grid1.client.api, trained) == transact["model_addr"]


def test_random_without_workers(model):
    with grid_network(0) as grid:
        with pytest.raises(NoWorkers, match="no worker is subscribed to 'openmined'"):
            grid.client.fit(model, XOR_INPUT, XOR_TARGET)


# --- discovery and whoami -------------------------------------------------------------------

def test_discovery_and_whoami(grid3):
    client, workers = grid3.client, grid3.workers
    peers = sorted(w.peer_id for w in workers)
    assert client.workers() == peers
    assert client.list_workers(wait=0.2) == peers
    for worker, name in zip(workers, [workers[0].id, workers[1].peer_id, workers[2].id]):
        stats = client.get_stats(name, timeout=10)
        assert stats["id"] == worker.id
        assert stats["worker_type"] == "COMPUTE"
        assert stats["services_running"] == ["fit_worker", "whoami", "list_workers"]


def test_whoami_without_the_subscribe_ack():
    """From go-ipfs 0.4.14 no ``{}`` opens a subscription; Grid's request_response sent its
    request on that first item, so get_stats never asked."""
    with grid_network(1, kubo_version="0.4.14") as grid:
        assert grid.client.get_stats(grid.workers[0].peer_id, timeout=10)["id"] == grid.workers[0].id


def test_a_stopped_worker_leaves_the_grid(model):
    with grid_network(2) as grid:
        grid.workers[0].stop()
        assert grid.client.workers() == [grid.workers[1].peer_id]
        with pytest.raises(TimeoutError, match="timeout after 0.2 seconds"):
            grid.client.get_stats(grid.workers[0].id, timeout=0.2)


# --- bad input ------------------------------------------------------------------------------

def test_worker_survives_malformed_messages(grid1, model, caplog):
    """Grid's fit listener died on the first message that was not a fit spec."""
    api = grid1.client.api
    spec = grid1.client.generate_fit_spec(model, XOR_INPUT, XOR_TARGET)
    incomplete = {k: v for k, v in spec.items() if k != "data_addr"}
    bad_epochs = dict(spec, epochs="many", preferred_node="first_available")
    with caplog.at_level(logging.WARNING, logger="grid_shim"):
        for payload in ["", "not json", "[1, 2]", json.dumps({"type": "hello"}), json.dumps(incomplete),
                        json.dumps(bad_epochs), "\u00e9t\u00e9"]:
            api.pubsub_pub(channels.openmined, payload)
        _, transact = grid1.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=1)
    assert transact["worker_id"] == grid1.workers[0].id
    warnings = [r.getMessage() for r in caplog.records if r.name in ("grid_shim.worker", "grid_shim.channels")]
    assert len([w for w in warnings if w.startswith("grid_shim: skipping a message without data on 'openmined'")]) == 1
    assert "grid_shim: skipping a message on 'openmined' that is not JSON: 'not json'" in warnings
    assert len([w for w in warnings if "that is not a fit spec" in w]) == 2
    assert "grid_shim: skipping a fit spec without data_addr" in warnings
    assert any(w.startswith("grid_shim: skipping a fit spec with a bad field") for w in warnings)


@pytest.mark.parametrize("change, error", [
    ({"framework": "torch"}, "JobError: framework 'torch' is not supported (only 'keras')"),
    ({"model_addr": "data"}, "NotAKerasModel: ipfs2keras: {cid} is not a Keras model"),
    ({"data_addr": "model"}, "JobError: the dataset is not Grid's [input, target, valid_input, valid_target] JSON"),
])
def test_a_job_the_worker_cannot_do_is_reported(grid1, model, monkeypatch, change, error):
    """Grid's worker raised in its thread and the client waited forever."""
    client = grid1.client
    make_spec = client.generate_fit_spec
    junk = client.api.add_bytes(b"[1, 2, 3]")

    def spec_with_change(*args, **kwargs):
        spec = make_spec(*args, **kwargs)
        for key, value in change.items():
            spec[key] = {"data": junk, "model": spec["model_addr"]}.get(value, value)
        spec["train_channel"] = channels.train_channel(spec["model_addr"])
        return spec

    monkeypatch.setattr(client, "generate_fit_spec", spec_with_change)
    with pytest.raises(TrainingFailed) as raised:
        client.fit(model, XOR_INPUT, XOR_TARGET, timeout=30)
    worker = grid1.workers[0]
    assert str(raised.value).startswith(f"fit: worker {worker.id} could not train ")
    assert error.format(cid=junk) in str(raised.value)


def test_client_skips_noise_and_rejects_a_model_that_is_not_one(model, caplog):
    """A stand-in worker on node 1 answers the spec with noise, a good log, then a transact
    whose CID is not a model."""
    net = fakeipfs.Network(2, seed=1)
    client = KerasClient(ipfsapi.for_node(net.nodes[0]), verbose=False)
    rogue = ipfsapi.for_node(net.nodes[1])
    rogue_id = "compute:" + rogue.config_show()["Identity"]["PeerID"]
    junk = rogue.add_bytes(b"not a model")

    def answer(message: messages.Message) -> bool:
        spec = json.loads(message["data"])
        channel, parent = spec["train_channel"], spec["model_addr"]
        for payload in ["", "{", json.dumps([1]), json.dumps({"type": "gossip"}),
                        json.dumps({"type": "log", "parent_model": parent}),
                        json.dumps({"type": "log", "parent_model": "QmOther", "worker_id": rogue_id}),
                        json.dumps({"type": "log", "eval_loss": 0.5, "epoch_id": 0, "num_epochs": 1,
                                    "parent_model": parent, "worker_id": rogue_id}),
                        json.dumps({"type": "transact", "model_addr": junk, "eval_loss": 0.5,
                                    "parent_model": parent, "worker_id": rogue_id})]:
            rogue.pubsub_pub(channel, payload)
        return True

    listener = messages.listen_to_channel(rogue, channels.openmined, answer)
    heard: list[dict] = []
    with caplog.at_level(logging.WARNING, logger="grid_shim"), pytest.raises(TrainingFailed) as raised:
        client.fit(model, XOR_INPUT, XOR_TARGET, message_handler=heard.append, timeout=30)
    listener.close()
    assert str(raised.value).startswith(f"fit: worker {rogue_id} sent back '{junk}', which is not a model: "
                                        f"ipfs2keras: {junk} is not a Keras model")
    assert [m["type"] for m in heard] == ["log", "transact"]
    skipped = [r.getMessage() for r in caplog.records if r.name.startswith("grid_shim.")]
    assert len(skipped) == 6
    assert len([s for s in skipped if s.startswith("grid_shim: skipping a message without data on 'openmined_")]) == 1
    assert len([s for s in skipped if "that is not JSON: '{'" in s]) == 1
    assert len([s for s in skipped if "of no known type" in s]) == 2
    assert len([s for s in skipped if "without this fit's parent_model and a worker_id" in s]) == 2


# --- workers that go away, messages that are lost ---------------------------------------------

@pytest.mark.parametrize("how", ["stop", "crash"])
def test_a_worker_that_vanishes_mid_training_times_the_client_out(model, how):
    with grid_network(1) as grid:
        worker = grid.workers[0]

        def vanish(msg: dict) -> None:
            if msg["epoch_id"] == 0:
                threading.Thread(target=worker.stop if how == "stop" else lambda: grid.net.crash(1)).start()

        with pytest.raises(WorkerTimeout) as raised:
            grid.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=1000, message_handler=vanish,
                            preferred_node=worker.id, timeout=1.0)
    spec_model = keras2ipfs(grid.client.api, model)
    assert str(raised.value) == (
        f"fit: nothing from worker {worker.id} on 'openmined_train_{spec_model}' for 1.0 s "
        f"(last heard: epoch 0 of 1000 from {worker.id}); the worker may have gone away")


def test_lost_messages_time_the_client_out_and_the_grid_recovers(model):
    """With every message on the client-worker 2 link dropped, the spec still reaches worker 2
    through worker 1 (floodsub relays topics a node subscribes to), but nobody relays the train
    channel back: the client times out, and the worker's subscriptions survive."""
    with grid_network(2) as grid:
        worker = grid.workers[1]
        grid.net.link(0, 2).set(drop=1.0)
        with pytest.raises(WorkerTimeout, match=r"for 1.0 s \(no message yet\); the worker may have gone away"):
            grid.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=2, preferred_node=worker.id, timeout=1.0)
        grid.net.link(0, 2).clear()
        _, transact = grid.client.fit(model, XOR_INPUT, XOR_TARGET, epochs=2, preferred_node=worker.id)
        assert transact["worker_id"] == worker.id
