"""The path gateway over HTTP (fakeipfs/gateway.py): boxo ``gateway/`` semantics, checked with
plain ``requests`` against a daemon on 127.0.0.1 ``tcp/0`` (expectations from boxo's handlers and
kubo test/cli/gateway_test.go, cited beside each test)."""
from __future__ import annotations

import io
import tarfile
import time
from typing import Iterator

import pytest
import requests
from multiformats import CID

from fakeipfs import Node, config
from fakeipfs.codecs import car
from fakeipfs.config import ConfigError
from fakeipfs.daemon import Daemon
from fakeipfs.errors import RetrievalTruncated
from fakeipfs.network import Network
from fakeipfs.gateway import Gateway, _car_etag, sniff, type_by_extension, xxh64
from fakeipfs.unixfs.files import Directory, File

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"
PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"
VENUS = "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"
IMMUTABLE = "public, max-age=29030400, immutable"
DIR_CACHE = "public, max-age=604800, stale-while-revalidate=2678400"


class Site:
    def __init__(self, node: Node, daemon: Daemon) -> None:
        self.node = node
        self.daemon = daemon
        site = Directory("site", [File.from_bytes("index.html", b"<p>hi</p>")])
        docs = Directory("docs", [File.from_bytes("a.json", b'{"a":1}'),
                                  File.from_bytes("readme", b"plain text here\n"), site])
        self.docs = {e.name: e.cid for e in node.add(docs)}
        node.add(b"hello world")
        node.add(Directory("planets", [File.from_bytes("mars.txt", b"Hello Mars!\n"),
                                       File.from_bytes("venus.txt", b"Hello Venus!\n")]))
        self.cbor = node.dag_put(b'{"hello":"world"}', store_codec="dag-cbor", input_codec="dag-json")

    def url(self, path: str) -> str:
        assert self.daemon.gateway_addr is not None
        return self.daemon.gateway_addr.url(path)

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return requests.get(self.url(path), **kwargs)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    node = Node()
    daemon = Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway="/ip4/127.0.0.1/tcp/0", say=lambda _: None)
    with daemon.background():
        yield Site(node, daemon)


# --- files ---------------------------------------------------------------------------------------


def test_file_headers_and_body(site: Site):
    """handler_unixfs_file.go serveFile, handler.go addCacheControlHeaders/setIpfsRootsHeader."""
    answer = site.get(f"/ipfs/{HELLO}")
    assert answer.status_code == 200 and answer.content == b"hello world"
    h = answer.headers
    assert h["Content-Type"] == "text/plain; charset=utf-8"
    assert h["Content-Length"] == "11"
    assert h["Etag"] == f'"{HELLO}"'
    assert h["Cache-Control"] == IMMUTABLE
    assert h["X-Ipfs-Path"] == f"/ipfs/{HELLO}"
    assert h["X-Ipfs-Roots"] == HELLO
    assert h["Accept-Ranges"] == "bytes"
    assert "Last-Modified" not in h


def test_head_has_the_headers_and_no_body(site: Site):
    answer = requests.head(site.url(f"/ipfs/{HELLO}"))
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["Content-Length"] == "11"
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.headers["Etag"] == f'"{HELLO}"'


def test_subpath_roots_and_content_type_by_extension(site: Site):
    docs = site.docs["docs"]
    answer = site.get(f"/ipfs/{docs}/a.json")
    assert answer.content == b'{"a":1}'
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["X-Ipfs-Roots"] == f"{docs},{site.docs['docs/a.json']}"
    assert answer.headers["Etag"] == f'"{site.docs["docs/a.json"]}"'
    deep = site.get(f"/ipfs/{docs}/site/index.html")
    assert deep.headers["X-Ipfs-Roots"] == f"{docs},{site.docs['docs/site']},{site.docs['docs/site/index.html']}"
    assert deep.headers["Content-Type"] == "text/html"  # "text/html; charset=utf-8" stripped (kubo#2203)


def test_filename_and_download_set_content_disposition(site: Site):
    """kubo test/cli/gateway_test.go "?filename" cases."""
    inline = site.get(f"/ipfs/{HELLO}", params={"filename": "testтест.pdf"})
    assert inline.headers["Content-Disposition"] == (
        "inline; filename=\"test____.pdf\"; filename*=UTF-8''test%D1%82%D0%B5%D1%81%D1%82.pdf")
    assert inline.headers["Content-Type"] == "application/pdf"
    attachment = site.get(f"/ipfs/{HELLO}?filename=testтест.mp4&download=true")
    assert attachment.headers["Content-Disposition"] == (
        "attachment; filename=\"test____.mp4\"; filename*=UTF-8''test%D1%82%D0%B5%D1%81%D1%82.mp4")


