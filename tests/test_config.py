"""The repo config: go-ipfs-config v0.9.0 ``InitWithIdentity`` and struct, kubo fsrepo's map
access (repo/common/common.go) and ``setConfigUnsynced``; messages word for word."""
from __future__ import annotations

import json

import pytest

from fakeipfs import Node, config, identity
from fakeipfs.versions import KuboVersion

MARS = "QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ"
LIBP2P = [f"/dnsaddr/bootstrap.libp2p.io/p2p/{p}" for p in (
    "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN", "QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
    "QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb", "QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt")]


def _message(fn, *args) -> str:
    with pytest.raises(config.ConfigError) as exc:
        fn(*args)
    return exc.value.message


def test_default_config_of_kubo_0_7():
    node = Node()
    shown = config.of(node).show()
    assert shown == {
        "API": {"HTTPHeaders": {}},
        "Addresses": {"API": "/ip4/127.0.0.1/tcp/5001", "Announce": [], "Gateway": "/ip4/127.0.0.1/tcp/8080",
                      "NoAnnounce": [], "Swarm": ["/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001",
                                                  "/ip4/0.0.0.0/udp/4001/quic", "/ip6/::/udp/4001/quic"]},
        "AutoNAT": {},
        "Bootstrap": LIBP2P + [f"/ip4/104.131.131.82/tcp/4001/p2p/{MARS}",
                               f"/ip4/104.131.131.82/udp/4001/quic/p2p/{MARS}"],
        "Datastore": {"BloomFilterSize": 0, "GCPeriod": "1h", "HashOnRead": False, "Spec": {
            "mounts": [{"child": {"path": "blocks", "shardFunc": "/repo/flatfs/shard/v1/next-to-last/2",
                                  "sync": True, "type": "flatfs"},
                        "mountpoint": "/blocks", "prefix": "flatfs.datastore", "type": "measure"},
                       {"child": {"compression": "none", "path": "datastore", "type": "levelds"},
                        "mountpoint": "/", "prefix": "leveldb.datastore", "type": "measure"}],
            "type": "mount"}, "StorageGCWatermark": 90, "StorageMax": "10GB"},
        "Discovery": {"MDNS": {"Enabled": True, "Interval": 10}},
        "Experimental": {"FilestoreEnabled": False, "GraphsyncEnabled": False, "Libp2pStreamMounting": False,
                         "P2pHttpProxy": False, "ShardingEnabled": False, "StrategicProviding": False,
                         "UrlstoreEnabled": False},
        "Gateway": {"APICommands": [], "HTTPHeaders": {
            "Access-Control-Allow-Headers": ["X-Requested-With", "Range", "User-Agent"],
            "Access-Control-Allow-Methods": ["GET"], "Access-Control-Allow-Origin": ["*"]},
            "NoDNSLink": False, "NoFetch": False, "PathPrefixes": [], "PublicGateways": None,
            "RootRedirect": "", "Writable": False},
        "Identity": {"PeerID": identity.of(node).peer_id},
        "Ipns": {"RecordLifetime": "", "RepublishPeriod": "", "ResolveCacheSize": 128},
        "Mounts": {"FuseAllowOther": False, "IPFS": "/ipfs", "IPNS": "/ipns"},
        "Peering": {"Peers": None},
        "Plugins": {"Plugins": None},
        "Provider": {"Strategy": ""},
        "Pubsub": {"DisableSigning": False, "Router": ""},
        "Reprovider": {"Interval": "12h", "Strategy": "all"},
        "Routing": {"Type": "dht"},
        "Swarm": {"AddrFilters": None, "ConnMgr": {"GracePeriod": "20s", "HighWater": 900, "LowWater": 600,
                                                   "Type": "basic"},
                  "DisableBandwidthMetrics": False, "DisableNatPortMap": False, "EnableAutoRelay": False,
                  "EnableRelayHop": False, "Transports": {"Multiplexers": {}, "Network": {}, "Security": {}}},
    }
    assert list(shown) == sorted(shown)  # Go marshals maps with sorted keys
    assert config.of(node).data["Identity"]["PrivKey"] == identity.of(node).private_key_b64


@pytest.mark.parametrize("version, bootstrap, swarm", [
    ("0.4.23", 13, 2), ("0.5.0", 5, 2), ("0.6.0", 6, 4), ("0.18.0", 6, 8), ("0.23.0", 6, 6),
    ("0.30.0", 6, 8), ("0.33.0", 7, 8), ("0.37.0", 1, 8),
])
def test_bootstrap_and_swarm_defaults_follow_the_version(version, bootstrap, swarm):
    data = config.of(Node(kubo_version=version)).data
    assert (len(data["Bootstrap"]), len(data["Addresses"]["Swarm"])) == (bootstrap, swarm)


def test_auto_placeholder_from_0_37():
    assert config.of(Node(kubo_version="0.37.0")).bootstrap == ["auto"]
    assert config.default_bootstrap(KuboVersion(0, 37, 0))[4].startswith("/dnsaddr/va1.bootstrap.libp2p.io/")


