"""kubo's error texts, in one place.

Every message here is worded exactly as kubo (or the boxo/go-* library it calls) words it; the
source file is named beside each. The RPC layer maps these exceptions to kubo's HTTP shapes
(``{"Message","Code","Type"}``); the CLI prints ``Error: <message>`` as ``ipfs`` does.
"""
from __future__ import annotations


class IPFSError(Exception):
    """Base of every error fakeipfs raises with a kubo-worded message."""

    #: go-ipfs-cmds error code: 0 normal (HTTP 500), 1 client (HTTP 400, only where kubo
    #: returns ``cmds.ClientError``).
    code: int = 0

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidArgument(IPFSError):
    """Bad flag or argument value, rejected before any state changes. kubo reports these as
    ordinary command errors (``ErrNormal``, HTTP 500), so the code stays 0."""


class NotFound(IPFSError):
    """A block or path that the node does not have (offline)."""


class DecodeError(IPFSError):
    """Malformed dag-pb, UnixFS, CBOR, JSON or CAR bytes."""


class PinError(IPFSError):
    """Pin state errors (go-ipfs-pinner / kubo core/commands/pin)."""


# boxo chunker/parse.go
ERR_CHUNKER_SIZE = "chunker size must be greater than 0"
ERR_RABIN_MIN = "rabin min must be greater than 16"
ERR_CHUNKER_FORMAT_SIZE = "incorrect chunker string format (expected size-{size})"
ERR_CHUNKER_FORMAT_RABIN = "incorrect format (expected 'rabin' 'rabin-[avg]' or 'rabin-[min]-[avg]-[max]'"
ERR_RABIN_MIN_AVG = "incorrect format: rabin-min must be smaller than rabin-avg"
ERR_RABIN_AVG_MAX = "incorrect format: rabin-avg must be smaller than rabin-max"
ERR_RABIN_LABEL_MIN = "first label must be min"
ERR_RABIN_LABEL_AVG = "second label must be avg"
ERR_RABIN_LABEL_MAX = "final label must be max"


def err_chunker_size_max(limit: int) -> str:
    """boxo chunker/parse.go ``ErrSizeMax``."""
    return f"chunker parameters may not exceed the maximum chunk size of {limit}"


def err_unrecognized_chunker(spec: str) -> str:
    """boxo chunker/parse.go ``FromString``."""
    return f"unrecognized chunker option: {spec}"


def err_atoi(text: str) -> str:
    """Go's ``strconv.Atoi`` error, as parse.go returns it unwrapped."""
    return f'strconv.Atoi: parsing "{text}": invalid syntax'


# kubo core/coreiface/options/unixfs.go, core/commands/add.go
ERR_CIDV0_SHA256 = "CIDv0 only supports sha2-256"
ERR_NOCOPY_RAW_LEAVES = "nocopy option requires '--raw-leaves' to be enabled as well"
ERR_RAW_LEAVES_METADATA = "raw-leaves can't be used with UnixFS metadata like mode or modification time"


def err_unknown_cid_version(version: int) -> str:
    return f"unknown CID version: {version}"


def err_unrecognized_hash(name: str, quoted: bool = False) -> str:
    """A ``--hash`` name go-multihash's ``Names`` table lacks: ``unrecognized hash function: %s``
    in files.go ``getPrefix`` and in add.go before 0.16; add.go quotes it (``%q``) from 0.16
    (:func:`~fakeipfs.versions.add_hash_error_quoted`)."""
    return f"unrecognized hash function: {_go_quote(name) if quoted else name}"


def err_inline_limit(limit: int, maximum: int) -> str:
    return f"inline-limit {limit} exceeds maximum allowed size of {maximum} bytes"


ERR_MTIME_NSECS = 'option "mtime-nsecs" requires "mtime" to be provided as well'

# boxo ipld/unixfs/importer/helpers/helpers.go
ERR_SIZE_LIMIT = "object size limit exceeded"

# kubo core/coreiface/errors.go and boxo ipld/unixfs
ERR_IS_DIR = "this dag node is a directory"
ERR_NOT_FILE = "this dag node is not a regular file"  # boxo files; used by cat of a symlink
ERR_NOT_UNIXFS = "not unixfs node (proto or raw)"  # boxo ipld/unixfs/file/unixfile.go
ERR_NEGATIVE_OFFSET = "cannot specify negative offset"  # kubo core/commands/cat.go
ERR_NEGATIVE_LENGTH = "cannot specify negative length"  # kubo core/commands/cat.go


def err_not_found_offline(cid: str) -> str:
    """boxo blockservice offline fetch: ``ipld.ErrNotFound{Cid}`` wrapped by the offline exchange.

    kubo prints ``block was not found locally (offline): ipld: could not find <cid>``.
    """
    return f"block was not found locally (offline): ipld: could not find {cid}"


