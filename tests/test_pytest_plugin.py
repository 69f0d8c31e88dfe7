"""The fakeipfs pytest plugin (fakeipfs/pytest_plugin.py), run as users run it: ``pytester``
writes a small test file that uses only the public fixtures and runs pytest on it in-process,
with the plugin loaded through its ``pytest11`` entry point.

An in-process run removes the modules first imported during it, so ``requests`` and
``ipfshttpclient`` (two copies of which break each other) and ``hypothesis`` (whose pytest plugin
imports it at the end of every run, a second each) are imported by this module instead."""
from __future__ import annotations

import socket
import time
from typing import Iterator

import hypothesis  # noqa: F401 - imported here, not first inside each run (see above)
import ipfshttpclient  # noqa: F401
import pytest
import requests  # noqa: F401

from fakeipfs import Node, transport  # noqa: F401
from fakeipfs import daemon as daemon_module
from fakeipfs import pytest_plugin
from fakeipfs.daemon import Daemon

pytest_plugins = ["pytester"]

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"

USER_TESTS = f'''
import ipfshttpclient
import pytest

HELLO = "{HELLO}"


def test_add_and_cat(ipfs_client):
    assert ipfs_client.add_bytes(b"hello world") == HELLO
    assert ipfs_client.cat(HELLO) == b"hello world"


def test_the_client_writes_the_node(ipfs_node, ipfs_client):
    ipfs_client.add_bytes(b"hello world")
    assert ipfs_node.cat(HELLO) == b"hello world"
    assert ipfs_client.pin.ls(type="recursive")["Keys"] == {{HELLO: {{"Type": "recursive"}}}}


def test_each_test_gets_a_fresh_node(ipfs_node, ipfs_client):
    assert ipfs_node.pin_ls() == {{}}
    assert ipfs_client.pin.ls(type="recursive")["Keys"] == {{}}


def test_default_version(ipfs_client):
    assert ipfs_client.version()["Version"] == "0.7.0"


@pytest.mark.kubo_version("0.11.0")
def test_version_marker(ipfs_node, ipfs_client):
    assert str(ipfs_node.kubo_version) == "0.11.0"
    assert ipfs_client.version()["Version"] == "0.11.0"


def test_daemon_serves_the_node(ipfs_node, ipfs_daemon):
    assert ipfs_daemon.startswith("/ip4/127.0.0.1/tcp/") and not ipfs_daemon.endswith("/tcp/0")
    with ipfshttpclient.connect(ipfs_daemon) as client:
        assert client.add_bytes(b"hello world") == HELLO
    assert ipfs_node.cat(HELLO) == b"hello world"
'''

MARKED_TESTS = f'''
import pytest


@pytest.mark.fake_only
def test_fake(ipfs_node):
    pass


@pytest.mark.live_only
def test_live(ipfs_client):
    assert ipfs_client.version()["Version"] == "0.7.0"


def test_any(ipfs_client):
    assert ipfs_client.add_bytes(b"hello world") == "{HELLO}"
'''

ASYNC_TESTS = f'''
import asyncio

import pytest

HELLO = "{HELLO}"
clients = []


def test_add_and_cat(async_ipfs_client):
    async def main():
        added = await async_ipfs_client.post("/api/v0/add", files={{"file": ("hello.txt", b"hello world")}})
        cat = await async_ipfs_client.post("/api/v0/cat", params={{"arg": HELLO}})
        return added, cat
    added, cat = asyncio.run(main())
    assert (added.status_code, added.json()) == (200, {{"Name": "hello.txt", "Hash": HELLO, "Size": "19"}})
    assert (cat.status_code, cat.content) == (200, b"hello world")
    clients.append(async_ipfs_client)


def test_a_new_client_each_test_and_the_last_one_closed(async_ipfs_client):
    assert clients[0].is_closed and not async_ipfs_client.is_closed
    answer = asyncio.run(async_ipfs_client.post("/api/v0/cat", params={{"arg": "QmNope"}}))
    assert (answer.status_code, answer.json()["Message"]) == (500, 'invalid path "QmNope": selected encoding not supported')


@pytest.mark.fake_only
def test_it_talks_to_ipfs_node(ipfs_node, async_ipfs_client):
    ipfs_node.add_bytes(b"hello world")
    answer = asyncio.run(async_ipfs_client.post("/api/v0/pin/ls", params={{"type": "recursive"}}))
    assert answer.json() == {{"Keys": {{HELLO: {{"Type": "recursive"}}}}}}
'''


@pytest.fixture
def daemon_starts(monkeypatch: pytest.MonkeyPatch) -> list[Daemon]:
    """Every ``Daemon`` started in this process while the test runs."""
    started: list[Daemon] = []
    start = Daemon.start

    async def counting(self: Daemon) -> None:
        started.append(self)
        await start(self)

    monkeypatch.setattr(daemon_module.Daemon, "start", counting)
    return started


