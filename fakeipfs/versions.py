"""Emulated kubo versions.

fakeipfs emulates one kubo version at a time (``kubo_version``, default ``0.7.0``, the newest
that ipfshttpclient 0.7.0 accepts). Each behaviour that changed in kubo's history is a named
predicate here, next to the changelog line that dates it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import total_ordering

DEFAULT_KUBO_VERSION = "0.7.0"


@total_ordering
@dataclass(frozen=True)
class KuboVersion:
    """A kubo release number, compared numerically (``0.10.0 > 0.9.1``)."""

    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: "str | KuboVersion") -> "KuboVersion":
        if isinstance(text, KuboVersion):
            return text
        core = text.strip().lstrip("v").split("-", 1)[0]
        parts = core.split(".")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            raise ValueError(f"invalid kubo version: {text!r}") from None
        if not 2 <= len(nums) <= 3:
            raise ValueError(f"invalid kubo version: {text!r}")
        return cls(*nums)

    def __lt__(self, other: "KuboVersion") -> bool:
        return (self.major, self.minor, self.patch) < (other.major, other.minor, other.patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    # --- predicates, each dated by kubo's changelog -------------------------------------------

    @property
    def chunk_size_limit(self) -> int:
        """Largest ``--chunker`` size.

        docs/changelogs/v0.40.md "Block size limit raised to 2MiB": the max chunker value is
        2MiB - 256 bytes (boxo chunker/parse.go ``ChunkSizeLimit``). Before, go-ipfs-chunker capped
        it at 1MiB (``ChunkSizeLimit = 1048576``).
        """
        if self >= V0_40:
            return 2 * 1024 * 1024 - 256
        return 1024 * 1024

    @property
    def block_size_limit(self) -> int:
        """boxo chunker ``BlockSizeLimit`` (2MiB from v0.40, 1MiB before)."""
        return 2 * 1024 * 1024 if self >= V0_40 else 1024 * 1024

    @property
    def hamt_auto_sharding(self) -> bool:
        """Directories switch to HAMT by size from 0.11 (docs/changelogs/v0.11.md
        "Automatic sharding"); before, only with ``Experimental.ShardingEnabled`` (all directories)."""
        return self >= V0_11

    @property
    def hamt_threshold_inclusive(self) -> bool:
        """0.11-0.39 shard when size ``>=`` 256KiB (go-unixfs io/directory.go); from 0.40 when
        ``>`` (docs/changelogs/v0.40.md, boxo ipld/unixfs/io/directory.go)."""
        return self < V0_40

    @property
    def hamt_root_metadata(self) -> bool:
        """A sharded directory keeps its mode/mtime from kubo 0.40 (boxo v0.37.0, #1088
        ``Shard.SetStat``); before, ``Shard.Node`` wrote ``HAMTShardData`` without them."""
        return self >= V0_40

    @property
    def add_empty_dirs_option(self) -> bool:
        """``--empty-dirs`` exists from 0.40 (docs/changelogs/v0.40.md); before, empty directories
        were always included, which is also the option's default."""
        return self >= V0_40


V0_11 = KuboVersion(0, 11, 0)
V0_40 = KuboVersion(0, 40, 0)