def err_invalid_path(path: str, reason: str) -> str:
    """boxo path/error.go ``ErrInvalidPath``: ``invalid path "<p>": <reason>``."""
    return f'invalid path "{path}": {reason}'


def err_no_link(name: str, cid: str) -> str:
    """boxo path/resolver: ``no link named "x" under <cid>``."""
    return f'no link named "{name}" under {cid}'


# go-ipfs-pinner and kubo core/commands/pin/pin.go
ERR_NOT_PINNED = "not pinned or pinned indirectly"


def err_pinned_recursively(cid: str) -> str:
    return f"{cid} is pinned recursively"


def err_path_not_pinned(path: str) -> str:
    return f"path '{path}' is not pinned"


def err_invalid_pin_type(kind: str) -> str:
    return f"invalid type '{kind}', must be one of {{direct, indirect, recursive, all}}"


# codecs
#
# Decoding errors of fakeipfs.codecs (dag-cbor, dag-json, CAR), worded as the Go libraries kubo links
# word them. Go wraps some of them more than once (go-cid ``Cast`` wraps ``CidFromBytes``' own
# ``invalid cid: ...``), and these helpers keep that. Messages marked "fakeipfs" have no Go
# counterpart: Go accepts that input, but it cannot be represented in fakeipfs' value model.


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote_body(text: str, *, ascii_only: bool = False, raw_bytes: bool = False) -> str:
    """The inside of Go's ``strconv.Quote`` (``%q``): printable runes kept, the rest escaped.

    ``ascii_only`` is ``%+q`` (``strconv.QuoteToASCII``: every non-ASCII rune escaped);
    ``raw_bytes`` prints bytes smuggled in as ``surrogateescape`` surrogates as ``\\xNN``, as Go
    prints the invalid UTF-8 bytes of a string."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif (0x20 <= code < 0x7F) if ascii_only else (ch == " " or ch.isprintable()):
            out.append(ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif raw_bytes and 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def _go_quote(text: str) -> str:
    """Go's ``strconv.Quote`` (``%q``)."""
    return '"' + go_quote_body(text) + '"'


# Go's io package, as the decoders return it unwrapped
ERR_EOF = "EOF"  # io.EOF
ERR_UNEXPECTED_EOF = "unexpected EOF"  # io.ErrUnexpectedEOF

# go-ipld-prime codec/dagcbor/unmarshal.go
ERR_INVALID_MULTIBASE = "invalid multibase on IPLD link"
ERR_ALLOCATION_BUDGET = "message structure demanded too many resources to process"
ERR_DECODE_DEPTH = "message structure exceeded maximum nesting depth"  # also codec/dagjson
ERR_CBOR_TRAILING = "unexpected content after end of cbor object"


def err_unexpected_map_key(token: str) -> str:
    """go-ipld-prime dagcbor/dagjson unmarshal: a map key that is not a string.

    ``token`` is refmt's ``tok.TokenType.String()``: ``uint``, ``int``, ``bytes``, ``bool``,
    ``float``, ``null``, ``map open``, ``array open``.
    """
    return f"unexpected {token} token while expecting map key"


def err_duplicate_map_key(key: str) -> str:
    """go-ipld-prime codec/dagcbor/unmarshal.go (strict decode, v0.24+): ``duplicate map key %q``."""
    return f"duplicate map key {_go_quote(key)}"


def err_unhandled_cbor_tag(tag: int) -> str:
    """go-ipld-prime codec/dagcbor/unmarshal.go: ``unhandled cbor tag %d``."""
    return f"unhandled cbor tag {tag}"


# polydawn/refmt cbor (v0.90: cbor/errors.go, cborDecoder.go, cborDecoderTerminals.go)
ERR_CBOR_INDEFINITE = "cbor: indefinite-length encoding rejected"
ERR_CBOR_NON_MINIMAL = "cbor: integer not minimally encoded"
ERR_CBOR_NAN = "cbor: NaN float value rejected"
ERR_CBOR_INFINITY = "cbor: infinite float value rejected"
ERR_CBOR_NEGINT_RANGE = "cbor: negative integer out of rage of int64 type"  # sic, refmt's typo
ERR_CBOR_LENGTH_RANGE = "cbor: positive integer is out of length"
ERR_CBOR_MULTIPLE_TAGS = "unsupported multiple tags on a single data item"


def err_cbor_invalid_major_byte(byte: int) -> str:
    """refmt cbor/cborDecoder.go: a reserved or unassigned initial byte (``0x%x``)."""
    return f"Invalid majorByte: 0x{byte:x}"


def err_cbor_invalid_descriptor(byte: int) -> str:
    """refmt cbor/cborDecoderTerminals.go ``decodeUint``: additional info 28..31 (``%v``)."""
    return f"decodeUint: Invalid descriptor: {byte}"


