"""`ipfs add` and `cat` throughput, as ratios to hashlib.sha256 over the same bytes, in one run.

    python benchmarks/add.py [--size-mib 1024] [--dir DIR]

Writes a deterministic file (ChaCha20 keystream, as kubo's test/cli/testutils does), then
measures, each against sha256 of that file read the same way in the same process:

- only-hash add (``fakeipfs add -n``), in a child process so its peak RSS is its own;
- add into an in-memory node; add into an on-disk (flatfs) repo, next to what merely writing
  the same chunks as files costs on that file system (the floor no on-disk add can beat);
- cat of the added file back from the in-memory node.

Targets on the reference machine (2 cores): only-hash >= 0.85x, in-memory add >= 0.7x,
on-disk add >= 0.5x, cat >= 1.0x, only-hash peak RSS <= 150 MiB.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

MIB = 1 << 20


def write_input(path: str, size: int) -> None:
    key = hashlib.sha256(b"fakeipfs-benchmark").digest()
    enc = Cipher(algorithms.ChaCha20(key, b"\x00" * 16), mode=None).encryptor()
    zeros = bytes(8 * MIB)
    with open(path, "wb") as out:
        left = size
        while left:
            n = min(left, len(zeros))
            out.write(enc.update(zeros[:n]))
            left -= n


def sha256_seconds(path: str) -> float:
    start = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(MIB):
            digest.update(chunk)
    return time.perf_counter() - start


def write_floor(path: str, directory: str) -> None:
    """What the file system alone costs an on-disk add: the input's 256 KiB chunks written as
    one file each across 1024 shard directories (as flatfs lays blocks out), nothing hashed."""
    for shard in range(1024):
        os.makedirs(os.path.join(directory, f"{shard:03x}"), exist_ok=True)
    with open(path, "rb") as handle:
        index = 0
        while chunk := handle.read(256 * 1024):
            target = os.path.join(directory, f"{index % 1024:03x}", f"{index}.data")
            with open(target + ".tmp", "wb") as out:
                out.write(chunk)
            os.replace(target + ".tmp", target)
            index += 1


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def only_hash_child(path: str) -> None:
    """Runs in a child: baseline, then only-hash; prints JSON with both times and peak RSS."""
    from fakeipfs.unixfs.files import from_path
    from fakeipfs.unixfs.importer import add
    baseline = min(sha256_seconds(path) for _ in range(2))
    seconds, events = timed(lambda: add([from_path(path)], only_hash=True))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"baseline": baseline, "seconds": seconds, "rss": rss,
                      "cid": str(events[-1].cid)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--dir", default=None, help="where the input and the on-disk repo go")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        only_hash_child(args.child)
        return

    import fakeipfs

    size = args.size_mib * MIB
    workdir = tempfile.mkdtemp(prefix="fakeipfs-bench-", dir=args.dir)
    try:
        path = os.path.join(workdir, "input.bin")
        write_input(path, size)
        rows = []

        child = subprocess.run([sys.executable, __file__, "--child", path],
                               check=True, capture_output=True, text=True)
        oh = json.loads(child.stdout)
        rows.append(("only-hash add", oh["baseline"], oh["seconds"], 0.85))

        baseline = min(sha256_seconds(path) for _ in range(2))
        node = fakeipfs.Node()
        seconds, events = timed(lambda: node.add(path))
        assert str(events[-1].cid) == oh["cid"], "in-memory add gave another CID than only-hash"
        rows.append(("add, in-memory node", baseline, seconds, 0.7))

        os.sync()
        seconds, _ = timed(lambda: write_floor(path, os.path.join(workdir, "floor")))
        rows.append(("(fs floor: write only)", baseline, seconds, 0.0))
        shutil.rmtree(os.path.join(workdir, "floor"))
        os.sync()
        repo = os.path.join(workdir, "repo")
        disk = fakeipfs.Node(repo=repo)
        seconds, disk_events = timed(lambda: disk.add(path))
        assert disk_events[-1].cid == events[-1].cid
        rows.append(("add, on-disk repo", baseline, seconds, 0.5))

        def cat() -> int:
            return sum(len(piece) for piece in node.cat_stream(events[-1].cid))
        seconds, total = timed(cat)
        assert total == size
        rows.append(("cat, in-memory node", baseline, seconds, 1.0))

        print(f"input: {args.size_mib} MiB, root {oh['cid']}")
        print(f"sha256 baseline: {size / MIB / baseline:,.0f} MiB/s")
        print(f"{'operation':<22} {'MiB/s':>9} {'ratio':>7} {'target':>7}")
        for name, base, secs, target in rows:
            ratio = base / secs
            mark = "" if not target else "ok" if ratio >= target else "BELOW"
            goal = f"{target:>6.2f}x" if target else " " * 7
            print(f"{name:<22} {size / MIB / secs:>9,.0f} {ratio:>6.2f}x {goal}  {mark}")
        rss_mib = oh["rss"] / MIB
        print(f"only-hash peak RSS: {rss_mib:.0f} MiB (target <= 150 MiB) "
              f"{'ok' if rss_mib <= 150 else 'ABOVE'}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
