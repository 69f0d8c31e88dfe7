"""RPC throughput of the real ``ipfshttpclient`` 0.7.0: in process and over loopback HTTP, in one run.

    python benchmarks/rpc.py [--seconds 3] [--size-mib 256] [--timeout 600] [--dir DIR]

1. **Small requests.** Each client thread repeats ``add_bytes(<1 KiB, unique>)`` then
   ``cat(<cid>)`` (checked) for ``--seconds``; printed as requests/s (2 per round) with 1 and 8
   client threads, each thread with its own client:

   - in process: ``fakeipfs.transport.connect(node)`` (no socket);
   - HTTP: ``ipfshttpclient.connect("/ip4/127.0.0.1/tcp/<port>/http")`` to a ``fakeipfs daemon``
     process, as applications call it (a new connection per request) and with a session
     (``with client:``, one kept-alive connection per thread).

2. **One large add.** ``--size-mib`` of deterministic bytes (ChaCha20, as kubo's
   test/cli/testutils) in a file, added with ``only_hash=True`` through ipfshttpclient to a
   *fresh* daemon process, as a ratio to the in-process only-hash add of the same file
   (``Node.add``, no RPC) timed in the same run; both must give the same root CID. Only-hash
   keeps the comparison about the RPC path (multipart upload, parsing, streaming): nothing is
   stored on either side. The same add through ipfshttpclient in process (no socket) is timed
   too, to show how much of the gap is the RPC layer and how much the HTTP server. The daemon's
   RSS is read from /proc before the add and its peak (``VmHWM``) after: the upload streams, so
   the growth should stay flat whatever the size. Last, the floor: the same upload by the same
   client to an aiohttp server that only reads the body and throws it away (``SinkProcess``);
   no daemon can answer faster than that, so ``in process / floor`` is the best ratio reachable
   with this client on this machine.

Targets on the reference machine (2 cores): large add over HTTP >= 0.5x the in-process
only-hash add, daemon peak RSS growth <= 64 MiB.

Everything is bounded: each phase by ``--seconds`` or the client's timeout, the whole run by
``--timeout`` (SIGALRM). Daemons listen on 127.0.0.1 only and are stopped (SIGTERM, then
SIGKILL) before the script exits, whatever happens.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from typing import Any, Callable, Optional

from add import write_input  # benchmarks/add.py: the same deterministic input

MIB = 1 << 20
LOCAL = "/ip4/127.0.0.1/tcp/0"
RSS_TARGET_MIB = 64
RATIO_TARGET = 0.5

warnings.filterwarnings("ignore", message="The 'strict' parameter", category=FutureWarning)  # urllib3 vs ipfshttpclient


# --- daemon processes ---------------------------------------------------------------------------

class DaemonProcess:
    """``fakeipfs daemon --in-memory`` on a free loopback port, in its own process."""

    def __init__(self, repo: str) -> None:
        env = dict(os.environ, FAKEIPFS_PATH=repo)
        self.proc = subprocess.Popen([sys.executable, "-m", "fakeipfs.cli", "daemon", "--in-memory",
                                      "--api", LOCAL, "--gateway", ""],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump() -> None:
            for line in self.proc.stdout:  # type: ignore[union-attr]
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        self.port = 0
        try:
            while True:
                line = lines.get(timeout=20)
                if line is None:
                    raise RuntimeError("the daemon exited before it was ready")
                if "API server listening on /ip4/127.0.0.1/tcp/" in line:
                    self.port = int(line.rsplit("/", 1)[1])
                if line == "Daemon is ready":
                    break
        except BaseException:
            self.stop()
            raise
        assert self.port

    @property
    def addr(self) -> str:
        return f"/ip4/127.0.0.1/tcp/{self.port}/http"

    def status(self, field: str) -> int:
        """A ``/proc/<pid>/status`` memory field, in bytes."""
        with open(f"/proc/{self.proc.pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise KeyError(field)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


SINK = """
import sys
from aiohttp import web

async def add(request):
    while await request.content.read(1 << 20):
        pass
    return web.json_response({"Name": "sink", "Hash": "", "Size": "0"})

