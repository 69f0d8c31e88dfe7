"""In-process front doors: the real ipfshttpclient, requests and httpx reach the dispatcher."""
from __future__ import annotations

import asyncio

import ipfshttpclient
import pytest

import fakeipfs.transport as transport
from fakeipfs import Node

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"


def test_client_round_trip_and_version_check() -> None:
    node = Node()
    client = transport.connect(node)
    assert client.version()["Version"] == "0.7.0"
    assert client.add_bytes(b"hello world") == HELLO
    assert client.cat(HELLO) == b"hello world"
    assert node.pin_ls() == {HELLO: "recursive"}


def test_connect_refuses_versions_ipfshttpclient_refuses() -> None:
    with pytest.raises(ipfshttpclient.exceptions.VersionMismatch):
        transport.connect(Node(kubo_version="0.8.0"))


def test_errors_are_the_clients_exceptions() -> None:
    client = transport.client()
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse,
                       match='invalid path "notacid": selected encoding not supported'):
        client.cat("notacid")


def test_mock_patches_connect_as_context_and_decorator() -> None:
    with transport.mock() as node:
        assert ipfshttpclient.connect().add_bytes(b"hello world") == HELLO
        assert node.cat(HELLO) == b"hello world"
    shared = Node()

    @transport.mock(shared)
    def application_code() -> str:
        return ipfshttpclient.connect("/dns/localhost/tcp/5001/http").add_str("hello world")

    assert application_code() == HELLO and shared.cat(HELLO) == b"hello world"
    assert ipfshttpclient.connect is not None and "fake" not in ipfshttpclient.connect.__module__


def test_httpx_sync_and_async() -> None:
    node = Node()
    node.add_bytes(b"hello world")
    with transport.httpx_client(node) as client:
        response = client.post("/api/v0/cat", params={"arg": HELLO})
        assert response.status_code == 200 and response.content == b"hello world"
        assert response.headers["X-Stream-Output"] == "1"
        assert client.get("/api/v0/version").status_code == 405

    async def run() -> bytes:
        async with transport.httpx_client(node, asynchronous=True) as client:
            response = await client.post("/api/v0/cat", params={"arg": HELLO, "offset": "6"})
            return response.content

    assert asyncio.run(run()) == b"world"
