"""The one dispatcher for ``/api/v0/*``: go-ipfs-cmds ``http/handler.go`` and ``http/parse.go``.

``Dispatcher(node).handle(request) -> response``, for every transport. It checks the method
(kubo ≥0.5 allows POST only), resolves the command path (an unknown one is ``404 page not
found``), parses options by their declared types (unknown options are kept and ignored,
booleans accept an empty value as true), assigns positional ``arg=`` values as go-ipfs-cmds
does (extra ones are ignored), reads multipart file arguments, then runs the command. Parse
errors are ``400`` text; errors raised by a command are kubo's JSON error, ``500``.

File arguments reach ``add`` live (:data:`STREAMED`): its entries are read from the body as the
importer walks them, as boxo's ``multipartIterator`` hands them to kubo's adder, so the upload is
hashed as it arrives and never spooled; an error in the body is then the command's error (kubo's
JSON, ``500``, or mid-stream after earlier entries), as in kubo. Every other command gets the
whole request parsed first (:func:`~fakeipfs.rpc.multipart.parse_files`, spooled): they read
their files out of order, more than once, or only after other checks.
"""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Iterator, Optional, Union

from .. import inspection, network
from ..durations import parse_duration
from ..errors import IPFSError
from ..versions import KuboVersion
from . import commands as cmds
from .commands import REGISTRY, Call, Command
from .wire import ERR_NORMAL, Request, Response, error_response, text_response

if TYPE_CHECKING:  # pragma: no cover
    from .multipart import LiveEntries

#: ``call.files``: the request's top-level entries, parsed whole or live (:data:`STREAMED`).
Files = Union[list, "LiveEntries"]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v0/"
ERR_NOT_FOUND = "404 page not found"
ERR_METHOD = "405 - Method Not Allowed"
#: kubo docs/changelogs/v0.5.md: "the API now only accepts POST requests".
V0_5 = KuboVersion(0, 5, 0)
#: Commands that walk ``call.files`` once, in request order, reading each file before asking for
#: the next entry (core/commands/add.go over coreunix's adder): their files stream from the body.
STREAMED = frozenset({"add"})


class ParseError(Exception):
    """A request go-ipfs-cmds rejects before running the command (HTTP 400, plain text)."""


def _go_parse_int(text: str, bits: int, signed: bool) -> int:
    """``strconv.ParseInt(v, 0, bits)`` / ``ParseUint``: ``0x``/``0o``/``0b``/``0`` prefixes,
    underscores only after a prefix, range-checked."""
    body, sign = text, 1
    if body[:1] in "+-" and signed:
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    lower = body.lower()
    if lower.startswith(("0x", "0o", "0b")):
        base, digits = {"x": 16, "o": 8, "b": 2}[lower[1]], body[2:]
    elif len(body) > 1 and body.startswith("0"):
        base, digits = 8, body[1:]
    else:
        base, digits = 10, body
        if "_" in digits:
            raise ValueError(text)
    if not digits or digits.startswith("_") or digits.endswith("_") or "__" in digits:
        raise ValueError(text)
    value = sign * int(digits, base)
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not lo <= value <= hi:
        raise ValueError(text)
    return value


def _convert(option: cmds.Opt, key: str, raw: str) -> Any:
    """go-ipfs-cmds ``option.Parse`` (option.go converters)."""
    kind = option.kind
    try:
        if kind == cmds.BOOL:
            if raw == "":
                return True
            lowered = raw.lower()
            if lowered in ("1", "t", "true"):
                return True
            if lowered in ("0", "f", "false"):
                return False
            raise ValueError(raw)
        if kind in (cmds.INT, cmds.INT64):
            return _go_parse_int(raw, 32 if kind == cmds.INT else 64, True)
        if kind in (cmds.UINT, cmds.UINT64):
            return _go_parse_int(raw, 32 if kind == cmds.UINT else 64, False)
        if kind == cmds.FLOAT:
            return float(raw)
        return raw
    except ValueError:
        value = "empty value" if raw == "" else f'value "{raw}"'
        raise ParseError(f'could not convert {value} to type "{kind}" (for option "-{key}")') from None


