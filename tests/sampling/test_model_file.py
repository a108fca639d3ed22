"""Model files: byte-stable archives that plain Keras still loads in safe mode."""

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import h5py
import keras
import numpy as np
import pytest

from shapegen.config.params import variant_params
from shapegen.data.rectangles import random_rectangles
from shapegen.errors import InputError
from shapegen.heads.mixture import MixtureSpec
from shapegen.sampling.model_file import (
    SAVE_DATE,
    WEIGHTS_MEMBER,
    _renumber_shared_ids,
    _weights_bytes,
    read_network,
    save_model,
    stable_archive,
)
from shapegen.training.chapter import chapter_model
from shapegen.training.loop import train_variant

from ..models import MIXTURE, small_categorical_model, small_mixture_model


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_saving_the_same_model_twice_gives_the_same_bytes(tmp_path):
    model = small_mixture_model()
    save_model(model, tmp_path / "first.keras")
    save_model(model, tmp_path / "second.keras")
    assert (tmp_path / "first.keras").read_bytes() == (tmp_path / "second.keras").read_bytes()


def test_the_archive_holds_no_save_time_and_no_memory_address(tmp_path):
    save_model(small_mixture_model(), tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    files = members(tmp_path / "model.keras")
    assert json.loads(files["metadata.json"])["date_saved"] == SAVE_DATE
    ids = []

    def collect(node):
        if isinstance(node, dict):
            ids.extend(v for k, v in node.items() if k == "shared_object_id")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(json.loads(files["config.json"]))
    assert ids and set(ids) == set(range(len(set(ids))))


def test_stable_archive_keeps_every_member_but_the_time_stamps():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3", "date_saved": "x"}))
        archive.writestr("config.json", json.dumps({"a": {"shared_object_id": 99}, "b": [1.5]}))
        archive.writestr("model.weights.h5", b"\x00weights\x01")
    stable = stable_archive(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(stable)) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert archive.read("model.weights.h5") == b"\x00weights\x01"
        assert json.loads(archive.read("metadata.json"))["keras_version"] == "3"
        assert json.loads(archive.read("config.json")) == {"a": {"shared_object_id": 0}, "b": [1.5]}
    assert stable_archive(stable) == stable


def test_shared_ids_are_numbered_in_order_and_sharing_is_kept():
    config = {
        "x": {"shared_object_id": 7000},
        "y": [{"shared_object_id": 5000}, {"shared_object_id": 7000}],
        "z": {"name": "shared_object_id"},
    }
    assert _renumber_shared_ids(config, {}) == {
        "x": {"shared_object_id": 0},
        "y": [{"shared_object_id": 1}, {"shared_object_id": 0}],
        "z": {"name": "shared_object_id"},
    }


def test_plain_keras_loads_the_stable_file_in_safe_mode(tmp_path):
    model = small_mixture_model(seed=3)
    save_model(model, tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras", safe_mode=True)
    inputs = np.random.default_rng(0).random((2, 3, 2)).astype(np.float32)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded(inputs)), keras.ops.convert_to_numpy(model(inputs))
    )
    # Keras' own file inspector reads the metadata it expects.
    keras.saving.KerasFileEditor(str(tmp_path / "model.keras"))


TRAIN_AND_SAVE = """
import sys
import numpy as np
from shapegen.config import load_params, variant_params
from shapegen.data.rectangles import random_rectangles
from shapegen.sampling.model_file import save_model
from shapegen.training.loop import train_variant
import dataclasses
params = variant_params(load_params(sys.argv[1]), "mixture")
params = dataclasses.replace(params, train=dataclasses.replace(params.train, checkpoints=(60,)))
model, _ = train_variant(params, random_rectangles(np.random.default_rng(1), 60))
save_model(model, sys.argv[2])
"""


def test_two_trainings_in_two_processes_give_identical_files(tmp_path, repo_root):
    # Separate processes: object addresses and the clock differ between them.
    for name in ("first", "second"):
        subprocess.run(
            [
                sys.executable,
                "-c",
                TRAIN_AND_SAVE,
                str(repo_root / "params.yaml"),
                str(tmp_path / f"{name}.keras"),
            ],
            check=True,
            capture_output=True,
        )
    assert (tmp_path / "first.keras").read_bytes() == (tmp_path / "second.keras").read_bytes()


def test_two_trainings_in_one_process_give_identical_files(tmp_path, repo_root):
    from shapegen.config.validation import load_params

    params = variant_params(load_params(repo_root / "params.yaml"), "book")
    rectangles = random_rectangles(np.random.default_rng(2), params.train.checkpoints[-1])
    for name in ("first", "second"):
        model, _ = train_variant(params, rectangles)
        save_model(model, tmp_path / f"{name}.keras")
    assert (tmp_path / "first.keras").read_bytes() == (tmp_path / "second.keras").read_bytes()


@pytest.mark.parametrize("name", ["metadata.json", "config.json"])
def test_the_stable_members_are_json(tmp_path, name):
    save_model(small_mixture_model(), tmp_path / "model.keras")
    json.loads(members(tmp_path / "model.keras")[name])


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
