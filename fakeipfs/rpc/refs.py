"""``/api/v0/refs`` and ``refs/local``: kubo core/commands/refs.go (v0.7.0).

Both stream go ``RefWrapper`` values, ``{"Ref": "<text>", "Err": ""}``. ``refs`` walks each
root's links (``RefWriter``): ``recursive`` follows them down to ``max-depth``, ``unique``
prints a CID once (pruning branches already explored as deep), ``format`` fills ``<src>``,
``<dst>`` and ``<linkname>`` (``edges`` is ``<src> -> <dst>``). A block that cannot be read ends
that root with ``{"Ref": "", "Err": msg}`` and the next root is walked. ``refs`` prints CIDs with
``GetCidEncoder``; ``refs local`` with ``Cid.String()`` until 0.41.
"""
from __future__ import annotations

from typing import Callable, Iterator

from multiformats import CID

from ..codecs import dagpb
from ..dag import DAG_PB, links_of
from ..errors import ERR_REFS_EDGES_FORMAT, IPFSError
from ..versions import cid_base_upgrades_everywhere
from ._cmdenv import all_keys, cid_encoder, emit, go_cid
from .commands import INT, STRING, Arg, Call, command, opt
from .wire import Response

Link = tuple[str, CID]


class RefWriter:
    """kubo ``RefWriter``; its ``seen`` depths are shared by all the roots of one command."""

    def __init__(self, get: Callable[[CID], bytes], encode: Callable[[CID], str], *,
                 unique: bool, max_depth: int, print_format: str) -> None:
        self.get = get
        self.encode = encode
        self.unique = unique
        self.max_depth = max_depth
        self.print_format = print_format
        self.seen: dict[bytes, int] = {}

    def links(self, cid: CID) -> list[Link]:
        """``DAG.Get`` and ``Node.Links()``: names for dag-pb, none for other codecs."""
        block = self.get(cid)
        if cid.codec.code == DAG_PB:
            return [(link.name or "", link.cid) for link in dagpb.decode(block).links]
        return [("", child) for child in links_of(cid, block)]

    def write_refs(self, root: CID) -> Iterator[str]:
        yield from self._write(root, self.links(root), 0)

    def _write(self, cid: CID, links: list[Link], depth: int) -> Iterator[str]:
        for name, child in links:
            go_deeper, should_write = self.visit(child, depth + 1)
            if not should_write and not go_deeper:
                continue
            child_links = self.links(child)  # printed refs are always fetched
            if should_write:
                yield self.edge(cid, child, name)
            if go_deeper:
                yield from self._write(child, child_links, depth + 1)

    def visit(self, cid: CID, depth: int) -> tuple[bool, bool]:
        """(keep traversing, print it)."""
        at_max = self.max_depth >= 0 and depth == self.max_depth
        if self.max_depth >= 0 and depth > self.max_depth:
            return False, False
        if not self.unique:
            return not at_max, True
        key = bytes(cid)
        old = self.seen.get(key)
        if old is not None and (self.max_depth < 0 or old <= depth):
            return False, False
        self.seen[key] = depth
        return not at_max, old is None

    def edge(self, src: CID, dst: CID, name: str) -> str:
        if not self.print_format:
            return self.encode(dst)
        return (self.print_format.replace("<src>", self.encode(src))
                .replace("<dst>", self.encode(dst)).replace("<linkname>", name))


@command("refs", args=(Arg("ipfs-path", variadic=True, stdin=True),), options=(
    opt("format", kind=STRING, default="<dst>"), opt("edges", "e"), opt("unique", "u"),
    opt("recursive", "r"), opt("max-depth", kind=INT, default=-1)))
def refs(call: Call) -> Response:
    encode = cid_encoder(call).encode
    print_format = call.option("format")
    if call.option("edges", False):
        if print_format != "<dst>":
            raise IPFSError(ERR_REFS_EDGES_FORMAT)
        print_format = "<src> -> <dst>"
    max_depth = call.option("max-depth") if call.option("recursive", False) else 1
    node = call.node
    roots = [node.resolve(path) for path in call.args]
    writer = RefWriter(node.block_get, encode, unique=call.option("unique", False),
                       max_depth=max_depth, print_format=print_format)

    def results() -> Iterator[dict]:
        for root in roots:
            try:
                for ref in writer.write_refs(root):
                    yield {"Ref": ref, "Err": ""}
            except IPFSError as exc:
                yield {"Ref": "", "Err": exc.message}
    return emit(results())


@command("refs/local")
def refs_local(call: Call) -> Response:
    """Every block in the blockstore, as the blockstore keys it (:func:`._cmdenv.all_keys`)."""
    encode = cid_encoder(call).encode if cid_base_upgrades_everywhere(call.version) else go_cid
    return emit({"Ref": encode(cid), "Err": ""} for cid in all_keys(call))
