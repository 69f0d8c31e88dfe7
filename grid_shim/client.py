"""Grid's ``KerasClient`` (``grid/clients/keras.py`` and ``clients/base.py`` at Grid commit
ee5e3440; grid.md §3): train a Keras model on a Grid worker through IPFS and pubsub.

``fit`` adds the model (:func:`grid_shim.keras.keras2ipfs`) and the dataset (``add_str`` of a
JSON list of four JSON arrays) to IPFS, publishes a fit spec on ``openmined``, and follows the
worker's ``log`` messages on ``openmined_train_<model_addr>`` until its ``transact`` message,
whose ``model_addr`` is the trained model's CID.

Grid bugs fixed here:

- **fit returned the untrained model**: Grid returned ``self.load_model(self.spec['model_addr'])``,
  the model it had sent, and dropped the trained one its handler had loaded (since Grid
  ``e18db6ea``). Here ``fit`` returns the model behind the ``transact`` message's CID, and that
  message.
- **The spec went out before the client listened** (a race the worker's download and training
  time hid): here the train channel is subscribed first and the spec is published once the
  subscription is live (:func:`grid_shim.messages.listen_to_channel`'s ``init_function``).
- **fit waited forever** for a worker that had gone away: here ``timeout`` bounds the wait for
  each next message from the worker, and :class:`WorkerTimeout` says which worker, which
  channel and how far training had got.
- **A second fit of the same model returned at once**: Grid's per-client ``subscribed`` list
  made ``listen_to_channel_sync`` return None for a train channel already used; here every
  ``fit`` subscribes afresh and unsubscribes when it returns.
- **Ids**: ``preferred_node='random'`` picked a bare peer ID from ``pubsub_peers('openmined')``,
  which the worker compared with its ``compute:`` id and never accepted. Workers here compare
  with :func:`~grid_shim.channels.same_node`. ``get_stats`` asks ``openmined:whoami:<bare id>``,
  where workers listen (Grid's re-queries used the prefixed id).
- **Malformed messages** on the train channel (no data, not JSON, other types, another worker's
  messages when a worker was named) are skipped with a logged warning; a ``transact`` whose CID
  is not a model raises :class:`TrainingFailed`, as does the worker's ``error`` message.
- ``message_handler`` replaced Grid's ``receive_model`` (so a custom handler also lost the trained
  model); here it is called with each ``log``/``transact``/``error`` message before ``fit`` acts
  on it, and its return value is ignored.

Kept from Grid: the train channel is named by the model's CID alone, so fits of one model at
once share it. A fit that names its worker follows only that worker's messages (which is how
:func:`grid_shim.federated.fedavg_round` runs one model on several workers), but nothing in
Grid's messages tells two jobs of one model on one worker apart.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from typing import Any, Callable, Optional

import numpy as np

from . import channels, messages
from .ipfsapi import Client
from .keras import ipfs2keras, keras2ipfs

log = logging.getLogger(__name__)

#: Grid quit a worker whose progress fell below this share of the best worker's.
QUIT_BELOW = 0.75


class GridError(Exception):
    """A Grid training request failed."""


class NoWorkers(GridError):
    """No worker to send the job to."""


class WorkerTimeout(GridError, TimeoutError):
    """The worker went silent for longer than the timeout."""


class TrainingFailed(GridError):
    """The worker reported a failure, or sent back something that is not a model."""


def serialize_numpy(array: Any) -> str:
    """Grid's ``utils.serialize_numpy``: ``json.dumps(array.tolist())``."""
    return json.dumps(np.asarray(array).tolist())


