"""grid_shim.federated: federated averaging over Grid's protocol, models exchanged by CID."""
from __future__ import annotations

import numpy as np
import pytest

from grid_shim.client import NoWorkers, WorkerTimeout
from grid_shim.demo import XOR_INPUT, XOR_TARGET
from grid_shim.federated import average_weights, fedavg_round
from grid_shim.keras import ipfs2keras, keras2ipfs
from gridnet import KERAS_NUMPY2_WARNINGS, grid_network

pytestmark = KERAS_NUMPY2_WARNINGS


def test_average_weights_is_weighted_by_samples():
    a = [np.array([1.0, 2.0], dtype="float32"), np.array([[0.0]], dtype="float32")]
    b = [np.array([5.0, 6.0], dtype="float32"), np.array([[4.0]], dtype="float32")]
    avg = average_weights([a, b], [1, 3])
    assert [w.dtype for w in avg] == [np.float32, np.float32]
    assert [w.tolist() for w in avg] == [[4.0, 5.0], [[3.0]]]


@pytest.mark.parametrize("weights, samples, error", [
    ([], [], "one list of weights per sample count, at least one"),
    ([[np.zeros(1)]], [1, 2], "one list of weights per sample count, at least one"),
    ([[np.zeros(1)]], [0], "the sample counts add up to nothing"),
])
def test_average_weights_bad_input(weights, samples, error):
    with pytest.raises(ValueError, match=error):
        average_weights(weights, samples)


def test_a_round_averages_the_workers_models_by_cid(model):
    """Three workers, shards of 1, 1 and 2 rows: the averaged model is the sample-weighted
    mean of the three models the workers sent back, each fetched again by its CID."""
    shards = [(XOR_INPUT[:1], XOR_TARGET[:1]), (XOR_INPUT[1:2], XOR_TARGET[1:2]), (XOR_INPUT[2:], XOR_TARGET[2:])]
    with grid_network(3) as grid:
        api = grid.client.api
        result = fedavg_round(grid.client, model, shards, batch_size=2, epochs=2)
        assert result.parent_model == keras2ipfs(api, model)
        assert [(u.worker_id, u.samples) for u in result.updates] == [
            (w.id, n) for w, n in zip(sorted(grid.workers, key=lambda w: w.peer_id), [1, 1, 2])]
        trained = [ipfs2keras(api, u.model_addr).get_weights() for u in result.updates]
        expected = average_weights(trained, [1, 1, 2])
        assert [w.tobytes() for w in result.model.get_weights()] == [w.tobytes() for w in expected]
        fetched = ipfs2keras(api, result.model_addr).get_weights()
        assert [w.tobytes() for w in fetched] == [w.tobytes() for w in expected]
        assert result.loss == pytest.approx(np.average([u.eval_loss for u in result.updates], weights=[1, 1, 2]))
        assert result.dropped == []
        # workers' models differ from one another and from the parent
        assert len({u.model_addr for u in result.updates} | {result.parent_model, result.model_addr}) == 5


def test_rounds_reduce_the_loss(model):
    shards = [(XOR_INPUT[:2], XOR_TARGET[:2]), (XOR_INPUT[2:], XOR_TARGET[2:])]
    with grid_network(2) as grid:
        current = model
        losses = [float(model.evaluate(XOR_INPUT, XOR_TARGET, verbose=0))]
        for _ in range(3):
            current = fedavg_round(grid.client, current, shards, batch_size=2, epochs=5).model
            losses.append(float(current.evaluate(XOR_INPUT, XOR_TARGET, verbose=0)))
    assert losses == sorted(losses, reverse=True) and len(set(losses)) == 4


def test_a_lost_worker_fails_the_round_or_drops_out(model):
    shards = [(XOR_INPUT[:2], XOR_TARGET[:2]), (XOR_INPUT[2:], XOR_TARGET[2:])]
    with grid_network(2) as grid:
        lost = sorted(grid.workers, key=lambda w: w.peer_id)[1]
        lost_node = 1 + grid.workers.index(lost)
        grid.net.link(0, lost_node).set(drop=1.0)
        with pytest.raises(WorkerTimeout):
            fedavg_round(grid.client, model, shards, timeout=1.0)
        result = fedavg_round(grid.client, model, shards, timeout=1.0, allow_dropouts=True)
    assert [u.samples for u in result.updates] == [2]
    assert [w for w, _ in result.dropped] == [lost.peer_id]
    assert result.dropped[0][1].startswith(f"fit: nothing from worker {lost.peer_id} on 'openmined_train_")
    kept = ipfs2keras(grid.client.api, result.updates[0].model_addr)
    assert [w.tobytes() for w in result.model.get_weights()] == [w.tobytes() for w in kept.get_weights()]


def test_more_shards_than_workers(model):
    with grid_network(1) as grid:
        with pytest.raises(NoWorkers, match="2 shards but 1 workers"):
            fedavg_round(grid.client, model, [(XOR_INPUT, XOR_TARGET)] * 2)
    with pytest.raises(ValueError, match="no shards"):
        fedavg_round(grid.client, model, [])
