"""``dag`` put/get/resolve with codecs and paths, and CAR export/import round trips
(kubo core/commands/dag/*.go; CIDs from ipfshttpclient test_dag.py and the @ipld reference
codecs)."""
from __future__ import annotations

import json

from ..client import file_part, tree_parts
from ..scenario import expect, rpc_scenario
from ._data import MARS, PLANETS, PLANETS_TREE, VENUS

LINKS = "bafyreidepjmjhvhlvp5eyxqpmyyi7rxwvl7wsglwai3cnvq63komq4tdya"  # {"links": []}
TRUE_CBOR = "bafyreibhvppn37ufanewvxvwendgzksh3jpwhk6sxrx2dh3m7s3t5t7noa"  # dag-cbor f5
TRUE_JSON = "baguqeeraww7kig3mmi7xycprx4snzlsy5ovtydg5scwzm26ehjc3isdh4evq"  # dag-json "true"


def _put(ctx, value, **options) -> str:
    body = json.dumps(value).encode() if not isinstance(value, bytes) else value
    return ctx.rpc.call("dag/put", parts=[file_part("node", body)], **options).json()["Cid"]["/"]


@rpc_scenario("dag/put/dag-cbor", "dag put of JSON stores dag-cbor by default; ipfshttpclient "
              "test_dag.py: {\"links\": []} → bafyreidepjm…")
def _(ctx):
    expect("dag put", ctx.rpc.call("dag/put", parts=[file_part("n", b'{"links": []}')]).json(),
           {"Cid": {"/": LINKS}})


@rpc_scenario("dag/put/scalar", "dag-cbor of true is the single byte f5 (@ipld/dag-cbor)")
def _(ctx):
    expect("dag put true", _put(ctx, True), TRUE_CBOR)


@rpc_scenario("dag/put/store-codec=dag-json", "--store-codec=dag-json keeps the JSON bytes "
              "(dag.go DagPutCmd)", since="0.10.0",
              version_why="--store-codec/--input-codec replaced --format/--input-enc (docs/changelogs/v0.10.md)")
def _(ctx):
    expect("dag put", _put(ctx, True, store_codec="dag-json"), TRUE_JSON)


@rpc_scenario("dag/get/roundtrip", "dag get returns the node as JSON")
def _(ctx):
    cid = _put(ctx, {"links": []})
    expect("dag get", ctx.rpc.call("dag/get", cid).json(), {"links": []})


@rpc_scenario("dag/get/path", "dag get walks map keys and list indexes in the path")
def _(ctx):
    cid = _put(ctx, {"a": {"b": [10, "twenty", {"c": True}]}})
    expect("dag get /a/b/1", ctx.rpc.call("dag/get", f"{cid}/a/b/1").json(), "twenty")
    expect("dag get /a/b/2/c", ctx.rpc.call("dag/get", f"{cid}/a/b/2/c").json(), True)


@rpc_scenario("dag/get/through-link", "paths cross links: {\"l\": {\"/\": cid}} is a link "
              "(dag-json) and dag get follows it")
def _(ctx):
    inner = _put(ctx, {"name": "inner"})
    outer = _put(ctx, {"l": {"/": inner}})
    expect("dag get outer/l/name", ctx.rpc.call("dag/get", f"{outer}/l/name").json(), "inner")


@rpc_scenario("dag/resolve", "dag resolve reports the last CID on the path and the rest of it "
              "(dag.go ResolveOutput{Cid, RemPath})")
def _(ctx):
    inner = _put(ctx, {"x": {"y": 1}})
    outer = _put(ctx, {"l": {"/": inner}})
    expect("dag resolve", ctx.rpc.call("dag/resolve", f"{outer}/l/x/y").json(),
           {"Cid": {"/": inner}, "RemPath": "x/y"})


@rpc_scenario("dag/get/unixfs-dag-pb", "dag get of a dag-pb directory: Data as bytes and Links "
              "with Hash/Name/Tsize", since="0.10.0",
              version_why="dag get answers dag-json through go-codec-dagpb (docs/changelogs/v0.10.md)")
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("dag get", ctx.rpc.call("dag/get", PLANETS).json(), {
        "Data": {"/": {"bytes": "CAE"}},
        "Links": [{"Hash": {"/": MARS}, "Name": "mars.txt", "Tsize": 20},
                  {"Hash": {"/": VENUS}, "Name": "venus.txt", "Tsize": 21}],
    })


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


@rpc_scenario("dag/export/car-bytes", "dag export writes CARv1: varint-framed dag-cbor header "
              "{roots, version 1}, then each block (CID bytes + data) depth first (go-car)")
def _(ctx):
    from multiformats import CID
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    header = (b"\xa2\x65roots\x81\xd8\x2a\x58\x23\x00" + bytes(CID.decode(PLANETS))
              + b"\x67version\x01")
    want = _varint(len(header)) + header
    for cid in (PLANETS, MARS, VENUS):
        raw = bytes(CID.decode(cid))
        data = ctx.rpc.call("block/get", cid).data()
        want += _varint(len(raw) + len(data)) + raw + data
    expect("dag export", ctx.rpc.call("dag/export", PLANETS).data(), want)


@rpc_scenario("dag/import/car-roundtrip", "dag import of an exported CAR reports its root and pins "
              "it (dag.go CarImportOutput{Root{Cid, PinErrorMsg}})")
def _(ctx):
    ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE), pin=False)
    car = ctx.rpc.call("dag/export", PLANETS).data()
    expect("dag import", ctx.rpc.call("dag/import", parts=[file_part("x.car", car)]).values(),
           [{"Root": {"Cid": {"/": PLANETS}, "PinErrorMsg": ""}}])
    expect("pin ls", ctx.rpc.call("pin/ls", PLANETS).json()["Keys"][PLANETS]["Type"], "recursive")
