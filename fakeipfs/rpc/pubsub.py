"""``/api/v0/pubsub/{pub,sub,ls,peers}``: kubo core/commands/pubsub.go over :mod:`fakeipfs.pubsub`.

Two wire formats (:attr:`fakeipfs.versions.KuboVersion.pubsub_multibase`):

- up to 0.10 (pubsub.go at v0.7.0): topics are plain URL args; ``pub`` publishes each further
  ``arg`` as one message, and each line of a request body (go-ipfs-cmds ``ParseBodyArgs``);
  ``sub`` emits ``{"from","data","seqno","topicIDs"}`` with Go's ``[]byte`` base64 (``from`` is
  the peer ID's multihash bytes), every field ``omitempty``; up to 0.4.13 an empty ``{}`` comes
  first (:attr:`~fakeipfs.versions.KuboVersion.pubsub_sub_ack`).
- from 0.11 (pubsub.go at v0.11.0, HEAD): topics are ``base64url`` multibase URL args
  (``urlArgsDecoder``), ``pub`` data is the first multipart file (one message), and ``sub``
  emits ``from`` as the peer ID string and ``data``, ``seqno``, ``topicIDs`` in ``u...`` base64url.

``sub`` answers at once (kubo flushes the headers before the first message) with an endless
NDJSON stream that waits on the subscription; it unsubscribes when the client closes the
stream, or when the unread response is dropped.
"""
from __future__ import annotations

import base64
from typing import Any, Callable, Optional

from multiformats import multibase

from .. import pubsub
from ..codecs.dagjson import _go_base64
from ..errors import (ERR_HEX_ODD_LENGTH, ERR_MULTIBASE_EMPTY, ERR_MULTIBASE_UNSUPPORTED,
                      ERR_URL_ARG_BASE64URL, DecodeError, IPFSError, err_hex_invalid_byte,
                      err_url_arg_multibase)
from ._cmdenv import file_arg, go_text
from .commands import Arg, Call, command, opt
from .dispatcher import ParseError
from ..versions import go_ipfs_cmds_http
from .wire import CHANNEL_HEADER, Response, channel_response, empty_response, go_json, single_response

#: go-multibase ``Decode``'s prefixes (v0.0.3 in kubo 0.11 through v0.3.0 at HEAD, less the
#: emoji base that v0.1.0 added).
_GO_DECODABLE = "\x000fFbBcCvVtTkKzZmuMU"
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
#: Go's URL alphabet mapped onto the standard one (and back), for ``_go_base64``.
_URL_TO_STD = bytes.maketrans(b"-_+/", b"+/-_")


def _go_hex(text: str) -> None:
    """Go ``hex.DecodeString``'s errors (pairs left to right, then the odd length)."""
    raw = text.encode("utf-8")
    for pair in range(1, len(raw), 2):
        for byte in raw[pair - 1:pair + 1]:
            if byte not in _HEX_DIGITS:
                raise IPFSError(err_url_arg_multibase(err_hex_invalid_byte(byte)))
    if len(raw) % 2:
        if raw[-1] not in _HEX_DIGITS:
            raise IPFSError(err_url_arg_multibase(err_hex_invalid_byte(raw[-1])))
        raise IPFSError(err_url_arg_multibase(ERR_HEX_ODD_LENGTH))


def _go_base64_decode(text: str, *, url: bool, padded: bool) -> bytes:
    raw = text.encode("utf-8")
    try:
        return _go_base64(raw.translate(_URL_TO_STD) if url else raw, padded=padded)
    except DecodeError as exc:
        raise IPFSError(err_url_arg_multibase(exc.message)) from None


def url_arg(arg: str) -> str:
    """kubo ``urlArgsDecoder``: a multibase URL arg, which must be base64url, to the string
    it encodes (bytes that are not UTF-8 are kept as surrogate escapes, as Go keeps them).

    Other bases give kubo's "must be base64url" error when they decode; when they do not,
    the decoder's complaint is Go's for hex and base64, py-multiformats' for the rest."""
    if not arg:
        raise IPFSError(err_url_arg_multibase(ERR_MULTIBASE_EMPTY))
    prefix, body = arg[0], arg[1:]
    if prefix not in _GO_DECODABLE:
        raise IPFSError(err_url_arg_multibase(ERR_MULTIBASE_UNSUPPORTED))
    if prefix == "u":
        return _go_base64_decode(body, url=True, padded=False).decode("utf-8", "surrogateescape")
    if prefix in "fF":
        _go_hex(body)
    elif prefix in "mMU":
        _go_base64_decode(body, url=prefix == "U", padded=prefix != "m")
    elif prefix != "\x00":
        try:
            multibase.decode(arg)
        except Exception as exc:  # bases' and multiformats' own error types
            raise IPFSError(err_url_arg_multibase(str(exc))) from None
    raise IPFSError(ERR_URL_ARG_BASE64URL)


def _topic_bytes(topic: str) -> bytes:
    return topic.encode("utf-8", "surrogateescape")


