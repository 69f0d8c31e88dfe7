"""``/api/v0/config``, ``config/show``, ``config/replace``: kubo core/commands/config.go over
:mod:`fakeipfs.config`.

``config show`` answers the config as a JSON object (indented text before 0.4.18);
``config <key>`` answers ``{"Key","Value"}``; ``config <key> <value>`` sets a string, or a bool
with ``--bool`` (``value == "true"``), or any JSON value with ``--json``, and answers the value
read back. The private key can be neither read nor changed. ``config edit`` is ``NoRemote``
(404 over HTTP); ``config profile apply`` is not emulated.
"""
from __future__ import annotations

import json

from .. import config as configmod
from .. import errors
from ..errors import IPFSError, _go_quote, err_not_implemented
from ..versions import config_show_json
from ._cmdenv import file_arg
from .commands import Arg, Call, command, opt
from .dispatcher import ERR_NOT_FOUND
from .wire import Response, bytes_response, empty_response, single_response, text_response


def _json_error(exc: json.JSONDecodeError, text: str) -> str:
    """Go ``encoding/json`` syntax errors for the common cases."""
    if exc.pos >= len(text.rstrip()):
        return "unexpected end of JSON input"
    char = text[exc.pos]
    where = "looking for beginning of value" if exc.msg.startswith("Expecting value") else \
        "after top-level value" if exc.msg.startswith("Extra data") else "looking for beginning of object key string"
    return f"invalid character {_go_char(char)} {where}"


def _go_char(char: str) -> str:
    """``encoding/json`` ``quoteChar``."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    return "'" + _go_quote(char)[1:-1] + "'"


@command("config", args=(Arg("key"), Arg("value", required=False)), options=(opt("bool"), opt("json")))
def config(call: Call) -> Response:
    key = call.args[0]
    if key.lower() in ("identity", "identity.privkey"):
        raise IPFSError(errors.ERR_CONFIG_PRIVATE_KEY)
    cfg = configmod.of(call.node)
    if len(call.args) == 2:
        value: object = call.args[1]
        if call.option("json", False):
            try:
                value = json.loads(call.args[1])
            except json.JSONDecodeError as exc:
                raise IPFSError(errors.err_config_json(_json_error(exc, call.args[1]))) from None
        elif call.option("bool", False):
            value = call.args[1] == "true"
        try:
            cfg.set(key, value)
        except configmod.ConfigError as exc:
            raise IPFSError(errors.err_config_set(exc.message)) from None
    try:
        found = cfg.get(key)
    except configmod.ConfigError as exc:
        raise IPFSError(errors.err_config_get(exc.message)) from None
    return single_response({"Key": key, "Value": found})


@command("config/show")
def show(call: Call) -> Response:
    """The config without ``Identity.PrivKey``: a JSON object from 0.4.18; before, the text of
    ``config.HumanOutput`` as a byte stream (v0.4.13 ``res.SetOutput(bytes.NewReader(output))``:
    ``text/plain``, ``X-Stream-Output: 1``, no ``X-Content-Length``)."""
    shown = configmod.of(call.node).show()
    if config_show_json(call.version):
        return single_response(shown)
    return bytes_response([configmod.human_output(shown)])


@command("config/replace", args=(Arg("file", file=True),))
def replace(call: Call) -> Response:
    data = file_arg(call)
    try:
        new = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IPFSError(errors.ERR_CONFIG_DECODE) from None
    configmod.of(call.node).replace(new)
    return empty_response()


@command("config/edit")
def edit(call: Call) -> Response:
    """``NoRemote``: go-ipfs-cmds http/parse.go answers 404 rather than run it."""
    return text_response(404, ERR_NOT_FOUND)


@command("config/profile/apply", args=(Arg("profile"),), options=(opt("dry-run"),))
def profile_apply(call: Call) -> Response:
    raise IPFSError(err_not_implemented("config/profile/apply"))
