"""Looking inside a fake node from a test: its RPC request log, what it published, what it holds.

Nothing here exists in kubo; it is the test-harness side of fakeipfs (as moto's
``/moto-api/`` is for AWS). :func:`of` gives a node's :class:`RequestLog`, which
:class:`~fakeipfs.rpc.dispatcher.Dispatcher` appends one :class:`RequestRecord` to for every
``/api/v0/*`` request it handles, whatever the transport (in-process client or daemon).
:func:`published` lists the pubsub messages the node published, whatever the front door
(``node.pubsub.publish``, ``pubsub/pub`` in-process or over the daemon): the node's
:class:`~fakeipfs.pubsub.PubSub` is watched from its creation (:func:`log_publications`).
Both logs are oldest first until :meth:`fakeipfs.Node.reset` empties them; the request log
keeps everything, the publication log the last :data:`PUBLISHED_KEPT` messages (a node
publishing without end, as a benchmark or a long-running daemon does, stays bounded).
"""
from __future__ import annotations

import functools
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Union

from ._attach import attached

if TYPE_CHECKING:
    from .pubsub import Message, PubSub


@dataclass(frozen=True)
class RequestRecord:
    """One handled RPC request.

    ``endpoint`` is the command path (``"pin/add"``), or the path after ``/api/v0/`` when no
    command matched; ``args`` the positional values as sent (path suffix, then ``arg=``);
    ``options`` the options the client sent, typed as the command declares them (defaults not
    filled in; unparsable ones as sent); ``status`` the HTTP status; ``duration`` the seconds
    until the response object existed: a streamed body (``cat``, ``add``, ``pubsub/sub``) is
    produced after that, so its reading time is not included.
    """

    endpoint: str
    args: list[str]
    options: dict[str, Any]
    status: int
    duration: float


@dataclass
class Seen:
    """What the dispatcher has learnt of a request so far (filled in as it parses)."""

    endpoint: str
    args: list[str]
    options: dict[str, Any] = field(default_factory=dict)


class RequestLog:
    """A node's request log (thread-safe)."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    @property
    def requests(self) -> list[RequestRecord]:
        """The records so far, oldest first (a copy)."""
        with self._lock:
            return list(self._records)

    def record(self, seen: Seen, status: int, duration: float) -> None:
        with self._lock:
            self._records.append(RequestRecord(seen.endpoint, list(seen.args), dict(seen.options),
                                               status, duration))

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


def of(node: Any) -> RequestLog:
    """The node's request log, made on first use."""
    return attached(node, "_inspect", lambda: RequestLog())


# --- assertions ------------------------------------------------------------------------------

def _matches(record: RequestRecord, args: Optional[list[str]], options: Optional[dict[str, Any]],
             status: Optional[int]) -> bool:
    if args is not None and record.args != list(args):
        return False
    if status is not None and record.status != status:
        return False
    return options is None or all(k in record.options and record.options[k] == v for k, v in options.items())


def _describe(endpoint: str, args: Optional[list[str]], options: Optional[dict[str, Any]],
              status: Optional[int]) -> str:
    parts = [repr(endpoint)]
    parts += [f"{name}={value!r}" for name, value in (("args", args), ("options", options), ("status", status))
              if value is not None]
    return ", ".join(parts)


def _log_text(records: list[RequestRecord]) -> str:
    if not records:
        return "  (no requests)"
    return "\n".join(f"  {r.endpoint} args={r.args!r} options={r.options!r} status={r.status}" for r in records)


def find_requests(node: Any, endpoint: str, *, args: Optional[list[str]] = None,
                  options: Optional[dict[str, Any]] = None, status: Optional[int] = None) -> list[RequestRecord]:
    """The logged requests to ``endpoint`` with exactly these ``args``, at least these
    ``options`` and this ``status`` (each checked only when given)."""
    return [r for r in of(node).requests
            if r.endpoint == endpoint and _matches(r, args, options, status)]


def assert_requested(node: Any, endpoint: str, *, args: Optional[list[str]] = None,
                     options: Optional[dict[str, Any]] = None, status: Optional[int] = None,
                     times: Optional[int] = None) -> list[RequestRecord]:
    """Fail unless a request matching :func:`find_requests` was made (exactly ``times`` of
    them, when given); returns the matching records. The message lists the whole log."""
    found = find_requests(node, endpoint, args=args, options=options, status=status)
    if (not found if times is None else len(found) != times):
        wanted = "a request" if times is None else f"{times} request(s)"
        raise AssertionError(f"expected {wanted} matching {_describe(endpoint, args, options, status)}, "
                             f"found {len(found)}; requests made:\n{_log_text(of(node).requests)}")
    return found