def test_get():
    cfg = config.of(Node())
    assert cfg.get("Addresses.Gateway") == "/ip4/127.0.0.1/tcp/8080"
    assert cfg.get("Discovery") == {"MDNS": {"Enabled": True, "Interval": 10}}
    assert _message(cfg.get, "Nope") == " key has no attributes"
    assert _message(cfg.get, "Addresses.Nope") == "Addresses key has no attributes"
    assert _message(cfg.get, "Addresses.API.x") == "Addresses.API key is not a map"


def test_get_names_the_missing_path_from_0_13():
    cfg = config.of(Node(kubo_version="0.13.0"))
    assert _message(cfg.get, "Nope") == "Nope not found"
    assert _message(cfg.get, "Addresses.Nope") == "Addresses.Nope not found"


def test_set_goes_through_the_struct():
    cfg = config.of(Node())
    cfg.set("Addresses.Gateway", "/ip4/127.0.0.1/tcp/8081")
    cfg.set("Discovery.MDNS.Enabled", False)
    cfg.set("Swarm.ConnMgr.LowWater", 10.0)  # a JSON number, as Go's float64
    cfg.set("Addresses.API", ["/ip4/127.0.0.1/tcp/5001", "/ip4/127.0.0.1/tcp/5002"])
    cfg.set("Addresses.Announce", [])
    cfg.set("Custom.Section", {"b": 1, "a": [True]})  # unknown keys are kept as they are
    shown = cfg.show()
    assert shown["Addresses"]["Gateway"] == "/ip4/127.0.0.1/tcp/8081"
    assert shown["Discovery"]["MDNS"] == {"Enabled": False, "Interval": 10}
    assert shown["Swarm"]["ConnMgr"]["LowWater"] == 10 and isinstance(shown["Swarm"]["ConnMgr"]["LowWater"], int)
    assert shown["Addresses"]["API"] == ["/ip4/127.0.0.1/tcp/5001", "/ip4/127.0.0.1/tcp/5002"]
    assert shown["Custom"] == {"Section": {"a": [True], "b": 1}}
    cfg.set("Addresses.API", ["/ip4/127.0.0.1/tcp/5001"])  # config.Strings: one address is a string
    assert cfg.get("Addresses.API") == "/ip4/127.0.0.1/tcp/5001"
    cfg.set("Addresses.Swarm", None)
    assert cfg.get("Addresses.Swarm") is None


def test_set_rejects_values_of_the_wrong_type():
    cfg = config.of(Node())
    before = cfg.data
    assert _message(cfg.set, "Swarm.ConnMgr.LowWater", "10") == (
        "json: cannot unmarshal string into Go struct field ConnMgr.Swarm.ConnMgr.LowWater of type int")
    assert _message(cfg.set, "Datastore.StorageGCWatermark", 1.5) == (
        "json: cannot unmarshal number 1.5 into Go struct field Datastore.Datastore.StorageGCWatermark of type int64")
    assert _message(cfg.set, "Bootstrap", "x") == (
        "json: cannot unmarshal string into Go struct field Config.Bootstrap of type []string")
    assert _message(cfg.set, "Swarm", 1) == (
        "json: cannot unmarshal number into Go struct field Config.Swarm of type config.SwarmConfig")
    assert _message(cfg.set, "Addresses.API", 5) == "json: cannot unmarshal number into Go value of type string"
    assert _message(cfg.set, "Swarm.Transports.Network.QUIC", "yes") == (
        'failed to unmarshal "\\"yes\\"" into a flag: must be null/undefined, true, or false')
    assert _message(cfg.set, "Addresses.API.x", "y") == "Addresses.API key is not a map"
    assert cfg.data == before


def test_set_keeps_the_private_key():
    cfg = config.of(Node())
    key = cfg.data["Identity"]["PrivKey"]
    cfg.set("Identity.PrivKey", "stolen")
    assert cfg.data["Identity"]["PrivKey"] == key


def test_struct_fields_match_case_insensitively():
    cfg = config.of(Node())
    cfg.set("swarm.connmgr.lowwater", 7)
    assert cfg.get("Swarm.ConnMgr.LowWater") == 7 and cfg.get("swarm") == {"connmgr": {"lowwater": 7}}


def test_replace():
    node = Node()
    cfg = config.of(node)
    key = cfg.data["Identity"]["PrivKey"]
    cfg.replace({"Bootstrap": [], "Addresses": {"API": "/ip4/127.0.0.1/tcp/6001"}, "Unknown": 1})
    data = cfg.data
    assert data["Identity"] == {"PeerID": "", "PrivKey": key}
    assert data["Bootstrap"] == [] and "Unknown" not in data
    assert data["Addresses"] == {"Swarm": None, "Announce": None, "NoAnnounce": None,
                                 "API": "/ip4/127.0.0.1/tcp/6001", "Gateway": None}
    assert data["Datastore"]["Spec"] is None and data["Discovery"] == {"MDNS": {"Enabled": False, "Interval": 0}}
    assert _message(cfg.replace, {"Identity": {"PrivKey": "x"}}) == "setting private key with API is not supported"
    assert _message(cfg.replace, {"Bootstrap": "x"}) == "failed to decode file as config"
    assert _message(cfg.replace, []) == "failed to decode file as config"


