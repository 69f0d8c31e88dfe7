"""``/api/v0/pin/*``: kubo core/commands/pin.go (v0.7.0; ``pin/pin.go`` from 0.8).

Every CID is printed with ``GetCidEncoder`` (``--cid-base`` upgrades v0). Paths are handled one
at a time, as kubo does: ``pin add a b`` keeps ``a`` pinned when ``b`` fails. ``pin ls`` answers
``{"Keys": {cid: {"Type"}}}`` (Go writes map keys sorted; ``Name`` too from 0.26; no ``Keys``
when empty from 0.21) or, with
``stream``, one ``{"Cid","Type"}`` per pin.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from multiformats import CID

from .. import path as content_path
from ..dag import walk
from ..errors import ERR_PIN_VERIFY_VERBOSE_QUIET, IPFSError, PinError, err_invalid_pin_type
from ..pins import PIN_TYPES
from ..versions import pin_ls_cleaned_paths, pin_ls_keys_omitempty, pin_names
from ._cmdenv import CidEncoder, cid_encoder, emit
from .commands import STRING, Arg, Call, command, opt
from .wire import Response, channel_response, single_response


@command("pin/add", args=(Arg("ipfs-path", variadic=True, stdin=True),),
         options=(opt("recursive", "r", default=True), opt("progress")))
def pin_add(call: Call) -> Response:
    """``{"Pins": [...]}``; with ``progress``, a value stream: ``{"Pins": null, "Progress": n}``
    (n: the blocks fetched, go-merkledag ``ProgressTracker``; sent when n > 0) then the pins."""
    encode = cid_encoder(call).encode
    recursive = call.option("recursive", True)
    node = call.node
    pins: list[str] = []
    fetched = 0
    for path in call.args:
        if recursive and call.option("progress", False):
            fetched += _blocks_to_fetch(node, node.resolve(path))
        pins.extend(encode(cid) for cid in node.pin_add(path, recursive=recursive))
    if not call.option("progress", False):
        return single_response({"Pins": pins})
    updates: list[dict] = [{"Pins": None, "Progress": fetched}] if fetched else []
    return channel_response(updates + [{"Pins": pins}])


def _blocks_to_fetch(node: Any, cid: CID) -> int:
    """What go-ipfs-pinner's ``Pin`` fetches (``mdag.FetchGraph``): nothing when the CID is
    pinned recursively already, else every block of its DAG."""
    try:
        node.pin_ls(cid, type="recursive")
        return 0
    except PinError:
        pass
    return sum(1 for _ in walk(node.block_get, cid))


@command("pin/rm", args=(Arg("ipfs-path", variadic=True, stdin=True),),
         options=(opt("recursive", "r", default=True),))
def pin_rm(call: Call) -> Response:
    encode = cid_encoder(call).encode
    recursive = call.option("recursive", True)
    pins = [encode(cid) for path in call.args
            for cid in call.node.pin_rm(path, recursive=recursive)]
    return single_response({"Pins": pins})


@command("pin/ls", args=(Arg("ipfs-path", required=False, variadic=True),), options=(
    opt("type", "t", kind=STRING, default="all"), opt("quiet", "q"), opt("stream", "s")))
def pin_ls(call: Call) -> Response:
    """With paths, each must be pinned (as ``type``): ``path '<p>' is not pinned`` otherwise;
    one under a recursive pin is ``indirect through <root>``."""
    kind = call.option("type")
    if kind not in PIN_TYPES:
        raise IPFSError(err_invalid_pin_type(kind))
    encode = cid_encoder(call).encode
    listing = _listing(call, kind, encode)
    if call.option("stream", False):
        return emit({"Cid": cid, "Type": pin_type} for cid, pin_type in listing)
    keys = {}
    for cid, pin_type in listing:
        keys[cid] = {"Type": pin_type, "Name": ""} if pin_names(call.version) else {"Type": pin_type}
    if not keys and pin_ls_keys_omitempty(call.version):
        return single_response({})
    return single_response({"Keys": dict(sorted(keys.items()))})


def _listing(call: Call, kind: str, encode: Callable[[CID], str]) -> Iterator[tuple[str, str]]:
    """``pinLsKeys`` (paths in order; from 0.24 each is ``PathOrCidPath``'s, which the
    "is not pinned" error names) or ``pinLsAll``."""
    node = call.node
    if not call.args:
        for cid, pin_type in node.pin_ls(type=kind).items():
            yield encode(CID.decode(cid)), pin_type
        return
    cleaned = pin_ls_cleaned_paths(call.version)
    for path in call.args:
        if cleaned:
            path = str(content_path.parse(path))
        for cid, pin_type in node.pin_ls(path, type=kind).items():
            yield encode(CID.decode(cid)), pin_type


@command("pin/update", args=(Arg("from-path"), Arg("to-path")),
         options=(opt("unpin", default=True),))
def pin_update(call: Call) -> Response:
    encode = cid_encoder(call).encode
    old, new = call.node.pin_update(call.args[0], call.args[1], unpin=call.option("unpin", True))
    return single_response({"Pins": [encode(old), encode(new)]})


@command("pin/verify", options=(opt("verbose"), opt("quiet", "q")))
def pin_verify(call: Call) -> Response:
    """One ``{"Cid","Ok","BadNodes"?}`` per recursive pin that is broken (every pin with
    ``verbose``); ``quiet`` leaves out the ``BadNodes``."""
    verbose, quiet = call.option("verbose", False), call.option("quiet", False)
    if verbose and quiet:
        raise IPFSError(ERR_PIN_VERIFY_VERBOSE_QUIET)
    encode: CidEncoder = cid_encoder(call)

    def results() -> Iterator[dict]:
        for root, bad in call.node.pin_verify():
            if bad or verbose:
                out: dict = {"Cid": encode.encode(root), "Ok": not bad}
                if bad and not quiet:
                    out["BadNodes"] = [{"Cid": encode.encode(cid), "Err": err} for cid, err in bad]
                yield out
    return emit(results())
