"""Trickle layout (``--trickle``): boxo ``ipld/unixfs/importer/trickle/trickledag.go``.

The root is always an internal File node. Each node first takes up to ``max_links`` leaves
(UnixFS type Raw, or raw blocks), then, for depth 1, 2, ... (below its own max depth), up to
``depthRepeat = 4`` subtrees of that depth.
"""
from __future__ import annotations

from ..dagbuilder import Built, DagBuilder, FileNode

DEPTH_REPEAT = 4


def layout(db: DagBuilder) -> Built:
    return fill_trickle_rec(db, FileNode(db), -1)


def fill_trickle_rec(db: DagBuilder, node: FileNode, max_depth: int) -> Built:
    db.fill_node_layer(node)
    depth = 1
    while max_depth == -1 or depth < max_depth:
        if db.done():
            break
        repeat = 0
        while repeat < DEPTH_REPEAT and not db.done():
            node.add_child(fill_trickle_rec(db, FileNode(db), depth))
            repeat += 1
        depth += 1
    return node.commit()
