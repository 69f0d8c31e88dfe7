"""``ipfs add`` flag interplay: kubo core/coreiface/options/unixfs.go and core/commands/add.go."""
from __future__ import annotations

import pytest

from fakeipfs.errors import InvalidArgument
from fakeipfs.unixfs.options import AddOptions


def test_defaults_are_kubos() -> None:
    s = AddOptions().resolve()
    assert (s.chunker, s.trickle, s.raw_leaves, s.max_links) == ("size-262144", False, False, 174)
    assert (s.builder.version, s.builder.hasher.name, s.builder.inline_limit) == (0, "sha2-256", None)
    assert s.pin and not s.only_hash


@pytest.mark.parametrize("kwargs, version, raw", [
    ({"cid_version": 1}, 1, True),                       # v1 implies raw leaves ...
    ({"cid_version": 1, "raw_leaves": False}, 1, False),  # ... unless raw-leaves was sent
    ({"hash": "sha2-512"}, 1, True),                     # other hashes force v1, hence raw leaves
    ({"hash": "blake2b-256", "raw_leaves": False}, 1, False),
    ({"nocopy": True}, 0, True),                         # nocopy implies raw leaves
    ({"raw_leaves": True}, 0, True),
    ({"cid_version": 1, "mode": 0o644}, 1, False),       # metadata needs a dag-pb root
    ({"cid_version": 1, "preserve_mtime": True}, 1, False),
])
def test_cid_version_and_raw_leaves(kwargs: dict, version: int, raw: bool) -> None:
    s = AddOptions(**kwargs).resolve()
    assert (s.builder.version, s.raw_leaves) == (version, raw)


@pytest.mark.parametrize("kwargs, error", [
    ({"hash": "sha2-512", "cid_version": 0}, "CIDv0 only supports sha2-256"),
    ({"hash": "nope"}, "unrecognized hash function: nope"),  # add.go %s until 0.16 (%q from then)
    ({"hash": "NoPe", "kubo_version": "0.16.0"}, 'unrecognized hash function: "nope"'),
    ({"hash": "md5"}, "potentially insecure hash functions not allowed"),
    ({"cid_version": 2}, "unknown CID version: 2"),
    ({"hash": "sha2-512", "cid_version": 7}, "unknown CID version: 7"),
    ({"nocopy": True, "raw_leaves": False}, "nocopy option requires '--raw-leaves' to be enabled as well"),
    ({"raw_leaves": True, "mode": 0o755},
     "raw-leaves can't be used with UnixFS metadata like mode or modification time"),
    ({"mtime_nsecs": 5}, 'option "mtime-nsecs" requires "mtime" to be provided as well'),
    ({"inline": True, "inline_limit": 129}, "inline-limit 129 exceeds maximum allowed size of 128 bytes"),
    ({"chunker": "size-0"}, "chunker size must be greater than 0"),
])
def test_bad_combinations_get_kubos_error(kwargs: dict, error: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        AddOptions(**kwargs).resolve()
    assert str(info.value) == error


def test_hash_names_are_case_insensitive() -> None:
    assert AddOptions(hash="SHA2-256").resolve().builder.version == 0


def test_only_hash_never_pins() -> None:
    assert AddOptions(only_hash=True, pin=True).resolve().pin is False


def test_explicit_mode_wins_over_preserve() -> None:
    s = AddOptions(mode=0o600, preserve_mode=True, mtime=10, preserve_mtime=True).resolve()
    assert (s.preserve_mode, s.preserve_mtime, s.mode, s.mtime) == (False, False, 0o600, (10, 0))
