"""docstore: publish JSON documents to IPFS and keep them pinned.

A small library of the kind fakeipfs is for: it talks to a kubo node only through
``ipfshttpclient``, so its tests can run against fakeipfs in-process, against a
``fakeipfs daemon``, or against a real kubo, without changing a line.
"""
from __future__ import annotations

import json
from typing import Any

import ipfshttpclient

DEFAULT_API = "/dns/localhost/tcp/5001/http"


def encode(document: dict[str, Any]) -> bytes:
    """The canonical bytes of a document: sorted keys, no spaces, UTF-8. The same document
    always gets the same CID."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class DocStore:
    """Documents on one IPFS node, reached through an ``ipfshttpclient.Client``."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def publish(self, document: dict[str, Any], *, announce: str | None = None) -> str:
        """Add the document (``ipfs add`` pins it) and return its CID; with ``announce``,
        also publish the CID on that pubsub topic."""
        cid = self.client.add_bytes(encode(document))
        if announce is not None:
            self.client.pubsub.publish(announce, cid)
        return cid

    def fetch(self, cid: str) -> dict[str, Any]:
        return json.loads(self.client.cat(cid))

    def published(self) -> list[str]:
        """The CIDs of the documents kept (recursively pinned), sorted."""
        return sorted(self.client.pin.ls(type="recursive")["Keys"])

    def keep(self, cid: str) -> None:
        """Keep a copy of a document published on another node (``ipfs pin add`` fetches it)."""
        self.client.pin.add(cid)

    def unpublish(self, cid: str) -> None:
        """Stop keeping a document (``ipfs pin rm``); garbage collection may then remove it."""
        self.client.pin.rm(cid)


def connect(addr: str = DEFAULT_API) -> DocStore:
    """A :class:`DocStore` on the node whose RPC API is at ``addr``."""
    return DocStore(ipfshttpclient.connect(addr))
