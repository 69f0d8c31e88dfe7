"""``/api/v0/object/*``: kubo core/commands/object (``object.go``, ``patch.go``, ``diff.go``).

v0.7.0 shapes: ``{"Hash"}`` (``Links`` omitted when empty) from ``new``, ``put``, ``links`` and the
patches; ``{"Links": [{"Name","Hash","Size"}], "Data"}`` from ``get``; go-ipld-format
``NodeStat`` from ``stat``; raw bytes from ``data``; ``{"Changes": [{"Type","Path","Before",
"After"}]}`` (go-merkledag/dagutils ``Change``, CIDs as go-cid JSON) from ``diff``. ``new``,
``get``, ``put``, ``links`` and ``stat`` print CIDs with ``GetLowLevelCidEncoder`` (``--cid-base``
without upgrading v0), the patches with ``Cid.String()``. Deprecated in 0.9, all but ``diff``,
``patch add-link`` and ``patch rm-link`` answer "removed" from 0.28
(:func:`fakeipfs.versions.object_api_removed`).
"""
from __future__ import annotations

import base64
from typing import Callable

from multiformats import CID

from ..errors import ERR_OBJECT_REMOVED, IPFSError
from ..objects import ERR_DATA_ENCODING
from ..versions import cid_base_upgrades_everywhere, object_api_removed
from ._cmdenv import cid_encoder, cid_json, file_arg, go_cid, go_text
from .commands import STRING, Arg, Call, command, opt
from .wire import Response, bytes_response, single_response


def _available(call: Call) -> None:
    """``RemovedObjectCmd`` from 0.28."""
    if object_api_removed(call.version):
        raise IPFSError(ERR_OBJECT_REMOVED)


def _low_level(call: Call) -> Callable[[CID], str]:
    return cid_encoder(call, low_level=True).encode


def _patched(call: Call) -> Callable[[CID], str]:
    """How ``object patch`` prints its result: ``Cid.String()`` until 0.41, then
    ``GetCidEncoder``."""
    if cid_base_upgrades_everywhere(call.version):
        return cid_encoder(call).encode
    return go_cid


def _links(links, encode: Callable[[CID], str]) -> list[dict]:
    return [{"Name": link.name or "", "Hash": encode(link.cid), "Size": link.tsize or 0}
            for link in links]


@command("object/new", args=(Arg("template", required=False),))
def object_new(call: Call) -> Response:
    _available(call)
    encode = _low_level(call)
    template = call.args[0] if call.args else "empty"
    return single_response({"Hash": encode(call.node.object_new(template))})


@command("object/get", args=(Arg("key", stdin=True),),
         options=(opt("data-encoding", kind=STRING, default="text"),))
def object_get(call: Call) -> Response:
    """``Data`` as text (Go's ``string(bytes)``) or base64; the node is read before the encoding
    is checked."""
    _available(call)
    encode = _low_level(call)
    pb = call.node.object_get(call.args[0])
    data = pb.data or b""
    encoding = call.option("data-encoding")
    if encoding == "text":
        text = go_text(data)
    elif encoding == "base64":
        text = base64.b64encode(data).decode()
    else:
        raise IPFSError(ERR_DATA_ENCODING)
    return single_response({"Links": _links(pb.links, encode), "Data": text})


@command("object/data", args=(Arg("key", stdin=True),))
def object_data(call: Call) -> Response:
    _available(call)
    return bytes_response([call.node.object_data(call.args[0])])


@command("object/links", args=(Arg("key", stdin=True),), options=(opt("headers", "v"),))
def object_links(call: Call) -> Response:
    _available(call)
    encode = _low_level(call)
    cid, links = call.node.object_links(call.args[0])
    out: dict = {"Hash": encode(cid)}
    if links:
        out["Links"] = _links(links, encode)
    return single_response(out)


@command("object/stat", args=(Arg("key", stdin=True),), options=(opt("human"),))
def object_stat(call: Call) -> Response:
    _available(call)
    encode = _low_level(call)
    stat = call.node.object_stat(call.args[0])
    return single_response({"Hash": encode(stat.cid), "NumLinks": stat.num_links,
                            "BlockSize": stat.block_size, "LinksSize": stat.links_size,
                            "DataSize": stat.data_size, "CumulativeSize": stat.cumulative_size})


@command("object/put", args=(Arg("data", file=True, stdin=True),), options=(
    opt("inputenc", kind=STRING, default="json"), opt("datafieldenc", kind=STRING, default="text"),
    opt("pin"), opt("quiet", "q")))
def object_put(call: Call) -> Response:
    _available(call)
    encode = _low_level(call)
    cid = call.node.object_put(file_arg(call), inputenc=call.option("inputenc"),
                               datafieldenc=call.option("datafieldenc"),
                               pin=call.option("pin", False))
    return single_response({"Hash": encode(cid)})


@command("object/diff", args=(Arg("obj_a"), Arg("obj_b")), options=(opt("verbose", "v"),))
def object_diff(call: Call) -> Response:
    changes = call.node.object_diff(call.args[0], call.args[1])
    return single_response({"Changes": [
        {"Type": c.type, "Path": c.path, "Before": cid_json(c.before), "After": cid_json(c.after)}
        for c in changes]})


@command("object/patch/add-link", args=(Arg("root"), Arg("name"), Arg("ref")),
         options=(opt("create", "p"),))
def object_patch_add_link(call: Call) -> Response:
    encode = _patched(call)
    root, name, ref = call.args[:3]
    cid = call.node.object_patch_add_link(root, name, ref, create=call.option("create", False))
    return single_response({"Hash": encode(cid)})


@command("object/patch/rm-link", args=(Arg("root"), Arg("name")))
def object_patch_rm_link(call: Call) -> Response:
    encode = _patched(call)
    return single_response({"Hash": encode(call.node.object_patch_rm_link(*call.args[:2]))})


@command("object/patch/set-data", args=(Arg("root"), Arg("data", file=True, stdin=True)))
def object_patch_set_data(call: Call) -> Response:
    _available(call)
    cid = call.node.object_patch_set_data(call.args[0], file_arg(call))
    return single_response({"Hash": _patched(call)(cid)})


@command("object/patch/append-data", args=(Arg("root"), Arg("data", file=True, stdin=True)))
def object_patch_append_data(call: Call) -> Response:
    _available(call)
    cid = call.node.object_patch_append_data(call.args[0], file_arg(call))
    return single_response({"Hash": _patched(call)(cid)})
