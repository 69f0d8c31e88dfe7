"""IPLD DAGs: ``ipfs dag ...`` (kubo core/commands/dag), and what it shares with ``pin``,
``repo gc`` and ``refs``: the links of a block in any codec kubo reads (dag-pb, raw,
dag-cbor, dag-json, identity) and DAG walks."""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Optional

from multiformats import CID

from .codecs import dagpb
from .errors import ERR_GC_CANNOT_FETCH_ALL_LINKS, InvalidArgument, IPFSError, err_unknown_multicodec

DAG_PB, RAW, DAG_CBOR, DAG_JSON, JSON, CBOR = 0x70, 0x55, 0x71, 0x0129, 0x0200, 0x51


def _cids_in(value: object) -> Iterator[CID]:
    if isinstance(value, CID):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _cids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _cids_in(item)


def links_of(cid: CID, block: bytes) -> list[CID]:
    """The CIDs a block links to, in order."""
    codec = cid.codec.code
    if codec == DAG_PB:
        return [link.cid for link in dagpb.decode(block).links]
    if codec == DAG_CBOR:
        from .codecs import dagcbor
        return list(_cids_in(dagcbor.decode(block)))
    if codec == DAG_JSON:
        from .codecs import dagjson
        return list(_cids_in(dagjson.decode(block)))
    return []


def get_links(get: Callable[[CID], bytes], cid: CID) -> list[CID]:
    """go-ipld-format ``GetLinks`` (boxo ipld/merkledag/merkledag.go ``GetLinks``): a raw block
    has no links and is not fetched; any other block is fetched, and a missing one raises."""
    if cid.codec.code == RAW:
        return []
    return links_of(cid, get(cid))


def _multihash(cid: CID) -> bytes:
    return bytes(cid.digest)


def colored_set(get: Callable[[CID], bytes], recursive: Iterable[CID], direct: Iterable[CID],
                best_effort: Iterable[CID] = (), key: Callable[[CID], bytes] = _multihash) -> set[bytes]:
    """kubo gc/gc.go ``ColoredSet``: the store keys (``key``: the multihash, or the whole CID
    for a blockstore before kubo 0.12) of the blocks ``repo gc`` keeps, i.e. the DAGs of the
    recursive pins (``Descendants``, each CID walked once, links by :func:`get_links`) and the
    direct pins. A block of a pinned DAG that cannot be fetched is reported after the walk
    (``ErrCannotFetchAllLinks``) and gc aborts before it removes anything. The
    ``best_effort`` roots (kubo passes the MFS root, core/corerepo/gc.go) keep whatever of
    their DAGs is present, missing blocks skipped."""
    keep: set[bytes] = {key(cid) for root in best_effort for cid in walk_present(get, root)}
    seen: set[bytes] = set()
    complete = True
    stack = list(recursive)
    while stack:
        cid = stack.pop()
        if bytes(cid) in seen:
            continue
        seen.add(bytes(cid))
        keep.add(key(cid))
        try:
            stack.extend(get_links(get, cid))
        except IPFSError:
            complete = False
    if not complete:
        raise IPFSError(ERR_GC_CANNOT_FETCH_ALL_LINKS)
    keep.update(key(cid) for cid in direct)
    return keep


def walk(get: Callable[[CID], bytes], root: CID, *, unique: bool = True) -> Iterator[CID]:
    """Every CID of the DAG under ``root``, root first, depth-first in link order (as
    go-merkledag ``Walk``); with ``unique`` each block once. Missing blocks raise."""
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        if unique:
            key = bytes(cid.digest)
            if key in seen:
                continue
            seen.add(key)
        yield cid
        stack.extend(reversed(links_of(cid, get(cid))))


def descendants(get: Callable[[CID], bytes], root: CID) -> Iterator[CID]:
    """The DAG under ``root`` without the root; blocks that are missing are skipped."""
    first = True
    for cid in walk_present(get, root):
        if first:
            first = False
            continue
        yield cid


def walk_present(get: Callable[[CID], bytes], root: CID) -> Iterator[CID]:
    """Like :func:`walk`, but stops descending where a block is missing (for gc and pin ls)."""
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        key = bytes(cid.digest)
        if key in seen:
            continue
        seen.add(key)
        yield cid
        try:
            block = get(cid)
        except IPFSError:
            continue
        stack.extend(reversed(links_of(cid, block)))


# --- ipfs dag ... ---------------------------------------------------------------------------

