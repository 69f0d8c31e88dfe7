"""/api/v0/pin/*: kubo core/commands/pin.go (v0.7.0; Keys omitempty from 0.21, Name from 0.26)."""
from __future__ import annotations

import fakeipfs

from .rpcutil import CHANNEL, SINGLE, error, post, single, values

EMPTY = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
EMPTY_V1_B32 = "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
SELF_LINK = "QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"
SELF_LINK_V1_B32 = "bafybeigdvjjwnltt7jmxfudm4lrzjq5tc3v3rowu3f7yesnpxbd52re6ly"
MISSING = "QmZfF6C9j4VtoCsTp4KSrhYH47QMd3DNXVZBKaxJdhaPab"  # never stored here


def _node(version: str = "0.7.0") -> fakeipfs.Node:
    node = fakeipfs.Node(kubo_version=version)
    node.object_patch_add_link(node.object_new(), "self", EMPTY)
    return node


def test_add_exact_answer_and_cid_base_upgrade():
    node = _node()
    response = post(node, "pin/add", arg=[SELF_LINK])
    assert (response.status, response.headers) == (200, SINGLE)
    assert response.read_all() == b'{"Pins":["QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM"]}\n'
    assert single(post(node, "pin/add", arg=[EMPTY], recursive=False, cid_base="base32")) == {
        "Pins": [EMPTY_V1_B32]}
    assert node.pin_ls(EMPTY) == {EMPTY: "direct"}


def test_add_with_progress_is_a_stream():
    node = _node()
    assert values(post(node, "pin/add", arg=[SELF_LINK], progress=True)) == [
        {"Pins": None, "Progress": 2}, {"Pins": [SELF_LINK]}]
    # already pinned recursively: nothing is fetched, no progress line
    assert values(post(node, "pin/add", arg=[SELF_LINK], progress=True)) == [{"Pins": [SELF_LINK]}]


def test_paths_are_pinned_and_unpinned_one_at_a_time():
    node = _node()
    assert MISSING in error(post(node, "pin/add", arg=[SELF_LINK, MISSING]))
    assert node.pin_ls(SELF_LINK) == {SELF_LINK: "recursive"}
    assert error(post(node, "pin/rm", arg=[SELF_LINK, EMPTY])) == "not pinned or pinned indirectly"
    assert node.pin_ls(type="recursive") == {}


def test_rm_errors():
    node = _node()
    node.pin_add(SELF_LINK)
    assert error(post(node, "pin/rm", arg=[SELF_LINK], recursive=False)) == \
        f"{SELF_LINK} is pinned recursively"
    assert single(post(node, "pin/rm", arg=[SELF_LINK])) == {"Pins": [SELF_LINK]}


def test_ls_keys_are_sorted_and_typed():
    node = _node()
    node.pin_add(SELF_LINK)
    assert post(node, "pin/ls").read_all() == (
        b'{"Keys":{"QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM":{"Type":"recursive"},'
        b'"QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n":{"Type":"indirect"}}}\n')
    node.pin_add(node.block_put(b"dsadsad\n"), recursive=False)  # QmPevo...: listed after QmbW...
    assert post(node, "pin/ls").read_all() == (
        b'{"Keys":{"QmPevo2B1pwvDyuZyJbWVfhwkaGPee3f1kX36wFmqx1yna":{"Type":"direct"},'
        b'"QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM":{"Type":"recursive"},'
        b'"QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n":{"Type":"indirect"}}}\n')
    assert single(post(node, "pin/ls", type="indirect", cid_base="base32")) == {
        "Keys": {EMPTY_V1_B32: {"Type": "indirect"}}}
    assert single(post(node, "pin/ls", arg=[EMPTY])) == {
        "Keys": {EMPTY: {"Type": f"indirect through {SELF_LINK}"}}}
    assert error(post(node, "pin/ls", type="everything")) == \
        "invalid type 'everything', must be one of {direct, indirect, recursive, all}"
    assert error(post(node, "pin/ls", arg=[EMPTY], type="direct")) == f"path '{EMPTY}' is not pinned"


def test_ls_stream():
    node = _node()
    node.pin_add(SELF_LINK)
    assert values(post(node, "pin/ls", stream=True)) == [
        {"Cid": SELF_LINK, "Type": "recursive"}, {"Cid": EMPTY, "Type": "indirect"}]
    response = post(node, "pin/ls", arg=[SELF_LINK, MISSING], stream=True)
    assert response.headers == CHANNEL
    assert response.read_all().splitlines()[0] == \
        b'{"Cid":"QmbWSr7YXBLcF23VVb7yPvUuogUPn46GD7gXftXC6mmsNM","Type":"recursive"}'
    assert MISSING in response.trailers["X-Stream-Error"]


def test_ls_shapes_by_version():
    assert single(post(fakeipfs.Node(), "pin/ls")) == {"Keys": {}}
    assert single(post(fakeipfs.Node(kubo_version="0.21.0"), "pin/ls")) == {}
    node = _node("0.26.0")
    node.pin_add(EMPTY)
    assert single(post(node, "pin/ls")) == {"Keys": {EMPTY: {"Type": "recursive", "Name": ""}}}
    assert values(post(node, "pin/ls", stream=True)) == [{"Cid": EMPTY, "Type": "recursive"}]


def test_update():
    node = _node()
    node.pin_add(EMPTY)
    assert single(post(node, "pin/update", arg=[EMPTY, SELF_LINK], cid_base="base32")) == {
        "Pins": [EMPTY_V1_B32, SELF_LINK_V1_B32]}
    assert node.pin_ls(type="recursive") == {SELF_LINK: "recursive"}
    assert error(post(node, "pin/update", arg=[EMPTY, SELF_LINK])) == \
        "'from' cid was not recursively pinned already"


def test_verify():
    node = _node()
    node.pin_add(SELF_LINK)
    assert values(post(node, "pin/verify")) == []
    assert values(post(node, "pin/verify", verbose=True)) == [{"Cid": SELF_LINK, "Ok": True}]
    assert error(post(node, "pin/verify", verbose=True, quiet=True)) == \
        "the --verbose and --quiet options can not be used at the same time"
    node.blockstore.delete(node.resolve(EMPTY))
    broken = values(post(node, "pin/verify"))
    assert [(b["Cid"], b["Ok"], [n["Cid"] for n in b["BadNodes"]]) for b in broken] == [
        (SELF_LINK, False, [EMPTY])]
    assert values(post(node, "pin/verify", quiet=True)) == [{"Cid": SELF_LINK, "Ok": False}]
