"""``ipfs block put`` CID prefixes, by kubo version.

Up to 0.12 (kubo core/coreiface/options/block.go at v0.7.0 ``BlockPutOptions``): ``format``
defaults to "v0" (CIDv0 dag-pb) when the hash is sha2-256 of default length, else "protobuf";
known formats are go-cid's ``Codecs`` names. From 0.13 (docs/changelogs/v0.13.md "ipfs block
put" defaults to raw): ``cid-codec`` (default raw) gives CIDv1; ``format`` still works.
"""
from __future__ import annotations

from typing import Optional

from .errors import InvalidArgument
from .versions import KuboVersion

V0_13 = KuboVersion(0, 13, 0)

#: go-cid ``Codecs`` (the names ``--format`` accepted).
FORMATS = {"v0": 0x70, "raw": 0x55, "protobuf": 0x70, "cbor": 0x71, "dag-pb": 0x70,
           "dag-cbor": 0x71, "dag-json": 0x0129, "json": 0x0200, "libp2p-key": 0x72,
           "git-raw": 0x78}


def put_prefix(version: KuboVersion, format: Optional[str], cid_codec: Optional[str],
               mhtype: str, mhlen: int) -> tuple[int, int]:
    """(CID version, codec) for ``block put``, or kubo's error."""
    default_hash = mhtype.lower() == "sha2-256" and mhlen in (-1, 32)
    if version >= V0_13 and not format:
        codec_name = cid_codec or "raw"
        if codec_name not in FORMATS or codec_name in ("v0", "protobuf", "cbor"):
            raise InvalidArgument(f"unrecognized codec: {codec_name}" if codec_name not in FORMATS
                                  else f"unknown multicodec: {codec_name!r}")
        return 1, FORMATS[codec_name]
    fmt = format or ("v0" if default_hash else "protobuf")
    if fmt not in FORMATS:
        raise InvalidArgument(f"unrecognized format: {fmt}")
    if fmt == "v0":
        if not default_hash:
            raise InvalidArgument("only sha2-255-32 is allowed with CIDv0")
        return 0, 0x70
    return 1, FORMATS[fmt]
