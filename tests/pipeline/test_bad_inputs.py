"""Every bad input stops its stage with one line and exit status 2, and changes no output."""

import copy
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import pytest

from shapegen.files.keras_archive import save_model
from shapegen.model import build_model

from .project import copy_project, file_hashes, params_change, params_delete, run, write_params

DATASET = Path("data/rectangles.h5")
MODEL = Path("data/models/book/model.keras")
CHECKPOINT = Path("data/models/book/checkpoints/updates_00000100.keras")
DATASET_STAGE = ["pipeline/dataset.py"]
DATASET_GALLERY_STAGE = ["pipeline/dataset_gallery.py"]
EVALUATE_BOOK = ["pipeline/evaluate.py", "book"]
GALLERY_BOOK = ["pipeline/gallery.py", "book"]


@pytest.fixture(scope="module")
def template(tmp_path_factory, repo_root, small_params_raw) -> Path:
    """A project with small params whose stages have all run once for the book variant."""
    repo = copy_project(repo_root, tmp_path_factory.mktemp("template"), small_params_raw)
    stages = (
        DATASET_STAGE,
        ["pipeline/shapes.py"],
        DATASET_GALLERY_STAGE,
        ["pipeline/train.py", "book"],
        EVALUATE_BOOK,
    )
    for stage in stages:
        run([sys.executable, *stage], repo)
    return repo


# Breakages: each takes the project folder and the params (a dict to change in place).
def params_text(text: str) -> Callable:
    def replace(repo: Path, params: dict) -> None:
        params.clear()
        params["__text__"] = text

    return replace


def dataset_edit(edit: Callable[[h5py.File], None]) -> Callable:
    def change(repo: Path, params: dict) -> None:
        with h5py.File(repo / DATASET, "r+") as file:
            edit(file)

    return change


def replace_split(split: str, points: Callable[[np.ndarray], np.ndarray]) -> Callable:
    def edit(file: h5py.File) -> None:
        new = points(file[split][()])
        del file[split]
        file.create_dataset(split, data=new)

    return dataset_edit(edit)


def set_point(split: str, row: int, corner: int, value: list[float]) -> Callable:
    def change(points: np.ndarray) -> np.ndarray:
        points = points.copy()
        points[row, corner] = value
        return points

    return replace_split(split, change)


def truncate(path: Path, keep: int) -> Callable:
    def change(repo: Path, params: dict) -> None:
        data = (repo / path).read_bytes()
        (repo / path).write_bytes(data[:keep])

    return change


def overwrite(path: Path, data: bytes) -> Callable:
    def change(repo: Path, params: dict) -> None:
        (repo / path).write_bytes(data)

    return change


def remove(path: Path) -> Callable:
    def change(repo: Path, params: dict) -> None:
        (repo / path).unlink()

    return change


def model_of_another_variant(repo: Path, params: dict) -> None:
    save_model(build_model(units=5, learning_rate=1.0e-3, seed=0), repo / MODEL)