app = web.Application()
app.router.add_post("/api/v0/add", add)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *a: print("ready", flush=True))
"""


class SinkProcess:
    """An aiohttp server that reads ``/api/v0/add`` bodies and discards them: the upload floor."""

    def __init__(self) -> None:
        import socket
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc = subprocess.Popen([sys.executable, "-c", SINK, str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError(f"the sink server did not start: {line!r}")

    @property
    def addr(self) -> str:
        return f"/ip4/127.0.0.1/tcp/{self.port}/http"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# --- small requests ------------------------------------------------------------------------------

def rounds_per_second(make_client: Callable[[], Any], threads: int, seconds: float,
                      session: bool = False) -> float:
    """add_bytes + cat rounds per second, summed over ``threads`` client threads that each run
    for ``seconds`` once every client is connected."""
    rates = [0.0] * threads
    errors: list[BaseException] = []
    start_gate = threading.Barrier(threads)

    def worker(index: int) -> None:
        try:
            client = make_client()
            with client if session else contextlib.nullcontext():
                prefix = os.urandom(16)
                start_gate.wait(timeout=30)
                began = time.perf_counter()
                n = 0
                while time.perf_counter() - began < seconds:
                    data = prefix + n.to_bytes(8, "big") + bytes(1024 - 24)
                    cid = client.add_bytes(data)
                    if client.cat(cid) != data:
                        raise AssertionError(f"cat({cid}) returned other bytes")
                    n += 1
                rates[index] = n / (time.perf_counter() - began)
        except BaseException as exc:  # reported after the join
            errors.append(exc)
            start_gate.abort()

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + 60)
    if errors:
        raise errors[0]
    if any(thread.is_alive() for thread in pool):
        raise TimeoutError("a client thread did not finish")
    return sum(rates)


# --- main ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each small-request phase")
    parser.add_argument("--size-mib", type=int, default=256, help="size of the large add")
    parser.add_argument("--timeout", type=int, default=600, help="bound on the whole run, in seconds")
    parser.add_argument("--dir", default=None, help="where the input file and daemon repos go")
    args = parser.parse_args()

    def give_up(signum: int, frame: Any) -> None:
        raise TimeoutError(f"benchmark exceeded --timeout {args.timeout} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.timeout)

    import ipfshttpclient

    import fakeipfs
    import fakeipfs.transport as transport

    workdir = tempfile.mkdtemp(prefix="fakeipfs-rpc-bench-", dir=args.dir)
    daemons: list[DaemonProcess] = []
    try:
        # 1. small requests
        print(f"add_bytes(1 KiB) + cat, {args.seconds:g} s per line; requests/s (2 per round)")
        print(f"{'transport':<44} {'1 client':>10} {'8 clients':>10}")
        node = fakeipfs.Node()
        daemon = DaemonProcess(os.path.join(workdir, "small"))
        daemons.append(daemon)
        setups = [("in process (transport.connect)", lambda: transport.connect(node), False),
                  ("HTTP, a connection per request (connect())", lambda: ipfshttpclient.connect(daemon.addr), False),
                  ("HTTP, keep-alive session (with client:)", lambda: ipfshttpclient.connect(daemon.addr), True)]
        for label, make, session in setups:
            rates = [2 * rounds_per_second(make, n, args.seconds, session) for n in (1, 8)]
            print(f"{label:<44} {rates[0]:>10,.0f} {rates[1]:>10,.0f}")
        daemon.stop()

        # 2. one large add
        size = args.size_mib * MIB
        path = os.path.join(workdir, "input.bin")
        write_input(path, size)
        with open(path, "rb") as handle:
            started = time.perf_counter()
            local_root = fakeipfs.Node().add(handle, only_hash=True)[-1].cid
            local = time.perf_counter() - started

        with open(path, "rb") as handle:  # where the time goes: the same RPC add, no socket
            started = time.perf_counter()
            rpc_root = transport.connect(fakeipfs.Node()).add(handle, only_hash=True)["Hash"]
            in_rpc = time.perf_counter() - started

        big = DaemonProcess(os.path.join(workdir, "large"))
        daemons.append(big)
        client = ipfshttpclient.connect(big.addr, timeout=args.timeout)
        client.version()  # warm: the first request imports the RPC commands
        rss_before = big.status("VmRSS")
        with open(path, "rb") as handle:
            started = time.perf_counter()
            http_root = client.add(handle, only_hash=True)["Hash"]
            over_http = time.perf_counter() - started
        peak = big.status("VmHWM")
        big.stop()

        sink = SinkProcess()
        try:
            with open(path, "rb") as handle:
                started = time.perf_counter()
                ipfshttpclient.Client(addr=sink.addr, timeout=args.timeout).add(handle, only_hash=True)
                floor = time.perf_counter() - started
        finally:
            sink.stop()
        if not http_root == rpc_root == str(local_root):
            raise AssertionError(f"roots differ: HTTP {http_root}, in-process RPC {rpc_root}, "
                                 f"in-process only-hash {local_root}")

        ratio = local / over_http
        growth = (peak - rss_before) / MIB
        print()
        print(f"{args.size_mib} MiB add, only-hash, root {http_root}")
        print(f"  in process (Node.add):            {size / MIB / local:>8,.0f} MiB/s  ({local:.2f} s)")
        print(f"  RPC in process (transport.connect): {size / MIB / in_rpc:>6,.0f} MiB/s  ({in_rpc:.2f} s)"
              f"  {local / in_rpc:.2f}x")
        print(f"  HTTP (ipfshttpclient.add):        {size / MIB / over_http:>8,.0f} MiB/s  ({over_http:.2f} s)")
        print(f"  ratio HTTP / in process:          {ratio:>8.2f}x   target >= {RATIO_TARGET}x  "
              f"{'ok' if ratio >= RATIO_TARGET else 'BELOW'}")
        print(f"  floor: upload only (server discards): {size / MIB / floor:>6,.0f} MiB/s  ({floor:.2f} s)"
              f"  best reachable ratio {local / floor:.2f}x")
        print(f"  daemon RSS before {rss_before / MIB:.0f} MiB, peak {peak / MIB:.0f} MiB: growth "
              f"{growth:.1f} MiB   target <= {RSS_TARGET_MIB} MiB  {'ok' if growth <= RSS_TARGET_MIB else 'ABOVE'}")
    finally:
        signal.alarm(0)
        for daemon in daemons:
            daemon.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print("command: python benchmarks/rpc.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
