"""IPLD DAG operations shared by ``pin``, ``repo gc``, ``dag`` and ``refs``: the links of a
block in any codec kubo reads (dag-pb, raw, dag-cbor, dag-json, identity), and DAG walks."""
from __future__ import annotations

from typing import Callable, Iterator

from multiformats import CID

from .codecs import dagpb
from .errors import IPFSError

DAG_PB, RAW, DAG_CBOR, DAG_JSON, JSON, CBOR = 0x70, 0x55, 0x71, 0x0129, 0x0200, 0x51


def _cids_in(value: object) -> Iterator[CID]:
    if isinstance(value, CID):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _cids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _cids_in(item)


def links_of(cid: CID, block: bytes) -> list[CID]:
    """The CIDs a block links to, in order."""
    codec = cid.codec.code
    if codec == DAG_PB:
        return [link.cid for link in dagpb.decode(block).links]
    if codec == DAG_CBOR:
        from .codecs import dagcbor
        return list(_cids_in(dagcbor.decode(block)))
    if codec == DAG_JSON:
        from .codecs import dagjson
        return list(_cids_in(dagjson.decode(block)))
    return []


def walk(get: Callable[[CID], bytes], root: CID, *, unique: bool = True) -> Iterator[CID]:
    """Every CID of the DAG under ``root``, root first, depth-first in link order (as
    go-merkledag ``Walk``); with ``unique`` each block once. Missing blocks raise."""
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        if unique:
            key = bytes(cid.digest)
            if key in seen:
                continue
            seen.add(key)
        yield cid
        stack.extend(reversed(links_of(cid, get(cid))))


def descendants(get: Callable[[CID], bytes], root: CID) -> Iterator[CID]:
    """The DAG under ``root`` without the root; blocks that are missing are skipped."""
    first = True
    for cid in walk_present(get, root):
        if first:
            first = False
            continue
        yield cid


def walk_present(get: Callable[[CID], bytes], root: CID) -> Iterator[CID]:
    """Like :func:`walk`, but stops descending where a block is missing (for gc and pin ls)."""
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        key = bytes(cid.digest)
        if key in seen:
            continue
        seen.add(key)
        yield cid
        try:
            block = get(cid)
        except IPFSError:
            continue
        stack.extend(reversed(links_of(cid, block)))
