"""``/api/v0/files/*``: kubo core/commands/files.go (v0.7.0) over :mod:`fakeipfs.mfs`.

Every subcommand inherits the ``files`` command's ``flush``/``f`` option (default true).
Outputs: ``ls`` ``{"Entries": [...]}`` (``null`` for an empty directory, a nil Go slice),
``stat`` ``statOutput`` (with UnixFS mode/mtime from 0.30), ``read`` a byte stream, ``flush``
``{"Cid"}`` (from 0.4.20), ``rm`` nothing or, from 0.13, its per-path failures; the others
nothing. Later kubo additions (``cp --force/--parents``, ``chmod``, ``touch``, ``chroot``,
Import.* defaults for new files) are not emulated.
"""
from __future__ import annotations

from typing import Iterator

from .. import errors, mfs
from ..errors import IPFSError
from ..unixfs.files import File
from ..versions import (files_flush_returns_cid, files_ls_long_name, files_rm_many,
                        files_rm_refuses_no_flush, files_stat_unixfs_metadata)
from ._cmdenv import cid_encoder, go_cid
from .commands import BOOL, INT, INT64, STRING, Arg, Call, command, opt
from .wire import (ERR_CLIENT, Response, bytes_response, channel_response, empty_response,
                   single_response)

FLUSH = opt("flush", "f", kind=BOOL, default=True)
CID_VERSION = opt("cid-version", "cid-ver", kind=INT)
HASH = opt("hash", kind=STRING)
#: files.go ``defaultStatFormat``.
DEFAULT_STAT_FORMAT = "<hash>\nSize: <size>\nCumulativeSize: <cumulsize>\nChildBlocks: <childs>\nType: <type>"


class ClientError(IPFSError):
    """``cmds.Errorf(cmds.ErrClient, ...)``: HTTP 400."""

    code = ERR_CLIENT


def _mfs(call: Call) -> mfs.MFS:
    return mfs.of(call.node)


@command("files/ls", args=(Arg("path", required=False),),
         options=(opt("long", "l"), opt("U"), FLUSH))
def files_ls(call: Call) -> Response:
    """files.go ``filesLsCmd``. A directory's long listing prints each CID with go-cid's
    ``String()`` (go-mfs ``List``); only a file's goes through the CID encoder."""
    path = call.args[0] if call.args else "/"
    if files_ls_long_name(call.version):
        long = bool(call.option("long", False))
    else:  # only "-l" existed; "long" was an unknown option
        long = any(key == "l" for key, _ in call.request.query) and bool(call.option("long", False))
    is_dir, listing = _mfs(call).ls(path, long=long)
    encoder = cid_encoder(call)
    entries = []
    for item in listing:
        if item.cid is None:
            text = ""
        elif is_dir:
            text = go_cid(item.cid)
        else:
            text = encoder.encode(item.cid)
        entries.append({"Name": item.name, "Type": item.type, "Size": item.size, "Hash": text})
    return single_response({"Entries": entries or None})


@command("files/stat", args=(Arg("path"),), options=(
    opt("format", kind=STRING, default=DEFAULT_STAT_FORMAT), opt("hash", kind=BOOL),
    opt("size", kind=BOOL), opt("with-local", kind=BOOL), FLUSH))
def files_stat(call: Call) -> Response:
    """files.go ``filesStatCmd``; ``--format``/``--hash``/``--size`` only shape the text output,
    but giving more than one is a client error."""
    chosen = (bool(call.option("hash", False)), bool(call.option("size", False)),
              call.option("format", DEFAULT_STAT_FORMAT) != DEFAULT_STAT_FORMAT)
    metadata = files_stat_unixfs_metadata(call.version)
    if sum(chosen) > 1:
        raise ClientError(f"invalid parameters: {errors.ERR_STAT_FORMAT}" if metadata
                          else errors.ERR_STAT_FORMAT)
    with_local = bool(call.option("with-local", False))
    path = mfs.check_path(call.args[0])
    encoder = cid_encoder(call)
    stat = _mfs(call).stat(path, with_local=with_local)
    out: dict = {"Hash": encoder.encode(stat.cid), "Size": stat.size,
                 "CumulativeSize": stat.cumulative_size, "Blocks": stat.blocks, "Type": stat.type}
    if with_local:  # omitempty fields
        out["WithLocality"] = True
        if stat.local:
            out["Local"] = True
        if stat.size_local:
            out["SizeLocal"] = stat.size_local
    if metadata:  # statOutput.MarshalJSON: the string Mode shadows the number, so comes last
        if stat.mtime is not None and stat.mtime[0]:
            out["Mtime"] = stat.mtime[0]
        if stat.mtime is not None and stat.mtime[1]:
            out["MtimeNsecs"] = stat.mtime[1]
        if stat.mode:
            out["Mode"] = format(stat.mode, "04o")
    return single_response(out)