def err_cbor_oversized(kind: str, length: int) -> str:
    """refmt cbor/cborDecoderTerminals.go: ``kind`` is ``byte`` or ``string``; limit 32MiB."""
    return f"cbor: decoding rejected oversized {kind} field: {length} is too large"


# fakeipfs: input Go accepts but the value model cannot hold
ERR_CBOR_INVALID_UTF8 = "fakeipfs: dag-cbor text string is not valid UTF-8"
ERR_CBOR_LINK_NOT_BYTES = "fakeipfs: cbor tag 42 must wrap a byte string"
ERR_JSON_INVALID_LITERAL = "fakeipfs: invalid json literal (expected true, false or null)"


def err_unsupported_cid(detail: str) -> str:
    """A CID go-cid accepts but py-multiformats cannot represent (unregistered codec or hash)."""
    return f"fakeipfs: unsupported cid: {detail}"


# multiformats/go-varint varint.go
ERR_VARINT_OVERFLOW = "varints larger than uint63 not supported"
ERR_VARINT_UNDERFLOW = "varints malformed, could not reach the end"
ERR_VARINT_NOT_MINIMAL = "varint not minimally encoded"

# multiformats/go-multihash multihash.go, core/magic.go, sum.go
ERR_MH_TOO_SHORT = "multihash too short. must be >= 2 bytes"
ERR_MH_DIGEST_TOO_LONG = "digest too long, supporting only <= 2^31-1"
ERR_MH_LENGTH_BEYOND_BUFFER = "length greater than remaining number of bytes in buffer"
ERR_MH_LEN_TOO_LARGE = "requested length was too large for digest"
ERR_INVALID_MULTIHASH = "input isn't valid multihash"


def err_mh_unknown_code(code: int) -> str:
    """go-multihash core/registry.go ``GetVariableHasher``."""
    return f"unknown multihash code {code} (0x{code:x}): no such hash registered"


def err_mh_inconsistent_length(digest_length: int, found: int) -> str:
    """go-multihash ``ErrInconsistentLen`` (``Cast`` of a buffer longer or shorter than its multihash)."""
    return f"multihash length inconsistent: expected {digest_length}; got {found}"


def err_mh_identity_length(length: int, data_length: int) -> str:
    """go-multihash sum.go: an identity multihash whose length is not the data's."""
    return f"the length of the identity hash ({length}) must be equal to the length of the data ({data_length})"


# ipfs/go-cid cid.go
ERR_CID_TOO_SHORT = "cid too short"
ERR_CID_V0_TOO_SHORT = "not enough bytes for cid v0"
ERR_CID_TRAILING = "trailing bytes in data buffer passed to cid Cast"
ERR_MULTIBASE_UNSUPPORTED = "selected encoding not supported"  # go-multibase ErrUnsupportedEncoding


def err_invalid_cid(reason: str) -> str:
    """go-cid ``ErrInvalidCid``: ``invalid cid: <reason>``."""
    return f"invalid cid: {reason}"


def err_cid_version(version: int) -> str:
    """go-cid ``CidFromBytes``: the version varint is not 1 (and the bytes are no CIDv0)."""
    return f"expected 1 as the cid version number, got: {version}"


def err_cidv0_hash(code: int, length: int) -> str:
    """go-cid ``tryNewCidV0``: a ``Qm...`` string whose multihash is not sha2-256/32."""
    return f"invalid hash for cidv0 {code}-{length}"


# go-ipld-prime codec/dagjson, datamodel/errors.go, node/basicnode/int.go
ERR_JSON_TRAILING = "unexpected content after end of json object"
ERR_UINT_OUT_OF_INT64 = "unsigned integer out of range of int64 type"


def err_repeated_map_key(key: str) -> str:
    """go-ipld-prime datamodel ``ErrRepeatedMapKey``: ``cannot repeat map key %q``."""
    return f"cannot repeat map key {_go_quote(key)}"


def err_json_unsupported_value(text: str) -> str:
    """refmt json/jsonEncoderTerminals.go ``emitFloat``: NaN and infinities (``FormatFloat 'g'``)."""
    return f"unsupported value: {text}"


# polydawn/refmt json/jsonDecoder.go, jsonDecoderTerminals.go (bytes shown as ``0x%x`` or a name)
def err_json_unprintable(byte: int) -> str:
    return f"invalid unprintable byte in string literal: 0x{byte:x}"


def err_json_escape(byte: int) -> str:
    return f"invalid byte in string escape sequence: 0x{byte:x}"


def err_json_escape_u(byte: int) -> str:
    return f"invalid byte in \\u hexadecimal character escape: 0x{byte:x}"


def err_json_after_array_value(got: str) -> str:
    return f"expected comma or array close after array value; got {got}"


