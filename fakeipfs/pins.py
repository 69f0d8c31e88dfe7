"""Pins: boxo ``pinning/pinner/dspinner/pin.go`` and kubo ``core/commands/pin/pin.go``.

Recursive pins keep a whole DAG, direct pins one block; every block under a recursive pin is
pinned indirectly. State is a pair of CID maps keyed by the binary CID (dspinner indexes pins by
``c.KeyString()``, so the same CID in another multibase is the same pin, while its CIDv0 and
CIDv1 forms are two), saved atomically to ``pins.json`` when the node has an on-disk repo.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from typing import Callable, Iterable, Iterator, Optional

from multiformats import CID

from . import errors
from .errors import PinError

PIN_TYPES = ("direct", "indirect", "recursive", "all")
ERR_FROM_NOT_PINNED = "'from' cid was not recursively pinned already"
ERR_TO_ALREADY_PINNED = "'to' cid was already recursively pinned"


def _key(cid: CID) -> bytes:
    """dspinner's index key: the binary CID (``cid.KeyString()``)."""
    return bytes(cid)


def _canonical(cid: CID) -> CID:
    """The CID as go-cid ``String()`` prints it (base58btc v0, base32 v1), whatever text it
    was pinned by."""
    return cid.set(base="base58btc" if cid.version == 0 else "base32")


class Pinner:
    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path
        self.recursive: dict[bytes, CID] = {}
        self.direct: dict[bytes, CID] = {}
        self._lock = threading.RLock()
        if path and os.path.exists(path):
            with open(path) as handle:
                state = json.load(handle)
            self.recursive = {_key(c): c for c in map(CID.decode, state.get("recursive", []))}
            self.direct = {_key(c): c for c in map(CID.decode, state.get("direct", []))}

    # --- persistence --------------------------------------------------------------------------

    def flush(self) -> None:
        if not self.path:
            return
        state = {"recursive": sorted(map(str, self.recursive.values())),
                 "direct": sorted(map(str, self.direct.values()))}
        directory = os.path.dirname(self.path) or "."
        fd, tmp = tempfile.mkstemp(prefix=".pins-", dir=directory)
        with os.fdopen(fd, "w") as handle:
            json.dump(state, handle)
        os.replace(tmp, self.path)

    def snapshot(self) -> tuple[dict[bytes, CID], dict[bytes, CID]]:
        with self._lock:
            return dict(self.recursive), dict(self.direct)

    # --- operations (the caller has checked that the blocks exist) ----------------------------

    def pin(self, cid: CID, recursive: bool) -> None:
        """dspinner ``Pin``: a recursive pin replaces a direct one; a direct pin of a
        recursively pinned CID is an error."""
        with self._lock:
            key = _key(cid)
            if recursive:
                if key in self.recursive:
                    return
                self.direct.pop(key, None)
                self.recursive[key] = _canonical(cid)
            else:
                if key in self.recursive:
                    raise PinError(f"{_canonical(cid)} already pinned recursively")
                self.direct[key] = _canonical(cid)
            self.flush()

    def pin_with_mode(self, cid: CID, recursive: bool) -> None:
        """dspinner ``PinWithMode``: add the pin unless that mode already has it; the other
        mode's pin is left alone (so a CID can be pinned both directly and recursively)."""
        with self._lock:
            table = self.recursive if recursive else self.direct
            if _key(cid) not in table:
                table[_key(cid)] = _canonical(cid)
                self.flush()

    def unpin(self, cid: CID, recursive: bool) -> None:
        """dspinner ``Unpin``: kubo's "not pinned or pinned indirectly" for anything else."""
        with self._lock:
            key = _key(cid)
            if key in self.recursive:
                if not recursive:
                    raise PinError(errors.err_pinned_recursively(str(_canonical(cid))))
                del self.recursive[key]
            elif key in self.direct:
                del self.direct[key]
            else:
                raise PinError(errors.ERR_NOT_PINNED)
            self.flush()

    def update(self, old: CID, new: CID, unpin: bool, fetch: Callable[[CID], None]) -> None:
        """dspinner ``Update`` (boxo pinning/pinner/dspinner/pin.go): ``old`` must be pinned
        recursively (checked first); ``old == new`` is then done; ``new`` must not be pinned
        recursively; ``fetch`` gets the new DAG (``DiffEnumerate``); the recursive pin is added
        (``addPin``, a direct pin on ``new`` stays) and the old one removed if ``unpin``."""
        with self._lock:
            if _key(old) not in self.recursive:
                raise PinError(ERR_FROM_NOT_PINNED)
            if old == new:
                return
            if _key(new) in self.recursive:
                raise PinError(ERR_TO_ALREADY_PINNED)
            fetch(new)
            self.recursive[_key(new)] = _canonical(new)
            if unpin:
                del self.recursive[_key(old)]
            self.flush()

    # --- queries ------------------------------------------------------------------------------

    def indirect(self, descendants: Callable[[CID], Iterable[CID]]) -> dict[bytes, tuple[CID, CID]]:
        """Every CID below a recursive pin that is not itself pinned recursively:
        key -> (cid, via root)."""
        recursive, _ = self.snapshot()
        out: dict[bytes, tuple[CID, CID]] = {}
        for root in recursive.values():
            for cid in descendants(root):
                key = _key(cid)
                if key not in recursive and key not in out:
                    out[key] = (cid, root)
        return out

    def listing(self, kind: str, descendants: Callable[[CID], Iterable[CID]]) -> Iterator[tuple[CID, str]]:
        """``pin ls --type=kind`` without arguments: (cid, type) in kubo's order (core/coreapi/
        pin.go ``pinLsAll``: recursive, then direct, then indirect; a CID is listed once, and
        a direct pin is never listed as indirect, with ``--type=indirect`` too). ``kind`` is
        one of :data:`PIN_TYPES`."""
        recursive, direct = self.snapshot()
        if kind in ("recursive", "all"):
            for cid in recursive.values():
                yield cid, "recursive"
        if kind in ("direct", "all"):
            for key, cid in direct.items():
                if kind == "direct" or key not in recursive:
                    yield cid, "direct"
        if kind in ("indirect", "all"):
            for key, (cid, _) in self.indirect(descendants).items():
                if key not in direct:
                    yield cid, "indirect"

    def check(self, cid: CID, kind: str, descendants: Callable[[CID], Iterable[CID]]) -> Optional[str]:
        """How ``cid`` is pinned (``recursive``, ``direct``, ``indirect through <root>``) or None."""
        recursive, direct = self.snapshot()
        key = _key(cid)
        if kind in ("recursive", "all") and key in recursive:
            return "recursive"
        if kind in ("direct", "all") and key in direct:
            return "direct"
        if kind in ("indirect", "all"):
            for root in recursive.values():
                if _key(root) == key:
                    continue
                if any(_key(c) == key for c in descendants(root)):
                    return f"indirect through {root}"
        return None