class Dispatcher:
    """Routes RPC requests to one :class:`~fakeipfs.Node`'s commands."""

    def __init__(self, node: Any, kubo_version: "str | KuboVersion | None" = None,
                 *, allow_get: Optional[bool] = None) -> None:
        from . import load_commands
        load_commands()
        self.node = node
        self.version = KuboVersion.parse(kubo_version) if kubo_version else node.kubo_version
        self.allow_get = self.version < V0_5 if allow_get is None else allow_get

    # --- routing ------------------------------------------------------------------------------

    def _resolve(self, path: str) -> tuple[Command, list[str]]:
        if not path.startswith(API_PREFIX):
            raise LookupError(path)
        parts = path[len(API_PREFIX):].split("/")
        for end in range(len(parts), 0, -1):
            found = REGISTRY.get("/".join(parts[:end]))
            if found is None or not found.available(self.version):
                continue
            rest = parts[end:]
            # http/parse.go: a last path element that is not a subcommand is an argument.
            if len(rest) > 1 or (rest and rest[0] == ""):
                raise LookupError(path)
            return found, rest
        raise LookupError(path)

    # --- parsing ------------------------------------------------------------------------------

    def _options(self, cmd: Command, query: list[tuple[str, str]]) -> tuple[dict[str, Any], list[str]]:
        args: list[str] = []
        grouped: dict[str, list[str]] = {}
        for key, value in query:
            if key == "arg":
                args.append(value)
            else:
                grouped.setdefault(key, []).append(value)
        options: dict[str, Any] = {}
        for key, values in grouped.items():
            option = cmd.option_index.get(key)
            if option is None:
                options[key] = values[0]  # unknown options are accepted and ignored
                continue
            if option.kind == cmds.STRINGS:
                value: Any = values
            else:
                if len(values) > 1:
                    raise ParseError(f"expected key {option.name} to have only a single value, "
                                     f"received [{' '.join(values)}]")
                value = _convert(option, key, values[0])
            if option.name in options:
                raise ParseError(f'duplicate command options were provided ("{key}" and "{option.name}")')
            options[option.name] = value
        for option in cmd.options:
            if option.name not in options and option.default is not None:
                options[option.name] = option.default
        return options, args

    def _files(self, request: Request, cmd: Command) -> Optional[Files]:
        content_type = request.header("content-type")
        if not content_type.lower().startswith(("multipart/form-data", "multipart/mixed")):
            return None
        if request.body is None:
            raise ParseError("multipart: NextPart: EOF")
        from .multipart import iter_entries, parse_files
        try:
            if cmd.path in STREAMED:
                return iter_entries(content_type, request.body)  # envelope errors only, here
            return parse_files(content_type, request.body)
        except IPFSError as exc:
            raise ParseError(exc.message) from None

    @staticmethod
    def _assign_args(cmd: Command, values: list[str]) -> list[str]:
        """http/parse.go: fill string arguments in order; optional ones are skipped when the
        remaining values are needed by required ones; extra values are dropped."""
        required = sum(1 for a in cmd.args if a.required)
        out: list[str] = []
        remaining = list(values)
        for arg in cmd.args:
            if len(remaining) <= required and not arg.required:
                continue
            if arg.required:
                required -= 1
            if arg.file:
                continue
            if arg.variadic:
                out.extend(remaining)
                remaining = []
            elif remaining:
                out.append(remaining.pop(0))
            else:
                break
        return out

    @staticmethod
    def _check_args(cmd: Command, args: list[str], files: Optional[Files]) -> tuple[list[str], Optional[Files]]:
        """``Command.CheckArguments``: a missing required string argument may come from the
        body (``EnableStdin``), one per line; otherwise ``argument "x" is required``."""
        string_args = [a for a in cmd.args if not a.file]
        if string_args and string_args[-1].stdin and files:
            first = files[0]
            if hasattr(first, "open") and len([a for a in string_args if a.required]) > len(args):
                with first.open() as handle:
                    lines = handle.read().decode("utf-8", "replace").splitlines()
                args = args + [line for line in lines if line]
                files = None
        needed = 0
        for arg in string_args:
            if not arg.required:
                break
            needed += 1
            if needed > len(args):
                raise ParseError(f'argument "{arg.name}" is required')
        for arg in cmd.args:
            if arg.file and arg.required and not files:
                raise ParseError(f"file argument '{arg.name}' is required")
        return args, files

    # --- handling -----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer ``request``, then log it in ``inspection.of(node)`` with its status; the
        duration ends when the response object exists, before a streamed body is read."""
        started = time.monotonic()
        path = request.path[len(API_PREFIX):] if request.path.startswith(API_PREFIX) else request.path
        seen = inspection.Seen(path, [v for k, v in request.query if k == "arg"],
                            {k: v for k, v in request.query if k != "arg"})
        response = self._handle(request, seen)
        inspection.of(self.node).record(seen, response.status, time.monotonic() - started)
        return response

    def _handle(self, request: Request, seen: "inspection.Seen") -> Response:
        method = request.method.upper()
        if method == "OPTIONS":
            return Response(204, {"Allow": self._allow()})
        if method not in ("POST",) and not (self.allow_get and method in ("GET", "HEAD")):
            return text_response(405, ERR_METHOD, {"Allow": self._allow()})
        try:
            cmd, extra = self._resolve(request.path)
        except LookupError:
            return text_response(404, ERR_NOT_FOUND)
        seen.endpoint, seen.args = cmd.path, extra + seen.args
        try:
            options, values = self._options(cmd, request.query)
            sent = {getattr(cmd.option_index.get(k), "name", k) for k in seen.options}
            seen.options = {k: v for k, v in options.items() if k in sent}
            args = self._assign_args(cmd, extra + values)
            files = self._files(request, cmd)
            if files is None and any(a.file and a.required for a in cmd.args):
                raise ParseError(f"file argument '{next(a.name for a in cmd.args if a.file)}' is required")
        except ParseError as exc:
            return text_response(400, str(exc))
        try:
            timeout = None if options.get("timeout") is None else parse_duration(options["timeout"]) / 1e9
        except ValueError:  # go-ipfs-cmds http/handler.go: a bad timeout returns unanswered
            return Response(200, {})
        try:
            args, files = self._check_args(cmd, args, files)
            call = Call(self.node, request, args, options, files, self.version, self)
            # go-ipfs-cmds http/handler.go: the request runs in context.WithTimeout (or
            # WithCancel); kubo cmdenv GetApi: --offline gives it an offline CoreAPI.
            with network.request(timeout, offline=bool(options.get("offline"))) as context:
                response = cmd.run(call)
            if isinstance(response.body, Iterator):
                response.body = network.bind(response.body, context)
        except ParseError as exc:
            return text_response(400, str(exc))
        except IPFSError as exc:
            return error_response(exc.message, exc.code)
        except Exception as exc:  # a bug in fakeipfs: answer like kubo's recovered panic, don't crash
            log.exception("command %s failed", cmd.path)
            return error_response(f"fakeipfs internal error in {cmd.path}: {exc}", ERR_NORMAL)
        if method == "HEAD":
            response.body = ()
        return response

    def _allow(self) -> str:
        return "OPTIONS, POST, HEAD, GET" if self.allow_get else "OPTIONS, POST"