def test_ranges(site: Site):
    """serve_http_content.go: one range honoured (206), past the end 416, malformed 400."""
    part = site.get(f"/ipfs/{HELLO}", headers={"Range": "bytes=6-"})
    assert (part.status_code, part.content) == (206, b"world")
    assert part.headers["Content-Range"] == "bytes 6-10/11" and part.headers["Content-Length"] == "5"
    suffix = site.get(f"/ipfs/{HELLO}", headers={"Range": "bytes=-3"})
    assert (suffix.status_code, suffix.content, suffix.headers["Content-Range"]) == (206, b"rld", "bytes 8-10/11")
    first = site.get(f"/ipfs/{HELLO}", headers={"Range": "bytes=0-4,6-10"})
    assert (first.status_code, first.content, first.headers["Content-Range"]) == (206, b"hello", "bytes 0-4/11")
    beyond = site.get(f"/ipfs/{HELLO}", headers={"Range": "bytes=20-"})
    assert (beyond.status_code, beyond.text) == (416, "invalid range: failed to overlap\n")
    assert beyond.headers["Content-Range"] == "bytes */11"
    bad = site.get(f"/ipfs/{HELLO}", headers={"Range": "lines=1-2"})
    assert (bad.status_code, bad.text) == (400, "invalid range request: invalid range\n")


def test_empty_identity_cid_and_range(site: Site):
    """kubo test/cli/gateway_test.go: /ipfs/bafkqaaa is 200 with an empty body, Range or not."""
    for headers in ({}, {"Range": "bytes=0-1048575"}):
        answer = site.get("/ipfs/bafkqaaa", headers=headers)
        assert (answer.status_code, answer.content) == (200, b"")
        assert answer.headers["Content-Length"] == "0"
        assert answer.headers["Content-Type"] == "text/plain"


def test_if_none_match_is_304(site: Site):
    answer = site.get(f"/ipfs/{HELLO}", headers={"If-None-Match": f'W/"x", "{HELLO}"'})
    assert (answer.status_code, answer.content) == (304, b"")
    assert answer.headers["Etag"] == f'"{HELLO}"' and answer.headers["Cache-Control"] == IMMUTABLE
    assert site.get(f"/ipfs/{HELLO}", headers={"If-None-Match": '"other"'}).status_code == 200


# --- directories ---------------------------------------------------------------------------------


def test_directory_without_slash_redirects(site: Site):
    """handler_unixfs_dir.go; kubo gateway_test.go "returns redirect to add trailing slash"."""
    answer = requests.head(site.url(f"/ipfs/{site.docs['docs']}/site?query=to-remember"), allow_redirects=False)
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"/ipfs/{site.docs['docs']}/site/?query=to-remember"
    get = site.get(f"/ipfs/{PLANETS}")
    assert get.status_code == 301 and get.headers["Location"] == f"/ipfs/{PLANETS}/"
    assert get.text == f'<a href="/ipfs/{PLANETS}/">Moved Permanently</a>.\n\n'
    goget = site.get(f"/ipfs/{site.docs['docs']}/site?go-get=1")
    assert (goget.status_code, goget.content) == (200, b"<p>hi</p>")


def test_directory_index_html(site: Site):
    answer = site.get(f"/ipfs/{site.docs['docs']}/site/")
    assert (answer.status_code, answer.content) == (200, b"<p>hi</p>")
    assert answer.headers["Content-Type"] == "text/html"
    assert answer.headers["Etag"] == f'"{site.docs["docs/site"]}"'  # the directory's CID
    assert answer.headers["X-Ipfs-Roots"] == f"{site.docs['docs']},{site.docs['docs/site']}"


