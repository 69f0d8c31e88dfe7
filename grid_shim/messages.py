"""Grid's pubsub helpers (``grid/workers/base_worker.py`` at Grid commit ee5e3440, and the copies
in the IPFS notebook), as functions of an :class:`~grid_shim.ipfsapi.Client`, with Grid's bugs
fixed.

What the daemon sends is go-ipfs 0.4.x's ``pubsub sub`` line (core/commands/pubsub.go at v0.4.13:
the go-libp2p-floodsub ``pb.Message`` as JSON, ``[]byte`` fields standard base64, all
``omitempty``; ``{}`` first up to 0.4.13); :mod:`grid_shim.ipfsapi` gives that shape for every
kubo version.

Grid bugs fixed here:

- ``decode_message`` raised ``KeyError`` on a message without ``data`` (floodsub omits an empty
  payload) and ``UnicodeDecodeError`` on a non-ASCII one, either of which killed the listener
  thread. Now a missing ``data`` is the empty string, the payload is decoded as UTF-8 (ASCII is
  a subset, so Grid's messages decode the same), and a message whose payload is not UTF-8 (or
  whose fields are not base64) is skipped with a logged warning: ``decode_message`` returns None
  for it, as for the subscribe ack ``{}``.
- ``bitcoin.base58.encode(message['from'])`` (python-bitcoinlib) is :func:`peer_id_of`.
- A handler that raised ended the listener thread; now the exception is logged and the listener
  goes on to the next message.
- The listener fired ``init_function`` on the first streamed item, which only go-ipfs <= 0.4.13
  sends at once (the ``{}`` ack); from 0.4.14 the daemon sends nothing until a message arrives,
  so ``request_response`` never sent its request and hung. Now the subscription is made before
  the listener returns (``pubsub_sub`` returns once the daemon has answered, i.e. subscribed)
  and ``init_function`` runs right after it, ack or not.
- ``listen_to_channel`` subscribed inside the new thread, so a message published just after it
  returned could be missed (Grid's ``KerasClient.fit`` published its spec before listening).
  Now the subscription is live when it returns.
- ``random.randint(0, 1e10)`` raises ``TypeError`` from Python 3.12 (a float bound); the bound is
  now the integer ``10**10``.
- ``request_response`` timed out by publishing ``["timeout after N seconds"]`` to the reply
  channel from a sleeping thread, which any other subscriber would also hear and which left the
  thread behind; now the wait itself is bounded and raises ``TimeoutError`` with Grid's text.
- The HTTP stream was never closed, so every finished listener stayed subscribed; now it is
  closed when the listener ends (which unsubscribes).
- ``listen_to_channel`` silently did nothing for a channel already listened to (the per-worker
  ``subscribed`` list, never pruned); these functions keep no such list: each call listens.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import random
import threading
from typing import Any, Callable, Mapping, Optional

from multiformats import multibase

from .ipfsapi import Client, Stream

log = logging.getLogger(__name__)

Message = dict[str, Any]
Handler = Callable[[Message], Any]


def decode_message(encoded: Any) -> Optional[Message]:
    """Grid's ``decode_message``: a ``pubsub sub`` item as ``{"from": bytes, "data": str,
    "seqno": bytes, "topicIDs": [...], "encoded": item}``; None for an item without ``from``
    (the ``{}`` ack, an error line) and, with a logged warning, for an undecodable one."""
    if not isinstance(encoded, Mapping) or "from" not in encoded:
        return None
    try:
        sender = base64.b64decode(encoded["from"], validate=True)
        data = base64.b64decode(encoded.get("data", ""), validate=True).decode("utf-8")
        seqno = base64.b64decode(encoded.get("seqno", ""), validate=True)
    except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as exc:
        log.warning("grid_shim: skipping a pubsub message that does not decode (%s): %r", exc, encoded)
        return None
    return {"from": sender, "data": data, "seqno": seqno,
            "topicIDs": list(encoded.get("topicIDs") or []), "encoded": encoded}


def peer_id_of(message: Message) -> str:
    """The sender's peer ID text (``Qm...``/``12D3KooW...``): base58btc of ``message['from']``."""
    return multibase.encode(message["from"], "base58btc")[1:]


