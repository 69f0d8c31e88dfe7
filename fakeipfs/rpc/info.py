"""``version`` (kubo core/commands/version.go); ``id`` lives in :mod:`fakeipfs.rpc.id`."""
from __future__ import annotations

import platform

from .commands import Call, command, opt
from .wire import Response, single_response

#: kubo repo/fsrepo: the repo version that goes with each kubo release (fsrepo.RepoVersion).
def _repo_version(call: Call) -> str:
    from ..versions import KuboVersion
    v = call.version
    for since, repo in ((KuboVersion(0, 40, 0), "18"), (KuboVersion(0, 21, 0), "14"),
                        (KuboVersion(0, 12, 0), "12"), (KuboVersion(0, 11, 0), "11"),
                        (KuboVersion(0, 5, 0), "10"), (KuboVersion(0, 4, 21), "7")):
        if v >= since:
            return repo
    return "6"


@command("version", options=(opt("number", "n"), opt("commit"), opt("repo"), opt("all")))
def version(call: Call) -> Response:
    """version.go ``VersionOutput``; ``Version`` is the emulated kubo version."""
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return single_response({"Version": str(call.version), "Commit": "", "Repo": _repo_version(call),
                            "System": f"{machine}/{platform.system().lower()}",
                            "Golang": "go1.19.1"})
