"""fakeipfs: an in-process emulator of an IPFS (kubo) node."""
