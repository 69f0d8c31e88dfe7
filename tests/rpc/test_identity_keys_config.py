"""/api/v0/id, key/*, name/*, config*, bootstrap*, swarm/*, ping, shutdown and the commands
fakeipfs does not emulate: kubo core/commands/{id,keystore,config,bootstrap,swarm,ping,shutdown}.go
and core/commands/name/, through the real ipfshttpclient and as raw requests."""
from __future__ import annotations

import base64
import json

import ipfshttpclient
import pytest

import fakeipfs
import fakeipfs.transport as t
from fakeipfs import identity, keystore
from fakeipfs.identity import PeerID
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.rpc.wire import Request

from .rpcutil import CHANNEL, SINGLE, error, post, single, values

MARS = "QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ"
STRANGER = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"  # the libp2p spec's Ed25519 key
PROTOCOLS = ["/ipfs/bitswap", "/ipfs/bitswap/1.0.0", "/ipfs/bitswap/1.1.0", "/ipfs/bitswap/1.2.0",
             "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/lan/kad/1.0.0", "/ipfs/ping/1.0.0",
             "/libp2p/autonat/1.0.0", "/libp2p/circuit/relay/0.1.0", "/p2p/id/delta/1.0.0", "/x/"]
ID_OFFLINE = """'ipfs id' currently cannot query information on remote
peers without a running daemon; we are working to fix this.
In the meantime, if you want to query remote peers using 'ipfs id',
please run the daemon:

    ipfs daemon &
    ipfs id QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ
"""
BOOTSTRAP_0_7 = [
    "/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
    "/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
    "/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb",
    "/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt",
    f"/ip4/104.131.131.82/tcp/4001/p2p/{MARS}",
    f"/ip4/104.131.131.82/udp/4001/quic/p2p/{MARS}",
]


def base36(peer: str) -> str:
    return PeerID.decode(peer).format(identity.multibase.get("base36"))


# --- id ---------------------------------------------------------------------------------------

def test_id_of_a_0_7_node():
    node = fakeipfs.Node()
    out = t.client(node).id()
    me = identity.of(node).peer_id
    assert dict(out) == {
        "ID": me, "PublicKey": identity.of(node).public_key_b64,
        "Addresses": [f"/ip4/127.0.0.1/tcp/4001/p2p/{me}", f"/ip4/127.0.0.1/udp/4001/quic/p2p/{me}",
                      f"/ip6/::1/tcp/4001/p2p/{me}", f"/ip6/::1/udp/4001/quic/p2p/{me}"],
        "AgentVersion": "go-ipfs/0.7.0/", "ProtocolVersion": "ipfs/0.1.0", "Protocols": PROTOCOLS}
    assert me.startswith("12D3KooW")
    assert PeerID.from_public_key(base64.b64decode(out["PublicKey"])) == PeerID.decode(me)
    # field order is IdOutput's
    assert list(json.loads(post(node, "id").read_all())) == [
        "ID", "PublicKey", "Addresses", "AgentVersion", "ProtocolVersion", "Protocols"]


def test_id_is_deterministic_with_a_seed():
    first, second = fakeipfs.Node(), fakeipfs.Node()
    identity.of(first, seed="grid-worker-1")
    identity.of(second, seed="grid-worker-1")
    assert t.client(first).id()["ID"] == t.client(second).id()["ID"] == identity.of(first).peer_id


