"""/api/v0/pubsub/*: kubo core/commands/pubsub.go, legacy (<=0.10) and multibase (>=0.11) wire."""
from __future__ import annotations

import base64
import gc
import json
import threading
from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlencode

import ipfshttpclient
import pytest

import fakeipfs
import fakeipfs.transport as t
from fakeipfs import pubsub
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.rpc.wire import Request, Response

NOT_ENABLED = "experimental pubsub feature not enabled. Run daemon with --enable-pubsub-experiment to use."
NOT_ENABLED_V0_17 = "experimental pubsub feature not enabled, run daemon with --enable-pubsub-experiment to use"


def within(fn: Callable[[], Any], timeout: float = 5) -> Any:
    """Run ``fn`` in a thread; fail instead of hanging when it does not return in time."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if errors:
        raise errors[0]
    assert out, f"no answer within {timeout} s"
    return out[0]


def call(node: fakeipfs.Node, path: str, *args: str, body: Optional[bytes] = None,
         method: str = "POST") -> Response:
    query = urlencode([("arg", a) for a in args])
    headers = {}
    if body is not None:
        boundary = "fakeipfs-test-boundary"
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="data"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + body + \
            f"\r\n--{boundary}--\r\n".encode()
    url = f"/api/v0/pubsub/{path}" + (f"?{query}" if query else "")
    return Dispatcher(node).handle(Request.from_url(method, url, headers, body))


def answer(response: Response) -> Any:
    assert response.status == 200, response.read_all()
    return json.loads(response.read_all())


def error(response: Response) -> str:
    assert response.status == 500
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.read_all())
    assert body["Code"] == 0 and body["Type"] == "error"
    return body["Message"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def lines(response: Response) -> Iterator[bytes]:
    return response.iter_body()


def peer_id(node: fakeipfs.Node) -> str:
    return pubsub.of(node).peer_id


def seqno_of(field: str, *, multibase: bool = False) -> int:
    raw = base64.urlsafe_b64decode(field[1:] + "==") if multibase else base64.b64decode(field)
    assert len(raw) == 8
    return int.from_bytes(raw, "big")


# --- ipfshttpclient, kubo 0.7.0 (legacy wire) -----------------------------------------------

def test_client_hears_its_own_message():
    """ipfshttpclient's functional test (test_pubsub.py): data "aGVsbG8=", topicIDs [topic]."""
    node = fakeipfs.Node()
    client = t.client(node)
    with client.pubsub.subscribe("topic") as sub:
        client.pubsub.publish("topic", "hello")
        message = within(lambda: next(iter(sub)))
    assert client.pubsub.ls() == {"Strings": None}  # closing the stream unsubscribed
    assert set(message) == {"from", "data", "seqno", "topicIDs"}
    assert message["data"] == "aGVsbG8="
    assert message["topicIDs"] == ["topic"]
    assert message["from"] == b64(pubsub.peer_id_bytes(peer_id(node)))
    assert base64.b64decode(message["from"]).startswith(b"\x00\x24\x08\x01\x12\x20")
    seqno_of(message["seqno"])


def test_client_ls_and_peers():
    client = t.client(fakeipfs.Node())
    assert client.pubsub.ls() == {"Strings": None}
    with client.pubsub.subscribe("b"), client.pubsub.subscribe("a"):
        assert client.pubsub.ls() == {"Strings": ["b", "a"]}
        assert client.pubsub.peers() == {"Strings": []}
        assert client.pubsub.peers("a") == {"Strings": []}
    assert client.pubsub.ls() == {"Strings": None}


def test_client_messages_in_order_from_another_thread():
    node = fakeipfs.Node()
    client = t.client(node)
    with client.pubsub.subscribe("t") as sub:
        messages = iter(sub)
        threading.Timer(0.05, client.pubsub.publish, ("t", "late")).start()
        first = within(lambda: next(messages))  # waits in the reader until the timer publishes
        for i in range(5):
            client.pubsub.publish("t", f"m{i}")
        got = [within(lambda: next(messages)) for _ in range(5)]
    assert base64.b64decode(first["data"]) == b"late"
    assert [base64.b64decode(m["data"]) for m in got] == [b"m0", b"m1", b"m2", b"m3", b"m4"]
    seqnos = [seqno_of(m["seqno"]) for m in [first, *got]]
    assert seqnos == list(range(seqnos[0], seqnos[0] + 6))


def test_client_empty_topic_is_a_topic():
    client = t.client(fakeipfs.Node())
    with client.pubsub.subscribe("") as sub:
        client.pubsub.publish("", "x")
        message = within(lambda: next(iter(sub)))
        assert client.pubsub.ls() == {"Strings": [""]}
    assert message["topicIDs"] == [""] and message["data"] == "eA=="


def test_client_sees_kubo_error_when_pubsub_is_disabled():
    node = fakeipfs.Node()
    pubsub.of(node).enabled = False
    client = t.client(node)
    for operation in (client.pubsub.ls, client.pubsub.peers, lambda: client.pubsub.publish("t", "x"),
                      lambda: client.pubsub.subscribe("t")):
        with pytest.raises(ipfshttpclient.exceptions.ErrorResponse, match="^experimental pubsub") as info:
            operation()
        assert str(info.value) == NOT_ENABLED


