"""``pubsub`` over RPC: self-delivery, message fields and their encodings, ls, peers and
unsubscribing (kubo core/commands/pubsub.go; go-libp2p-pubsub).

From kubo 0.11 topics travel multibase-encoded (``u`` + base64url) in URL arguments, published
data goes as a file part, and messages are ``{"from": <peer ID>, "data", "seqno", "topicIDs"}``
with base64url multibase strings (docs/changelogs/v0.11.md "pubsub: multibase encoding").
Before, the topic was a plain argument, the data a second argument, and ``from``/``data``/
``seqno`` were Go ``[]byte`` (standard base64 in JSON; ``from`` the peer ID's bytes).

A subscription is a never-ending stream: the scenario reads it from a thread, waits until
``pubsub ls`` shows the topic, publishes, and reads as many messages as it published. Nodes
without pubsub (kubo without ``--enable-pubsub-experiment`` / ``Pubsub.Enabled``) skip.
"""
from __future__ import annotations

import base64
import threading
import time

from multiformats import multibase

from fakeipfs.versions import KuboVersion

from ..client import Reply, file_part
from ..scenario import Mismatch, Skip, expect, rpc_scenario

V0_11 = KuboVersion(0, 11, 0)
WAIT = 5.0  # seconds to wait for a subscription to show up / go away


def _multibase(ctx) -> bool:
    return ctx.version >= V0_11


def _topic_arg(ctx, topic: str) -> str:
    return "u" + base64.urlsafe_b64encode(topic.encode()).rstrip(b"=").decode() if _multibase(ctx) else topic


def _bytes_field(ctx, value: str) -> bytes:
    return multibase.decode(value) if _multibase(ctx) else base64.b64decode(value)


def _decode(ctx, message: dict) -> dict:
    """A message with its fields decoded: from (peer ID text), data, seqno (bytes), topics."""
    if _multibase(ctx):
        sender = message["from"]
        topics = [multibase.decode(t).decode() for t in message["topicIDs"]]
    else:
        sender = multibase.encode(base64.b64decode(message["from"]), "base58btc")[1:]
        topics = message["topicIDs"]
    return {"from": sender, "data": _bytes_field(ctx, message.get("data", "")),
            "seqno": _bytes_field(ctx, message["seqno"]), "topics": topics}


def _call(ctx, command: str) -> Reply:
    """``command``'s answer; a node without pubsub skips the scenario."""
    reply = ctx.rpc.call(command)
    if reply.status != 200:
        _skip_if_disabled(reply)
    return reply


def _topics(ctx) -> list:
    return _call(ctx, "pubsub/ls").json()["Strings"] or []


def _skip_if_disabled(reply: Reply) -> None:
    status, message, _ = reply.error()
    if "pubsub" in message.lower() and ("not enabled" in message or "experiment" in message):
        raise Skip(f"pubsub is not enabled on this node: {message}")


def _publish(ctx, topic: str, data: bytes) -> None:
    if _multibase(ctx):
        reply = ctx.rpc.call("pubsub/pub", _topic_arg(ctx, topic), parts=[file_part("d", data)])
    else:
        reply = ctx.rpc.call("pubsub/pub", topic, data.decode())
    reply.data()


class _Subscriber:
    """``pubsub sub`` read from a thread until ``count`` messages arrived."""

    def __init__(self, ctx, topic: str, count: int) -> None:
        self.ctx, self.topic, self.count = ctx, topic, count
        self.reply: "Reply | None" = None
        self.error: "BaseException | None" = None
        self.thread = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        try:
            self.reply = self.ctx.rpc.call("pubsub/sub", _topic_arg(self.ctx, self.topic),
                                           stream_lines=self.count)
        except BaseException as exc:  # reported by messages()
            self.error = exc

    def __enter__(self) -> "_Subscriber":
        encoded = _topic_arg(self.ctx, self.topic)
        self.thread.start()
        deadline = time.monotonic() + WAIT
        while encoded not in _topics(self.ctx):
            if self.reply is not None:
                _skip_if_disabled(self.reply)
                raise Mismatch("pubsub sub", f"ended early: HTTP {self.reply.status} {self.reply.text}")
            if time.monotonic() > deadline:
                raise Mismatch("pubsub ls", f"the subscription to {self.topic!r} never showed up")
            time.sleep(0.01)
        return self

    def messages(self) -> list[dict]:
        self.thread.join(WAIT)
        if self.thread.is_alive():
            raise Mismatch("pubsub sub", f"fewer than {self.count} messages arrived in {WAIT}s")
        if self.error is not None:
            raise self.error
        assert self.reply is not None
        return self.reply.values()

    def __exit__(self, *exc) -> None:
        self.thread.join(WAIT)


def _my_id(ctx) -> str:
    return ctx.rpc.call("id").json()["ID"]


