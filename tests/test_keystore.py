"""The keystore: kubo keystore/keystore.go under core/coreapi/key.go, messages word for word."""
from __future__ import annotations

import pytest

from fakeipfs import Node, identity, keystore
from fakeipfs.errors import IPFSError


def _message(fn, *args, **kwargs) -> str:
    with pytest.raises(IPFSError) as exc:
        fn(*args, **kwargs)
    return exc.value.message


def test_self_is_always_listed_first():
    node = Node()
    store = keystore.of(node)
    assert [(k.name, k.id) for k in store.list()] == [("self", identity.of(node).id)]
    store.generate("zeta", "ed25519")
    store.generate("alpha", "ed25519")
    assert [k.name for k in store.list()] == ["self", "alpha", "zeta"]


def test_generate():
    store = keystore.of(Node())
    key = store.generate("mykey", "ed25519")
    assert str(key.id).startswith("12D3KooW") and store.get("mykey").peer_id() == key.id
    assert _message(store.generate, "mykey", "ed25519") == "key with name 'mykey' already exists"
    assert _message(store.generate, "self", "ed25519") == "cannot create key with name 'self'"
    assert _message(store.generate, "x", "dsa") == "unrecognized key type: dsa"
    assert _message(store.generate, "x", "rsa", 1024) == "rsa keys must be >= 2048 bits to be useful"
    assert _message(store.generate, "", "ed25519") == "key name must be at least one character"
    assert [k.name for k in store.list()] == ["self", "mykey"]


def test_rsa_minimum_was_512_bits_before_0_5():
    store = keystore.of(Node(kubo_version="0.4.23"))
    assert _message(store.generate, "x", "rsa", 256) == "rsa keys must be >= 512 bits to be useful"


def test_keys_follow_a_seeded_identity():
    first, second = Node(), Node()
    identity.of(first, seed="s")
    identity.of(second, seed="s")
    assert keystore.of(first).generate("k", "ed25519").id == keystore.of(second).generate("k", "ed25519").id
    assert keystore.of(first).generate("j", "ed25519").id != keystore.of(first).get("k").peer_id()


def test_rename():
    store = keystore.of(Node())
    a = store.generate("a", "ed25519")
    b = store.generate("b", "ed25519")
    assert store.rename("a", "a") == (a, False)
    assert store.rename("a", "c") == (keystore.Key("c", a.id), False)
    assert not store.has("a")
    assert _message(store.rename, "c", "b") == "key by that name already exists, refusing to overwrite"
    assert store.rename("c", "b", force=True) == (keystore.Key("b", a.id), True)
    assert [(k.name, k.id) for k in store.list()] == [("self", identity.of(store.node).id), ("b", a.id)]
    assert b.id not in [k.id for k in store.list()]
    assert _message(store.rename, "self", "x") == "cannot rename key with name 'self'"
    assert _message(store.rename, "b", "self") == "cannot overwrite key with name 'self'"
    assert _message(store.rename, "nope", "x") == "no key named nope was found"


def test_remove():
    store = keystore.of(Node())
    key = store.generate("gone", "ed25519")
    assert store.remove("gone") == keystore.Key("", key.id)
    assert _message(store.remove, "gone") == "no key named gone was found"
    assert _message(store.remove, "self") == "cannot remove key with name 'self'"


def test_import_export_and_lookup():
    source = keystore.of(Node())
    key = source.generate("k", "ed25519")
    data = source.export_key("k")
    target = keystore.of(Node())
    assert target.import_key("k", identity.unmarshal_private_key(data)) == key
    assert _message(target.import_key, "k", identity.unmarshal_private_key(data)) == "key with name 'k' already exists"
    assert _message(target.import_key, "self", identity.unmarshal_private_key(data)) == "cannot import key with name 'self'"
    assert _message(source.export_key, "self") == "cannot export key with name 'self'"
    assert _message(source.export_key, "x") == "key with name 'x' doesn't exist"
    # core/coreapi/name.go keylookup: a name, or the peer ID of self or of a stored key
    assert target.lookup("k").peer_id() == key.id
    assert target.lookup(str(key.id)).peer_id() == key.id
    assert target.lookup(identity.of(target.node).peer_id) == identity.of(target.node).private_key
    assert _message(target.lookup, "nope") == "no key by the given name was found"
    assert _message(target.lookup, str(source.self_key().id)) == "no key by the given name or PeerID was found"


def test_repo_keeps_keys_in_kubo_file_names(tmp_path):
    node = Node(repo=tmp_path)
    key = keystore.of(node).generate("my key", "ed25519")
    # keystore.go encode: "key_" + lower-case unpadded base32 of the name
    assert sorted(p.name for p in (tmp_path / "keystore").iterdir()) == ["key_nv4sa23fpe"]
    assert (tmp_path / "keystore" / "key_nv4sa23fpe").read_bytes() == keystore.of(node).get("my key").marshal()
    again = keystore.of(Node(repo=tmp_path))
    assert [(k.name, k.id) for k in again.list()][1:] == [("my key", key.id)]
    again.remove("my key")
    assert list((tmp_path / "keystore").iterdir()) == []