# --- raw requests: the legacy wire ---------------------------------------------------------

def test_sub_answers_at_once_and_streams_exact_ndjson():
    node = fakeipfs.Node()
    response = call(node, "sub", "t", "False")  # ipfshttpclient's extra "discover" arg is dropped
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Chunked-Output"] == "1"
    assert response.headers["Trailer"] == "X-Stream-Error"
    assert pubsub.of(node).topics() == ["t"]  # subscribed before the body is read
    body = lines(response)
    assert call(node, "pub", "t", "hi", "<&>").status == 200
    first = within(lambda: next(body))
    second = within(lambda: next(body))
    sender = b64(pubsub.peer_id_bytes(peer_id(node)))
    one, two = json.loads(first), json.loads(second)
    assert first == (f'{{"from":"{sender}","data":"aGk=","seqno":"{one["seqno"]}",'
                     f'"topicIDs":["t"]}}\n').encode()
    assert two["data"] == b64(b"<&>")
    assert seqno_of(two["seqno"]) == seqno_of(one["seqno"]) + 1
    body.close()  # the client hangs up
    assert pubsub.of(node).topics() == []


def test_pub_answers_with_an_empty_value_stream():
    response = call(fakeipfs.Node(), "pub", "t", "x")
    assert response.status == 200
    assert response.headers["X-Chunked-Output"] == "1"
    assert response.read_all() == b""


@pytest.mark.parametrize("version, chunked", [("0.4.13", None), ("0.4.14", "1")])
def test_pub_before_go_ipfs_cmds_has_no_channel_header(version: str, chunked: Optional[str]):
    """v0.4.13 commands/http/handler.go ``sendResponse``: X-Chunked-Output only for a channel
    output, and ``pub`` sets none; go-ipfs-cmds 1.0.12 (0.4.14) ``preamble(nil)`` sets it."""
    response = call(fakeipfs.Node(kubo_version=version), "pub", "t", "x")
    assert (response.status, response.headers["Content-Type"]) == (200, "application/json")
    assert (response.headers.get("X-Chunked-Output"), response.read_all()) == (chunked, b"")
    assert "X-Stream-Output" not in response.headers


def test_sub_waits_for_a_message_published_later():
    node = fakeipfs.Node()
    body = lines(call(node, "sub", "t"))
    threading.Timer(0.05, lambda: call(node, "pub", "t", "later").read_all()).start()
    assert json.loads(within(lambda: next(body)))["data"] == b64(b"later")
    body.close()


def test_dropping_an_unread_sub_response_unsubscribes_at_once():
    node = fakeipfs.Node()
    client = t.client(node)
    gc.disable()  # no cycle collection may be needed
    try:
        response = call(node, "sub", "t")
        assert pubsub.of(node).topics() == ["t"]
        del response
        assert pubsub.of(node).topics() == []
        with client.pubsub.subscribe("never read"):
            assert client.pubsub.ls() == {"Strings": ["never read"]}
        assert client.pubsub.ls() == {"Strings": None}
    finally:
        gc.enable()


def test_pub_publishes_each_data_arg():
    node = fakeipfs.Node()
    body = lines(call(node, "sub", "t"))
    assert call(node, "pub", "t", "a", "b", "").status == 200
    got = [json.loads(within(lambda: next(body))) for _ in range(3)]
    body.close()
    assert [m.get("data") for m in got] == [b64(b"a"), b64(b"b"), None]  # empty data: omitempty
    assert set(got[2]) == {"from", "seqno", "topicIDs"}


def test_pub_reads_data_lines_from_the_body():
    """go-ipfs-cmds ParseBodyArgs: URL args first, then each body line (\\n or \\r\\n)."""
    node = fakeipfs.Node()
    body = lines(call(node, "sub", "t"))
    assert call(node, "pub", "t", "url", body=b"one\r\ntwo\n\nthree").status == 200
    got = [json.loads(within(lambda: next(body))) for _ in range(5)]
    body.close()
    assert [base64.b64decode(m.get("data", "")) for m in got] == [b"url", b"one", b"two", b"", b"three"]


def bad_request(response: Response) -> str:
    """go-ipfs-cmds http/parse.go: arguments are checked while parsing, a plain-text 400."""
    assert response.status == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    return response.read_all().decode().rstrip("\n")


def test_pub_without_data():
    node = fakeipfs.Node()
    assert bad_request(call(node, "pub", "t")) == 'argument "data" is required'
    assert bad_request(call(node, "pub")) == 'argument "topic" is required'


