"""``fakeipfs.api_faults``: per-endpoint failures of a node's RPC API, for testing how a client
handles a kubo that errs, a proxy that answers 5xx, a daemon that hangs or one that is gone.

Nothing here exists in kubo: it is the test-harness side of fakeipfs (as moto's fault
injection is for AWS). ``api_faults.of(node).fail("add", message="...")`` makes the node's next
``/api/v0/add`` calls fail in one of four ways (:data:`KINDS`):

- ``"error"``: kubo's command error, HTTP 500 (400 with ``code=1``) and go-ipfs-cmds' JSON
  ``{"Message","Code","Type":"error"}`` (go-ipfs-cmds ``http/responseemitter.go``); ipfshttpclient
  raises ``ErrorResponse`` with the message.
- ``"status"``: a bare HTTP status with a plain-text body (Go's ``http.Error``; the body is the
  status text unless ``message`` is given), as a reverse proxy in front of kubo answers;
  ipfshttpclient raises ``StatusError``.
- ``"timeout"``: no answer. Over HTTP the daemon holds the request until the client gives up
  (its read timeout) or the daemon stops; in-process the transport raises at once what the
  client's timeout would (``requests.ReadTimeout``, ``httpx.ReadTimeout``); ipfshttpclient
  raises ``TimeoutError``.
- ``"refuse"``: the connection ends without an answer. Over HTTP the daemon closes it (one
  TCP listener serves every endpoint, so a single endpoint cannot refuse the connect itself:
  that takes a crashed node, below);
  in-process the transport raises the same error ``requests`` gives for that
  (``ConnectionError`` around urllib3's ``ProtocolError('Connection aborted.',
  RemoteDisconnected(...))``, ``httpx.RemoteProtocolError``); ipfshttpclient raises
  ``ProtocolError`` either way.

A fault applies to the command path as the dispatcher resolves it (``"pin/add"``; ``"*"`` for
every command), to every call (default), to the first ``times`` calls, and/or to each call with
probability ``probability`` drawn from ``random.Random(seed)``: the same calls in the same
order fail the same way on every run. When several faults match, the first set that fires
wins. Faulted requests never reach the dispatcher, so the request log
(:mod:`fakeipfs.inspection`) does not list them; each :class:`Fault` counts its ``calls`` and
``failures``. :meth:`fakeipfs.Node.reset` clears a node's faults.

A node of a :class:`fakeipfs.Network` that has crashed (:mod:`fakeipfs.faults`) is a daemon
that is gone, until it restarts: connecting to its API is refused (``ECONNREFUSED``). Over
HTTP its :class:`~fakeipfs.daemon.Daemon` (each node of ``fakeipfs testnet``) closes its
listening ports when it crashes and opens the same ports when it restarts; in-process the
transport raises what the library raises for a refused connect: ``requests.ConnectionError``
around urllib3's ``MaxRetryError`` caused by ``NewConnectionError`` ("Failed to establish a
new connection: [Errno 111] Connection refused"), ``httpx.ConnectError``; ipfshttpclient
raises its ``ConnectionError`` either way. The front doors (:mod:`fakeipfs.transport`,
:mod:`fakeipfs.daemon`) call :func:`intercept` before the dispatcher and translate
:class:`ConnectionRefused`, :class:`Refused` and :class:`Hang` into their transport's failure
(a request that reaches a daemon whose node crashed meanwhile has its connection closed).
"""
from __future__ import annotations

import http
import random
import threading
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ._attach import attached
from .faults import CrashedNode
from .rpc.commands import REGISTRY
from .rpc.dispatcher import API_PREFIX
from .rpc.wire import ERR_CLIENT, ERR_NORMAL, Request, Response, error_response, text_response

