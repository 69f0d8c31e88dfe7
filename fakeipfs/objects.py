"""``ipfs object ...``: plain dag-pb nodes, as kubo v0.7.0 core/coreapi/object.go builds them.

No UnixFS wrapping: ``object put`` takes ``{"Data", "Links":[{"Name","Hash","Size"}]}`` and
keeps each ``Size`` verbatim as ``Tsize``; links are stably sorted by name on encoding
(go-merkledag ``getPBNode``). ``patch add-link`` links a node under its cumulative size
(go-merkledag/dagutils ``Editor``), creating empty UnixFS directories with ``create``.
"""
from __future__ import annotations

import base64
import binascii
import json
import posixpath
from dataclasses import dataclass
from typing import Optional

from multiformats import CID

from .codecs import dagpb
from .errors import ERR_NOT_PROTOBUF, DecodeError, InvalidArgument, IPFSError
from .hashing import DAG_PB, CidBuilder

ERR_LINK_NOT_FOUND = "no link by that name"  # go-merkledag ErrLinkNotFound
ERR_DATA_ENCODING = "unknown data field encoding"  # kubo core/commands/object/object.go
ERR_OBJECT_ENCODING = "unknown object encoding"  # kubo core/coreapi/object.go
INPUT_LIMIT = 2 << 20  # core/coreapi/object.go inputLimit
EMPTY_DIR_DATA = b"\x08\x01"

CHANGE_ADD, CHANGE_REMOVE, CHANGE_MOD = 0, 1, 2  # dagutils ChangeType


@dataclass(frozen=True)
class ObjectStat:
    cid: CID
    num_links: int
    block_size: int
    links_size: int
    data_size: int
    cumulative_size: int


@dataclass(frozen=True)
class Change:
    type: int
    path: str
    before: Optional[CID] = None
    after: Optional[CID] = None


