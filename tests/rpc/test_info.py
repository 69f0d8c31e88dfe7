"""/api/v0/version: kubo core/commands/version.go; ``Golang`` is the Go of each official build
(fakeipfs.versions.GO_BUILDS)."""
from __future__ import annotations

import pytest

import fakeipfs
from fakeipfs.versions import GO_BUILDS, KuboVersion, go_version

from .rpcutil import post, single


@pytest.mark.parametrize("kubo, golang", [
    ("0.4.13", "go1.9.2"),  # estimated (no dist build-info in reach)
    ("0.4.22", "go1.12.7"),  # dist.ipfs.io/go-ipfs/v0.4.22/build-info (go-ds-s3#231)
    ("0.7.0", "go1.14.4"),  # go-ds-s3 CI loading its plugin into the 0.7.0 dist binary
    ("0.8.0", "go1.15.8"),
    ("0.12.1", "go1.16.12"),  # between entries: built like the release before
    ("0.21.0", "go1.19.10"),  # ipfs/distributions .tool-versions; go-ipfs-example-plugin#31
    ("0.40.1", "go1.25.7"),  # a patch release built with an older Go than the .0 before it
])
def test_golang_is_the_go_of_the_official_build(kubo: str, golang: str) -> None:
    answer = single(post(fakeipfs.Node(kubo_version=kubo), "version"))
    assert (answer["Version"], answer["Golang"]) == (kubo, golang)


def test_go_builds_are_in_release_order() -> None:
    releases = [kubo for kubo, _ in GO_BUILDS]
    assert releases == sorted(releases) and len(set(releases)) == len(releases)
    assert go_version(KuboVersion(0, 3, 11)) == GO_BUILDS[0][1]
