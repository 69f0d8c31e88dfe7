"""Inputs shared by scenarios: kubo's deterministic random bytes and the trees of kubo's tests."""
from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms


def seeded(seed: str, size: int) -> bytes:
    """kubo test/cli/testutils/random_deterministic.go: the ChaCha20 keystream with key
    sha256(seed), a zero nonce and counter 0 (the inputs of kubo's cid_profiles_test.go)."""
    key = hashlib.sha256(seed.encode()).digest()
    return Cipher(algorithms.ChaCha20(key, b"\x00" * 16), mode=None).encryptor().update(bytes(size))


#: kubo test/sharness/t0040-add-and-cat.sh "planets"
PLANETS_TREE = {"mars.txt": b"Hello Mars!\n", "venus.txt": b"Hello Venus!\n"}
PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"
VENUS = "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"
HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world", test/cli/add_test.go
EMPTY_FILE = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
EMPTY_DAGPB = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"


def multihash_of(cid: str) -> bytes:
    """The multihash a CID names (refs local and repo gc may name a block by another CID)."""
    from multiformats import CID

    return bytes(CID.decode(cid).digest)


def pin_entry(ctx, kind: str) -> dict:
    """A ``pin ls`` entry as kubo ``ctx.version`` writes it: ``{"Type"}``, plus ``"Name": ""``
    from 0.26 (core/commands/pin/pin.go ``PinLsType``, no omitempty; docs/changelogs/v0.26.md
    "pin names")."""
    from fakeipfs.versions import KuboVersion

    return {"Type": kind, "Name": ""} if ctx.version >= KuboVersion(0, 26, 0) else {"Type": kind}


def not_pinned(ctx, cid: str) -> str:
    """``pin ls <cid>`` of an unpinned block (pin.go ``pinLsKeys``): the argument as given, and
    from 0.24 the ``/ipfs/`` path ``cmdutils.PathOrCidPath`` made of it (kubo a7c651849, #10063)."""
    from fakeipfs.versions import KuboVersion

    shown = f"/ipfs/{cid}" if ctx.version >= KuboVersion(0, 24, 0) else cid
    return f"path '{shown}' is not pinned"