class ObjectCommands:
    """Mixin for :class:`fakeipfs.Node`: the ``object`` command family."""

    _builder_v0 = CidBuilder(0)

    # provided by Node
    def _get(self, cid: CID) -> bytes: ...  # pragma: no cover
    def resolve(self, path): ...  # pragma: no cover

    def _put_pb(self, node: dagpb.PBNode) -> CID:
        block = dagpb.encode(dagpb.PBNode(tuple(dagpb.sorted_links(node.links)), node.data))
        cid = self._builder_v0.cid(DAG_PB, block)
        self.blockstore.put(cid, block)  # type: ignore[attr-defined]
        return cid

    def _load_pb(self, path) -> tuple[CID, dagpb.PBNode]:
        cid = self.resolve(path)
        if cid.codec.code != DAG_PB:
            raise IPFSError(ERR_NOT_PROTOBUF)
        return cid, dagpb.decode(self._get(cid))

    def _cumulative(self, cid: CID) -> int:
        """``ipld.Node.Size()``: block length plus Σ link Tsize (raw: the block length)."""
        block = self._get(cid)
        if cid.codec.code != DAG_PB:
            return len(block)
        node = dagpb.decode(block)
        return len(block) + sum(link.tsize or 0 for link in node.links)

    def object_new(self, template: str = "empty") -> CID:
        if template == "empty":
            return self._put_pb(dagpb.PBNode((), None))
        if template == "unixfs-dir":
            return self._put_pb(dagpb.PBNode((), EMPTY_DIR_DATA))
        raise InvalidArgument(f"template '{template}' not found")

    def object_get(self, path) -> dagpb.PBNode:
        return self._load_pb(path)[1]

    def object_data(self, path) -> bytes:
        return self._load_pb(path)[1].data or b""

    def object_links(self, path) -> tuple[CID, list[dagpb.PBLink]]:
        cid = self.resolve(path)
        if cid.codec.code != DAG_PB:
            return cid, []
        return cid, list(dagpb.decode(self._get(cid)).links)

    def object_stat(self, path) -> ObjectStat:
        cid, node = self._load_pb(path)
        block = self._get(cid)
        data = len(node.data or b"")
        return ObjectStat(cid, len(node.links), len(block), len(block) - data, data,
                          len(block) + sum(link.tsize or 0 for link in node.links))

    def object_put(self, data: bytes, *, inputenc: str = "json", datafieldenc: str = "text",
                   pin: bool = False) -> CID:
        """``object put``: JSON (or protobuf) input, ``Data`` as text or base64."""
        data = data[: INPUT_LIMIT + 10]
        if inputenc == "json":
            try:
                value = json.loads(data)
            except ValueError as exc:
                raise DecodeError(str(exc)) from None
            if not isinstance(value, dict) or set(value) - {"Data", "Links"}:
                unknown = sorted(set(value) - {"Data", "Links"}) if isinstance(value, dict) else []
                raise DecodeError(f'json: unknown field "{unknown[0]}"' if unknown else
                                  "json: cannot unmarshal into Go value of type coreapi.Node")
            node = self._deserialize(value, datafieldenc)
        elif inputenc == "protobuf":
            node = dagpb.decode(data)
        else:
            raise InvalidArgument(ERR_OBJECT_ENCODING)
        cid = self._put_pb(node)
        if pin:
            self.pins.pin(cid, True)  # type: ignore[attr-defined]
        return cid

    @staticmethod
    def _deserialize(value: dict, datafieldenc: str) -> dagpb.PBNode:
        text = value.get("Data") or ""
        if datafieldenc == "text":
            payload = text.encode("utf-8")
        elif datafieldenc == "base64":
            try:
                payload = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise DecodeError(f"illegal base64 data: {exc}") from None
        else:
            raise InvalidArgument(ERR_DATA_ENCODING)
        links = []
        for link in value.get("Links") or []:
            try:
                cid = CID.decode(link.get("Hash", ""))
            except Exception as exc:
                raise DecodeError(f"invalid cid: {exc}") from None
            links.append(dagpb.PBLink(cid, link.get("Name", ""), int(link.get("Size", 0))))
        # Go sets Data even when empty ([]byte("") is non-nil), so "0a 00" is written.
        return dagpb.PBNode(tuple(links), payload)

    def _set_link(self, node: dagpb.PBNode, name: str, cid: Optional[CID], tsize: int = 0) -> dagpb.PBNode:
        links = [link for link in node.links if link.name != name]
        if cid is not None:
            links.append(dagpb.PBLink(cid, name, tsize))
        return dagpb.PBNode(tuple(links), node.data)

    def _insert(self, node: dagpb.PBNode, parts: list[str], child: CID, create: bool) -> CID:
        if len(parts) == 1:
            return self._put_pb(self._set_link(node, parts[0], child, self._cumulative(child)))
        link = next((l for l in node.links if l.name == parts[0]), None)
        if link is None:
            if not create:
                raise IPFSError(ERR_LINK_NOT_FOUND)
            sub = dagpb.PBNode((), EMPTY_DIR_DATA)
        else:
            sub = dagpb.decode(self._get(link.cid))
        new_sub = self._insert(sub, parts[1:], child, create)
        return self._put_pb(self._set_link(node, parts[0], new_sub, self._cumulative(new_sub)))

    def object_patch_add_link(self, root, name: str, ref, *, create: bool = False) -> CID:
        _, node = self._load_pb(root)
        child = self.resolve(ref)
        parts = [p for p in name.split("/") if p] or [name]
        return self._insert(node, parts, child, create)

    def object_patch_rm_link(self, root, name: str) -> CID:
        _, node = self._load_pb(root)
        return self._remove(node, [p for p in name.split("/") if p] or [name])

    def _remove(self, node: dagpb.PBNode, parts: list[str]) -> CID:
        link = next((l for l in node.links if l.name == parts[0]), None)
        if link is None:
            raise IPFSError(ERR_LINK_NOT_FOUND)
        if len(parts) == 1:
            return self._put_pb(self._set_link(node, parts[0], None))
        new_sub = self._remove(dagpb.decode(self._get(link.cid)), parts[1:])
        return self._put_pb(self._set_link(node, parts[0], new_sub, self._cumulative(new_sub)))

    def object_patch_set_data(self, root, data: bytes) -> CID:
        _, node = self._load_pb(root)
        return self._put_pb(dagpb.PBNode(node.links, bytes(data)))

    def object_patch_append_data(self, root, data: bytes) -> CID:
        _, node = self._load_pb(root)
        return self._put_pb(dagpb.PBNode(node.links, (node.data or b"") + bytes(data)))

    def object_diff(self, before, after) -> list[Change]:
        """go-merkledag/dagutils ``Diff``."""
        return self._diff(self.resolve(before), self.resolve(after), "")

    def _diff(self, a: CID, b: CID, prefix: str) -> list[Change]:
        na = dagpb.decode(self._get(a)) if a.codec.code == DAG_PB else dagpb.PBNode()
        nb = dagpb.decode(self._get(b)) if b.codec.code == DAG_PB else dagpb.PBNode()
        if not na.links and not nb.links:
            return [Change(CHANGE_MOD, prefix, a, b)] if a != b else []
        out: list[Change] = []
        only_a = list(na.links)
        only_b = list(nb.links)
        for link in na.links:
            other = next((l for l in nb.links if l.name == link.name), None)
            if other is None:
                continue
            if other.cid != link.cid:
                out.extend(self._diff(link.cid, other.cid, posixpath.join(prefix, link.name or "")))
            only_a = [l for l in only_a if l.name != link.name]
            only_b = [l for l in only_b if l.name != link.name]
        out.extend(Change(CHANGE_REMOVE, posixpath.join(prefix, l.name or ""), l.cid) for l in only_a)
        out.extend(Change(CHANGE_ADD, posixpath.join(prefix, l.name or ""), None, l.cid) for l in only_b)
        return out
