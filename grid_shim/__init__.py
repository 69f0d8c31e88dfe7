"""OpenMined Grid's IPFS workflows on fakeipfs (tensors, Keras models, JSON, pubsub training).

- :mod:`grid_shim.ipfsapi`: Grid's flat client (ipfsapi 0.4.2 + Grid's pubsub methods), for any
  kubo version fakeipfs emulates; :func:`~grid_shim.ipfsapi.for_node` reaches an in-process node,
  :func:`~grid_shim.ipfsapi.connect_multiaddr` a daemon by its API multiaddr.
- :mod:`grid_shim.messages`: Grid's pubsub helpers (decode, publish, listen, request/response).
- :mod:`grid_shim.tensors`: NumPy arrays as ``.npy`` bytes on IPFS, without pickle.
- :mod:`grid_shim.keras`: Keras 3 models through IPFS (``keras2ipfs``/``ipfs2keras``).
- :mod:`grid_shim.client`, :mod:`grid_shim.worker`, :mod:`grid_shim.channels`: Grid's Keras
  training protocol over pubsub (``KerasClient.fit``, compute ``Worker`` services).
- :mod:`grid_shim.federated`: federated averaging rounds over that protocol.
- ``python -m grid_shim.demo``: all of it on a simulated 3-node network; with ``--api
  <multiaddr>``, on running daemons (a kubo, ``fakeipfs daemon``, ``fakeipfs testnet``).
"""
from . import ipfsapi
from .ipfsapi import Client, connect, connect_multiaddr, for_node
from .messages import (decode_message, handle_message, listen_to_channel, listen_to_channel_sync,
                       peer_id_of, publish, request_response)
from .tensors import add_tensor, decode_tensor, encode_tensor, get_tensor
from .keras import NotAKerasModel, ipfs2keras, keras2ipfs
from .client import KerasClient, TrainingFailed, WorkerTimeout
from .worker import Worker
from .federated import fedavg_round

__all__ = ["ipfsapi", "Client", "connect", "connect_multiaddr", "for_node",
           "decode_message", "handle_message", "listen_to_channel", "listen_to_channel_sync",
           "peer_id_of", "publish", "request_response",
           "add_tensor", "get_tensor", "encode_tensor", "decode_tensor"]
__all__ += ["keras2ipfs", "ipfs2keras", "NotAKerasModel", "KerasClient", "TrainingFailed",
            "WorkerTimeout", "Worker", "fedavg_round"]
