"""grid_shim.ipfsapi: the calls of Grid's seed notebook (add_bytes/cat, add_json, get_json,
pubsub_pub/pubsub_sub) against a fakeipfs node in process, under ``fakeipfs.mock()`` and over
HTTP, for go-ipfs 0.4.13, 0.4.14 and kubo 0.22.0; the answers are go-ipfs 0.4.x's."""
from __future__ import annotations

import base64
import json
import socket
import threading
import time
import types

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from multiformats import multibase

import fakeipfs
from fakeipfs import inspection, pubsub
from fakeipfs.errors import err_not_found_offline
from fakeipfs.versions import KuboVersion
from grid_shim import ipfsapi

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # kubo: "hello world"
NOTEBOOK_JSON = "Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne"  # the seed notebook's add_json
MISSING = "QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ"  # a CID no node here holds


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def peer_bytes(peer_id: str) -> bytes:
    return multibase.decode("z" + peer_id)


def wait_until(condition, guard: float = 5.0) -> None:
    """Poll ``condition`` until true (a daemon notices a closed stream asynchronously)."""
    deadline = time.monotonic() + guard
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


# --- storage ---------------------------------------------------------------------------------

def test_add_bytes_and_cat(target):
    assert target.api.add_bytes(b"hello world") == HELLO
    assert target.api.cat(HELLO) == b"hello world"
    assert target.api.add_str("hello world") == HELLO


def test_add_json_gives_the_notebooks_cid(target):
    info = json.dumps({"model_name": "mnist", "owner_id": "534564"})
    assert target.api.add_json(info) == NOTEBOOK_JSON
    assert target.api.get_json(NOTEBOOK_JSON) == info
    assert target.api.cat(NOTEBOOK_JSON) == b'"{\\"model_name\\": \\"mnist\\", \\"owner_id\\": \\"534564\\"}"'


def test_add_json_sorts_keys_compactly(target):
    cid = target.api.add_json({"b": [1, 2], "a": "é"})
    assert target.api.cat(cid) == b'{"a":"\\u00e9","b":[1,2]}'
    assert target.api.get_json(cid) == {"a": "é", "b": [1, 2]}


def test_unknown_cid_carries_kubos_message(target):
    with pytest.raises(ipfsapi.ErrorResponse) as caught:
        target.api.cat(MISSING)
    assert str(caught.value) == err_not_found_offline(MISSING)
    if target.version == "0.22.0":
        assert str(caught.value) == ("block was not found locally (offline): ipld: could not find "
                                     "QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ")
    with pytest.raises(ipfsapi.ErrorResponse):
        target.api.get_json(MISSING)


def test_config_show_and_id_name_the_node(target):
    peer = target.api.id()["ID"]
    assert target.api.config_show()["Identity"]["PeerID"] == peer  # multi-line JSON before 0.4.18
    assert target.api.version()["Version"] == target.version


def test_request_methods_are_ipfsapis(target):
    """GET without a body (go-ipfs 0.4.x); kubo >= 0.5 answers 405 and the client moves to POST."""
    api = ipfsapi.Client(session=target.api.session)
    api.url = target.api.url
    inspection.of(target.node).clear()
    api.version()
    api.version()
    statuses = [r.status for r in inspection.find_requests(target.node, "version")]
    post_only = target.node.kubo_version >= KuboVersion(0, 5)  # docs/changelogs/v0.5.md
    assert statuses == ([405, 200, 200] if post_only else [200, 200])


# --- pubsub ----------------------------------------------------------------------------------

