"""CID text forms as kubo prints them (go-cidutil ``cidenc``, kubo core/commands/cmdenv/cidbase.go).

CIDv0 prints in base58btc, CIDv1 in base32 by default. ``--cid-base`` picks another multibase
and, for commands that auto-upgrade (``add``, ``ls`` ...), turns v0 CIDs into v1 first.
"""
from __future__ import annotations

from typing import Optional

from multiformats import CID, multibase

from .errors import InvalidArgument, err_unsupported_multibase


def parse_cid(text: str) -> CID:
    """Decode a CID string, raising kubo's wording for bad input (boxo path/cid parsing)."""
    try:
        return CID.decode(text)
    except Exception as exc:
        raise InvalidArgument(f"invalid cid: {exc}") from None


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
