"""``/api/v0/name/publish`` and ``/api/v0/name/resolve``: kubo core/commands/name/publish.go
and ipns.go over :mod:`fakeipfs.ipns`.

``publish`` answers ``{"Name": <key id>, "Value": <path>}`` (the key ID in ``--ipns-base``,
base36 from 0.7, base58btc before); ``resolve`` answers ``{"Path": <path>}``, or one such
value per result with ``--stream``.
"""
from __future__ import annotations

from .. import errors, identity, ipns
from ..durations import parse_duration
from ..errors import InvalidArgument
from .commands import STRING, UINT, Arg, Call, command, opt
from .key import IPNS_BASE, ipns_encoder
from .wire import Response, channel_response, single_response


@command("name/publish", args=(Arg("ipfs-path", stdin=True),), options=(
    opt("resolve", default=True), opt("lifetime", "t", kind=STRING, default=ipns.DEFAULT_LIFETIME),
    opt("allow-offline"), opt("ttl", kind=STRING), opt("key", "k", kind=STRING, default="self"),
    opt("quieter", "Q"), IPNS_BASE))
def publish(call: Call) -> Response:
    base = ipns_encoder(call)
    peer, path = ipns.of(call.node).publish(
        call.args[0], key=call.option("key", "self"), lifetime=call.option("lifetime", ipns.DEFAULT_LIFETIME),
        ttl=call.option("ttl"), resolve=call.option("resolve", True))
    return single_response({"Name": peer.format(base), "Value": path})


def check_dht_timeout(call: Call) -> None:
    """kubo name/ipns.go and resolve.go: ``--dht-timeout`` must be a Go duration, not negative."""
    if call.has("dht-timeout"):
        try:
            timeout = parse_duration(call.options["dht-timeout"])
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from None
        if timeout < 0:
            raise InvalidArgument(errors.ERR_DHT_TIMEOUT_NEGATIVE)


@command("name/resolve", args=(Arg("name", required=False),), options=(
    opt("recursive", "r", default=True), opt("nocache", "n"), opt("dht-record-count", "dhtrc", kind=UINT),
    opt("dht-timeout", "dhtt", kind=STRING), opt("stream", "s")))
def resolve(call: Call) -> Response:
    name = call.args[0] if call.args else identity.of(call.node).peer_id
    recursive = call.option("recursive", True)
    check_dht_timeout(call)
    try:
        path = ipns.of(call.node).resolve(name, recursive=recursive)
    except ipns.RecursionLimit as exc:
        if recursive:
            raise
        path = exc.path
    if call.option("stream", False):
        return channel_response([{"Path": path}])
    return single_response({"Path": path})
