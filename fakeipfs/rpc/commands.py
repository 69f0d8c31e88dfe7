"""Command declarations, as go-ipfs-cmds declares them: arguments and options with kubo's
names, types and defaults in one place, next to each command's ``Run`` (``core/commands/*.go``).

Command modules register with :func:`command`; the dispatcher reads the table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..versions import KuboVersion

if TYPE_CHECKING:  # pragma: no cover
    from ..node import Node
    from ..unixfs.files import Entry
    from .wire import Request, Response

# go-ipfs-cmds option kinds
BOOL, INT, INT64, UINT, UINT64, FLOAT, STRING, STRINGS = (
    "bool", "int", "int64", "uint", "uint64", "float", "string", "array")


@dataclass(frozen=True)
class Arg:
    """``cmds.StringArg`` / ``cmds.FileArg``; ``stdin``: ``EnableStdin()``."""

    name: str
    required: bool = True
    variadic: bool = False
    file: bool = False
    stdin: bool = False


@dataclass(frozen=True)
class Opt:
    """``cmds.XOption(names...)`` with ``WithDefault``; the first name is the one handlers use."""

    names: tuple[str, ...]
    kind: str = BOOL
    default: Any = None

    @property
    def name(self) -> str:
        return self.names[0]


def opt(*names: str, kind: str = BOOL, default: Any = None) -> Opt:
    return Opt(tuple(names), kind, default)


#: Options every command accepts (kubo core/commands/root.go and go-ipfs-cmds' global options).
GLOBAL_OPTIONS = (
    opt("encoding", "enc", kind=STRING, default="json"),
    opt("stream-channels", kind=BOOL),
    opt("timeout", kind=STRING),
    opt("offline", kind=BOOL),
    opt("cid-base", kind=STRING),
    opt("upgrade-cidv0-in-output", kind=BOOL),
    opt("help", kind=BOOL),
    opt("h", kind=BOOL),
)


@dataclass
class Call:
    """What a command's ``Run`` sees: the node, parsed arguments and options, uploaded files."""

    node: "Node"
    request: "Request"
    args: list[str]
    options: dict[str, Any]
    files: Optional[list["Entry"]]
    version: KuboVersion
    dispatcher: Any = None

    def option(self, name: str, default: Any = None) -> Any:
        value = self.options.get(name)
        return default if value is None else value

    def has(self, name: str) -> bool:
        """Whether the client sent the option (kubo's ``req.Options[x].(T)`` ``ok``)."""
        return name in self.options and self.options[name] is not None


Run = Callable[[Call], "Response"]


@dataclass
class Command:
    path: str
    run: Run
    args: tuple[Arg, ...] = ()
    options: tuple[Opt, ...] = ()
    since: Optional[KuboVersion] = None
    until: Optional[KuboVersion] = None  # first version without the command
    option_index: dict[str, Opt] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for o in (*self.options, *GLOBAL_OPTIONS):
            for name in o.names:
                self.option_index.setdefault(name, o)

    def available(self, version: KuboVersion) -> bool:
        return ((self.since is None or version >= self.since)
                and (self.until is None or version < self.until))


REGISTRY: dict[str, Command] = {}


def command(path: str, *, args: tuple[Arg, ...] = (), options: tuple[Opt, ...] = (),
            since: Optional[str] = None, until: Optional[str] = None) -> Callable[[Run], Run]:
    """Register ``Run`` for ``/api/v0/<path>``."""
    def register(run: Run) -> Run:
        REGISTRY[path] = Command(path, run, tuple(args), tuple(options),
                                 KuboVersion.parse(since) if since else None,
                                 KuboVersion.parse(until) if until else None)
        return run
    return register
