"""kubo's error texts, in one place.

Every message here is worded exactly as kubo (or the boxo/go-* library it calls) words it; the
source file is named beside each. The RPC layer maps these exceptions to kubo's HTTP shapes
(``{"Message","Code","Type"}``); the CLI prints ``Error: <message>`` as ``ipfs`` does.
"""
from __future__ import annotations


class IPFSError(Exception):
    """Base of every error fakeipfs raises with a kubo-worded message."""

    #: go-ipfs-cmds error code: 0 normal (HTTP 500), 1 client (HTTP 400).
    code: int = 0

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidArgument(IPFSError):
    """Bad flag or argument value, rejected before any state changes."""

    code = 1


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


def err_unrecognized_hash(name: str) -> str:
    """core/commands/add.go: ``fmt.Errorf("unrecognized hash function: %q", ...)``."""
    return f'unrecognized hash function: "{name}"'


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