def err_json_after_map_value(got: str) -> str:
    return f"expected comma or map close after map value; got {got}"


def err_json_expected_colon(got: str) -> str:
    return f"expected colon after map key; got {got}"


def err_json_start_of(what: str, got: str) -> str:
    """``what`` is ``value`` or ``key``."""
    return f"invalid char while expecting start of {what}: {got}"


def err_parse_int_range(text: str) -> str:
    """Go ``strconv.ParseInt`` range error, as refmt returns it for an integer beyond int64."""
    return f'strconv.ParseInt: parsing "{text}": value out of range'


def err_parse_float(text: str, reason: str) -> str:
    """Go ``strconv.ParseFloat`` error; ``reason`` is ``value out of range`` or ``invalid syntax``."""
    return f'strconv.ParseFloat: parsing "{text}": {reason}'


def err_base64(offset: int) -> str:
    """Go ``encoding/base64.CorruptInputError``."""
    return f"illegal base64 data at input byte {offset}"


# ipld/go-car v2 internal/carv1/car.go, internal/carv1/util/util.go, block_reader.go
ERR_CAR_HEADER_TOO_LARGE = "invalid header data, length of read beyond allowable maximum"
ERR_CAR_SECTION_TOO_LARGE = "invalid section data, length of read beyond allowable maximum"
ERR_CARV2_UNSUPPORTED = "fakeipfs: CARv2 is not supported (CARv1 only)"


def err_car_invalid_header(reason: str) -> str:
    return f"invalid header: {reason}"


def err_car_version(version: int) -> str:
    return f"invalid car version: {version}"


def err_car_mismatch(expected: str, got: str) -> str:
    """go-car v2 block_reader.go ``Next``: the block's bytes do not hash to its CID."""
    return f"mismatch in content integrity, expected: {expected}, got: {got}"


# fakeipfs' own wording for kubo commands it does not emulate
def err_not_implemented(command: str) -> str:
    return f"{command}: not implemented in fakeipfs"


# go-ipfs-cmds cli/parse.go (notRecursiveFmtStr)
def err_not_recursive(path: str) -> str:
    return f"'{path}' is a directory, use the '-r' flag to specify directories"


# kubo core/commands/block.go (v0.7.0 and later)
def err_unrecognized_multihash_function(name: str) -> str:
    return f"unrecognized multihash function: {name}"


ERR_FORMAT_AND_CID_CODEC = 'unable to use "format" (deprecated) and a custom "cid-codec" at the same time'  # v0.13+


def err_unknown_multicodec(name: str) -> str:
    """go-multicodec ``Code.Set``: ``unknown multicodec: %q``."""
    return f"unknown multicodec: {_go_quote(name)}"


def err_unsupported_multibase(name: str) -> str:
    """go-multibase ``EncoderByName``."""
    return f"unsupported multibase encoding: {name}"


# kubo blocks/blockstoreutil/remove.go: a missing block is go-ipfs-blockstore ``ErrNotFound`` up to
# v0.12, go-ipld-format ``ErrNotFound{Cid}`` from v0.13
ERR_BLOCKSTORE_NOT_FOUND = "blockstore: block not found"


def err_ipld_not_found(cid: str) -> str:
    return f"ipld: could not find {cid}"


def err_pinned(mode: str) -> str:
    """boxo pinning/pinner/pin.go ``Pinned.String()`` of a recursive or direct pin."""
    return f"pinned: {mode}"


def err_pinned_via(root: str) -> str:
    """boxo pinning/pinner/pin.go ``Pinned.String()`` of an indirect pin."""
    return f"pinned via {root}"


# kubo gc/gc.go ErrCannotFetchAllLinks
ERR_GC_CANNOT_FETCH_ALL_LINKS = "garbage collection aborted: could not retrieve some links"


# pubsub: kubo core/coreapi/pubsub.go ``checkNode`` (core/commands/pubsub.go before 0.4.18),
# the 0.17 wording after kubo #9334 (stylecheck); core/commands/pubsub.go ``urlArgsDecoder`` (0.11+)
ERR_PUBSUB_NOT_ENABLED = ("experimental pubsub feature not enabled. "
                          "Run daemon with --enable-pubsub-experiment to use.")
ERR_PUBSUB_NOT_ENABLED_V0_17 = ("experimental pubsub feature not enabled, "
                                "run daemon with --enable-pubsub-experiment to use")
ERR_URL_ARG_BASE64URL = "URL arg must be base64url encoded"
ERR_MULTIBASE_EMPTY = "cannot decode multibase for zero length string"  # go-multibase Decode
ERR_HEX_ODD_LENGTH = "encoding/hex: odd length hex string"  # Go encoding/hex ErrLength


def err_url_arg_multibase(reason: str) -> str:
    """kubo ``urlArgsDecoder``: a topic that go-multibase cannot decode."""
    return f"URL arg must be multibase encoded: {reason}"


