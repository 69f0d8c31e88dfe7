"""Hypothesis strategies for property tests of code that talks to IPFS.

Every value they generate is one fakeipfs (and kubo) accepts: ``Node.add(data, **add_options())``
succeeds, ``dag_json_values()`` round-trip through ``dag put``/``dag get``, ``cids()`` parse.
Hypothesis is an optional dependency of fakeipfs: only importing this module needs it::

    from hypothesis import given
    from fakeipfs.strategies import add_options, file_contents

    @given(file_contents(), add_options())
    def test_round_trip(ipfs_node, data, options):
        root = ipfs_node.add(data, **options)[-1].cid
        assert ipfs_node.cat(root) == data
"""
from __future__ import annotations

import random
from typing import Any, Union

from hypothesis import strategies as st
from multiformats import CID

from .hashing import get_hasher
from .unixfs.chunker import DEFAULT_BLOCK_SIZE
from .unixfs.options import MAX_IDENTITY_DIGEST
from .versions import DEFAULT_KUBO_VERSION, KuboVersion

__all__ = ["file_contents", "directory_trees", "add_options", "cids", "dag_json_values",
           "pubsub_topics", "pubsub_payloads"]

#: The ``--hash`` functions :func:`add_options` picks from (all on boxo verifcid's allowlist).
ADD_HASHES = ("sha2-256", "sha2-512", "sha3-256", "blake2b-256", "blake3")
#: go-libp2p-pubsub pubsub.go ``DefaultMaxMessageSize``: the largest message peers relay.
MAX_PUBSUB_MESSAGE = 1 << 20

_INT64 = (-(1 << 63), (1 << 63) - 1)
#: UTF-8 encodable text (no lone surrogates), as Go strings on the wire must be.
_UTF8 = st.characters(exclude_categories=("Cs",))


