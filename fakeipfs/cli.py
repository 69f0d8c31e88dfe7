"""``fakeipfs``: the ``ipfs`` command line, run against a fakeipfs :class:`~fakeipfs.Node`
(or the ``fakeipfs daemon`` serving the repo).

Commands, flags, short flags, defaults and the text they print follow kubo's
``core/commands/*.go`` (``add``, ``cat``, ``get``, ``ls``, ``block``, ``pin``, ``repo``,
``version``, ``dag``), and the argument rules of go-ipfs-cmds ``cli/parse.go``: boolean flags take
``--flag``, ``--flag=false`` or ``-f=false`` (never a separate ``false`` word), integers are read
with Go's ``strconv`` rules (``--mode=0755`` is octal), options may follow arguments, file
arguments are sorted by name, and a missing file argument reads stdin.

Errors print as ``ipfs`` prints them (go-ipfs-cmds ``cli/run.go``): ``Error: <message>`` on
stderr and exit status 1; a mistyped command line is followed by the usage.

The repo is ``--repo-dir``, else ``$FAKEIPFS_PATH``, else ``~/.fakeipfs``; it is created on first
use. ``fakeipfs daemon`` serves it over HTTP (:mod:`fakeipfs.daemon`) and writes ``<repo>/api``;
while a daemon answers there, the other commands send their work to it as kubo RPC requests
(``add``, ``cat``, ``get``, ``ls``, ``block``, ``pin``, ``repo gc/stat``, ``dag``: one request per
node call, through :class:`fakeipfs.daemon.RemoteNode`) and print what it answers, as ``ipfs``
does; ``$FAKEIPFS_API_AUTH`` is sent as kubo's ``--api-auth`` secret. A stale api file (nothing
listening) falls back to the repo, as kubo's client does. ``add --only-hash`` and ``version``
need no repo and never create one. The emulated kubo version is ``--kubo-version``, else
``$FAKEIPFS_KUBO_VERSION``, else :data:`fakeipfs.DEFAULT_KUBO_VERSION`; the few CLI texts that
changed across kubo releases read it through the predicates below.

``fakeipfs version`` prints kubo's own line, ``ipfs version <emulated kubo version>``, so scripts
that parse ``ipfs version`` keep working; ``fakeipfs version --all`` adds a
``fakeipfs version: <x>`` line to kubo's report.

Deliberate differences: progress bars (``add``, ``cat``, ``get``) default to on only when stderr
is a terminal *and* the input is at least 8 MiB (kubo draws them for any size on a terminal;
``--progress`` forces them as in kubo). ``ls -l/--long``, ``add --to-files/--pin-name/--nocopy``,
``--enc=json`` and ``--timeout`` are not implemented.
"""
from __future__ import annotations

import argparse
import io
import itertools
import math
import os
import re
import tempfile
import platform
import stat as statmod
import sys
import tarfile
from typing import BinaryIO, Callable, Iterable, Iterator, NoReturn, Optional, Sequence

from multiformats import CID, multibase, multicodec

from . import __version__
from .cidutil import CidEncoder, encoder_from_path
from .errors import (ERR_EMPTY_MULTIBASE, ERR_FORMAT_AND_CID_CODEC, ERR_IS_DIR, ERR_NEGATIVE_LENGTH,
                     ERR_NEGATIVE_OFFSET, ERR_NO_FILE_ARG, ERR_PIN_VERIFY_VERBOSE_QUIET, IPFSError,
                     go_quote_body)
from .node import Node
from .progress import CountingReader, ProgressBar
from .unixfs import exporter
from .unixfs.files import Directory, Entry, File, NoClose, from_path
from .versions import DEFAULT_KUBO_VERSION, KuboVersion

PROG = "fakeipfs"

# --- kubo behaviours of the CLI that changed between releases ---------------------------------

V0_8 = KuboVersion(0, 8, 0)
V0_14 = KuboVersion(0, 14, 0)
V0_21 = KuboVersion(0, 21, 0)
V0_41 = KuboVersion(0, 41, 0)


def escapes_names(v: KuboVersion) -> bool:
    """Names in ``add``/``ls`` output are escaped with ``cmdenv.EscNonPrint`` from 0.8.0
    (ipfs/go-ipfs#7831 "Escape non-printable characters in user output")."""
    return v >= V0_8


def kubo_brand(v: KuboVersion) -> bool:
    """``version --all`` says ``Kubo version:`` from 0.14 (docs/changelogs/v0.14.md
    "Rename to Kubo"), ``go-ipfs version:`` before."""
    return v >= V0_14


def dag_import_pin_failure_is_error(v: KuboVersion) -> bool:
    """A root that fails to pin ends ``dag import`` with ``pinning root "<cid>" FAILED: ...``
    from 0.21 (ipfs/kubo#9945 "useful errors in dag import"); before, the line
    ``Pinned root\\t<cid>\\tFAILED: ...`` was printed and the command failed afterwards."""
    return v >= V0_21


def cid_base_everywhere(v: KuboVersion) -> bool:
    """docs/changelogs/v0.41.md "--cid-base fixes across all commands": from 0.41 ``block``
    commands honour ``--cid-base``, CIDv0 is upgraded only for bases other than base58btc, and
    ``dag import`` uses the same encoder. Before, ``--cid-base`` upgraded CIDv0 for any base
    (cmdenv ``getCidBase``), ``block`` ignored it and ``dag import`` never upgraded."""
    return v >= V0_41


# --- kubo / go-ipfs-cmds texts ----------------------------------------------------------------

#: go-ipfs-cmds cli/parse.go
ERR_NOT_RECURSIVE = "'{path}' is a directory, use the '-r' flag to specify directories"
ERR_DIR_NOT_SUPPORTED = "invalid path '{path}', argument '{arg}' does not support directories"
ERR_REPEATED_NAME = "file name {name} repeated under different import directories: {a} and {b}"
ERR_ARG_REQUIRED = 'argument "{name}" is required'
ERR_UNKNOWN_OPTION = 'unknown option "{name}"'
ERR_MISSING_OPTION_ARG = 'missing argument for option "{name}"'
ERR_UNKNOWN_COMMAND = 'Unknown Command "{name}"\n'
MSG_STDIN = "ipfs: Reading from /dev/stdin; send Ctrl-d to stop."
#: core/commands/get.go
MSG_SAVING_FILES = "Saving file(s) to {path}"
MSG_SAVING_ARCHIVE = "Saving archive to {path}"
#: boxo tar/extractor.go
ERR_TAR_EMPTY = "empty tar file"
ERR_TAR_INVALID_ROOT = "tar has invalid root"
ERR_TAR_MULTIPLE_ROOTS = ("contains more than one root or the root directory is not the first entry "
                          ": " + ERR_TAR_INVALID_ROOT)
ERR_TAR_TRAVERSE_SYMLINK = "cannot traverse symlinks"
ERR_TAR_TRAVERSE_NON_DIR = "cannot traverse non-directory objects"
ERR_TAR_DIR_TO_SYMLINK = "cannot extract to symlink"
#: core/commands/block.go
ERR_BLOCKS_NOT_REMOVED = "some blocks not removed"

#: core/commands/cat.go ``progressBarMinSize``: below this, the CLI never draws a bar by default.
PROGRESS_MIN_SIZE = 8 * 1024 * 1024


class CommandError(Exception):
    """An error the CLI prints as ``Error: <message>`` (exit status 1)."""


class UsageError(CommandError):
    """A command line go-ipfs-cmds would refuse while parsing; the usage follows the error."""

    def __init__(self, message: str, parser: Optional[argparse.ArgumentParser] = None) -> None:
        super().__init__(message)
        self.parser = parser


# --- Go-compatible formatting helpers -----------------------------------------------------------


def go_quote(text: str) -> str:
    """Go ``%q`` of a string."""
    return '"' + go_quote_body(text, raw_bytes=True) + '"'


def esc_non_print(text: str) -> str:
    """kubo ``cmdenv.EscNonPrint``: ``strconv.Quote`` without the quotes, ``\\"`` kept as ``"``,
    applied only when the name has a backslash or a non-printable rune."""
    if "\\" not in text and all(ch == " " or (ch.isprintable() and not 0xDC80 <= ord(ch) <= 0xDCFF)
                                for ch in text):
        return text
    return go_quote_body(text, raw_bytes=True).replace('\\"', '"')


def humanize_bytes(size: int) -> str:
    """go-humanize ``Bytes`` (SI units, as ``repo stat -H`` prints them): ``1.2 kB``, ``35 MB``."""
    if size < 10:
        return f"{size} B"
    sizes = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
    e = math.floor(math.log(size) / math.log(1000))
    val = math.floor(size / math.pow(1000, e) * 10 + 0.5) / 10
    return (f"{val:.0f} {sizes[e]}" if val >= 10 else f"{val:.1f} {sizes[e]}")