def err_hex_invalid_byte(byte: int) -> str:
    """Go ``encoding/hex.InvalidByteError`` (``%#U``: ``U+006F 'o'``, the quote only if printable)."""
    char = chr(byte)
    return f"encoding/hex: invalid byte: U+{byte:04X}" + (f" '{char}'" if char.isprintable() else "")


# --- RPC command groups: block, dag, object, pin, repo, refs (fakeipfs/rpc/*.py) --------------

# kubo core/commands/cmdenv/file.go GetFileArg; go-multibase EncoderByName
ERR_NO_FILE_ARG = "expected a file argument"
ERR_FILE_ARG_NIL = "file argument was nil"
ERR_EMPTY_MULTIBASE = "empty multibase encoding"

# kubo core/commands/block.go, dag/dag.go (each words files.FileFromEntry's nil its own way)
ERR_BLOCK_PUT_NOT_FILE = "expected a file"
ERR_DAG_PUT_NOT_FILE = "expected a regular file"
ERR_DAG_IMPORT_NOT_FILE = "expected a file handle"


def err_big_block(limit_mib: int) -> str:
    """kubo core/commands/cmdutils/utils.go ``CheckBlockSize`` (v0.13+)."""
    return (f"produced block is over {limit_mib}MiB: big blocks can't be exchanged with other "
            "peers. consider using UnixFS for automatic chunking of bigger files, or pass "
            "--allow-big-block to override")


def err_not_a_multihash_name(name: str) -> str:
    """kubo v0.7.0 core/commands/dag/dag.go ``dag put --hash`` (sic)."""
    return f"{name} in not a valid multihash name"


def err_unpinned_roots(failed: int, total: int) -> str:
    """kubo core/commands/dag/import.go."""
    return f"unable to pin all roots: {failed} out of {total} failed"


def err_export_root(reason: str) -> str:
    """kubo core/commands/dag/export.go (up to v0.23: bare CIDs only)."""
    return f"unable to parse root specification (currently only bare CIDs are supported): {reason}"


ERR_DAG_STAT_REMAINDER = "cannot return size for anything other than a DAG with a root CID"


def err_dag_traversal(reason: str) -> str:
    """kubo core/commands/dag/dag.go (stat.go from v0.21) ``fmt.Errorf("error traversing DAG: %w")``."""
    return f"error traversing DAG: {reason}"


# kubo core/commands/object/object.go (v0.28+: RemovedObjectCmd)
ERR_OBJECT_REMOVED = "removed, use 'ipfs dag' or 'ipfs files' instead"

# kubo core/commands/pin.go (pin/pin.go from v0.8)
ERR_PIN_VERIFY_VERBOSE_QUIET = "the --verbose and --quiet options can not be used at the same time"

# kubo core/commands/repo.go; go-ipfs-blockstore ErrHashMismatch
ERR_GC_STREAM_ERRORS = "encountered errors during gc run"
ERR_REPO_VERIFY_CORRUPT = "verify complete, some blocks were corrupt"
MSG_REPO_VERIFY_OK = "verify complete, all blocks validated."
ERR_HASH_MISMATCH = "block in storage has different hash than requested"


def msg_block_corrupt(cid: str, reason: str) -> str:
    """kubo core/commands/repo.go ``verifyWorkerRun``."""
    return f"block {cid} was corrupt ({reason})"


# kubo core/commands/refs.go
ERR_REFS_EDGES_FORMAT = "using format argument with edges is not allowed"


# MFS: ``ipfs files`` (kubo core/commands/files.go at v0.7.0, go-mfs v0.1.2, go-unixfs v0.2.4
# mod/dagmodifier.go, go-merkledag v0.3.2)
ERR_NOT_EXIST = "file does not exist"  # Go os.ErrNotExist, as go-mfs returns it
ERR_EXIST = "file already exists"  # Go os.ErrExist
ERR_DIR_EXISTS = "directory already has entry by that name"  # go-mfs dir.go ErrDirExists
ERR_MKDIR_ROOT = "cannot create directory '/': Already exists"  # go-mfs ops.go Mkdir
ERR_EMPTY_NAME = "cannot create file with empty name"  # go-mfs ops.go PutNode
ERR_EMPTY_PATH = "paths must not be empty"  # files.go checkPath
ERR_LEADING_SLASH = "paths must start with a leading slash"  # files.go checkPath
ERR_DELETE_ROOT = "cannot delete root"  # files.go rm
ERR_RM_PATH_IS_DIRECTORY = "path is a directory, use -r to remove directories"  # removePath, 0.13+
ERR_RM_SOME = "can't remove some files"  # files.go rm, 0.13+
ERR_RM_NO_FLUSH = ("files rm always flushes for safety. The --flush flag cannot be set to false "
                   "for this command")  # 0.38+