@pytest.mark.parametrize("version, fields, agent, p2p", [
    ("0.4.23", ["ID", "PublicKey", "Addresses", "AgentVersion", "ProtocolVersion"], "go-ipfs/0.4.23/", "ipfs"),
    ("0.6.0", ["ID", "PublicKey", "Addresses", "AgentVersion", "ProtocolVersion"], "go-ipfs/0.6.0/", "p2p"),
    ("0.13.0", ["ID", "PublicKey", "Addresses", "AgentVersion", "ProtocolVersion", "Protocols"], "go-ipfs/0.13.0/", "p2p"),
    ("0.14.0", ["ID", "PublicKey", "Addresses", "AgentVersion", "ProtocolVersion", "Protocols"], "kubo/0.14.0/", "p2p"),
    ("0.22.0", ["ID", "PublicKey", "Addresses", "AgentVersion", "Protocols"], "kubo/0.22.0/", "p2p"),
    ("0.40.0", ["ID", "PublicKey", "Addresses", "AgentVersion", "Protocols"], "kubo/0.40.0", "p2p"),
])
def test_id_across_versions(version, fields, agent, p2p):
    node = fakeipfs.Node(kubo_version=version)
    identity.of(node, seed="versions")
    out = single(post(node, "id"))
    assert list(out) == fields and out["AgentVersion"] == agent
    assert all(a.endswith(f"/{p2p}/{out['ID']}") for a in out["Addresses"])
    rsa = version in ("0.4.23", "0.6.0")
    assert out["ID"].startswith("Qm" if rsa else "12D3KooW")
    assert PeerID.from_public_key(base64.b64decode(out["PublicKey"])) == PeerID.decode(out["ID"])
    if rsa:
        assert out["PublicKey"].startswith("CAASpgIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQ")


def test_id_of_other_peers():
    node = fakeipfs.Node()
    me = identity.of(node).peer_id
    assert single(post(node, "id", arg=[base36(me)]))["ID"] == me
    assert single(post(node, "id", peerid_base="base36"))["ID"] == base36(me)
    assert error(post(node, "id", arg=[STRANGER])) == ID_OFFLINE
    assert error(post(node, "id", arg=["nonsense"])) == "invalid peer id"
    assert error(post(node, "id", peerid_base="base99")) == "unsupported multibase encoding: base99"
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse, match="currently cannot query"):
        t.client(node).id(STRANGER)


def test_id_of_other_peers_from_0_13():
    node = fakeipfs.Node(kubo_version="0.13.0")
    assert error(post(node, "id", arg=[STRANGER])) == (
        "'ipfs id' cannot query information on remote peers without a running daemon; "
        "if you only want to convert --peerid-base, pass --offline option.")
    assert post(node, "id", arg=[STRANGER], offline=True, peerid_base="base36").read_all() == (
        b'{"ID":"' + base36(STRANGER).encode() + b'","PublicKey":"CAESIB7R6PrixKFEuL6P1LR789OzS4ccPKz2AQ8OQtR0'
        b'/OJ+","Addresses":null,"AgentVersion":"","ProtocolVersion":"","Protocols":null}\n')


# --- key --------------------------------------------------------------------------------------

def test_key_gen_list_rename_rm_through_ipfshttpclient():
    node = fakeipfs.Node()
    c = t.client(node)
    me = identity.of(node).peer_id
    assert c.key.list().as_json() == {"Keys": [{"Name": "self", "Id": base36(me)}]}
    rsa = c.key.gen("ipfshttpclient-test-rsa", "rsa")
    ed = c.key.gen("ipfshttpclient-test-ed", "ed25519")
    assert rsa["Name"] == "ipfshttpclient-test-rsa" and rsa["Id"].startswith("k2k4r8")  # sha2-256 multihash
    assert ed["Name"] == "ipfshttpclient-test-ed" and ed["Id"].startswith("k51qzi5uqu5")  # identity multihash
    assert [k["Name"] for k in c.key.list()["Keys"]] == ["self", "ipfshttpclient-test-ed", "ipfshttpclient-test-rsa"]
    renamed = c.key.rename("ipfshttpclient-test-ed", "ipfshttpclient-test-ed2")
    assert renamed.as_json() == {"Was": "ipfshttpclient-test-ed", "Now": "ipfshttpclient-test-ed2",
                                 "Id": ed["Id"], "Overwrite": False}
    removed = c.key.rm("ipfshttpclient-test-rsa", "ipfshttpclient-test-ed2")
    assert removed.as_json() == {"Keys": [{"Name": "ipfshttpclient-test-rsa", "Id": rsa["Id"]},
                                          {"Name": "ipfshttpclient-test-ed2", "Id": ed["Id"]}]}
    assert c.key.list()["Keys"] == [{"Name": "self", "Id": base36(me)}]


