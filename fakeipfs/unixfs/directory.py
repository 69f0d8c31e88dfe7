"""UnixFS directories as ``ipfs add`` builds them (boxo ``ipld/unixfs/io/directory.go``).

A basic directory is dag-pb with data ``08 01`` (plus mode/mtime) and one link per entry,
named after it with ``Tsize`` = the entry's cumulative size, sorted by name bytes. It becomes
a HAMT shard (:mod:`fakeipfs.unixfs.hamt`) when its estimated size passes the sharding
threshold, by the rules of the emulated kubo version (see :mod:`fakeipfs.versions`).
"""
from __future__ import annotations

from typing import Optional

from ..codecs import dagpb
from ..codecs.unixfs_pb import DataType, FSData
from ..versions import KuboVersion
from .dagbuilder import BlockSink, Built
from ..hashing import DAG_PB, CidBuilder

#: boxo ipld/unixfs/io/directory.go ``HAMTShardingSize``.
HAMT_SHARDING_SIZE = 256 * 1024


def link_size(name: str, built: Built) -> int:
    """``productionLinkSize``: name bytes plus CID bytes, the legacy size estimate."""
    return len(name.encode("utf-8", "surrogateescape")) + len(bytes(built.cid))


def needs_sharding(entries: dict[str, Built], version: KuboVersion, sharding_enabled: bool) -> bool:
    """Whether kubo would store this directory as a HAMT.

    Before 0.11 only ``Experimental.ShardingEnabled`` shards, and then every directory; from
    0.11 a directory switches once Σ link sizes reaches 256 KiB (``>=`` until 0.39, ``>`` from
    0.40). Entries are only ever added during an import, so the final estimate decides.
    """
    if not version.hamt_auto_sharding:
        # go-mfs only converts inside addUnixFSChild: an empty directory stays basic.
        return sharding_enabled and bool(entries)
    estimate = sum(link_size(name, built) for name, built in entries.items())
    if version.hamt_threshold_inclusive:
        return estimate >= HAMT_SHARDING_SIZE
    return estimate > HAMT_SHARDING_SIZE


def dir_fsdata(mode: int = 0, mtime: Optional[tuple[int, int]] = None) -> FSData:
    fsdata = FSData(DataType.Directory)
    if mode:
        fsdata.set_mode(mode)
    if mtime is not None:
        fsdata.mtime = (mtime[0], mtime[1] or None)
    return fsdata


def build_basic(entries: dict[str, Built], builder: CidBuilder, sink: BlockSink,
                mode: int = 0, mtime: Optional[tuple[int, int]] = None) -> Built:
    """A basic (single-block) directory node, stored into ``sink``."""
    links = dagpb.sorted_links([dagpb.PBLink(b.cid, name, b.tsize) for name, b in entries.items()])
    block = dagpb.encode(dagpb.PBNode(tuple(links), dir_fsdata(mode, mtime).encode()))
    built = Built(builder.cid(DAG_PB, block), len(block) + sum(b.tsize for b in entries.values()),
                  0, (block,))
    sink.put_parts(built.cid, built.parts)
    return built


def build(entries: dict[str, Built], builder: CidBuilder, sink: BlockSink, version: KuboVersion,
          *, mode: int = 0, mtime: Optional[tuple[int, int]] = None,
          sharding_enabled: bool = False) -> Built:
    """The directory node kubo stores for ``entries`` (basic or HAMT)."""
    if needs_sharding(entries, version, sharding_enabled):
        from . import hamt
        keep = version.hamt_root_metadata
        return hamt.build_shard(sorted(entries.items()), builder, sink,
                                mode=mode if keep else 0, mtime=mtime if keep else None)
    return build_basic(entries, builder, sink, mode, mtime)
