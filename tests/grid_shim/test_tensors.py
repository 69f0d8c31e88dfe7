"""grid_shim.tensors: ``.npy`` bytes for every dtype and shape, no unpickling unless asked."""
from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fakeipfs
from grid_shim import ipfsapi, tensors
from grid_shim.tensors import TensorError, UnsafePickleWarning

#: np.arange(3, dtype="<i8") as .npy format 1.0: magic, version, header length 118, the header
#: dict padded with spaces to a 64-byte boundary and ended by a newline, then the data
ARANGE3_HEADER = (b"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"
                  + b" " * 60 + b"\n")

DTYPES = ["bool", "int8", "uint8", "<i2", ">i2", "<u4", "<i8", ">u8", "<f2", ">f4", "<f8", "<c8", ">c16",
          "<U5", "S3", "<M8[ns]", "<m8[s]", [("x", "<f4"), ("flag", "?"), ("name", "<U2")]]
SHAPES = [(), (0,), (3,), (2, 0, 4), (2, 3), (1, 1, 1, 2)]


def sample(dtype, shape) -> np.ndarray:
    dtype = np.dtype(dtype)
    size = int(np.prod(shape, dtype=int))
    raw = np.arange(1, size * dtype.itemsize + 1, dtype=np.uint8).tobytes()
    return np.frombuffer(raw, dtype=np.uint8).view(dtype).reshape(shape) if size else np.zeros(shape, dtype)


def assert_same(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes()  # bit for bit: NaN payloads, -0.0, padding


def test_npy_bytes_are_numpys_format():
    data = tensors.encode_tensor(np.arange(3, dtype="<i8"))
    assert data == ARANGE3_HEADER + b"".join(i.to_bytes(8, "little") for i in range(3))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_round_trip_every_dtype_and_shape(dtype, shape):
    value = sample(dtype, shape)
    assert_same(tensors.decode_tensor(tensors.encode_tensor(value)), value)


def test_fortran_order_and_views_round_trip():
    value = np.asfortranarray(np.arange(12, dtype="<f4").reshape(3, 4))
    got = tensors.decode_tensor(tensors.encode_tensor(value))
    assert got.flags.f_contiguous and np.array_equal(got, value)
    strided = np.arange(10)[::3]
    assert np.array_equal(tensors.decode_tensor(tensors.encode_tensor(strided)), strided)


def test_lists_and_scalars_become_arrays():
    assert_same(tensors.decode_tensor(tensors.encode_tensor([[1.5, 2.0]])), np.array([[1.5, 2.0]]))
    assert_same(tensors.decode_tensor(tensors.encode_tensor(True)), np.array(True))


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(dtype=st.one_of(hnp.scalar_dtypes(), hnp.unicode_string_dtypes(), hnp.byte_string_dtypes()),
                  shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)))
def test_round_trip_hypothesis(value):
    assert_same(tensors.decode_tensor(tensors.encode_tensor(value)), value)


def test_add_and_get_through_the_client():
    api = ipfsapi.for_node(fakeipfs.Node())
    value = sample("<f4", (2, 3))
    cid = tensors.add_tensor(api, value)
    assert api.cat(cid) == tensors.encode_tensor(value)
    assert_same(tensors.get_tensor(api, cid), value)
    assert tensors.add_tensor(api, value) == cid  # content addressed


# --- refusals -----------------------------------------------------------------------------------

def test_object_arrays_need_pickle():
    with pytest.raises(TensorError, match="holds Python objects"):
        tensors.encode_tensor(np.array([{"a": 1}], dtype=object))


@pytest.mark.parametrize("data, reason", [
    (b'{"model_name":"mnist"}', "not a NumPy .npy tensor"),
    (b"", "not a NumPy .npy tensor"),
    (pickle.dumps(np.arange(3)), "not a NumPy .npy tensor"),
    (ARANGE3_HEADER + b"\x00" * 7, "malformed .npy tensor"),  # truncated data
    (ARANGE3_HEADER + b"\x00" * 25, "1 bytes after the array data"),
    (b"\x93NUMPY\x01\x00\x10\x00{'descr': 'zz'}\n", "malformed .npy tensor"),
])
def test_bytes_that_are_not_a_tensor(data, reason):
    with pytest.raises(TensorError, match=reason):
        tensors.decode_tensor(data)


def test_npy_with_objects_is_refused_without_pickle():
    buffer = io.BytesIO()
    np.save(buffer, np.array([1, "a"], dtype=object), allow_pickle=True)
    with pytest.raises(TensorError, match="holds Python objects"):
        tensors.decode_tensor(buffer.getvalue())
    with pytest.warns(UnsafePickleWarning):
        assert tensors.decode_tensor(buffer.getvalue(), allow_pickle=True).tolist() == [1, "a"]


def test_get_tensor_of_json_is_a_clear_error():
    api = ipfsapi.for_node(fakeipfs.Node())
    cid = api.add_json({"model_name": "mnist"})
    with pytest.raises(TensorError, match=r"not a NumPy \.npy tensor \(22 bytes starting"):
        tensors.get_tensor(api, cid)


# --- the pickle path, only when asked --------------------------------------------------------------

def test_pickle_path_warns_and_reads_ipfsapis_pyobj_bytes():
    value = np.array([1, "a", None], dtype=object)
    with pytest.warns(UnsafePickleWarning, match="unpickling data from the network runs arbitrary code"):
        data = tensors.encode_tensor(value, allow_pickle=True)
    assert pickle.loads(data).tolist() == [1, "a", None]  # ipfsapi add_pyobj's bytes
    with pytest.warns(UnsafePickleWarning):
        got = tensors.decode_tensor(data, allow_pickle=True)
    assert got.dtype == object and got.tolist() == [1, "a", None]


def test_pickle_path_through_the_client():
    api = ipfsapi.for_node(fakeipfs.Node())
    with pytest.warns(UnsafePickleWarning):
        cid = tensors.add_tensor(api, np.arange(4), allow_pickle=True)
    with pytest.raises(TensorError):
        tensors.get_tensor(api, cid)  # a pickle is never read unless asked
    with pytest.warns(UnsafePickleWarning):
        assert tensors.get_tensor(api, cid, allow_pickle=True).tolist() == [0, 1, 2, 3]
