"""Every CID in tests/vectors (real kubo and the JS reference importer configured as kubo)."""
from __future__ import annotations

import pytest

from fakeipfs.cidutil import format_cid
from fakeipfs.unixfs.importer import add
from vectorlib import file_entry, load, parse_flags, tree_entry

PUBLISHED = load("kubo-published.json")
GENERATED = load("unixfs-generated.json")


def _id(case: dict) -> str:
    what = case.get("text", case.get("seed", case.get("zeros", case.get("name", ""))))
    return f"{str(what)[:24]!r}-{case.get('size', '')}-{' '.join(case['flags'])}"


@pytest.mark.parametrize("case", PUBLISHED["add"] + GENERATED["files"], ids=_id)
def test_file_vector(case: dict) -> None:
    opts, extra = parse_flags(case["flags"])
    opts.only_hash = True
    events = add([file_entry("input", case)], opts)
    assert len(events) == 1
    assert format_cid(events[0].cid, extra.get("cid-base")) == case["cid"]
    if "size" in case and case.get("text") is not None:
        assert events[0].size == case["size"]


@pytest.mark.parametrize("case", PUBLISHED["dirs"], ids=lambda c: " ".join(c["flags"]) + str(len(c["dir"])))
def test_published_dir_vector(case: dict) -> None:
    opts, _ = parse_flags(case["flags"])
    root = case.get("root")
    tree = {path.split("/", 1)[1] if root else path: text for path, text in case["dir"].items()}
    events = add([tree_entry(root or "dir", tree)], opts)
    assert events[-1].name == (root or "dir")
    assert str(events[-1].cid) == case["cid"]


@pytest.mark.parametrize("case", GENERATED["dirs"], ids=lambda c: c["name"])
def test_generated_dir_vector(case: dict) -> None:
    opts, _ = parse_flags(case["flags"])
    events = add([tree_entry(case["name"], case["tree"])], opts)
    assert events[-1].name == case["name"]
    assert str(events[-1].cid) == case["cid"]
