"""``/api/v0/dag/*``: kubo core/commands/dag (``dag.go`` at v0.7.0; ``put.go``, ``get.go``,
``import.go``, ``export.go``, ``stat.go`` later).

CIDs in ``put``, ``resolve`` and ``import`` output are go-cid JSON (``{"/": cid}``), which
``--cid-base`` does not change. By version (:mod:`fakeipfs.versions`): ``put`` takes
``format``/``input-enc`` (cbor/json) before 0.10 and ``store-codec``/``input-codec``
(dag-cbor/dag-json) from 0.10; ``get`` answers kubo's JSON rendering of the node before 0.10 and
the node encoded with ``output-codec`` (a byte stream) from 0.10; ``import --stats`` from 0.10;
``stat`` answers ``{Size, NumBlocks}`` per root before 0.21 and a deduplicated summary of several
roots from 0.21; ``export`` takes a bare CID before 0.24 and any path from 0.24.
"""
from __future__ import annotations

import io
import json
import struct
from typing import Any, Callable, Iterator, Optional

from multiformats import CID, multicodec

from .. import dag as dagmod
from ..codecs import car
from ..errors import (ERR_DAG_IMPORT_NOT_FILE, ERR_DAG_PUT_NOT_FILE, ERR_DAG_STAT_REMAINDER,
                      IPFSError, InvalidArgument, err_dag_traversal,
                      err_export_root, err_not_a_multihash_name, err_unknown_multicodec,
                      err_unpinned_roots)
from ..config import sorted_json
from ..path import _decode_cid
from ..versions import (cid_base_upgrades_everywhere, dag_codec_options, dag_export_paths,
                        dag_stat_summary)
from ._cmdenv import check_block_size, cid_encoder, cid_json, emit, file_entries, go_cid
from .commands import STRING, Arg, Call, command, opt
from .wire import Response, bytes_response, single_response


def _is_multihash(name: str) -> bool:
    return multicodec.exists(name) and multicodec.get(name).tag == "multihash"


@command("dag/put", args=(Arg("object data", file=True, variadic=True, stdin=True),), options=(
    opt("format", "f", kind=STRING), opt("input-enc", kind=STRING),
    opt("store-codec", kind=STRING), opt("input-codec", kind=STRING),
    opt("pin"), opt("hash", kind=STRING), opt("allow-big-block")))
def dag_put(call: Call) -> Response:
    """One node per file, ``{"Cid": {"/": cid}}`` each. Before 0.10 ``--hash`` is checked against
    go-multihash's names ("... in not a valid multihash name"); from 0.10 every name is a
    go-multicodec ``Code.Set``. From 0.13 a block over the size limit is refused (after it was
    stored: fakeipfs encodes and stores in one step)."""
    if dag_codec_options(call.version):
        store, source = call.option("store-codec", "dag-cbor"), call.option("input-codec", "dag-json")
        hash_name = call.option("hash", "sha2-256")
        for name in (source, store, hash_name):
            if not multicodec.exists(name):
                raise InvalidArgument(err_unknown_multicodec(name))
    else:
        store, source = call.option("format", "cbor"), call.option("input-enc", "json")
        hash_name = call.option("hash", "")
        if hash_name and not _is_multihash(hash_name):
            raise InvalidArgument(err_not_a_multihash_name(hash_name))
        hash_name = hash_name or "sha2-256"
    pin = call.option("pin", False)
    node = call.node

    def results() -> Iterator[dict]:
        for data in file_entries(call, ERR_DAG_PUT_NOT_FILE):
            cid = node.dag_put(data, store_codec=store, input_codec=source, hash=hash_name, pin=pin)
            check_block_size(call, node.block_stat(cid)[1])
            yield {"Cid": cid_json(cid)}
    return emit(results())


@command("dag/get", args=(Arg("ref", stdin=True),), options=(opt("output-codec", kind=STRING),))
def dag_get(call: Call) -> Response:
    """Before 0.10 one JSON value: a dag-pb node as go-merkledag ``ProtoNode.MarshalJSON``
    (``data``, ``links`` of ``{Name, Size, Cid}``), anything else as go-ipld-cbor's JSON, whose
    maps Go writes with sorted keys. From 0.10 the bytes of the node (or the value at the path
    inside it) encoded with ``output-codec`` (default dag-json), without a trailing newline."""
    path = call.args[0]
    node = call.node
    if dag_codec_options(call.version):
        data = node.dag_get(path, output_codec=call.option("output-codec", "dag-json"))
        return bytes_response([data])
    value = json.loads(node.dag_get(path))
    cid, rest = node.dag_resolve(path)
    if cid.codec.code != dagmod.DAG_PB or rest:
        value = sorted_json(value)
    return single_response(value)


@command("dag/resolve", args=(Arg("ref", stdin=True),))
def dag_resolve(call: Call) -> Response:
    cid, rest = call.node.dag_resolve(call.args[0])
    return single_response({"Cid": cid_json(cid), "RemPath": rest})


@command("dag/export", args=(Arg("root", stdin=True),), options=(opt("progress", "p"),))
def dag_export(call: Call) -> Response:
    """A CARv1 byte stream. Up to 0.23 the argument must be a bare CID and the export starts
    before the root is read, so a missing root ends the stream with an error (the
    ``X-Stream-Error`` trailer); from 0.24 any path, and the root must be present up front."""
    node = call.node
    arg = call.args[0]
    if dag_export_paths(call.version):
        return bytes_response(node.dag_export(arg))
    try:
        root = _decode_cid(arg)
    except ValueError as exc:
        reason = str(exc)
        reason = reason[len("invalid cid: "):] if reason.startswith("invalid cid: ") else reason
        raise IPFSError(err_export_root(reason)) from None

    def chunks() -> Iterator[bytes]:
        yield from node.dag_export(root)
    return bytes_response(chunks())


