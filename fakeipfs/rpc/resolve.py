"""``/api/v0/resolve``: kubo core/commands/resolve.go (v0.7.0).

``{"Path": "/<namespace>/<cid>[/<remainder>]"}``. Without ``--cid-base`` the CID keeps the form
it had in the argument (``cmdenv.CidEncoderFromPath``: a v1 CID its multibase, a v0 CID
base58btc); with it, or for an ``/ipns/`` name, ``GetCidEncoder``. An ``/ipns/`` name is
resolved by :mod:`fakeipfs.ipns`: one step and answered as is without ``recursive``, else to
its ``/ipfs/`` path and on through the DAG.
"""
from __future__ import annotations

from .. import ipns
from ..path import parse
from ..cidutil import encoder_from_path
from ._cmdenv import cid_encoder
from .name import check_dht_timeout
from .commands import INT, STRING, Arg, Call, command, opt
from .wire import Response, single_response


@command("resolve", args=(Arg("name", stdin=True),), options=(
    opt("recursive", "r", default=True), opt("dht-record-count", "dhtrc", kind=INT),
    opt("dht-timeout", "dhtt", kind=STRING)))
def resolve(call: Call) -> Response:
    name = call.args[0]
    is_ipns = name.startswith(ipns.IPNS_PREFIX)
    if is_ipns and not call.option("recursive", True):
        return single_response({"Path": _ipns_step(call, name)})
    encoder = None
    if not call.option("cid-base") and not is_ipns:
        encoder = encoder_from_path(name)
    if encoder is None:
        encoder = cid_encoder(call)
    if is_ipns:
        name = ipns.of(call.node).resolve(name)
    cid, rest = call.node.dag_resolve(name)
    resolved = f"/{parse(name).namespace}/{encoder.encode(cid)}"
    if rest:
        resolved += "/" + rest
    return single_response({"Path": resolved})


def _ipns_step(call: Call, name: str) -> str:
    """``Name().Resolve`` with depth 1; reaching another ``/ipns/`` path is not an error
    (``ErrResolveRecursion``)."""
    check_dht_timeout(call)
    try:
        return ipns.of(call.node).resolve(name, recursive=False)
    except ipns.RecursionLimit as exc:
        return exc.path