def test_key_errors():
    node = fakeipfs.Node()
    c = t.client(node)
    c.key.gen("a", "ed25519")
    c.key.gen("b", "ed25519")
    for call, message in [
        (lambda: c.key.gen("a", "ed25519"), "key with name 'a' already exists"),
        (lambda: c.key.gen("self", "ed25519"), "cannot create key with name 'self'"),
        (lambda: c.key.gen("x", "dsa"), "unrecognized key type: dsa"),
        (lambda: c.key.gen("x", "rsa", 1024), "rsa keys must be >= 2048 bits to be useful"),
        (lambda: c.key.rename("a", "b"), "key by that name already exists, refusing to overwrite"),
        (lambda: c.key.rename("self", "z"), "cannot rename key with name 'self'"),
        (lambda: c.key.rename("a", "self"), "cannot overwrite key with name 'self'"),
        (lambda: c.key.rename("nope", "z"), "no key named nope was found"),
        (lambda: c.key.rm("self"), "cannot remove key with name 'self'"),
        (lambda: c.key.rm("nope"), "no key named nope was found"),
    ]:
        with pytest.raises(ipfshttpclient.exceptions.ErrorResponse) as exc:
            call()
        assert str(exc.value) == message
    forced = single(post(node, "key/rename", arg=["a", "b"], force=True))
    assert forced["Overwrite"] is True and forced["Now"] == "b"


def test_key_default_type_and_id_base_follow_the_version():
    old = fakeipfs.Node(kubo_version="0.4.22")
    assert error(post(old, "key/gen", arg=["k"])) == "please specify a key type with --type"
    v06 = fakeipfs.Node(kubo_version="0.6.0")
    identity.of(v06, seed="v06")
    made = single(post(v06, "key/gen", arg=["k"]))
    assert made["Id"].startswith("Qm") and len(made["Id"]) == 46  # rsa, base58btc
    assert single(post(v06, "key/list", ipns_base="base36"))["Keys"][1] == made  # no --ipns-base before 0.7
    v07 = fakeipfs.Node()
    made = single(post(v07, "key/gen", arg=["k"]))
    assert made["Id"].startswith("k51qzi5uqu5")  # ed25519, base36
    assert single(post(v07, "key/list", ipns_base="b58mh"))["Keys"][1]["Id"].startswith("12D3KooW")


def test_key_import_and_export():
    source = fakeipfs.Node()
    exported = keystore.of(source).generate("k", "ed25519")
    data = keystore.of(source).export_key("k")
    target = fakeipfs.Node()
    assert single(post(target, "key/import", [data], arg=["k"])) == {"Name": "k", "Id": base36(str(exported.id))}
    assert error(post(target, "key/import", [data], arg=["k"])) == "key with name 'k' already exists"
    assert error(post(target, "key/import", [data], arg=["self"])) == "cannot import key with name 'self'"
    assert error(post(target, "key/import", [b"\x08\x07\x12\x00"], arg=["j"])) == "invalid or unsupported key type"
    # key export and rotate are NoRemote: not served over HTTP
    assert post(target, "key/export", arg=["k"]).status == 404
    assert post(fakeipfs.Node(kubo_version="0.6.0"), "key/import", [data], arg=["k"]).status == 404


def test_key_import_formats_from_0_13():
    from cryptography.hazmat.primitives import serialization
    node = fakeipfs.Node(kubo_version="0.13.0")
    key = identity.generate("ed25519", seed="pem")
    pem = key._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    assert single(post(node, "key/import", [pem], arg=["p"], format="pem-pkcs8-cleartext"))["Id"] == \
        str(key.peer_id().format(identity.multibase.get("base36")))
    assert error(post(node, "key/import", [pem], arg=["q"])) == (
        "unexpected PEM block for format=libp2p-protobuf-cleartext: try again with format=pem-pkcs8-cleartext")
    assert error(post(node, "key/import", [b"\x08\x07\x12\x00"], arg=["q"])) == (
        "unable to unmarshall format=libp2p-protobuf-cleartext: invalid or unsupported key type")
    assert error(post(node, "key/import", [pem], arg=["q"], format="der")) == "unrecognized import format: der"