ERR_EXPECTED_DIRECTORY = "expected *mfs.Directory, didn't get it. This is likely a race condition"
ERR_CHCID_NOT_DIR = "can only update directories"  # files.go updatePath
ERR_STAT_FORMAT = "format was set by multiple options. Only one format option is allowed"
ERR_NEGATIVE_COUNT = "cannot specify negative 'count'"  # files.go read
ERR_NEGATIVE_WRITE_OFFSET = "cannot have negative write offset"  # files.go write
ERR_NEGATIVE_BYTE_COUNT = "cannot have negative byte count"  # files.go write
ERR_SYMLINKS = "symlinks not yet supported"  # go-mfs file.go Open
ERR_NOT_YET_IMPLEMENTED = "not yet implemented"  # go-mfs dir.go (a UnixFS Metadata child)
ERR_INVALID_CHILD = "invalid child node"  # go-mfs dir.go
ERR_CACHE_NODE_TYPE = "unrecognized node type in cache node"  # go-mfs dir.go cacheNode
ERR_NOT_PROTOBUF = "expected protobuf dag node"  # go-merkledag ErrNotProtobuf
ERR_DAGMODIFIER_NOT_UNIXFS = "dagmodifier only supports unixfs nodes (proto or raw)"  # ErrNotUnixfs
ERR_PROTO_TYPE_NOT_SET = 'proto: required field "Type" not set'  # gogo/protobuf, a non-UnixFS dag-pb


def err_mfs_not_a_file(path: str) -> str:
    """files.go read/write: ``%s was not a file``."""
    return f"{path} was not a file"


def err_mfs_not_a_directory(path: str) -> str:
    """go-mfs ops.go ``lookupDir``: ``%s is not a directory``."""
    return f"{path} is not a directory"


def err_mfs_mkdir_not_directory(path: str) -> str:
    """go-mfs ops.go ``Mkdir``: ``%s was not a directory`` (the path *before* the offender)."""
    return f"{path} was not a directory"


def err_mfs_cannot_access(path: str) -> str:
    """go-mfs ops.go ``DirLookup``: ``cannot access %s: Not a directory``."""
    return f"cannot access {path}: Not a directory"


def err_mfs_is_directory(path: str) -> str:
    """files.go rm: ``%s is a directory, use -r to remove directories``."""
    return f"{path} is a directory, use -r to remove directories"


def err_mfs_offset_past_end(offset: int, size: int) -> str:
    """files.go read: ``offset was past end of file (%d > %d)``."""
    return f"offset was past end of file ({offset} > {size})"


def err_mfs_stat_type(type_name: str) -> str:
    """files.go ``statNode``: ``unrecognized node type: %s`` (the UnixFS type's enum name)."""
    return f"unrecognized node type: {type_name}"


# --- identity, keys, IPNS names, config and the small commands --------------------------------
# kubo core/commands/{id,keystore,config,bootstrap,swarm,ping,shutdown}.go, core/commands/name/,
# core/coreapi/{key,name}.go, keystore/keystore.go, namesys/, repo/common/common.go; go-libp2p
# core/crypto, core/peer; go-libp2p-kbucket; go-libp2p-swarm.

# go-libp2p core/crypto (key.go, rsa_common.go, ed25519.go)
ERR_BAD_KEY_TYPE = "invalid or unsupported key type"


def err_rsa_key_too_small(bits: int) -> str:
    """core/crypto rsa_common.go ``ErrRsaKeyTooSmall``."""
    return f"rsa keys must be >= {bits} bits to be useful"


def err_ed25519_private_key_size(size: int) -> str:
    """core/crypto ed25519.go ``UnmarshalEd25519PrivateKey``."""
    return f"expected ed25519 data size to be 64 or 96, got {size}"


def err_unrecognized_key_type(name: str) -> str:
    """core/coreapi/key.go ``Generate``."""
    return f"unrecognized key type: {name}"


# core/commands/id.go
ERR_INVALID_PEER_ID = "invalid peer id"
#: ``offlineIdErrorMessage`` up to 0.12 (also the answer of a daemon that finds no route to the peer)
ERR_ID_OFFLINE = """'ipfs id' currently cannot query information on remote
peers without a running daemon; we are working to fix this.
In the meantime, if you want to query remote peers using 'ipfs id',
please run the daemon:

    ipfs daemon &
    ipfs id QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ
"""
#: ``offlineIdErrorMessage`` from 0.13
ERR_ID_OFFLINE_V0_13 = ("'ipfs id' cannot query information on remote peers without a running daemon; "
                        "if you only want to convert --peerid-base, pass --offline option.")

