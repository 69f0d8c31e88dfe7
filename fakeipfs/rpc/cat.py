"""Reading UnixFS over RPC: ``cat`` (core/commands/cat.go), ``get`` (get.go), ``ls`` (ls.go)."""
from __future__ import annotations

from ..cidutil import format_cid
from ..errors import ERR_IS_DIR, ERR_NEGATIVE_LENGTH, ERR_NEGATIVE_OFFSET, InvalidArgument, IPFSError
from ..unixfs import exporter
from .commands import INT, INT64, STRING, Arg, Call, command, opt
from .wire import Response, bytes_response, channel_response, single_response


@command("cat", args=(Arg("ipfs-path", variadic=True, stdin=True),),
         options=(opt("offset", "o", kind=INT64), opt("length", "l", kind=INT64),
                  opt("progress", "p")))
def cat(call: Call) -> Response:
    """cat.go: offsets run across all the paths; every path is resolved before any byte."""
    offset = call.option("offset", 0)
    if offset < 0:
        raise InvalidArgument(ERR_NEGATIVE_OFFSET)
    length = call.option("length")
    if length is not None and length < 0:
        raise InvalidArgument(ERR_NEGATIVE_LENGTH)
    if length == 0:
        return bytes_response([], 0)
    node = call.node
    plan = []
    total = 0
    for path in call.args:
        cid = node.resolve(path)
        target = exporter.load(node._get, cid)  # fetched from peers when missing
        if target.kind == "directory":
            raise IPFSError(ERR_IS_DIR)
        size = len(target.fs.data or b"") if target.kind == "symlink" else target.size  # type: ignore[union-attr]
        if offset > size:
            offset -= size
            continue
        take = size - offset
        if length is not None and total + take >= length:
            take = length - total
            plan.append((cid, offset, take))
            total += take
            break
        plan.append((cid, offset, None))
        total += take
        offset = 0
    return bytes_response((chunk for cid, off, ln in plan for chunk in node.cat_stream(cid, off, ln)),
                          total)


@command("get", args=(Arg("ipfs-path", stdin=True),), options=(
    opt("output", "o", kind=STRING), opt("archive", "a"), opt("compress", "C"),
    opt("compression-level", "l", kind=INT), opt("progress", "p", default=True)))
def get(call: Call) -> Response:
    chunks = call.node.get(call.args[0], archive=call.option("archive", False),
                           compress=call.option("compress", False),
                           compression_level=call.option("compression-level"))
    return bytes_response(chunks, content_type="application/x-tar")


@command("ls", args=(Arg("ipfs-path", variadic=True, stdin=True),), options=(
    opt("headers", "v"), opt("resolve-type", default=True), opt("size", default=True),
    opt("stream", "s")))
def ls(call: Call) -> Response:
    """ls.go: one object per path with its links (``Hash`` is the path as given); with
    ``stream``, one object per link."""
    base = call.option("cid-base")
    resolve_type = call.option("resolve-type", True)
    objects = []
    for path in call.args:
        entries = call.node.ls(path, resolve_type=resolve_type)
        links = [{"Name": e.name, "Hash": format_cid(e.cid, base), "Size": e.size,
                  "Type": e.type, "Target": e.target} for e in entries]
        objects.append({"Hash": path, "Links": links})
    if call.option("stream", False):
        return channel_response({"Objects": [{"Hash": o["Hash"], "Links": [link]}]}
                                for o in objects for link in o["Links"])
    return single_response({"Objects": objects})
