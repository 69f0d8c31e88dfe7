"""OpenMined Grid's IPFS workflows on fakeipfs (tensors, Keras models, JSON, pubsub training).

Built by the grid_shim issue; until then ``python -m fakeipfs.demo`` runs the seed
notebook's add/cat workflow on the embedded emulator.
"""