def test_pubsub_hears_its_own_message_in_the_legacy_shape(target, take):
    topic = f"model-{target.way}"
    peer = target.api.id()["ID"]
    with target.api.pubsub_sub(topic, stream=True) as sub:
        assert target.api.pubsub_pub(topic, "héllo") == []
        target.api.pubsub_pub(topic, '{"x": 1}', stream=True)  # still publishes
        items = take(sub, 3 if target.version == "0.4.13" else 2)
    if target.version == "0.4.13":
        assert items.pop(0) == {}  # go-ipfs <= 0.4.13's subscribe ack
    first, second = items
    assert set(first) == {"from", "data", "seqno", "topicIDs"}
    assert first["from"] == b64(peer_bytes(peer))
    ed25519 = target.node.kubo_version >= KuboVersion(0, 7)  # docs/changelogs/v0.7.md
    assert first["from"].startswith("ACQIARIg" if ed25519 else "Ei")  # identity / sha2-256 multihash
    assert first["data"] == b64("héllo".encode()) and second["data"] == b64(b'{"x": 1}')
    assert first["topicIDs"] == second["topicIDs"] == [topic]
    seqnos = [int.from_bytes(base64.b64decode(m["seqno"]), "big") for m in (first, second)]
    assert [len(base64.b64decode(m["seqno"])) for m in (first, second)] == [8, 8]
    assert seqnos[1] == seqnos[0] + 1


def test_pubsub_speaks_the_versions_wire(target, take):
    topic = "wire/é"
    inspection.of(target.node).clear()
    with target.api.pubsub_sub(topic) as sub:
        target.api.pubsub_pub(topic, "x")
        take(sub, 2 if target.version == "0.4.13" else 1)
    sub_args = [r.args for r in inspection.find_requests(target.node, "pubsub/sub")]
    pub_args = [r.args for r in inspection.find_requests(target.node, "pubsub/pub")]
    if target.version == "0.22.0":
        multibase_topic = "u" + base64.urlsafe_b64encode(topic.encode()).decode().rstrip("=")
        assert sub_args == pub_args == [[multibase_topic]]
    else:
        assert sub_args == [[topic, "False"]] and pub_args == [[topic, "x"]]


def test_empty_payload_has_no_data_field(target, take):
    with target.api.pubsub_sub("empty") as sub:
        target.api.pubsub_pub("empty", "")
        message = take(sub, 2 if target.version == "0.4.13" else 1)[-1]
    assert set(message) == {"from", "seqno", "topicIDs"}


def test_non_utf8_payload_passes_through(target, take):
    with target.api.pubsub_sub("binary") as sub:
        pubsub.of(target.node).publish("binary", b"\xff\x00\xfe")
        message = take(sub, 2 if target.version == "0.4.13" else 1)[-1]
    assert message["data"] == b64(b"\xff\x00\xfe")


def test_closing_the_subscription_unsubscribes(target, take):
    sub = target.api.pubsub_sub("closing")
    assert "closing" in target.api.pubsub_ls()["Strings"]
    sub.close()
    assert list(sub) == []
    wait_until(lambda: "closing" not in (target.api.pubsub_ls()["Strings"] or []))


def test_lone_node_has_no_pubsub_peers(target):
    with target.api.pubsub_sub("lonely"):
        assert target.api.pubsub_peers() == []
        assert target.api.pubsub_peers("lonely") == []


@pytest.mark.parametrize("version", ["0.4.13", "0.22.0"])
def test_pubsub_across_two_nodes(version, take):
    net = fakeipfs.Network(2, kubo_version=version)
    here, there = (ipfsapi.for_node(node) for node in net.nodes)
    there_id = there.id()["ID"]
    with here.pubsub_sub("openmined") as sub, there.pubsub_sub("openmined"):
        assert here.pubsub_peers("openmined") == [there_id]
        assert here.pubsub_peers() == [there_id]
        assert here.pubsub_peers("elsewhere") == []
        there.pubsub_pub("openmined", "from afar")
        message = take(sub, 2 if version == "0.4.13" else 1)[-1]
    assert message["from"] == b64(peer_bytes(there_id))
    assert message["data"] == b64(b"from afar")


