"""fakeipfs: an in-process emulator of an IPFS (kubo) node, with kubo-identical CIDs."""
from .errors import IPFSError
from .node import Node
from .unixfs.importer import AddEvent
from .unixfs.options import AddOptions
from .versions import DEFAULT_KUBO_VERSION

__all__ = ["Node", "AddEvent", "AddOptions", "IPFSError", "DEFAULT_KUBO_VERSION"]
__version__ = "0.1.0"
