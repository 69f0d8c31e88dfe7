"""What kubo's commands share around their ``Run``: kubo core/commands/cmdenv (``cidbase.go``,
``file.go``) and the Go encodings their outputs go through.

- :func:`cid_encoder` is ``cmdenv.GetCidEncoder`` / ``GetLowLevelCidEncoder``: the global
  ``cid-base`` and ``upgrade-cidv0-in-output`` options, read per command as kubo does.
- :func:`cid_json` is go-cid ``Cid.MarshalJSON`` (``{"/": "<cid>"}``, ``null`` when undefined),
  which ignores ``cid-base``.
- :func:`emit` is a command that calls ``res.Emit`` repeatedly: an error before the first value
  is an ordinary error response, one after it ends the stream (the ``X-Stream-Error`` trailer).
- :func:`file_arg` / :func:`file_entries` are ``cmdenv.GetFileArg`` and ``files.FileFromEntry``.
- :func:`check_block_size` is ``cmdutils.CheckBlockSize``.
"""
from __future__ import annotations

import codecs
from typing import Any, Iterable, Iterator, Optional

from multiformats import CID, multibase

from ..errors import (ERR_EMPTY_MULTIBASE, ERR_FILE_ARG_NIL, ERR_NO_FILE_ARG, IPFSError,
                      InvalidArgument, err_big_block, err_unsupported_multibase)
from ..cidutil import CidEncoder
from ..unixfs.files import File
from ..versions import big_block_check, cid_base_upgrades_everywhere
from .commands import Call
from .wire import Response, channel_response

#: go-multibase ``Encodings`` (the names ``EncoderByName`` knows; a single rune is a prefix code).
GO_MULTIBASES = ("identity", "base2", "base16", "base16upper", "base32", "base32upper",
                 "base32pad", "base32padupper", "base32hex", "base32hexupper", "base32hexpad",
                 "base32hexpadupper", "base36", "base36upper", "base58flickr", "base58btc",
                 "base64", "base64url", "base64pad", "base64urlpad", "base256emoji")


def go_cid(cid: CID) -> str:
    """go-cid ``Cid.String()``: base58btc for v0, base32 for v1, whatever text it came from."""
    return str(cid) if cid.version == 0 else cid.encode("base32")


def cid_json(cid: Optional[CID]) -> Optional[dict]:
    """go-cid ``Cid.MarshalJSON``."""
    return None if cid is None else {"/": go_cid(cid)}


def _multibase_by_name(name: str) -> multibase.Multibase:
    """go-multibase ``EncoderByName``."""
    if name == "":
        raise InvalidArgument(ERR_EMPTY_MULTIBASE)
    if len(name) == 1:
        try:
            found = multibase.get(code=name)
        except Exception:
            raise InvalidArgument(err_unsupported_multibase(name)) from None
        if found.name in GO_MULTIBASES:
            return found
    elif name in GO_MULTIBASES:
        return multibase.get(name)
    raise InvalidArgument(err_unsupported_multibase(name))


def cid_encoder(call: Call, *, low_level: bool = False) -> CidEncoder:
    """``cmdenv.GetCidEncoder`` (``low_level=False``: a ``cid-base`` upgrades v0 to v1) or
    ``GetLowLevelCidEncoder`` (no upgrade unless ``upgrade-cidv0-in-output``). From 0.41 there
    is one encoder, upgrading whenever the base is not base58btc
    (:func:`fakeipfs.versions.cid_base_upgrades_everywhere`)."""
    name = call.option("cid-base", "")
    base = _multibase_by_name(name) if name else None
    upgrade = False
    if base is not None:
        if cid_base_upgrades_everywhere(call.version):
            upgrade = base.name != "base58btc"
        else:
            upgrade = not low_level
    if call.has("upgrade-cidv0-in-output"):
        upgrade = bool(call.options["upgrade-cidv0-in-output"])
    return CidEncoder(base, upgrade)


def all_keys(call: Call) -> Iterator[CID]:
    """The blockstore's ``AllKeysChan``: CIDv1 raw from 0.12, its keys being multihashes; before,
    the CIDs blocks were stored under (:meth:`fakeipfs.blockstore.Blockstore.keys`;
    :meth:`fakeipfs.Node.repo_gc` reports the same)."""
    return call.node.blockstore.keys()


def _go_replace(error: UnicodeDecodeError) -> tuple[str, int]:
    return "\ufffd" * (error.end - error.start), error.end


codecs.register_error("fakeipfs-go-string", _go_replace)


def go_text(data: bytes) -> str:
    """Go's ``string(bytes)`` as ``encoding/json`` writes it: each byte of an invalid UTF-8
    sequence becomes U+FFFD."""
    return data.decode("utf-8", "fakeipfs-go-string")


def emit(values: Iterable[Any]) -> Response:
    """A command that ``res.Emit``s each value: the first is produced before the response
    starts, so an error raised by then is the command's error (HTTP 500); a later one ends the
    stream. Nothing emitted is an empty value stream."""
    iterator = iter(values)
    try:
        first = next(iterator)
    except StopIteration:
        return channel_response([])

    def chained() -> Iterator[Any]:
        yield first
        yield from iterator
    return channel_response(chained())


def file_entries(call: Call, not_a_file: str) -> Iterator[bytes]:
    """``req.Files.Entries()`` with ``files.FileFromEntry``: each top-level entry's bytes, or
    ``not_a_file`` (each command words it differently) for a directory or symlink."""
    for entry in call.files or []:
        if not isinstance(entry, File):
            raise IPFSError(not_a_file)
        with entry.open() as handle:
            yield handle.read()


def file_arg(call: Call) -> bytes:
    """``cmdenv.GetFileArg``: the first entry's bytes."""
    entries = call.files or []
    if not entries:
        raise IPFSError(ERR_NO_FILE_ARG)
    if not isinstance(entries[0], File):
        raise IPFSError(ERR_FILE_ARG_NIL)
    with entries[0].open() as handle:
        return handle.read()


def check_block_size(call: Call, size: int) -> None:
    """kubo core/commands/cmdutils ``CheckBlockSize`` (from 0.13): a block over the bitswap limit
    is refused unless ``allow-big-block``."""
    limit = call.version.block_size_limit
    if big_block_check(call.version) and not call.option("allow-big-block", False) and size > limit:
        raise InvalidArgument(err_big_block(limit // (1024 * 1024)))
