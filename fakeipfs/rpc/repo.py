"""``/api/v0/repo/*``: kubo core/commands/repo.go (v0.7.0) and core/corerepo (``gc.go``,
``stat.go``).

``gc`` streams ``{"Key": {"/": cid}}`` per removed block (go-cid JSON; the model reports the
blockstore's keys, :meth:`fakeipfs.Node.repo_gc`); ``stat`` answers corerepo ``Stat``; ``version``
the fs-repo version of the emulated release; ``verify`` rehashes every block, streaming
``{"Msg","Progress"}``.
"""
from __future__ import annotations

from typing import Iterator

from multiformats import multihash

from ..errors import (ERR_GC_STREAM_ERRORS, ERR_HASH_MISMATCH, ERR_REPO_VERIFY_CORRUPT,
                      MSG_REPO_VERIFY_OK, IPFSError, msg_block_corrupt)
from ..hashing import get_hasher
from ..versions import repo_gc_silent
from ._cmdenv import all_keys, cid_json, emit, go_cid
from .commands import Call, command, opt
from .info import _repo_version
from .wire import Response, single_response


@command("repo/gc", options=(opt("stream-errors"), opt("quiet", "q"), opt("silent")))
def repo_gc(call: Call) -> Response:
    """A failed collection is the command's error; with ``stream-errors`` it is first reported
    as ``{"Key": null, "Error": msg}`` and the command then fails with "encountered errors during
    gc run". ``silent`` (0.13+) reports nothing; ``quiet`` only changes the CLI's text."""
    stream_errors = call.option("stream-errors", False)
    silent = repo_gc_silent(call.version) and call.option("silent", False) and not stream_errors

    def results() -> Iterator[dict]:
        try:
            removed = call.node.repo_gc()
        except IPFSError as exc:
            if not stream_errors:
                raise
            yield {"Key": None, "Error": exc.message}
            raise IPFSError(ERR_GC_STREAM_ERRORS) from None
        if not silent:
            for cid in removed:
                yield {"Key": cid_json(cid)}
    return emit(results())


@command("repo/stat", options=(opt("size-only", "s"), opt("human", "H")))
def repo_stat(call: Call) -> Response:
    """``Version`` is ``fs-repo@<n>`` of the emulated release; ``size-only`` leaves the other
    fields at Go's zero values."""
    stat = call.node.repo_stat()
    out = {"RepoSize": stat["RepoSize"], "StorageMax": stat["StorageMax"], "NumObjects": 0,
           "RepoPath": "", "Version": ""}
    if not call.option("size-only", False):
        out.update(NumObjects=stat["NumObjects"], RepoPath=stat["RepoPath"],
                   Version=f"fs-repo@{_repo_version(call)}")
    return single_response(out)


@command("repo/version", options=(opt("quiet", "q"),))
def repo_version(call: Call) -> Response:
    return single_response({"Version": _repo_version(call)})


@command("repo/verify")
def repo_verify(call: Call) -> Response:
    """Each block read back and rehashed (go-ipfs-blockstore ``HashOnRead``): a bad one is
    ``{"Msg": "block <cid> was corrupt (<err>)", "Progress": 0}``; after each block
    ``{"Msg": "", "Progress": i}``; then the verdict (an error if any block was bad)."""
    store = call.node.blockstore

    def results() -> Iterator[dict]:
        fails = 0
        for count, cid in enumerate(all_keys(call), 1):
            try:
                data = store.get(cid)
                expected = bytes(cid.raw_digest)
                digest = multihash.unwrap(get_hasher(cid.hashfun.name).multihash(data))
                if digest[:len(expected)] != expected:
                    raise IPFSError(ERR_HASH_MISMATCH)
            except IPFSError as exc:
                fails += 1
                yield {"Msg": msg_block_corrupt(go_cid(cid), exc.message), "Progress": 0}
            yield {"Msg": "", "Progress": count}
        if fails:
            raise IPFSError(ERR_REPO_VERIFY_CORRUPT)
        yield {"Msg": MSG_REPO_VERIFY_OK, "Progress": 0}
    return emit(results())