#: The ways a faulted call fails (see the module docstring).
KINDS = ("error", "status", "timeout", "refuse")
#: The endpoint name that matches every command.
ANY = "*"
#: What ``requests`` reports for a connection closed before any answer (http.client's
#: ``RemoteDisconnected`` inside urllib3's ``ProtocolError``).
ABORTED = "Connection aborted."
REMOTE_DISCONNECTED = "Remote end closed connection without response"
#: httpx (httpcore) for the same.
HTTPX_DISCONNECTED = "Server disconnected without sending a response."
#: Linux's ``ECONNREFUSED`` as Python words it (urllib3 ``NewConnectionError``, httpx
#: ``ConnectError``), and what urllib3 says before it.
ECONNREFUSED = "[Errno 111] Connection refused"
NEW_CONNECTION_FAILED = "Failed to establish a new connection"


class Refused(Exception):
    """The call's connection ends without an answer (a ``"refuse"`` fault, a crashed node)."""


class ConnectionRefused(Refused):
    """Connecting to the node's API is refused (a crashed node): no listener on its port."""


class Hang(Exception):
    """The call gets no answer until the client's timeout (a ``"timeout"`` fault)."""


@dataclass
class Fault:
    """One injected failure of ``endpoint`` (see the module docstring for the fields)."""

    endpoint: str
    kind: str = "error"
    message: str = ""
    status: int = 500
    code: int = ERR_NORMAL
    times: Optional[int] = None
    probability: float = 1.0
    seed: Any = 0
    calls: int = field(default=0, init=False)
    failures: int = field(default=0, init=False)
    _rng: random.Random = field(default_factory=random.Random, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.endpoint, str) or not self.endpoint.strip("/"):
            raise ValueError("api fault: endpoint must name a command (\"add\", \"pin/add\") or be \"*\"")
        self.endpoint = self.endpoint.strip("/")
        if self.endpoint.startswith(API_PREFIX.strip("/") + "/"):
            self.endpoint = self.endpoint[len(API_PREFIX) - 1:]
        if self.kind not in KINDS:
            raise ValueError(f"api fault: kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if not isinstance(self.status, int) or not 100 <= self.status <= 599:
            raise ValueError(f"api fault: status must be an HTTP status (100-599), not {self.status!r}")
        if self.code not in (ERR_NORMAL, ERR_CLIENT):
            raise ValueError(f"api fault: code must be {ERR_NORMAL} (error, 500) or {ERR_CLIENT} "
                             f"(client error, 400), not {self.code!r}")
        if self.times is not None and (not isinstance(self.times, int) or self.times < 0):
            raise ValueError(f"api fault: times must be a count >= 0, not {self.times!r}")
        if not isinstance(self.probability, (int, float)) or not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"api fault: probability must be within [0, 1], not {self.probability!r}")
        if not isinstance(self.message, str):
            raise ValueError(f"api fault: message must be a string, not {self.message!r}")
        if self.kind == "error" and not self.message:
            self.message = f"{self.endpoint}: injected failure"
        self._rng = random.Random(self.seed)

    @property
    def remaining(self) -> Optional[int]:
        """How many more calls may fail (None: no limit)."""
        return None if self.times is None else max(0, self.times - self.failures)

    def _fires(self) -> bool:
        """Count one matching call; True when this one fails (called under the node's lock)."""
        self.calls += 1
        if self.remaining == 0:
            return False
        if self.probability < 1.0 and self._rng.random() >= self.probability:
            return False
        self.failures += 1
        return True

    def response(self) -> Response:
        """The answer of an ``"error"`` or ``"status"`` fault."""
        if self.kind == "error":
            return error_response(self.message, self.code)
        text = self.message
        if not text:
            try:
                text = http.HTTPStatus(self.status).phrase
            except ValueError:  # a status Go has no text for
                text = ""
        return text_response(self.status, text)

    def to_json(self) -> dict:
        return {"endpoint": self.endpoint, "kind": self.kind, "message": self.message,
                "status": self.status, "code": self.code, "times": self.times,
                "probability": self.probability, "seed": self.seed, "calls": self.calls,
                "failures": self.failures}

    @classmethod
    def from_json(cls, value: Any) -> "Fault":
        """A fault from its JSON form (``endpoint`` required; ``calls``/``failures`` ignored);
        ``ValueError`` for anything else."""
        if not isinstance(value, Mapping):
            raise ValueError(f"api fault: expected a JSON object, got {value!r}")
        known = {"endpoint", "kind", "message", "status", "code", "times", "probability", "seed"}
        unknown = sorted(set(value) - known - {"calls", "failures"})
        if unknown:
            raise ValueError(f"api fault: unknown field {unknown[0]!r}")
        if "endpoint" not in value:
            raise ValueError("api fault: endpoint is required")
        if isinstance(value.get("seed"), (list, dict)):
            raise ValueError("api fault: seed must be a number or a string")
        return cls(**{k: v for k, v in value.items() if k in known})