def test_legacy_message_translates_kubos_multibase_message():
    peer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
    kubo = {"from": peer, "data": "uaGk", "seqno": "uGOwdzjEOr4U", "topicIDs": ["ubW9kZWw"]}
    assert ipfsapi.legacy_message(kubo) == {
        "from": b64(peer_bytes(peer)), "data": "aGk=", "seqno": "GOwdzjEOr4U=", "topicIDs": ["model"]}
    assert ipfsapi.legacy_message({"from": peer, "data": "u", "seqno": "u"}) == {"from": b64(peer_bytes(peer))}
    error = {"Message": "boom", "Code": 0, "Type": "error"}
    assert ipfsapi.legacy_message(error) is error


# --- connect, mock, errors -------------------------------------------------------------------

def test_connect_accepts_any_version_from_0_4_3():
    with fakeipfs.mock(fakeipfs.Node(kubo_version="0.4.2")):
        with pytest.raises(ipfsapi.VersionMismatch) as caught:
            ipfsapi.connect()
    assert str(caught.value) == "Unsupported daemon version '0.4.2' (not in range: 0.4.3 ≤ …)"
    for version in ("0.4.3", "0.5.0", "0.22.0"):
        with fakeipfs.mock(fakeipfs.Node(kubo_version=version)):
            assert ipfsapi.connect().version()["Version"] == version


def test_client_made_inside_mock_reaches_the_mocks_node():
    with fakeipfs.mock() as node:
        assert ipfsapi.Client().add_bytes(b"hello world") == HELLO
    assert node.cat(HELLO) == b"hello world"


def test_for_node_needs_no_socket():
    node = fakeipfs.Node()
    assert ipfsapi.for_node(node).add_str("hello world") == HELLO
    assert node.cat(HELLO) == b"hello world"


def test_connection_refused_is_ipfsapis_connection_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(ipfsapi.ConnectionError) as caught:
            ipfsapi.connect("127.0.0.1", port)
    assert isinstance(caught.value, ConnectionError)  # Grid's ``except ConnectionError``
    assert isinstance(caught.value, ipfsapi.exceptions.CommunicationError)


def test_exception_hierarchy_is_ipfsapis():
    ex = ipfsapi.exceptions
    assert issubclass(ex.ErrorResponse, ex.StatusError)
    assert issubclass(ex.StatusError, ex.CommunicationError)
    assert issubclass(ex.TimeoutError, ex.CommunicationError) and issubclass(ex.TimeoutError, TimeoutError)
    assert issubclass(ex.DecodingError, ex.EncoderError) and issubclass(ex.EncoderError, ex.Error)
    assert issubclass(ex.VersionMismatch, ex.Error)


def test_unknown_command_is_a_status_error():
    api = ipfsapi.for_node(fakeipfs.Node())
    with pytest.raises(ipfsapi.StatusError) as caught:
        api._json("/no/such/command")
    assert not isinstance(caught.value, ipfsapi.ErrorResponse)
    assert "404" in str(caught.value)


def test_add_json_of_unencodable_object_is_an_encoding_error():
    with pytest.raises(ipfsapi.EncodingError):
        ipfsapi.for_node(fakeipfs.Node()).add_json({"x": object()})


class _ChunkedResponse:
    """What :class:`ipfsapi.Stream` reads: chunks split anywhere."""

    raw = None

    def __init__(self, chunks):
        self._chunks = chunks

    def iter_content(self, chunk_size=None):
        yield from self._chunks

    def close(self):
        pass


def test_stream_decodes_values_split_across_chunks_and_lines():
    chunks = [b'{"a":', b'1}\n{"b"', b':\n  2}\n', b'{}\n', b'[1]']
    assert list(ipfsapi.Stream(_ChunkedResponse(chunks), True)) == [{"a": 1}, {"b": 2}, {}, [1]]
    with pytest.raises(ipfsapi.DecodingError):
        list(ipfsapi.Stream(_ChunkedResponse([b"{nope}\n"]), True))


