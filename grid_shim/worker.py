"""A Grid compute worker: the services of Grid's ``GridCompute('COMPUTE')`` that the Keras
training protocol needs (Grid commit ee5e3440: ``services/fit_worker.py``,
``lib/output_pipe.py``, ``services/whoami.py``, ``services/broadcast_known_workers.py``;
grid.md §2-§3), as threads over one IPFS client.

``Worker(api).start()`` subscribes to

- ``openmined``: fit specs. A spec for this worker (``preferred_node`` is
  ``'first_available'`` or names this node) starts a training job in its own thread: ``cat``
  the model (:func:`grid_shim.keras.ipfs2keras`) and the dataset (a JSON list of four JSON
  arrays: train input, train target, validation input, validation target), ``model.fit``, a
  ``log`` message on the spec's ``train_channel`` every ``log_interval`` epochs, then a
  ``transact`` message carrying the trained model's CID;
- ``openmined:whoami:<peer id>``: ``request_response`` requests ``[[], reply_channel]``, answered
  with the worker's stats as JSON on ``reply_channel``;
- ``openmined:list_workers``: a discovery request from peer X is answered on
  ``openmined:list_workers:<X>`` with ``json.dumps(pubsub_peers('openmined'))``;
- per job, ``<train_channel>:<worker id>``: ``{"op_code": "quit"}`` stops that job after the
  current epoch; the model trained so far is still sent (``transact``).

``stop()`` unsubscribes everything and abandons running jobs without a ``transact``: to the
client the worker has vanished, as when a Grid node went offline.

As a program, a worker serves one daemon until SIGINT/SIGTERM (Grid's compute node)::

    python -m grid_shim.worker [HOST [PORT]] [--name NAME] [--no-shuffle]

It prints ``worker <id> ready`` once its services are subscribed.

Grid bugs fixed here:

- **The quit handler crashed**: ``train_meta(worker, message)`` was a bound method, so
  ``worker`` was the service and ``worker.learner_callback`` raised ``AttributeError``; the quit
  was never applied. Here the control listener belongs to the job and stops its training.
- **Listener threads died on malformed messages**: ``json.loads(message['data'])`` and
  ``decoded['preferred_node']`` raised on non-JSON payloads and on JSON that is not a fit spec,
  ending the ``openmined`` listener for good. Here a message without data, a payload that is not
  JSON, a message of another type and a spec missing a field are each skipped with a logged
  warning, and the listener goes on.
- **One job at a time, in the listener thread**: Grid trained inside the ``openmined`` listener,
  so specs (and everything else on ``openmined``) went unread meanwhile. Here each job has a thread.
- **Jobs that failed in silence**: a model CID that is not a model, an unreadable dataset or a
  framework other than Keras raised in the worker (``NotImplementedError`` for the framework)
  and the client waited forever. Here the worker publishes ``{"type": "error", "error": ...,
  "parent_model", "worker_id"}`` on the train channel (a message type Grid's client skipped, so
  the protocol stays compatible), and :class:`~grid_shim.client.KerasClient` raises it.
- **``log_interval`` was ignored**: a ``log`` went out every epoch. Here one goes out every
  ``log_interval`` epochs and after the last one.
- **Ids**: Grid accepted a spec only if ``preferred_node == self.worker.id`` (``compute:Qm...``),
  which the client's random pick (a bare peer ID) never matched, and answered ``list_workers``
  on a bare-id channel while requesters listened on a prefixed one. Here ids are compared with
  :func:`grid_shim.channels.same_node` and every reply channel is named by the bare peer ID.
- **The stream was never closed**: Grid's listeners stayed subscribed after they ended; here a
  job's control subscription closes with the job and ``stop()`` closes the services'.
"""
from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import signal
import sys
import threading
from typing import Any, Optional, Sequence

import numpy as np

from . import channels, ipfsapi, messages
from .ipfsapi import Client
from .keras import ipfs2keras, keras2ipfs, load_keras

log = logging.getLogger(__name__)

#: What a fit spec must carry (``KerasClient.generate_fit_spec``'s keys, in its order).
SPEC_FIELDS = ("type", "model_addr", "data_addr", "batch_size", "epochs", "log_interval",
               "framework", "train_channel", "preferred_node")


class JobError(Exception):
    """A training job failed before it could send its model (reported on the train channel)."""


def decode_dataset(data: bytes) -> list[np.ndarray]:
    """Grid's dataset file: a JSON list of four JSON-encoded arrays, each read as
    ``np.array(json.loads(s)).astype('float')`` (``fit_worker.deserialize_numpy``)."""
    try:
        parts = json.loads(data)
        if not (isinstance(parts, list) and len(parts) == 4 and all(isinstance(p, str) for p in parts)):
            raise ValueError("not a JSON list of four JSON-encoded arrays")
        return [np.array(json.loads(part)).astype("float") for part in parts]
    except (ValueError, TypeError) as e:
        raise JobError(f"the dataset is not Grid's [input, target, valid_input, valid_target] JSON ({e})") from e


