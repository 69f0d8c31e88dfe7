"""grid_shim.messages: Grid's pubsub helpers, each Grid bug with the test that catches it."""
from __future__ import annotations

import base64
import json
import logging
import re
import threading

import pytest

import fakeipfs
from fakeipfs import pubsub
from grid_shim import ipfsapi, messages

#: base64 of the multihash of 32 zero bytes (sha2-256) and its base58btc text
ZERO_FROM = base64.b64encode(b"\x12\x20" + bytes(32)).decode()
ZERO_PEER = "QmNLei78zWmzUdbeRB3CiUfAizWUrbeeZh5K1rhAQKCh51"


def encoded(data: "bytes | None" = b'{"a": 1}', **fields) -> dict:
    """A go-ipfs 0.4.x ``pubsub sub`` item; None leaves a field out (``omitempty``)."""
    out = {"from": ZERO_FROM, "data": None if data is None else base64.b64encode(data).decode(),
           "seqno": base64.b64encode(b"\x00\x00\x00\x00\x00\x00\x00\x07").decode(), "topicIDs": ["t"]}
    out.update(fields)
    return {k: v for k, v in out.items() if v is not None}


# --- decode_message --------------------------------------------------------------------------

def test_decode_message_as_grid_did():
    item = encoded()
    assert messages.decode_message(item) == {
        "from": b"\x12\x20" + bytes(32), "data": '{"a": 1}', "seqno": b"\x00" * 7 + b"\x07",
        "topicIDs": ["t"], "encoded": item}
    assert messages.peer_id_of(messages.decode_message(item)) == ZERO_PEER


@pytest.mark.parametrize("item", [{}, {"Message": "boom", "Code": 0, "Type": "error"}, "text", None])
def test_items_without_a_sender_are_none(item):
    assert messages.decode_message(item) is None


def test_missing_data_is_an_empty_payload():
    """Grid: KeyError (floodsub omits an empty ``data``), which killed the listener."""
    assert messages.decode_message(encoded(data=None))["data"] == ""


def test_utf8_payload_decodes():
    """Grid: ``.decode('ascii')`` raised UnicodeDecodeError on any non-ASCII payload."""
    assert messages.decode_message(encoded("héllo ✓".encode()))["data"] == "héllo ✓"


@pytest.mark.parametrize("item", [encoded(b"\xff\xfe"), encoded(seqno="*not base64*"), encoded(**{"from": "!!"})])
def test_undecodable_message_is_skipped_with_a_warning(item, caplog):
    with caplog.at_level(logging.WARNING, logger="grid_shim.messages"):
        assert messages.decode_message(item) is None
    assert "skipping a pubsub message that does not decode" in caplog.text


def test_handle_message_is_the_notebooks():
    """The notebook's listener printed and returned the first value its handler returned."""
    assert messages.handle_message(messages.decode_message(encoded())) == {"a": 1}
    assert messages.unpack is messages.handle_message
    with pytest.raises(ValueError):
        messages.handle_message(messages.decode_message(encoded(b"QmBareHash")))


# --- publish and listen ------------------------------------------------------------------------

@pytest.fixture(params=["0.4.13", "0.4.14", "0.22.0"])
def api(request):
    return ipfsapi.for_node(fakeipfs.Node(kubo_version=request.param))


def collect(api, channel, until="stop"):
    """A listener gathering the payloads of ``channel`` until one equals ``until``."""
    got: list = []

    def handler(message):
        if message["data"] == until:
            return got
        got.append(message["data"])
        return None

    return messages.listen_to_channel(api, channel, handler)


def test_publish_dumps_dicts_and_lists_only(api):
    listener = collect(api, "grid")
    messages.publish(api, "grid", {"type": "fit", "epochs": 2})
    messages.publish(api, "grid", ["x", 1])
    messages.publish(api, "grid", "QmBareHash")
    messages.publish(api, "grid", "stop")
    listener.join(10)
    assert listener.result == ['{"type": "fit", "epochs": 2}', '["x", 1]', "QmBareHash"]


def test_listener_is_subscribed_when_it_returns(api):
    """Grid subscribed inside the new thread: a message published at once could be missed."""
    listener = collect(api, "early")
    messages.publish(api, "early", "stop")  # no wait in between
    listener.join(10)
    assert listener.result == [] and not listener.is_alive()


def test_listener_survives_bad_messages_and_failing_handlers(api, caplog):
    seen: list = []

    def handler(message):
        if message["data"] == "boom":
            raise RuntimeError("handler failed")
        if message["data"] == "stop":
            return seen
        seen.append(message["data"])
        return None

    with caplog.at_level(logging.WARNING, logger="grid_shim.messages"):
        listener = messages.listen_to_channel(api, "rough", handler)
        publisher = pubsub.of(api.fakeipfs_node)
        publisher.publish("rough", b"\xff\xfe")  # not UTF-8: skipped
        publisher.publish("rough", b"boom")  # the handler raises: logged
        publisher.publish("rough", b"")  # no data field: an empty payload
        publisher.publish("rough", b"stop")
        listener.join(10)
    assert listener.result == [""] and listener.error is None
    assert "skipping a pubsub message" in caplog.text
    assert "the handler for 'rough' failed" in caplog.text and "RuntimeError: handler failed" in caplog.text