# core/commands/keystore.go, core/coreapi/key.go, keystore/keystore.go
ERR_KEY_TYPE_REQUIRED = "please specify a key type with --type"
ERR_KEY_CREATE_SELF = "cannot create key with name 'self'"
ERR_KEY_RENAME_SELF = "cannot rename key with name 'self'"
ERR_KEY_OVERWRITE_SELF = "cannot overwrite key with name 'self'"
ERR_KEY_REMOVE_SELF = "cannot remove key with name 'self'"
ERR_KEY_IMPORT_SELF = "cannot import key with name 'self'"
ERR_KEY_EXPORT_SELF = "cannot export key with name 'self'"
ERR_KEY_NAME_EMPTY = "key name must be at least one character"  # keystore.go encode
ERR_KEYSTORE_KEY_EXISTS = "key by that name already exists, refusing to overwrite"  # ErrKeyExists
ERR_NO_SUCH_KEY = "no key by the given name was found"  # keystore.go ErrNoSuchKey
ERR_NO_KEY_BY_NAME_OR_PEER_ID = "no key by the given name or PeerID was found"  # coreapi/name.go keylookup


def err_key_with_name_exists(name: str) -> str:
    return f"key with name '{name}' already exists"


def err_no_key_named(name: str) -> str:
    return f"no key named {name} was found"


def err_key_doesnt_exist(name: str) -> str:
    return f"key with name '{name}' doesn't exist"


def err_unrecognized_import_format(name: str) -> str:
    return f"unrecognized import format: {name}"


def err_key_unmarshal(reason: str) -> str:
    """keystore.go import (0.13+): ``unable to unmarshall format=libp2p-protobuf-cleartext: %w``."""
    return f"unable to unmarshall format=libp2p-protobuf-cleartext: {reason}"


# core/commands/name/publish.go, ipns.go; namesys/interface.go, namesys.go
ERR_RESOLVE_FAILED = "could not resolve name"
ERR_RESOLVE_RECURSION = "could not resolve name (recursion limit exceeded)"
ERR_NOT_PROQUINT = "not a valid proquint string"  # namesys/proquint.go
ERR_DHT_TIMEOUT_NEGATIVE = "DHT timeout value must be >= 0"


def err_lifetime_option(reason: str) -> str:
    return f"error parsing lifetime option: {reason}"


def err_ipns_cid_codec(fixed_cid: str) -> str:
    """namesys.go: a CIDv1 whose codec is not ``libp2p-key``."""
    return f"peer ID represented as CIDv1 require libp2p-key multicodec: retry with /ipns/{fixed_cid}"


# core/commands/config.go, repo/common/common.go
ERR_CONFIG_PRIVATE_KEY = "cannot show or change private key through API"
ERR_CONFIG_DECODE = "failed to decode file as config"
ERR_CONFIG_REPLACE_PRIVATE_KEY = "setting private key with API is not supported"
ERR_CONFIG_GET_PRIVATE_KEY = "failed to get PrivKey"
ERR_CONFIG_PRIVATE_KEY_NOT_STRING = "private key in config was not a string"


def err_config_get(reason: str) -> str:
    """config.go ``getConfig``: ``failed to get config value: %q``."""
    return f"failed to get config value: {_go_quote(reason)}"


def err_config_set(reason: str) -> str:
    """config.go ``setConfig``."""
    return f"failed to set config value: {reason} (maybe use --json?)"


def err_config_json(reason: str) -> str:
    """config.go with ``--json``: ``failed to unmarshal json. %s``."""
    return f"failed to unmarshal json. {reason}"


def err_config_key_not_a_map(sofar: str) -> str:
    return f"{sofar} key is not a map"


def err_config_key_no_attributes(sofar: str) -> str:
    """``MapGetKV`` up to 0.12 (the path *before* the missing key, so "`` key has no
    attributes``" for a missing top-level key)."""
    return f"{sofar} key has no attributes"


def err_config_key_not_found(path: str) -> str:
    """``MapGetKV`` from 0.13."""
    return f"{path} not found"


# core/commands/bootstrap.go
ERR_BOOTSTRAP_NO_PEERS = "no bootstrap peers to add"
ERR_BOOTSTRAP_RM_AUTO = ("cannot remove individual bootstrap peers when using 'auto' placeholder: the 'auto' "
                         "value is managed by AutoConf. Either disable AutoConf by setting AutoConf.Enabled=false "
                         "and replace 'auto' with specific peer addresses, or use 'ipfs bootstrap rm --all' to "
                         "remove all peers")


def err_invalid_bootstrap_address(addr: str) -> str:
    return f"invalid bootstrap address: {addr}"


def err_bootstrap_without_transport(addr: str) -> str:
    return f"bootstrap address without a transport: {addr}"