def test_repo_config_file(tmp_path):
    node = Node(repo=tmp_path)
    config.of(node).set("Addresses.Gateway", "/ip4/127.0.0.1/tcp/9090")
    on_disk = json.loads((tmp_path / "config").read_text())
    assert on_disk["Addresses"]["Gateway"] == "/ip4/127.0.0.1/tcp/9090"
    assert on_disk["Identity"]["PrivKey"] == identity.of(node).private_key_b64
    assert config.of(Node(repo=tmp_path)).get("Addresses.Gateway") == "/ip4/127.0.0.1/tcp/9090"


def test_bootstrap_strings_group_addresses_by_peer():
    addrs = [f"/ip4/1.2.3.4/tcp/4001/p2p/{MARS}", LIBP2P[0], f"/ip4/1.2.3.4/udp/4001/quic/ipfs/{MARS}",
             f"/p2p/{MARS}"]
    assert config.bootstrap_strings(addrs) == [f"/ip4/1.2.3.4/tcp/4001/p2p/{MARS}",
                                               f"/ip4/1.2.3.4/udp/4001/quic/p2p/{MARS}", LIBP2P[0]]
    assert config.bootstrap_strings([f"/p2p/{MARS}"], "ipfs") == [f"/ipfs/{MARS}"]


def test_bootstrap_before_0_5_is_the_go_list_as_written():
    """v0.4.13 repo/config/bootstrap_peers.go ``DefaultBootstrapAddresses``, each printed by its
    go-ipfs-addr ``IPFSAddr`` (``/ipfs/``), in order: no grouping by peer before 0.5."""
    sol = {"pluto": "QmSoLPppuBtQSGwKDZT2M73ULpjvfd3aZ6ha4oFGL1KrGM",
           "saturn": "QmSoLSafTMBsPKadTEgaXctDQVcqN88CNLHXMkTNwMKPnu",
           "venus": "QmSoLV4Bbm51jM9C4gDYZQ9Cy3U6aXMJDAbzgu2fzaDs64",
           "earth": "QmSoLer265NRgSp2LA3dPaeykiS1J6DifTC88f5uVQKNAd"}
    assert config.of(Node(kubo_version="0.4.13")).bootstrap == [
        addr.replace("/p2p/", "/ipfs/") for addr in LIBP2P] + [
        f"/ip4/104.131.131.82/tcp/4001/ipfs/{MARS}",
        f"/ip4/104.236.179.241/tcp/4001/ipfs/{sol['pluto']}",
        f"/ip4/128.199.219.111/tcp/4001/ipfs/{sol['saturn']}",
        f"/ip4/104.236.76.40/tcp/4001/ipfs/{sol['venus']}",
        f"/ip4/178.62.158.247/tcp/4001/ipfs/{sol['earth']}",
        f"/ip6/2604:a880:1:20::203:d001/tcp/4001/ipfs/{sol['pluto']}",
        f"/ip6/2400:6180:0:d0::151:6001/tcp/4001/ipfs/{sol['saturn']}",
        f"/ip6/2604:a880:800:10::4a:5001/tcp/4001/ipfs/{sol['venus']}",
        f"/ip6/2a03:b0c0:0:1010::23:1001/tcp/4001/ipfs/{sol['earth']}"]
    assert config.bootstrap_peer_strings([f"/ip4/1.2.3.4/tcp/4001/p2p/{MARS}"], KuboVersion(0, 4, 23)) == [
        f"/ip4/1.2.3.4/tcp/4001/ipfs/{MARS}"]


def test_later_versions_keep_what_they_are_given():
    """Newer kubo structs have fields the modelled (0.7) struct lacks, such as
    ``API.Authorizations`` (kubo 0.25): those versions keep them."""
    cfg = config.of(Node(kubo_version="0.25.0"))
    cfg.set("API.Authorizations", {"alice": {"AuthSecret": "basic:alice:secret", "AllowedPaths": ["/api/v0"]}})
    assert cfg.get("API") == {"Authorizations": {"alice": {"AllowedPaths": ["/api/v0"],
                                                          "AuthSecret": "basic:alice:secret"}},
                              "HTTPHeaders": {}}
    assert _message(cfg.set, "Swarm.ConnMgr.LowWater", "10").startswith("json: cannot unmarshal string")
    key = cfg.data["Identity"]["PrivKey"]
    cfg.replace({"API": {"Authorizations": {}}, "Bootstrap": []})
    assert cfg.data["API"] == {"Authorizations": {}} and cfg.data["Identity"] == {"PrivKey": key}
    v07 = config.of(Node())
    v07.set("API.Authorizations", {})
    assert v07.get("API") == {"HTTPHeaders": {}}  # kubo 0.7 rewrites API from its struct
