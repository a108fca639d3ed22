"""Saved .keras archives: the same bytes for the same model, in any process, and still a
file plain Keras loads in safe mode."""

import io
import json
import subprocess
import sys
import zipfile

import keras
import numpy as np
import pytest

from shapegen.config.params import variant_params
from shapegen.data.rectangles import random_rectangles
from shapegen.files.keras_archive import (
    SAVE_DATE,
    _renumber_shared_ids,
    save_model,
    stable_archive,
)
from shapegen.training.loop import train_variant

from ..small_models import small_mixture_model


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
from shapegen.config.params import variant_params
from shapegen.config.validation import load_params
from shapegen.data.rectangles import random_rectangles
from shapegen.files.keras_archive import save_model
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