def test_directory_listing(site: Site):
    answer = site.get(f"/ipfs/{PLANETS}/")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html"
    assert answer.headers["Etag"].startswith('"DirIndex-') and answer.headers["Etag"].endswith(f'_CID-{PLANETS}"')
    assert answer.headers["Cache-Control"] == DIR_CACHE
    assert answer.headers["X-Ipfs-Roots"] == PLANETS
    page = answer.text
    assert f'href="/ipfs/{PLANETS}/mars.txt">mars.txt</a>' in page
    assert f'href="/ipfs/{PLANETS}/venus.txt">venus.txt</a>' in page
    assert f"/ipfs/{MARS}?filename=mars.txt" in page and "20 B" in page  # the link's Tsize
    assert 'href="/ipfs/' + PLANETS + '/..' not in page  # no back link at the root
    sub = site.get(f"/ipfs/{site.docs['docs']}/")
    assert f'href="/ipfs/{site.docs["docs"]}/site">site</a>' in sub.text
    head = requests.head(site.url(f"/ipfs/{PLANETS}/"))
    assert head.status_code == 200 and head.content == b"" and head.headers["Content-Type"] == "text/html"


# --- other formats -------------------------------------------------------------------------------


def test_format_raw(site: Site):
    """handler_block.go serveRawBlock."""
    answer = site.get(f"/ipfs/{HELLO}?format=raw")
    assert answer.content == site.node.block_get(HELLO)
    h = answer.headers
    assert h["Content-Type"] == "application/vnd.ipld.raw"
    assert h["Etag"] == f'"{HELLO}.raw"'
    assert h["Content-Disposition"] == f"attachment; filename=\"{HELLO}.bin\"; filename*=UTF-8''{HELLO}.bin"
    assert h["X-Content-Type-Options"] == "nosniff" and h["Cache-Control"] == IMMUTABLE
    assert "Content-Location" not in h
    by_accept = site.get(f"/ipfs/{HELLO}", headers={"Accept": "application/vnd.ipld.raw"})
    assert by_accept.content == answer.content
    assert by_accept.headers["Content-Location"] == f"/ipfs/{HELLO}?format=raw"


def test_format_car(site: Site):
    """handler_car.go serveCAR: the DAG as CARv1, DFS, no duplicates; weak xxhash ETag."""
    answer = site.get(f"/ipfs/{PLANETS}?format=car")
    assert answer.status_code == 200
    assert answer.content == b"".join(site.node.dag_export(PLANETS))
    h = answer.headers
    assert h["Content-Type"] == "application/vnd.ipld.car; version=1; order=dfs; dups=n"
    assert h["Etag"] == _car_etag(f"/ipfs/{PLANETS}", answer_root(answer), "all", "dfs", "n")
    assert h["Etag"].startswith(f'W/"{PLANETS}.car.')
    assert h["Accept-Ranges"] == "none" and h["X-Content-Type-Options"] == "nosniff"
    assert h["Content-Disposition"] == f"attachment; filename=\"{PLANETS}.car\"; filename*=UTF-8''{PLANETS}.car"
    sub = site.get(f"/ipfs/{PLANETS}/venus.txt?format=car")
    roots, blocks = car.read_car(sub.content)
    assert [str(r) for r in roots] == [PLANETS]
    assert [str(cid) for cid, _ in blocks] == [PLANETS, VENUS]
    assert "_venus.txt.car" in sub.headers["Content-Disposition"]
    block_only = site.get(f"/ipfs/{PLANETS}?format=car&dag-scope=block")
    assert [str(cid) for cid, _ in car.read_car(block_only.content)[1]] == [PLANETS]
    assert site.get(f"/ipfs/{PLANETS}?format=car&dag-scope=nope").text == (
        "unsupported application/vnd.ipld.car scope parameter\n")


def answer_root(answer: requests.Response):
    return car.read_car(answer.content)[0][0]


def test_format_tar(site: Site):
    answer = site.get(f"/ipfs/{PLANETS}?format=tar")
    assert answer.headers["Content-Type"] == "application/x-tar"
    assert answer.headers["Etag"] == f'W/"{PLANETS}.x-tar"'
    with tarfile.open(fileobj=io.BytesIO(answer.content)) as archive:
        assert sorted(archive.getnames()) == [PLANETS, f"{PLANETS}/mars.txt", f"{PLANETS}/venus.txt"]
        assert archive.extractfile(f"{PLANETS}/mars.txt").read() == b"Hello Mars!\n"  # type: ignore[union-attr]


