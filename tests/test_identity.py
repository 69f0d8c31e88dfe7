"""Node identities: go-libp2p core/crypto key encodings, core/peer peer IDs, kubo's key types.

The marshalled keys are the libp2p spec's test vectors (tests/vectors/libp2p-peer-ids.json).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os

import base58
import pytest

from fakeipfs import Node, identity
from fakeipfs.errors import IPFSError
from fakeipfs.identity import PeerID

VECTORS = json.load(open(os.path.join(os.path.dirname(__file__), "vectors", "libp2p-peer-ids.json")))


@pytest.mark.parametrize("kind", ["rsa", "ed25519"])
def test_spec_vectors_round_trip(kind):
    vector = VECTORS[kind]
    key = identity.unmarshal_private_key(bytes.fromhex(vector["private_key"]))
    assert key.marshal().hex() == vector["private_key"]
    assert key.public_key().hex() == vector["public_key"]
    assert str(key.peer_id()) == vector["peer_id"]


def test_ed25519_peer_id_is_the_identity_multihash_of_the_public_key():
    public = bytes.fromhex(VECTORS["ed25519"]["public_key"])
    peer = PeerID.from_public_key(public)
    assert peer.multihash == b"\x00\x24" + public
    assert str(peer) == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
    assert peer.public_key() == public


def test_rsa_peer_id_is_the_sha256_multihash_of_the_public_key():
    public = bytes.fromhex(VECTORS["rsa"]["public_key"])
    peer = PeerID.from_public_key(public)
    assert peer.multihash == b"\x12\x20" + hashlib.sha256(public).digest()
    assert str(peer).startswith("Qm") and peer.public_key() is None


def test_ed25519_private_key_accepts_the_redundant_96_byte_form():
    data = bytes.fromhex(VECTORS["ed25519"]["private_key"])[4:]
    key = identity.unmarshal_private_key(b"\x08\x01\x12\x60" + data + data[32:])
    assert key.public_key().hex() == VECTORS["ed25519"]["public_key"]
    with pytest.raises(IPFSError, match="expected redundant ed25519 public key to be redundant"):
        identity.unmarshal_private_key(b"\x08\x01\x12\x60" + data + bytes(32))
    with pytest.raises(IPFSError) as exc:
        identity.unmarshal_private_key(b"\x08\x01\x12\x20" + data[:32])
    assert exc.value.message == "expected ed25519 data size to be 64 or 96, got 32"


def test_unknown_key_type():
    with pytest.raises(IPFSError) as exc:
        identity.unmarshal_private_key(b"\x08\x07\x12\x01\x00")
    assert exc.value.message == "invalid or unsupported key type"


def test_default_identity_is_ed25519_from_0_7():
    ident = identity.of(Node())
    assert ident.peer_id.startswith("12D3KooW") and len(ident.peer_id) == 52
    public = base64.b64decode(ident.public_key_b64)
    assert public[:4] == b"\x08\x01\x12\x20" and ident.public_key_b64.startswith("CAESI")
    assert PeerID.from_public_key(public) == ident.id == PeerID.decode(ident.peer_id)


@pytest.mark.parametrize("version", ["0.4.23", "0.6.0"])
def test_identity_is_rsa_2048_before_0_7(version):
    ident = identity.of(Node(kubo_version=version), seed="rsa")
    public = base64.b64decode(ident.public_key_b64)
    assert ident.peer_id.startswith("Qm") and len(ident.peer_id) == 46
    assert ident.public_key_b64.startswith("CAASpgIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQ")
    assert base58.b58decode(ident.peer_id) == b"\x12\x20" + hashlib.sha256(public).digest()
    numbers = ident.private_key._key.private_numbers()
    assert numbers.public_numbers.n.bit_length() == 2048 and numbers.public_numbers.e == 65537
    assert numbers.p * numbers.q == numbers.public_numbers.n


def test_seed_makes_the_same_identity():
    first = identity.of(Node(), seed="grid")
    assert identity.of(Node(), seed="grid").private_key == first.private_key
    assert identity.of(Node(), seed=b"grid").peer_id == first.peer_id
    assert identity.of(Node(), seed="other").peer_id != first.peer_id
    assert identity.of(Node()).peer_id != identity.of(Node()).peer_id


def test_identity_is_made_once_per_node():
    node = Node()
    ident = identity.of(node, seed=1)
    assert identity.of(node) is ident and identity.of(node, seed=1) is ident
    with pytest.raises(ValueError):
        identity.of(node, seed=2)


def test_repo_keeps_the_identity_in_its_config(tmp_path):
    ident = identity.of(Node(repo=tmp_path), seed="kept")
    stored = json.loads((tmp_path / "config").read_text())["Identity"]
    assert stored == {"PeerID": ident.peer_id, "PrivKey": ident.private_key_b64}
    again = identity.of(Node(repo=tmp_path))
    assert again.private_key == ident.private_key and again.seed is None
    assert identity.of(Node(repo=tmp_path), seed="kept").seed == b"kept"


@pytest.mark.parametrize("text, message", [
    ("QmNotBase58!", "failed to parse peer ID: input isn't valid multihash"),
    ("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354", "can't convert CID of type protobuf to a peer ID"),
])
def test_peer_id_decode_errors(text, message):
    with pytest.raises(ValueError) as exc:
        PeerID.decode(text)
    assert str(exc.value) == message


def test_peer_id_text_forms():
    peer = PeerID.decode(VECTORS["ed25519"]["peer_id"])
    cid = peer.format(identity.multibase.get("base36"))
    assert cid.startswith("k51qzi5uqu5") and PeerID.decode(cid) == peer
    assert PeerID.decode(peer.format(identity.multibase.get("base32"))) == peer
    assert peer.format() == VECTORS["ed25519"]["peer_id"]


def test_generate_rejects_small_rsa_keys_and_unknown_types():
    with pytest.raises(IPFSError) as exc:
        identity.generate("rsa", 1024)
    assert exc.value.message == "rsa keys must be >= 2048 bits to be useful"
    with pytest.raises(IPFSError) as exc:
        identity.generate("dsa")
    assert exc.value.message == "unrecognized key type: dsa"