def test_kubo_0_4_13_sends_an_empty_message_first_and_null_peers():
    node = fakeipfs.Node(kubo_version="0.4.13")
    response = call(node, "sub", "t", method="GET")
    body = lines(response)
    assert within(lambda: next(body)) == b"{}\n"
    call(node, "pub", "t", "x", method="GET").read_all()
    message = json.loads(within(lambda: next(body)))
    assert message["data"] == "eA==" and message["topicIDs"] == ["t"]
    assert answer(call(node, "peers")) == {"Strings": None}
    assert answer(call(node, "ls")) == {"Strings": ["t"]}
    body.close()
    assert answer(call(node, "ls")) == {"Strings": None}


def test_kubo_0_4_14_flushes_instead():
    node = fakeipfs.Node(kubo_version="0.4.14")
    body = lines(call(node, "sub", "t"))
    call(node, "pub", "t", "x").read_all()
    assert json.loads(within(lambda: next(body)))["data"] == "eA=="
    body.close()
    assert answer(call(node, "peers")) == {"Strings": []}


@pytest.mark.parametrize("version, message", [("0.7.0", NOT_ENABLED), ("0.16.0", NOT_ENABLED),
                                              ("0.17.0", NOT_ENABLED_V0_17)])
def test_disabled_pubsub(version, message):
    node = fakeipfs.Node(kubo_version=version)
    pubsub.of(node).enabled = False
    topic = u(b"t") if node.kubo_version.pubsub_multibase else "t"
    assert error(call(node, "ls")) == message
    assert error(call(node, "peers")) == message
    assert error(call(node, "sub", topic)) == message
    assert error(call(node, "pub", topic, "x", body=b"x")) == message


# --- raw requests: the multibase wire (kubo 0.11+) -----------------------------------------

def test_multibase_wire():
    node = fakeipfs.Node(kubo_version="0.11.0")
    response = call(node, "sub", u(b"topic"))
    assert response.status == 200 and response.headers["X-Chunked-Output"] == "1"
    body = lines(response)
    data = b"hello\nworld\r\n"
    assert call(node, "pub", u(b"topic"), body=data).status == 200  # one message, lines and all
    line = within(lambda: next(body))
    message = json.loads(line)
    assert line == (f'{{"from":"{peer_id(node)}","data":"{u(data)}",'
                    f'"seqno":"{message["seqno"]}","topicIDs":["udG9waWM"]}}\n').encode()
    seqno_of(message["seqno"], multibase=True)
    assert answer(call(node, "ls")) == {"Strings": ["udG9waWM"]}
    assert answer(call(node, "peers")) == {"Strings": []}
    assert answer(call(node, "peers", u(b"topic"))) == {"Strings": []}
    assert call(node, "pub", u(b"topic"), body=b"").status == 200
    assert json.loads(within(lambda: next(body)))["data"] == "u"  # empty data is still "u"
    body.close()
    assert answer(call(node, "ls")) == {"Strings": None}


def test_multibase_topics_may_be_any_bytes():
    """kubo 0.11's point: topics are binary; one that is not UTF-8 round-trips."""
    node = fakeipfs.Node(kubo_version="0.11.0")
    topic = u(b"\xff\xfe")
    assert topic == "u__4"
    body = lines(call(node, "sub", topic))
    assert answer(call(node, "ls")) == {"Strings": [topic]}
    assert call(node, "pub", topic, body=b"\x00\x01").status == 200
    message = json.loads(within(lambda: next(body)))
    body.close()
    assert message["topicIDs"] == [topic] and message["data"] == "uAAE"
    assert pubsub.of(node).topics() == []


def test_multibase_pub_needs_a_file():
    node = fakeipfs.Node(kubo_version="0.11.0")
    response = call(node, "pub", u(b"t"), "data in the URL")
    assert response.status == 400
    assert response.read_all() == b"file argument 'data' is required\n"


@pytest.mark.parametrize("arg, message", [
    ("foobar", "URL arg must be multibase encoded: encoding/hex: invalid byte: U+006F 'o'"),  # t0322
    ("mZm9vYmFyCg", "URL arg must be base64url encoded"),  # t0322
    ("", "URL arg must be multibase encoded: cannot decode multibase for zero length string"),
    ("hello", "URL arg must be multibase encoded: selected encoding not supported"),
    ("u!!", "URL arg must be multibase encoded: illegal base64 data at input byte 0"),
    ("uAAAAA", "URL arg must be multibase encoded: illegal base64 data at input byte 4"),
    ("uZm9v+", "URL arg must be multibase encoded: illegal base64 data at input byte 4"),
    ("f6", "URL arg must be multibase encoded: encoding/hex: odd length hex string"),
    ("f74", "URL arg must be base64url encoded"),
    ("borsxg5a", "URL arg must be base64url encoded"),
    ("zAbc", "URL arg must be base64url encoded"),
    ("MdGVzdA==", "URL arg must be base64url encoded"),
])
def test_multibase_url_arg_errors(arg, message):
    node = fakeipfs.Node(kubo_version="0.11.0")
    assert error(call(node, "sub", arg)) == message
    assert error(call(node, "peers", arg)) == message
    assert error(call(node, "pub", arg, body=b"x")) == message
    assert pubsub.of(node).topics() == []