def test_dag_cbor_block_and_refused_conversion(site: Site):
    """handler_codec.go: the block as is, with its codec's type; no conversion (406, IPIP-524)."""
    answer = site.get(f"/ipfs/{site.cbor}")
    assert answer.content == site.node.block_get(str(site.cbor))
    assert answer.headers["Content-Type"] == "application/vnd.ipld.dag-cbor"
    assert answer.headers["Etag"] == f'"{site.cbor}.dag-cbor"'
    assert answer.headers["Content-Disposition"].startswith(f'attachment; filename="{site.cbor}.cbor"')
    refused = site.get(f"/ipfs/{HELLO}?format=dag-json")
    assert refused.status_code == 406
    assert refused.text == ('format "application/vnd.ipld.dag-json" requested but block has codec "dag-pb": '
                            "codec conversion is not supported, fetch raw block with ?format=raw and convert "
                            "client-side\n")
    inside = site.get(f"/ipfs/{site.cbor}/hello")
    assert inside.status_code == 501 and "reading IPLD Kinds other than Links" in inside.text


# --- errors and redirects ------------------------------------------------------------------------


def test_error_status_codes(site: Site):
    """errors.go webError; kubo test/cli/gateway_test.go."""
    bad_cid = site.get("/ipfs/QmInvalid/pleaseDontAddMe")
    assert bad_cid.status_code == 400
    assert bad_cid.text.startswith('invalid path "/ipfs/QmInvalid/pleaseDontAddMe": invalid cid')
    assert bad_cid.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert site.get("/ipfs/12345").status_code == 400
    missing = site.get(f"/ipfs/{PLANETS}/pleaseDontAddMe")
    assert (missing.status_code, missing.text) == (
        404, f'failed to resolve /ipfs/{PLANETS}/pleaseDontAddMe: no link named "pleaseDontAddMe" under {PLANETS}\n')
    other = site.get("/12345")
    assert (other.status_code, other.text) == (404, "404 page not found\n")
    post = requests.post(site.url(f"/ipfs/{HELLO}"))
    assert (post.status_code, post.text) == (405, "Method POST not allowed: read only access\n")
    assert post.headers["Allow"] == "GET, HEAD, OPTIONS"
    worker = site.get(f"/ipfs/{HELLO}", headers={"Service-Worker": "script"})
    assert (worker.status_code, worker.text) == (
        400, "navigator.serviceWorker: registration is not allowed for this scope\n")
    assert site.get(f"/ipfs/{HELLO}", headers={"Accept": "application/vnd.ipld.nope"}).text == (
        "unsupported response format requested\n")


def test_missing_block_offline_is_404():
    """boxo exchange/offline wraps ipld.ErrNotFound, which errors.go maps to 404."""
    node = Node()
    gone = node.add(b"soon gone")[-1].cid
    node.blockstore.delete(gone)
    answer = Gateway(node).handle("GET", f"/ipfs/{gone}")
    assert answer.status == 404
    assert answer.read_all() == (f"failed to resolve /ipfs/{gone}: block was not found locally (offline): "
                                 f"ipld: could not find {gone}\n").encode()


def test_block_missing_mid_file_cuts_the_response():
    """Headers (with Content-Length) are out before the missing leaf is found: the connection is
    closed early, as Go's server does when the copy fails, so the client sees a short body."""
    node = Node()
    root = node.add(b"a" * 10 + b"b" * 10 + b"c" * 10, chunker="size-10")[-1].cid
    node.blockstore.delete(node.ls(root)[1].cid)
    daemon = Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway="/ip4/127.0.0.1/tcp/0", say=lambda _: None)
    with daemon.background():
        assert daemon.gateway_addr is not None
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(daemon.gateway_addr.url(f"/ipfs/{root}?filename=abc.txt"), timeout=10)
        sniffing = requests.get(daemon.gateway_addr.url(f"/ipfs/{root}"), timeout=10)
        assert sniffing.status_code == 500
        assert sniffing.text.startswith("cannot detect content-type: block was not found locally (offline)")


def test_superfluous_namespace_and_uri_redirects(site: Site):
    """kubo gateway_test.go "GET /ipfs/ipfs/{cid} returns redirect to the valid path"."""
    answer = site.get("/ipfs/ipfs/bafkqaaa?query=to-remember")
    assert (answer.status_code, answer.headers["Location"]) == (301, "/ipfs/bafkqaaa?query=to-remember")
    uri = site.get(f"/ipfs/?uri=ipfs%3A%2F%2F{HELLO}")
    assert (uri.status_code, uri.headers["Location"]) == (301, f"/ipfs/{HELLO}")
    scheme = site.get("/ipfs/?uri=http%3A%2F%2Fexample.com")
    assert (scheme.status_code, scheme.text) == (400, "uri query parameter scheme must be ipfs or ipns\n")