# --- name -------------------------------------------------------------------------------------

def test_name_publish_and_resolve_through_ipfshttpclient():
    """The flow of ipfshttpclient's test_name.py."""
    node = fakeipfs.Node()
    c = t.client(node)
    self_key = next(k for k in c.key.list()["Keys"] if k["Name"] == "self")
    test_key = c.key.gen("ipfshttpclient-test-name-1", "rsa")
    lamb = "/ipfs/" + c.add_str("Mary had a little lamb")
    goat = "/ipfs/" + c.add_str("Mary had a little goat")

    published = c.name.publish(lamb, allow_offline=True)
    assert published.as_json() == {"Name": self_key["Id"], "Value": lamb}
    assert c.name.resolve(published["Name"], recursive=True, dht_record_count=0, dht_timeout="1s",
                          offline=True).as_json() == {"Path": lamb}
    assert c.name.resolve()["Path"] == lamb

    by_key = c.name.publish(goat, key=test_key["Name"], resolve=False, lifetime="5m", ttl="5m",
                            allow_offline=True)
    assert by_key.as_json() == {"Name": test_key["Id"], "Value": goat}
    inner = "/ipns/" + by_key["Name"]
    outer = c.name.publish(inner, resolve=True, allow_offline=True)
    assert outer.as_json() == {"Name": self_key["Id"], "Value": inner}
    assert c.name.resolve(outer["Name"], recursive=True)["Path"] == goat
    assert c.name.resolve(outer["Name"])["Path"] == inner  # ipfshttpclient sends recursive=false
    assert c.name.resolve(by_key["Name"], nocache=True, dht_record_count=1, dht_timeout="180s",
                          offline=True)["Path"] == goat


def test_name_raw_answers():
    node = fakeipfs.Node()
    lamb = "/ipfs/" + str(node.add_str("Mary had a little lamb").cid)
    me = identity.of(node).peer_id
    response = post(node, "name/publish", arg=[lamb])
    assert response.read_all() == b'{"Name":"' + base36(me).encode() + b'","Value":"' + lamb.encode() + b'"}\n'
    assert post(node, "name/resolve").read_all() == b'{"Path":"' + lamb.encode() + b'"}\n'
    assert values(post(node, "name/resolve", arg=[me], stream=True)) == [{"Path": lamb}]
    assert single(post(node, "name/publish", arg=[lamb], ipns_base="b58mh"))["Name"] == me


def test_name_errors():
    node = fakeipfs.Node()
    lamb = "/ipfs/" + str(node.add_str("Mary had a little lamb").cid)
    assert error(post(node, "name/resolve", arg=[STRANGER])) == "could not resolve name"
    assert error(post(node, "name/resolve")) == "could not resolve name"
    assert error(post(node, "name/resolve", arg=["x"])) == "not a valid proquint string"
    assert error(post(node, "name/resolve", arg=[STRANGER], dht_timeout="-1s")) == "DHT timeout value must be >= 0"
    assert error(post(node, "name/resolve", arg=[STRANGER], dht_timeout="1")) == 'time: missing unit in duration "1"'
    assert error(post(node, "name/publish", arg=[lamb], key="nope")) == "no key by the given name was found"
    assert error(post(node, "name/publish", arg=[lamb], key=STRANGER)) == \
        "no key by the given name or PeerID was found"
    assert error(post(node, "name/publish", arg=[lamb], lifetime="forever")) == \
        'error parsing lifetime option: time: invalid duration "forever"'
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse, match="^could not resolve name$"):
        t.client(node).name.resolve(STRANGER)