@functools.cache
def _output_pipe_class() -> type:
    """Grid's ``OutputPipe`` Keras callback, made on first use (importing Keras costs seconds)."""
    keras = load_keras()

    class OutputPipe(keras.callbacks.Callback):
        """Publishes a ``log`` message after every ``log_interval``-th epoch (and the last);
        applies a quit (stop after this epoch) and the worker's disappearance (stop, and send
        nothing more)."""

        def __init__(self, job: "Job") -> None:
            super().__init__()
            self.job = job
            self.last_loss: Optional[float] = None

        def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
            job = self.job
            self.last_loss = float((logs or {}).get("loss", float("nan")))
            if job.worker.stopped.is_set():
                self.model.stop_training = True
                return
            last = epoch + 1 == job.epochs or job.quit.is_set()
            if (epoch + 1) % job.log_interval == 0 or last:
                job.send({"type": "log", "eval_loss": self.last_loss, "epoch_id": epoch,
                          "num_epochs": job.epochs, "parent_model": job.model_addr,
                          "worker_id": job.worker.id})
            self.model.stop_training = job.quit.is_set()

    return OutputPipe


class Job:
    """One fit spec being trained on one worker."""

    def __init__(self, worker: "Worker", spec: dict) -> None:
        self.worker = worker
        self.spec = spec
        self.model_addr: str = spec["model_addr"]
        self.channel: str = spec["train_channel"]
        self.epochs = int(spec["epochs"])
        self.batch_size = int(spec["batch_size"])
        self.log_interval = max(1, int(spec["log_interval"]))
        self.quit = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"grid_shim job {self.model_addr}", daemon=True)

    def send(self, message: dict) -> None:
        messages.publish(self.worker.api, self.channel, message)

    def on_control(self, message: messages.Message) -> None:
        """``{"op_code": "quit"}`` on ``<train_channel>:<worker id>``: stop after this epoch."""
        order = channels.decode_json(message, self.channel)
        if isinstance(order, dict) and order.get("op_code") == "quit":
            log.info("grid_shim: %s quits training %s", self.worker.id, self.model_addr)
            self.quit.set()
        else:
            log.warning("grid_shim: skipping an unknown control message for %s: %r", self.model_addr, order)

    def run(self) -> None:
        control = messages.listen_to_channel(
            self.worker.api, channels.train_control_channel(self.channel, self.worker.id), self.on_control)
        try:
            self.train()
        except Exception as e:
            log.warning("grid_shim: %s could not train %s: %s", self.worker.id, self.model_addr, e)
            if not self.worker.stopped.is_set():
                try:
                    self.send({"type": "error", "error": f"{type(e).__name__}: {e}",
                               "parent_model": self.model_addr, "worker_id": self.worker.id})
                except Exception as unsent:  # the node itself is gone
                    log.warning("grid_shim: %s could not report it: %s", self.worker.id, unsent)
        finally:
            control.close()
            self.worker._job_done(self)

    def train(self) -> None:
        if self.spec["framework"] != "keras":
            raise JobError(f"framework {self.spec['framework']!r} is not supported (only 'keras')")
        api = self.worker.api
        model = ipfs2keras(api, self.model_addr, safe_mode=self.worker.safe_mode)
        train_in, train_tgt, valid_in, valid_tgt = decode_dataset(api.cat(self.spec["data_addr"]))
        pipe = _output_pipe_class()(self)
        model.fit(train_in, train_tgt, batch_size=self.batch_size, epochs=self.epochs,
                  validation_data=(valid_in, valid_tgt), verbose=0, callbacks=[pipe],
                  shuffle=self.worker.shuffle)
        if self.worker.stopped.is_set():
            return  # the worker went away: nothing more is sent
        self.send({"type": "transact", "model_addr": keras2ipfs(api, model), "eval_loss": pipe.last_loss,
                   "parent_model": self.model_addr, "worker_id": self.worker.id})


