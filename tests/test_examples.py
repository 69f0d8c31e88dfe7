"""The sample user project (examples/userproject) passes, unchanged, under the ``inproc`` and
``daemon`` targets: its tests use only fakeipfs's public fixtures, loaded through the plugin's
entry point. Each run is a separate pytest process; its wall-clock time is printed (not
asserted: timings belong in benchmarks/)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent / "examples" / "userproject"
TESTS = 9  # tests/test_docstore.py


@pytest.mark.parametrize("target", ["inproc", "daemon"])
def test_the_sample_project_passes(target: str, capsys: pytest.CaptureFixture[str]):
    env = {k: v for k, v in os.environ.items() if k != "FAKEIPFS_TARGET"}
    began = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--ipfs-target={target}"],
                         cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - began
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.fullmatch(rf"{TESTS} passed(, \d+ warnings?)? in [\d.]+s", summary), summary
    with capsys.disabled():
        print(f"\nexamples/userproject --ipfs-target={target}: {summary} ({elapsed:.2f} s wall, pytest start-up included)")
