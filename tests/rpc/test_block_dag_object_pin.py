"""block, dag, object, pin, repo, refs and resolve through the real ipfshttpclient 0.7.0, in process.

The vectors are py-ipfs-http-client's functional tests (test/functional/test_block.py,
test_dag.py, test_object.py, test_pin.py, test_repo.py, test_unstable.py at 0.7.0) and their
fixtures (fake_dir/, fake_json/); kubo v0.7.0 is the emulated version.
"""
from __future__ import annotations

import io
import json

import ipfshttpclient
import pytest

import fakeipfs
import fakeipfs.transport as transport
from fakeipfs.unixfs.files import Directory, File

EMPTY = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"  # object new
SELF_LINK = "QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"  # EMPTY + link "self" -> EMPTY
DAG_NO_LINKS = "bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya"  # {"links": []}
FSDFGH = b"dsadsad\n"  # fake_dir/fsdfgh
POPOIOPIU = b"oooofiopfsdpio\n"  # fake_dir/popoiopiu
LINKS_JSON = (b'{\n  "Data": "another",\n  "Links": [ {\n    "Name": "some link",\n'
              b'    "Hash": "QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V",\n    "Size": 8\n  } ]\n}\n')
NO_LINKS_JSON = b'{\n  "Data": "abc"\n}\n'
# fake_json/data.car: a CARv1 of DAG_NO_LINKS
DATA_CAR = bytes.fromhex(
    "3aa265726f6f747381d82a58250001711220647a5893d4ebabfa4c5e0f66308fc6f6aaff691976023626d61eda9c"
    "c87263c06776657273696f6e012c01711220647a5893d4ebabfa4c5e0f66308fc6f6aaff691976023626d61eda9c"
    "c87263c0a1656c696e6b7380")
FAKE_DIR = "QmNx8xVu9mpdz9k6etbh2S8JwZygatsZVCH4XhgtfUYAJi"
FAKE_DIR_TEST2 = "QmStL6TPbJfMHQhHjoVT93kCynVx3GwLf7xwgrtScqABhU"
FAKE_DIR_REFS = ["QmQcCtMgLVwvMQGu6mvsRYLjwqrZJcYtH4mboM9urWW9vX",
                 "QmYAhvKYu46rh5NcHzeu6Bhc7NG9SqkF9wySj2jvB74Rkv",
                 FAKE_DIR_TEST2,
                 "QmRphRr6ULDEj7YnXpLdnxhnPiVjv5RDtGX3er94Ec6v4Q"]


def _fake_dir() -> Directory:
    """py-ipfs-http-client test/functional/fake_dir."""
    return Directory("fake_dir", [
        File.from_bytes("fsdfgh", FSDFGH),
        File.from_bytes("popoiopiu", POPOIOPIU),
        Directory("test2", [
            File.from_bytes("fssdf", b"dsdsdsadsdsad\n"),
            Directory("high", [Directory("five", [File.from_bytes("dummy", "\U0001f609\n".encode())])]),
            File.from_bytes("llllg", b"dsdsadjs\n"),
        ]),
        Directory("test3", [File.from_bytes("ppppoooooooooo", b"dsasasd\n")]),
    ])


@pytest.fixture
def node() -> fakeipfs.Node:
    return fakeipfs.Node()


@pytest.fixture
def client(node):
    return transport.client(node)


# --- block ------------------------------------------------------------------------------------

def test_block_put_defaults_to_cidv0_and_get_stat_read_it_back(client):
    assert client.block.put(io.BytesIO(FSDFGH)) == {
        "Key": "QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna", "Size": 8}
    assert client.block.get("QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna") == FSDFGH
    assert client.block.stat("QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna") == {
        "Key": "QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna", "Size": 8}


def test_block_put_raw_format(client):
    raw = "bafkreid7qoywk77r7rj3slobqfekdvs57qwuwh5d2z3sqsw52iabe3mqne"
    assert client.block.put(io.BytesIO(b"Hello World!"), opts={"format": "raw"}) == {
        "Key": raw, "Size": 12}
    assert client.block.get(raw) == b"Hello World!"


def test_block_stat_of_missing_block_is_an_error_response(client):
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse,
                       match="could not find QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna"):
        client.block.stat("QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna")


# --- dag --------------------------------------------------------------------------------------

def test_dag_put_get_resolve(client):
    assert client.dag.put(io.BytesIO(b'{"links": []}')) == {"Cid": {"/": DAG_NO_LINKS}}
    assert client.dag.get(DAG_NO_LINKS) == {"links": []}
    assert client.dag.resolve(DAG_NO_LINKS) == {"Cid": {"/": DAG_NO_LINKS}, "RemPath": ""}


def test_dag_import_pins_the_root_and_export_gives_the_same_car_back(client, node):
    assert client.dag.imprt(io.BytesIO(DATA_CAR)) == {
        "Root": {"Cid": {"/": DAG_NO_LINKS}, "PinErrorMsg": ""}}
    assert node.pin_ls(DAG_NO_LINKS) == {DAG_NO_LINKS: "recursive"}
    assert client.dag.export(DAG_NO_LINKS) == DATA_CAR


# --- object -----------------------------------------------------------------------------------

def test_object_new_and_patches(client):
    assert client.object.new() == {"Hash": EMPTY}
    assert client.object.new("unixfs-dir") == {"Hash": "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"}
    assert client.object.patch.add_link(EMPTY, "self", EMPTY) == {"Hash": SELF_LINK}
    assert client.object.patch.rm_link(SELF_LINK, "self") == {"Hash": EMPTY}
    assert client.object.patch.append_data(EMPTY, io.BytesIO(FSDFGH)) == {
        "Hash": "QmcUsyoGVxWoQgYKgmLaDBGm8J3eHWfchMh3oDUD5FrrtN"}
    assert client.object.patch.set_data(EMPTY, io.BytesIO(POPOIOPIU)) == {
        "Hash": "QmV4QR7MCBj5VTi6ddHmXPyjWGzbaKEtX2mx7axA5PA13G"}


