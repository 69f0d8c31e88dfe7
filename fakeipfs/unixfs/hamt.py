"""HAMT-sharded UnixFS directories: boxo ``ipld/unixfs/hamt/hamt.go`` and ``util.go``.

kubo stores a large directory (see :mod:`fakeipfs.unixfs.directory` for when) as a hash array
mapped trie of dag-pb nodes:

- **Hash**: ``murmur3Hash`` in util.go is spaolacci/murmur3 ``New64`` (the ``h1`` half of
  murmur3-x64-128, seed 0) written big-endian, 8 bytes. The UnixFS ``hashType`` says so:
  ``0x22`` (murmur3-x64-64).
- **Index**: ``hashBits.Next`` reads the hash as a big-endian bit string; a node at depth
  ``k`` uses bits ``[k*w, (k+1)*w)`` where ``w = log2(fanout)`` (byte ``k`` for 256). When
  the 64 bits run out, Go fails with "sharded directory too deep".
- **Node**: ``Shard.Node`` writes one link per set bit, in index order, named
  ``%0NX`` of the index (``N`` = hex digits of ``fanout-1``: 2 for 256) followed by the entry
  name; a link named by the bare prefix is a sub-shard. Its UnixFS ``Data`` is
  ``HAMTShardDataWithStat``: Type=HAMTShard, Data=the go-bitfield ``Bytes()`` of the
  occupied indexes (big-endian integer with bit ``i`` = index ``i``, leading zero bytes
  stripped, absent when empty), hashType, fanout, then mode/mtime.
- **Shape**: ``swapValue`` stores an entry in its slot; a second entry landing in an occupied
  slot turns that slot into a sub-shard holding both (recursively, while they still collide).
  Removals collapse single-entry sub-shards (see the package comment of hamt.go), so the trie
  is a function of the *set* of names: a slot is a sub-shard exactly when two or more names
  share its hash prefix. Insertion order (kubo's ``switchToSharding`` walks the basic
  directory's links, then the adder adds the rest as the request streams in) never shows in
  the result, which is why :func:`build_shard` can build it bottom-up from the final entries.
- **Mode/mtime**: only the root shard can carry them (``Shard.SetStat``, called from
  ``NewHAMTDirectory`` with the directory's ``WithStat``; sub-shards are made with a bare
  ``NewShard`` and never do). That arrived with boxo v0.37.0 (ipfs/boxo#1088, kubo 0.40);
  before, ``Node`` called ``HAMTShardData`` and a sharded directory dropped its mode/mtime.
  :func:`build_shard` writes what it is given; the caller decides by version.
- **Sub-shards** use the directory's CID builder (``child.builder = ds.builder``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator, Optional, Sequence

import mmh3
from multiformats import CID

from ..codecs import dagpb
from ..codecs import unixfs_pb
from ..codecs.unixfs_pb import HAMT_HASH_MURMUR3, DataType, FSData
from ..errors import (ERR_BITFIELD_SIZE, ERR_BITFIELD_TOO_SMALL, ERR_HASH_TYPE, ERR_INVALID_FANOUT,
                      ERR_NOT_PROTOBUF, ERR_NOT_SHARD, ERR_POWER_OF_TWO, ERR_TOO_DEEP, DecodeError,
                      InvalidArgument, IPFSError, err_hamt_width)
from ..hashing import DAG_PB, CidBuilder
from .dagbuilder import BlockSink, Built

#: boxo ipld/unixfs/io/directory.go ``DefaultShardWidth``.
DEFAULT_FANOUT = 256
#: boxo ipld/unixfs/hamt/hamt.go ``maximumHamtWidth``.
MAX_FANOUT = 1 << 10
#: hamt.go ``HashMurmur3``.
HASH_MURMUR3 = HAMT_HASH_MURMUR3
_HASH_BITS = 64
_HASH_MASK = (1 << _HASH_BITS) - 1

def _name_bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def _name_str(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def hamt_hash(name: bytes) -> int:
    """util.go ``murmur3Hash``: murmur3-x64-128 ``h1`` (seed 0), the 64-bit value whose
    big-endian bytes ``hashBits`` reads (masked: some mmh3 releases return it signed)."""
    return mmh3.hash64(name, 0, True)[0] & _HASH_MASK


def bucket_index(hash_value: int, consumed: int, width: int) -> int:
    """util.go ``hashBits.Next``: the ``width`` bits after the first ``consumed`` bits."""
    if consumed + width > _HASH_BITS:
        raise IPFSError(ERR_TOO_DEEP)
    return (hash_value >> (_HASH_BITS - consumed - width)) & ((1 << width) - 1)


def prefix_width(fanout: int) -> int:
    """``maxpadlen``: hex digits of ``fanout - 1`` (2 for 256, 3 for 1024, 1 for 8)."""
    return len(f"{fanout - 1:X}")


def link_prefix(index: int, fanout: int) -> str:
    """``Shard.linkNamePrefix``: the index as upper-case hex, zero-padded to ``maxpadlen``."""
    return f"{index:0{prefix_width(fanout)}X}"


def bitfield_bytes(bits: int) -> Optional[bytes]:
    """go-bitfield ``Bytes``: the big-endian bytes with leading zero bytes stripped; ``None``
    (so the UnixFS ``Data`` field is absent) when no bit is set."""
    if bits == 0:
        return None
    return bits.to_bytes((bits.bit_length() + 7) // 8, "big")


def _log2(fanout: int) -> int:
    return fanout.bit_length() - 1


def _check_build_fanout(fanout: int) -> int:
    """io/directory.go ``validShardWidth`` and hamt.go ``newChilder``; returns log2(fanout)."""
    if fanout <= 0 or fanout & (fanout - 1) or fanout & 7:
        raise InvalidArgument(f"{ERR_INVALID_FANOUT}: {fanout}")
    if fanout > MAX_FANOUT:
        raise InvalidArgument(err_hamt_width(fanout, MAX_FANOUT))
    return _log2(fanout)


@dataclass(frozen=True)
class _Entry:
    name: str
    key: bytes
    hash: int
    built: Built


def build_shard(entries: Sequence[tuple[str, Built]], builder: CidBuilder, sink: BlockSink, *,
                mode: int = 0, mtime: Optional[tuple[int, int]] = None,
                fanout: int = DEFAULT_FANOUT) -> Built:
    """The HAMT kubo stores for a directory holding ``entries``: boxo io/directory.go
    ``switchToSharding`` then ``Shard.Node`` (hamt.go).

    Every shard node (sub-shards first, then the root) goes to ``sink``; the root is returned
    with ``tsize`` = its block length + Σ link ``Tsize``. Each link's ``Tsize`` is the entry's
    cumulative size, or the sub-shard's (``ipld.MakeLink``). ``mode``/``mtime`` go on the root
    only (``HAMTShardDataWithStat``; 0 / ``None`` leave them out). A name given twice keeps
    its last value (``Shard.Set`` overwrites). The order of ``entries`` does not matter.
    """
    width = _check_build_fanout(fanout)
    by_name: dict[str, Built] = {}
    for name, built in entries:
        by_name[name] = built
    items = []
    for name, built in by_name.items():
        key = _name_bytes(name)
        items.append(_Entry(name, key, hamt_hash(key), built))
    meta = FSData(DataType.HAMTShard)
    if mode:
        meta.set_mode(mode)
    if mtime is not None:
        meta.mtime = (mtime[0], mtime[1] or None)
    return _build_node(items, 0, width, fanout, builder, sink, meta.mode, meta.mtime)


def _build_node(items: list[_Entry], consumed: int, width: int, fanout: int,
                builder: CidBuilder, sink: BlockSink, mode: Optional[int],
                mtime: Optional[tuple[int, Optional[int]]]) -> Built:
    slots: dict[int, list[_Entry]] = {}
    for item in items:
        slots.setdefault(bucket_index(item.hash, consumed, width), []).append(item)
    links: list[dagpb.PBLink] = []
    bits = 0
    for index in sorted(slots):
        group = slots[index]
        prefix = link_prefix(index, fanout)
        bits |= 1 << index
        if len(group) == 1:
            entry = group[0]
            links.append(dagpb.PBLink(entry.built.cid, prefix + entry.name, entry.built.tsize))
        else:
            child = _build_node(group, consumed + width, width, fanout, builder, sink, None, None)
            links.append(dagpb.PBLink(child.cid, prefix, child.tsize))
    fsdata = FSData(DataType.HAMTShard, data=bitfield_bytes(bits), hash_type=HASH_MURMUR3,
                    fanout=fanout, mode=mode, mtime=mtime)
    # Links are already in index order, which the fixed-width upper-case hex prefixes keep
    # under the name sort that dag-pb encoding applies.
    block = dagpb.encode(dagpb.PBNode(tuple(dagpb.sorted_links(links)), fsdata.encode()))
    built = Built(builder.cid(DAG_PB, block),
                  len(block) + sum(link.tsize or 0 for link in links), 0, (block,))
    sink.put_parts(built.cid, built.parts)
    return built


# --- reading ----------------------------------------------------------------------------------

GetBlock = Callable[[CID], bytes]


@dataclass(frozen=True)
class Shard:
    """One decoded shard node (hamt.go ``NewHamtFromDag``): its links in stored order, the
    occupied-index bitfield as an integer, and the fanout with its derived widths."""

    links: tuple[dagpb.PBLink, ...]
    bitfield: int
    fanout: int
    width: int
    padlen: int

    def link_for(self, index: int) -> Optional[dagpb.PBLink]:
        """``childer.sliceIndex``: the link of bucket ``index`` (``OnesBefore``), or ``None``."""
        if not (self.bitfield >> index) & 1:
            return None
        return self.links[bin(self.bitfield & ((1 << index) - 1)).count("1")]

    def split(self, link: dagpb.PBLink) -> Optional[str]:
        """``childLinkType``: ``None`` for a sub-shard link (bare prefix), else the entry name
        (the link name without its ``maxpadlen`` prefix, cut in bytes as Go slices strings)."""
        raw = _name_bytes(link.name or "")
        if len(raw) < self.padlen:
            raise DecodeError(f"invalid link name '{link.name or ''}'")
        if len(raw) == self.padlen:
            return None
        return _name_str(raw[self.padlen:])


def decode_shard(block: bytes | bytearray | memoryview) -> Shard:
    """Parse and check a HAMT shard block as ``NewHamtFromDag`` does (plus a check Go leaves
    to the first lookup: as many links as bits set). Raises :class:`DecodeError`.

    Shards are immutable and content-addressed, so recent decodings are kept: repeated
    lookups in one directory decode its root and sub-shards once (decoding a 256-link dag-pb
    node is the expensive part of a lookup)."""
    return _decode_shard(bytes(block))


@lru_cache(maxsize=256)
def _decode_shard(block: bytes) -> Shard:
    node = dagpb.decode(block)
    fsdata = unixfs_pb.decode(node.data or b"")
    if fsdata.type != DataType.HAMTShard:
        raise DecodeError(ERR_NOT_SHARD)
    if fsdata.hash_type != HASH_MURMUR3:
        raise DecodeError(ERR_HASH_TYPE)
    fanout = fsdata.fanout or 0
    if fanout <= 0 or fanout & (fanout - 1):
        raise DecodeError(ERR_POWER_OF_TWO)
    if fanout > MAX_FANOUT:
        raise DecodeError(err_hamt_width(fanout, MAX_FANOUT))
    if fanout % 8:
        raise DecodeError(ERR_BITFIELD_SIZE)
    data = fsdata.data or b""
    if len(data) > fanout // 8:
        raise DecodeError(ERR_BITFIELD_TOO_SMALL)
    bits = int.from_bytes(data, "big")
    ones = bin(bits).count("1")
    if ones != len(node.links):
        raise DecodeError(f"invalid HAMT shard: bitfield has {ones} entries but the node has "
                          f"{len(node.links)} links (likely corrupt bitfield)")
    return Shard(tuple(node.links), bits, fanout, _log2(fanout), prefix_width(fanout))


def _load_child(get_block: GetBlock, link: dagpb.PBLink) -> Shard:
    if link.cid.codec.code != DAG_PB:
        raise DecodeError(ERR_NOT_PROTOBUF)
    return decode_shard(get_block(link.cid))


def iter_entries(get_block: GetBlock, root_block: bytes) -> Iterator[tuple[str, dagpb.PBLink]]:
    """Every entry of a sharded directory as ``(name, link)``, the link carrying the entry's
    real name, CID and ``Tsize``.

    Order: hamt.go ``Shard.ForEachLink`` (``walkTrie``): the links of each shard node in
    stored (index) order, descending into a sub-shard where its link stands. kubo's
    ``EnumLinksAsync`` (``ls``, gateway listings) walks with 32 workers and promises no order;
    non-streaming ``ipfs ls`` sorts by name anyway (kubo core/commands/ls.go).
    """
    root = decode_shard(root_block)
    # (links left, shard, hash bits its index consumes up to and including it)
    stack: list[tuple[Iterator[dagpb.PBLink], Shard, int]] = [(iter(root.links), root, root.width)]
    while stack:
        links, shard, consumed = stack[-1]
        link = next(links, None)
        if link is None:
            stack.pop()
            continue
        name = shard.split(link)
        if name is None:
            child = _load_child(get_block, link)
            if consumed + child.width > _HASH_BITS:  # no name could be stored this deep
                raise DecodeError(ERR_TOO_DEEP)
            stack.append((iter(child.links), child, consumed + child.width))
            continue
        yield name, dagpb.PBLink(link.cid, name, link.tsize)


def lookup(get_block: GetBlock, root_block: bytes, name: str) -> Optional[dagpb.PBLink]:
    """hamt.go ``Shard.Find``: follow ``name``'s hash down the trie; the entry's link (named
    ``name``) or ``None`` when absent."""
    key = _name_bytes(name)
    hash_value = hamt_hash(key)
    shard = decode_shard(root_block)
    consumed = 0
    while True:
        try:
            index = bucket_index(hash_value, consumed, shard.width)
        except IPFSError:
            raise DecodeError(ERR_TOO_DEEP) from None
        consumed += shard.width
        link = shard.link_for(index)
        if link is None:
            return None
        entry = shard.split(link)
        if entry is None:
            shard = _load_child(get_block, link)
            continue
        if _name_bytes(entry) != key:
            return None
        return dagpb.PBLink(link.cid, entry, link.tsize)