class _BlockingResponse:
    """An HTTP stream whose second read blocks until its socket is shut down (then fails, as a
    read on a shut-down socket does); records which thread closes it."""

    def __init__(self):
        self.reading = threading.Event()
        self.shut = threading.Event()
        self.closed_by: list[str] = []
        self.raw = types.SimpleNamespace(_connection=types.SimpleNamespace(
            sock=types.SimpleNamespace(shutdown=lambda how: self.shut.set())))

    def iter_content(self, chunk_size=None):
        yield b'{"a":1}\n'
        self.reading.set()
        self.shut.wait()
        raise requests.ConnectionError("Connection aborted")

    def close(self):
        self.closed_by.append(threading.current_thread().name)


def test_a_stream_closed_while_read_is_released_by_its_reader():
    """The closing thread only shuts the socket down; the reader closes the response once it is
    done with it, so the connection never returns to the pool while the reader still uses it."""
    response = _BlockingResponse()
    stream = ipfsapi.Stream(response, True)
    assert next(stream) == {"a": 1}
    rest: list = []
    reader = threading.Thread(target=lambda: rest.extend(stream), name="reader")
    reader.start()
    assert response.reading.wait(10)
    stream.close()
    reader.join(10)
    assert not reader.is_alive() and rest == []
    assert response.closed_by == ["reader"]
    stream.close()
    assert response.closed_by == ["reader"]


def test_a_stream_closed_while_idle_is_released_at_once():
    response = _BlockingResponse()
    stream = ipfsapi.Stream(response, True)
    stream.close()
    assert response.closed_by == [threading.current_thread().name] and not response.shut.is_set()
    assert list(stream) == []
    stream.close()
    assert len(response.closed_by) == 1


def test_nested_mocks_reach_the_innermost_node():
    outer, inner = fakeipfs.Node(), fakeipfs.Node()
    with fakeipfs.mock(outer):
        with fakeipfs.mock(inner):
            inner_cid = ipfsapi.connect().add_str("inner")
        outer_cid = ipfsapi.connect().add_str("outer")
    assert inspection.added(inner) == [inner_cid] and inspection.added(outer) == [outer_cid]
    assert fakeipfs.transport.mocked_node() is None


def test_swarm_connect_failure_carries_kubos_message(target):
    """Grid wraps every ``swarm_connect`` in a bare ``except``: it must raise, not return."""
    address = f"/ip4/127.0.0.1/tcp/1/{'p2p' if target.node.kubo_version >= KuboVersion(0, 5) else 'ipfs'}/{MISSING}"
    with pytest.raises(ipfsapi.ErrorResponse) as caught:
        target.api.swarm_connect(address)
    assert str(caught.value).startswith(f"connect {MISSING} failure: ")


#: For the hypothesis test, one node per pubsub wire (in process, so a publication is queued
#: before ``next``) and the payloads it carries: any bytes as a multipart file (kubo 0.11+),
#: UTF-8 text as an ``arg`` (go-ipfs 0.4.x, Grid's way).
WIRES = {"multibase": (ipfsapi.for_node(fakeipfs.Node(kubo_version="0.22.0")), st.binary(max_size=64)),
         "legacy": (ipfsapi.for_node(fakeipfs.Node(kubo_version="0.4.14")), st.text(max_size=32).map(str.encode))}


@pytest.mark.parametrize("wire", WIRES)
@settings(max_examples=40, deadline=None)
@given(topic=st.text(min_size=1, max_size=12), data=st.data())
def test_any_topic_and_payload_survive_the_wire(wire, topic, data):
    api, payloads = WIRES[wire]
    payload = data.draw(payloads, label="payload")
    with api.pubsub_sub(topic) as sub:
        api.pubsub_pub(topic, payload)
        message = next(sub)
    assert message.get("data", "") == b64(payload) and message["topicIDs"] == [topic]
    assert topic not in (api.pubsub_ls()["Strings"] or [])
