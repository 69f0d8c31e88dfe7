"""/api/v0/dag/*: kubo core/commands/dag (dag.go at v0.7.0; put.go, get.go, import.go, export.go,
stat.go later)."""
from __future__ import annotations

import io

from multiformats import CID

import fakeipfs
from fakeipfs.codecs import car
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.rpc.wire import Request

from .rpcutil import CHANNEL, STREAM, error, post, single, values

NO_LINKS = "bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya"  # {"links": []}
NO_LINKS_JSON = b'{"links": []}'
EMPTY = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
SELF_LINK = "QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"  # EMPTY + link "self" -> EMPTY


def _self_link(node: fakeipfs.Node) -> None:
    node.object_patch_add_link(node.object_new(), "self", EMPTY)


def test_put_exact_bytes_and_cid_base_is_ignored():
    node = fakeipfs.Node()
    response = post(node, "dag/put", [NO_LINKS_JSON], cid_base="base16")
    assert (response.status, response.headers) == (200, CHANNEL)
    assert response.read_all() == b'{"Cid":{"/":"' + NO_LINKS.encode() + b'"}}\n'


def test_put_options_by_version():
    old = fakeipfs.Node()
    assert values(post(old, "dag/put", [b"\xa1\x65links\x80"], input_enc="cbor")) == [
        {"Cid": {"/": NO_LINKS}}]
    assert error(post(old, "dag/put", [NO_LINKS_JSON], hash="sha3")) == "sha3 in not a valid multihash name"
    new = fakeipfs.Node(kubo_version="0.10.0")
    # format/input-enc are unknown options from 0.10: ignored
    assert values(post(new, "dag/put", [NO_LINKS_JSON], format="raw")) == [{"Cid": {"/": NO_LINKS}}]
    assert values(post(new, "dag/put", [b"\xa1\x65links\x80"], input_codec="dag-cbor")) == [
        {"Cid": {"/": NO_LINKS}}]
    assert error(post(new, "dag/put", [NO_LINKS_JSON], hash="sha3")) == 'unknown multicodec: "sha3"'
    assert error(post(new, "dag/put", [NO_LINKS_JSON], store_codec="nope")) == 'unknown multicodec: "nope"'


def test_put_two_nodes_and_pin():
    node = fakeipfs.Node()
    out = values(post(node, "dag/put", [NO_LINKS_JSON, b'{"a": 1}'], pin=True))
    assert out[0] == {"Cid": {"/": NO_LINKS}} and len(out) == 2
    assert node.pin_ls(NO_LINKS) == {NO_LINKS: "recursive"}


def test_get_before_0_10_is_go_json():
    node = fakeipfs.Node()
    cid = node.dag_put(b'{"zz": 1, "b": {"/": "' + NO_LINKS.encode() + b'"}, "aa": "x"}')
    response = post(node, "dag/get", arg=[str(cid)])
    # Go writes map keys sorted (dag-cbor orders them by length first)
    assert response.read_all() == b'{"aa":"x","b":{"/":"' + NO_LINKS.encode() + b'"},"zz":1}\n'
    _self_link(node)
    assert single(post(node, "dag/get", arg=[SELF_LINK])) == {
        "data": "", "links": [{"Name": "self", "Size": 0, "Cid": {"/": EMPTY}}]}


def test_get_from_0_10_is_the_encoded_node():
    node = fakeipfs.Node(kubo_version="0.10.0")
    node.dag_put(NO_LINKS_JSON)
    response = post(node, "dag/get", arg=[NO_LINKS])
    assert (response.status, response.headers, response.read_all()) == (200, STREAM, b'{"links":[]}')
    response = post(node, "dag/get", arg=[NO_LINKS], output_codec="dag-cbor")
    assert response.read_all() == b"\xa1\x65links\x80"


def test_resolve():
    node = fakeipfs.Node()
    _self_link(node)
    assert single(post(node, "dag/resolve", arg=[f"/ipfs/{SELF_LINK}/self"])) == {
        "Cid": {"/": EMPTY}, "RemPath": ""}
    cid = node.dag_put(b'{"a": {"b": [1, 2]}}')
    assert single(post(node, "dag/resolve", arg=[f"{cid}/a/b"])) == {
        "Cid": {"/": str(cid)}, "RemPath": "a/b"}


def test_import_export_roundtrip_and_stats():
    node = fakeipfs.Node()
    _self_link(node)
    exported = post(node, "dag/export", arg=[SELF_LINK])
    assert (exported.status, exported.headers) == (200, STREAM)
    data = exported.read_all()
    roots, blocks = car.read_car(data)
    assert [str(r) for r in roots] == [SELF_LINK] and [str(c) for c, _ in blocks] == [SELF_LINK, EMPTY]
    fresh = fakeipfs.Node(kubo_version="0.10.0")
    assert values(post(fresh, "dag/import", [data], stats=True)) == [
        {"Root": {"Cid": {"/": SELF_LINK}, "PinErrorMsg": ""}},
        {"Stats": {"BlockCount": 2, "BlockBytesCount": sum(len(b) for _, b in blocks)}}]
    assert fresh.pin_ls(SELF_LINK) == {SELF_LINK: "recursive"}
    assert values(post(fakeipfs.Node(), "dag/import", [data], pin_roots=False)) == []


