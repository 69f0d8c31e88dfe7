"""The few multiaddrs a daemon listens on and a client dials: go-multiaddr's text form for
``/ip4/<addr>/tcp/<port>``, ``/ip6/<addr>/tcp/<port>`` and ``/dns[4|6]/<host>/tcp/<port>``,
optionally ending in ``/http`` (what ipfshttpclient and kubo's ``api`` file use).

kubo turns ``Addresses.API`` / ``--api`` into a listener with go-multiaddr ``manet.Listen``
and prints the listener's multiaddr (with the real port when the address said ``tcp/0``).
Parse errors are fakeipfs' own wording; the daemon wraps them as kubo's ``serveHTTPApi``
does (``invalid API address: "<addr>" (err: ...)``).
"""
from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from typing import Optional

#: go-multiaddr protocols.go names this parser knows.
_HOST_PROTOCOLS = ("ip4", "ip6", "dns", "dns4", "dns6")
_LOOPBACK_NAMES = ("localhost",)


class MultiaddrError(ValueError):
    """A multiaddr that is malformed, or not one of the shapes fakeipfs can listen on."""


@dataclass(frozen=True)
class Multiaddr:
    """``/<proto>/<host>/tcp/<port>[/http]``."""

    proto: str
    host: str
    port: int
    http: bool = False

    @classmethod
    def parse(cls, text: str) -> "Multiaddr":
        """go-multiaddr ``NewMultiaddr`` for the shapes above (a trailing slash is allowed)."""
        if not text.startswith("/"):
            raise MultiaddrError("multiaddr must begin with /")
        parts = text.rstrip("/").split("/")[1:]
        if not parts or parts == [""]:
            raise MultiaddrError("empty multiaddr")
        proto = parts[0]
        if proto not in _HOST_PROTOCOLS:
            raise MultiaddrError(f"no protocol with name {proto}")
        if len(parts) < 2 or not parts[1]:
            raise MultiaddrError("unexpected end of multiaddr")
        host = parts[1]
        if proto == "ip4":
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                raise MultiaddrError(f"failed to parse ip4 addr: {host}") from None
        elif proto == "ip6":
            try:
                host = str(ipaddress.IPv6Address(host))
            except ValueError:
                raise MultiaddrError(f"failed to parse ip6 addr: {host}") from None
        rest = parts[2:]
        if len(rest) < 2 or rest[0] != "tcp":
            raise MultiaddrError(f"{text} is not a TCP multiaddr fakeipfs can use "
                                 "(expected /<ip4|ip6|dns>/<host>/tcp/<port>[/http])")
        try:
            port = int(rest[1])
        except ValueError:
            port = -1
        if not 0 <= port <= 65535:
            raise MultiaddrError(f"failed to parse port addr: {rest[1]}")
        extra = rest[2:]
        if extra not in ([], ["http"]):
            raise MultiaddrError(f"{text} is not a TCP multiaddr fakeipfs can use "
                                 "(expected /<ip4|ip6|dns>/<host>/tcp/<port>[/http])")
        return cls(proto, host, port, bool(extra))

    def __str__(self) -> str:
        return f"/{self.proto}/{self.host}/tcp/{self.port}" + ("/http" if self.http else "")

    @property
    def family(self) -> int:
        return {"ip4": socket.AF_INET, "ip6": socket.AF_INET6, "dns4": socket.AF_INET,
                "dns6": socket.AF_INET6}.get(self.proto, socket.AF_UNSPEC)

    def is_loopback(self) -> bool:
        """Whether every address the host names is a loopback one (127.0.0.0/8, ::1)."""
        if self.proto in ("ip4", "ip6"):
            return ipaddress.ip_address(self.host).is_loopback
        return self.host.lower() in _LOOPBACK_NAMES

    def url_host(self) -> str:
        """The host as a URL needs it (``[::1]`` for IPv6)."""
        return f"[{self.host}]" if self.proto == "ip6" else self.host

    def url(self, path: str = "") -> str:
        return f"http://{self.url_host()}:{self.port}{path}"


def read_api_file(repo: str) -> Optional[Multiaddr]:
    """The multiaddr in ``<repo>/api`` (kubo fsrepo ``APIAddr``), or None when there is none."""
    try:
        with open(os.path.join(repo, "api"), encoding="utf-8") as handle:
            text = handle.read().strip()
    except FileNotFoundError:
        return None
    return Multiaddr.parse(text) if text else None