CASES = {
    # params.yaml
    "missing key": (
        DATASET_STAGE,
        params_delete("dataset", "n_test"),
        r"params\.yaml: missing key dataset\.n_test$",
    ),
    "unknown key (typo)": (
        DATASET_STAGE,
        params_change("dataset", "n_trian", value=5),
        r"dataset\.n_trian: unknown key; did you mean dataset\.n_train\?$",
    ),
    "string for a count": (
        DATASET_STAGE,
        params_change("dataset", "n_train", value="many"),
        r"dataset\.n_train is the string 'many'; expected an integer >= 1$",
    ),
    "boolean for a seed": (
        DATASET_STAGE,
        params_change("dataset", "seed", value=True),
        r"dataset\.seed is the boolean true; expected an integer >= 0$",
    ),
    "float for a count": (
        DATASET_STAGE,
        params_change("dataset", "n_test", value=2.5),
        r"dataset\.n_test is 2\.5; expected an integer >= 1$",
    ),
    "bad params in a TensorFlow stage": (
        ["pipeline/gallery.py", "book"],
        params_delete("gallery", "dpi"),
        r"params\.yaml: missing key gallery\.dpi$",
    ),
    "zero count": (
        DATASET_STAGE,
        params_change("dataset", "n_train", value=0),
        r"dataset\.n_train is 0; expected an integer >= 1$",
    ),
    "quoted number": (
        DATASET_STAGE,
        params_change("variants", "book", "train", "learning_rate", value="0.001"),
        r"learning_rate is the string '0\.001'; expected a number > 0$",
    ),
    "zero learning rate": (
        DATASET_STAGE,
        params_change("variants", "book", "train", "learning_rate", value=0.0),
        r"learning_rate is 0\.0; expected a number > 0",
    ),
    "zero units": (
        DATASET_STAGE,
        params_change("variants", "book", "model", "units", value=0),
        r"variants\.book\.model\.units is 0; expected an integer >= 1 and <= 1024$",
    ),
    "checkpoints not increasing": (
        DATASET_STAGE,
        params_change("variants", "book", "train", "checkpoints", value=[200, 100]),
        r"checkpoints is \[200, 100\]; expected strictly increasing update counts$",
    ),
    "checkpoint beyond the updates": (
        DATASET_STAGE,
        params_change("variants", "book", "train", "checkpoints", value=[100, 301]),
        r"checkpoints is \[100, 301\]; expected update counts <= "
        r"dataset\.n_train x train\.passes \(300\)$",
    ),
    "zero temperature": (
        DATASET_STAGE,
        params_change("evaluate", "temperature", value=0),
        r"evaluate\.temperature is 0; expected a number > 0$",
    ),
    "string for a boolean": (
        DATASET_STAGE,
        params_change("variants", "book", "train", "jit_compile", value="yes"),
        r"jit_compile is the string 'yes'; expected true or false$",
    ),
    "unknown head": (
        DATASET_STAGE,
        params_change("variants", "book", "model", "head", value="gmm"),
        r"variants\.book\.model\.head is the string 'gmm'; "
        r"expected one of point, mixture, categorical$",
    ),
    "mixture section without a mixture head": (
        DATASET_STAGE,
        params_change(
            "variants",
            "book",
            "model",
            "mixture",
            value={
                "n_components": 2,
                "support": "unit_square",
                "scale_floor": 1.0e-3,
                "scale_ceiling": 12.0,
            },
        ),
        r"variants\.book\.model\.mixture is set but head is point",
    ),
    "primed width outside (0, 1)": (
        DATASET_STAGE,
        params_change("evaluate", "primed_widths", value=[0.5, 1.5]),
        r"evaluate\.primed_widths is \[0\.5, 1\.5\]; "
        r"expected a non-empty list of numbers > 0 and < 1$",
    ),
    "size that does not fit in memory": (
        DATASET_STAGE,
        params_change("dataset", "n_train", value=10**12),
        r"dataset\.n_train is 1000000000000; expected a count whose arrays fit in memory",
    ),
    "not YAML": (
        DATASET_STAGE,
        params_text("dataset: [1, 2\n"),
        r"params\.yaml: not valid YAML at line",
    ),
    "empty params file": (
        DATASET_STAGE,
        params_text(""),
        r"params\.yaml: the top level is nothing; expected a mapping with the keys",
    ),
    # data/rectangles.h5
    "dataset missing": (
        DATASET_GALLERY_STAGE,
        remove(DATASET),
        r"data/rectangles\.h5: rectangles file \(HDF5\) not found \(run `dvc repro`",
    ),
    "dataset truncated": (
        DATASET_GALLERY_STAGE,
        truncate(DATASET, 3000),
        r"data/rectangles\.h5: not a readable HDF5 rectangles file",
    ),
    "dataset not HDF5": (
        DATASET_GALLERY_STAGE,
        overwrite(DATASET, b"x,y\n0,0\n"),
        r"data/rectangles\.h5: not a readable HDF5 rectangles file",
    ),
    "dataset split missing": (
        DATASET_GALLERY_STAGE,
        dataset_edit(lambda file: file.__delitem__("test")),
        r"no dataset 'test'; expected one$",
    ),
    "dataset wrong shape": (
        DATASET_GALLERY_STAGE,
        replace_split("train", lambda p: p[:, :3]),
        r"'train' has shape \(300, 3, 2\); expected \(n, 4, 2\)$",
    ),
    "dataset wrong dtype": (
        DATASET_GALLERY_STAGE,
        replace_split("train", lambda p: p.astype(np.float64)),
        r"'train' has dtype float64; expected float32$",
    ),
    "dataset non-finite": (
        DATASET_GALLERY_STAGE,
        set_point("test", 7, 2, [np.nan, 0.5]),
        r"'test' holds non-finite values; expected finite points$",
    ),
    "dataset not rectangles": (
        DATASET_GALLERY_STAGE,
        set_point("train", 4, 3, [0.25, 0.5]),
        r"'train' row 4 is not a rectangle",
    ),
    "dataset from a newer format": (
        DATASET_GALLERY_STAGE,
        dataset_edit(lambda file: file.attrs.__setitem__("format_version", 99)),
        r"format_version is 99; this code reads versions up to 1",
    ),
    "dataset from other params": (
        ["pipeline/train.py", "book"],
        params_change("dataset", "n_train", value=400),
        r"data/rectangles\.h5: 'train' holds 300 rows; expected 400 "
        r"\(params\.yaml's dataset\.n_train; run `dvc repro` to rebuild it\)",
    ),
    # data/models/<variant>/*.keras
    "model missing": (
        EVALUATE_BOOK,
        remove(MODEL),
        r"model\.keras: model file not found \(run `dvc repro`",
    ),
    "model not a Keras file": (
        EVALUATE_BOOK,
        overwrite(MODEL, b"not a zip archive"),
        r"model\.keras: not a zip archive \(no end of central directory\); expected a model file",
    ),
    "checkpoint not a Keras file": (
        GALLERY_BOOK,
        overwrite(CHECKPOINT, b""),
        r"updates_00000100\.keras: not a zip archive",
    ),
    "model of another variant": (
        EVALUATE_BOOK,
        model_of_another_variant,
        r"model\.keras: holds a model with framing point, head point, units 5; params\.yaml's "
        r"variant expects framing point, head point, units 10",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_input_is_one_line_and_changes_no_output(case, template, tmp_path, small_params_raw):
    stage, breakage, expected = CASES[case]
    repo = tmp_path / "project"
    shutil.copytree(template, repo)
    params = copy.deepcopy(small_params_raw)
    breakage(repo, params)
    if "__text__" in params:
        (repo / "params.yaml").write_text(params["__text__"])
    else:
        write_params(repo, params)
    before = file_hashes(repo)

    result = run([sys.executable, *stage], repo, check=False)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert not any("Traceback" in line for line in lines)
    assert len(lines) == 1, lines
    assert lines[-1].startswith("error: ")
    assert re.search(expected, lines[-1]), lines[-1]
    assert file_hashes(repo) == before


def test_the_cases_cover_params_dataset_and_model_files():
    stages = [stage[0] for stage, _, _ in CASES.values()]
    assert len(CASES) >= 20
    assert {DATASET_STAGE[0], DATASET_GALLERY_STAGE[0], EVALUATE_BOOK[0]} <= set(stages)
