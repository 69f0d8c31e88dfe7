"""The JS ``kubo-rpc-client`` (npm; version pinned in tests/js/package.json) against a
``fakeipfs daemon --kubo-version 0.30.0`` subprocess, over real HTTP on 127.0.0.1.

tests/js/check.mjs holds the checks (add, addAll of a directory, cat, dag put/get, pin
add/ls/rm, block put/get, id, version, pubsub on the multibase wire, cat of a directory's
error), each against kubo's CIDs and messages. It needs ``node`` and ``npm ci`` run in
tests/js: without them the test skips on a developer's machine, and fails in CI
(``CI=true``), where .ci/run installs them.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fakeipfs.multiaddr import Multiaddr
from procutil import terminate

JS_DIR = Path(__file__).parent / "js"
LOCAL = "/ip4/127.0.0.1/tcp/0"
KUBO_VERSION = "0.30.0"
READY_TIMEOUT = 15.0
CHECK_TIMEOUT = 25.0


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _node_or_skip() -> str:
    """The ``node`` executable; a missing one (or missing node_modules) skips locally and
    fails in CI."""
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("`node` is not on PATH")
    if not (JS_DIR / "node_modules" / "kubo-rpc-client").is_dir():
        missing.append("tests/js/node_modules is not installed (run `npm ci` in tests/js)")
    if missing:
        reason = "JS kubo-rpc-client check needs Node.js: " + "; ".join(missing)
        if _in_ci():
            pytest.fail(reason + " (CI=true: .ci/run must install them)")
        pytest.skip(reason)
    assert node is not None
    return node


class _DaemonProcess:
    """``fakeipfs daemon`` as a subprocess: its output is drained by a thread, which notes the
    RPC address and when the daemon is ready."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        self.api: Multiaddr | None = None
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            if line.startswith("RPC API server listening on "):
                self.api = Multiaddr.parse(line.rsplit(" ", 1)[1])
            elif line == "Daemon is ready":
                self.ready.set()
        self.ready.set()  # the daemon exited: stop waiting

    def stop(self) -> None:
        terminate(self.proc)
        self._reader.join(timeout=5)


def test_kubo_rpc_client_against_the_daemon():
    node = _node_or_skip()
    daemon = _DaemonProcess([sys.executable, "-m", "fakeipfs.cli", "daemon", "--in-memory",
                             "--kubo-version", KUBO_VERSION, "--api", LOCAL, "--gateway", LOCAL])
    try:
        assert daemon.ready.wait(READY_TIMEOUT), f"daemon not ready: {daemon.lines}"
        assert daemon.proc.poll() is None and daemon.api is not None, f"daemon exited: {daemon.lines}"
        url = daemon.api.url("")
        run = subprocess.run([node, "check.mjs"], cwd=JS_DIR, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL, timeout=CHECK_TIMEOUT,
                             env=dict(os.environ, FAKEIPFS_API_URL=url))
    finally:
        daemon.stop()
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "0 failed" in output, output
    summary = run.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[1-9]\d* passed, 0 failed", summary), output