def test_object_put_get_links_data_stat(client):
    assert client.object.put(io.BytesIO(NO_LINKS_JSON)) == {
        "Hash": "QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V"}
    links = "QmZZmY4KCu9r3e7M2Pcn46Fc5qbn6NpzaAGaYb22kbfTqm"
    assert client.object.put(io.BytesIO(LINKS_JSON)) == {"Hash": links}
    assert client.object.get("QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V") == {
        "Links": [], "Data": "abc"}
    link = {"Name": "some link", "Hash": "QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V", "Size": 8}
    assert client.object.get(links) == {"Links": [link], "Data": "another"}
    assert client.object.links(links) == {"Hash": links, "Links": [link]}
    assert client.object.data(links) == b"another"
    stat = client.object.stat(links)
    assert stat == {"Hash": links, "NumLinks": 1, "BlockSize": stat["BlockSize"],
                    "LinksSize": stat["BlockSize"] - 7, "DataSize": 7,
                    "CumulativeSize": stat["BlockSize"] + 8}


def test_object_diff(client):
    client.object.new()
    client.object.patch.add_link(EMPTY, "self", EMPTY)
    assert client.object.diff(EMPTY, SELF_LINK) == {"Changes": [
        {"Type": 0, "Path": "self", "Before": None, "After": {"/": EMPTY}}]}


# --- pin --------------------------------------------------------------------------------------

def test_pin_add_ls_rm(client):
    msg = client.add_str("Mary had a little lamb")
    assert client.pin.ls() == {"Keys": {msg: {"Type": "recursive"}}}
    assert client.pin.rm(msg) == {"Pins": [msg]}
    assert client.pin.ls() == {"Keys": {}}
    assert client.pin.add(msg, recursive=False) == {"Pins": [msg]}
    assert client.pin.ls(msg) == {"Keys": {msg: {"Type": "direct"}}}
    assert client.pin.ls(type="recursive") == {"Keys": {}}


def test_pin_rm_of_unpinned_is_not_pinned_error(client):
    msg = client.add_str("Mary had a little lamb", opts={"pin": False})
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse, match="not pinned"):
        client.pin.rm(msg)
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse,
                       match=f"^path '{msg}' is not pinned$"):
        client.pin.ls(msg)


def test_pin_update_and_verify(client, node):
    node.add(_fake_dir(), pin=False)
    assert client.pin.add(FAKE_DIR_TEST2) == {"Pins": [FAKE_DIR_TEST2]}
    assert client.pin.update(FAKE_DIR_TEST2, FAKE_DIR) == {"Pins": [FAKE_DIR_TEST2, FAKE_DIR]}
    assert client.pin.ls(type="recursive") == {"Keys": {FAKE_DIR: {"Type": "recursive"}}}
    assert client.pin.update(FAKE_DIR, FAKE_DIR_TEST2, unpin=False) == {
        "Pins": [FAKE_DIR, FAKE_DIR_TEST2]}
    assert sorted(client.pin.ls(type="recursive")["Keys"]) == sorted([FAKE_DIR, FAKE_DIR_TEST2])
    assert client.pin.ls(FAKE_DIR_REFS[0]) == {
        "Keys": {FAKE_DIR_REFS[0]: {"Type": f"indirect through {FAKE_DIR}"}}}
    results = list(client.pin.verify(FAKE_DIR, verbose=True))
    assert sorted(r["Cid"] for r in results) == sorted([FAKE_DIR, FAKE_DIR_TEST2])
    assert all(r["Ok"] is True and set(r) == {"Cid", "Ok"} for r in results)
    assert list(client.pin.verify(FAKE_DIR)) == []


# --- repo, refs, resolve ----------------------------------------------------------------------

def test_repo_stat_and_gc(client):
    stat = client.repo.stat()
    assert sorted(stat) == ["NumObjects", "RepoPath", "RepoSize", "StorageMax", "Version"]
    assert stat["Version"] == "fs-repo@10"
    garbage = client.add_str("Test String")
    client.pin.rm(garbage)
    before = client.repo.stat()["NumObjects"]
    assert client.repo.gc() == [{"Key": {"/": garbage}}]
    assert client.repo.stat()["NumObjects"] == before - 1
    assert client.repo.gc(quiet=True) is None


def test_refs_and_refs_local(client, node):
    root = node.add(_fake_dir())[-1].cid
    assert str(root) == FAKE_DIR
    assert client.unstable.refs(FAKE_DIR) == [{"Ref": ref, "Err": ""} for ref in FAKE_DIR_REFS]
    local = [item["Ref"] for item in client.unstable.refs.local()]
    assert len(local) == node.repo_stat()["NumObjects"]


def test_resolve(client, node):
    node.add(_fake_dir())
    assert client.resolve(f"/ipfs/{FAKE_DIR}/test2") == {"Path": f"/ipfs/{FAKE_DIR_TEST2}"}
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse,
                       match=f'^no link named "nope" under {FAKE_DIR}$'):
        client.resolve(f"/ipfs/{FAKE_DIR}/nope")


def test_dag_put_json_body_is_what_the_client_sends(client):
    """ipfshttpclient sends ``format=cbor&input-enc=json``: the v0.7.0 option names."""
    body = json.dumps({"a": [1, {"/": DAG_NO_LINKS}]}).encode()
    cid = client.dag.put(io.BytesIO(body))["Cid"]["/"]
    assert client.dag.get(cid) == {"a": [1, {"/": DAG_NO_LINKS}]}
