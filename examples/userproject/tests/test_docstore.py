"""docstore's tests: only fakeipfs's public fixtures and ``fakeipfs.mock()``.

``ipfs_client`` follows ``--ipfs-target``, so every test not marked ``fake_only`` also runs
against a real kubo (``--ipfs-target=live=<multiaddr>``)."""
import pytest

import docstore
import fakeipfs
from fakeipfs import pubsub

DOC = {"title": "hello", "tags": ["ipfs", "test"]}
DOC_CID = "QmVn9KMfoMi1u3BfUZ7eTLEuzNH4RrPLaiGVHtUJvWvbn2"  # what kubo's add gives its bytes
SECOND_CID = "QmfQTREEzvJqH2Dyi5Bts3tPWimHrrLscC64ypjBfVpKZb"  # {"title": "second"}


@pytest.fixture
def store(ipfs_client):
    return docstore.DocStore(ipfs_client)


def test_publish_returns_the_cid_kubo_gives(store):
    assert store.publish(DOC) == DOC_CID
    assert store.publish({"tags": ["ipfs", "test"], "title": "hello"}) == DOC_CID  # key order does not matter


def test_a_published_document_reads_back(store):
    assert store.fetch(store.publish(DOC)) == DOC


def test_published_documents_are_pinned(store):
    store.publish(DOC)
    store.publish({"title": "second"})
    assert store.published() == [DOC_CID, SECOND_CID]


def test_unpublish_unpins(store):
    store.publish(DOC)
    store.unpublish(DOC_CID)
    assert store.published() == []


@pytest.mark.fake_only
def test_the_node_holds_the_document(ipfs_node, store):
    store.publish(DOC)
    assert ipfs_node.cat(DOC_CID) == docstore.encode(DOC)
    assert ipfs_node.pin_ls(type="recursive") == {DOC_CID: "recursive"}


@pytest.mark.fake_only
def test_publish_announces_the_cid(ipfs_node, store):
    with pubsub.of(ipfs_node).subscribe("docs") as subscription:
        store.publish(DOC, announce="docs")
        assert subscription.next(timeout=5).data == DOC_CID.encode()


def test_another_node_keeps_a_copy(ipfs_network):
    first, _, last = ipfs_network.nodes
    assert docstore.DocStore(fakeipfs.client(first)).publish(DOC) == DOC_CID
    mirror = docstore.DocStore(fakeipfs.client(last))
    mirror.keep(DOC_CID)  # fetched over bitswap
    ipfs_network.disconnect(first, last)
    ipfs_network.disconnect(first, 1)
    assert (mirror.published(), mirror.fetch(DOC_CID)) == ([DOC_CID], DOC)


@pytest.mark.ipfs_network(nodes=4, connect="line")
def test_a_copy_travels_along_a_line(ipfs_network):
    """0 - 1 - 2 - 3: node 3 reaches node 0's document through nodes 1 and 2."""
    docstore.DocStore(fakeipfs.client(ipfs_network.nodes[0])).publish(DOC)
    far = docstore.DocStore(fakeipfs.client(ipfs_network.nodes[3]))
    far.keep(DOC_CID)
    assert far.fetch(DOC_CID) == DOC
    assert ipfs_network.nodes[1].pin_ls() == {}  # relayed, not pinned


@fakeipfs.mock()
def test_connect_under_mock():
    store = docstore.connect()  # ipfshttpclient.connect, patched: no daemon needed
    assert store.publish(DOC) == DOC_CID
    assert store.published() == [DOC_CID]
