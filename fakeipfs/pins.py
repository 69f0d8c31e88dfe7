"""Pins: boxo ``pinning/pinner/dspinner/pin.go`` and kubo ``core/commands/pin/pin.go``.

Recursive pins keep a whole DAG, direct pins one block; every block under a recursive pin is
pinned indirectly. State is a pair of CID sets, saved atomically to ``pins.json`` when the
node has an on-disk repo.
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


def _key(cid: CID) -> str:
    """Pins are kept by CID string as given (kubo's pinner keys by CID)."""
    return str(cid)


class Pinner:
    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path
        self.recursive: dict[str, CID] = {}
        self.direct: dict[str, CID] = {}
        self._lock = threading.RLock()
        if path and os.path.exists(path):
            with open(path) as handle:
                state = json.load(handle)
            self.recursive = {c: CID.decode(c) for c in state.get("recursive", [])}
            self.direct = {c: CID.decode(c) for c in state.get("direct", [])}

    # --- persistence --------------------------------------------------------------------------

    def flush(self) -> None:
        if not self.path:
            return
        state = {"recursive": sorted(self.recursive), "direct": sorted(self.direct)}
        directory = os.path.dirname(self.path) or "."
        fd, tmp = tempfile.mkstemp(prefix=".pins-", dir=directory)
        with os.fdopen(fd, "w") as handle:
            json.dump(state, handle)
        os.replace(tmp, self.path)

    def snapshot(self) -> tuple[dict[str, CID], dict[str, CID]]:
        with self._lock:
            return dict(self.recursive), dict(self.direct)

    def restore(self, state: tuple[dict[str, CID], dict[str, CID]]) -> None:
        with self._lock:
            self.recursive, self.direct = dict(state[0]), dict(state[1])
            self.flush()

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
                self.recursive[key] = cid
            else:
                if key in self.recursive:
                    raise PinError(f"{key} already pinned recursively")
                self.direct[key] = cid
            self.flush()

    def unpin(self, cid: CID, recursive: bool) -> None:
        """dspinner ``Unpin``: kubo's "not pinned or pinned indirectly" for anything else."""
        with self._lock:
            key = _key(cid)
            if key in self.recursive:
                if not recursive:
                    raise PinError(errors.err_pinned_recursively(key))
                del self.recursive[key]
            elif key in self.direct:
                del self.direct[key]
            else:
                raise PinError(errors.ERR_NOT_PINNED)
            self.flush()

    def update(self, old: CID, new: CID, unpin: bool) -> None:
        with self._lock:
            if _key(old) not in self.recursive:
                raise PinError(ERR_FROM_NOT_PINNED)
            if _key(new) in self.recursive:
                raise PinError(ERR_TO_ALREADY_PINNED)
            self.direct.pop(_key(new), None)
            self.recursive[_key(new)] = new
            if unpin:
                del self.recursive[_key(old)]
            self.flush()

    # --- queries ------------------------------------------------------------------------------

    def indirect(self, descendants: Callable[[CID], Iterable[CID]]) -> dict[str, tuple[CID, CID]]:
        """Every CID below a recursive pin that is not itself pinned: key -> (cid, via root)."""
        recursive, direct = self.snapshot()
        out: dict[str, tuple[CID, CID]] = {}
        for root in recursive.values():
            for cid in descendants(root):
                key = _key(cid)
                if key not in recursive and key not in out:
                    out[key] = (cid, root)
        return out

    def listing(self, kind: str, descendants: Callable[[CID], Iterable[CID]]) -> Iterator[tuple[CID, str]]:
        """``pin ls --type=kind`` without arguments: (cid, type) in kubo's order."""
        if kind not in PIN_TYPES:
            raise PinError(errors.err_invalid_pin_type(kind))
        recursive, direct = self.snapshot()
        if kind in ("recursive", "all"):
            for cid in recursive.values():
                yield cid, "recursive"
        if kind in ("direct", "all"):
            for key, cid in direct.items():
                if key not in recursive:
                    yield cid, "direct"
        if kind in ("indirect", "all"):
            for key, (cid, _) in self.indirect(descendants).items():
                if key not in direct or kind == "indirect":
                    yield cid, "indirect"

    def check(self, cid: CID, kind: str, descendants: Callable[[CID], Iterable[CID]]) -> Optional[str]:
        """How ``cid`` is pinned (``recursive``, ``direct``, ``indirect through <root>``) or None."""
        if kind not in PIN_TYPES:
            raise PinError(errors.err_invalid_pin_type(kind))
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
