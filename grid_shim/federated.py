"""Federated averaging over Grid's protocol: the step Grid's notebooks described ("the gradients
received from the different devices will be aggregated") but never built.

One round of FedAvg (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks
from Decentralized Data", algorithm 1): every worker trains the current global model on its own
shard (a Grid ``fit`` addressed to it, so model and shard travel by CID and the trained model
comes back by CID in the ``transact`` message); the client averages the workers' weights,
weighted by their shards' sample counts, and adds the averaged model to IPFS. The fits of a
round run at once, one thread each; they share the train channel (one model, one CID) and each
follows only its own worker's messages.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from .client import GridError, KerasClient, NoWorkers
from .keras import ipfs2keras, keras2ipfs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Update:
    """One worker's contribution to a round."""

    worker_id: str
    model_addr: str  # the trained model's CID (the ``transact`` message's)
    samples: int  # the size of the shard it trained on
    eval_loss: Optional[float]  # its last training loss


@dataclass
class Round:
    """The outcome of :func:`fedavg_round`."""

    model: Any  # the averaged model
    model_addr: str  # its CID
    parent_model: str  # the CID of the global model the round started from
    updates: list[Update]
    #: ``(worker, error)`` for each worker left out (only with ``allow_dropouts``)
    dropped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def loss(self) -> float:
        """The workers' last training losses, averaged by sample count."""
        return float(np.average([u.eval_loss for u in self.updates], weights=[u.samples for u in self.updates]))


def average_weights(weights: Sequence[Sequence[np.ndarray]], samples: Sequence[int]) -> list[np.ndarray]:
    """FedAvg's server step: each tensor averaged over the workers, weighted by sample count
    (computed in float64, returned in each tensor's own dtype)."""
    if not weights or len(weights) != len(samples):
        raise ValueError("average_weights: one list of weights per sample count, at least one")
    if sum(samples) <= 0:
        raise ValueError("average_weights: the sample counts add up to nothing")
    return [np.average(np.stack([np.asarray(w, dtype=np.float64) for w in tensors]), axis=0,
                       weights=samples).astype(np.asarray(tensors[0]).dtype)
            for tensors in zip(*weights)]


def fedavg_round(client: KerasClient, model: Any, shards: Sequence[tuple[Any, Any]],
                 workers: Optional[Sequence[str]] = None, *, batch_size: int = 1, epochs: int = 1,
                 timeout: float = 60.0, allow_dropouts: bool = False) -> Round:
    """One FedAvg round: shard ``i`` (``(input, target)``) is trained on ``workers[i]``
    (default: the client's ``openmined`` peers, in order), and the averaged model is added.

    A worker that fails or goes silent for ``timeout`` seconds fails the round (its error is
    raised), unless ``allow_dropouts``: then the round averages the others' models and lists
    the dropped workers; it fails only if none answered."""
    if not shards:
        raise ValueError("fedavg_round: no shards")
    if workers is None:
        workers = client.workers()
    if len(workers) < len(shards):
        raise NoWorkers(f"fedavg_round: {len(shards)} shards but {len(workers)} workers")
    parent_model = keras2ipfs(client.api, model)

    def train(worker: str, shard: tuple[Any, Any]) -> tuple[Any, dict]:
        x, y = shard
        return client.fit(model, x, y, batch_size=batch_size, epochs=epochs,
                          preferred_node=worker, timeout=timeout)

    with ThreadPoolExecutor(max_workers=len(shards), thread_name_prefix="grid_shim fedavg") as pool:
        futures = [pool.submit(train, worker, shard) for worker, shard in zip(workers, shards)]
    updates, trained, dropped = [], [], []
    for worker, shard, future in zip(workers, shards, futures):
        error = future.exception()
        if error is not None:
            if not allow_dropouts:
                raise error
            log.warning("grid_shim: fedavg round without %s: %s", worker, error)
            dropped.append((worker, str(error)))
            continue
        trained_model, transact = future.result()
        trained.append(trained_model)
        updates.append(Update(str(transact["worker_id"]), str(transact["model_addr"]), len(shard[0]),
                              transact.get("eval_loss")))
    if not updates:
        raise GridError(f"fedavg_round: every worker dropped out: {dropped}")
    averaged = ipfs2keras(client.api, parent_model, safe_mode=client.safe_mode)
    averaged.set_weights(average_weights([m.get_weights() for m in trained], [u.samples for u in updates]))
    return Round(averaged, keras2ipfs(client.api, averaged), parent_model, updates, dropped)