#: ``dag put`` codec names: kubo ≥0.10 multicodec names, and v0.7.0's ``format``/``input-enc``
#: spellings (go-cid ``Codecs``: "cbor" is dag-cbor, "protobuf" dag-pb; "json" input was dag-json).
_STORE_CODECS = {"dag-cbor": DAG_CBOR, "cbor": DAG_CBOR, "dag-json": DAG_JSON, "dag-pb": DAG_PB,
                 "protobuf": DAG_PB, "raw": RAW}
_INPUT_CODECS = {"dag-json": "dag-json", "json": "dag-json", "dag-cbor": "dag-cbor",
                 "cbor": "dag-cbor", "raw": "raw", "dag-pb": "dag-pb", "protobuf": "dag-pb"}


def pb_to_value(node: dagpb.PBNode) -> dict:
    """The IPLD data model of a dag-pb node (go-codec-dagpb): ``Data`` then ``Links`` of
    ``{"Hash","Name","Tsize"}``, absent fields left out."""
    value: dict = {}
    if node.data is not None:
        value["Data"] = node.data
    links = []
    for link in node.links:
        entry: dict = {"Hash": link.cid}
        if link.name is not None:
            entry["Name"] = link.name
        if link.tsize is not None:
            entry["Tsize"] = link.tsize
        links.append(entry)
    value["Links"] = links
    return value


def value_to_pb(value: object) -> dagpb.PBNode:
    """dag-json/dag-cbor input for a dag-pb node (``{"Data"?, "Links": [...]}``)."""
    if not isinstance(value, dict) or "Links" not in value or set(value) - {"Data", "Links"}:
        raise InvalidArgument("dag-pb input must be a map of Data and Links")
    links = []
    for item in value["Links"] or []:
        if not isinstance(item, dict) or not isinstance(item.get("Hash"), CID):
            raise InvalidArgument("dag-pb link must be a map with a Hash link")
        links.append(dagpb.PBLink(item["Hash"], item.get("Name"), item.get("Tsize")))
    data = value.get("Data")
    if data is not None and not isinstance(data, bytes):
        raise InvalidArgument("dag-pb Data must be bytes")
    return dagpb.PBNode(tuple(links), data)


def _legacy_json(value: object) -> object:
    """kubo ≤0.9 ``dag get`` JSON (Go ``encoding/json`` of go-ipld-cbor / go-merkledag nodes):
    links as ``{"/": cid}``, bytes as base64."""
    import base64
    if isinstance(value, CID):
        return {"/": str(value)}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _legacy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_legacy_json(v) for v in value]
    return value