def test_import_pins_roots_after_every_car_is_in():
    """A DAG split over two CARs: the root's CAR lacks its child, which the second one has."""
    node = fakeipfs.Node()
    _self_link(node)
    root_block, child_block = node.block_get(SELF_LINK), node.block_get(EMPTY)
    first = b"".join(car.write_car([CID.decode(SELF_LINK)], [(CID.decode(SELF_LINK), root_block)]))
    second = b"".join(car.write_car([], [(CID.decode(EMPTY), child_block)]))
    fresh = fakeipfs.Node()
    assert values(post(fresh, "dag/import", [first, second])) == [
        {"Root": {"Cid": {"/": SELF_LINK}, "PinErrorMsg": ""}}]
    lonely = fakeipfs.Node()
    response = post(lonely, "dag/import", [first])
    lines = response.read_all().splitlines()
    assert lines[0].startswith(b'{"Root":{"Cid":{"/":"' + SELF_LINK.encode() + b'"},"PinErrorMsg":"')
    assert lines[0] != b'{"Root":{"Cid":{"/":"' + SELF_LINK.encode() + b'"},"PinErrorMsg":""}}'
    assert response.trailers["X-Stream-Error"] == "unable to pin all roots: 1 out of 1 failed"


def test_export_before_0_24_takes_bare_cids_only():
    node = fakeipfs.Node()
    _self_link(node)
    assert error(post(node, "dag/export", arg=[f"/ipfs/{SELF_LINK}"])).startswith(
        "unable to parse root specification (currently only bare CIDs are supported): ")
    missing = post(node, "dag/export", arg=[NO_LINKS])
    assert (missing.status, missing.read_all()) == (200, b"")
    assert NO_LINKS in missing.trailers["X-Stream-Error"]
    new = fakeipfs.Node(kubo_version="0.24.0")
    _self_link(new)
    assert post(new, "dag/export", arg=[f"/ipfs/{SELF_LINK}/self"]).read_all() == \
        b"".join(new.dag_export(EMPTY))
    assert NO_LINKS in error(post(new, "dag/export", arg=[NO_LINKS]))


def test_stat_v0_7_progress_and_final():
    node = fakeipfs.Node()
    _self_link(node)
    size = len(node.block_get(SELF_LINK))
    assert values(post(node, "dag/stat", arg=[SELF_LINK])) == [
        {"Size": size, "NumBlocks": 1}, {"Size": size, "NumBlocks": 2}]
    assert values(post(node, "dag/stat", arg=[SELF_LINK], progress=False)) == [
        {"Size": size, "NumBlocks": 2}]
    assert error(post(node, "dag/stat", arg=[f"/ipfs/{SELF_LINK}/self/x"])).startswith("no link named")
    cid = node.dag_put(b'{"a": 1}')
    assert error(post(node, "dag/stat", arg=[f"{cid}/a"])) == \
        "cannot return size for anything other than a DAG with a root CID"


def test_stat_traversal_error_ends_the_stream():
    node = fakeipfs.Node()
    _self_link(node)
    node.block_rm([EMPTY])
    response = post(node, "dag/stat", arg=[SELF_LINK])
    assert response.read_all().splitlines()[0] == b'{"Size":46,"NumBlocks":1}'
    assert response.trailers["X-Stream-Error"].startswith("error traversing DAG: ")


def test_stat_summary_from_0_21():
    node = fakeipfs.Node(kubo_version="0.21.0")
    child = str(node.dag_put(b'{"a": 1}'))
    parent = str(node.dag_put(b'{"l": {"/": "' + child.encode() + b'"}}'))
    assert (len(node.block_get(parent)), len(node.block_get(child))) == (44, 4)
    final = {"UniqueBlocks": 2, "TotalSize": 48, "SharedSize": 4,
             "Ratio": 1.0833334,  # float32(52/48), as Go prints it
             "DagStats": [{"Cid": parent, "Size": 48, "NumBlocks": 2},
                          {"Cid": child, "Size": 4, "NumBlocks": 1}]}
    assert values(post(node, "dag/stat", arg=[parent, child], progress=False)) == [final]
    assert values(post(node, "dag/stat", arg=[parent, child])) == [
        {"TotalSize": 44, "DagStats": [{"Cid": parent, "Size": 44, "NumBlocks": 1}]},
        {"TotalSize": 48, "DagStats": [{"Cid": parent, "Size": 48, "NumBlocks": 2}]},
        {"TotalSize": 48, "DagStats": final["DagStats"]},
        final]
    response = post(node, "dag/stat", arg=[child], progress=False)
    assert response.read_all() == (b'{"UniqueBlocks":1,"TotalSize":4,"Ratio":1,"DagStats":[{"Cid":"'
                                   + child.encode() + b'","Size":4,"NumBlocks":1}]}\n')


def test_file_arguments_must_be_files():
    node = fakeipfs.Node()
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="d"\r\n'
            b"Content-Type: application/x-directory\r\n\r\n\r\n--b--\r\n")
    for path, message in (("dag/put", "expected a regular file"), ("dag/import", "expected a file handle"),
                          ("block/put", "expected a file")):
        response = Dispatcher(node).handle(Request.from_url("POST", f"/api/v0/{path}", headers,
                                                            io.BytesIO(body)))
        assert error(response) == message


def test_put_checks_the_block_size_from_0_13():
    big = b'{"s": "' + b"x" * (1024 * 1024) + b'"}'
    assert values(post(fakeipfs.Node(kubo_version="0.12.0"), "dag/put", [big]))[0]["Cid"]["/"]
    node = fakeipfs.Node(kubo_version="0.13.0")
    assert error(post(node, "dag/put", [big])).startswith("produced block is over 1MiB: ")
    assert values(post(node, "dag/put", [big], allow_big_block=True))[0]["Cid"]["/"]


def test_put_block_limit_is_2mib_from_0_40():
    bigger = b'{"s": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert error(post(fakeipfs.Node(kubo_version="0.40.0"), "dag/put", [bigger])).startswith(
        "produced block is over 2MiB: ")
