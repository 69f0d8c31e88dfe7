"""``version`` (kubo core/commands/version.go); ``id`` lives in :mod:`fakeipfs.rpc.id`."""
from __future__ import annotations

import platform

from ..versions import go_version
from .commands import Call, command, opt
from .wire import Response, single_response

def _repo_version(call: Call) -> str:
    return call.version.repo_version


@command("version", options=(opt("number", "n"), opt("commit"), opt("repo"), opt("all")))
def version(call: Call) -> Response:
    """version.go ``VersionOutput``; ``Version`` is the emulated kubo version and ``Golang`` the
    Go its official build reports (:func:`fakeipfs.versions.go_version`)."""
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return single_response({"Version": str(call.version), "Commit": "", "Repo": _repo_version(call),
                            "System": f"{machine}/{platform.system().lower()}",
                            "Golang": go_version(call.version)})