def test_name_is_base58_before_0_7():
    node = fakeipfs.Node(kubo_version="0.6.0")
    identity.of(node, seed="names")
    lamb = "/ipfs/" + str(node.add_str("Mary had a little lamb").cid)
    assert single(post(node, "name/publish", arg=[lamb]))["Name"] == identity.of(node).peer_id


# --- config -----------------------------------------------------------------------------------

def test_config_through_ipfshttpclient():
    node = fakeipfs.Node()
    c = t.client(node)
    shown = c.config.get()
    assert shown["Identity"] == {"PeerID": c.id()["ID"]}  # what Grid reads; the key is never shown
    assert shown["Addresses"]["Gateway"] == "/ip4/127.0.0.1/tcp/8080"
    assert c.config.set("Addresses.Gateway").as_json() == {"Key": "Addresses.Gateway",
                                                           "Value": "/ip4/127.0.0.1/tcp/8080"}
    assert c.config.set("Addresses.Gateway", "/ip4/127.0.0.1/tcp/8081").as_json() == {
        "Key": "Addresses.Gateway", "Value": "/ip4/127.0.0.1/tcp/8081"}
    assert c.config.get()["Addresses"]["Gateway"] == "/ip4/127.0.0.1/tcp/8081"
    # ipfshttpclient 0.7.0 sends the new config as URL arguments, not the file kubo requires
    with pytest.raises(ipfshttpclient.exceptions.StatusError, match="400"):
        c.config.replace(shown.as_json())


def test_config_show_raw():
    node = fakeipfs.Node()
    response = post(node, "config/show")
    body = response.read_all()
    assert (response.status, response.headers) == (200, SINGLE)
    assert body.startswith(b'{"API":{"HTTPHeaders":{}},"Addresses":{"API":"/ip4/127.0.0.1/tcp/5001","Announce":[],')
    assert b'"Identity":{"PeerID":"' + identity.of(node).peer_id.encode() + b'"},' in body
    assert b"PrivKey" not in body


def test_config_get_and_set_raw():
    node = fakeipfs.Node()
    assert post(node, "config", arg=["Datastore.StorageMax"]).read_all() == \
        b'{"Key":"Datastore.StorageMax","Value":"10GB"}\n'
    assert single(post(node, "config", arg=["Swarm.ConnMgr.HighWater", "1000"], json=True)) == {
        "Key": "Swarm.ConnMgr.HighWater", "Value": 1000}
    assert single(post(node, "config", arg=["Discovery.MDNS.Enabled", "false"], bool=True))["Value"] is False
    assert single(post(node, "config", arg=["Addresses.Swarm", '["/ip4/0.0.0.0/tcp/4002"]'], json=True)) == {
        "Key": "Addresses.Swarm", "Value": ["/ip4/0.0.0.0/tcp/4002"]}
    assert single(post(node, "id"))["Addresses"] == [f"/ip4/127.0.0.1/tcp/4002/p2p/{identity.of(node).peer_id}"]
    assert single(post(node, "config", arg=["Mine.Value", "x"])) == {"Key": "Mine.Value", "Value": "x"}


@pytest.mark.parametrize("version, args, options, message", [
    ("0.7.0", ["Identity"], {}, "cannot show or change private key through API"),
    ("0.7.0", ["identity.privkey", "x"], {}, "cannot show or change private key through API"),
    ("0.7.0", ["Nope"], {}, 'failed to get config value: " key has no attributes"'),
    ("0.7.0", ["Addresses.Nope"], {}, 'failed to get config value: "Addresses key has no attributes"'),
    ("0.13.0", ["Addresses.Nope"], {}, 'failed to get config value: "Addresses.Nope not found"'),
    ("0.7.0", ["Swarm.ConnMgr.LowWater", "ten"], {}, "failed to set config value: json: cannot unmarshal string "
     "into Go struct field ConnMgr.Swarm.ConnMgr.LowWater of type int (maybe use --json?)"),
    ("0.7.0", ["Addresses.API.x", "y"], {}, "failed to set config value: Addresses.API key is not a map "
     "(maybe use --json?)"),
    ("0.7.0", ["Bootstrap", "[nope"], {"json": True},
     "failed to unmarshal json. invalid character 'n' looking for beginning of value"),
    ("0.7.0", ["Bootstrap", "[1,"], {"json": True}, "failed to unmarshal json. unexpected end of JSON input"),
])
def test_config_errors(version, args, options, message):
    assert error(post(fakeipfs.Node(kubo_version=version), "config", arg=args, **options)) == message