class Training:
    """What one ``fit`` hears on its train channel (Grid's ``receive_model``, per fit)."""

    def __init__(self, client: "KerasClient", spec: dict,
                 message_handler: Optional[Callable[[dict], Any]]) -> None:
        self.client = client
        self.spec = spec
        self.worker = None if spec["preferred_node"] == "first_available" else spec["preferred_node"]
        self.message_handler = message_handler
        self.progress: dict[str, float] = {}
        self.quitted: set[str] = set()
        self.last_log: Optional[dict] = None
        self.heard = 0
        self.outcome: Optional[tuple[str, Any]] = None
        self.changed = threading.Condition()

    def receive(self, message: messages.Message) -> Any:
        msg = self._accept(message)
        if msg is None:
            return None
        with self.changed:
            self.heard += 1
            self.changed.notify_all()
        if self.message_handler is not None:
            try:
                self.message_handler(msg)
            except Exception:
                log.exception("grid_shim: the fit message_handler failed on %r", msg)
        outcome = getattr(self, "on_" + msg["type"])(msg)
        if outcome is not None:
            with self.changed:
                self.outcome = outcome
                self.changed.notify_all()
        return outcome

    def _accept(self, message: messages.Message) -> Optional[dict]:
        """The message as a dict if it is one of this fit's ``log``/``transact``/``error``."""
        channel = self.spec["train_channel"]
        msg = channels.decode_json(message, channel)
        if msg is None:
            return None
        if not isinstance(msg, dict) or msg.get("type") not in ("log", "transact", "error"):
            log.warning("grid_shim: skipping a message on %r of no known type: %.80r", channel, message["data"])
            return None
        if "worker_id" not in msg or msg.get("parent_model") != self.spec["model_addr"]:
            log.warning("grid_shim: skipping a %s message on %r without this fit's parent_model and "
                        "a worker_id", msg["type"], channel)
            return None
        if self.worker is not None and not channels.same_node(str(msg["worker_id"]), self.worker):
            log.debug("grid_shim: skipping a %s message on %r from %s, not from %s",
                      msg["type"], channel, msg["worker_id"], self.worker)
            return None
        return msg

    def on_log(self, msg: dict) -> None:
        self.last_log = msg
        worker_id = str(msg["worker_id"])
        if self.client.verbose:
            self.client.out(f"Worker:{worker_id[-5:]} - Epoch {msg.get('epoch_id')} of "
                            f"{msg.get('num_epochs')} - Valid Loss: {str(msg.get('eval_loss'))[:8]}")
        try:
            self.progress[worker_id] = float(msg["epoch_id"]) / float(msg["num_epochs"])
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            return None
        if (worker_id not in self.quitted
                and self.progress[worker_id] < QUIT_BELOW * max(self.progress.values())):
            self.quitted.add(worker_id)
            messages.publish(self.client.api,
                             channels.train_control_channel(self.spec["train_channel"], worker_id),
                             {"op_code": "quit"})
        return None

    def on_transact(self, msg: dict) -> tuple[str, Any]:
        try:
            return "model", (ipfs2keras(self.client.api, str(msg.get("model_addr")),
                                        safe_mode=self.client.safe_mode), msg)
        except Exception as e:
            return "failed", TrainingFailed(f"fit: worker {msg['worker_id']} sent back "
                                            f"{msg.get('model_addr')!r}, which is not a model: {e}")

    def on_error(self, msg: dict) -> Optional[tuple[str, Any]]:
        failure = TrainingFailed(f"fit: worker {msg['worker_id']} could not train "
                                 f"{self.spec['model_addr']}: {msg.get('error')}")
        if self.worker is None:  # another worker may still succeed
            log.warning("grid_shim: %s", failure)
            return None
        return "failed", failure

    def wait(self, listener: messages.Listener, timeout: float) -> tuple[Any, dict]:
        """Block until the outcome; :class:`WorkerTimeout` after ``timeout`` seconds of silence."""
        with self.changed:
            while self.outcome is None:
                heard = self.heard
                if not self.changed.wait_for(
                        lambda: self.outcome is not None or self.heard != heard or not listener.is_alive(),
                        timeout):
                    raise WorkerTimeout(self._silence(timeout))
                if self.outcome is None and self.heard == heard and not listener.is_alive():
                    raise GridError(f"fit: the subscription to {self.spec['train_channel']!r} ended "
                                    f"({listener.error or 'closed'})")
        kind, value = self.outcome
        if kind == "failed":
            raise value
        return value

    def _silence(self, timeout: float) -> str:
        who = f"worker {self.worker}" if self.worker else "any worker"
        if self.last_log is None:
            where = "no message yet"
        else:
            where = (f"last heard: epoch {self.last_log.get('epoch_id')} of "
                     f"{self.last_log.get('num_epochs')} from {self.last_log.get('worker_id')}")
        return (f"fit: nothing from {who} on {self.spec['train_channel']!r} for {timeout} s "
                f"({where}); the worker may have gone away")


