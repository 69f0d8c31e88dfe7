"""Emulated kubo versions.

fakeipfs emulates one kubo version at a time (``kubo_version``, default ``0.7.0``, the newest
that ipfshttpclient 0.7.0 accepts). Each behaviour that changed in kubo's history is a named
predicate here, next to the changelog line that dates it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import total_ordering

DEFAULT_KUBO_VERSION = "0.7.0"


@total_ordering
@dataclass(frozen=True)
class KuboVersion:
    """A kubo release number, compared numerically (``0.10.0 > 0.9.1``)."""

    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: "str | KuboVersion") -> "KuboVersion":
        if isinstance(text, KuboVersion):
            return text
        core = text.strip().lstrip("v").split("-", 1)[0]
        parts = core.split(".")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            raise ValueError(f"invalid kubo version: {text!r}") from None
        if not 2 <= len(nums) <= 3:
            raise ValueError(f"invalid kubo version: {text!r}")
        return cls(*nums)

    def __lt__(self, other: "KuboVersion") -> bool:
        return (self.major, self.minor, self.patch) < (other.major, other.minor, other.patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    # --- predicates, each dated by kubo's changelog -------------------------------------------

    @property
    def chunk_size_limit(self) -> int:
        """Largest ``--chunker`` size.

        docs/changelogs/v0.40.md "Block size limit raised to 2MiB": the max chunker value is
        2MiB - 256 bytes (boxo chunker/parse.go ``ChunkSizeLimit``). Before, go-ipfs-chunker capped
        it at 1MiB (``ChunkSizeLimit = 1048576``).
        """
        if self >= V0_40:
            return 2 * 1024 * 1024 - 256
        return 1024 * 1024

    @property
    def block_size_limit(self) -> int:
        """boxo chunker ``BlockSizeLimit`` (2MiB from v0.40, 1MiB before)."""
        return 2 * 1024 * 1024 if self >= V0_40 else 1024 * 1024

    @property
    def multihash_keyed_blockstore(self) -> bool:
        """From 0.12 blocks are stored by multihash (docs/changelogs/v0.12.md "Blockstore
        migration from full CID to Multihash keys"), so ``repo gc`` reports them as CIDv1 raw
        (gc/gc.go ``toRawCids``); before, by the full CID they were stored under."""
        return self >= V0_12

    @property
    def block_put_cid_codec(self) -> bool:
        """``block put --cid-codec`` (default raw, CIDv1) from 0.13 (docs/changelogs/v0.13.md
        "`ipfs block put` command"); ``--format`` is kept for CIDv0 and the legacy names."""
        return self >= V0_13

    @property
    def block_rm_not_found_names_cid(self) -> bool:
        """``block rm`` of a missing block: ``ipld: could not find <cid>`` from 0.13
        (docs/changelogs/v0.13.md "ErrNotFound changes", blocks/blockstoreutil/remove.go
        ``format.ErrNotFound{Cid: c}``); before, ``blockstore: block not found``."""
        return self >= V0_13

    @property
    def hamt_auto_sharding(self) -> bool:
        """Directories switch to HAMT by size from 0.11 (docs/changelogs/v0.11.md
        "Automatic sharding"); before, only with ``Experimental.ShardingEnabled`` (all directories)."""
        return self >= V0_11

    @property
    def hamt_threshold_inclusive(self) -> bool:
        """0.11-0.39 shard when size ``>=`` 256KiB (go-unixfs io/directory.go); from 0.40 when
        ``>`` (docs/changelogs/v0.40.md, boxo ipld/unixfs/io/directory.go)."""
        return self < V0_40

    @property
    def repo_version(self) -> str:
        """The fs-repo version that goes with this release: repo/fsrepo/fsrepo.go
        ``RepoVersion`` at each kubo release tag (version.go ``RepoVersion`` from v0.37.0)."""
        for since, repo in (((0, 38), "18"), ((0, 37), "17"), ((0, 30), "16"), ((0, 23), "15"),
                            ((0, 21), "14"), ((0, 18), "13"), ((0, 12), "12"), ((0, 8), "11"),
                            ((0, 6), "10"), ((0, 5), "9"), ((0, 4, 16), "7"), ((0, 4, 11), "6"),
                            ((0, 4, 5), "5")):
            if self >= KuboVersion(*since):
                return repo
        return "4"

    @property
    def hamt_root_metadata(self) -> bool:
        """A sharded directory keeps its mode/mtime from kubo 0.40 (boxo v0.37.0, #1088
        ``Shard.SetStat``); before, ``Shard.Node`` wrote ``HAMTShardData`` without them."""
        return self >= V0_40

    @property
    def pubsub_sub_ack(self) -> bool:
        """``pubsub sub`` first sends an empty ``{}`` message to flush the headers, up to 0.4.13
        (core/commands/pubsub.go ``out <- floodsub.Message{}``); 0.4.14 flushes instead
        (docs/changelogs/v0.4.md v0.4.14 "Fix output delay in ipfs pubsub sub", go-ipfs#4402)."""
        return self < V0_4_14

    @property
    def pubsub_peers_null_when_empty(self) -> bool:
        """``pubsub peers`` with no peers: ``{"Strings":null}`` up to 0.4.13 (a nil ``[]string``);
        ``[]`` from 0.4.14 (go-ipfs commit ead64854e "cmd/pubsub: fix pubsub peers format
        brakage", part of the go-ipfs-cmds port in docs/changelogs/v0.4.md v0.4.14)."""
        return self < V0_4_14

    @property
    def pubsub_multibase(self) -> bool:
        """From 0.11 pubsub topics travel as base64url multibase URL args, ``pub`` data as a
        multipart file, and messages carry multibase fields and a peer-ID string ``from``
        (docs/changelogs/v0.11.md "Multibase in PubSub HTTP RPC API")."""
        return self >= V0_11

    @property
    def stylecheck_error_strings(self) -> bool:
        """From 0.17 kubo's own error strings are lowercase without final punctuation, e.g. the
        pubsub "not enabled" error (docs/changelogs/v0.17.md "ci: add stylecheck to
        golangci-lint (#9334)")."""
        return self >= V0_17


V0_11 = KuboVersion(0, 11, 0)
V0_12 = KuboVersion(0, 12, 0)
V0_13 = KuboVersion(0, 13, 0)
V0_40 = KuboVersion(0, 40, 0)
V0_4_14 = KuboVersion(0, 4, 14)
V0_17 = KuboVersion(0, 17, 0)


# --- RPC command groups block, dag, object, pin, repo, refs (fakeipfs/rpc/*.py) ----------------
# Module-level predicates, each dated by kubo's changelog (or, where the changelog is silent, the
# release whose source first shows the change).

def dag_codec_options(version: KuboVersion) -> bool:
    """``dag put --store-codec/--input-codec`` (dag-cbor/dag-json) replace ``--format/--input-enc``
    (cbor/json), ``dag get --output-codec`` returns the node's encoded bytes, and ``dag import``
    gains ``--stats``, from 0.10 (docs/changelogs/v0.10.md "dag put", "dag get")."""
    return version >= KuboVersion(0, 10, 0)


def big_block_check(version: KuboVersion) -> bool:
    """``block put`` and ``dag put`` refuse a block over the bitswap limit unless
    ``--allow-big-block``, from 0.13 (kubo #8751, core/commands/cmdutils/utils.go
    ``CheckBlockSize`` at v0.13.0); the limit is :attr:`KuboVersion.block_size_limit`."""
    return version >= KuboVersion(0, 13, 0)


def dag_stat_summary(version: KuboVersion) -> bool:
    """``dag stat`` takes several roots and answers ``{UniqueBlocks, TotalSize, SharedSize,
    Ratio, DagStats}`` from 0.21 (docs/changelogs/v0.21.md "ipfs dag stat deduping statistics")."""
    return version >= KuboVersion(0, 21, 0)


def dag_export_paths(version: KuboVersion) -> bool:
    """``dag export`` takes a content path, not only a bare CID, from 0.24 (kubo #10161,
    core/commands/dag/export.go ``cmdutils.PathOrCidPath`` at v0.24.0)."""
    return version >= KuboVersion(0, 24, 0)


def pin_names(version: KuboVersion) -> bool:
    """``pin ls`` entries carry a ``Name`` from 0.26 (docs/changelogs/v0.26.md "Support optional
    pin names")."""
    return version >= KuboVersion(0, 26, 0)


def object_api_removed(version: KuboVersion) -> bool:
    """``object new/get/put/data/links/stat`` and ``object patch set-data/append-data`` answer
    "removed" from 0.28; ``object diff`` and ``patch add-link/rm-link`` stay
    (docs/changelogs/v0.28.md "Removed deprecated Object API commands")."""
    return version >= KuboVersion(0, 28, 0)


def cid_base_upgrades_everywhere(version: KuboVersion) -> bool:
    """``--cid-base`` is honoured by every command and upgrades CIDv0 whenever the base is not
    base58btc (no more "low level" encoder), from 0.41 (docs/changelogs/v0.41.md "--cid-base
    fixes across all commands")."""
    return version >= KuboVersion(0, 41, 0)


def repo_gc_silent(version: KuboVersion) -> bool:
    """``repo gc --silent`` (no output) from 0.13 (docs/changelogs/v0.13.md "add silent option for
    repo gc (#7147)")."""
    return version >= KuboVersion(0, 13, 0)


def pin_ls_keys_omitempty(version: KuboVersion) -> bool:
    """``pin ls`` without pins answers ``{}`` rather than ``{"Keys":{}}`` from 0.21 (kubo
    811457393 "core/commands/pin: fix incorrect pointer type in encoder": ``Keys`` is
    ``omitempty`` in core/commands/pin/pin.go at v0.21.0)."""
    return version >= KuboVersion(0, 21, 0)


# Identity, keys, IPNS names, config and the small commands.

def p2p_multiaddr(version: KuboVersion) -> bool:
    """Peer addresses print ``/p2p/<id>`` rather than ``/ipfs/<id>``, and RSA keys must have at
    least 2048 bits (512 before), from 0.5 (docs/changelogs/v0.5.md "IPFS/Libp2p Address Format",
    "Minimum RSA Key Size")."""
    return version >= KuboVersion(0, 5, 0)


def min_rsa_key_bits(version: KuboVersion) -> int:
    """go-libp2p ``MinRsaKeyBits`` (see :func:`p2p_multiaddr`)."""
    return 2048 if p2p_multiaddr(version) else 512


def ed25519_identity(version: KuboVersion) -> bool:
    """``ipfs init`` makes an Ed25519 node key (peer ID ``12D3KooW...``) from 0.7, RSA-2048
    (``Qm...``) before (docs/changelogs/v0.7.md "Ed25519 keys are now used by default"); ``key
    gen`` defaults to ed25519 too (``rsa`` from 0.4.23, no default before:
    core/commands/keystore.go)."""
    return version >= KuboVersion(0, 7, 0)


def key_gen_default_type(version: KuboVersion) -> "str | None":
    """``key gen --type`` default (see :func:`ed25519_identity`)."""
    if ed25519_identity(version):
        return "ed25519"
    return "rsa" if version >= KuboVersion(0, 4, 23) else None


def ipns_base36_keys(version: KuboVersion) -> bool:
    """Key and IPNS names print as base36 CIDv1 ``libp2p-key`` (``k51...``) with an
    ``--ipns-base`` option, ``id`` gains ``--peerid-base``, and ``key import``/``export``
    exist, from 0.7 (docs/changelogs/v0.7.md "IPNS paths now encode the key name as a base36
    CIDv1 by default", "Key export/import"); before, names are base58btc multihashes."""
    return version >= KuboVersion(0, 7, 0)


def id_protocols(version: KuboVersion) -> bool:
    """``id`` lists the node's ``Protocols`` from 0.7 (docs/changelogs/v0.7.md "return supported
    protocols in id output")."""
    return version >= KuboVersion(0, 7, 0)


def id_protocol_version(version: KuboVersion) -> bool:
    """``id`` reports ``ProtocolVersion`` (always ``ipfs/0.1.0``) until 0.22
    (docs/changelogs/v0.22.md "We no longer report ProtocolVersion")."""
    return version < KuboVersion(0, 22, 0)


def id_offline_option(version: KuboVersion) -> bool:
    """``id <peer> --offline`` prints what the peerstore knows, and the error for an unreachable
    peer is reworded, from 0.13 (docs/changelogs/v0.13.md "ipfs id: support --offline option")."""
    return version >= KuboVersion(0, 13, 0)


def agent_version(version: KuboVersion) -> str:
    """The libp2p identify user agent ``id`` reports for a build without a commit: ``go-ipfs/v/``
    until 0.13, ``kubo/v/`` from 0.14 (docs/changelogs/v0.14.md "The libp2p identify useragent
    of Kubo has also been changed from go-ipfs to kubo"), ``kubo/v`` for the tagged releases of
    0.40 on (docs/changelogs/v0.40.md "produce shorter user agent for tagged release builds")."""
    if version >= KuboVersion(0, 40, 0):
        return f"kubo/{version}"
    return f"{'kubo' if version >= KuboVersion(0, 14, 0) else 'go-ipfs'}/{version}/"


def config_not_found_names_path(version: KuboVersion) -> bool:
    """``ipfs config <missing key>`` says ``<path> not found`` from 0.13 (kubo a09b6c205
    "fix(repo/common): improve MapGetKV not found error", repo/common/common.go at v0.13.0);
    before, ``<parent> key has no attributes``."""
    return version >= KuboVersion(0, 13, 0)


def bootstrap_auto_placeholder(version: KuboVersion) -> bool:
    """The default ``Bootstrap`` is ``["auto"]`` (AutoConf), ``bootstrap list`` prints the config
    as it is (``--expand-auto`` expands it) and ``bootstrap add default`` / ``--default`` are
    gone, from 0.37 (docs/changelogs/v0.37.md, ``ipfs config Bootstrap '["auto"]'``)."""
    return version >= KuboVersion(0, 37, 0)


def key_import_formats(version: KuboVersion) -> bool:
    """``key import --format`` (``libp2p-protobuf-cleartext`` or ``pem-pkcs8-cleartext``) and
    ``--allow-any-key-type`` from 0.13 (docs/changelogs/v0.13.md "Support for PEM/PKCS8 for
    key import/export")."""
    return version >= KuboVersion(0, 13, 0)


# --- MFS: ``files`` (fakeipfs/mfs.py, fakeipfs/rpc/files.py) ------------------------------------

def files_flush_returns_cid(version: KuboVersion) -> bool:
    """``files flush`` answers ``{"Cid": "<cid>"}`` from 0.4.20 (docs/changelogs/v0.4.md 0.4.20
    "Changed: `ipfs files flush` ... now returns the CID of the flushed file"); before, nothing."""
    return version >= KuboVersion(0, 4, 20)


def files_ls_long_name(version: KuboVersion) -> bool:
    """``files ls`` takes ``--long`` from 0.5 (docs/changelogs/v0.5.md "add --long as alias for
    -l in files.ls", go-ipfs#6528); before, the option was only ``-l``."""
    return version >= KuboVersion(0, 5, 0)


def files_rm_many(version: KuboVersion) -> bool:
    """``files rm`` removes every path it is given from 0.13 (docs/changelogs/v0.13.md "Add
    support for multiple files to `ipfs files rm`"): per-path errors are emitted as strings, then
    "can't remove some files"; messages lose the ``parent lookup:`` prefix and a directory is
    refused with "path is a directory, ..." (core/commands/files.go ``removePath`` at v0.13.0).
    Before, only the first path was removed."""
    return version >= KuboVersion(0, 13, 0)


def files_rm_refuses_no_flush(version: KuboVersion) -> bool:
    """``files rm --flush=false`` is refused from 0.38 (docs/changelogs/v0.38.md "fix(mfs):
    unbound cache growth with `flush=false` (#10971)")."""
    return version >= KuboVersion(0, 38, 0)


def files_stat_unixfs_metadata(version: KuboVersion) -> bool:
    """``files stat`` reports UnixFS 1.5 ``Mode`` (``"%04o"`` of the Go ``os.FileMode``),
    ``Mtime`` and ``MtimeNsecs``, counts a symlink as a file, and words a format conflict
    "invalid parameters: ..." from 0.30 (docs/changelogs/v0.30.md "`ipfs files stat /ipfs/CID`
    can be used for inspecting these optional attributes"; files.go ``statProtoNode``)."""
    return version >= KuboVersion(0, 30, 0)


def pin_ls_cleaned_paths(version: KuboVersion) -> bool:
    """``pin ls <path>`` names a path that is not pinned as ``cmdutils.PathOrCidPath`` made it
    (``/ipfs/`` + a bare CID, cleaned by boxo ``path.NewPath``) from 0.24 (kubo a7c651849
    "feat: path consolidation (#10063)", core/commands/pin/pin.go ``pinLsKeys`` at v0.24.0);
    before, the argument as given."""
    return version >= KuboVersion(0, 24, 0)


# --- Content paths (fakeipfs/path.py) -----------------------------------------------------------

def boxo_path_parsing(version: KuboVersion) -> bool:
    """Path arguments are parsed by boxo ``path.NewPath`` through ``cmdutils.PathOrCidPath``
    (cleaned first; reasons "path does not have enough components", ``unknown namespace: %q``)
    from 0.24 (kubo a7c651849 "feat: path consolidation (#10063)", listed in
    docs/changelogs/v0.24.md); before, by go-path ``ParsePath`` (boxo's copy of it in 0.20-0.23),
    whose reasons are "not enough path components", ``unknown namespace %q``, ``invalid CID: %s``."""
    return version >= KuboVersion(0, 24, 0)


def go_path_lowercase_cidv0_hint(version: KuboVersion) -> bool:
    """go-path adds "(possible lowercased CIDv0; ...)" to a ``qm...`` CID's error from 0.8
    (docs/changelogs/v0.8.md "go-path (v0.0.8 -> v0.0.9): fix: improved error message on broken
    CIDv0")."""
    return version >= KuboVersion(0, 8, 0)


def go_path_invalid_ipfs_path(version: KuboVersion) -> bool:
    """go-path words a path with fewer than two slashes "invalid ipfs path" from 0.13; "path does
    not begin with '/'" before (docs/changelogs/v0.13.md "go-path (v0.2.1 -> v0.3.0): chore:
    improve error message for invalid ipfs paths")."""
    return version >= KuboVersion(0, 13, 0)


def go_cid_wraps_invalid_cid(version: KuboVersion) -> bool:
    """go-cid wraps ``Decode`` errors as ``invalid cid: %s`` (``ErrInvalidCid``) from 0.20
    (docs/changelogs/v0.20.md "go-cid (v0.3.2 -> v0.4.1): feat: wrap parsing errors into
    ErrInvalidCid")."""
    return version >= KuboVersion(0, 20, 0)


def path_uris(version: KuboVersion) -> bool:
    """``ipfs://<cid>``, ``ipns://<name>`` (and ``ipfs:<cid>``) are taken as paths from 0.43
    (docs/changelogs/v0.43.md "Native ipfs:// and ipns:// URIs work as input", boxo
    path/uri.go ``NewPathFromURI``)."""
    return version >= KuboVersion(0, 43, 0)


# --- config (fakeipfs/config.py, fakeipfs/rpc/config.py) ----------------------------------------

def config_show_json(version: KuboVersion) -> bool:
    """``config show`` answers a JSON object from 0.4.18 (docs/changelogs/v0.4.md 0.4.18 "return
    a json object from config show", go-ipfs#5345); before, ``config.HumanOutput`` (indented
    JSON) streamed as text."""
    return version >= KuboVersion(0, 4, 18)


# --- the HTTP handler (fakeipfs/rpc/*.py) --------------------------------------------------------

def go_ipfs_cmds_http(version: KuboVersion) -> bool:
    """The RPC API is served by go-ipfs-cmds' HTTP response emitter from 0.4.14 (docs/changelogs/
    v0.4.md v0.4.14 "refactoring and extracting of our commands library"), which announces
    ``X-Chunked-Output: 1`` for a command that emits nothing (http/responseemitter.go
    ``preamble(nil)``). Before, go-ipfs' own commands/http/handler.go ``sendResponse`` set it
    only for a channel output: a command with no output answered an empty ``application/json``
    body without it."""
    return version >= KuboVersion(0, 4, 14)


# --- ``version``: the Go release each kubo release was built with (fakeipfs/rpc/info.py) -------

#: (kubo release, ``runtime.Version()`` of its official dist.ipfs.tech build), oldest first.
#: From 0.9 the ``golang`` line of ipfs/distributions ``.tool-versions`` in the commit that added
#: the release to ``dists/go-ipfs/versions`` or ``dists/kubo/versions`` (that file pins the build
#: image's Go). Before, the dists were built on a maintainer's machine; the Go version is the one
#: ipfs/go-ds-s3's CI pinned to load its plugin into that release's dist binary (a plugin must
#: match the binary's Go exactly): 0.4.22 and 0.4.23 go1.12.7 (also the 0.4.22 ``build-info``
#: quoted in go-ds-s3#231), 0.5.x go1.13.10, 0.6.0 and 0.7.0 go1.14.4, 0.8.0 go1.15.8 ("use the
#: correct go version", 6fcb2b4). 0.4.13-0.4.21 have no such record: their entries are estimates,
#: the newest patch of the Go minor in kubo's Dockerfile at the tag on the release day (marked).
#: A Go x.y.0 before 1.21 reports itself as ``go1.x`` without the ``.0``.
GO_BUILDS: tuple[tuple[KuboVersion, str], ...] = tuple((KuboVersion.parse(k), go) for k, go in (
    ("0.4.13", "go1.9.2"), ("0.4.14", "go1.9.4"), ("0.4.15", "go1.9.6"),  # estimated
    ("0.4.16", "go1.10.3"), ("0.4.18", "go1.11.1"), ("0.4.19", "go1.11.5"),  # estimated
    ("0.4.20", "go1.12.4"), ("0.4.21", "go1.12.5"),  # estimated
    ("0.4.22", "go1.12.7"), ("0.5.0", "go1.13.10"), ("0.6.0", "go1.14.4"), ("0.8.0", "go1.15.8"),
    ("0.9.0", "go1.16.5"), ("0.9.1", "go1.16.6"), ("0.10.0", "go1.16.8"), ("0.11.0", "go1.16.12"),
    ("0.11.1", "go1.16.15"), ("0.12.0", "go1.16.12"), ("0.12.2", "go1.16.15"), ("0.13.0", "go1.18.3"),
    ("0.15.0", "go1.18.5"), ("0.16.0", "go1.19.1"), ("0.19.1", "go1.19.8"), ("0.21.0", "go1.19.10"),
    ("0.21.1", "go1.19.12"), ("0.23.0", "go1.21.1"), ("0.24.0", "go1.21.3"), ("0.25.0", "go1.21.5"),
    ("0.26.0", "go1.21.6"), ("0.27.0", "go1.21.7"), ("0.28.0", "go1.22.2"), ("0.29.0", "go1.22.4"),
    ("0.30.0", "go1.22.7"), ("0.31.0", "go1.23.2"), ("0.32.0", "go1.23.3"), ("0.33.0", "go1.23.5"),
    ("0.33.1", "go1.23.6"), ("0.34.0", "go1.24.1"), ("0.35.0", "go1.24.3"), ("0.36.0", "go1.24.5"),
    ("0.37.0", "go1.25.0"), ("0.38.0", "go1.25.1"), ("0.38.1", "go1.25.2"), ("0.38.2", "go1.25.3"),
    ("0.39.0", "go1.25.4"), ("0.40.0", "go1.26.0"), ("0.40.1", "go1.25.7"), ("0.41.0", "go1.26.2"),
    ("0.42.0", "go1.26.4"),
))


def go_version(version: KuboVersion) -> str:
    """``version``'s ``Golang`` (``runtime.Version()``): the :data:`GO_BUILDS` entry of the
    newest release not after ``version`` (a release between entries was built like the one
    before it); the oldest entry before 0.4.13."""
    found = GO_BUILDS[0][1]
    for since, go in GO_BUILDS:
        if version < since:
            break
        found = go
    return found


# --- conformance suite (conformance/) ---------------------------------------------------------

def add_hash_error_quoted(version: KuboVersion) -> bool:
    """``add --hash=<unknown>`` says ``unrecognized hash function: "x"`` (``%q``) from 0.16;
    before, ``unrecognized hash function: x`` (``%s``): core/commands/add.go, changed by
    kubo 9e5d0aaae "feat(cmds/add): --to-files option" (#8927, first in v0.16.0)."""
    return version >= KuboVersion(0, 16, 0)


# --- gateway (fakeipfs/gateway.py) ------------------------------------------------------------

def gateway_retrieval_timeout(version: KuboVersion) -> bool:
    """The gateway gives up on content it cannot retrieve within ``Gateway.RetrievalTimeout``
    (default 30s: boxo ``gateway.DefaultRetrievalTimeout``): 504 before the headers, a
    truncated body after them; from 0.37 (docs/changelogs/v0.37.md "Gateway concurrent request
    limits and retrieval timeouts", kubo #10905 with boxo v0.34.0
    gateway/middleware_retrieval_timeout.go). Before, a request waits for its content until its
    client goes away (Go's request context)."""
    return version >= KuboVersion(0, 37, 0)
