"""grid_shim.keras: Keras 3 models through IPFS (keras2ipfs / ipfs2keras)."""
from __future__ import annotations

import io
import json
import os
import threading
import zipfile

import numpy as np
import pytest

import fakeipfs
from grid_shim import ipfsapi
from grid_shim.demo import XOR_INPUT, XOR_TARGET, xor_model
from grid_shim.keras import (HDF5_MAGIC, ZIP_EPOCH, ZIP_MAGIC, NotAKerasModel, ipfs2keras, keras2ipfs,
                             configured_backend, load_keras, serialize, users_backend)
from gridnet import KERAS_NUMPY2_WARNINGS

pytestmark = KERAS_NUMPY2_WARNINGS

keras = load_keras()


@pytest.fixture(scope="module")
def api() -> ipfsapi.Client:
    return ipfsapi.for_node(fakeipfs.Node(kubo_version="0.4.13"))


@pytest.fixture(scope="module")
def model():
    """The notebook's XOR model after three epochs (so its optimizer has state too)."""
    keras.utils.set_random_seed(0)
    m = xor_model(0.1)
    m.fit(XOR_INPUT, XOR_TARGET, epochs=3, verbose=0)
    return m


def bits(m) -> bytes:
    return np.asarray(m.predict(XOR_INPUT, verbose=0)).tobytes()


def test_backend_is_torch_unless_the_user_chose_one():
    assert keras.backend.backend() == os.environ.get("KERAS_BACKEND", "torch")


@pytest.mark.parametrize("config, env, chosen", [
    (None, None, None),
    ({"backend": "tensorflow", "floatx": "float32"}, None, None),  # what Keras writes by itself
    ({"backend": "jax"}, None, "jax"),
    ({"backend": "tensorflow"}, "tensorflow", "tensorflow"),
    (None, "jax", "jax"),
])
def test_torch_only_where_the_user_chose_no_backend(tmp_path, monkeypatch, config, env, chosen):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    if config is not None:
        (tmp_path / "keras.json").write_text(json.dumps(config))
    if env is None:
        monkeypatch.delenv("KERAS_BACKEND", raising=False)
    else:
        monkeypatch.setenv("KERAS_BACKEND", env)
    assert configured_backend() == (config or {}).get("backend")
    assert users_backend() == chosen


@pytest.mark.parametrize("format, magic", [("keras", ZIP_MAGIC), ("h5", HDF5_MAGIC)])
def test_round_trip_predicts_bitwise_equal(api, model, format, magic):
    cid = keras2ipfs(api, model, format=format)
    assert api.cat(cid).startswith(magic)
    back = ipfs2keras(api, cid)
    assert bits(back) == bits(model)
    assert [w.tobytes() for w in back.get_weights()] == [w.tobytes() for w in model.get_weights()]


def test_the_fetched_model_trains_on_as_the_original(api, model):
    back = ipfs2keras(api, keras2ipfs(api, model))
    again = ipfs2keras(api, keras2ipfs(api, model))
    back.fit(XOR_INPUT, XOR_TARGET, epochs=2, verbose=0, shuffle=False)
    again.fit(XOR_INPUT, XOR_TARGET, epochs=2, verbose=0, shuffle=False)
    assert bits(back) == bits(again) != bits(model)


def test_one_model_one_cid(api, model):
    """No wall-clock date and no memory address in the archive: the same model, the same CID."""
    data = serialize(model)
    assert keras2ipfs(api, model) == keras2ipfs(api, model) == api.add_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert {entry.date_time for entry in archive.infolist()} == {ZIP_EPOCH}
        metadata = json.loads(archive.read("metadata.json"))
        config = archive.read("config.json").decode()
    assert metadata == {"keras_version": keras.__version__}
    ids = {int(part.split(",")[0].split("}")[0]) for part in config.split('"shared_object_id": ')[1:]}
    assert ids == {1}  # the dtype policy the layers share, renumbered from its address


def test_saving_as_h5_leaves_the_model_as_it_was(api, model):
    """Keras's HDF5 writer drops the optimizer from the model's compile config; keras2ipfs
    restores it, so the model still saves (and loads) with its SGD optimizer."""
    before = keras2ipfs(api, model)
    keras2ipfs(api, model, format="h5")
    assert keras2ipfs(api, model) == before
    assert type(ipfs2keras(api, before).optimizer).__name__ == "SGD"


def test_models_that_differ_get_different_cids(api, model):
    other = ipfs2keras(api, keras2ipfs(api, model))
    other.layers[0].kernel.assign(np.zeros((2, 8), dtype="float32"))
    assert keras2ipfs(api, other) != keras2ipfs(api, model)


def test_concurrent_calls_share_no_file(api, model):
    """Grid's fixed temp_model.h5 needed a lock; private directories need none."""
    results: list[bytes] = []

    def round_trip() -> None:
        results.append(bits(ipfs2keras(api, keras2ipfs(api, model))))

    threads = [threading.Thread(target=round_trip) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [bits(model)] * 4


@pytest.mark.parametrize("data, reason", [
    (b"hello world", "neither a .keras zip archive nor an HDF5 file; starts with b'hello wo'"),
    (b"", "neither a .keras zip archive nor an HDF5 file; starts with b''"),
    (ZIP_MAGIC + b"not really a zip", "a zip archive without the config.json of a .keras file"),
])
def test_bytes_that_are_not_a_model(api, data, reason):
    cid = api.add_bytes(data)
    with pytest.raises(NotAKerasModel) as raised:
        ipfs2keras(api, cid)
    assert str(raised.value) == f"ipfs2keras: {cid} is not a Keras model ({reason})"


def test_a_zip_that_is_not_a_model(api):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    cid = api.add_bytes(buffer.getvalue())
    with pytest.raises(NotAKerasModel, match="a zip archive without the config.json"):
        ipfs2keras(api, cid)


def test_a_broken_hdf5_file(api, model):
    cid = api.add_bytes(api.cat(keras2ipfs(api, model, format="h5"))[:100])
    with pytest.raises(NotAKerasModel, match=f"^ipfs2keras: Keras cannot load the model in {cid} "):
        ipfs2keras(api, cid)


def test_safe_mode_refuses_lambda_code(api):
    lam = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2)])
    cid = keras2ipfs(api, lam)
    with pytest.raises(NotAKerasModel, match="Lambda"):
        ipfs2keras(api, cid)
    trusted = ipfs2keras(api, cid, safe_mode=False)
    assert trusted.predict(np.array([[1.0, 2.0]]), verbose=0).tolist() == [[2.0, 4.0]]


def test_unknown_format(api, model):
    with pytest.raises(ValueError, match="format must be one of"):
        keras2ipfs(api, model, format="pb")
