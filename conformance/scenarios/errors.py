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


@rpc_scenario("errors/unknown-command", "go-ipfs-cmds http/handler.go ErrNotFound: 404, "
              "\"404 page not found\"")
def _(ctx):
    r = ctx.rpc.call("no-such-command")
    expect("status, body", (r.status, r.text), (404, "404 page not found\n"))


@rpc_scenario("errors/get-method", "go-ipfs-cmds http/handler.go: only POST, else 405 "
              "\"405 - Method Not Allowed\"", since="0.5.0",
              version_why="the RPC API refuses GET from go-ipfs 0.5 (docs/changelogs/v0.5.md)")
def _(ctx):
    r = ctx.rpc.call("version", method="GET")
    expect("status, body", (r.status, r.text), (405, "405 - Method Not Allowed\n"))


@rpc_scenario("errors/missing-argument", "go-ipfs-cmds command.go CheckArguments: 400, "
              "argument \"ipfs-path\" is required")
def _(ctx):
    r = ctx.rpc.call("cat")
    expect("status, body", (r.status, r.text), (400, 'argument "ipfs-path" is required\n'))


@rpc_scenario("errors/bad-option-value", "go-ipfs-cmds request.go convertOptions: 400, could not "
              "convert value \"abc\" to type \"int64\" (for option \"-offset\")")
def _(ctx):
    r = ctx.rpc.call("cat", "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", offset="abc")
    expect("status, body", (r.status, r.text),
           (400, 'could not convert value "abc" to type "int64" (for option "-offset")\n'))


@rpc_scenario("errors/add/cidv0-sha512", "add.go: an explicit CIDv0 with another hash is refused "
              "(\"CIDv0 only supports sha2-256\")")
def _(ctx):
    r = ctx.rpc.call("add", parts=[file_part("f", b"x")], cid_version=0, hash="sha2-512")
    expect("error", r.error(), (500, "CIDv0 only supports sha2-256", 0))


@rpc_scenario("errors/add/unknown-hash", "add.go: \"unrecognized hash function: %s\", %q from 0.16 "
              "(kubo 9e5d0aaae, #8927)")
def _(ctx):
    r = ctx.rpc.call("add", parts=[file_part("f", b"x")], hash="NoPe")
    name = '"nope"' if ctx.version >= KuboVersion(0, 16, 0) else "nope"
    expect("error", r.error(), (500, f"unrecognized hash function: {name}", 0))


@rpc_scenario("errors/add/chunker-size-0", "boxo chunker/parse.go: \"chunker size must be greater "
              "than 0\"")
def _(ctx):
    r = ctx.rpc.call("add", parts=[file_part("f", b"x")], chunker="size-0")
    expect("error", r.error(), (500, "chunker size must be greater than 0", 0))


@rpc_scenario("errors/add/bad-rabin", "boxo chunker/parse.go: rabin min below 16 is refused")
def _(ctx):
    r = ctx.rpc.call("add", parts=[file_part("f", b"x")], chunker="rabin-8-16-32")
    expect("error", r.error(), (500, "rabin min must be greater than 16", 0))


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