class ApiFaults:
    """A node's API faults (thread-safe)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def fail(self, endpoint: str, kind: str = "error", *, message: str = "", status: int = 500,
             code: int = ERR_NORMAL, times: Optional[int] = None, probability: float = 1.0,
             seed: Any = 0) -> Fault:
        """Make calls of ``endpoint`` fail; returns the :class:`Fault` (its counters show what
        happened)."""
        return self.add(Fault(endpoint, kind, message, status, code, times, probability, seed))

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self, endpoint: Optional[str] = None) -> None:
        """Remove every fault, or those set on ``endpoint``."""
        with self._lock:
            if endpoint is None:
                self._faults.clear()
            else:
                name = endpoint.strip("/")
                self._faults = [f for f in self._faults if f.endpoint != name]

    @property
    def faults(self) -> list[Fault]:
        """The faults, in the order they were set (a copy of the list)."""
        with self._lock:
            return list(self._faults)

    def match(self, endpoint: str) -> Optional[Fault]:
        """The fault that fails this call of ``endpoint``, if any (each matching fault counts
        the call until one fires)."""
        with self._lock:
            for fault in self._faults:
                if fault.endpoint in (endpoint, ANY) and fault._fires():
                    return fault
        return None


def of(node: Any) -> ApiFaults:
    """The node's API faults, made on first use."""
    return attached(node, "_api_faults", lambda: ApiFaults())


def endpoint_of(path: str) -> str:
    """The command path of ``/api/v0/<path>`` as the dispatcher resolves it (the longest
    registered prefix; a last element that is no subcommand is an argument), else the path
    after ``/api/v0/``."""
    from .rpc import load_commands
    load_commands()
    rest = path[len(API_PREFIX):] if path.startswith(API_PREFIX) else path.lstrip("/")
    parts = rest.split("/")
    for end in range(len(parts), 0, -1):
        name = "/".join(parts[:end])
        if name in REGISTRY:
            return name
    return rest


def crashed(node: Any) -> bool:
    """Whether the node is crashed (``Network.crash``; :class:`fakeipfs.faults.CrashedNode`)."""
    return isinstance(node, CrashedNode)


def intercept(node: Any, request: Request) -> Optional[Response]:
    """What a faulted call gets instead of the dispatcher's answer: a :class:`Response`
    (``"error"``/``"status"``), :class:`Refused` or :class:`Hang` raised; None when the call
    goes on to the dispatcher. A crashed node refuses every call's connect
    (:class:`ConnectionRefused`)."""
    if crashed(node):
        raise ConnectionRefused("node crashed")
    found = node.__dict__.get("_api_faults")
    if found is None or not request.path.startswith(API_PREFIX):
        return None
    fault = found.match(endpoint_of(request.path))
    if fault is None:
        return None
    if fault.kind == "refuse":
        raise Refused(fault.endpoint)
    if fault.kind == "timeout":
        raise Hang(fault.endpoint)
    return fault.response()


# --- the daemon's control endpoint ------------------------------------------------------------

