"""Keras models through IPFS: Grid's ``keras2ipfs`` / ``ipfs2keras`` (``grid/lib/keras_utils.py``
and the seed notebook "IPFS - OpenMined Context"), for Keras 3.

What Grid did: ``model.save('temp_model.h5')`` under ``FileLock('temp_model.h5.lock')``, read the
file back and ``add_bytes`` it; to load, ``cat`` the CID, write ``temp_model2.h5`` under another
lock and ``keras.models.load_model`` it. Models always travelled as whole files; pubsub carried
only their CIDs (grid.md §3, "Models and gradients").

What this module does instead:

- **Format.** Keras 3's native ``.keras`` zip (config JSON + ``model.weights.h5`` + metadata),
  written and read in a private temporary directory per call (``tempfile.TemporaryDirectory``):
  no fixed file name, no lock, so threads and processes never share a file. Keras 3's public
  ``save_model``/``load_model`` accept only paths ending in ``.keras``/``.h5``, hence a
  directory rather than an in-memory buffer.
- **Content addressing.** Keras stamps ``metadata.json`` with ``date_saved`` and the weights
  entry with the wall-clock time, and marks objects that several layers share (the dtype
  policy) with ``shared_object_id`` = their memory address (``serialization_lib.py``), so the
  same model saved twice, or in two processes, would get different CIDs. The archive is
  rewritten canonically: every entry dated 1980-01-01 00:00:00 (the zip epoch Keras already
  gives its first two entries); ``date_saved`` dropped, ``keras_version`` kept (Keras never reads
  ``metadata.json`` back); shared object ids renumbered 1, 2, ... in order of first appearance
  (Keras only matches them with each other on load). So one model has one CID, as IPFS intends.
- **Legacy HDF5.** ``ipfs2keras`` also loads Grid-era ``.h5`` models, told apart by their magic
  bytes (``\\x89HDF\\r\\n\\x1a\\n`` against the zip's ``PK\\x03\\x04``); ``keras2ipfs(...,
  format="h5")`` writes one.
- **Safety.** Loading passes ``safe_mode`` (default True) to Keras, which then refuses the
  ``Lambda`` layers' Python bytecode found in untrusted archives.
- **Errors.** Bytes that are not a model raise :class:`NotAKerasModel` naming the CID.

Backend: Keras 3 runs on TensorFlow, JAX or PyTorch; Grid's TensorFlow 1.x is gone, and the
torch CPU wheel (``torch==2.13.0``, the ``grid`` extra) is the lightest of the three to install.
:func:`load_keras` picks torch only where the user has chosen nothing: not when
``KERAS_BACKEND`` is set, not when ``$KERAS_HOME/keras.json`` (default ``~/.keras``) names a
backend other than ``"tensorflow"`` (the value Keras writes there by itself on first import,
so it says nothing of the user's wishes), and not when Keras is already imported (it keeps the
backend it has).
"""
from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import zipfile
from types import ModuleType
from typing import Any, Optional, Protocol

#: The first bytes of a zip archive (a ``.keras`` file) and of an HDF5 file (a legacy ``.h5``).
ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
#: The zip epoch, the date Keras gives the entries it writes from memory.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: ``keras2ipfs`` formats: file suffix Keras picks its writer by.
FORMATS = {"keras": ".keras", "h5": ".h5"}


class NotAKerasModel(ValueError):
    """The bytes behind a CID are not a Keras model Keras can load."""


class BytesStore(Protocol):
    """What the Keras helpers need of an IPFS client: Grid's ipfsapi ``add_bytes`` / ``cat``."""

    def add_bytes(self, data: bytes) -> str: ...

    def cat(self, cid: str) -> bytes: ...


