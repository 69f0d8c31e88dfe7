"""``/api/v0/block/*``: kubo core/commands/block.go.

v0.7.0 shapes throughout: ``put`` streams ``{"Key","Size"}`` per file, ``stat`` answers one,
``get`` the raw bytes, ``rm`` streams ``{"Hash","Error"?}`` (blocks/blockstoreutil/remove.go
``RemovedBlock``). By version: ``cid-codec`` and ``allow-big-block`` from 0.13 (the CID rules
are :mod:`fakeipfs.blocks`), and ``--cid-base`` is honoured from 0.41; before, keys print as
go-cid ``String()``.
"""
from __future__ import annotations

from typing import Callable, Iterator

from multiformats import CID

from ..errors import ERR_BLOCK_PUT_NOT_FILE
from ..versions import cid_base_upgrades_everywhere
from ._cmdenv import check_block_size, cid_encoder, emit, file_entries, go_cid
from .commands import INT, STRING, Arg, Call, command, opt
from .wire import Response, bytes_response, single_response


def _key(call: Call) -> Callable[[CID], str]:
    """How ``block`` prints a CID: ``Cid.String()`` until 0.41, then ``GetCidEncoder``."""
    if cid_base_upgrades_everywhere(call.version):
        return cid_encoder(call).encode
    return go_cid


@command("block/put", args=(Arg("data", file=True, variadic=True, stdin=True),), options=(
    opt("format", "f", kind=STRING), opt("mhtype", kind=STRING, default="sha2-256"),
    opt("mhlen", kind=INT, default=-1), opt("pin"), opt("cid-codec", kind=STRING),
    opt("allow-big-block")))
def block_put(call: Call) -> Response:
    """Each file is one block; from 0.13 a block over the size limit is refused after it was
    stored, as kubo checks ``p.Size()`` after ``Block().Put``."""
    key = _key(call)
    node = call.node

    def results() -> Iterator[dict]:
        for data in file_entries(call, ERR_BLOCK_PUT_NOT_FILE):
            cid = node.block_put(data, format=call.option("format") or None,
                                 cid_codec=call.option("cid-codec") or None,
                                 mhtype=call.option("mhtype"), mhlen=call.option("mhlen"),
                                 pin=call.option("pin", False))
            check_block_size(call, len(data))
            yield {"Key": key(cid), "Size": len(data)}
    return emit(results())


@command("block/get", args=(Arg("key", stdin=True),))
def block_get(call: Call) -> Response:
    return bytes_response([call.node.block_get(call.args[0])])


@command("block/stat", args=(Arg("key", stdin=True),))
def block_stat(call: Call) -> Response:
    cid, size = call.node.block_stat(call.args[0])
    return single_response({"Key": _key(call)(cid), "Size": size})


@command("block/rm", args=(Arg("hash", variadic=True),),
         options=(opt("force", "f"), opt("quiet", "q")))
def block_rm(call: Call) -> Response:
    """One argument at a time: resolve it (an error ends the command), remove it, report a
    failure as ``Error`` and a success unless ``quiet``."""
    key = _key(call)
    force, quiet = call.option("force", False), call.option("quiet", False)
    node = call.node

    def results() -> Iterator[dict]:
        for arg in call.args:
            for cid, error in node.block_rm([node.resolve(arg)], force=force):
                if error:
                    yield {"Hash": key(cid), "Error": error}
                elif not quiet:
                    yield {"Hash": key(cid)}
    return emit(results())
