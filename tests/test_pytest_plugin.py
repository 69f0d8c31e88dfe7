"""The fakeipfs pytest plugin (fakeipfs/pytest_plugin.py), run as users run it: ``pytester``
writes a small test file that uses only the public fixtures and runs pytest on it in-process,
with the plugin loaded through its ``pytest11`` entry point.

An in-process run removes the modules first imported during it, so ``requests``, ``httpx``,
``httpcore`` and ``ipfshttpclient`` (two copies of which break each other) and ``hypothesis``
(whose pytest plugin imports it at the end of every run, a second each) are imported by this
module instead."""
from __future__ import annotations

import socket
import time
from typing import Iterator

import httpcore  # noqa: F401 - imported here, not first inside each run (see above)
import httpx  # noqa: F401
import hypothesis  # noqa: F401
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


# --- ipfs_network ------------------------------------------------------------------------------

SEED0 = ["12D3KooWCX8PtGCALyJXh8AGBRpkdadjbGMvwSoaiUsNFCfiGihh",
         "12D3KooWGxFzT8tCSJCXHoQmg1313RBbYamLFBtfpMnvgzr64w3Z",
         "12D3KooWFHufHrTf5VRioH7boEBNwC7ZX9L8ujm1fJ1dJC9Jm6s6"]
SEED7_V011 = ["12D3KooWHDenSywkejPFyW3zdhuvoa9yJkEvyiv2jkedz4fCDjpX",
              "12D3KooWSQ324rw6NUnqzrENtXcfEP6ayzqLXAfiyc4ybKgL97BJ"]

NETWORK_TESTS = f'''
import pytest
from fakeipfs import identity

HELLO = "{HELLO}"


def ids(network):
    return [identity.of(node).peer_id for node in network.nodes]


def links(network):
    return [[network.nodes.index(peer) for peer in network.peers(node)] for node in network.nodes]


def test_three_connected_nodes_from_seed_0(ipfs_network):
    assert ids(ipfs_network) == {SEED0!r}
    assert links(ipfs_network) == [[1, 2], [0, 2], [0, 1]]
    ipfs_network.nodes[0].add_bytes(b"hello world")
    assert ipfs_network.nodes[2].cat(HELLO) == b"hello world"


def test_each_test_gets_a_fresh_network(ipfs_network):
    assert all(node.pin_ls() == {{}} for node in ipfs_network.nodes)


@pytest.mark.ipfs_network(nodes=2, seed=7, connect="none", kubo_version="0.11.0")
def test_the_marker_configures_it(ipfs_network):
    assert ids(ipfs_network) == {SEED7_V011!r}
    assert links(ipfs_network) == [[], []]
    assert [str(node.kubo_version) for node in ipfs_network.nodes] == ["0.11.0", "0.11.0"]


@pytest.mark.ipfs_network(nodes=4, connect=[(0, 1), (2, 1), (2, 3)])
def test_a_topology_of_pairs(ipfs_network):
    assert links(ipfs_network) == [[1], [0, 2], [1, 3], [2]]
    assert [d for _, d in ipfs_network.connections(2)] == [2, 2]  # node 2 dialled both
    ipfs_network.nodes[0].add_bytes(b"hello world")
    assert ipfs_network.nodes[3].cat(HELLO) == b"hello world"  # two hops away


@pytest.mark.kubo_version("0.11.0")
def test_the_kubo_version_marker_applies(ipfs_network, ipfs_node):
    assert {{str(node.kubo_version) for node in ipfs_network.nodes}} == {{"0.11.0"}}
    assert ipfs_node not in ipfs_network.nodes


@pytest.mark.ipfs_network(connect="line")
def test_a_named_topology(ipfs_network):
    assert links(ipfs_network) == [[1], [0, 2], [1]]


@pytest.mark.ipfs_network(connect="mesh")
def test_a_bad_topology(ipfs_network):
    pass
'''


def test_ipfs_network_fixture(pytester: pytest.Pytester):
    pytester.makepyfile(test_net=NETWORK_TESTS)
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=6, errors=1)
    result.stdout.fnmatch_lines(["*ValueError: Network: connect must be *, not 'mesh'"])


def test_ipfs_network_is_skipped_under_the_live_target(pytester: pytest.Pytester):
    pytester.makepyfile(test_net="def test_net(ipfs_network):\n    pass\n")
    with Daemon(Node(), api="/ip4/127.0.0.1/tcp/0", gateway=None, say=lambda _: None).background() as daemon:
        result = pytester.runpytest("-rs", f"--ipfs-target=live={daemon.api_addr}")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] *: ipfs_network: a network of in-memory nodes has no "
                                 "live counterpart (--ipfs-target=live=...)"])


def test_a_wider_scope_by_overriding_the_fixture(pytester: pytest.Pytester):
    pytester.makeconftest('''
import pytest
import fakeipfs


@pytest.fixture(scope="module")
def ipfs_network():
    return fakeipfs.Network(2, seed=1)
''')
    pytester.makepyfile(test_net=f'''
def test_first(ipfs_network):
    ipfs_network.nodes[0].add_bytes(b"hello world")


def test_second_sees_what_the_first_added(ipfs_network):
    assert len(ipfs_network.nodes) == 2
    assert ipfs_network.nodes[0].pin_ls() == {{"{HELLO}": "recursive"}}
''')
    pytester.runpytest().assert_outcomes(passed=2)


@pytest.mark.parametrize("decorators, message", [
    ("@pytest.mark.fake_only\n@pytest.mark.live_only",
     "fake_only and live_only markers together: the test could never run"),
    ('@pytest.mark.kubo_version("0.11.0")\n@pytest.mark.kubo_version("0.7.0")',
     "conflicting kubo_version markers: 0.11.0, 0.7.0"),
    ('@pytest.mark.kubo_version("0.11.0")\n@pytest.mark.ipfs_network(kubo_version="0.7.0")',
     "ipfs_network(kubo_version='0.7.0') conflicts with kubo_version('0.11.0')"),
    ("@pytest.mark.ipfs_network(nodes=2)\n@pytest.mark.ipfs_network(nodes=4)",
     "conflicting ipfs_network markers: nodes=4 and nodes=2"),
    ("@pytest.mark.ipfs_network(peers=2)",
     "ipfs_network: unknown argument 'peers' (valid: nodes, seed, connect, kubo_version)"),
    ("@pytest.mark.ipfs_network(2)",
     "ipfs_network takes keyword arguments only (nodes=, seed=, connect=, kubo_version=)"),
])
def test_conflicting_markers_are_a_usage_error(pytester: pytest.Pytester, decorators: str, message: str):
    pytester.makepyfile(test_bad=f"import pytest\n\n\n{decorators}\ndef test_it(ipfs_node):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: test_bad.py::test_it: {message}" in result.stderr.lines