def _sized(sizes: st.SearchStrategy[int]) -> st.SearchStrategy[bytes]:
    """Bytes of a drawn size: all zeros, a short repeated pattern, or seeded random bytes (drawn
    as a seed, not byte by byte, so megabytes are cheap and shrink well)."""
    zeros = sizes.map(bytes)
    pattern = st.tuples(st.binary(min_size=1, max_size=64), sizes).map(
        lambda ps: (ps[0] * (ps[1] // len(ps[0]) + 1))[:ps[1]])
    noise = st.tuples(st.integers(0, 2**32 - 1), sizes).map(
        lambda ss: random.Random(ss[0]).randbytes(ss[1]))
    return st.one_of(zeros, pattern, noise)


def file_contents(*, max_size: int = 4 * DEFAULT_BLOCK_SIZE + 1) -> st.SearchStrategy[bytes]:
    """File bytes for ``ipfs add``, at most ``max_size`` long. Sizes favour the edges of kubo's
    default chunks (boxo chunker ``DefaultBlockSize`` = 262144): 0, 1, and every multiple of
    262144 and its neighbours ±1, besides small and arbitrary sizes; contents are zeros, a
    repeated pattern or random bytes."""
    edges = sorted({n for k in range(max_size // DEFAULT_BLOCK_SIZE + 2)
                    for n in (k * DEFAULT_BLOCK_SIZE - 1, k * DEFAULT_BLOCK_SIZE, k * DEFAULT_BLOCK_SIZE + 1)
                    if 0 <= n <= max_size})
    sizes = st.one_of(st.sampled_from(edges), st.integers(0, min(max_size, 1024)), st.integers(0, max_size))
    return _sized(sizes)


def unixfs_names() -> st.SearchStrategy[str]:
    """Valid UnixFS link names: non-empty UTF-8 text without ``/`` (or NUL, which no file
    system or multipart header carries), and neither ``.`` nor ``..`` (boxo
    ipld/unixfs/io/directory.go and kubo's path parsing refuse those)."""
    return st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"),
                   min_size=1, max_size=40).filter(lambda name: name not in (".", ".."))


Tree = dict[str, Union[bytes, "Tree"]]


def directory_trees(*, max_depth: int = 3, max_entries: int = 5,
                    files: st.SearchStrategy[bytes] = st.binary(max_size=2048)) -> st.SearchStrategy[Tree]:
    """Directory trees as nested dicts, name -> file bytes (from ``files``) or a subtree, at
    most ``max_depth`` directories deep and ``max_entries`` entries per directory. Names come
    from :func:`unixfs_names` (unicode allowed); empty directories occur."""
    def directories(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Tree]:
        return st.dictionaries(unixfs_names(), children, max_size=max_entries)

    tree: st.SearchStrategy[Any] = files
    for _ in range(max_depth - 1):
        tree = st.one_of(files, directories(tree))
    return directories(tree)


@st.composite
def _chunkers(draw: st.DrawFn, limit: int) -> str:
    """A ``--chunker`` kubo accepts (boxo chunker/parse.go ``FromString``): ``size-N`` with
    0 < N <= limit, ``rabin-MIN-AVG-MAX`` with 16 <= MIN < AVG < MAX <= limit, or ``buzhash``."""
    kind = draw(st.sampled_from(("size", "rabin", "buzhash")))
    if kind == "buzhash":
        return "buzhash"
    if kind == "size":
        size = draw(st.one_of(st.sampled_from((1, 256, 1024, DEFAULT_BLOCK_SIZE, limit)),
                              st.integers(1, limit)))
        return f"size-{size}"
    lo = draw(st.integers(16, limit - 2))
    avg = draw(st.integers(lo + 1, limit - 1))
    hi = draw(st.integers(avg + 1, limit))
    return f"rabin-{lo}-{avg}-{hi}"


@st.composite
def _add_options(draw: st.DrawFn, kubo_version: str) -> dict[str, Any]:
    limit = KuboVersion.parse(kubo_version).chunk_size_limit
    options: dict[str, Any] = {}
    if draw(st.booleans()):
        options["chunker"] = draw(_chunkers(limit))
    for flag in ("trickle", "raw_leaves", "inline", "wrap_with_directory"):
        if draw(st.booleans()):
            options[flag] = draw(st.booleans())
    if draw(st.booleans()):
        options["inline_limit"] = draw(st.integers(0, MAX_IDENTITY_DIGEST))
    hash_name = draw(st.sampled_from(ADD_HASHES))
    if hash_name != "sha2-256" or draw(st.booleans()):
        options["hash"] = hash_name
    # add.go: a hash other than sha2-256 needs CIDv1 ("CIDv0 only supports sha2-256")
    versions = (None, 0, 1) if hash_name == "sha2-256" else (None, 1)
    version = draw(st.sampled_from(versions))
    if version is not None:
        options["cid_version"] = version
    return options


def add_options(*, kubo_version: str = DEFAULT_KUBO_VERSION) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``Node.add`` (kubo's ``ipfs add`` flags, Python spelling) that
    kubo ``kubo_version`` accepts together: ``chunker`` (size-N, rabin-MIN-AVG-MAX or buzhash,
    within the version's chunk size limit), ``trickle``, ``raw_leaves``, ``cid_version``,
    ``hash`` (one of :data:`ADD_HASHES`; CIDv1 unless sha2-256), ``inline``/``inline_limit``
    (at most 128, boxo verifcid ``DefaultMaxIdentityDigestSize``), ``wrap_with_directory``.
    Each is present or left to kubo's default. Small chunkers make large files slow to add:
    pair them with small :func:`file_contents`."""
    return _add_options(kubo_version)


_CID_CODECS = ("dag-pb", "raw", "dag-cbor")
_CID_HASHES = ("sha2-256", "blake2b-256", "identity")


@st.composite
def _cids(draw: st.DrawFn) -> CID:
    data = draw(st.binary(max_size=64))
    if draw(st.booleans()):
        return CID("base58btc", 0, "dag-pb", get_hasher("sha2-256").multihash(data))
    codec = draw(st.sampled_from(_CID_CODECS))
    hash_name = draw(st.sampled_from(_CID_HASHES))
    return CID("base32", 1, codec, get_hasher(hash_name).multihash(data))


def cids() -> st.SearchStrategy[CID]:
    """``multiformats.CID`` values as kubo makes them: CIDv0 (dag-pb, sha2-256, base58btc) and
    CIDv1 (base32) of dag-pb, raw or dag-cbor with sha2-256, blake2b-256 or identity (digests
    of at most 64 bytes, within verifcid's 128-byte identity limit). ``str(cid)`` is go-cid's
    ``String()``."""
    return _cids()


def dag_json_values(*, max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Values of the IPLD data model that round-trip through DAG-JSON
    (:mod:`fakeipfs.codecs.dagjson`) and DAG-CBOR, hence through ``dag put``/``dag get``:
    None, booleans, int64 integers, non-integral finite floats (an integral float such as
    ``1.0`` reads back as an int, as in kubo), UTF-8 strings, bytes, links (:func:`cids`), and
    lists and maps with string keys. No map has a ``"/"`` key, which DAG-JSON reserves for
    links and bytes."""
    floats = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
    scalars = st.one_of(st.none(), st.booleans(), st.integers(*_INT64), floats,
                        st.text(_UTF8, max_size=40), st.binary(max_size=64), cids())
    keys = st.text(_UTF8, max_size=20).filter(lambda key: key != "/")
    return st.recursive(scalars, lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=5)),
        max_leaves=max_leaves)


def pubsub_topics() -> st.SearchStrategy[str]:
    """``ipfs pubsub`` topic names: non-empty UTF-8 text (go-libp2p-pubsub checks nothing more;
    kubo 0.11+ multibase-encodes the topic on the RPC wire, so any text travels)."""
    return st.text(_UTF8, min_size=1, max_size=64)


def pubsub_payloads() -> st.SearchStrategy[bytes]:
    """``ipfs pubsub pub`` message bodies: arbitrary bytes, empty included, mostly small, a few
    up to go-libp2p-pubsub's ``DefaultMaxMessageSize`` (1 MiB), the most peers relay."""
    big = st.sampled_from((MAX_PUBSUB_MESSAGE - 1024, MAX_PUBSUB_MESSAGE))
    return st.one_of(st.binary(max_size=1024), _sized(big))