# core/commands/ping.go, swarm.go, root.go, shutdown.go; go-libp2p, kbucket, swarm
ERR_PING_SELF = "error: can't ping self"
ERR_NOT_ONLINE = "this command must be run in online mode. Try running 'ipfs daemon' first"
ERR_DAEMON_NOT_RUNNING = "daemon not running"
ERR_LOOKUP_FAILURE = "failed to find any peer in table"  # go-libp2p-kbucket ErrLookupFailure
ERR_INVALID_P2P_ADDR = "invalid p2p multiaddr"  # go-libp2p core/peer ErrInvalidAddr
ERR_NOT_CONNECTED = "not connected"  # coreiface ErrNotConnected
ERR_CONN_NOT_FOUND = "conn not found"  # coreiface ErrConnNotFound
ERR_DIAL_TO_SELF = "dial to self attempted"  # go-libp2p-swarm ErrDialToSelf


def err_ping_count(count: int) -> str:
    return f"ping count must be greater than 0, was {count}"


def err_peer_lookup_failed(reason: str) -> str:
    return f"peer lookup failed: {reason}"


def err_parse_peer_address(text: str, reason: str) -> str:
    return f"failed to parse peer address '{text}': {reason}"


def err_found_no_ipfs_peers(addr: str) -> str:
    """swarm.go ``resolveAddresses``: an address that names no peer."""
    return f"found no ipfs peers at {addr}"


# Network: request contexts and pubsub over links (Go context package; go-libp2p-pubsub v0.9.3)
ERR_CONTEXT_DEADLINE_EXCEEDED = "context deadline exceeded"  # context.DeadlineExceeded
ERR_CONTEXT_CANCELED = "context canceled"  # context.Canceled


class DeadlineExceeded(IPFSError, TimeoutError):
    """A request's ``timeout`` passed while the node waited (for a block from its peers)."""


class Canceled(IPFSError):
    """The request was cancelled (its client went away) while the node waited."""


def err_pubsub_message_too_large(size: int, limit: int) -> str:
    """go-libp2p-pubsub gossipsub.go ``fragmentRPC``: why a message is not sent to a peer."""
    return f"message with len={size} exceeds limit {limit}"


# swarm connect on a network (fakeipfs/rpc/misc.py): go-libp2p v0.29 (kubo v0.22)
ERR_ROUTING_NOT_FOUND = "routing: not found"  # go-libp2p core/routing ErrNotFound


def err_peer_id_mismatch(expected: str, actual: str) -> str:
    """A dial that reached another peer than the one asked for: the upgrader's security
    handshake fails (go-libp2p p2p/net/upgrader ``setupSecurity``, core/sec
    ``ErrPeerIDMismatch``)."""
    return (f"failed to negotiate security protocol: peer id mismatch: expected {expected}, "
            f"but remote key matches {actual}")


# Gateway retrieval timeout (fakeipfs/gateway.py): boxo v0.34.0 gateway/middleware_retrieval_timeout.go,
# the boxo of kubo v0.37 (Gateway.RetrievalTimeout)
#: The 504's message, written with ``http.Error`` (``writeErrorResponse`` without HTML).
ERR_GATEWAY_RETRIEVAL_TIMEOUT = "Unable to retrieve content within timeout period"
#: ``truncationMessage``: appended to a response whose body stalled after its headers went out.
GATEWAY_TRUNCATION_MESSAGE = ("\n\n[Gateway Error: Response truncated - unable to retrieve remaining "
                              "data within timeout period]")
#: ``ErrRetrievalTimeout``: what the handler's later writes return once the timer fired.
ERR_GATEWAY_RETRIEVAL_TIMEOUT_WRITE = "gateway: retrieval timeout"


class RetrievalTruncated(IPFSError):
    """A gateway response cut by ``Gateway.RetrievalTimeout`` after its headers went out: boxo
    writes :data:`GATEWAY_TRUNCATION_MESSAGE`, hijacks the connection and resets it."""


# boxo ipld/unixfs/hamt (hamt.go, util.go), io/directory.go and go-bitfield, as
# fakeipfs/unixfs/hamt.py raises them (ERR_NOT_PROTOBUF, go-merkledag's, is above)
ERR_TOO_DEEP = "sharded directory too deep"
ERR_NOT_SHARD = "node was not a dir shard"
ERR_HASH_TYPE = "only murmur3 supported as hash function"
ERR_POWER_OF_TWO = "hamt size should be a power of two"
ERR_INVALID_FANOUT = "HAMT fanout must be a positive power of 2 and multiple of 8"
ERR_BITFIELD_SIZE = "bitfield size must be a multiple of 8"
ERR_BITFIELD_TOO_SMALL = "Bitfield too small"


def err_hamt_width(fanout: int, limit: int) -> str:
    """hamt.go ``NewShard``/``NewHamtFromDag``: a fanout above ``maximumHamtWidth``."""
    return f"hamt width ({fanout}) exceed maximum allowed ({limit})"