def test_config_replace_raw():
    node = fakeipfs.Node()
    shown = single(post(node, "config/show"))
    shown["Addresses"]["Gateway"] = "/ip4/127.0.0.1/tcp/9999"
    response = post(node, "config/replace", [json.dumps(shown).encode()])
    assert (response.status, response.headers, response.read_all()) == (200, CHANNEL, b"")
    assert single(post(node, "config/show")) == shown
    assert post(node, "config/replace").status == 400  # file argument 'file' is required
    assert error(post(node, "config/replace", [b"{not json"])) == "failed to decode file as config"
    with_key = dict(shown, Identity={"PeerID": "x", "PrivKey": "y"})
    assert error(post(node, "config/replace", [json.dumps(with_key).encode()])) == \
        "setting private key with API is not supported"
    assert post(node, "config/edit").status == 404


# --- bootstrap --------------------------------------------------------------------------------

def test_bootstrap_list():
    node = fakeipfs.Node()
    assert t.client(node).bootstrap.list().as_json() == {"Peers": BOOTSTRAP_0_7}
    assert single(post(node, "bootstrap")) == single(post(node, "bootstrap/list")) == {"Peers": BOOTSTRAP_0_7}


def test_bootstrap_add_and_rm():
    node = fakeipfs.Node()
    c = t.client(node)
    new = f"/ip4/1.2.3.4/tcp/4001/p2p/{STRANGER}"
    assert c.bootstrap.add(new).as_json() == {"Peers": [new]}
    assert c.bootstrap.list()["Peers"] == [new] + BOOTSTRAP_0_7
    # a full address removes that address; a bare /p2p/<id> every address of the peer
    assert single(post(node, "bootstrap/rm", arg=[BOOTSTRAP_0_7[4]])) == {"Peers": [BOOTSTRAP_0_7[4]]}
    assert single(post(node, "bootstrap/rm", arg=[f"/ipfs/{STRANGER}"])) == {"Peers": [new]}
    assert c.bootstrap.list()["Peers"] == BOOTSTRAP_0_7[:4] + BOOTSTRAP_0_7[5:]
    assert single(post(node, "bootstrap/rm", all=True)) == {"Peers": BOOTSTRAP_0_7[:4] + BOOTSTRAP_0_7[5:]}
    assert single(post(node, "bootstrap/list")) == {"Peers": []}
    assert single(post(node, "config", arg=["Bootstrap"])) == {"Key": "Bootstrap", "Value": None}
    assert single(post(node, "bootstrap/add/default")) == {"Peers": BOOTSTRAP_0_7}
    assert single(post(node, "bootstrap/rm/all")) == {"Peers": BOOTSTRAP_0_7}
    assert single(post(node, "bootstrap/add", default=True)) == {"Peers": BOOTSTRAP_0_7}


@pytest.mark.parametrize("peer, message", [
    ("/ip4/1.2.3.4/tcp/4001", "invalid bootstrap address: /ip4/1.2.3.4/tcp/4001"),
    (f"/p2p/{MARS}", f"bootstrap address without a transport: /p2p/{MARS}"),
    ("1.2.3.4", 'failed to parse multiaddr "1.2.3.4": must begin with /'),
    ("/ip5/1.2.3.4", 'failed to parse multiaddr "/ip5/1.2.3.4": unknown protocol ip5'),
    ("/ip4/1.2.3.4/tcp", 'failed to parse multiaddr "/ip4/1.2.3.4/tcp": unexpected end of multiaddr'),
])
def test_bootstrap_add_errors(peer, message):
    assert error(post(fakeipfs.Node(), "bootstrap/add", arg=[peer])) == message


