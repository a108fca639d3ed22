"""Model files read without Keras: the network a saved model holds, and one clear line for
a file that is not one."""

import io
import tempfile
import zipfile
from pathlib import Path

import h5py
import keras
import numpy as np
import pytest

from shapegen.errors import InputError
from shapegen.files.keras_archive import (
    WEIGHTS_MEMBER,
    save_model,
)
from shapegen.heads.mixture import MixtureSpec
from shapegen.sampling.model_file import _weights_bytes, read_network
from shapegen.training.chapter import chapter_model

from ..small_models import MIXTURE, small_categorical_model, small_mixture_model


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_saved_model_reads_back_as_its_network_without_keras(tmp_path):
    model = small_mixture_model(seed=3)
    save_model(model, tmp_path / "model.keras")
    network = read_network(tmp_path / "model.keras")
    assert network.kind() == {
        "framing": "sequence",
        "head": "mixture",
        "units": 6,
        "n_components": 2,
    }
    assert network.mixture == MixtureSpec(**MIXTURE)
    lstm_kernel = keras.ops.convert_to_numpy(model.get_layer("lstm").cell.kernel)
    np.testing.assert_array_equal(network.lstm_kernel, lstm_kernel)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: b"not a zip archive", r"not a zip archive \(no end of central directory\)"),
        (lambda: _zip({"a.txt": b"x"}), r"its zip directory declares 1 entries"),
        (
            lambda: _zip({"config.json": b"{", "model.weights.h5": b"", "metadata.json": b"{}"}),
            r"config\.json: not valid JSON at line 1",
        ),
        (
            # The chapter's own code names no layer: a Keras model, not one of shapegen's.
            lambda: _saved_bytes(chapter_model()),
            r"not a shapegen model \(layers \[\('InputLayer', 'input_layer",
        ),
    ],
    ids=["text", "zip without config", "broken config", "another keras model"],
)
def test_a_file_that_is_not_a_shapegen_model_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "model.keras"
    path.write_bytes(content())
    with pytest.raises(InputError, match=rf"^{tmp_path}/model\.keras: {message}") as raised:
        read_network(path)
    assert "\n" not in str(raised.value)


def _saved_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        save_model(model, path)
        return path.read_bytes()


@pytest.mark.parametrize("kind", ["mixture", "categorical"])
def test_a_weights_file_fits_the_bound_its_shapes_give(tmp_path, kind):
    """WEIGHTS_MAX_BYTES is this bound at params.yaml's largest sizes: HDF5's overhead
    and Adam's moments must fit it (small models: the overhead is most of the file)."""
    model = small_mixture_model() if kind == "mixture" else small_categorical_model()
    path = tmp_path / "m.keras"
    save_model(model, path)
    weights = zipfile.ZipFile(path).read(WEIGHTS_MEMBER)
    with h5py.File(io.BytesIO(weights)) as file:
        arrays = [name for name in _dataset_names(file) if name.startswith("layers/")]
        shapes = {name: file[name].shape for name in arrays}
    assert len(weights) <= _weights_bytes(shapes)


def _dataset_names(file) -> list[str]:
    names: list[str] = []
    file.visititems(lambda name, node: names.append(name) if isinstance(node, h5py.Dataset) else 0)
    return names