def test_listener_ends_and_unsubscribes_when_closed(api):
    listener = messages.listen_to_channel(api, "quiet", lambda m: None)
    assert api.pubsub_ls()["Strings"] == ["quiet"]
    listener.close()
    listener.join(10)
    assert not listener.is_alive() and listener.result is None
    assert not api.pubsub_ls()["Strings"]


def test_init_function_runs_once_subscribed_ack_or_not(api):
    """Grid fired ``init_function`` on the first streamed item: without 0.4.13's ``{}`` ack it
    waited for a message that the init function itself was to cause."""
    calls = []

    def init():
        calls.append(api.pubsub_ls()["Strings"])
        messages.publish(api, "ready", "go")

    assert messages.listen_to_channel_sync(api, "ready", lambda m: m["data"], init_function=init) == "go"
    assert calls == [["ready"]]
    assert not api.pubsub_ls()["Strings"]  # the stream is closed when the listener returns


def test_listen_sync_returns_the_first_value_and_can_time_out(api):
    thread = threading.Thread(target=lambda: messages.publish(api, "sync", "1"))
    result = messages.listen_to_channel_sync(api, "sync", lambda m: int(m["data"]) + 1,
                                             init_function=thread.start)
    assert result == 2
    with pytest.raises(TimeoutError, match=r"^timeout after 0.05 seconds$"):
        messages.listen_to_channel_sync(api, "silence", lambda m: 1, timeout=0.05)
    assert not api.pubsub_ls()["Strings"]


def test_init_function_errors_reach_the_caller(api):
    def init():
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        messages.listen_to_channel_sync(api, "x", lambda m: 1, init_function=init)
    with pytest.raises(ValueError, match="no"):
        messages.listen_to_channel_sync(api, "x", lambda m: 1, init_function=init, timeout=5)


# --- request_response across two nodes -----------------------------------------------------------

@pytest.mark.parametrize("version", ["0.4.13", "0.4.14", "0.22.0"])
def test_request_response_between_two_nodes(version):
    """Grid hung from go-ipfs 0.4.14 (no ack) and raised TypeError on Python 3.12 (float bound)."""
    net = fakeipfs.Network(2, kubo_version=version)
    client, worker = (ipfsapi.for_node(node) for node in net.nodes)
    requests_seen: list = []

    def whoami(message):
        payload, reply_channel = json.loads(message["data"])
        requests_seen.append((payload, reply_channel, messages.peer_id_of(message)))
        messages.publish(worker, reply_channel, {"id": "compute:" + worker.id()["ID"], "asked": payload})

    responder = messages.listen_to_channel(worker, "openmined:whoami", whoami)
    try:
        stats = messages.request_response(client, "openmined:whoami", [], lambda m: json.loads(m["data"]),
                                          timeout=10)
    finally:
        responder.close()
    client_id = client.id()["ID"]
    assert stats == {"id": "compute:" + worker.id()["ID"], "asked": []}
    [(payload, reply_channel, sender)] = requests_seen
    assert payload == [] and sender == client_id
    assert re.fullmatch(re.escape(client_id) + r"_\d+", reply_channel)


def test_request_response_times_out_with_grids_text(api):
    with pytest.raises(TimeoutError, match=r"^timeout after 0.05 seconds$"):
        messages.request_response(api, "nobody", "hello", lambda m: m, timeout=0.05, sender_id="client:x")
    assert not api.pubsub_ls()["Strings"]


def test_request_response_over_http(client_for):
    node = fakeipfs.Node(kubo_version="0.4.14")
    with client_for("daemon", node) as api:
        def echo(message):
            payload, reply_channel = json.loads(message["data"])
            messages.publish(api, reply_channel, {"echo": payload})

        responder = messages.listen_to_channel(api, "echo", echo)
        try:
            assert messages.request_response(api, "echo", "hi", messages.unpack, timeout=10) == {"echo": "hi"}
        finally:
            responder.close()
        responder.join(10)
        assert not responder.is_alive()


def test_the_notebooks_pubsub_cells(target):
    """``listen_to_channel("model", handle_message)``, then ``pubsub_pub(..., stream=True)``: the
    listener hears the message back and returns its payload."""
    message = {"model_name": "mnist", "owner_id": "534564"}
    listener = messages.listen_to_channel(target.api, "model", messages.handle_message)
    target.api.pubsub_pub(topic="model", payload=json.dumps(message), stream=True)
    listener.join(10)
    assert listener.result == message and listener.error is None
