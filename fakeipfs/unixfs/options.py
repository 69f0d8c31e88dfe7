"""``ipfs add`` options, with kubo's names, defaults and cross-flag rules in one place.

Defaults: kubo config/import.go and core/coreiface/options/unixfs.go (``UnixfsAddOptions``);
flag interplay: core/commands/add.go ``Run``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .. import errors
from ..errors import InvalidArgument
from ..hashing import CidBuilder, UnknownHashFunction, get_hasher
from ..versions import DEFAULT_KUBO_VERSION, KuboVersion, add_hash_error_quoted
from . import chunker as chunkers

#: boxo ipld/unixfs/importer/helpers/helpers.go: ``DefaultLinksPerBlock = 8192 / 47``.
DEFAULT_LINKS_PER_BLOCK = (1 << 13) // (34 + 8 + 5)
#: boxo verifcid ``DefaultMaxIdentityDigestSize``: the largest ``--inline-limit``.
MAX_IDENTITY_DIGEST = 128


@dataclass
class AddOptions:
    """What ``ipfs add`` accepts; ``None`` means "not sent" where kubo distinguishes it."""

    chunker: str = "size-262144"
    trickle: bool = False
    raw_leaves: Optional[bool] = None
    cid_version: Optional[int] = None
    hash: str = "sha2-256"
    inline: bool = False
    inline_limit: int = 32
    only_hash: bool = False
    pin: bool = True
    wrap_with_directory: bool = False
    hidden: bool = False
    nocopy: bool = False
    preserve_mode: bool = False
    preserve_mtime: bool = False
    mode: Optional[int] = None
    mtime: Optional[int] = None
    mtime_nsecs: Optional[int] = None
    max_file_links: Optional[int] = None
    empty_dirs: bool = True
    kubo_version: str = DEFAULT_KUBO_VERSION

    def resolve(self) -> "Settings":
        """Apply kubo's rules, raising kubo's error for any bad combination."""
        version = KuboVersion.parse(self.kubo_version)
        chunkers.validate(self.chunker or "size-262144", version)
        if self.inline and self.inline_limit > MAX_IDENTITY_DIGEST:
            raise InvalidArgument(errors.err_inline_limit(self.inline_limit, MAX_IDENTITY_DIGEST))
        raw_set = self.raw_leaves is not None
        raw = bool(self.raw_leaves)
        mode = self.mode or 0
        mtime = self.mtime or 0
        if self.preserve_mode or self.preserve_mtime or mode or mtime:
            # add.go: UnixFS 1.5 metadata needs a dag-pb root, so raw leaves are turned off,
            # unless the user asked for them explicitly.
            if raw_set and raw:
                raise InvalidArgument(errors.ERR_RAW_LEAVES_METADATA)
            raw_set, raw = True, False
        if self.mtime_nsecs and not mtime:
            raise InvalidArgument(errors.ERR_MTIME_NSECS)
        try:
            hasher = get_hasher(self.hash or "sha2-256")
        except UnknownHashFunction as exc:
            # add.go: "unrecognized hash function: %s", %q from 0.16
            raise InvalidArgument(errors.err_unrecognized_hash(
                exc.name, quoted=add_hash_error_quoted(version))) from None
        # options/unixfs.go UnixfsAddOptions
        if self.nocopy and not raw:
            if raw_set:
                raise InvalidArgument(errors.ERR_NOCOPY_RAW_LEAVES)
            raw = True
        version_number = -1 if self.cid_version is None else self.cid_version
        if hasher.name != "sha2-256":
            if version_number == 0:
                raise InvalidArgument(errors.ERR_CIDV0_SHA256)
            if version_number not in (1, -1):
                raise InvalidArgument(errors.err_unknown_cid_version(version_number))
            version_number = 1
        elif version_number < 0:
            version_number = 0
        if version_number not in (0, 1):
            # merkledag.PrefixForCidVersion
            raise InvalidArgument(f"unknown CID version: {version_number}")
        preserve_mtime = self.preserve_mtime and not mtime
        preserve_mode = self.preserve_mode and not mode
        if version_number > 0 and not raw_set:
            raw = True
        builder = CidBuilder(version_number, hasher, self.inline_limit if self.inline else None)
        return Settings(
            chunker=self.chunker or "size-262144", trickle=self.trickle, raw_leaves=raw,
            builder=builder, max_links=self.max_file_links or DEFAULT_LINKS_PER_BLOCK,
            only_hash=self.only_hash, pin=self.pin and not self.only_hash,
            wrap=self.wrap_with_directory, preserve_mode=preserve_mode,
            preserve_mtime=preserve_mtime, mode=mode,
            mtime=(mtime, self.mtime_nsecs or 0) if mtime else None,
            empty_dirs=self.empty_dirs, kubo_version=version)


@dataclass(frozen=True)
class Settings:
    """Resolved add settings: what the importer actually runs with."""

    chunker: str
    trickle: bool
    raw_leaves: bool
    builder: CidBuilder
    max_links: int
    only_hash: bool
    pin: bool
    wrap: bool
    preserve_mode: bool
    preserve_mtime: bool
    mode: int
    mtime: Optional[tuple[int, int]]
    empty_dirs: bool
    kubo_version: KuboVersion
