"""Trickle layout (``--trickle``): boxo ``ipld/unixfs/importer/trickle/trickledag.go``.

The root is always an internal File node. Each node first takes up to ``max_links`` leaves
(UnixFS type Raw, or raw blocks), then, for depth 1, 2, ... (below its own max depth), up to
``depthRepeat = 4`` subtrees of that depth. :func:`append` continues an existing trickle DAG
(``Append``, as MFS writes do through the DagModifier).
"""
from __future__ import annotations

from typing import Callable

from multiformats import CID

from ..dagbuilder import Built, DagBuilder, DagFileNode, FileNode

DEPTH_REPEAT = 4


def layout(db: DagBuilder) -> Built:
    return fill_trickle_rec(db, FileNode(db), -1)


def fill_trickle_rec(db: DagBuilder, node: FileNode, max_depth: int) -> Built:
    db.fill_node_layer(node)
    _fill_depths(db, node, 1, max_depth)
    return node.commit()


def _fill_depths(db: DagBuilder, node: FileNode, depth: int, max_depth: int = -1) -> None:
    """The loop ``fillTrickleRec`` and ``Append`` share: ``depthRepeat`` subtrees of each depth
    from ``depth`` on (below ``max_depth`` unless it is -1) until the data runs out."""
    while (max_depth == -1 or depth < max_depth) and not db.done():
        repeat = 0
        while repeat < DEPTH_REPEAT and not db.done():
            node.add_child(fill_trickle_rec(db, FileNode(db), depth))
            repeat += 1
        depth += 1


def depth_info(node: FileNode, max_links: int) -> tuple[int, int]:
    """``trickleDepthInfo``: the depth whose subtrees were being added when ``node`` was
    built, and how many of that depth's ``depthRepeat`` it has (0, 0 while its leaf layer is
    not full)."""
    n = node.num_children()
    if n < max_links:
        return 0, 0
    non_leaf = n - max_links
    return non_leaf // DEPTH_REPEAT + 1, non_leaf % DEPTH_REPEAT


def append(db: DagBuilder, base: DagFileNode, get: Callable[[CID], bytes]) -> Built:
    """``Append``: add ``db``'s chunks to the trickle DAG rooted at ``base``; the returned
    root is not stored (the DagModifier's caller stores it).

    A port of trickledag.go, quirks included: ``appendFillLastChild`` only revisits the last
    child when the node has more than ``max_links`` children, so a root holding exactly a
    full leaf layer continues at depth 2, not 1 as :func:`layout` would.
    """
    depth, repeat = depth_info(base, db.max_links)
    if depth == 0:
        db.fill_node_layer(base)
        if db.done():
            return base.commit()
        depth += 1
    _append_fill_last_child(db, base, depth - 1, repeat, get)
    if not db.done():
        depth += 1
    _fill_depths(db, base, depth)
    return base.commit()


def _append_fill_last_child(db: DagBuilder, node: DagFileNode, depth: int, repeat: int,
                            get: Callable[[CID], bytes]) -> None:
    """``appendFillLastChild``: top up the last subtree, then the rest of its depth layer."""
    if node.num_children() <= db.max_links:
        return
    last = node.num_children() - 1
    filled = _append_rec(db, node.child(last, get), depth - 1, get)
    node.remove_child(last)
    node.add_child(filled.commit())
    if repeat != 0:
        while repeat < DEPTH_REPEAT and not db.done():
            node.add_child(fill_trickle_rec(db, FileNode(db), depth))
            repeat += 1


def _append_rec(db: DagBuilder, node: DagFileNode, max_depth: int,
                get: Callable[[CID], bytes]) -> DagFileNode:
    """``appendRec``: continue the subtree ``node`` up to ``max_depth``."""
    if max_depth == 0 or db.done():
        return node
    depth, repeat = depth_info(node, db.max_links)
    if depth == 0:
        db.fill_node_layer(node)
        depth += 1
    if depth == max_depth:
        return node
    _append_fill_last_child(db, node, depth, repeat, get)
    if not db.done():
        depth += 1
    i = depth
    while i < max_depth and not db.done():
        j = 0
        while j < DEPTH_REPEAT and not db.done():
            node.add_child(fill_trickle_rec(db, FileNode(db), i))
            j += 1
        i += 1
    return node