def tabwrite(text: str, minwidth: int, tabwidth: int, padding: int) -> str:
    """Go ``text/tabwriter`` (padchar ' ', no flags) over ``text``: tab-terminated cells are
    aligned per column block; the last cell of each line is not aligned."""
    del tabwidth  # only used when padding with tabs
    lines = [line.split("\t") for line in text.split("\n")]
    widths: list[int] = []
    out: list[str] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            for j, cell in enumerate(lines[i]):
                out.append(cell + " " * (widths[j] - len(cell)) if j < len(widths) else cell)
            if i + 1 != len(lines):
                out.append("\n")

    def format_block(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + padding)
                this += 1
            widths.append(width)
            format_block(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    format_block(0, len(lines))
    return "".join(out)


def go_parse_int(text: str, bits: int = 64, unsigned: bool = False) -> int:
    """Go ``strconv.ParseInt(text, 0, bits)`` / ``ParseUint``: ``0x``, ``0o``, ``0b`` and a
    leading ``0`` (octal) prefixes; errors worded as Go words them."""
    func = "strconv.ParseUint" if unsigned else "strconv.ParseInt"
    syntax = CommandError(f'{func}: parsing {go_quote(text)}: invalid syntax')
    body, negative = text, False
    if not unsigned and body[:1] in ("+", "-"):
        negative, body = body[0] == "-", body[1:]
    base, prefixed = 10, False
    lowered = body[:2].lower()
    if lowered in ("0x", "0o", "0b"):
        base, body, prefixed = {"0x": 16, "0o": 8, "0b": 2}[lowered], body[2:], True
    elif len(body) > 1 and body[0] == "0":
        base, body, prefixed = 8, body[1:], True
    if "_" in body:  # base 0 allows "_" between digits, or right after a prefix (underscoreOK)
        if "__" in body or body.endswith("_") or (body.startswith("_") and not prefixed):
            raise syntax
        body = body.replace("_", "")
    if not body or not all(c.isascii() and c.isalnum() for c in body):
        raise syntax
    try:
        value = int(body, base)
    except ValueError:
        raise syntax from None
    value = -value if negative else value
    low, high = (0, (1 << bits) - 1) if unsigned else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    if not low <= value <= high:
        raise CommandError(f'{func}: parsing {go_quote(text)}: value out of range')
    return value


def go_os_error(exc: OSError, op: str = "open") -> str:
    """An ``OSError`` as Go's ``*PathError`` prints it: ``open x: permission denied``."""
    reason = exc.strerror or str(exc)
    reason = reason[:1].lower() + reason[1:]
    if exc.filename is not None:
        return f"{op} {os.fsdecode(exc.filename)}: {reason}"
    return reason


# --- argument parsing (go-ipfs-cmds rules on top of argparse) -------------------------------


def _case_variants(word: str) -> set[str]:
    return {"".join(chars) for chars in itertools.product(*((c.lower(), c.upper()) for c in word))}


#: Go ``strconv.ParseBool`` after go-ipfs-cmds lower-cases the value ("" means true).
_TRUE_WORDS = {"", "1"} | _case_variants("t") | _case_variants("true")
_FALSE_WORDS = {"0"} | _case_variants("f") | _case_variants("false")


class _BoolAction(argparse.Action):
    """A go-ipfs-cmds ``BoolOption``: ``--x`` is true; ``--x=<bool>`` (also ``-x=<bool>``) is
    registered as exact option strings so a following word is never taken as its value."""

    def __init__(self, option_strings, dest, default=None, required=False, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, required=required, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        value = True
        if option_string and "=" in option_string:
            value = option_string.split("=", 1)[1] in _TRUE_WORDS
        setattr(namespace, self.dest, value)


class _Parser(argparse.ArgumentParser):
    """argparse with go-ipfs-cmds' error texts; errors raise instead of exiting."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(_translate_argparse_error(message), self)


def _translate_argparse_error(message: str) -> str:
    """argparse's wording -> go-ipfs-cmds' (cli/parse.go, option.go)."""
    m = re.match(r"the following arguments are required: (.+)", message)
    if m:
        return ERR_ARG_REQUIRED.format(name=m.group(1).split(", ")[0])
    m = re.match(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
    if m:
        return ERR_MISSING_OPTION_ARG.format(name=m.group(1).lstrip("-"))
    m = re.match(r"argument (\S+?)(?:/\S+)?: ignored explicit argument '(.*)'", message)
    if m:
        return f"strconv.ParseBool: parsing {go_quote(m.group(2).lower())}: invalid syntax"
    m = re.match(r"argument \S+: invalid choice: '([^']*)'", message)
    if m:
        return ERR_UNKNOWN_COMMAND.format(name=m.group(1))
    m = re.match(r"unrecognized arguments: (\S+)", message)
    if m:
        return ERR_UNKNOWN_OPTION.format(name=m.group(1).lstrip("-").split("=", 1)[0])
    return message


def _bool(parser: argparse.ArgumentParser, *names: str, default=None, help: str = "") -> None:
    """Declare a go-ipfs-cmds ``BoolOption`` (``default=None`` means "not set")."""
    dest = next(n for n in names if n.startswith("--")).lstrip("-").replace("-", "_")
    parser.add_argument(*names, action=_BoolAction, dest=dest, default=default, help=help)
    variants = [f"{name}={word}" for name in names for word in sorted(_TRUE_WORDS | _FALSE_WORDS)]
    parser.add_argument(*variants, action=_BoolAction, dest=dest, default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)


def _int_type(bits: int = 64, unsigned: bool = False) -> Callable[[str], int]:
    def convert(text: str) -> int:
        return go_parse_int(text, bits, unsigned)
    return convert


# Root options go-ipfs-cmds accepts anywhere on the line (kubo core/commands/root.go).
def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--repo-dir", default=default,
                        help="Path to the repository directory to use (default: $FAKEIPFS_PATH or ~/.fakeipfs).")
    parser.add_argument("--kubo-version", default=default,
                        help=f"kubo release to emulate (default: $FAKEIPFS_KUBO_VERSION or {DEFAULT_KUBO_VERSION}).")
    parser.add_argument("--cid-base", default=default,
                        help="Multibase encoding used for version 1 CIDs in output.")
    if suppress:
        dest = "upgrade_cidv0_in_output"
        parser.add_argument("--upgrade-cidv0-in-output", action=_BoolAction, dest=dest,
                            default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        parser.add_argument(*[f"--upgrade-cidv0-in-output={w}" for w in sorted(_TRUE_WORDS | _FALSE_WORDS)],
                            action=_BoolAction, dest=dest, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        parser.add_argument("--offline", action=_BoolAction, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    else:
        _bool(parser, "--upgrade-cidv0-in-output", help="Upgrade version 0 to version 1 CIDs in output.")
        _bool(parser, "--offline", help="Run the command offline (fakeipfs always is).")


# --- output ---------------------------------------------------------------------------------


class _Output:
    """stdout and stderr, binary-safe and in order (text and bytes share one buffer)."""

    def __init__(self) -> None:
        self.stdout = sys.stdout
        self.stderr = sys.stderr

    def write(self, data: "bytes | str") -> None:
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is None:
            self.stdout.write(data.decode("utf-8", "surrogateescape"))
            return
        self.stdout.flush()
        buffer.write(data)
        buffer.flush()

    def line(self, text: str) -> None:
        self.write(text + "\n")

    def err(self, text: str) -> None:
        self.stderr.write(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        self.stderr.flush()

    def stderr_is_tty(self) -> bool:
        try:
            return bool(self.stderr.isatty())
        except (AttributeError, ValueError, OSError):
            return False


# --- CIDs in output -------------------------------------------------------------------------


def _multibase_name(text: str) -> str:
    """go-multibase ``EncoderByName``: a name or a one-character prefix."""
    if not text:
        raise CommandError(ERR_EMPTY_MULTIBASE)
    try:
        return (multibase.get(code=text) if len(text) == 1 else multibase.get(text)).name
    except Exception:
        raise CommandError(f"unsupported multibase encoding: {text}") from None


# --- context --------------------------------------------------------------------------------


class _Context:
    def __init__(self, args: argparse.Namespace, out: _Output) -> None:
        self.args = args
        self.out = out
        text = getattr(args, "kubo_version", None) or os.environ.get("FAKEIPFS_KUBO_VERSION") or DEFAULT_KUBO_VERSION
        try:
            self.kubo_version = KuboVersion.parse(text)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self._node: Optional[Node] = None

    def repo_path(self) -> str:
        path = getattr(self.args, "repo_dir", None) or os.environ.get("FAKEIPFS_PATH") or "~/.fakeipfs"
        return os.path.abspath(os.path.expanduser(path))

    def node(self) -> Node:
        """The repo's node: the running daemon's when ``<repo>/api`` names one that answers
        (every call then goes to it over the RPC API, as ``ipfs`` does), else the repo itself
        (created on first use)."""
        if self._node is None:
            from .daemon import auth_header, node_for_repo
            remote = node_for_repo(self.repo_path(), authorization=auth_header(os.environ.get("FAKEIPFS_API_AUTH", "")))
            self._node = remote or self.local_node()  # type: ignore[assignment]
        return self._node  # type: ignore[return-value]

    def local_node(self) -> Node:
        return Node(repo=self.repo_path(), kubo_version=str(self.kubo_version))

    def memory_node(self) -> Node:
        return Node(kubo_version=str(self.kubo_version))

    def option(self, name: str, default=None):
        return getattr(self.args, name, default)

    def encoder(self, *, low_level: bool = False) -> CidEncoder:
        """cmdenv ``GetCidEncoder`` (``low_level``: ``GetLowLevelCidEncoder``, no auto-upgrade)."""
        base_text = self.option("cid_base")
        upgrade_opt = self.option("upgrade_cidv0_in_output")
        enc = CidEncoder()
        if base_text is not None:
            base = _multibase_name(base_text)
            upgrade = not low_level
            if cid_base_everywhere(self.kubo_version):
                upgrade = base != "base58btc"
            enc = CidEncoder(base, upgrade)
        if upgrade_opt is not None:
            enc = CidEncoder(enc.base, bool(upgrade_opt))
        return enc

    def block_encoder(self) -> CidEncoder:
        """``block`` commands print ``cid.String()`` until 0.41, then honour ``--cid-base``."""
        return self.encoder() if cid_base_everywhere(self.kubo_version) else CidEncoder()

    def name(self, text: str) -> str:
        return esc_non_print(text) if escapes_names(self.kubo_version) else text

    def show_progress(self, size: int, explicit: Optional[bool] = None) -> bool:
        """cmdenv ``ShouldShowProgress``, but by default only for inputs of 8 MiB or more."""
        if explicit is not None:
            return explicit
        return self.out.stderr_is_tty() and size >= PROGRESS_MIN_SIZE


# --- stdin ----------------------------------------------------------------------------------


def _stdin_is_tty() -> bool:
    try:
        return bool(sys.stdin.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _stdin_binary(out: _Output) -> BinaryIO:
    """go-ipfs-cmds ``maybeWrapStdin``: a terminal gets the "Reading from" hint first."""
    stream = sys.stdin
    if stream is None:
        raise CommandError(ERR_NO_FILE_ARG)
    if _stdin_is_tty():
        out.err(MSG_STDIN + "\n")
    return getattr(stream, "buffer", stream)


def _string_args(values: Sequence[str], name: str) -> list[str]:
    """A ``StringArg(...).EnableStdin()``: arguments, else one per line of piped stdin."""
    if values:
        return list(values)
    if sys.stdin is not None and not _stdin_is_tty():
        data = sys.stdin.read()
        args = [line.rstrip("\r") for line in data.split("\n") if line.strip()]
        if args:
            return args
    raise UsageError(ERR_ARG_REQUIRED.format(name=name))


# --- file arguments (go-ipfs-cmds cli/parse.go) ---------------------------------------------


def _file_args(ctx: _Context, paths: Sequence[str], *, arg_name: str, recursive_arg: bool,
               recursive: bool, hidden: bool = False, dereference: bool = False,
               stdin_name: str = "") -> list[Entry]:
    """The request's files: each path cleaned, checked (directories need ``-r``), named after
    its base name; ``-`` or no path at all is stdin; sorted by name, repeats dropped."""
    entries: list[tuple[str, Entry]] = []
    import_dirs: dict[str, str] = {}
    for text in paths:
        if text == "-":
            stream = _stdin_binary(ctx.out)
            entries.append((stdin_name, File(stdin_name, lambda s=stream: NoClose(s))))
            continue
        fpath = os.path.normpath(text)
        if fpath == ".":
            fpath = os.getcwd()
        if dereference:
            fpath = os.path.realpath(fpath)
        try:
            st = os.lstat(fpath)
        except OSError as exc:
            raise CommandError(go_os_error(exc, "lstat")) from None
        if statmod.S_ISDIR(st.st_mode):
            if not recursive_arg:
                raise CommandError(ERR_DIR_NOT_SUPPORTED.format(path=fpath, arg=arg_name))
            if not recursive:
                raise CommandError(ERR_NOT_RECURSIVE.format(path=fpath))
        name = os.path.basename(fpath) or fpath
        import_dir = os.path.dirname(fpath) or "."
        if name in import_dirs:
            if import_dirs[name] != import_dir:
                raise CommandError(ERR_REPEATED_NAME.format(name=name, a=import_dir, b=import_dirs[name]))
            continue
        import_dirs[name] = import_dir
        try:
            entry = from_path(fpath, recursive=True, hidden=hidden, dereference=dereference, name=name)
        except OSError as exc:
            raise CommandError(go_os_error(exc, "open")) from None
        entries.append((name, entry))
    if not paths:
        stream = _stdin_binary(ctx.out)
        entries.append((stdin_name, File(stdin_name, lambda s=stream: NoClose(s))))
    entries.sort(key=lambda pair: pair[0].encode("utf-8", "surrogateescape"))
    return [entry for _, entry in entries]


def _read_file(entry: Entry) -> bytes:
    """The whole content of a file argument (a ``files.File``), closed after."""
    assert isinstance(entry, File)
    reader = entry.open()
    try:
        return reader.read()
    finally:
        reader.close()


def _walk_files(entries: Iterable[Entry]) -> Iterator[File]:
    for entry in entries:
        if isinstance(entry, Directory):
            yield from _walk_files(entry.entries)
        elif isinstance(entry, File):
            yield entry


def _known_size(paths: Sequence[str]) -> int:
    """``req.Files.Size()``: the bytes to add, 0 when stdin makes it unknown."""
    if not paths or "-" in paths:
        return 0
    total = 0
    for root in paths:
        for dirpath, _, filenames in os.walk(root) if os.path.isdir(root) else [("", [], [root])]:
            for name in filenames:
                try:
                    total += os.stat(os.path.join(dirpath, name)).st_size
                except OSError:
                    pass
    return total


# --- commands -------------------------------------------------------------------------------


def cmd_add(ctx: _Context) -> int:
    """core/commands/add.go (Run and the CLI PostRun)."""
    a = ctx.args
    quiet, quieter, silent = bool(a.quiet), bool(a.quieter), bool(a.silent)
    entries = _file_args(ctx, a.path, arg_name="path", recursive_arg=True, recursive=bool(a.recursive),
                         hidden=bool(a.hidden), dereference=bool(a.dereference_symlinks),
                         stdin_name=a.stdin_name or "")
    if not entries:
        raise CommandError(ERR_NO_FILE_ARG)
    enc = ctx.encoder()
    options = {name: getattr(a, name) for name in (
        "chunker", "trickle", "raw_leaves", "cid_version", "hash", "inline", "inline_limit",
        "only_hash", "pin", "preserve_mode", "preserve_mtime", "mode", "mtime", "mtime_nsecs",
        "max_file_links", "empty_dirs") if getattr(a, name) is not None}
    if a.wrap_with_directory:
        options["wrap_with_directory"] = True

    bar: Optional[ProgressBar] = None
    explicit = a.progress
    if explicit or (explicit is None and not (quiet or quieter or silent)):
        size = _known_size(a.path)
        if ctx.show_progress(size, explicit):
            bar = ProgressBar(ctx.out.stderr, size)
            for entry in _walk_files(entries):
                opener = entry.open
                entry.open = lambda opener=opener: CountingReader(opener(), bar.add)  # type: ignore[misc]

    last: list[str] = []

    def emit(event) -> None:
        text = enc.encode(event.cid)
        last[:] = [text]
        if quieter or silent:
            return
        if bar is not None:
            bar.clear()
        ctx.out.line(text if quiet else f"added {text} {ctx.name(event.name)}")
        if bar is not None:
            bar.render(force=True)

    node = ctx.memory_node() if a.only_hash else ctx.node()
    try:
        node.add(*entries, on_event=emit, **options)
    finally:
        if bar is not None:
            bar.clear()
    if bar is not None:
        bar.finish()
    if quieter and not silent and last:
        ctx.out.line(last[0])
    return 0


def _cat_plan(ctx: _Context, node: Node, paths: Sequence[str], offset: int,
              length: Optional[int]) -> tuple[list[tuple[CID, int, Optional[int]]], int]:
    """core/commands/cat.go ``cat``: every path is resolved and checked before any byte is
    written; ``offset`` runs across the files, ``length`` caps the total."""
    plan: list[tuple[CID, int, Optional[int]]] = []
    total = 0
    for text in paths:
        cid = node.resolve(text)
        info = exporter.load(node.blockstore.get, cid)
        if info.kind == "directory":
            raise IPFSError(ERR_IS_DIR)
        fsize = len(info.fs.data or b"") if info.kind == "symlink" and info.fs else info.size
        if offset > fsize:
            offset -= fsize
            continue
        start, offset = offset, 0
        size = fsize - start
        total += size
        if length is not None and total >= length:
            overshoot = total - length
            plan.append((cid, start, size - overshoot))
            total = length
            break
        plan.append((cid, start, None))
    return plan, total


def cmd_cat(ctx: _Context) -> int:
    a = ctx.args
    offset = a.offset or 0
    if offset < 0:
        raise IPFSError(ERR_NEGATIVE_OFFSET)
    length = a.length
    if length is not None and length < 0:
        raise IPFSError(ERR_NEGATIVE_LENGTH)
    paths = _string_args(a.ipfs_path, "ipfs-path")
    if length == 0:
        return 0
    node = ctx.node()
    plan, total = _cat_plan(ctx, node, paths, offset, length)
    bar = ProgressBar(ctx.out.stderr, total) if ctx.show_progress(total, a.progress) else None
    try:
        for cid, start, take in plan:
            for piece in node.cat_stream(cid, start, take):
                ctx.out.write(piece)
                if bar is not None:
                    bar.add(len(piece))
    finally:
        if bar is not None:
            bar.clear()
    return 0


def _out_path(arg: str, output: Optional[str]) -> str:
    """get.go ``getOutPath``: ``--output``, else the last part of the argument."""
    if output:
        return output
    trimmed = arg.rstrip("/")
    return os.path.normpath(trimmed.rsplit("/", 1)[-1] or ".")


def cmd_get(ctx: _Context) -> int:
    """core/commands/get.go: ``Saving file(s) to <path>`` and extract, or write an archive."""
    a = ctx.args
    compress = bool(a.compress)
    level = a.compression_level
    if compress and level is not None and not 1 <= level <= 9:
        raise IPFSError("compression level must be between 1 and 9")
    arg = _string_args([a.ipfs_path] if a.ipfs_path else [], "ipfs-path")[0]
    node = ctx.node()
    cid = node.resolve(arg)
    stream = node.get(arg, archive=bool(a.archive), compress=compress,
                      compression_level=level if compress else None)
    info = exporter.load(node.blockstore.get, cid)
    size = info.size if info.kind == "file" else 0
    out_path = _out_path(arg, a.output)
    bar = ProgressBar(ctx.out.stderr, size) if ctx.show_progress(size, a.progress) else None
    try:
        if a.archive or compress:
            _write_archive(ctx, stream, out_path, bool(a.archive), compress, bar)
        else:
            ctx.out.line(MSG_SAVING_FILES.format(path=out_path))
            Extractor(out_path, bar.add if bar else None).extract(stream)
    except BaseException:
        if bar is not None:
            bar.clear()
        raise
    if bar is not None:  # get.go: bar.SetCurrent(size); bar.Finish()
        bar.current = max(bar.current, size)
        bar.finish()
    return 0


def _write_archive(ctx: _Context, stream: Iterable[bytes], fpath: str, archive: bool, compress: bool,
                   bar: Optional[ProgressBar]) -> None:
    """get.go ``writeArchive``: ``.tar`` / ``.gz`` appended as needed, then the bytes."""
    if archive and not (fpath.endswith(".tar") or fpath.endswith(".tar.gz")):
        fpath += ".tar"
    if compress and not fpath.endswith(".gz"):
        fpath += ".gz"
    try:
        handle = open(fpath, "wb")
    except OSError as exc:
        raise CommandError(go_os_error(exc, "open")) from None
    with handle:
        ctx.out.line(MSG_SAVING_ARCHIVE.format(path=fpath))
        for chunk in stream:
            handle.write(chunk)
            if bar is not None:
                bar.add(len(chunk))


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterator of byte chunks (the tar stream from ``Node.get``)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


class Extractor:
    """boxo ``tar.Extractor``: the tar's single root becomes ``path`` (a file landing in an
    existing directory keeps its name, like ``cp``); every other entry must sit below the
    root; ``..``, absolute names and paths through symlinks are refused; modes and mtimes are
    restored (directories' last, deepest first)."""

    def __init__(self, path: str, progress: Optional[Callable[[int], None]] = None) -> None:
        self.path = path
        self.progress = progress

    def extract(self, chunks: Iterable[bytes]) -> None:
        if self.path == os.devnull:
            return
        try:
            self._extract(tarfile.open(fileobj=_ChunkReader(chunks), mode="r|"))
        except OSError as exc:
            raise CommandError(go_os_error(exc, "open")) from None
        except tarfile.ReadError:
            raise CommandError(ERR_TAR_EMPTY) from None

    def _extract(self, tar: tarfile.TarFile) -> None:
        header = tar.next()
        if header is None:
            raise CommandError(ERR_TAR_EMPTY)
        deferred: list[tuple[str, tarfile.TarInfo]] = []
        try:
            self._extract_all(tar, header, deferred)
        finally:
            for path, info in reversed(deferred):
                _update_meta(path, info)

    def _extract_all(self, tar: tarfile.TarFile, header: tarfile.TarInfo,
                     deferred: list[tuple[str, tarfile.TarInfo]]) -> None:
        root_name = header.name
        if "/" in root_name:
            raise CommandError(f"root name contains multiple components : {go_quote(root_name)} : {ERR_TAR_INVALID_ROOT}")
        if root_name in ("", ".", ".."):
            raise CommandError(f"invalid root path: {go_quote(root_name)} : {ERR_TAR_INVALID_ROOT}")
        root = os.path.normpath(self.path)
        if "\x00" in root:
            raise CommandError(f"invalid platform path: path components cannot contain null: {go_quote(root)}")
        first_was_dir = False
        if header.isdir():
            first_was_dir = True
            self._extract_dir(root)
            deferred.append((root, header))
        elif header.isreg() or header.issym():
            target = root
            if os.path.isdir(root) and not os.path.islink(root):
                _validate_component(root_name)
                target = os.path.join(root, root_name)
            if header.isreg():
                self._extract_file(target, tar, header)
                _update_meta(target, header)
            else:
                self._extract_symlink(target, header)
        else:
            raise CommandError(f"unrecognized tar header type: {ord(header.type)}")
        while True:
            header = tar.next()
            if header is None:
                break
            if not first_was_dir:
                raise CommandError(f"the root was not a directory and the tar has multiple entries: {ERR_TAR_INVALID_ROOT}")
            _validate_tar_path(header.name)
            if not header.name.startswith(root_name + "/"):
                raise CommandError(ERR_TAR_MULTIPLE_ROOTS)
            target = self._output_path(root, header.name[len(root_name) + 1:])
            rel = os.path.relpath(target, root)
            if rel == ".":
                raise CommandError(ERR_TAR_MULTIPLE_ROOTS)
            if ".." in rel.split(os.sep):
                raise CommandError("relative path contains '..'")
            if header.isdir():
                self._extract_dir(target)
                deferred.append((target, header))
            elif header.isreg():
                self._extract_file(target, tar, header)
                _update_meta(target, header)
            elif header.issym():
                self._extract_symlink(target, header)
            else:
                raise CommandError(f"unrecognized tar header type: {ord(header.type)}")

    @staticmethod
    def _output_path(base: str, relative: str) -> str:
        elems = relative.split("/")
        path = base
        for i, elem in enumerate(elems):
            _validate_component(elem)
            path = os.path.join(path, elem)
            if i == len(elems) - 1:
                break
            st = os.lstat(path)
            if statmod.S_ISLNK(st.st_mode):
                raise CommandError(ERR_TAR_TRAVERSE_SYMLINK)
            if not statmod.S_ISDIR(st.st_mode):
                raise CommandError(ERR_TAR_TRAVERSE_NON_DIR)
        return path

    @staticmethod
    def _extract_dir(path: str) -> None:
        os.makedirs(path, 0o755, exist_ok=True)
        if not statmod.S_ISDIR(os.lstat(path).st_mode):
            raise CommandError(ERR_TAR_DIR_TO_SYMLINK)

    @staticmethod
    def _remove(path: str) -> None:
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)
            else:
                os.remove(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CommandError(go_os_error(exc, "remove")) from None

    def _extract_symlink(self, path: str, header: tarfile.TarInfo) -> None:
        self._remove(path)
        os.symlink(header.linkname, path)
        try:
            os.utime(path, (header.mtime, header.mtime), follow_symlinks=False)
        except (NotImplementedError, OSError):
            pass

    def _extract_file(self, path: str, tar: tarfile.TarFile, header: tarfile.TarInfo) -> None:
        self._remove(path)
        source = tar.extractfile(header)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".")
        try:
            with os.fdopen(fd, "wb") as handle:
                while source is not None:
                    piece = source.read(1 << 20)
                    if not piece:
                        break
                    if self.progress is not None:
                        self.progress(len(piece))
                    handle.write(piece)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.remove(tmp)
            except OSError:
                pass
            raise


def _validate_component(name: str) -> None:
    if name == "..":
        raise CommandError("invalid platform path: path component cannot be '..'")
    if "\x00" in name:
        raise CommandError(f"invalid platform path: path components cannot contain null: {go_quote(name)}")


def _validate_tar_path(name: str) -> None:
    if not name:
        raise CommandError("path is empty")
    if name.startswith("/"):
        raise CommandError(f"{go_quote(name)} : path starts with '/'")
    for elem in name.split("/"):
        if elem in ("", ".", ".."):
            raise CommandError(f"{go_quote(name)} : path contains {go_quote(elem)}")


def _update_meta(path: str, info: tarfile.TarInfo) -> None:
    """boxo files ``UpdateMetaUnix``: mtime first, then the mode (when non-zero)."""
    if info.mtime:
        ns = int(round(float(info.mtime) * 1e9))
        os.utime(path, ns=(ns, ns))
    if info.mode:
        os.chmod(path, info.mode & 0o7777)


def cmd_ls(ctx: _Context) -> int:
    """core/commands/ls.go: entries sorted by name (unless ``--stream``), printed through a
    tabwriter (minwidth 1, or 10 when streaming; padding 1); directories end with ``/`` and
    show ``-`` as size."""
    a = ctx.args
    paths = _string_args(a.ipfs_path, "ipfs-path")
    size = a.size if a.size is not None else True
    resolve_type = a.resolve_type if a.resolve_type is not None else True
    headers, stream = bool(a.headers), bool(a.stream)
    enc = ctx.encoder()
    node = ctx.node()
    multiple = len(paths) > 1
    last_object = ""

    def render(obj_hash: str, links: list) -> str:
        nonlocal last_object
        text = []
        if obj_hash != last_object:
            if multiple:
                if last_object:
                    text.append("\n")
                text.append(f"{obj_hash}:\n")
            if headers:
                text.append("Hash\tSize\tName\n" if size else "Hash\tName\n")
            last_object = obj_hash
        for link in links:
            is_dir = link.type in (1, 3, 5)  # Directory, Metadata, HAMTShard (unixfs.pb)
            cid_text, name = enc.encode(link.cid), ctx.name(link.name)
            if is_dir:
                text.append(f"{cid_text}\t-\t{name}/\n" if size else f"{cid_text}\t{name}/\n")
            else:
                text.append(f"{cid_text}\t{link.size}\t{name}\n" if size else f"{cid_text}\t{name}\n")
        return tabwrite("".join(text), 10 if stream else 1, 2, 1)

    for path in paths:
        links = node.ls(path, resolve_type=resolve_type or size)
        if stream:
            for link in links:
                ctx.out.write(render(path, [link]))
        else:
            ctx.out.write(render(path, sorted(links, key=lambda l: l.name.encode("utf-8", "surrogateescape"))))
    return 0


# --- block ----------------------------------------------------------------------------------


def _check_mhtype(name: str) -> None:
    """block.go: ``mh.Names[mhtype]`` (exact, case-sensitive) or kubo's error."""
    try:
        ok = multicodec.get(name).tag == "multihash"
    except Exception:
        ok = False
    if not ok:
        raise IPFSError(f"unrecognized multihash function: {name}")


def cmd_block_put(ctx: _Context) -> int:
    a = ctx.args
    mhtype = a.mhtype or "sha2-256"
    _check_mhtype(mhtype)
    if a.format and a.cid_codec and a.cid_codec != "raw":
        raise IPFSError(ERR_FORMAT_AND_CID_CODEC)
    entries = _file_args(ctx, a.data, arg_name="data", recursive_arg=False, recursive=False)
    enc = ctx.block_encoder()
    node = ctx.node()
    for entry in entries:
        data = _read_file(entry)
        cid = node.block_put(data, format=a.format or None, cid_codec=a.cid_codec or None,
                             mhtype=mhtype, mhlen=a.mhlen if a.mhlen is not None else -1,
                             pin=bool(a.pin))
        ctx.out.line(enc.encode(cid))
    return 0


def cmd_block_get(ctx: _Context) -> int:
    arg = _string_args([ctx.args.cid] if ctx.args.cid else [], "cid")[0]
    ctx.out.write(ctx.node().block_get(arg))
    return 0


def cmd_block_stat(ctx: _Context) -> int:
    arg = _string_args([ctx.args.cid] if ctx.args.cid else [], "cid")[0]
    cid, size = ctx.node().block_stat(arg)
    ctx.out.write(f"Key: {ctx.block_encoder().encode(cid)}\nSize: {size}\n")
    return 0


def cmd_block_rm(ctx: _Context) -> int:
    """block.go ``blockRmCmd``: one block at a time (a bad argument stops the command, the
    blocks before it stay removed); failures go to stderr and end in "some blocks not removed"."""
    a = ctx.args
    enc = ctx.block_encoder()
    node = ctx.node()
    failed = False
    for text in a.cid:
        cid = node.resolve(text)
        for removed, error in node.block_rm([cid], force=bool(a.force)):
            if error:
                failed = True
                ctx.out.err(f"cannot remove {enc.encode(removed)}: {error}\n")
            elif not a.quiet:
                ctx.out.line(f"removed {enc.encode(removed)}")
    if failed:
        raise CommandError(ERR_BLOCKS_NOT_REMOVED)
    return 0


# --- pin ------------------------------------------------------------------------------------


def _pin_args(ctx: _Context) -> tuple[list[str], CidEncoder, bool]:
    """pin.go ``addPinCmd`` / ``rmPinCmd``: the paths, the output encoder and ``--recursive``
    (default true)."""
    a = ctx.args
    paths = _string_args(a.ipfs_path, "ipfs-path")
    return paths, ctx.encoder(), a.recursive if a.recursive is not None else True


def cmd_pin_add(ctx: _Context) -> int:
    paths, enc, recursive = _pin_args(ctx)
    cids = ctx.node().pin_add(*paths, recursive=recursive)
    kind = "recursively" if recursive else "directly"
    for cid in cids:
        ctx.out.line(f"pinned {enc.encode(cid)} {kind}")
    return 0


def cmd_pin_rm(ctx: _Context) -> int:
    paths, enc, recursive = _pin_args(ctx)
    for cid in ctx.node().pin_rm(*paths, recursive=recursive):
        ctx.out.line(f"unpinned {enc.encode(cid)}")
    return 0


def _pin_type(kind: str, enc: CidEncoder) -> str:
    prefix = "indirect through "
    if kind.startswith(prefix):
        return prefix + enc.encode(CID.decode(kind[len(prefix):]))
    return kind


def cmd_pin_ls(ctx: _Context) -> int:
    """pin.go ``listPinCmd``: ``<cid> <type>`` (``-q``: the CID alone)."""
    a = ctx.args
    enc = ctx.encoder()
    listing = ctx.node().pin_ls(*a.ipfs_path, type=a.type or "all")
    for key, kind in listing.items():
        text = enc.encode(CID.decode(key))
        ctx.out.line(text if a.quiet else f"{text} {_pin_type(kind, enc)}")
    return 0


def cmd_pin_update(ctx: _Context) -> int:
    a = ctx.args
    enc = ctx.encoder()
    unpin = a.unpin if a.unpin is not None else True
    old, new = ctx.node().pin_update(a.from_path, a.to_path, unpin=unpin)
    ctx.out.line(f"updated {enc.encode(old)} to {enc.encode(new)}")
    return 0


def cmd_pin_verify(ctx: _Context) -> int:
    """pin.go ``verifyPinCmd`` and ``PinVerifyRes.Format``."""
    a = ctx.args
    if a.verbose and a.quiet:
        raise IPFSError(ERR_PIN_VERIFY_VERBOSE_QUIET)
    enc = ctx.encoder()
    for root, bad in ctx.node().pin_verify():
        if bad:
            ctx.out.line(enc.encode(root) if a.quiet else f"{enc.encode(root)} broken")
            if not a.quiet:
                for cid, error in bad:
                    ctx.out.line(f"  {enc.encode(cid)}: {error}")
        elif a.verbose:
            ctx.out.line(f"{enc.encode(root)} ok")
    return 0


# --- repo -----------------------------------------------------------------------------------


def cmd_repo_gc(ctx: _Context) -> int:
    """repo.go ``repoGcCmd``: ``removed <cid>`` (the key's ``String()``, no ``--cid-base``)."""
    a = ctx.args
    removed = ctx.node().repo_gc()
    if a.silent:
        return 0
    for cid in removed:
        text = CidEncoder().encode(cid)
        ctx.out.line(text if a.quiet else f"removed {text}")
    return 0


def cmd_repo_stat(ctx: _Context) -> int:
    """repo.go ``repoStatCmd`` text encoder (tabwriter 0, 0, 1, ' ')."""
    a = ctx.args
    stat = ctx.node().repo_stat()

    def size(value: int) -> str:
        return humanize_bytes(value) if a.human else str(value)

    lines = []
    if not a.size_only:
        lines.append(f"NumObjects:\t{stat['NumObjects']}\n")
    lines.append(f"RepoSize:\t{size(stat['RepoSize'])}\n")
    lines.append(f"StorageMax:\t{size(stat['StorageMax'])}\n")
    if not a.size_only:
        lines.append(f"RepoPath:\t{stat['RepoPath']}\n")
        lines.append(f"Version:\t{stat['Version']}\n")
    ctx.out.write(tabwrite("".join(lines), 0, 0, 1))
    return 0


def _repo_version(ctx: "_Context") -> str:
    return ctx.kubo_version.repo_version


def cmd_repo_version(ctx: _Context) -> int:
    version = _repo_version(ctx)
    ctx.out.line(f"fs-repo@{version}" if ctx.args.quiet else f"ipfs repo version fs-repo@{version}")
    return 0


# --- version --------------------------------------------------------------------------------


def cmd_version(ctx: _Context) -> int:
    """core/commands/version.go, with the emulated kubo version as ``ipfs``'s own."""
    a = ctx.args
    version = str(ctx.kubo_version)
    if a.all:
        label = "Kubo version" if kubo_brand(ctx.kubo_version) else "go-ipfs version"
        machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
        ctx.out.write(f"{label}: {version}\nRepo version: {_repo_version(ctx)}\n"
                      f"System version: {machine}/{sys.platform}\n"
                      f"Golang version: python{platform.python_version()}\n"
                      f"fakeipfs version: {__version__}\n")
    elif a.repo:
        ctx.out.line(_repo_version(ctx))
    elif a.number:
        ctx.out.line(version)
    else:
        ctx.out.line(f"ipfs version {version}")
    return 0


# --- conformance ------------------------------------------------------------------------------


def cmd_conformance(ctx: _Context) -> int:
    """``fakeipfs conformance``: run the conformance catalogue (:mod:`conformance`) against a
    target, write the Markdown matrix to ``--report``, print each failure's diff and, as the last
    line, ``conformance: N passed, M failed, K skipped (target T)``; status 1 on any failure."""
    from conformance import report, runner
    a = ctx.args
    try:
        runner.parse_target(a.target)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    result = runner.run(a.target, str(ctx.kubo_version), a.k)
    for o in result.outcomes:
        if o.status == "failed":
            ctx.out.line(f"FAILED {o.name}\n{o.detail}")
    if a.report:
        with open(a.report, "w", encoding="utf-8") as fh:
            fh.write(report.markdown(result))
        ctx.out.line(f"report written to {a.report}")
    ctx.out.line(result.summary)
    return 1 if result.count("failed") else 0


# --- daemon ---------------------------------------------------------------------------------


ERR_REPO_LOCKED = "lock {path}: someone else has the lock"  # go-fs-lock, as kubo prints it


def cmd_daemon(ctx: _Context) -> int:
    """cmd/ipfs/kubo/daemon.go ``daemonFunc``: the version block, the swarm line (fakeipfs has
    no swarm: always offline), then the servers' lines (:mod:`fakeipfs.daemon`)."""
    from .daemon import DaemonError, node_for_repo, serve
    a = ctx.args
    if not a.in_memory and node_for_repo(ctx.repo_path()) is not None:
        raise CommandError(ERR_REPO_LOCKED.format(path=os.path.join(ctx.repo_path(), "repo.lock")))
    version = ctx.kubo_version
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    ctx.out.write(f"Initializing daemon...\n"
                  f"{'Kubo version' if kubo_brand(version) else 'go-ipfs version'}: {version}\n"
                  f"Repo version: {_repo_version(ctx)}\nSystem version: {machine}/{sys.platform}\n"
                  f"Golang version: python{platform.python_version()}\n"
                  "Swarm not listening, running in offline mode.\n")
    node = ctx.memory_node() if a.in_memory else ctx.local_node()
    try:
        serve(node, api=a.api, gateway=a.gateway, allow_remote=bool(a.allow_remote),
              max_request_size=a.max_request_size, say=ctx.out.line)
    except DaemonError as exc:
        ctx.out.write("\n")  # daemon.go: "Print an extra line before any errors"
        raise CommandError(str(exc)) from None
    return 0


def cmd_testnet(ctx: _Context) -> int:
    """``fakeipfs testnet``: the nodes of one :class:`fakeipfs.Network` served over HTTP, node
    ``i`` on the API port plus ``i`` (:mod:`fakeipfs.testnet`, which documents the lines it
    prints); stops on SIGINT/SIGTERM."""
    from .daemon import DaemonError
    from .network import Network
    from .testnet import Testnet
    a = ctx.args
    if a.nodes < 1:
        raise CommandError(f"testnet: --nodes must be at least 1, not {a.nodes}")
    try:
        seed = int(a.seed) if a.seed.lstrip("-").isdigit() else a.seed  # --seed 7 is Network(seed=7)
        network = Network(a.nodes, seed=seed, kubo_version=str(ctx.kubo_version), connect=a.topology)
        Testnet(network, api=a.api, gateway=a.gateway or None, allow_remote=bool(a.allow_remote),
                say=ctx.out.line).run()
    except DaemonError as exc:
        raise CommandError(str(exc)) from None
    return 0


# --- dag (drives Node.dag_* where this Node has them) ---------------------------------------


def _dag_method(node: Node, name: str):
    method = getattr(node, name, None)
    if method is None:
        raise CommandError(f"'dag {name[4:]}' is not available: this fakeipfs Node has no {name}()")
    return method


def cmd_dag_put(ctx: _Context) -> int:
    """dag/dag.go ``DagPutCmd``: one CID per input file."""
    a = ctx.args
    entries = _file_args(ctx, a.object_data, arg_name="object data", recursive_arg=False, recursive=False)
    enc = ctx.encoder()
    put = _dag_method(ctx.node(), "dag_put")
    for entry in entries:
        data = _read_file(entry)
        kwargs = {"store_codec": a.store_codec or "dag-cbor", "input_codec": a.input_codec or "dag-json",
                  "pin": bool(a.pin)}
        if a.hash:
            kwargs["hash"] = a.hash
        ctx.out.line(enc.encode(put(data, **kwargs)))
    return 0


def cmd_dag_get(ctx: _Context) -> int:
    arg = _string_args([ctx.args.ref] if ctx.args.ref else [], "ref")[0]
    get = _dag_method(ctx.node(), "dag_get")
    ctx.out.write(get(arg, output_codec=ctx.args.output_codec or "dag-json"))
    return 0


def cmd_dag_resolve(ctx: _Context) -> int:
    """dag/dag.go ``DagResolveCmd``: ``<cid>[/<rest>]`` with no newline, in the path's base
    unless ``--cid-base`` says otherwise."""
    arg = _string_args([ctx.args.ref] if ctx.args.ref else [], "ref")[0]
    cid, rest = _dag_method(ctx.node(), "dag_resolve")(arg)
    enc = None if ctx.option("cid_base") is not None else encoder_from_path(arg)
    text = (enc or ctx.encoder()).encode(cid)
    if rest:
        text = text + "/" + rest.strip("/")
    ctx.out.write(text)
    return 0


def cmd_dag_export(ctx: _Context) -> int:
    arg = _string_args([ctx.args.root] if ctx.args.root else [], "root")[0]
    for chunk in _dag_method(ctx.node(), "dag_export")(arg):
        ctx.out.write(chunk)
    return 0


def cmd_dag_import(ctx: _Context) -> int:
    """dag/dag.go ``DagImportCmd``: ``Pinned root\\t<cid>\\tsuccess`` per root."""
    a = ctx.args
    entries = _file_args(ctx, a.path, arg_name="path", recursive_arg=False, recursive=False)
    pin_roots = a.pin_roots if a.pin_roots is not None else True
    enc = ctx.encoder(low_level=not cid_base_everywhere(ctx.kubo_version))
    importer = _dag_method(ctx.node(), "dag_import")
    failed = total = 0
    for entry in entries:
        assert isinstance(entry, File)
        reader = entry.open()
        try:
            results = importer(reader, pin_roots=pin_roots)
        finally:
            reader.close()
        for root, error in results or []:
            total += 1
            if error:
                failed += 1
                if dag_import_pin_failure_is_error(ctx.kubo_version):
                    raise IPFSError(f"pinning root {go_quote(enc.encode(root))} FAILED: {error}")
            if not a.silent:
                ctx.out.line(f"Pinned root\t{enc.encode(root)}\t{'FAILED: ' + error if error else 'success'}")
    if failed:
        raise IPFSError(f"unable to pin all roots: {failed} out of {total} failed")
    return 0


# --- the parser -----------------------------------------------------------------------------


def _command(sub, name: str, handler: Callable[[_Context], int], help: str) -> _Parser:
    parser = sub.add_parser(name, help=help, description=help)
    parser.set_defaults(handler=handler, command_parser=parser)
    _global_options(parser, suppress=True)
    return parser


def _group(sub, name: str, help: str) -> "argparse._SubParsersAction":
    parser = sub.add_parser(name, help=help, description=help)
    _global_options(parser, suppress=True)
    parser.set_defaults(handler=None, group_parser=parser)
    return parser.add_subparsers(title="subcommands", metavar="<command>", parser_class=_Parser)


def build_parser() -> _Parser:
    """The whole command tree, flags as kubo declares them."""
    root = _Parser(prog=PROG, description="An emulated IPFS (kubo) node on the command line, without a daemon.")
    _global_options(root, suppress=False)
    root.set_defaults(handler=None, group_parser=root)
    sub = root.add_subparsers(title="commands", metavar="<command>", parser_class=_Parser)
    i32, i64, u32 = _int_type(32), _int_type(64), _int_type(32, unsigned=True)

    p = _command(sub, "add", cmd_add, "Add a file or directory to IPFS.")
    p.add_argument("path", nargs="*", help="The path to a file to be added to IPFS ('-' or none: stdin).")
    _bool(p, "--recursive", "-r", help="Add directory paths recursively.")
    _bool(p, "--dereference-symlinks", help="Resolve symlinks to their target content.")
    p.add_argument("--stdin-name", help="Assign a name if the file source is stdin.")
    _bool(p, "--hidden", "-H", help="Include files that are hidden. Only takes effect on recursive add.")
    _bool(p, "--empty-dirs", "-E", help="Include empty directories in the import. Default: true.")
    _bool(p, "--quiet", "-q", help="Write minimal output.")
    _bool(p, "--quieter", "-Q", help="Write only final hash.")
    _bool(p, "--silent", help="Write no output.")
    _bool(p, "--progress", "-p", help="Stream progress data.")
    _bool(p, "--only-hash", "-n", help="Only chunk and hash - do not write to disk.")
    _bool(p, "--wrap-with-directory", "-w", help="Wrap files with a directory object.")
    _bool(p, "--pin", help="Pin locally to protect added files from garbage collection. Default: true.")
    p.add_argument("--cid-version", type=i32, help="CID version (0 or 1).")
    p.add_argument("--hash", help="Hash function to use. Implies CIDv1 if not sha2-256. Default: sha2-256.")
    _bool(p, "--raw-leaves", help="Use raw blocks for leaf nodes.")
    p.add_argument("--chunker", "-s", help="Chunking algorithm, size-[bytes], rabin-[min]-[avg]-[max] or buzhash. Default: size-262144.")
    _bool(p, "--trickle", "-t", help="Use trickle-dag format for dag generation.")
    p.add_argument("--max-file-links", type=i32, help="Limit the maximum number of links in UnixFS file nodes.")
    _bool(p, "--inline", help="Inline small blocks into CIDs.")
    p.add_argument("--inline-limit", type=i32, help="Maximum block size to inline. Default: 32.")
    _bool(p, "--preserve-mode", help="Apply existing POSIX permissions to created UnixFS entries.")
    _bool(p, "--preserve-mtime", help="Apply existing POSIX modification time to created UnixFS entries.")
    p.add_argument("--mode", type=u32, help="Custom POSIX file mode to store in created UnixFS entries.")
    p.add_argument("--mtime", type=i64, help="Custom POSIX modification time to store in created UnixFS entries.")
    p.add_argument("--mtime-nsecs", type=u32, help="Custom POSIX modification time (nanoseconds part).")

    p = _command(sub, "cat", cmd_cat, "Show IPFS object data.")
    p.add_argument("ipfs_path", metavar="ipfs-path", nargs="*", help="The path to the IPFS object(s) to be outputted.")
    p.add_argument("--offset", "-o", type=i64, help="Byte offset to begin reading from.")
    p.add_argument("--length", "-l", type=i64, help="Maximum number of bytes to read.")
    _bool(p, "--progress", "-p", help="Stream progress data.")

    p = _command(sub, "get", cmd_get, "Download IPFS objects.")
    p.add_argument("ipfs_path", metavar="ipfs-path", nargs="?", help="The path to the IPFS object(s) to be outputted.")
    p.add_argument("--output", "-o", help="The path where the output should be stored.")
    _bool(p, "--archive", "-a", help="Output a TAR archive.")
    _bool(p, "--compress", "-C", help="Compress the output with GZIP compression.")
    p.add_argument("--compression-level", "-l", type=i32, help="The level of compression (1-9).")
    _bool(p, "--progress", "-p", help="Stream progress data.")

    p = _command(sub, "ls", cmd_ls, "List directory contents for Unix filesystem objects.")
    p.add_argument("ipfs_path", metavar="ipfs-path", nargs="*", help="The path to the IPFS object(s) to list links from.")
    _bool(p, "--headers", "-v", help="Print table headers (Hash, Size, Name).")
    _bool(p, "--resolve-type", help="Resolve linked objects to find out their types. Default: true.")
    _bool(p, "--size", help="Resolve linked objects to find out their file size. Default: true.")
    _bool(p, "--stream", "-s", help="Enable experimental streaming of directory entries as they are traversed.")

    block = _group(sub, "block", "Interact with raw IPFS blocks.")
    p = _command(block, "put", cmd_block_put, "Store input as an IPFS block.")
    p.add_argument("data", nargs="*", help="The data to be stored as an IPFS block ('-' or none: stdin).")
    p.add_argument("--cid-codec", help="Multicodec to use in returned CID (kubo >= 0.13; default raw).")
    p.add_argument("--mhtype", help="Multihash hash function. Default: sha2-256.")
    p.add_argument("--mhlen", type=i32, help="Multihash hash length. Default: -1.")
    _bool(p, "--pin", help="Pin added blocks recursively. Default: false.")
    p.add_argument("--format", "-f", help="cid format for blocks to be created with (legacy).")
    p = _command(block, "get", cmd_block_get, "Get a raw IPFS block.")
    p.add_argument("cid", nargs="?", help="The CID of an existing block to get.")
    p = _command(block, "stat", cmd_block_stat, "Print information of a raw IPFS block.")
    p.add_argument("cid", nargs="?", help="The CID of an existing block to stat.")
    p = _command(block, "rm", cmd_block_rm, "Remove IPFS block(s) from the local datastore.")
    p.add_argument("cid", nargs="+", help="CIDs of block(s) to remove.")
    _bool(p, "--force", "-f", help="Ignore nonexistent blocks.")
    _bool(p, "--quiet", "-q", help="Write minimal output.")

    pin = _group(sub, "pin", "Pin (and unpin) objects to local storage.")
    p = _command(pin, "add", cmd_pin_add, "Pin objects to local storage.")
    p.add_argument("ipfs_path", metavar="ipfs-path", nargs="*", help="Path to object(s) to be pinned.")
    _bool(p, "--recursive", "-r", help="Recursively pin the object linked to by the specified object(s). Default: true.")
    _bool(p, "--progress", help="Show progress (accepted, not drawn).")
    p = _command(pin, "rm", cmd_pin_rm, "Remove object from pin-list.")
    p.add_argument("ipfs_path", metavar="ipfs-path", nargs="*", help="Path to object(s) to be unpinned.")
    _bool(p, "--recursive", "-r", help="Recursively unpin the object linked to by the specified object(s). Default: true.")
    p = _command(pin, "ls", cmd_pin_ls, "List objects pinned to local storage.")
    p.add_argument("ipfs_path", metavar="ipfs-path", nargs="*", help="Path to object(s) to be listed.")
    p.add_argument("--type", "-t", help='The type of pinned keys to list. Can be "direct", "indirect", "recursive", or "all". Default: all.')
    _bool(p, "--quiet", "-q", help="Write just hashes of objects.")
    _bool(p, "--stream", "-s", help="Enable streaming of pins as they are discovered.")
    p = _command(pin, "update", cmd_pin_update, "Update a recursive pin.")
    p.add_argument("from_path", metavar="from-path", help="Path to old object.")
    p.add_argument("to_path", metavar="to-path", help="Path to a new object to be pinned.")
    _bool(p, "--unpin", help="Remove the old pin. Default: true.")
    p = _command(pin, "verify", cmd_pin_verify, "Verify that recursive pins are complete.")
    _bool(p, "--verbose", help="Also write the hashes of non-broken pins.")
    _bool(p, "--quiet", "-q", help="Write just hashes of broken pins.")

    repo = _group(sub, "repo", "Manipulate the IPFS repo.")
    p = _command(repo, "gc", cmd_repo_gc, "Perform a garbage collection sweep on the repo.")
    _bool(p, "--stream-errors", help="Stream errors.")
    _bool(p, "--quiet", "-q", help="Write minimal output.")
    _bool(p, "--silent", help="Write no output.")
    p = _command(repo, "stat", cmd_repo_stat, "Get stats for the currently used repo.")
    _bool(p, "--size-only", "-s", help="Only report RepoSize and StorageMax.")
    _bool(p, "--human", "-H", help="Print sizes in human readable format (e.g., 1K 234M 2G).")
    p = _command(repo, "version", cmd_repo_version, "Show the repo version.")
    _bool(p, "--quiet", "-q", help="Write minimal output.")

    p = _command(sub, "conformance", cmd_conformance, "Run the conformance scenarios against fakeipfs or a real kubo and report where they agree.")
    p.add_argument("--target", default="inproc", help="inproc, daemon, live=<multiaddr> (any kubo RPC API, e.g. live=/ip4/127.0.0.1/tcp/5001) or kubo-lib. Default: inproc.")
    p.add_argument("--report", help="Write the Markdown matrix (scenario x result) to this file.")
    p.add_argument("-k", metavar="PATTERN", help="Only scenarios whose name contains PATTERN (a glob if it has *?[).")

    p = _command(sub, "daemon", cmd_daemon, "Run a network-connected IPFS node (offline: fakeipfs has no swarm).")
    p.add_argument("--api", help="The RPC API multiaddr to listen on. Default: the config's Addresses.API (/ip4/127.0.0.1/tcp/5001).")
    p.add_argument("--gateway", help="The gateway multiaddr to listen on ('' for none). Default: the config's Addresses.Gateway (/ip4/127.0.0.1/tcp/8080).")
    _bool(p, "--in-memory", help="Serve a fresh in-memory node instead of the repo.")
    _bool(p, "--allow-remote", help="Allow listening on non-loopback addresses.")
    p.add_argument("--max-request-size", type=_int_type(64), help="Largest request body accepted, in bytes (413 beyond). Default: unlimited.")

    from .network import TOPOLOGIES
    p = _command(sub, "testnet", cmd_testnet, "Serve the nodes of a simulated IPFS network, node i's RPC API on the API port plus i.")
    p.add_argument("--nodes", "-n", type=i32, default=3, help="How many nodes. Default: 3.")
    p.add_argument("--api", default="/ip4/127.0.0.1/tcp/5001", help="Node 0's RPC API multiaddr; node i listens on its port plus i (tcp/0: any free ports). Default: /ip4/127.0.0.1/tcp/5001.")
    p.add_argument("--gateway", default="", help="Node 0's gateway multiaddr; node i's on its port plus i. Default: none.")
    p.add_argument("--topology", choices=TOPOLOGIES, default="full", help="Which nodes connect at start (full: every pair; line: i dials i+1; ring: a closed line; star: node 0 dials every other). Default: full.")
    p.add_argument("--seed", default="0", help="Seed of the node identities and of the network's fault decisions. Default: 0.")
    _bool(p, "--allow-remote", help="Allow listening on non-loopback addresses.")

    p = _command(sub, "version", cmd_version, "Show IPFS version information (the emulated kubo's).")
    _bool(p, "--number", "-n", help="Only show the version number.")
    _bool(p, "--commit", help="Show the commit hash.")
    _bool(p, "--repo", help="Show repo version.")
    _bool(p, "--all", help="Show all version information.")

    dag = _group(sub, "dag", "Interact with IPLD DAG objects (needs Node.dag_*).")
    p = _command(dag, "put", cmd_dag_put, "Add a DAG node to IPFS.")
    p.add_argument("object_data", metavar="object data", nargs="*", help="The object to put ('-' or none: stdin).")
    p.add_argument("--store-codec", help="Codec that the stored object will be encoded with. Default: dag-cbor.")
    p.add_argument("--input-codec", help="Codec that the input object is encoded in. Default: dag-json.")
    # kubo < 0.10 spelled them --format/-f (default cbor) and --input-enc (default json)
    p.add_argument("--format", "-f", dest="store_codec", help=argparse.SUPPRESS)
    p.add_argument("--input-enc", dest="input_codec", help=argparse.SUPPRESS)
    _bool(p, "--pin", help="Pin this object when adding.")
    p.add_argument("--hash", help="Hash function to use. Default: sha2-256.")
    p = _command(dag, "get", cmd_dag_get, "Get a DAG node from IPFS.")
    p.add_argument("ref", nargs="?", help="The object to get.")
    p.add_argument("--output-codec", help="Format that the object will be encoded as. Default: dag-json.")
    p = _command(dag, "resolve", cmd_dag_resolve, "Resolve IPLD block.")
    p.add_argument("ref", nargs="?", help="The path to resolve.")
    p = _command(dag, "export", cmd_dag_export, "Streams the selected DAG as a .car stream on stdout.")
    p.add_argument("root", nargs="?", help="CID of a root to recursively export.")
    _bool(p, "--progress", "-p", help="Stream progress data (accepted, not drawn).")
    p = _command(dag, "import", cmd_dag_import, "Import the contents of .car files.")
    p.add_argument("path", nargs="*", help="The path of a .car file ('-' or none: stdin).")
    _bool(p, "--pin-roots", help="Pin optional roots listed in the .car headers after importing. Default: true.")
    _bool(p, "--silent", help="No output.")
    return root


#: Positional destinations that take any number of values (extra words are appended).
_VARIADIC = ("path", "ipfs_path", "data", "cid", "object_data")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    target = getattr(args, "command_parser", None) or getattr(args, "group_parser", parser)
    handler = getattr(args, "handler", None)
    variadic = next((name for name in _VARIADIC if isinstance(getattr(args, name, None), list)), None)
    for word in extras:
        if word.startswith("-") and word != "-":
            raise UsageError(ERR_UNKNOWN_OPTION.format(name=word.lstrip("-").split("=", 1)[0]), target)
        if handler is None:
            raise UsageError(ERR_UNKNOWN_COMMAND.format(name=word), target)
        if variadic is None:
            # go-ipfs-cmds cli/parse.go: "expected %d argument(s), got %d"
            positionals = [action.dest for action in target._get_positional_actions()]
            given = sum(1 for dest in positionals if getattr(args, dest, None) is not None)
            extra = sum(1 for w in extras if not w.startswith("-") or w == "-")
            raise UsageError(f"expected {len(positionals)} argument(s), got {given + extra}", target)
        getattr(args, variadic).append(word)
    return args


def _print_usage_error(out: _Output, error: UsageError) -> None:
    out.err(f"Error: {error}\n")
    if error.parser is not None:
        out.err("\n" + error.parser.format_usage())
        out.err(f"\nUse '{error.parser.prog} --help' for information about this command\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one ``fakeipfs`` command line; return the exit status (0 or 1, as ``ipfs``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = _Output()
    # kubo cmd/ipfs/kubo/start.go: "ipfs --version" and "ipfs help <cmd>"
    if argv[:1] == ["--version"]:
        argv[0] = "version"
    if argv[:1] == ["help"]:
        argv = argv[1:] + ["--help"] if len(argv) > 1 else ["--help"]
    try:
        try:
            args = _parse(argv)
        except SystemExit as exc:  # --help
            return int(exc.code or 0)
        handler = getattr(args, "handler", None)
        if handler is None:
            getattr(args, "group_parser").print_help(out.stdout)
            return 0
        return handler(_Context(args, out))
    except UsageError as exc:
        _print_usage_error(out, exc)
        return 1
    except (CommandError, IPFSError) as exc:
        out.err(f"Error: {exc}\n")
        return 1
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except OSError as exc:
        out.err(f"Error: {go_os_error(exc)}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