def test_only_if_cached(site: Site):
    assert site.get(f"/ipfs/{HELLO}", headers={"Cache-Control": "only-if-cached"}).status_code == 200
    absent = "bafkreie7ohywtosou76tasm7j63yigtzxe7d5zqus4zu3j6oltvgtibeom"
    answer = site.get(f"/ipfs/{absent}", headers={"Cache-Control": "only-if-cached"})
    assert (answer.status_code, answer.text) == (412, f'"/ipfs/{absent}" not in local datastore\n')


def test_ipns_names_of_the_node():
    """kubo gateway_test.go IPNS cases: a published name serves its path with the record's TTL;
    a name with no record is 500."""
    from fakeipfs import ipns
    node = Node()
    cid = node.add(b"Hello Worlds!")[-1].cid
    peer, _ = ipns.of(node).publish(str(cid), ttl="42h", resolve=True)
    gateway = Gateway(node)
    name = str(peer)
    answer = gateway.handle("GET", f"/ipns/{name}")
    assert (answer.status, answer.read_all()) == (200, b"Hello Worlds!")
    assert answer.headers["Cache-Control"] == "public, max-age=151200"
    assert answer.headers["X-Ipfs-Path"] == f"/ipns/{name}"
    assert "Last-Modified" in answer.headers
    invalid = gateway.handle("GET", "/ipns/QmInvalid/pleaseDontAddMe")
    assert invalid.status == 500
    assert invalid.read_all().startswith(b"failed to resolve /ipns/QmInvalid/pleaseDontAddMe: ")


# --- helpers -------------------------------------------------------------------------------------


