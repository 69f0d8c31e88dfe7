"""fakeipfs/strategies.py: every value each strategy draws is one fakeipfs accepts."""
from __future__ import annotations

from typing import Any, Iterator

from hypothesis import HealthCheck, given, settings
from multiformats import CID

from fakeipfs import Node, pubsub
from fakeipfs.codecs import dagjson
from fakeipfs.strategies import (DEFAULT_BLOCK_SIZE, add_options, cids, dag_json_values, directory_trees,
                                 file_contents, pubsub_payloads, pubsub_topics)
from fakeipfs.unixfs.files import Directory, File

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _entries(tree: dict[str, Any]) -> list:
    return [Directory(name, _entries(value)) if isinstance(value, dict) else File.from_bytes(name, value)
            for name, value in tree.items()]


def _files(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, bytes]]:
    for name, value in tree.items():
        if isinstance(value, dict):
            yield from _files(value, f"{prefix}{name}/")
        else:
            yield prefix + name, value


@FEW
@given(file_contents())
def test_file_contents_add_and_cat_back(data: bytes):
    node = Node()
    assert node.cat(node.add_bytes(data).cid) == data


def test_file_contents_reach_the_chunk_boundaries():
    sizes = set()

    @settings(max_examples=40, deadline=None, database=None)
    @given(file_contents())
    def collect(data: bytes):
        sizes.add(len(data))

    collect()
    assert sizes & {DEFAULT_BLOCK_SIZE - 1, DEFAULT_BLOCK_SIZE, DEFAULT_BLOCK_SIZE + 1, 2 * DEFAULT_BLOCK_SIZE}
    assert max(sizes) <= 4 * DEFAULT_BLOCK_SIZE + 1


@FEW
@given(file_contents(max_size=8192), add_options())
def test_add_options_are_accepted_and_cat_round_trips(data: bytes, options: dict):
    node = Node()
    root = node.add(data, **options)[-1].cid
    if options.get("wrap_with_directory"):
        (entry,) = node.ls(root)
        root = entry.cid
    assert node.cat(root) == data


@FEW
@given(add_options(kubo_version="0.40.0"))
def test_add_options_follow_the_version_chunk_limit(options: dict):
    Node(kubo_version="0.40.0").add(b"x" * 100, **options)


@FEW
@given(directory_trees())
def test_directory_trees_add_and_every_file_cats_back(tree: dict):
    node = Node()
    root = node.add(Directory("root", _entries(tree)))[-1].cid
    for path, data in _files(tree):
        assert node.cat(f"/ipfs/{root}/{path}") == data
    assert sorted(entry.name for entry in node.ls(root)) == sorted(tree)


@settings(max_examples=40, deadline=None)
@given(cids())
def test_cids_parse_back(cid: CID):
    assert CID.decode(str(cid)) == cid
    assert (cid.version, cid.codec.name) == (0, "dag-pb") or cid.version == 1
    assert cid.hashfun.name in ("sha2-256", "blake2b-256", "identity")


@FEW
@given(dag_json_values())
def test_dag_json_values_round_trip_through_dag_put_and_get(value: Any):
    encoded = dagjson.encode(value)
    assert dagjson.decode(encoded) == value
    node = Node(kubo_version="0.20.0")
    for store in ("dag-cbor", "dag-json"):
        cid = node.dag_put(encoded, store_codec=store)
        assert node.dag_get(str(cid)) == encoded


@FEW
@given(pubsub_topics(), pubsub_payloads())
def test_pubsub_topics_and_payloads_are_delivered(topic: str, payload: bytes):
    node_pubsub = pubsub.of(Node())
    with node_pubsub.subscribe(topic) as subscription:
        node_pubsub.publish(topic, payload)
        message = subscription.next(timeout=1)
    assert (message.topics, message.data) == ([topic], payload)
    assert node_pubsub.topics() == []


def test_strategies_have_docstrings():
    import fakeipfs.strategies as module
    for name in module.__all__:
        assert getattr(module, name).__doc__, name