@command("files/mkdir", args=(Arg("path"),),
         options=(opt("parents", "p"), CID_VERSION, HASH, FLUSH))
def files_mkdir(call: Call) -> Response:
    _mfs(call).mkdir(call.args[0], parents=bool(call.option("parents", False)),
                     cid_version=call.option("cid-version"), hash=call.option("hash"),
                     flush=call.option("flush", True))
    return empty_response()


@command("files/cp", args=(Arg("source"), Arg("dest")), options=(FLUSH,))
def files_cp(call: Call) -> Response:
    _mfs(call).cp(call.args[0], call.args[1], flush=call.option("flush", True))
    return empty_response()


@command("files/mv", args=(Arg("source"), Arg("dest")), options=(FLUSH,))
def files_mv(call: Call) -> Response:
    _mfs(call).mv(call.args[0], call.args[1], flush=call.option("flush", True))
    return empty_response()


@command("files/rm", args=(Arg("path", variadic=True),),
         options=(opt("recursive", "r"), opt("force"), FLUSH))
def files_rm(call: Call) -> Response:
    """files.go ``filesRmCmd``: the first path only up to 0.12; from 0.13 every path, each
    failure emitted as a string before the final "can't remove some files"."""
    if files_rm_refuses_no_flush(call.version) and call.option("flush") is False:
        raise IPFSError(errors.ERR_RM_NO_FLUSH)
    fs = _mfs(call)
    recursive, force = bool(call.option("recursive", False)), bool(call.option("force", False))
    if not files_rm_many(call.version):
        fs.rm(call.args[0], recursive=recursive, force=force)
        return empty_response()
    failures = []
    for arg in call.args:
        try:
            path = mfs.check_path(arg)
        except IPFSError as exc:
            failures.append(f"{arg} is not a valid path: {exc.message}")
            continue
        try:
            fs.rm(path, recursive=recursive, force=force)
        except IPFSError as exc:
            failures.append(f"{path}: {exc.message}")
    if not failures:
        return empty_response()

    def emitted() -> Iterator[str]:
        yield from failures
        raise IPFSError(errors.ERR_RM_SOME)
    return channel_response(emitted())


@command("files/read", args=(Arg("path"),),
         options=(opt("offset", "o", kind=INT64), opt("count", "n", kind=INT64), FLUSH))
def files_read(call: Call) -> Response:
    """files.go ``filesReadCmd``: ``res.Emit(reader)``, a byte stream with no length header."""
    chunks = _mfs(call).read(call.args[0], offset=call.option("offset", 0),
                             count=call.option("count"))
    return bytes_response(chunks)


class _FileArg:
    """``cmdenv.GetFileArg``, read lazily: files.go asks for the data only after the file was
    opened, truncated and seeked, so its errors come (and the file is flushed) after those."""

    def __init__(self, call: Call) -> None:
        self.entries = call.files or []
        self.stream = None

    def read(self, n: int) -> bytes:
        if self.stream is None:
            if not self.entries:
                raise IPFSError(errors.ERR_NO_FILE_ARG)
            if not isinstance(self.entries[0], File):
                raise IPFSError(errors.ERR_FILE_ARG_NIL)
            self.stream = self.entries[0].open()
        return self.stream.read(n)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


@command("files/write", args=(Arg("path"), Arg("data", file=True, stdin=True)), options=(
    opt("offset", "o", kind=INT64), opt("create", "e"), opt("parents", "p"),
    opt("truncate", "t"), opt("count", "n", kind=INT64), opt("raw-leaves"), CID_VERSION, HASH,
    FLUSH))
def files_write(call: Call) -> Response:
    """files.go ``filesWriteCmd``."""
    data = _FileArg(call)
    try:
        _mfs(call).write(
            call.args[0], data, offset=call.option("offset", 0),
            create=bool(call.option("create", False)), parents=bool(call.option("parents", False)),
            truncate=bool(call.option("truncate", False)), count=call.option("count"),
            raw_leaves=call.options.get("raw-leaves"), cid_version=call.option("cid-version"),
            hash=call.option("hash"), flush=call.option("flush", True))
    finally:
        data.close()
    return empty_response()


@command("files/flush", args=(Arg("path", required=False),), options=(FLUSH,))
def files_flush(call: Call) -> Response:
    """files.go ``filesFlushCmd``: ``{"Cid"}`` from 0.4.20, nothing before."""
    encoder = cid_encoder(call)
    cid = _mfs(call).flush(call.args[0] if call.args else "/")
    if not files_flush_returns_cid(call.version):
        return empty_response()
    return single_response({"Cid": encoder.encode(cid)})


@command("files/chcid", args=(Arg("path", required=False),), options=(CID_VERSION, HASH, FLUSH))
def files_chcid(call: Call) -> Response:
    _mfs(call).chcid(call.args[0] if call.args else "/", cid_version=call.option("cid-version"),
                     hash=call.option("hash"), flush=call.option("flush", True))
    return empty_response()