def test_xxh64_vectors():
    assert xxh64(b"") == 0xEF46DB3751D8E999
    assert xxh64(b"a") == 0xD24EC4F1A98C6E5B
    assert xxh64(b"abc") == 0x44BC2CF5AD770999
    assert xxh64(b"Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1


def test_content_type_helpers():
    assert type_by_extension("x.html") == "text/html; charset=utf-8"
    assert type_by_extension("x.JPG") == "image/jpeg"
    assert type_by_extension("noext") == ""
    assert sniff(b"") == "text/plain"
    assert sniff(b"  <!DOCTYPE html><html>") == "text/html; charset=utf-8"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\x00\x01\x02binary") == "application/octet-stream"
    assert sniff('héllo'.encode()) == "text/plain; charset=utf-8"


# --- a node of a network: fetching, waiting, Gateway.RetrievalTimeout ---------------------------

RETRIEVAL_TIMEOUT_TEXT = "Unable to retrieve content within timeout period\n"  # boxo v0.34.0


def _network_gateway(net: Network, i: int) -> Daemon:
    return Daemon(net.nodes[i], api="/ip4/127.0.0.1/tcp/0", gateway="/ip4/127.0.0.1/tcp/0", say=lambda _: None)


def _workers_end(daemon: Daemon) -> bool:
    """Whether the daemon's request workers have all ended, waiting 5 s at most."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with daemon._workers_lock:
            if not daemon._workers:
                return True
        time.sleep(0.01)
    return False


def test_gateway_fetches_from_peers_over_hops():
    """kubo's gateway is online (core/corehttp/gateway.go newGatewayBackend over n.Blocks): a
    node of a line 0-1-2 serves node 0's file and directory, fetched through node 1 and kept."""
    net = Network(3, seed=5, connect="line")
    origin = net.nodes[0]
    planets = {e.name: e.cid for e in origin.add(Directory("planets", [
        File.from_bytes("mars.txt", b"Hello Mars!\n"), File.from_bytes("venus.txt", b"Hello Venus!\n")]))}
    assert str(planets["planets"]) == PLANETS
    big = origin.add(b"a" * 10 + b"b" * 10 + b"c" * 5, chunker="size-10")[-1].cid
    daemon = _network_gateway(net, 2)
    with daemon.background():
        assert daemon.gateway_addr is not None
        answer = requests.get(daemon.gateway_addr.url(f"/ipfs/{PLANETS}/mars.txt"), timeout=10)
        assert (answer.status_code, answer.content) == (200, b"Hello Mars!\n")
        assert answer.headers["X-Ipfs-Roots"] == f"{PLANETS},{MARS}"
        whole = requests.get(daemon.gateway_addr.url(f"/ipfs/{big}"), timeout=10)
        assert (whole.status_code, whole.content) == (200, b"a" * 10 + b"b" * 10 + b"c" * 5)
    fetched = net.nodes[2].blockstore
    assert fetched.has(CID.decode(PLANETS)) and fetched.has(CID.decode(MARS)) and fetched.has(big)
    assert not fetched.has(CID.decode(VENUS)) and not net.nodes[1].blockstore.has(big)


def test_only_if_cached_does_not_fetch_the_last_block():
    """backend_blocks.go IsCached: the last block is looked up in the local blockstore only."""
    net = Network(2, seed=5)
    cid = net.nodes[0].add(b"hello world")[-1].cid
    gateway = Gateway(net.nodes[1])
    answer = gateway.handle("GET", f"/ipfs/{cid}", {"Cache-Control": "only-if-cached"})
    assert (answer.status, answer.read_all()) == (412, f'"/ipfs/{cid}" not in local datastore\n'.encode())
    assert not net.nodes[1].blockstore.has(cid)
    assert gateway.handle("GET", f"/ipfs/{cid}").read_all() == b"hello world"
    assert gateway.handle("HEAD", f"/ipfs/{cid}", {"Cache-Control": "only-if-cached"}).status == 200


def test_no_fetch_keeps_the_gateway_offline():
    """kubo core/corehttp/gateway.go: Gateway.NoFetch gives the backend an offline exchange."""
    net = Network(2, seed=5)
    cid = net.nodes[0].add(b"hello world")[-1].cid
    config.of(net.nodes[1]).set("Gateway.NoFetch", True)
    answer = Gateway(net.nodes[1]).handle("GET", f"/ipfs/{cid}")
    assert (answer.status, answer.read_all()) == (404, (
        f"failed to resolve /ipfs/{cid}: block was not found locally (offline): ipld: could not find {cid}\n").encode())
    assert not net.nodes[1].blockstore.has(cid)


def test_unreachable_content_waits_until_the_client_goes_away_before_0_37():
    """Before kubo 0.37 a gateway request waits for content in Go's r.Context(), which net/http
    cancels when the client disconnects: the daemon's worker then ends."""
    net = Network(3, seed=5)
    cid = net.nodes[0].add(b"only on node 0")[-1].cid
    net.partition([[0], [1, 2]])
    daemon = _network_gateway(net, 2)
    assert daemon.gateway.retrieval_timeout is None
    with daemon.background():
        assert daemon.gateway_addr is not None
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(daemon.gateway_addr.url(f"/ipfs/{cid}"), timeout=0.3)
        assert _workers_end(daemon)
        net.heal()
        answer = requests.get(daemon.gateway_addr.url(f"/ipfs/{cid}"), timeout=10)
        assert (answer.status_code, answer.content) == (200, b"only on node 0")


def test_retrieval_timeout_is_504_from_0_37():
    """boxo v0.34.0 (kubo 0.37) middleware_retrieval_timeout.go: nothing to send within
    Gateway.RetrievalTimeout is http.Error(504, "Unable to retrieve content within timeout period")."""
    net = Network(3, seed=5, kubo_version="0.37.0")
    cid = net.nodes[0].add(b"only on node 0")[-1].cid
    config.of(net.nodes[2]).set("Gateway.RetrievalTimeout", "200ms")
    net.partition([[0], [1, 2]])
    daemon = _network_gateway(net, 2)
    assert daemon.gateway.retrieval_timeout == 0.2
    with daemon.background():
        assert daemon.gateway_addr is not None
        answer = requests.get(daemon.gateway_addr.url(f"/ipfs/{cid}"), timeout=10)
        assert (answer.status_code, answer.text) == (504, RETRIEVAL_TIMEOUT_TEXT)
        assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "X-Ipfs-Path" not in answer.headers  # the handler's headers are never copied
        head = requests.head(daemon.gateway_addr.url(f"/ipfs/{cid}"), timeout=10)
        assert (head.status_code, head.content) == (504, b"")
        assert _workers_end(daemon)
    assert not net.nodes[2].blockstore.has(cid)


def test_only_if_cached_check_gets_80_percent_of_the_retrieval_timeout():
    """handler.go handleOnlyIfCached: resolving the path may fetch, for 80% of
    Gateway.RetrievalTimeout at most; running out means not cached: 412, not 504."""
    net = Network(2, seed=5, kubo_version="0.37.0")
    net.nodes[0].add(Directory("planets", [File.from_bytes("mars.txt", b"Hello Mars!\n")]))
    config.of(net.nodes[1]).set("Gateway.RetrievalTimeout", "1s")
    net.partition([[0], [1]])
    answer = Gateway(net.nodes[1]).handle("GET", f"/ipfs/{PLANETS}/mars.txt",
                                          {"Cache-Control": "only-if-cached"})
    assert (answer.status, answer.read_all()) == (412, f'"/ipfs/{PLANETS}/mars.txt" not in local datastore\n'.encode())


def test_retrieval_timeout_mid_body_truncates():
    """After the headers each non-empty write resets the timer; a stall past it appends boxo's
    truncationMessage and resets the connection (RetrievalTruncated tells the daemon to)."""
    net = Network(2, seed=5, kubo_version="0.37.0")
    origin, node = net.nodes
    root = origin.add(b"a" * 10 + b"b" * 10 + b"c" * 10, chunker="size-10")[-1].cid
    leaf = origin.ls(root)[0].cid
    for cid in (root, leaf):
        node.blockstore.put(cid, origin.blockstore.get(cid))
    config.of(node).set("Gateway.RetrievalTimeout", "100ms")
    net.partition([[0], [1]])
    gateway = Gateway(node)
    car_answer = gateway.handle("GET", f"/ipfs/{root}?format=car")
    assert car_answer.status == 200 and "Content-Length" not in car_answer.headers
    chunks = []
    with pytest.raises(RetrievalTruncated, match="^gateway: retrieval timeout$"):
        for chunk in car_answer.iter_body():
            chunks.append(chunk)
    assert chunks[-1] == (b"\n\n[Gateway Error: Response truncated - unable to retrieve remaining data "
                          b"within timeout period]")
    roots, blocks = car.read_car(io.BytesIO(b"".join(chunks[:-1])))
    assert (roots, [cid for cid, _ in blocks]) == ([root], [root, leaf])
    # with Content-Length 30 the message would not fit after 10 bytes: Go refuses the write
    answer = gateway.handle("GET", f"/ipfs/{root}?filename=abc.txt")
    assert (answer.status, answer.headers["Content-Length"]) == (200, "30")
    body = answer.iter_body()
    assert next(body) == b"a" * 10
    with pytest.raises(RetrievalTruncated, match="^gateway: retrieval timeout$"):
        next(body)
    daemon = Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway="/ip4/127.0.0.1/tcp/0", say=lambda _: None)
    with daemon.background():
        assert daemon.gateway_addr is not None
        with pytest.raises(requests.exceptions.ChunkedEncodingError, match="reset"):
            requests.get(daemon.gateway_addr.url(f"/ipfs/{root}?format=car"), timeout=10)


