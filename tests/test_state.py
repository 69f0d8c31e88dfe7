"""fakeipfs.state: a node's whole state as a CAR, and network snapshots."""
from __future__ import annotations

import pytest
from multiformats import CID, multihash, varint

from fakeipfs import Network, Node, config, identity, ipns, keystore, mfs, state
from fakeipfs.codecs import dagcbor
from fakeipfs.codecs.car import read_car, write_car
from fakeipfs.state import StateError

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world", as kubo adds it
HELLO_MANIFEST = "bafyreicwkqcdailvudios35gmjlifj2xewzbxfb4pdf2mn4bhwelzff3za"
EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"  # the MFS root a node starts with, as kubo init
DIRECT = "bafkreigrk2ipbcsxkasgkcyb76wislh5foj6nrl4cqhrw3m6i52tzk6vpe"  # block put b"direct" (raw)
MFS_ROOT = "QmYhTodAeLhmNuNz54EscZdCQhbwbPzjcEQpu9S3RKRj94"  # /docs/a.txt = "hello world"


def rich_node() -> Node:
    """A node using every part the archive carries."""
    node = Node()
    identity.of(node, seed="state")
    node.add_bytes(b"hello world")
    node.add_bytes(bytes(range(256)) * 2048, pin=False)  # 512 KiB: two chunks and a root, unpinned
    node.pin_add(node.block_put(b"direct", format="raw"), recursive=False)
    mfs.of(node).mkdir("/docs")
    mfs.of(node).write("/docs/a.txt", b"hello world", create=True)
    keystore.of(node).generate("alice", "ed25519")
    ipns.of(node).publish(f"/ipfs/{HELLO}", key="alice")
    config.of(node).set("Datastore.StorageMax", "1GB")
    return node


def blocks_of(node: Node) -> dict[str, bytes]:
    return {str(cid): node.blockstore.get(cid) for cid in node.blockstore.keys()}


def test_a_node_with_one_file_exports_a_manifest_and_its_block():
    node = Node()
    node.add_bytes(b"hello world")
    roots, blocks = read_car(state.export(node))
    assert [str(root) for root in roots] == [HELLO_MANIFEST]
    assert [str(cid) for cid, _ in blocks] == [HELLO_MANIFEST, EMPTY_DIR, HELLO]
    assert dagcbor.decode(blocks[0][1]) == {
        "fakeipfs-state": 1, "kuboVersion": "0.7.0", "blocks": 2,
        "pins": {"recursive": [CID.decode(HELLO)], "direct": []},
        "mfsRoot": CID.decode(EMPTY_DIR), "identity": None, "keys": None, "config": None, "ipns": None}
    assert blocks[2][1] == node.block_get(HELLO)  # a whole-CID-keyed store (before kubo 0.12)


def test_load_gives_back_the_whole_state():
    node = rich_node()
    archive = state.export(node)
    copy = state.load(archive)
    assert copy.pin_ls() == {HELLO: "recursive", DIRECT: "direct"} == node.pin_ls()
    assert blocks_of(copy) == blocks_of(node) and len(blocks_of(copy)) == 13
    assert identity.of(copy).peer_id == identity.of(node).peer_id == "12D3KooWPzaeHvBDxSjiF7q8egAapnzMihMTJQHD34yfms2s4xvc"
    assert str(mfs.of(copy).root_cid()) == MFS_ROOT
    assert b"".join(mfs.of(copy).read("/docs/a.txt")) == b"hello world"
    alice = keystore.of(copy).get("alice").peer_id()
    assert alice == keystore.of(node).get("alice").peer_id()
    assert ipns.of(copy).resolve(str(alice)) == f"/ipfs/{HELLO}"
    assert config.of(copy).get("Datastore.StorageMax") == "1GB"
    assert state.export(copy) == archive  # the same state writes the same bytes


def test_import_replaces_a_nodes_state():
    source = rich_node()
    target = Node()
    target.add_bytes(b"something else")
    state.import_into(target, state.export(source))
    assert target.pin_ls() == {HELLO: "recursive", DIRECT: "direct"}
    assert blocks_of(target) == blocks_of(source)