#: The fields of a ``POST /fakeipfs/v0/faults`` body.
CONTROL_FIELDS = ("api", "network", "links", "crash", "restart")


def control_state(node: Any) -> dict:
    """``GET /fakeipfs/v0/faults``: the node's API faults and, for a node of a network, the
    network's link faults (:meth:`fakeipfs.faults.Faults.state`) and its crashed positions."""
    from . import network
    net = network.of(node)
    out: dict = {"api": [f.to_json() for f in of(node).faults], "network": None, "crashed": None}
    if net is not None:
        out["network"] = net.faults.state()
        out["crashed"] = [i for i, n in enumerate(net.nodes) if crashed(n)]
    return out


def _positions(value: Any, size: int, name: str) -> list[int]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item < size:
            raise ValueError(f"{name}: no node {item!r} (the network has {size})")
    return items


def control_set(node: Any, body: Any) -> None:
    """``POST /fakeipfs/v0/faults``: ``{"api": fault or [faults], "network": {latency, jitter,
    drop, duplicate, reorder}, "links": [{"a", "b", ...}], "crash": i or [i], "restart": i or
    [i]}``, any subset. Everything is checked before anything changes (``ValueError``)."""
    from . import network
    from .faults import LinkFaults
    if not isinstance(body, Mapping):
        raise ValueError("faults: expected a JSON object")
    unknown = sorted(set(body) - set(CONTROL_FIELDS))
    if unknown:
        raise ValueError(f"faults: unknown field {unknown[0]!r} (expected {', '.join(CONTROL_FIELDS)})")
    api = body.get("api", [])
    new = [Fault.from_json(item) for item in (api if isinstance(api, list) else [api])]
    net = network.of(node)
    wants_net = [k for k in ("network", "links", "crash", "restart") if k in body]
    if wants_net and net is None:
        raise ValueError(f"faults: {wants_net[0]}: this node is not part of a network")
    size = len(net.nodes) if net is not None else 0

    def link_faults(value: Any, what: str) -> dict:
        if not isinstance(value, Mapping):
            raise ValueError(f"faults: {what}: expected a JSON object")
        try:
            LinkFaults(**value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"faults: {what}: {exc}") from None
        return dict(value)
    settings = link_faults(body["network"], "network") if "network" in body else None
    items = body.get("links", [])
    if not isinstance(items, list):
        raise ValueError("faults: links: expected a JSON list")
    links = []
    for item in items:
        if not isinstance(item, Mapping) or "a" not in item or "b" not in item:
            raise ValueError('faults: links: each needs "a" and "b" (node positions)')
        a, b = _positions([item["a"], item["b"]], size, "faults: links")
        if a == b:
            raise ValueError(f"faults: links: a link joins two nodes, not {a} to itself")
        links.append((a, b, link_faults({k: v for k, v in item.items() if k not in ("a", "b")}, "links")))
    crash = _positions(body["crash"], size, "faults: crash") if "crash" in body else []
    restart = _positions(body["restart"], size, "faults: restart") if "restart" in body else []
    faults = of(node)
    for fault in new:
        faults.add(fault)
    if settings is not None:
        net.faults.set(**settings)  # type: ignore[union-attr]
    for a, b, values in links:
        net.link(a, b).set(**values)  # type: ignore[union-attr]
    for i in restart:
        if crashed(net.nodes[i]):  # type: ignore[union-attr]
            net.restart(i)  # type: ignore[union-attr]
    for i in crash:
        if not crashed(net.nodes[i]):  # type: ignore[union-attr]
            net.crash(i)  # type: ignore[union-attr]


def control_clear(node: Any) -> None:
    """``DELETE /fakeipfs/v0/faults``: the node's API faults and the network's link faults off
    (crashed nodes stay down: ``"restart"`` brings them back)."""
    from . import network
    of(node).clear()
    net = network.of(node)
    if net is not None:
        net.faults.clear()
