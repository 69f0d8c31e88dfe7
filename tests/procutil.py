"""Test helpers for programs run as child processes (daemons, testnets, Grid workers)."""
from __future__ import annotations

import contextlib
import signal
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


def terminate(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop ``proc`` as one stops a daemon: SIGTERM (kubo's daemon shuts down cleanly on it),
    then SIGKILL if it still runs after ``timeout`` seconds; returns once it has exited."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