def test_bootstrap_add_needs_peers():
    assert error(post(fakeipfs.Node(), "bootstrap/add")) == "no bootstrap peers to add"


def test_bootstrap_before_0_5_prints_ipfs_addresses():
    node = fakeipfs.Node(kubo_version="0.4.23")
    identity.of(node, seed="old")
    peers = single(post(node, "bootstrap/list"))["Peers"]
    assert len(peers) == 13 and all("/ipfs/Qm" in p for p in peers)


def test_bootstrap_auto_placeholder_from_0_37():
    node = fakeipfs.Node(kubo_version="0.37.0")
    assert single(post(node, "bootstrap/list")) == {"Peers": ["auto"]}
    expanded = single(post(node, "bootstrap/list", expand_auto=True))["Peers"]
    assert len(expanded) == 7 and expanded[-1].endswith(f"/quic-v1/p2p/{MARS}")
    assert error(post(node, "bootstrap/rm", arg=[BOOTSTRAP_0_7[0]])).startswith(
        "cannot remove individual bootstrap peers when using 'auto' placeholder")
    # no more add/default subcommand: "default" is an argument, which means "auto"
    assert single(post(node, "bootstrap/add/default")) == {"Peers": ["auto"]}
    assert single(post(node, "bootstrap/rm/all")) == {"Peers": ["auto"]}
    assert single(post(node, "bootstrap/list")) == {"Peers": None}
    assert single(post(node, "bootstrap/add", arg=["default"])) == {"Peers": ["auto"]}


# --- swarm, ping, shutdown --------------------------------------------------------------------

def test_swarm_of_a_lone_node():
    node = fakeipfs.Node()
    c = t.client(node)
    assert c.swarm.peers().as_json() == {"Peers": None}
    assert post(node, "swarm/peers").read_all() == b'{"Peers":null}\n'
    assert c.swarm.addrs().as_json() == {"Addrs": {}}
    me = identity.of(node).peer_id
    assert single(post(node, "swarm/addrs/local", id=True))["Strings"][0] == f"/ip4/127.0.0.1/tcp/4001/p2p/{me}"
    assert single(post(node, "swarm/addrs/listen"))["Strings"] == [
        "/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/udp/4001/quic", "/ip6/::1/tcp/4001", "/ip6/::1/udp/4001/quic"]


def test_swarm_connect_and_disconnect():
    node = fakeipfs.Node()
    c = t.client(node)
    assert error(post(node, "swarm/connect", arg=[f"/ip4/1.2.3.4/tcp/4001/p2p/{STRANGER}"])) == (
        f"connect {STRANGER} failure: failed to dial {STRANGER}: all dials failed\n"
        f"  * [/ip4/1.2.3.4/tcp/4001] dial tcp4 1.2.3.4:4001: connect: connection refused")
    # ipfshttpclient 0.7.0 also sends each character of the address as an argument
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse) as exc:
        c.swarm.connect(f"/ip4/1.2.3.4/tcp/4001/p2p/{STRANGER}")
    assert str(exc.value) == 'failed to parse multiaddr "": empty multiaddr'
    assert error(post(node, "swarm/connect", arg=[f"/p2p/{STRANGER}"])) == \
        f"connect {STRANGER} failure: failed to find any peer in table"
    me = identity.of(node).peer_id
    assert error(post(node, "swarm/connect", arg=[f"/ip4/127.0.0.1/tcp/4001/p2p/{me}"])) == \
        f"connect {me} failure: dial to self attempted"
    assert error(post(node, "swarm/connect", arg=["/ip4/1.2.3.4/tcp/4001"])) == \
        "found no ipfs peers at /ip4/1.2.3.4/tcp/4001"
    assert single(post(node, "swarm/disconnect", arg=[f"/ip4/1.2.3.4/tcp/4001/p2p/{STRANGER}", f"/p2p/{MARS}"])) == {
        "Strings": [f"disconnect {STRANGER} failure: conn not found", f"disconnect {MARS} failure: not connected"]}