@pytest.mark.parametrize("args, env, over_http", [
    ((), None, False),
    (("--ipfs-target=inproc",), None, False),
    (("--ipfs-target", "daemon"), None, True),
    ((), "daemon", True),
])
def test_the_same_user_file_passes_in_process_and_over_a_daemon(pytester: pytest.Pytester, monkeypatch,
                                                               daemon_starts: list[Daemon], args, env, over_http):
    pytester.makepyfile(test_user=USER_TESTS)
    if env:
        monkeypatch.setenv(pytest_plugin.ENV_TARGET, env)
    pytester.runpytest(*args).assert_outcomes(passed=6)
    # a daemon for the test asking for ipfs_daemon, and under the daemon target one per ipfs_client test
    assert len(daemon_starts) == (6 if over_http else 1)
    assert all(d.api_addr is not None and d.api_addr.host == "127.0.0.1" for d in daemon_starts)
    assert len({id(d.node) for d in daemon_starts}) == len(daemon_starts)


def test_the_env_var_chooses_the_target_and_the_option_overrides_it(pytester: pytest.Pytester, monkeypatch,
                                                                    daemon_starts: list[Daemon]):
    pytester.makepyfile(test_user=USER_TESTS)
    monkeypatch.setenv(pytest_plugin.ENV_TARGET, "daemon")
    pytester.runpytest("--ipfs-target=inproc").assert_outcomes(passed=6)
    assert len(daemon_starts) == 1
    pytester.runpytest().assert_outcomes(passed=6)
    assert len(daemon_starts) == 1 + 6


@pytest.mark.parametrize("args, env, message", [
    (("--ipfs-target=bogus",), None,
     "ERROR: --ipfs-target: unknown target 'bogus' (valid targets: inproc, daemon, live=<multiaddr>)"),
    ((), "nope",
     "ERROR: FAKEIPFS_TARGET: unknown target 'nope' (valid targets: inproc, daemon, live=<multiaddr>)"),
    (("--ipfs-target=live=/ip4/nope/tcp/1",), None,
     "ERROR: --ipfs-target: invalid live address '/ip4/nope/tcp/1': failed to parse ip4 addr: nope"),
])
def test_a_bad_target_is_a_usage_error(pytester: pytest.Pytester, monkeypatch, args, env, message):
    pytester.makepyfile(test_user=USER_TESTS)
    if env:
        monkeypatch.setenv(pytest_plugin.ENV_TARGET, env)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.lines


def test_markers_skip_by_target(pytester: pytest.Pytester):
    pytester.makepyfile(test_marked=MARKED_TESTS)
    result = pytester.runpytest("-rs", "--strict-markers")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] test_marked.py:*: live_only: needs --ipfs-target=live=<multiaddr>"])
    result = pytester.runpytest("-rs", "--strict-markers", "--ipfs-target=daemon")
    result.assert_outcomes(passed=2, skipped=1)


def test_live_target_runs_against_a_running_node(pytester: pytest.Pytester):
    """A fakeipfs daemon stands in for the running kubo: what the tests add lands in its node."""
    pytester.makepyfile(test_marked=MARKED_TESTS)
    node = Node()
    with Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda _: None).background() as daemon:
        result = pytester.runpytest("-rs", "--strict-markers", f"--ipfs-target=live={daemon.api_addr}")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] test_marked.py:*: fake_only: not run against a live kubo"])
    assert node.pin_ls(type="recursive") == {HELLO: "recursive"}


@pytest.mark.parametrize("args, over_http", [((), False), (("--ipfs-target=daemon",), True)])
def test_async_client_reaches_the_node_and_is_closed_after_each_test(pytester: pytest.Pytester,
                                                                     daemon_starts: list[Daemon], args, over_http):
    pytester.makepyfile(test_async=ASYNC_TESTS)
    pytester.runpytest("--strict-markers", *args).assert_outcomes(passed=3)
    assert len(daemon_starts) == (3 if over_http else 0)


def test_async_client_under_the_live_target(pytester: pytest.Pytester):
    pytester.makepyfile(test_async=ASYNC_TESTS)
    node = Node()
    with Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda _: None).background() as daemon:
        pytester.runpytest("--strict-markers", f"--ipfs-target=live={daemon.api_addr}").assert_outcomes(
            passed=2, skipped=1)
    assert node.pin_ls(type="recursive") == {HELLO: "recursive"}


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A port that accepts TCP connections but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_unreachable_live_address_fails_at_once_naming_it(pytester: pytest.Pytester, free_port: int):
    pytester.makepyfile(test_marked=MARKED_TESTS)
    addr = f"/ip4/127.0.0.1/tcp/{free_port}"
    began = time.monotonic()
    result = pytester.runpytest(f"--ipfs-target=live={addr}")
    assert time.monotonic() - began < 5
    result.assert_outcomes(errors=2, skipped=1)
    result.stdout.fnmatch_lines([f"*fakeipfs: no kubo RPC API reachable at {addr} (--ipfs-target=live=...): *"])


def test_a_live_address_that_never_answers_times_out_once(pytester: pytest.Pytester, monkeypatch,
                                                          silent_listener: int):
    monkeypatch.setattr(pytest_plugin, "LIVE_TIMEOUT", 1.0)
    pytester.makepyfile(test_any="def test_one(ipfs_client):\n    pass\n\n\n"
                                 "def test_two(ipfs_client):\n    pass\n")
    addr = f"/ip4/127.0.0.1/tcp/{silent_listener}"
    began = time.monotonic()
    result = pytester.runpytest(f"--ipfs-target=live={addr}")
    assert time.monotonic() - began < 1.9  # the second test does not wait again
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines([f"*fakeipfs: no kubo RPC API reachable at {addr} (--ipfs-target=live=...): *"
                                 "Read timed out*"] * 2)
