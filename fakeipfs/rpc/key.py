"""``/api/v0/key/*``: kubo core/commands/keystore.go over core/coreapi/key.go.

``key gen``, ``list``, ``rename``, ``rm`` and (from 0.7) ``import``. ``key export`` and
``key rotate`` are ``NoRemote`` in kubo: over HTTP they are ``404 page not found``, as here.
Key IDs print as base58btc multihashes before 0.7 and as base36 ``libp2p-key`` CIDs from 0.7
(``--ipns-base``, core/commands/keyencode/keyencode.go).
"""
from __future__ import annotations

from typing import Optional

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from multiformats import multibase

from .. import errors, keystore, versions
from ..errors import IPFSError
from ..identity import PeerID, PrivateKey, unmarshal_private_key
from ._cmdenv import _multibase_by_name, file_arg
from .commands import BOOL, INT, STRING, Arg, Call, command, opt
from .wire import Response, single_response

#: keyencode.go ``OptionIPNSBase``
IPNS_BASE = opt("ipns-base", kind=STRING, default="base36")
LIBP2P_CLEARTEXT, PEM_CLEARTEXT = "libp2p-protobuf-cleartext", "pem-pkcs8-cleartext"


def key_encoder(label: str) -> Optional[multibase.Multibase]:
    """keyencode.go ``KeyEncoderFromString``: ``b58mh``/``v0`` is the base58btc multihash
    (None), anything else a multibase for a CIDv1 ``libp2p-key``."""
    if label in ("b58mh", "v0"):
        return None
    return _multibase_by_name(label)


def ipns_encoder(call: Call) -> Optional[multibase.Multibase]:
    """The encoder of ``--ipns-base`` (base36 by default) from 0.7; base58btc before."""
    if not versions.ipns_base36_keys(call.version):
        return None
    return key_encoder(call.option("ipns-base", "base36"))


def _key(name: str, peer: PeerID, base: Optional[multibase.Multibase]) -> dict:
    """``KeyOutput``."""
    return {"Name": name, "Id": peer.format(base)}


@command("key/gen", args=(Arg("name"),),
         options=(opt("type", "t", kind=STRING), opt("size", "s", kind=INT), IPNS_BASE))
def gen(call: Call) -> Response:
    key_type = call.option("type", versions.key_gen_default_type(call.version))
    if key_type is None:
        raise IPFSError(errors.ERR_KEY_TYPE_REQUIRED)
    name = call.args[0]
    if name == keystore.SELF:
        raise IPFSError(errors.ERR_KEY_CREATE_SELF)
    base = ipns_encoder(call)
    key = keystore.of(call.node).generate(name, key_type, call.option("size"))
    return single_response(_key(name, key.id, base))


@command("key/list", options=(opt("l"), IPNS_BASE))
def list_keys(call: Call) -> Response:
    base = ipns_encoder(call)
    return single_response({"Keys": [_key(k.name, k.id, base) for k in keystore.of(call.node).list()]})


@command("key/rename", args=(Arg("name"), Arg("newName")), options=(opt("force", "f"), IPNS_BASE))
def rename(call: Call) -> Response:
    base = ipns_encoder(call)
    old, new = call.args[0], call.args[1]
    key, overwritten = keystore.of(call.node).rename(old, new, force=call.option("force", False))
    return single_response({"Was": old, "Now": new, "Id": key.id.format(base), "Overwrite": overwritten})


@command("key/rm", args=(Arg("name", variadic=True, stdin=True),), options=(opt("l"), IPNS_BASE))
def rm(call: Call) -> Response:
    """Each name in turn; the first failure ends the command (keys removed before stay removed)."""
    base = ipns_encoder(call)
    store = keystore.of(call.node)
    removed = [_key(name, store.remove(name).id, base) for name in call.args]
    return single_response({"Keys": removed})


@command("key/import", args=(Arg("name"), Arg("key", file=True)), since="0.7.0", options=(
    IPNS_BASE, opt("format", "f", kind=STRING, default=LIBP2P_CLEARTEXT),
    opt("allow-any-key-type", kind=BOOL, default=False)))
def import_key(call: Call) -> Response:
    name = call.args[0]
    if name == keystore.SELF:
        raise IPFSError(errors.ERR_KEY_IMPORT_SELF)
    base = ipns_encoder(call)
    data = file_arg(call)
    if not versions.key_import_formats(call.version):
        key = unmarshal_private_key(data)
    else:
        key = _decode_import(data, call.option("format", LIBP2P_CLEARTEXT))
    return single_response(_key(name, keystore.of(call.node).import_key(name, key).id, base))


def _decode_import(data: bytes, fmt: str) -> PrivateKey:
    """keystore.go import (0.13+): ``libp2p-protobuf-cleartext`` or a PKCS#8 ``PRIVATE KEY``
    PEM block (``pem-pkcs8-cleartext``) holding an RSA or Ed25519 key."""
    if fmt == LIBP2P_CLEARTEXT:
        try:
            return unmarshal_private_key(data)
        except IPFSError as exc:
            if data.lstrip().startswith(b"-----BEGIN "):
                raise IPFSError(f"unexpected PEM block for format={LIBP2P_CLEARTEXT}: "
                                f"try again with format={PEM_CLEARTEXT}") from None
            raise IPFSError(errors.err_key_unmarshal(exc.message)) from None
    if fmt != PEM_CLEARTEXT:
        raise IPFSError(errors.err_unrecognized_import_format(fmt))
    text = data.decode("latin-1")
    begin = text.find("-----BEGIN ")
    if begin < 0:
        raise IPFSError(f"PEM block not found in input data:\n{text}")
    label = text[begin + 11:text.find("-----", begin + 11)]
    if label != "PRIVATE KEY":
        raise IPFSError(f"expected PRIVATE KEY type in PEM block but got: {label}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except ValueError as exc:
        raise IPFSError(f"parsing PKCS8 format: {exc}") from None
    if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise IPFSError(f"key type {type(key).__name__} is not allowed to be imported, only RSA or "
                        "Ed25519; use flag --allow-any-key-type if you are sure of what you're doing")
    return PrivateKey(key)
