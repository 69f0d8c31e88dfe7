"""The conformance catalogue run against every target, and the runner, report and CLI around it.

Each target must pass every scenario that applies to it (zero failures) with the exact pass
counts below; a scenario added to the catalogue updates them. ``kubo-lib`` is skipped only where
``kubo_lib.available()`` gives a reason (no unshare, no wheel, not Linux x86_64).
"""
from __future__ import annotations

import pytest

from conformance import report, runner, scenario
from conformance.scenario import NO_RPC_IN_LIB, Mismatch, expect
from conformance.targets import kubo_lib
from fakeipfs.cli import main
from fakeipfs.daemon import Daemon
from fakeipfs.node import Node

#: (target, kubo version) -> scenarios passed
PASSED = {
    ("inproc", "0.7.0"): 105,
    ("inproc", "0.22.0"): 110,
    ("inproc", "0.30.0"): 106,
    ("daemon", "0.22.0"): 110,
    ("live", "0.22.0"): 102,
    ("kubo-lib", "0.22.0"): 25,
}
TOTAL = len(scenario.load_catalogue())


def _check(result: runner.RunResult, key: tuple) -> None:
    failures = {o.name: o.detail for o in result.outcomes if o.status == "failed"}
    assert failures == {}
    assert (result.count("passed"), len(result.outcomes)) == (PASSED[key], TOTAL)
    assert all(o.detail for o in result.outcomes if o.status == "skipped")  # every skip says why


@pytest.mark.parametrize("version", ["0.7.0", "0.22.0", "0.30.0"])
def test_inproc(version):
    _check(runner.run("inproc", version), ("inproc", version))


def test_daemon():
    _check(runner.run("daemon", "0.22.0"), ("daemon", "0.22.0"))


def test_live_against_a_fakeipfs_daemon():
    """``live=<multiaddr>`` as a user runs it against their kubo (here: a fakeipfs daemon, which
    the live target treats as any kubo: no reset, version from /api/v0/version)."""
    node = Node(kubo_version="0.22.0")
    with Daemon(node, api="/ip4/127.0.0.1/tcp/0", gateway=None, write_api_file=False,
                say=lambda line: None).background() as d:
        result = runner.run(f"live={d.api_addr}", kubo_version="0.7.0")  # ignored: asks the node
    assert str(result.version) == "0.22.0"
    _check(result, ("live", "0.22.0"))
    skipped = {o.name: o.detail for o in result.outcomes if o.status == "skipped"}
    assert skipped["repo/gc/removes-unpinned"] == "repo gc would remove the user's own unpinned blocks"


@pytest.mark.kubo_lib
def test_kubo_lib():
    result = runner.run("kubo-lib")
    _check(result, ("kubo-lib", "0.22.0"))
    details = {o.name: o.detail for o in result.outcomes}
    assert details["add/default/hello-world"] == NO_RPC_IN_LIB


def test_kubo_lib_unavailable_skips_with_the_reason(monkeypatch):
    monkeypatch.setattr(kubo_lib, "available", lambda: "no unshare here")
    result = runner.run("kubo-lib", pattern="lib/id")
    assert [(o.name, o.status, o.detail) for o in result.outcomes] == [
        ("lib/id/format", "skipped", "kubo library unavailable: no unshare here")]


def test_version_gates_and_patterns():
    result = runner.run("inproc", "0.7.0", pattern="add/hamt/*")
    assert [(o.name, o.status, o.detail) for o in result.outcomes] == [
        ("add/hamt/below-threshold", "skipped",
         "kubo 0.7.0 predates it (since 0.11.0: automatic HAMT sharding (docs/changelogs/v0.11.md))"),
        ("add/hamt/auto-sharded", "skipped",
         "kubo 0.7.0 predates it (since 0.11.0: automatic HAMT sharding (docs/changelogs/v0.11.md))"),
    ]
    assert [o.name for o in runner.run("inproc", pattern="PIN/UPDATE").outcomes] == ["pin/update"]


def test_expect_diffs():
    expect("same", {"a": 1}, {"a": 1})
    with pytest.raises(Mismatch) as info:
        expect("cid", "QmB", "QmA")
    assert info.value.diff == '--- kubo\n+++ target\n@@ -1 +1 @@\n-\'QmA\'\n+\'QmB\''


@pytest.fixture
def failing_scenario(monkeypatch):
    """A scenario that fails on purpose, registered for one test."""
    name = "zz/test-only/failing"

    def run(ctx):
        expect("hello world CID", ctx.rpc.add_cid(b"hello world"), "QmNotKubos")

    monkeypatch.setitem(scenario.CATALOGUE, name, scenario.Scenario(
        name, "rpc", scenario.RPC_TARGETS, "a deliberate failure", run))
    return name


def test_report_and_cli_on_failure(failing_scenario, tmp_path, capsys):
    path = tmp_path / "matrix.md"
    status = main(["conformance", "--target", "inproc", "-k", "zz/", "--report", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out[-1] == "conformance: 0 passed, 1 failed, 0 skipped (target inproc)"
    assert out[0] == f"FAILED {failing_scenario}"
    text = path.read_text()
    assert f"| `{failing_scenario}` | ❌ failed | a deliberate failure — see the diff below |" in text
    assert "-'QmNotKubos'\n+'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD'" in text


def test_cli_passes(tmp_path, capsys):
    path = tmp_path / "m.md"
    status = main(["conformance", "--target", "daemon", "--kubo-version", "0.22.0", "-k", "errors/",
                   "--report", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out == [f"report written to {path}",
                   "conformance: 14 passed, 0 failed, 1 skipped (target daemon)"]
    assert path.read_text().splitlines()[:3] == [
        "# fakeipfs conformance: target `daemon`, kubo 0.22.0", "", "**14 passed, 0 failed, 1 skipped**"]


def test_cli_refuses_an_unknown_target(capsys):
    assert main(["conformance", "--target", "kubo"]) == 1
    assert capsys.readouterr().err == (
        "Error: unknown target 'kubo' (inproc, daemon, live=<multiaddr>, kubo-lib)\n")


def test_report_lists_every_outcome():
    result = runner.run("inproc", "0.22.0", pattern="block/")
    text = report.markdown(result)
    assert text.count("\n| `block/") == len(result.outcomes) == 7
    assert text.rstrip().endswith(result.summary)