def test_a_multihash_keyed_store_exports_cidv1_raw():
    node = Node(kubo_version="0.22.0")
    cid = node.dag_put(b'{"a":1}')
    node.add_bytes(b"hello world")
    roots, blocks = read_car(state.export(node))
    assert str(cid) == "bafyreihltcnuuyqp2jm24aqydpnlj7b6w3ogwrplomrjtg5rifv44mmjey"
    assert sorted(str(c) for c, _ in blocks[1:]) == [  # boxo dshelp.DsKeyToCid of the multihashes
        "bafkreiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354",  # QmUNLL... (the MFS root)
        "bafkreihltcnuuyqp2jm24aqydpnlj7b6w3ogwrplomrjtg5rifv44mmjey",  # the dag-cbor block
        "bafkreihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa"]  # Qmf412... (dag-pb)
    copy = state.load(state.export(node))
    assert str(copy.kubo_version) == "0.22.0"
    assert copy.pin_ls() == {HELLO: "recursive"}
    assert (copy.dag_get(f"{cid}/a"), copy.cat(HELLO)) == (b"1", b"hello world")


def test_a_repo_node_is_refused(tmp_path):
    with pytest.raises(ValueError):
        state.export(Node(repo=tmp_path))


# --- bad archives: rejected whole, the node untouched --------------------------------------------


def archive(manifest: object, blocks: list[tuple[CID, bytes]] = (), roots: list[CID] | None = None) -> bytes:
    raw = dagcbor.encode(manifest)
    root = CID("base32", 1, "dag-cbor", multihash.digest(raw, "sha2-256"))
    return b"".join(write_car([root] if roots is None else roots, [(root, raw), *blocks]))


def hello_manifest(**changes: object) -> dict:
    manifest = {"fakeipfs-state": 1, "kuboVersion": "0.7.0", "blocks": 0,
                "pins": {"recursive": [], "direct": []},
                "mfsRoot": None, "identity": None, "keys": None, "config": None, "ipns": None}
    manifest.update(changes)
    return manifest


def good() -> bytes:
    return state.export(rich_node())


def truncated_at_a_boundary() -> bytes:
    data = good()
    _, blocks = read_car(data)
    last = blocks[-1]
    section = len(bytes(last[0])) + len(last[1])
    return data[:len(data) - section - len(varint.encode(section))]


def flipped_last_byte() -> bytes:
    data = bytearray(good())
    data[-1] ^= 1
    return bytes(data)


@pytest.mark.parametrize("make, message", [
    (lambda: b"", "fakeipfs state: not a valid CAR: EOF"),
    (lambda: good()[:-5], "fakeipfs state: not a valid CAR: unexpected EOF"),
    (truncated_at_a_boundary, "fakeipfs state: the archive holds 12 blocks, its manifest lists 13"),
    (lambda: b"\x05hello", "fakeipfs state: not a valid CAR: invalid header: unexpected EOF"),  # 0x68: an 8-byte string
    (flipped_last_byte, "fakeipfs state: not a valid CAR: mismatch in content integrity, expected: "),
    (lambda: archive(hello_manifest(), roots=[]), "fakeipfs state: the CAR's one root must be its first block, the manifest"),
    (lambda: archive([1, 2]), "fakeipfs state: bad manifest: not a fakeipfs-state 1 manifest"),
    (lambda: archive(hello_manifest(extra=1)), "fakeipfs state: bad manifest: its keys must be blocks, config, "
                                               "fakeipfs-state, identity, ipns, keys, kuboVersion, mfsRoot, pins"),
    (lambda: archive(hello_manifest(kuboVersion="latest")), "fakeipfs state: bad manifest: kuboVersion 'latest' is no kubo version"),
    (lambda: archive(hello_manifest(kuboVersion="0.11.0")),
     "fakeipfs state: the archive is of a kubo 0.11.0 node, this node emulates kubo 0.7.0"),
    (lambda: archive(hello_manifest(pins={"recursive": [CID.decode(HELLO)], "direct": []})),
     f"fakeipfs state: block {HELLO} pins recursively: {HELLO} is not in the archive"),
    (lambda: archive(hello_manifest(pins={"recursive": "all", "direct": []})),
     "fakeipfs state: bad manifest: pins.recursive must be a list of links"),
    (lambda: archive(hello_manifest(mfsRoot=CID.decode(MFS_ROOT))),
     f"fakeipfs state: MFS root {MFS_ROOT} is not in the archive"),
    (lambda: archive(hello_manifest(identity={"privKey": b"nope", "seed": None})),
     "fakeipfs state: bad manifest: "),
    (lambda: archive(hello_manifest(config=b"[1]")), "fakeipfs state: bad manifest: config must be a JSON object"),
])
def test_a_bad_archive_is_rejected_whole(make, message):
    node = rich_node()
    before = state.export(node)
    with pytest.raises(StateError) as caught:
        state.import_into(node, make())
    if message.endswith(": "):  # the rest names what the Go or key-decoding code found
        assert caught.value.message.startswith(message)
    else:
        assert caught.value.message == message
    assert state.export(node) == before


