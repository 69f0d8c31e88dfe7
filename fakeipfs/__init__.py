"""fakeipfs: an in-process emulator of an IPFS (kubo) node, with kubo-identical CIDs."""
from .errors import IPFSError
from .node import Node
from .unixfs.importer import AddEvent
from .unixfs.options import AddOptions
from .versions import DEFAULT_KUBO_VERSION

__all__ = ["Node", "AddEvent", "AddOptions", "IPFSError", "DEFAULT_KUBO_VERSION",
           "client", "connect", "mock", "httpx_client", "Network"]

_TRANSPORT = {"client", "connect", "mock", "httpx_client"}


def __getattr__(name: str):
    """The in-process client front doors, imported on first use (they need ``requests``)."""
    if name in _TRANSPORT:
        from . import transport
        return getattr(transport, name)
    if name == "Network":  # imported on first use: it loads the identity and pubsub modules
        from .network import Network
        return Network
    raise AttributeError(f"module 'fakeipfs' has no attribute {name!r}")
__version__ = "0.1.0"
