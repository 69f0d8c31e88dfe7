"""Tensors on IPFS: NumPy arrays as ``.npy`` bytes (NumPy's own format, ``numpy.lib.format``
version 1.0/2.0/3.0), stored with ``add_bytes`` and read back with ``cat``.

The codec never unpickles by default: arrays of every numeric dtype (ints, floats incl.
float16, complex), bool, bytes (``S``), unicode (``U``), datetime64/timedelta64 and structured
dtypes of those, of any shape (0-d and empty included), round-trip exactly (dtype, byte
order, shape, values; Fortran order is kept by the format). Object arrays need pickle and are
refused unless asked for.

``allow_pickle=True`` is the old way (ipfsapi's ``add_pyobj``/``get_pyobj``, ``pickle.dumps`` of
the object, which the 2018 code used for Python objects): it writes a pickle and reads a
pickle or an ``.npy`` with objects, and warns (:class:`UnsafePickleWarning`) because
unpickling bytes from the network runs whatever code they name.
"""
from __future__ import annotations

import io
import pickle
import warnings
from typing import Any

import numpy as np

#: ``numpy.lib.format.MAGIC_PREFIX``
NPY_MAGIC = b"\x93NUMPY"


class TensorError(ValueError):
    """Bytes that are not a tensor this codec reads, or an array it will not write."""


class UnsafePickleWarning(UserWarning):
    """Pickled data was written or read: unpickling network data runs code."""


def _warn_pickle(what: str) -> None:
    warnings.warn(f"grid_shim.tensors: {what} with pickle; unpickling data from the network runs "
                  "arbitrary code, use it only with peers you trust", UnsafePickleWarning, stacklevel=3)


def encode_tensor(array: Any, *, allow_pickle: bool = False) -> bytes:
    """The ``.npy`` bytes of ``array`` (anything ``numpy.asarray`` takes); with
    ``allow_pickle=True`` the pickle of the object instead (ipfsapi ``add_pyobj``'s bytes)."""
    if allow_pickle:
        _warn_pickle("encoding a tensor")
        return pickle.dumps(array)
    value = np.asarray(array)
    if value.dtype.hasobject:
        raise TensorError(f"grid_shim.tensors: dtype {value.dtype} holds Python objects, which only "
                          "pickle can encode (pass allow_pickle=True if the receivers trust you)")
    buffer = io.BytesIO()
    np.save(buffer, value, allow_pickle=False)
    return buffer.getvalue()


def decode_tensor(data: bytes, *, allow_pickle: bool = False) -> np.ndarray:
    """The array in ``.npy`` bytes; :class:`TensorError` for anything else (with
    ``allow_pickle=True`` pickles are read too, and an ``.npy`` holding objects)."""
    data = bytes(data)
    if not data.startswith(NPY_MAGIC):
        if allow_pickle:
            _warn_pickle("decoding a tensor")
            try:
                return np.asarray(pickle.loads(data))
            except Exception as exc:  # whatever the pickle's code raised
                raise TensorError(f"grid_shim.tensors: not a pickled tensor: {exc}") from exc
        raise TensorError(f"grid_shim.tensors: not a NumPy .npy tensor ({len(data)} bytes starting "
                          f"{data[:8]!r}; .npy starts {NPY_MAGIC!r})")
    if allow_pickle:
        _warn_pickle("decoding a tensor")
    buffer = io.BytesIO(data)
    try:
        value = np.load(buffer, allow_pickle=allow_pickle)
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise TensorError("grid_shim.tensors: the .npy tensor holds Python objects, which only "
                              "pickle can decode (allow_pickle=True runs the sender's code)") from exc
        raise TensorError(f"grid_shim.tensors: malformed .npy tensor: {exc}") from exc
    except (EOFError, OSError, SyntaxError, TypeError, pickle.UnpicklingError) as exc:
        raise TensorError(f"grid_shim.tensors: malformed .npy tensor: {exc}") from exc
    if buffer.tell() != len(data):
        raise TensorError(f"grid_shim.tensors: malformed .npy tensor: {len(data) - buffer.tell()} "
                          "bytes after the array data")
    return value


def add_tensor(api: Any, array: Any, *, allow_pickle: bool = False) -> str:
    """Store a tensor with ``api.add_bytes``; its CID."""
    return api.add_bytes(encode_tensor(array, allow_pickle=allow_pickle))


def get_tensor(api: Any, cid: str, *, allow_pickle: bool = False) -> np.ndarray:
    """The tensor stored at ``cid`` (``api.cat``)."""
    return decode_tensor(api.cat(cid), allow_pickle=allow_pickle)
