"""CIDs in binary form, read as go-cid reads them (``CidFromBytes``, ``Cast``) and printed as
go-cid prints them; shared by the dag-pb, dag-cbor, dag-json and CAR codecs.

Construction skips py-multiformats' per-call type validation (:func:`fakeipfs.hashing.make_cid`):
decoding a 256-link directory must not cost a tenth of a second.
"""
from __future__ import annotations

from functools import lru_cache

from multiformats import CID, multicodec, multihash

from fakeipfs import errors
from fakeipfs.errors import DecodeError
from fakeipfs.hashing import make_cid


def go_uvarint(buf: bytes, offset: int = 0) -> tuple[int, int]:
    """go-varint ``FromUvarint``: ``(value, bytes read)``; at most 9 bytes, minimal.

    Raises ``DecodeError`` with go-varint's message (without go-cid's wrapping).
    """
    value = 0
    shift = 0
    for index in range(len(buf) - offset):
        byte = buf[offset + index]
        if (index == 8 and byte >= 0x80) or index >= 9:
            raise DecodeError(errors.ERR_VARINT_OVERFLOW)
        if byte < 0x80:
            if byte == 0 and shift > 0:
                raise DecodeError(errors.ERR_VARINT_NOT_MINIMAL)
            return value | (byte << shift), index + 1
        value |= (byte & 0x7F) << shift
        shift += 7
    raise DecodeError(errors.ERR_VARINT_UNDERFLOW)


def _multihash_length(buf: bytes, offset: int) -> int:
    """go-multihash ``readMultihashFromBuf``: the byte length of the multihash at ``offset``."""
    if len(buf) - offset < 2:
        raise DecodeError(errors.ERR_MH_TOO_SHORT)
    _, code_len = go_uvarint(buf, offset)
    digest_len, len_len = go_uvarint(buf, offset + code_len)
    if digest_len > 0x7FFFFFFF:
        raise DecodeError(errors.ERR_MH_DIGEST_TOO_LONG)
    start = offset + code_len + len_len
    if digest_len > len(buf) - start:
        raise DecodeError(errors.ERR_MH_LENGTH_BEYOND_BUFFER)
    return code_len + len_len + digest_len


def cid_from_bytes(buf: bytes) -> tuple[CID, int]:
    """go-cid ``CidFromBytes``: the CID at the start of ``buf`` and its length in bytes.

    Errors read ``invalid cid: <reason>`` as go-cid words them. A CID that go-cid accepts but
    py-multiformats cannot represent (unregistered codec or multihash) raises
    :func:`fakeipfs.errors.err_unsupported_cid`.
    """
    try:
        if len(buf) > 2 and buf[0] == 0x12 and buf[1] == 32:
            if len(buf) < 34:
                raise DecodeError(errors.ERR_CID_V0_TOO_SHORT)
            return _to_cid(buf[:34]), 34
        version, used = go_uvarint(buf)
        if version != 1:
            raise DecodeError(errors.err_cid_version(version))
        _, codec_len = go_uvarint(buf, used)
        total = used + codec_len + _multihash_length(buf, used + codec_len)
    except DecodeError as exc:
        raise DecodeError(errors.err_invalid_cid(exc.message)) from None
    return _to_cid(buf[:total]), total


def cid_cast(buf: bytes) -> CID:
    """go-cid ``Cast``: exactly one CID; note Go wraps ``CidFromBytes``' error a second time."""
    try:
        cid, used = cid_from_bytes(buf)
    except DecodeError as exc:
        if exc.message.startswith("fakeipfs:"):
            raise
        raise DecodeError(errors.err_invalid_cid(exc.message)) from None
    if used != len(buf):
        raise DecodeError(errors.err_invalid_cid(errors.ERR_CID_TRAILING))
    return cid


@lru_cache(maxsize=None)
def _known(codec: int, hashfun: int) -> "tuple[multicodec.Multicodec, multihash.Multihash] | None":
    try:
        return multicodec.get(code=codec), multihash.get(code=hashfun)
    except Exception:
        return None


def _to_cid(raw: bytes) -> CID:
    """A py-multiformats CID whose ``str()`` is go-cid's (CIDv1 in base32, not base58btc).

    ``raw`` has been checked by :func:`cid_from_bytes` (or comes from a string decoder)."""
    try:
        if len(raw) == 34 and raw[0] == 0x12 and raw[1] == 32:
            return make_cid(0, 0x70, multihash.get(code=0x12), raw)
        version, used = go_uvarint(raw)
        codec, codec_len = go_uvarint(raw, used)
        mh = raw[used + codec_len:]
        code, _ = go_uvarint(mh)
        known = _known(codec, code) if version == 1 else None
        if known is not None and _multihash_length(mh, 0) == len(mh):
            return make_cid(1, codec, known[1], mh)
        cid = CID.decode(raw)
        return cid if cid.version == 0 else cid.set(base="base32")
    except Exception as exc:  # py-multiformats: KeyError/ValueError subclasses
        raise DecodeError(errors.err_unsupported_cid(_exc_text(exc))) from None


def _exc_text(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, KeyError) and len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1]
    return text


def cid_to_string(cid: CID) -> str:
    """go-cid ``Cid.String()``: base58btc for CIDv0, base32 (``b...``) for CIDv1."""
    if cid.version == 0:
        return cid.encode()  # a bare base58btc multihash, no multibase prefix
    return cid.encode("base32")