class KerasClient:
    """A Grid client node on one IPFS client (``grid.clients.keras.KerasClient``).

    ``verbose``: print Grid's progress lines (through ``out``, default ``print``).
    ``safe_mode``: passed to Keras when loading the models workers send back."""

    def __init__(self, api: Client, *, verbose: bool = True, out: Callable[[str], Any] = print,
                 safe_mode: bool = True) -> None:
        self.api = api
        self.peer_id: str = api.config_show()["Identity"]["PeerID"]
        self.id = channels.node_id(channels.CLIENT, self.peer_id)
        self.verbose = verbose
        self.out = out
        self.safe_mode = safe_mode

    # --- the grid ------------------------------------------------------------------------------

    def workers(self) -> list[str]:
        """Grid's ``get_openmined_nodes``: the remote peers on ``openmined`` (bare peer IDs)."""
        return self.api.pubsub_peers(channels.openmined)

    def list_workers(self, wait: float = 1.0) -> list[str]:
        """Discovery (``ListenForOpenMinedNodes``): publish to ``openmined:list_workers`` and
        gather, for ``wait`` seconds, the workers that answer and the ``openmined`` peers they
        name; sorted bare peer IDs, this node left out."""
        found: set[str] = set()
        lock = threading.Lock()

        def reply(message: messages.Message) -> None:
            peers = channels.decode_json(message, channels.list_workers_callback(self.peer_id))
            if not isinstance(peers, list):
                return  # decode_json logged it, or it is JSON of another shape
            named = [p for p in peers if isinstance(p, str)]
            with lock:
                found.add(messages.peer_id_of(message))
                found.update(named)

        listener = messages.listen_to_channel(
            self.api, channels.list_workers_callback(self.peer_id), reply,
            init_function=lambda: messages.publish(self.api, channels.list_workers, {"key": "value"}))
        time.sleep(wait)
        listener.close()
        with lock:
            return sorted(found - {self.peer_id})

    def get_stats(self, worker: str, timeout: float = 10) -> dict:
        """A worker's ``whoami`` stats (``request_response`` on ``openmined:whoami:<bare id>``).
        Grid's ``request_response`` sent the request on the subscription's first item, the
        ``{}`` that only go-ipfs <= 0.4.13 sends, and hung from 0.4.14;
        :func:`grid_shim.messages.request_response` sends it once subscribed."""
        return messages.request_response(self.api, channels.whoami_listener_callback(worker), [],
                                         lambda message: json.loads(message["data"]),
                                         timeout=timeout, sender_id=self.id)

    def choose_worker(self, preferred_node: str) -> str:
        """Grid's ``fit`` preamble: an address keeps its last path segment; ``'random'`` is a
        random ``openmined`` peer; ``'first_available'`` and ids are kept."""
        if "p2p-circuit" in preferred_node or "/" in preferred_node:
            preferred_node = preferred_node.split("/")[-1]
        if preferred_node == "random":
            nodes = self.workers()
            if not nodes:
                raise NoWorkers("fit: no worker is subscribed to 'openmined'")
            preferred_node = random.choice(nodes)
        return preferred_node

    # --- fit -----------------------------------------------------------------------------------

    def generate_fit_spec(self, model: Any, input: Any, target: Any, valid_input: Any = None,
                          valid_target: Any = None, batch_size: int = 1, epochs: int = 1,
                          log_interval: int = 1, framework: str = "keras",
                          preferred_node: str = "first_available") -> dict:
        """Add the model and dataset to IPFS; the spec, with Grid's keys in Grid's order."""
        model_addr = keras2ipfs(self.api, model)
        datasets = [serialize_numpy(input), serialize_numpy(target),
                    serialize_numpy(input if valid_input is None else valid_input),
                    serialize_numpy(target if valid_target is None else valid_target)]
        data_addr = self.api.add_str(json.dumps(datasets))
        return {"type": "fit", "model_addr": model_addr, "data_addr": data_addr,
                "batch_size": batch_size, "epochs": epochs, "log_interval": log_interval,
                "framework": framework, "train_channel": channels.train_channel(model_addr),
                "preferred_node": preferred_node}

    def fit(self, model: Any, input: Any, target: Any, valid_input: Any = None, valid_target: Any = None,
            batch_size: int = 1, epochs: int = 1, log_interval: int = 1,
            message_handler: Optional[Callable[[dict], Any]] = None, preferred_node: str = "random",
            timeout: float = 60.0) -> tuple[Any, dict]:
        """Train ``model`` on a worker; ``(trained model, transact message)``.

        ``preferred_node``: ``'random'`` (an ``openmined`` peer), ``'first_available'`` (every
        worker trains; laggards get ``quit``; the first ``transact`` wins) or a worker id
        (``compute:Qm...``, bare, or an address ending in it). ``timeout``: seconds to wait for
        each next message before :class:`WorkerTimeout`."""
        preferred = self.choose_worker(preferred_node)
        if self.verbose:
            self.out(f"PREFERRED NODE:{preferred}")
        spec = self.generate_fit_spec(model, input, target, valid_input, valid_target, batch_size,
                                      epochs, log_interval, preferred_node=preferred)
        training = Training(self, spec, message_handler)
        listener = messages.listen_to_channel(
            self.api, spec["train_channel"], training.receive,
            init_function=lambda: messages.publish(self.api, channels.openmined, spec))
        try:
            return training.wait(listener, timeout)
        finally:
            listener.close()