class DagCommands:
    """Mixin for :class:`fakeipfs.Node`: ``ipfs dag put/get/resolve/export/import``."""

    def dag_put(self, data: bytes, *, store_codec: Optional[str] = None,
                input_codec: Optional[str] = None, hash: str = "sha2-256",
                pin: bool = False) -> CID:
        """``ipfs dag put``: decode ``data`` with the input codec, store it with the store
        codec (defaults dag-json → dag-cbor; kubo v0.7.0's ``format=cbor``/``input-enc=json``
        are the same thing). Codec names are go-multicodec's (``Code.Set``: ``unknown
        multicodec: %q``). ``pin`` pins recursively, keeping any direct pin (core/coreapi/dag.go
        ``pinningAdder.Add``: ``PinWithMode(..., pin.Recursive)``, v0.7.0 and HEAD)."""
        from .codecs import dagcbor, dagjson
        from .hashing import CidBuilder, get_hasher
        store = (store_codec or "dag-cbor").lower()
        source = (input_codec or "dag-json").lower()
        if store not in _STORE_CODECS:
            raise InvalidArgument(err_unknown_multicodec(store) if store else "empty codec")
        if source not in _INPUT_CODECS:
            raise InvalidArgument(err_unknown_multicodec(source))
        source = _INPUT_CODECS[source]
        store_code = _STORE_CODECS[store]
        if source == "raw":
            if store_code != RAW:
                raise InvalidArgument("raw input can only be stored as raw")
            block = bytes(data)
        else:
            if source == "dag-json":
                value = dagjson.decode(data)
            elif source == "dag-cbor":
                value = dagcbor.decode(data)
            else:
                value = pb_to_value(dagpb.decode(data))
            if store_code == DAG_CBOR:
                block = dagcbor.encode(value)
            elif store_code == DAG_JSON:
                block = dagjson.encode(value)
            elif store_code == DAG_PB:
                block = dagpb.encode(value_to_pb(value))
            else:
                raise InvalidArgument("only raw input can be stored as raw")
        cid = CidBuilder(1, get_hasher(hash)).cid(store_code, block)
        self.blockstore.put(cid, block)  # type: ignore[attr-defined]
        if pin:
            self.pins.pin_with_mode(cid, True)  # type: ignore[attr-defined]
        return cid

    def dag_resolve(self, path) -> tuple[CID, str]:
        """``ipfs dag resolve``: the last CID on the path and the path left inside it."""
        from .path import resolve
        cid, rest = resolve(path, self._get, self.kubo_version)  # type: ignore[attr-defined]
        return cid, "/".join(rest)

    def dag_value(self, path) -> object:
        """The IPLD value at ``path``: a whole node, or a field inside a dag-cbor/json node."""
        from .codecs import dagcbor, dagjson
        cid, rest = self.dag_resolve(path)
        block = self._get(cid)  # type: ignore[attr-defined]
        codec = cid.codec.code
        if codec == DAG_PB:
            value: object = pb_to_value(dagpb.decode(block))
        elif codec == DAG_CBOR:
            value = dagcbor.decode(block)
        elif codec == DAG_JSON:
            value = dagjson.decode(block)
        else:
            value = block
        for seg in [s for s in rest.split("/") if s]:
            value = value[int(seg)] if isinstance(value, list) else value[seg]  # type: ignore[index]
        return value

    def dag_get(self, path, *, output_codec: str = "dag-json") -> bytes:
        """``ipfs dag get``. From 0.10 the node re-encoded with ``output_codec`` (dag-json by
        default, no trailing newline); before, kubo's JSON rendering of the node."""
        import json
        from .codecs import dagcbor, dagjson
        from .versions import KuboVersion
        value = self.dag_value(path)
        if self.kubo_version < KuboVersion(0, 10, 0):  # type: ignore[attr-defined]
            cid, rest = self.dag_resolve(path)
            if cid.codec.code == DAG_PB and not rest:
                node = dagpb.decode(self._get(cid))  # type: ignore[attr-defined]
                value = {"data": node.data or b"",
                         "links": [{"Name": l.name or "", "Size": l.tsize or 0, "Cid": l.cid}
                                   for l in node.links]}
            return json.dumps(_legacy_json(value), separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        codec = output_codec.lower()
        if codec == "dag-json":
            return dagjson.encode(value)
        if codec == "dag-cbor":
            return dagcbor.encode(value)
        if codec in ("raw", "dag-pb"):
            cid, rest = self.dag_resolve(path)
            if rest:
                raise InvalidArgument(f"cannot encode a path inside a node as {codec}")
            return self._get(cid)  # type: ignore[attr-defined]
        raise InvalidArgument(err_unknown_multicodec(codec))

    def dag_export(self, path) -> Iterator[bytes]:
        """``ipfs dag export``: a CARv1 of the DAG, blocks depth-first, each once, root first
        (go-car ``selector`` traversal of ``ExploreAll``). The root must be present up front."""
        from .codecs import car
        cid = self.resolve(path)  # type: ignore[attr-defined]
        self._get(cid)  # type: ignore[attr-defined]
        blocks = ((c, self._get(c)) for c in walk(self._get, cid)  # type: ignore[attr-defined]
                  if c.hashfun.code != 0)
        return car.write_car([cid], blocks)

    def dag_import(self, stream, *, pin_roots: bool = True) -> list[tuple[CID, str]]:
        """``ipfs dag import``: every block is verified first; one bad block rejects the whole
        CAR. Roots are pinned recursively; a root whose DAG is incomplete reports kubo's
        pin error (core/commands/dag/import.go) instead of failing the import."""
        from .codecs import car
        roots, blocks = car.read_car(stream)
        with self._lock:  # type: ignore[attr-defined]
            for cid, data in blocks:
                self.blockstore.put(cid, data)  # type: ignore[attr-defined]
            out: list[tuple[CID, str]] = []
            for root in roots:
                message = ""
                if pin_roots:
                    try:
                        for _ in walk(self._get, root):  # type: ignore[attr-defined]
                            pass
                        self.pins.pin(root, True)  # type: ignore[attr-defined]
                    except IPFSError as exc:
                        message = str(exc)
                out.append((root, message))
        return out
