"""Test helpers for programs run as child processes (daemons, testnets, Grid workers)."""
from __future__ import annotations

import contextlib
import subprocess
from typing import Iterator


@contextlib.contextmanager
def child(argv: list[str], **popen) -> Iterator[subprocess.Popen]:
    """``argv`` run as a child process (``subprocess.Popen(argv, **popen)``) for the ``with``
    block, killed after it if it still runs (a failed test leaves no server behind)."""
    proc = subprocess.Popen(argv, **popen)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