def _echo(ctx, topic: str, data: bytes) -> dict:
    """Subscribe to ``topic``, publish ``data`` on it: the one message the subscription hears."""
    with _Subscriber(ctx, topic, 1) as sub:
        _publish(ctx, topic, data)
        (message,) = sub.messages()
    return message


@rpc_scenario("pubsub/self-delivery", "a node hears its own message (go-libp2p-pubsub delivers "
              "locally published messages to local subscribers)")
def _(ctx):
    topic = "conformance-self"
    message = _echo(ctx, topic, b"hello pubsub")
    got = _decode(ctx, message)
    expect("message", {**got, "seqno": len(got["seqno"])},
           {"from": _my_id(ctx), "data": b"hello pubsub", "seqno": 8, "topics": [topic]})


@rpc_scenario("pubsub/message-fields", "message JSON keys are from/data/seqno/topicIDs; from 0.11 "
              "multibase base64url strings and the peer ID as text, before Go []byte (base64)")
def _(ctx):
    topic = "conformance-fields"
    message = _echo(ctx, topic, b"fields")
    expect("keys", sorted(message), ["data", "from", "seqno", "topicIDs"])
    if _multibase(ctx):
        expect("encodings", (message["data"], message["topicIDs"], message["seqno"][0]),
               ("uZmllbGRz", ["uY29uZm9ybWFuY2UtZmllbGRz"], "u"))
    else:
        expect("encodings", (message["data"], message["topicIDs"]), ("ZmllbGRz", [topic]))


@rpc_scenario("pubsub/binary-data", "any bytes travel as a file part and come back multibase-encoded",
              since="0.11.0", version_why="data as a file part, multibase messages (docs/changelogs/v0.11.md)")
def _(ctx):
    topic = "conformance-binary"
    data = bytes(range(256))
    message = _echo(ctx, topic, data)
    expect("data", _decode(ctx, message)["data"], data)


@rpc_scenario("pubsub/binary-topic", "a topic is any bytes: multibase in the URL, in ls and in "
              "topicIDs", since="0.11.0", version_why="multibase topics (docs/changelogs/v0.11.md)")
def _(ctx):
    topic = "conformance/ü ✓ %?&="
    message = _echo(ctx, topic, b"x")
    expect("topics", _decode(ctx, message)["topics"], [topic])


@rpc_scenario("pubsub/seqno-order", "one publisher's messages arrive in order with consecutive "
              "8-byte big-endian seqnos (go-libp2p-pubsub pubsub.go nextSeqno)")
def _(ctx):
    topic = "conformance-order"
    with _Subscriber(ctx, topic, 3) as sub:
        for i in range(3):
            _publish(ctx, topic, f"m{i}".encode())
        messages = [_decode(ctx, m) for m in sub.messages()]
    expect("data", [m["data"] for m in messages], [b"m0", b"m1", b"m2"])
    seqnos = [int.from_bytes(m["seqno"], "big") for m in messages]
    expect("seqno steps", [b - a for a, b in zip(seqnos, seqnos[1:])], [1, 1])


@rpc_scenario("pubsub/ls", "pubsub ls lists subscribed topics (multibase-encoded from 0.11)")
def _(ctx):
    topic = "conformance-ls"
    with _Subscriber(ctx, topic, 1) as sub:
        expect("ls", _topic_arg(ctx, topic) in ctx.rpc.call("pubsub/ls").json()["Strings"], True)
        _publish(ctx, topic, b"done")
        sub.messages()


@rpc_scenario("pubsub/ls-after-unsubscribe", "closing the sub stream cancels the request, which "
              "closes the subscription (pubsub.go: defer sub.Close()); the topic leaves ls")
def _(ctx):
    topic = "conformance-unsub"
    with _Subscriber(ctx, topic, 1) as sub:
        _publish(ctx, topic, b"bye")
        sub.messages()
    encoded = _topic_arg(ctx, topic)
    deadline = time.monotonic() + WAIT
    while encoded in _topics(ctx) and time.monotonic() < deadline:
        time.sleep(0.01)
    expect("still subscribed", encoded in _topics(ctx), False)


@rpc_scenario("pubsub/ls-empty", "with no subscription, go-libp2p-pubsub GetTopics returns a nil "
              "slice: {\"Strings\": null}", targets=frozenset({"inproc", "daemon"}),
              skip_why={"live": "the live node may have subscriptions of its own"})
def _(ctx):
    expect("pubsub ls", _call(ctx, "pubsub/ls").json(), {"Strings": None})


@rpc_scenario("pubsub/peers-alone", "a node with no pubsub peers: {\"Strings\": []} (pubsub.go "
              "make([]string, 0, len(peers)))", targets=frozenset({"inproc", "daemon"}),
              skip_why={"live": "the live node may have peers"})
def _(ctx):
    expect("pubsub peers", _call(ctx, "pubsub/peers").json(), {"Strings": []})
