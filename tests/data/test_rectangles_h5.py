import time

import h5py
import numpy as np
import pytest

from shapegen.data.rectangles_h5 import FORMAT_VERSION, make_dataset, read_dataset, write_dataset
from shapegen.errors import InputError


def test_splits_have_the_chapters_corners():
    dataset = make_dataset(seed=5, n_train=1000, n_test=200)
    assert dataset.train.shape == (1000, 4, 2)
    assert dataset.test.shape == (200, 4, 2)
    for points in (dataset.train, dataset.test):
        np.testing.assert_array_equal(points[:, 0], 0)  # BL at the origin
        np.testing.assert_array_equal(points[:, 1, 1], 0)  # BR on the x axis
        np.testing.assert_array_equal(points[:, 2, 0], points[:, 1, 0])  # TR = (w, h)
        np.testing.assert_array_equal(points[:, 2, 1], points[:, 3, 1])
        np.testing.assert_array_equal(points[:, 3, 0], 0)  # TL on the y axis
        assert points.min() >= 0 and points.max() < 1


def test_the_test_split_does_not_depend_on_n_train():
    small = make_dataset(seed=5, n_train=10, n_test=50)
    large = make_dataset(seed=5, n_train=1000, n_test=50)
    np.testing.assert_array_equal(small.test, large.test)
    np.testing.assert_array_equal(small.train, large.train[:10])


def test_the_same_seed_gives_identical_arrays_and_file_bytes(tmp_path):
    first, second = tmp_path / "a.h5", tmp_path / "b.h5"
    write_dataset(first, make_dataset(seed=11, n_train=500, n_test=100))
    # HDF5 stamps objects with times in whole seconds: write the second file a second later.
    time.sleep(1.1)
    write_dataset(second, make_dataset(seed=11, n_train=500, n_test=100))
    assert first.read_bytes() == second.read_bytes()
    np.testing.assert_array_equal(read_dataset(first).train, read_dataset(second).train)


def test_another_seed_differs():
    first = make_dataset(seed=11, n_train=100, n_test=10)
    other = make_dataset(seed=12, n_train=100, n_test=10)
    assert not np.array_equal(first.train, other.train)
    assert not np.array_equal(first.test, other.test)


def test_round_trip_keeps_points_and_attributes(tmp_path):
    path = tmp_path / "rectangles.h5"
    dataset = make_dataset(seed=3, n_train=40, n_test=20)
    write_dataset(path, dataset)
    loaded = read_dataset(path)
    np.testing.assert_array_equal(loaded.train, dataset.train)
    np.testing.assert_array_equal(loaded.test, dataset.test)
    assert loaded.seed == 3
    with h5py.File(path) as file:
        assert file.attrs["format_version"] == FORMAT_VERSION
        assert (file.attrs["n_train"], file.attrs["n_test"]) == (40, 20)


def test_a_missing_or_foreign_file_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"rectangles file \(HDF5\) not found"):
        read_dataset(tmp_path / "absent.h5")
    text = tmp_path / "text.h5"
    text.write_text("not hdf5")
    with pytest.raises(InputError, match="not a readable HDF5"):
        read_dataset(text)


def test_a_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "rectangles.h5"
    write_dataset(path, make_dataset(seed=3, n_train=4, n_test=2))
    with h5py.File(path, "r+") as file:
        file.attrs["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(InputError, match="format_version"):
        read_dataset(path)