def test_a_block_whose_hash_does_not_match_names_both_cids():
    cid = CID.decode("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")  # "hello world"
    with pytest.raises(StateError) as caught:
        state.load(archive(hello_manifest(blocks=1), [(cid, b"hello worle")]))
    assert caught.value.message == (
        "fakeipfs state: not a valid CAR: mismatch in content integrity, expected: "
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e, "
        "got: bafkreiapymhhgwqcfcrrzo5zngmiwt2q4axhg74xt4er27jcjn3fiq7v2q")


# --- networks ------------------------------------------------------------------------------------


def links(network: Network) -> list[list[tuple[int, int]]]:
    return [[(network.nodes.index(peer), direction) for peer, direction in network.connections(node)]
            for node in network.nodes]


def test_a_network_snapshot_restores_nodes_and_connections():
    network = Network(3, seed=0, connect="none")
    network.connect(2, 0)
    network.connect(1, 2)
    network.nodes[0].add_bytes(b"hello world")
    saved_links = links(network)
    saved = state.snapshot_network(network)
    network.nodes[1].cat(HELLO)  # fetched over bitswap from node 0, through node 2
    network.nodes[2].add_bytes(b"later")
    network.disconnect(2, 0)
    network.connect(0, 1)
    state.restore_network(network, saved)
    assert links(network) == saved_links == [[(2, 1)], [(2, 2)], [(0, 2), (1, 1)]]
    assert [node.pin_ls() for node in network.nodes] == [{HELLO: "recursive"}, {}, {}]
    assert [len(blocks_of(node)) for node in network.nodes] == [2, 1, 1]  # and each its MFS root


def test_a_network_snapshot_needs_a_network_like_it():
    saved = state.snapshot_network(Network(2))
    other = Network(3)
    other.nodes[0].add_bytes(b"hello world")
    with pytest.raises(ValueError, match="^restore_network: the snapshot has 2 nodes, the network 3$"):
        state.restore_network(other, saved)
    old = Network(2, kubo_version="0.11.0")
    with pytest.raises(ValueError, match="^restore_network: node 0 emulates kubo 0.11.0, its snapshot is of kubo 0.7.0$"):
        state.restore_network(old, saved)
    down = Network(2)
    down.crash(1)
    with pytest.raises(ValueError, match=r"^restore_network: node 1 has crashed \(Network.restart it first\)$"):
        state.restore_network(down, saved)
    apart = Network(2)
    apart.partition([[0], [1]])
    with pytest.raises(ValueError, match=r"^restore_network: nodes 0 and 1 are partitioned \(Network.heal\(\) first\)$"):
        state.restore_network(apart, saved)
    assert other.nodes[0].pin_ls() == {HELLO: "recursive"}
    assert links(apart) == [[], []]


# --- the daemon's control endpoints --------------------------------------------------------------


@pytest.fixture
def served():
    """A daemon on a free loopback port, serving a fresh node: (node, base URL)."""
    from fakeipfs.daemon import Daemon
    node = Node()
    with Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda _: None).background() as daemon:
        yield node, daemon.api_addr.url()


def test_the_daemon_exports_and_imports_the_state(served):
    import requests
    node, base = served
    source = rich_node()
    answer = requests.post(f"{base}/fakeipfs/v0/import", data=state.export(source))
    assert (answer.status_code, answer.json()) == (200, {})
    assert node.pin_ls() == {HELLO: "recursive", DIRECT: "direct"}
    exported = requests.get(f"{base}/fakeipfs/v0/export")
    assert (exported.status_code, exported.headers["Content-Type"]) == (200, "application/vnd.ipld.car")
    assert exported.content == state.export(source)


def test_the_daemon_refuses_a_bad_archive_and_keeps_the_node(served):
    import requests
    node, base = served
    node.add_bytes(b"hello world")
    answer = requests.post(f"{base}/fakeipfs/v0/import", data=state.export(rich_node())[:-5])
    assert (answer.status_code, answer.json()) == (400, {"Message": "fakeipfs state: not a valid CAR: unexpected EOF"})
    assert node.pin_ls() == {HELLO: "recursive"}
    wrong = [requests.post(f"{base}/fakeipfs/v0/export"), requests.get(f"{base}/fakeipfs/v0/import")]
    assert [(r.status_code, r.headers["Allow"]) for r in wrong] == [(405, "GET"), (405, "POST")]
