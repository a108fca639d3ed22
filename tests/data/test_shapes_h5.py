import time

import h5py
import numpy as np
import pytest

from shapegen.data.families import PARAMETERS, REGULAR_POLYGON
from shapegen.data.shapes_h5 import FORMAT_VERSION, make_shapes, read_shapes, write_shapes
from shapegen.errors import InputError

WEIGHTS = {"train": np.array([1.0, 1.0, 3.0]), "test": np.ones(3)}


def write(path, seed=5, n_train=300, n_test=100, weights=WEIGHTS):
    write_shapes(path, make_shapes(seed, n_train, n_test, weights), seed, weights)


def test_the_same_params_give_the_same_bytes_and_a_round_trip(tmp_path):
    write(tmp_path / "a.h5")
    time.sleep(1.1)  # HDF5 would stamp objects with times in whole seconds
    write(tmp_path / "b.h5")
    assert (tmp_path / "a.h5").read_bytes() == (tmp_path / "b.h5").read_bytes()
    made = make_shapes(5, 300, 100, WEIGHTS)
    read = read_shapes(tmp_path / "a.h5")
    for split in ("train", "test"):
        for name in ("points", "lengths", "families", "parameters"):
            np.testing.assert_array_equal(getattr(read[split], name), getattr(made[split], name))
    with h5py.File(tmp_path / "a.h5") as file:
        assert file.attrs["format_version"] == FORMAT_VERSION
        assert file.attrs["families"] == "rectangle,rotated_rectangle,regular_polygon"
        np.testing.assert_array_equal(file.attrs["train_family_weights"], [1.0, 1.0, 3.0])
        np.testing.assert_array_equal(file.attrs["test_family_weights"], [1.0, 1.0, 1.0])


def test_each_split_is_drawn_with_its_own_family_weights():
    made = make_shapes(5, 6000, 6000, WEIGHTS)
    shares = {split: np.bincount(made[split].families, minlength=3) / 6000 for split in made}
    np.testing.assert_allclose(shares["train"], [0.2, 0.2, 0.6], atol=0.02)
    np.testing.assert_allclose(shares["test"], [1 / 3, 1 / 3, 1 / 3], atol=0.02)


def test_the_test_split_does_not_depend_on_n_train_and_seeds_differ():
    small, large = make_shapes(5, 10, 50, WEIGHTS), make_shapes(5, 500, 50, WEIGHTS)
    np.testing.assert_array_equal(small["test"].points, large["test"].points)
    np.testing.assert_array_equal(small["train"].points, large["train"].points[:10])
    other = make_shapes(6, 10, 50, WEIGHTS)
    assert not np.array_equal(small["test"].points, other["test"].points)


def edit(path, change):
    with h5py.File(path, "r+") as file:
        change(file)


def set_row(name, row, column, value):
    def change(file):
        data = file[f"train_{name}"][()]
        data[(row, *column)] = value
        del file[f"train_{name}"]
        file.create_dataset(f"train_{name}", data=data)

    return change


def first_polygon(path) -> int:
    with h5py.File(path) as file:
        return int(np.argmax(file["train_families"][()] == REGULAR_POLYGON))


BAD = {
    "not hdf5": (lambda path: path.write_text("no"), r"not a readable HDF5 shapes file"),
    "newer format": (
        lambda path: edit(path, lambda f: f.attrs.__setitem__("format_version", 9)),
        r"format_version is 9; this code reads versions up to 1",
    ),
    "other families": (
        lambda path: edit(path, lambda f: f.attrs.__setitem__("families", "a,b,c")),
        r"families attribute is 'a,b,c'; expected rectangle,rotated_rectangle,regular_polygon",
    ),
    "missing array": (
        lambda path: edit(path, lambda f: f.__delitem__("test_lengths")),
        r"no dataset 'test_lengths'; expected one",
    ),
    "points as float32": (
        lambda path: edit(
            path,
            lambda f: (
                f.__delitem__("train_points"),
                f.create_dataset("train_points", data=np.zeros((300, 8, 2), np.float32)),
            ),
        ),
        r"'train_points' has dtype float32; expected float64",
    ),
    "a moved point": (
        lambda path: edit(path, set_row("points", 7, (1, 0), 0.123)),
        r"'train' row 7 is not the \w+ of its parameters",
    ),
    "family out of range": (
        lambda path: edit(path, set_row("families", 2, (), 7)),
        r"'train' row 2 has family 7; expected 0 to 2",
    ),
    "radius out of range": (
        lambda path: edit(
            path, set_row("parameters", first_polygon(path), (PARAMETERS.index("radius"),), 0.9)
        ),
        r"\(regular_polygon\) has radius outside \[0\.1, 0\.4\]",
    ),
    "fewer lengths": (
        lambda path: edit(
            path,
            lambda f: (
                f.__delitem__("train_lengths"),
                f.create_dataset("train_lengths", data=np.full(5, 4, np.uint8)),
            ),
        ),
        r"'train' arrays hold \[5, 300\] rows; expected the same n >= 1",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_broken_file_is_one_clear_error(tmp_path, case):
    path = tmp_path / "shapes.h5"
    write(path)
    breakage, message = BAD[case]
    breakage(path)
    with pytest.raises(InputError, match=message) as raised:
        read_shapes(path)
    assert str(raised.value).startswith(f"{path}: ") and "\n" not in str(raised.value)


def test_a_missing_file_says_how_to_build_it(tmp_path):
    with pytest.raises(
        InputError, match=r"shapes\.h5: shapes file \(HDF5\) not found \(run `dvc repro`"
    ):
        read_shapes(tmp_path / "shapes.h5")


def test_the_default_dataset_fits_its_budget_and_feeds_one_pass_of_fresh_shapes(
    default_params_raw, tmp_path
):
    from shapegen.config.params import updates_per_pass
    from shapegen.config.validation import parse_params
    from shapegen.data.families import family_weight_array

    params = parse_params(default_params_raw)
    shapes = params.shapes
    weights = {
        "train": family_weight_array(shapes.train_family_weights),
        "test": family_weight_array(shapes.family_weights),
    }
    path = tmp_path / "shapes.h5"
    write_shapes(
        path, make_shapes(shapes.seed, shapes.n_train, shapes.n_test, weights), shapes.seed, weights
    )
    assert path.stat().st_size <= 200e6  # the budget for data/shapes.h5
    read = read_shapes(path)  # every row checked to be a member of its family, in range
    for split, n in (("train", shapes.n_train), ("test", shapes.n_test)):
        assert len(read[split]) == n
        share = np.bincount(read[split].families, minlength=3) / n
        np.testing.assert_allclose(share, weights[split] / weights[split].sum(), atol=0.005)
    # Every shapes variant sees each training shape once: nothing to overfit.
    for variant in params.variants.values():
        if variant.data == "shapes":
            assert variant.train.passes == 1
            updates = updates_per_pass(variant, shapes.n_train)
            assert updates * variant.train.shapes_per_update == shapes.n_train
            assert variant.train.checkpoints[-1] == updates