class Worker:
    """A Grid compute node on one IPFS client (one per node; several may share a node).

    ``shuffle``: passed to Keras's ``fit`` (Keras's default, True, is what Grid got). Keras
    shuffles with a process-wide random generator, so workers training at once in one process
    draw from it in an order threads decide; ``shuffle=False`` makes their training (and the
    resulting CIDs) reproducible. ``safe_mode``: passed to Keras when loading clients' models.
    """

    def __init__(self, api: Client, *, name: str = "worker", email: str = "",
                 node_type: str = channels.COMPUTE, shuffle: bool = True, safe_mode: bool = True) -> None:
        self.api = api
        self.peer_id: str = api.config_show()["Identity"]["PeerID"]
        self.id = channels.node_id(node_type, self.peer_id)
        self.node_type = node_type
        self.name = name
        self.email = email
        self.shuffle = shuffle
        self.safe_mode = safe_mode
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._listeners: list[messages.Listener] = []
        self._jobs: list[Job] = []

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "Worker":
        """Subscribe the services; they are live (other nodes' ``pubsub_peers`` list this one)
        when this returns."""
        services = {channels.openmined: self.on_fit_spec,
                    channels.whoami_listener_callback(self.peer_id): self.on_whoami,
                    channels.list_workers: self.on_list_workers}
        for channel, handler in services.items():
            self._listeners.append(messages.listen_to_channel(self.api, channel, handler))
        return self

    def stop(self, timeout: Optional[float] = 10.0) -> None:
        """Unsubscribe and abandon running jobs (they stop after their current epoch and send
        nothing more); waits up to ``timeout`` seconds for the threads to end."""
        self.stopped.set()
        for listener in self._listeners:
            listener.close()
        with self._lock:
            jobs = list(self._jobs)
        for thread in [*self._listeners, *(job.thread for job in jobs)]:
            thread.join(timeout)
        self._listeners.clear()

    def __enter__(self) -> "Worker":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def jobs(self) -> list[Job]:
        """The jobs running now."""
        with self._lock:
            return list(self._jobs)

    def _job_done(self, job: Job) -> None:
        with self._lock:
            if job in self._jobs:
                self._jobs.remove(job)

    # --- services ----------------------------------------------------------------------------

    def on_fit_spec(self, message: messages.Message) -> None:
        """FitWorkerService: start a job for a fit spec addressed to this worker."""
        spec = channels.decode_json(message, channels.openmined)
        if spec is None:
            return
        if not isinstance(spec, dict) or spec.get("type") != "fit":
            log.warning("grid_shim: skipping a message on 'openmined' that is not a fit spec: %.80r",
                        message["data"])
            return
        missing = [field for field in SPEC_FIELDS if field not in spec]
        if missing:
            log.warning("grid_shim: skipping a fit spec without %s", ", ".join(missing))
            return
        preferred = str(spec["preferred_node"])
        if preferred != "first_available" and not channels.same_node(preferred, self.id):
            return
        if self.stopped.is_set():
            return
        try:
            job = Job(self, spec)
        except (TypeError, ValueError) as e:
            log.warning("grid_shim: skipping a fit spec with a bad field (%s): %.200r", e, message["data"])
            return
        with self._lock:
            self._jobs.append(job)
        job.thread.start()

    def stats(self) -> dict:
        """WhoamiService's answer (what is safe to make public)."""
        return {"worker_type": self.node_type.upper(), "services_running": ["fit_worker", "whoami",
                                                                             "list_workers"],
                "id": self.id, "name": self.name, "email": self.email,
                "cpu_num_logical_cores": os.cpu_count(), "jobs_running": len(self.jobs)}

    def on_whoami(self, message: messages.Message) -> None:
        """WhoamiService: ``[request, reply_channel]`` -> ``json.dumps(stats)`` on reply_channel."""
        request = channels.decode_json(message, channels.whoami_listener_callback(self.peer_id))
        if not (isinstance(request, list) and len(request) == 2 and isinstance(request[1], str)):
            log.warning("grid_shim: skipping a whoami request that is not [message, reply_channel]: %r", request)
            return
        messages.publish(self.api, request[1], json.dumps(self.stats()))

    def on_list_workers(self, message: messages.Message) -> None:
        """BroadcastKnownWorkersService: answer the requester with the ``openmined`` peers this
        node knows, on the channel named by its bare peer ID."""
        requester = messages.peer_id_of(message)
        if requester == self.peer_id:
            return  # our own request, heard back
        messages.publish(self.api, channels.list_workers_callback(requester),
                         json.dumps(self.api.pubsub_peers(channels.openmined)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run a worker on the daemon at HOST:PORT (ipfsapi ``connect``) until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m grid_shim.worker", description=main.__doc__)
    parser.add_argument("host", nargs="?", default=ipfsapi.DEFAULT_HOST)
    parser.add_argument("port", nargs="?", type=int, default=ipfsapi.DEFAULT_PORT)
    parser.add_argument("--name", default="worker", help="The name whoami gives. Default: worker.")
    parser.add_argument("--no-shuffle", action="store_true", help="Train without shuffling (reproducible).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    load_keras()  # before "ready": the first job should not wait for it
    worker = Worker(ipfsapi.connect(args.host, args.port), name=args.name, shuffle=not args.no_shuffle).start()
    print(f"worker {worker.id} ready", flush=True)
    done.wait()
    worker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