def test_ping():
    node = fakeipfs.Node()
    me = identity.of(node).peer_id
    assert error(post(node, "ping", arg=[me])) == "error: can't ping self"
    assert error(post(node, "ping", arg=["nonsense"])) == \
        "failed to parse peer address 'nonsense': failed to parse peer ID: selected encoding not supported"
    assert error(post(node, "ping", arg=[STRANGER], count=0)) == "ping count must be greater than 0, was 0"
    lookup = post(node, "ping", arg=[STRANGER])
    assert lookup.read_all() == (
        b'{"Success":true,"Time":0,"Text":"Looking up peer ' + STRANGER.encode() + b'"}\n'
        b'{"Message":"peer lookup failed: failed to find any peer in table","Code":0,"Type":"error"}\n')
    assert lookup.trailers == {"X-Stream-Error": "peer lookup failed: failed to find any peer in table"}
    dialed = values(post(node, "ping", arg=[f"/ip4/1.2.3.4/tcp/4001/p2p/{STRANGER}"]))
    assert [v.get("Text", v.get("Message"))[:16] for v in dialed] == [
        f"PING {STRANGER}"[:16], "Ping error: fail", "ping failed"]
    with pytest.raises(ipfshttpclient.exceptions.PartialErrorResponse, match="peer lookup failed"):
        t.client(node).ping(STRANGER)


def test_shutdown_tells_the_transport():
    node = fakeipfs.Node()
    dispatcher = Dispatcher(node)
    stopped = []
    dispatcher.on_shutdown = lambda: stopped.append(True)
    response = dispatcher.handle(Request.from_url("POST", "/api/v0/shutdown"))
    assert (response.status, response.read_all(), stopped) == (200, b"", [True])
    c = t.client(node)
    c._client._session_props["adapters"]["http://"].dispatcher.on_shutdown = lambda: stopped.append(True)
    assert c.stop() is None and stopped == [True, True]


# --- not emulated -----------------------------------------------------------------------------

@pytest.mark.parametrize("call, path", [
    (lambda c: c.dns("ipfs.io"), "dns"),
    (lambda c: c.bitswap.stat(), "bitswap/stat"),
    (lambda c: c.bitswap.wantlist(), "bitswap/wantlist"),
    (lambda c: c.dht.findpeer(STRANGER), "dht/findpeer"),
    (lambda c: c.dht.query(STRANGER), "dht/query"),
    (lambda c: c.swarm.filters.add("/ip4/10.0.0.0/ipcidr/8"), "swarm/filters/add"),
    (lambda c: c.unstable.log.ls(), "log/ls"),
])
def test_commands_not_emulated(call, path):
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse) as exc:
        call(t.client(fakeipfs.Node()))
    assert str(exc.value) == f"{path}: not implemented in fakeipfs"


def test_config_show_text_before_0_4_18():
    """v0.4.13 core/commands/config.go: ``config.HumanOutput`` (``json.MarshalIndent(cfg, "",
    "  ")``, no newline) as a byte stream; a JSON object from 0.4.18 (go-ipfs#5345)."""
    old = post(fakeipfs.Node(kubo_version="0.4.17"), "config/show")
    assert (old.headers["Content-Type"], old.headers["X-Stream-Output"]) == ("text/plain", "1")
    assert "X-Content-Length" not in old.headers
    body = old.read_all()
    assert body.startswith(b'{\n  "API": {\n    "HTTPHeaders": {}\n  },\n  "Addresses": {\n')
    assert body == json.dumps(json.loads(body), indent=2).encode() and not body.endswith(b"\n")
    assert b"PrivKey" not in body
    new = post(fakeipfs.Node(kubo_version="0.4.18"), "config/show")
    assert new.headers["Content-Type"] == "application/json" and "X-Stream-Output" not in new.headers
    assert new.read_all().count(b"\n") == 1