def assert_not_requested(node: Any, endpoint: str, *, args: Optional[list[str]] = None,
                         options: Optional[dict[str, Any]] = None, status: Optional[int] = None) -> None:
    """Fail if any request matching :func:`find_requests` was made."""
    found = find_requests(node, endpoint, args=args, options=options, status=status)
    if found:
        raise AssertionError(f"expected no request matching {_describe(endpoint, args, options, status)}, "
                             f"found {len(found)}:\n{_log_text(found)}")


# --- what the node published -----------------------------------------------------------------

#: the node attribute holding its publications, a list (``Node.reset`` drops it with the rest)
_PUBLISHED = "_published"
#: how many of its latest publications a node keeps for :func:`published`
PUBLISHED_KEPT = 10_000
#: bytes of a message's data shown in an assertion's message
_SHOWN_DATA = 64


def log_publications(ps: "PubSub") -> None:
    """Log what ``ps``'s node publishes from now on (:func:`fakeipfs.pubsub.of` calls this as
    it makes the node's pubsub); a reset node starts a new log."""
    ps.collect(_PUBLISHED, functools.partial(deque, maxlen=PUBLISHED_KEPT), received=False)


def published(node: Any, topic: Optional[str] = None,
              data: Union[bytes, str, None] = None) -> list["Message"]:
    """The messages (:class:`~fakeipfs.pubsub.Message`) the node published to ``topic`` with
    exactly ``data`` (each checked only when given; a ``str`` is taken as UTF-8), oldest first:
    ``topics`` (one), ``data``, ``seqno``, ``from_peer`` (the node's peer ID), as its
    subscribers got them."""
    wanted = _as_bytes(data)
    return [m for m in list(node.__dict__.get(_PUBLISHED, ()))
            if (topic is None or topic in m.topics) and (wanted is None or m.data == wanted)]


def _as_bytes(data: Union[bytes, str, None]) -> Optional[bytes]:
    return data.encode("utf-8") if isinstance(data, str) else data


def _data_text(data: bytes) -> str:
    if len(data) <= _SHOWN_DATA:
        return repr(data)
    return f"{data[:_SHOWN_DATA]!r}... ({len(data)} bytes)"


def _describe_publication(topic: str, data: Union[bytes, str, None]) -> str:
    wanted = _as_bytes(data)
    return repr(topic) if wanted is None else f"{topic!r}, data={_data_text(wanted)}"


def _published_text(messages: list["Message"]) -> str:
    if not messages:
        return "  (nothing published)"
    return "\n".join(f"  {', '.join(map(repr, m.topics))} data={_data_text(m.data)}" for m in messages)


def assert_published(node: Any, topic: str, data: Union[bytes, str, None] = None, *,
                     times: Optional[int] = None) -> list["Message"]:
    """Fail unless the node published to ``topic`` (``data`` exactly, when given, as
    :func:`published` matches it), exactly ``times`` times when given; returns the matching
    messages. The message lists everything the node published."""
    found = published(node, topic, data)
    if (not found if times is None else len(found) != times):
        wanted = "a publication" if times is None else f"{times} publication(s)"
        raise AssertionError(f"expected {wanted} matching {_describe_publication(topic, data)}, "
                             f"found {len(found)}; published:\n{_published_text(published(node))}")
    return found


def assert_not_published(node: Any, topic: str, data: Union[bytes, str, None] = None) -> None:
    """Fail if the node published to ``topic`` (``data``, when given)."""
    found = published(node, topic, data)
    if found:
        raise AssertionError(f"expected no publication matching {_describe_publication(topic, data)}, "
                             f"found {len(found)}:\n{_published_text(found)}")


# --- what the node holds ---------------------------------------------------------------------

def added(node: Any) -> list[str]:
    """The roots of the node's recursive pins, in the order they were pinned: what ``add``
    (which pins its roots recursively by default), ``pin add`` and ``dag import`` left. Content
    added with ``pin=false`` is not listed; a root pinned again keeps its first place."""
    recursive, _ = node.pins.snapshot()
    return [str(cid) for cid in recursive.values()]


def pinned(node: Any, type: str = "all") -> dict[str, str]:
    """``node.pin_ls(type=type)``: CID -> ``recursive`` / ``direct`` / ``indirect``."""
    return node.pin_ls(type=type)
