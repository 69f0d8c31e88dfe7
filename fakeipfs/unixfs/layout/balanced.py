"""Balanced layout, kubo's default: boxo ``ipld/unixfs/importer/balanced/builder.go``.

The first chunk becomes the root leaf; while data remains, a new root of depth d takes the old
root as first child and is filled by ``fill_node_rec(d)``. Nodes are never collapsed, so 175
chunks give ``root[node(174 leaves), node(1 leaf)]``.
"""
from __future__ import annotations

from ...codecs.unixfs_pb import DataType
from ..dagbuilder import Built, DagBuilder, FileNode


def layout(db: DagBuilder) -> Built:
    """Build the file DAG; the returned root is not yet stored."""
    if db.done():
        return db.leaf(None, DataType.File)
    root = db.leaf_data(DataType.File)
    depth = 1
    while not db.done():
        new_root = FileNode(db)
        new_root.add_child(root)
        root = fill_node_rec(db, new_root, depth)
        depth += 1
    return root


def fill_node_rec(db: DagBuilder, node: FileNode, depth: int) -> Built:
    while node.num_children() < db.max_links and not db.done():
        if depth == 1:
            child = db.leaf_data(DataType.File)
        else:
            child = fill_node_rec(db, FileNode(db), depth - 1)
        node.add_child(child)
    return node.commit()