@command("dag/import", args=(Arg("path", file=True, variadic=True, stdin=True),), options=(
    opt("pin-roots", default=True), opt("silent"), opt("stats")))
def dag_import(call: Call) -> Response:
    """import.go: every CAR is imported first, then the roots of all of them are pinned
    (``{"Root": {"Cid", "PinErrorMsg"}}`` each, first seen first; kubo walks a Go map), then,
    from 0.10 with ``stats``, ``{"Stats": {"BlockCount", "BlockBytesCount"}}``. Any failed pin
    makes the command fail after the roots were reported."""
    node = call.node
    roots: list[CID] = []
    count = size = 0
    stats = dag_codec_options(call.version) and call.option("stats", False)
    for data in file_entries(call, ERR_DAG_IMPORT_NOT_FILE):
        for root, _ in node.dag_import(io.BytesIO(data), pin_roots=False):
            if root not in roots:
                roots.append(root)
        if stats:
            blocks = car.read_car(data)[1]
            count += len(blocks)
            size += sum(len(block) for _, block in blocks)

    def results() -> Iterator[dict]:
        if call.option("pin-roots", True) and roots:
            # The model pins the roots of a CAR it imports; a CAR of the roots alone pins them
            # once every file's blocks are in, with the model's per-root outcome.
            pinned = node.dag_import(io.BytesIO(b"".join(car.write_car(roots, []))))
            failed = 0
            for root, message in pinned:
                failed += bool(message)
                yield {"Root": {"Cid": cid_json(root), "PinErrorMsg": message}}
            if failed:
                raise IPFSError(err_unpinned_roots(failed, len(roots)))
        if stats:
            yield {"Stats": {"BlockCount": count, "BlockBytesCount": size}}
    return emit(results())


def _go_float32(value: float) -> "float | int":
    """A float32 as Go's ``encoding/json`` writes it (``strconv.AppendFloat(..., 'f', -1, 32)``):
    the shortest decimal that reads back as the same float32, as a number whose JSON text
    (``repr``) is that decimal: ``1``, ``1.0434783``."""
    single = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            number = float(text)
            return int(number) if number.is_integer() else number
    return single  # pragma: no cover - 9 digits always round-trip


@command("dag/stat", args=(Arg("root", variadic=True, stdin=True),),
         options=(opt("progress", "p", default=True),), since="0.7.0")
def dag_stat(call: Call) -> Response:
    """DFS pre-order over each DAG, each block once per root (go-merkledag traverse
    ``SkipDuplicates``); with ``progress`` (the default) the running figures after each block."""
    node = call.node
    progressive = call.option("progress", True)
    if not dag_stat_summary(call.version):
        return emit(_stat_one(node, call.args[0], progressive))
    if cid_base_upgrades_everywhere(call.version):
        encode = cid_encoder(call).encode
    else:
        encode = go_cid
    return emit(_stat_summary(node, call.args, progressive, encode))


def _root(node: Any, path: str) -> CID:
    cid, rest = node.dag_resolve(path)
    if rest:
        raise IPFSError(ERR_DAG_STAT_REMAINDER)
    node.block_get(cid)  # nodeGetter.Get(root): a missing root is a plain error
    return cid


def _blocks(node: Any, root: CID) -> Iterator[tuple[CID, int]]:
    """Each block of the DAG with its size, in traversal order."""
    try:
        for cid in dagmod.walk(node.block_get, root):
            yield cid, len(node.block_get(cid))
    except IPFSError as exc:
        raise IPFSError(err_dag_traversal(exc.message)) from None


def _stat_one(node: Any, path: str, progressive: bool) -> Iterator[dict]:
    """v0.7.0-0.20 ``DagStat{Size, NumBlocks}``."""
    root = _root(node, path)
    size = count = 0
    for _, block_size in _blocks(node, root):
        size += block_size
        count += 1
        if progressive:
            yield {"Size": size, "NumBlocks": count}
    if not progressive:
        yield {"Size": size, "NumBlocks": count}


def _stat_summary(node: Any, paths: list[str], progressive: bool,
                  encode: Callable[[CID], str]) -> Iterator[dict]:
    """0.21+ ``DagStatSummary``: every field ``omitempty``; ``Ratio`` is a float32 and
    ``DagStats[].Cid`` a string."""
    seen: set[bytes] = set()
    total = redundant = 0
    stats: list[dict] = []

    def snapshot(unique: int = 0, ratio: Optional[float] = None) -> dict:
        out: dict = {}
        if unique:
            out["UniqueBlocks"] = unique
        if total:
            out["TotalSize"] = total
        if ratio is not None and redundant - total:
            out["SharedSize"] = redundant - total
        if ratio:
            out["Ratio"] = _go_float32(ratio)
        if stats:
            out["DagStats"] = [{k: v for k, v in s.items() if v or k == "Cid"} for s in stats]
        return out

    for path in paths:
        root = _root(node, path)
        entry = {"Cid": encode(root), "Size": 0, "NumBlocks": 0}
        stats.append(entry)
        for cid, block_size in _blocks(node, root):
            entry["Size"] += block_size
            entry["NumBlocks"] += 1
            if bytes(cid) not in seen:
                total += block_size
                seen.add(bytes(cid))
            redundant += block_size
            if progressive:
                yield snapshot()
    if not total:
        raise IPFSError("json: unsupported value: NaN")
    yield snapshot(len(seen), redundant / total)
