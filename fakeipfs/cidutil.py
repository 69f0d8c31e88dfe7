"""CID text forms as kubo prints them (go-cidutil ``cidenc``, kubo core/commands/cmdenv/cidbase.go).

CIDv0 prints in base58btc, CIDv1 in base32 by default. ``--cid-base`` picks another multibase
and, for commands that auto-upgrade (``add``, ``ls`` ...), turns v0 CIDs into v1 first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from multiformats import CID, multibase

from .errors import InvalidArgument, err_unsupported_multibase


def format_cid(cid: CID, cid_base: Optional[str] = None, upgrade: bool = True) -> str:
    """``cidenc.Encoder.Encode``: default text, or ``cid_base`` (v0 upgraded to v1 when asked).
    ``cid_base`` is a name or a one-character prefix, as go-multibase ``EncoderByName`` takes it."""
    if not cid_base:
        return str(cid)
    try:
        base = multibase.get(code=cid_base) if len(cid_base) == 1 else multibase.get(cid_base)
    except Exception:
        raise InvalidArgument(err_unsupported_multibase(cid_base)) from None
    if cid.version == 0:
        if not upgrade:
            return str(cid)
        cid = cid.set(version=1)
    return cid.encode(base)


@dataclass(frozen=True)
class CidEncoder:
    """go-cidutil ``cidenc.Encoder``: CIDv0 stays base58btc unless ``upgrade`` makes it CIDv1
    first; CIDv1 prints in ``base`` (a multibase or its name; base32 by default)."""

    base: "Union[str, multibase.Multibase, None]" = None
    upgrade: bool = False

    def encode(self, cid: CID) -> str:
        if self.upgrade and cid.version == 0:
            cid = cid.set(version=1)
        if cid.version == 0:
            return str(cid)
        return cid.encode(self.base or "base32")


def encoder_from_path(path: str) -> Optional[CidEncoder]:
    """kubo cmdenv ``CidEncoderFromPath``: a CIDv0 in the path keeps the default encoder, a
    CIDv1 its own multibase (with upgrades); None when the path holds no CID."""
    parts = path.split("/", 3)
    if parts[0]:
        text = parts[0]
    elif len(parts) < 3:
        return None
    else:
        text = parts[2]
    try:
        cid = CID.decode(text)
    except Exception:
        return None
    if cid.version == 0:
        return CidEncoder()
    return CidEncoder(multibase.from_str(text), True)
