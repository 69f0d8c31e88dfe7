"""``/api/v0/add``: kubo core/commands/add.go (v0.7.0 options, plus HEAD's UnixFS 1.5 ones).

The request's files come live from the body (the dispatcher streams ``add``'s, see
:func:`fakeipfs.rpc.multipart.iter_entries`): each entry is added as its parts arrive, and an
error met later in the body comes after the events of the entries added before it, as kubo's
``Run`` emits them (the node then rolls the whole add back: fakeipfs keeps nothing of a failed add).
"""
from __future__ import annotations

from typing import Iterator, Optional

from ..cidutil import format_cid
from ..errors import ERR_NO_FILE_ARG, InvalidArgument, IPFSError
from ..unixfs.files import Listing
from ..unixfs.importer import AddEvent
from .commands import INT, INT64, STRING, STRINGS, UINT, Arg, Call, command, opt
from .wire import Response, channel_response



@command("add", args=(Arg("path", file=True, variadic=True),), options=(
    opt("recursive", "r"), opt("dereference-args"), opt("stdin-name", kind=STRING),
    opt("hidden", "H"), opt("ignore", kind=STRINGS), opt("ignore-rules-path", kind=STRING),
    opt("quiet", "q"), opt("quieter", "Q"), opt("silent"), opt("progress", "p"),
    opt("trickle", "t"), opt("only-hash", "n"), opt("wrap-with-directory", "w"),
    opt("chunker", "s", kind=STRING, default="size-262144"), opt("pin", default=True),
    opt("raw-leaves"), opt("nocopy"), opt("fscache"), opt("cid-version", kind=INT),
    opt("hash", kind=STRING, default="sha2-256"), opt("inline"),
    opt("inline-limit", kind=INT, default=32), opt("preserve-mode"), opt("preserve-mtime"),
    opt("mode", kind=UINT), opt("mtime", kind=INT64), opt("mtime-nsecs", kind=UINT),
    opt("empty-dirs", "E", default=True)))
def add(call: Call) -> Response:
    files = call.files or []
    if not files:
        raise InvalidArgument(ERR_NO_FILE_ARG)  # add.go "if added == 0"
    options = dict(
        chunker=call.option("chunker"), trickle=call.option("trickle", False),
        raw_leaves=call.option("raw-leaves"), cid_version=call.option("cid-version"),
        hash=call.option("hash"), inline=call.option("inline", False),
        inline_limit=call.option("inline-limit"), only_hash=call.option("only-hash", False),
        pin=call.option("pin"), wrap_with_directory=call.option("wrap-with-directory", False),
        nocopy=call.option("nocopy", False), preserve_mode=call.option("preserve-mode", False),
        preserve_mtime=call.option("preserve-mtime", False), mode=call.option("mode"),
        mtime=call.option("mtime"), mtime_nsecs=call.option("mtime-nsecs"),
        empty_dirs=call.option("empty-dirs", True), kubo_version=str(call.version))
    events: list[dict] = []
    base = call.option("cid-base")

    def emit(event: AddEvent) -> None:
        out = {"Name": event.name, "Hash": format_cid(event.cid, base), "Size": str(event.size)}
        if event.mode:
            out["Mode"] = "0" + format(event.mode, "o")
        if event.mtime is not None and event.mtime[0] > 0:
            out["Mtime"] = event.mtime[0]
            if event.mtime[1]:
                out["MtimeNsecs"] = event.mtime[1]
        events.append(out)

    failure: Optional[IPFSError] = None
    try:
        # One source for all the entries, so they are added as they arrive (add.go's loop).
        call.node.add(Listing("", files), on_event=emit,
                      **{k: v for k, v in options.items() if v is not None})
    except IPFSError as exc:
        if not events:
            raise  # nothing emitted yet: go-ipfs-cmds answers with the error alone
        failure = exc
    if call.option("silent", False):
        events = []
    elif call.option("quieter", False):
        events = [e for e in events if "Hash" in e][-1:]
    return channel_response(_then(events, failure))


def _then(events: list[dict], failure: Optional[IPFSError]) -> Iterator[dict]:
    """The events, then the error that ended the add, if any (reported mid-stream)."""
    yield from events
    if failure is not None:
        raise failure
