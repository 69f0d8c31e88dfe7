"""``ipfs block put`` CIDs, by kubo version.

Up to 0.12 (kubo core/commands/block.go and interface-go-ipfs-core v0.4.0 options/block.go
``BlockPutOptions``): ``format`` defaults to "v0" (CIDv0 dag-pb) when the hash is sha2-256 of
default length, else "protobuf"; known formats are go-cid's ``Codecs`` names. From 0.13
(:attr:`~fakeipfs.versions.KuboVersion.block_put_cid_codec`; interface-go-ipfs-core v0.7.0
options/block.go): ``cid-codec`` (default raw) is any go-multicodec name and gives CIDv1;
``format`` still works, with its legacy names. In every version ``mhtype`` is looked up in
go-multihash's ``Names`` and the digest is cut to ``mhlen`` bytes (``cid.Prefix.Sum``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from multiformats import CID, multicodec, multihash, varint

from .errors import (ERR_FORMAT_AND_CID_CODEC, ERR_MH_LEN_TOO_LARGE, InvalidArgument,
                     err_mh_identity_length, err_unknown_multicodec,
                     err_unrecognized_multihash_function)
from .hashing import DAG_PB, IDENTITY, get_hasher
from .versions import KuboVersion

#: go-cid ``Codecs`` (the names ``--format`` accepted).
FORMATS = {"v0": 0x70, "raw": 0x55, "protobuf": 0x70, "cbor": 0x71, "dag-pb": 0x70,
           "dag-cbor": 0x71, "dag-json": 0x0129, "json": 0x0200, "libp2p-key": 0x72,
           "git-raw": 0x78}
#: interface-go-ipfs-core v0.7.0 options/block.go ``Format``: legacy names fixed up to multicodec's.
_LEGACY_FORMAT_NAMES = {"v0": "dag-pb", "protobuf": "dag-pb", "cbor": "dag-cbor"}
ERR_CIDV0_HASH = "only sha2-255-32 is allowed with CIDv0"  # sic, options/block.go


@dataclass(frozen=True)
class PutPrefix:
    """go-cid ``Prefix`` for ``block put``: CID version, codec, hash function, digest length
    (-1: the function's own)."""

    version: int
    codec: int
    mhtype: str
    mhlen: int

    def sum(self, data: bytes) -> CID:
        """go-cid ``Prefix.Sum``: go-multihash ``Sum(data, type, length)`` truncates the digest
        to ``length`` and refuses a longer one (``ErrLenTooLarge``); identity must be exact."""
        hasher = get_hasher(self.mhtype)
        digest = multihash.unwrap(hasher.multihash(data))
        if self.mhlen >= 0:
            if hasher.code == IDENTITY and self.mhlen != len(digest):
                raise InvalidArgument(err_mh_identity_length(self.mhlen, len(digest)))
            if len(digest) < self.mhlen:
                raise InvalidArgument(ERR_MH_LEN_TOO_LARGE)
            digest = digest[:self.mhlen]
        mh = varint.encode(hasher.code) + varint.encode(len(digest)) + digest
        return CID("base58btc" if self.version == 0 else "base32", self.version, self.codec, mh)


def code_from_name(name: str) -> int:
    """go-multicodec ``Code.Set`` by name, as options/block.go ``codeFromName`` calls it (Go also
    takes a number there; fakeipfs takes names only)."""
    if not multicodec.exists(name):
        raise InvalidArgument(err_unknown_multicodec(name))
    return multicodec.get(name).code


def _default_hash(mhtype: str, mhlen: int) -> bool:
    return mhtype == "sha2-256" and mhlen in (-1, 32)


def put_prefix(version: KuboVersion, format: Optional[str], cid_codec: Optional[str],
               mhtype: str, mhlen: int) -> PutPrefix:
    """The prefix ``block put`` hashes with, or kubo's error (in kubo's order: the hash name,
    then format/codec)."""
    if not multicodec.exists(mhtype) or multicodec.get(mhtype).tag != "multihash":
        # core/commands/block.go: `mh.Names[mhtype]`, exact spelling
        raise InvalidArgument(err_unrecognized_multihash_function(mhtype))
    if version.block_put_cid_codec:
        if format:
            # v0.13 core/commands/block.go: "use of legacy 'format' needs to supress 'cid-codec'"
            if cid_codec and cid_codec != "raw":
                raise InvalidArgument(ERR_FORMAT_AND_CID_CODEC)
            codec = code_from_name(_LEGACY_FORMAT_NAMES.get(format, format))
            if format == "v0":
                if not _default_hash(mhtype, mhlen):
                    raise InvalidArgument(ERR_CIDV0_HASH)
                return PutPrefix(0, codec, mhtype, mhlen)
            return PutPrefix(1, codec, mhtype, mhlen)
        return PutPrefix(1, code_from_name(cid_codec or "raw"), mhtype, mhlen)
    # v0.7.0 core/commands/block.go: an unset format is "v0", or "protobuf" for another hash
    fmt = format or ("v0" if _default_hash(mhtype, mhlen) else "protobuf")
    if fmt not in FORMATS:
        raise InvalidArgument(f"unrecognized format: {fmt}")
    if fmt == "v0":
        if not _default_hash(mhtype, mhlen):
            raise InvalidArgument(ERR_CIDV0_HASH)
        return PutPrefix(0, DAG_PB, mhtype, mhlen)
    return PutPrefix(1, FORMATS[fmt], mhtype, mhlen)