def _base64url(data: bytes) -> str:
    """go-multibase ``Encode(Base64url)``: ``u`` and unpadded URL-safe base64."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _std64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _legacy_message(message: pubsub.Message) -> dict[str, Any]:
    """pubsub.go (v0.4.18-v0.10) ``pubsubMessage`` of ``[]byte`` fields, all ``omitempty``
    (up to v0.4.17 the go-libp2p-floodsub ``pb.Message`` itself, with the same JSON)."""
    out: dict[str, Any] = {}
    sender = pubsub.peer_id_bytes(message.from_peer)
    if sender:
        out["from"] = _std64(sender)
    if message.data:
        out["data"] = _std64(message.data)
    if message.seqno:
        out["seqno"] = _std64(message.seqno)
    if message.topics:
        out["topicIDs"] = [go_text(_topic_bytes(t)) for t in message.topics]
    return out


def _multibase_message(message: pubsub.Message) -> dict[str, Any]:
    """pubsub.go (v0.11+) ``pubsubMessage`` of multibase strings, all ``omitempty``."""
    out: dict[str, Any] = {"from": message.from_peer, "data": _base64url(message.data),
                           "seqno": _base64url(message.seqno)}
    if message.topics:
        out["topicIDs"] = [_base64url(_topic_bytes(t)) for t in message.topics]
    return out


class _Messages:
    """The body of ``pubsub sub``: the flush ``{}`` where the version sends it, then one NDJSON
    line per message, waiting for each; it ends when the subscription is closed.

    Closing it, or dropping it (the response closed, or never read), unsubscribes. It is the
    response body itself, not a value stream under ``channel_response``, so that nothing but
    the response holds it: a dropped response unsubscribes at once, without a garbage
    collection."""

    def __init__(self, subscription: pubsub.Subscription,
                 encode: Callable[[pubsub.Message], dict[str, Any]], ack: bool) -> None:
        self._subscription = subscription
        self._encode = encode
        self._ack = ack

    def __iter__(self) -> "_Messages":
        return self

    def __next__(self) -> bytes:
        if self._ack:
            self._ack = False
            return go_json({})
        return go_json(self._encode(self._subscription.next()))

    def close(self) -> None:
        self._subscription.close()

    __del__ = close


def _topic(call: Call, arg: str) -> str:
    return url_arg(arg) if call.version.pubsub_multibase else arg


def _node_pubsub(call: Call) -> pubsub.PubSub:
    found = pubsub.of(call.node)
    found.check(call.version)
    return found


@command("pubsub/sub", args=(Arg("topic"),), options=(opt("discover"),), since="0.4.5")
def sub(call: Call) -> Response:
    """pubsub.go ``PubsubSubCmd``; ``discover`` is accepted and ignored (removed in 0.11)."""
    topic = _topic(call, call.args[0])
    subscription = _node_pubsub(call).subscribe(topic)
    encode = _multibase_message if call.version.pubsub_multibase else _legacy_message
    response = channel_response(())  # a value stream's headers, and this body
    response.body = _Messages(subscription, encode, call.version.pubsub_sub_ack)
    return response


def _body_args(call: Call) -> list[str]:
    """go-ipfs-cmds ``ParseBodyArgs``: each line of the first body part (``\\n`` or ``\\r\\n``
    ended; a last line without one counts unless empty)."""
    if not call.files:
        return []
    lines = file_arg(call).split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [go_text(line[:-1] if line.endswith(b"\r") else line) for line in lines]


# ``data`` is a variadic string argument up to 0.10 and a required file from 0.11; it is
# declared optional here, and ``pub`` checks it per version.
@command("pubsub/pub", args=(Arg("topic"), Arg("data", required=False, variadic=True)),
         since="0.4.5")
def pub(call: Call) -> Response:
    """pubsub.go ``PubsubPubCmd``."""
    if call.version.pubsub_multibase:
        if call.files is None:
            raise ParseError("file argument 'data' is required")
        topic = url_arg(call.args[0])
        payloads = [file_arg(call)]
    else:
        topic = call.args[0]
        payloads = [arg.encode("utf-8") for arg in call.args[1:] + _body_args(call)]
        if not payloads:
            # go-ipfs-cmds v0.4.0 http/parse.go runs CheckArguments while parsing: a 400.
            raise ParseError('argument "data" is required')
    node_pubsub = _node_pubsub(call)
    for data in payloads:
        node_pubsub.publish(topic, data)
    response = empty_response()
    if not go_ipfs_cmds_http(call.version):  # no output: no channel header before 0.4.14
        del response.headers[CHANNEL_HEADER]
    return response


@command("pubsub/ls", since="0.4.5")
def ls(call: Call) -> Response:
    """pubsub.go ``PubsubLsCmd``: ``{"Strings":null}`` with no subscriptions (a nil slice)."""
    topics = _node_pubsub(call).topics()
    encode = ((lambda t: _base64url(_topic_bytes(t))) if call.version.pubsub_multibase
              else (lambda t: go_text(_topic_bytes(t))))
    return single_response({"Strings": [encode(t) for t in topics] or None})


@command("pubsub/peers", args=(Arg("topic", required=False),), since="0.4.5")
def peers(call: Call) -> Response:
    """pubsub.go ``PubsubPeersCmd``: sorted peer IDs; no topic (or an empty one) means all."""
    topic: Optional[str] = _topic(call, call.args[0]) if call.args else None
    found = _node_pubsub(call).peers(topic or None)
    if not found and call.version.pubsub_peers_null_when_empty:
        return single_response({"Strings": None})
    return single_response({"Strings": found})