def handle_message(message: Message) -> Any:
    """The notebook's handler: the payload parsed as JSON. A listener using it returns the first
    message's payload; one that is not JSON is logged and skipped."""
    return json.loads(message["data"])


#: Grid's ``utils.unpack`` (``lib/utils.py``) is the same function.
unpack = handle_message


def publish(api: Client, channel: str, message: Any) -> None:
    """Grid's ``publish``: a dict or list goes as ``json.dumps(message)``, anything else as is."""
    if isinstance(message, (dict, list)):
        message = json.dumps(message)
    api.pubsub_pub(topic=channel, payload=message)


class Listener(threading.Thread):
    """A thread handling the messages of one subscription until a handler returns a value
    (:attr:`result`) or :meth:`close` ends the subscription. A daemon thread."""

    def __init__(self, stream: Stream, channel: str, handler: Handler,
                 init_function: Optional[Callable[[], Any]] = None) -> None:
        super().__init__(name=f"grid_shim listener {channel}", daemon=True)
        self.stream = stream
        self.channel = channel
        self.handler = handler
        self.init_function = init_function
        self.result: Any = None
        #: what ended the listener if not a handler's value or :meth:`close` (init or the stream)
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        try:
            self.result = _serve(self.stream, self.channel, self.handler, self.init_function)
        except BaseException as exc:  # kept for listen_to_channel_sync; logged for threads
            self.error = exc
            log.exception("grid_shim: the listener on %r stopped", self.channel)

    def close(self) -> None:
        """Unsubscribe; the thread ends (at once in process, as soon as the socket wakes over
        HTTP)."""
        self.stream.close()


def _serve(stream: Stream, channel: str, handler: Handler,
           init_function: Optional[Callable[[], Any]]) -> Any:
    """Grid's ``listen_to_channel_impl`` loop on an open subscription: the first non-None
    handler value ends it. The stream is closed at the end."""
    with stream:
        if init_function is not None:
            init_function()
        for item in stream:
            message = decode_message(item)
            if message is None:
                continue
            try:
                result = handler(message)
            except Exception:
                log.exception("grid_shim: the handler for %r failed on %r", channel, message)
                continue
            if result is not None:
                return result
    return None


def listen_to_channel(api: Client, channel: str, handle_message: Handler,
                      init_function: Optional[Callable[[], Any]] = None) -> Listener:
    """Grid's ``listen_to_channel``: handle ``channel``'s messages in a new thread, which is
    returned started; the subscription is live when this returns."""
    listener = Listener(api.pubsub_sub(topic=channel, stream=True), channel, handle_message, init_function)
    listener.start()
    return listener


def listen_to_channel_sync(api: Client, channel: str, handle_message: Handler,
                           init_function: Optional[Callable[[], Any]] = None,
                           timeout: Optional[float] = None) -> Any:
    """Grid's ``listen_to_channel_sync``: the first non-None value ``handle_message`` returns.
    With ``timeout`` (seconds), ``TimeoutError`` when none came in time (the subscription is
    then closed)."""
    stream = api.pubsub_sub(topic=channel, stream=True)
    if timeout is None:
        return _serve(stream, channel, handle_message, init_function)
    listener = Listener(stream, channel, handle_message, init_function)
    listener.start()
    listener.join(timeout)
    if listener.is_alive():
        listener.close()
        raise TimeoutError(f"timeout after {timeout} seconds")
    if listener.error is not None:
        raise listener.error
    return listener.result


def request_response(api: Client, channel: str, message: Any, response_handler: Handler,
                     timeout: Optional[float] = 10, sender_id: Optional[str] = None) -> Any:
    """Grid's ``request_response``: listen on a fresh reply channel ``<sender_id>_<random>``,
    publish ``[message, reply_channel]`` to ``channel``, and return the first non-None value of
    ``response_handler`` on the reply channel; ``TimeoutError`` after ``timeout`` seconds.

    ``sender_id`` defaults to the node's peer ID (``config_show()['Identity']['PeerID']``; Grid
    used its worker id, e.g. ``client:Qm...``)."""
    if sender_id is None:
        sender_id = api.config_show()["Identity"]["PeerID"]
    reply_channel = f"{sender_id}_{random.randint(0, 10**10)}"
    return listen_to_channel_sync(
        api, reply_channel, response_handler,
        init_function=lambda: publish(api, channel, [message, reply_channel]), timeout=timeout)
