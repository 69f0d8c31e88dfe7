"""Helpers of grid_shim's tests: a Grid on a :class:`fakeipfs.Network` for the protocol and
federated tests (a client on node 0 and a started worker on each other node, each through
Grid's flat client), and a node served by a fakeipfs daemon."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator

import pytest

import fakeipfs
from fakeipfs.daemon import Daemon
from grid_shim import ipfsapi
from grid_shim.client import KerasClient
from grid_shim.worker import Worker

#: Keras 3 on torch 2.13 under NumPy 2 warns on each tensor conversion (keras/src/backend/torch/core.py
#: ``np.array(x)``): thousands of lines per test file. ``pytestmark = KERAS_NUMPY2_WARNINGS`` hides them.
KERAS_NUMPY2_WARNINGS = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


@contextlib.contextmanager
def served(node: fakeipfs.Node) -> Iterator[Daemon]:
    """``node`` served over HTTP by a fakeipfs daemon on a free loopback port (``api_addr``)."""
    with Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda line: None).background() as daemon:
        yield daemon


@dataclass
class Grid:
    net: fakeipfs.Network
    client: KerasClient
    workers: list[Worker]


@contextlib.contextmanager
def grid_network(workers: int, *, kubo_version: str = "0.7.0", seed: int = 0) -> Iterator[Grid]:
    """``workers`` workers (without shuffling, so training is reproducible), stopped at the end.
    kubo 0.7.0 by default: its Ed25519 identities are made at once (go-ipfs 0.4.x's RSA keys take
    half a second each)."""
    net = fakeipfs.Network(workers + 1, seed=seed, kubo_version=kubo_version)
    apis = [ipfsapi.for_node(node) for node in net.nodes]
    started = [Worker(api, name=f"node {i}", shuffle=False).start() for i, api in enumerate(apis[1:], 1)]
    try:
        yield Grid(net, KerasClient(apis[0], verbose=False), started)
    finally:
        for worker in started:
            worker.stop()