def configured_backend() -> Optional[str]:
    """The backend ``keras.json`` names (Keras ``backend/config.py`` reads
    ``$KERAS_HOME/keras.json``, ``~/.keras`` by default), if the file is there and readable."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json")) as f:
            backend = json.load(f).get("backend")
    except (OSError, ValueError, AttributeError):
        return None
    return backend if isinstance(backend, str) else None


def users_backend() -> Optional[str]:
    """The backend the user chose: ``KERAS_BACKEND``, else a ``keras.json`` backend other than
    the ``"tensorflow"`` Keras writes by itself; None if neither."""
    if "KERAS_BACKEND" in os.environ:
        return os.environ["KERAS_BACKEND"]
    configured = configured_backend()
    return None if configured == "tensorflow" else configured


def load_keras() -> ModuleType:
    """Import Keras, on the torch backend unless the user chose another (see module docstring)."""
    if "keras" not in sys.modules and users_backend() is None:
        os.environ["KERAS_BACKEND"] = "torch"
    import keras
    return keras


def serialize(model: Any, format: str = "keras") -> bytes:
    """The model's bytes: a canonical ``.keras`` archive, or a legacy ``.h5`` file."""
    if format not in FORMATS:
        raise ValueError(f"keras2ipfs: format must be one of {sorted(FORMATS)}, not {format!r}")
    # Keras's legacy HDF5 writer pops "optimizer" from the model's own compile config
    # (legacy/saving/saving_utils.py ``model_metadata``), so a model saved as .h5 would later
    # save as .keras without its optimizer and load with the default one (RMSprop): put it back.
    compile_config = getattr(getattr(model, "_compile_config", None), "config", None)
    kept = dict(compile_config) if isinstance(compile_config, dict) else None
    try:
        with tempfile.TemporaryDirectory(prefix="grid_shim_keras_") as tmp:
            path = os.path.join(tmp, "model" + FORMATS[format])
            model.save(path)
            with open(path, "rb") as f:
                data = f.read()
    finally:
        if kept is not None:
            compile_config.clear()
            compile_config.update(kept)
    return canonical_keras_zip(data) if format == "keras" else data


def canonical_keras_zip(data: bytes) -> bytes:
    """Rewrite a ``.keras`` archive so that its bytes depend on the model only: the same entries
    in the same order, each dated :data:`ZIP_EPOCH` and stored with its original compression;
    ``metadata.json`` without ``date_saved``; ``config.json``'s shared object ids renumbered."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            content = src.read(entry)
            if entry.filename == "metadata.json":
                metadata = json.loads(content)
                metadata.pop("date_saved", None)
                content = json.dumps(metadata).encode()
            elif entry.filename == "config.json":
                content = json.dumps(_renumber_shared_objects(json.loads(content), {})).encode()
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_EPOCH)
            info.compress_type = entry.compress_type
            info.external_attr = entry.external_attr
            dst.writestr(info, content)
    return out.getvalue()


def _renumber_shared_objects(config: Any, ids: dict[int, int]) -> Any:
    """``config`` with each ``shared_object_id`` replaced by its rank of first appearance."""
    if isinstance(config, dict):
        return {key: ids.setdefault(value, len(ids) + 1) if key == "shared_object_id"
                else _renumber_shared_objects(value, ids) for key, value in config.items()}
    if isinstance(config, list):
        return [_renumber_shared_objects(value, ids) for value in config]
    return config


def deserialize(data: bytes, *, safe_mode: bool = True, what: str = "these bytes") -> Any:
    """Load a model from ``.keras`` or ``.h5`` bytes (told apart by magic bytes).

    Raises :class:`NotAKerasModel` (naming ``what``) for anything else, or when Keras cannot
    load the archive or file."""
    if data.startswith(ZIP_MAGIC):
        suffix = ".keras"
        if "config.json" not in _zip_names(data):
            raise NotAKerasModel(f"ipfs2keras: {what} is not a Keras model "
                                 "(a zip archive without the config.json of a .keras file)")
    elif data.startswith(HDF5_MAGIC):
        suffix = ".h5"
    else:
        raise NotAKerasModel(f"ipfs2keras: {what} is not a Keras model "
                             f"(neither a .keras zip archive nor an HDF5 file; starts with {data[:8]!r})")
    keras = load_keras()
    with tempfile.TemporaryDirectory(prefix="grid_shim_keras_") as tmp:
        path = os.path.join(tmp, "model" + suffix)
        with open(path, "wb") as f:
            f.write(data)
        try:
            return keras.saving.load_model(path, safe_mode=safe_mode)
        except Exception as e:
            raise NotAKerasModel(f"ipfs2keras: Keras cannot load the model in {what} "
                                 f"({type(e).__name__}: {e})") from e


def _zip_names(data: bytes) -> list[str]:
    """The entry names of a zip archive; none when the archive is unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except zipfile.BadZipFile:
        return []


def keras2ipfs(api: BytesStore, model: Any, format: str = "keras") -> str:
    """Add the model to IPFS (``add_bytes``) and return its CID (Grid ``keras_utils.keras2ipfs``)."""
    return api.add_bytes(serialize(model, format))


def ipfs2keras(api: BytesStore, cid: str, safe_mode: bool = True) -> Any:
    """The model behind ``cid`` (``cat``, then load; Grid ``keras_utils.ipfs2keras``)."""
    return deserialize(api.cat(cid), safe_mode=safe_mode, what=cid)
