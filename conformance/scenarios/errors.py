"""Error cases: kubo's message and HTTP status for each.

Request-level errors come from go-ipfs-cmds http/handler.go and parse.go (``http.Error``: plain
text, a trailing newline): 404 ``404 page not found`` (ErrNotFound), 405 for anything but POST
(from go-ipfs 0.5), 400 for arguments and option values. Command errors are kubo's JSON
``{"Message", "Code": 0, "Type": "error"}`` with HTTP 500.
"""
from __future__ import annotations

from fakeipfs.versions import KuboVersion

from ..client import file_part, tree_parts
from ..scenario import expect, rpc_scenario
from ._data import PLANETS_TREE, not_pinned


# (scenario name, why, command, its arguments and options, kubo's status and plain-text body,
#  since, version_why): request-level errors, http.Error's text with its trailing newline
REQUEST_CASES = [
    ("errors/unknown-command", "go-ipfs-cmds http/handler.go ErrNotFound: 404, \"404 page not found\"",
     ("no-such-command",), {}, 404, "404 page not found\n", None, ""),
    ("errors/get-method", "go-ipfs-cmds http/handler.go: only POST, else 405 \"405 - Method Not Allowed\"",
     ("version",), {"method": "GET"}, 405, "405 - Method Not Allowed\n", "0.5.0",
     "the RPC API refuses GET from go-ipfs 0.5 (docs/changelogs/v0.5.md)"),
    ("errors/missing-argument", "go-ipfs-cmds command.go CheckArguments: 400, argument \"ipfs-path\" "
     "is required", ("cat",), {}, 400, 'argument "ipfs-path" is required\n', None, ""),
    ("errors/bad-option-value", "go-ipfs-cmds request.go convertOptions: 400, could not convert value "
     "\"abc\" to type \"int64\" (for option \"-offset\")",
     ("cat", "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"), {"offset": "abc"},
     400, 'could not convert value "abc" to type "int64" (for option "-offset")\n', None, ""),
]


def _request_scenario(name, why, args, options, status, body, since, version_why):
    def run(ctx):
        r = ctx.rpc.call(*args, **options)
        expect("status, body", (r.status, r.text), (status, body))
    rpc_scenario(name, why, since=since, version_why=version_why)(run)


for _case in REQUEST_CASES:
    _request_scenario(*_case)


def _unknown_hash(ctx) -> str:
    name = '"nope"' if ctx.version >= KuboVersion(0, 16, 0) else "nope"
    return f"unrecognized hash function: {name}"


# (scenario name, why, add options, kubo's message: text, or a function of the context)
ADD_CASES = [
    ("errors/add/cidv0-sha512", "add.go: an explicit CIDv0 with another hash is refused "
     "(\"CIDv0 only supports sha2-256\")", {"cid_version": 0, "hash": "sha2-512"},
     "CIDv0 only supports sha2-256"),
    ("errors/add/unknown-hash", "add.go: \"unrecognized hash function: %s\", %q from 0.16 "
     "(kubo 9e5d0aaae, #8927)", {"hash": "NoPe"}, _unknown_hash),
    ("errors/add/chunker-size-0", "boxo chunker/parse.go: \"chunker size must be greater than 0\"",
     {"chunker": "size-0"}, "chunker size must be greater than 0"),
    ("errors/add/bad-rabin", "boxo chunker/parse.go: rabin min below 16 is refused",
     {"chunker": "rabin-8-16-32"}, "rabin min must be greater than 16"),
]


def _add_scenario(name, why, options, message):
    def run(ctx):
        r = ctx.rpc.call("add", parts=[file_part("f", b"x")], **options)
        expect("error", r.error(), (500, message(ctx) if callable(message) else message, 0))
    rpc_scenario(name, why)(run)


for _case in ADD_CASES:
    _add_scenario(*_case)


@rpc_scenario("errors/cat/directory", "cat of a directory: iface.ErrIsDir, \"this dag node is a "
              "directory\"")
def _(ctx):
    root = ctx.rpc.add_cid(tree_parts("planets", PLANETS_TREE))
    expect("error", ctx.rpc.call("cat", root).error(), (500, "this dag node is a directory", 0))


@rpc_scenario("errors/cat/negative-offset", "cat.go: \"cannot specify negative offset\"")
def _(ctx):
    cid = ctx.rpc.add_cid(b"hello world")
    expect("error", ctx.rpc.call("cat", cid, offset=-1).error(), (500, "cannot specify negative offset", 0))


@rpc_scenario("errors/cat/negative-length", "cat.go: \"cannot specify negative length\"")
def _(ctx):
    cid = ctx.rpc.add_cid(b"hello world")
    expect("error", ctx.rpc.call("cat", cid, length=-1).error(), (500, "cannot specify negative length", 0))


@rpc_scenario("errors/pin/rm-not-pinned", "pin rm of an unpinned block: \"not pinned or pinned "
              "indirectly\"")
def _(ctx):
    cid = ctx.rpc.add_cid(b"errors/pin/rm-not-pinned probe\n", pin=False)
    expect("error", ctx.rpc.call("pin/rm", cid).error(), (500, "not pinned or pinned indirectly", 0))


@rpc_scenario("errors/pin/ls-not-pinned", "pin ls <cid> of an unpinned block: \"path '<arg>' is not "
              "pinned\" (pin.go pinLsKeys)")
def _(ctx):
    cid = ctx.rpc.add_cid(b"errors/pin/ls-not-pinned probe\n", pin=False)
    expect("error", ctx.rpc.call("pin/ls", cid).error(), (500, not_pinned(ctx, cid), 0))


@rpc_scenario("errors/files/relative-path", "files.go checkPath: \"paths must start with a leading "
              "slash\"")
def _(ctx):
    expect("error", ctx.rpc.call("files/mkdir", "relative").error(),
           (500, "paths must start with a leading slash", 0))


@rpc_scenario("errors/files/rm-root", "files rm /: \"cannot delete root\" (a plain error until "
              "0.13, which emits per-path errors)", until="0.13.0",
              version_why="files rm takes many paths and streams their errors (docs/changelogs/v0.13.md)")
def _(ctx):
    expect("error", ctx.rpc.call("files/rm", "/").error(), (500, "cannot delete root", 0))