def test_retrieval_timeout_config():
    """kubo config OptionalDuration Gateway.RetrievalTimeout: default 30s (boxo
    DefaultRetrievalTimeout) from 0.37, 0 disables it; none before 0.37; a lone node never waits."""
    assert Gateway(Network(1, kubo_version="0.36.0").nodes[0]).retrieval_timeout is None
    node = Network(1, kubo_version="0.37.0").nodes[0]
    assert Gateway(node).retrieval_timeout == 30.0
    config.of(node).set("Gateway.RetrievalTimeout", "1m30s")
    assert Gateway(node).retrieval_timeout == 90.0
    config.of(node).set("Gateway.RetrievalTimeout", "0s")
    assert Gateway(node).retrieval_timeout is None
    config.of(node).set("Gateway.RetrievalTimeout", "5")
    with pytest.raises(ConfigError, match='^time: missing unit in duration "5"$'):
        Gateway(node)
    lone = Node(kubo_version="0.37.0")
    config.of(lone).set("Gateway.RetrievalTimeout", "1ns")
    assert Gateway(lone).retrieval_timeout is None
    gone = lone.add(b"soon gone")[-1].cid
    lone.blockstore.delete(gone)
    assert Gateway(lone).handle("GET", f"/ipfs/{gone}").status == 404  # offline: no wait, no 504
