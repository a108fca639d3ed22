"""The HDF5 rectangles dataset: its format, and reading and writing it.

Layout: one dataset per split at the file's root (`train`, `test`), each float32 of
shape (n, 4, 2) holding the corners BL, BR, TR, TL; attributes on the root give the
format version, the seed and the counts. The same contents give the same bytes.
"""

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import h5py
import numpy as np

from shapegen.data.rectangles import (
    CORNER_NAMES,
    N_CORNERS,
    POINT_DTYPE,
    is_rectangle,
    random_rectangles,
)
from shapegen.errors import InputError
from shapegen.files.hdf5 import REBUILD, read_array, read_integer_attribute, read_versioned
from shapegen.files.writing import atomic_path

FORMAT_VERSION = 1
SPLITS = ("train", "test")


@dataclasses.dataclass(frozen=True)
class Dataset:
    """The train and test rectangles and the seed they were drawn from."""

    train: np.ndarray
    test: np.ndarray
    seed: int


def make_dataset(seed: int, n_train: int, n_test: int) -> Dataset:
    """Draw both splits from one seed, each from its own independent stream.

    Separate streams keep the test split fixed when n_train changes, and the first
    k training rectangles fixed for any n_train.
    """
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(len(SPLITS))
    train = random_rectangles(np.random.default_rng(train_seed), n_train)
    test = random_rectangles(np.random.default_rng(test_seed), n_test)
    return Dataset(train=train, test=test, seed=seed)


def write_dataset(path: str | Path, dataset: Dataset) -> None:
    """Write the dataset atomically, byte-identical for identical contents."""
    with atomic_path(path) as temporary, h5py.File(temporary, "w") as file:
        file.attrs["format_version"] = FORMAT_VERSION
        file.attrs["seed"] = dataset.seed
        file.attrs["corners"] = ",".join(CORNER_NAMES)
        for split in SPLITS:
            points = getattr(dataset, split)
            file.attrs[f"n_{split}"] = points.shape[0]
            # track_times=False: no creation time in the file, so bytes are stable.
            file.create_dataset(split, data=points, track_times=False)


def read_dataset(path: str | Path, rows: Mapping[str, int] | None = None) -> Dataset:
    """Read and check the dataset; raise InputError naming the file and the problem.

    rows: each split's count as params.yaml sets it (`dataset.n_<split>`), checked before
    the split is read; None: any count."""

    def read(file: h5py.File, source: str) -> Dataset:
        splits = {split: _read_split(source, file, split, rows) for split in SPLITS}
        seed = read_integer_attribute(file, "seed", source) if "seed" in file.attrs else -1
        return Dataset(**splits, seed=seed)

    return read_versioned(path, "rectangles", FORMAT_VERSION, read, (["seed"], SPLITS))


def _read_split(
    source: str, file: h5py.File, split: str, rows: Mapping[str, int] | None
) -> np.ndarray:
    count = None if rows is None else rows[split]
    hint = "" if rows is None else f" (params.yaml's dataset.n_{split}; {REBUILD})"
    points = read_array(file, split, source, [POINT_DTYPE], (count, N_CORNERS, 2), hint)
    if len(points) == 0:
        raise InputError(
            f"{source}: '{split}' has shape {points.shape}; expected (n, {N_CORNERS}, 2) with "
            "n >= 1"
        )
    if not np.all(np.isfinite(points)):
        raise InputError(f"{source}: '{split}' holds non-finite values; expected finite points")
    broken = ~is_rectangle(points)
    if np.any(broken):
        row = int(np.argmax(broken))
        raise InputError(
            f"{source}: '{split}' row {row} is not a rectangle ({points[row].tolist()}); expected "
            "corners BL = [0, 0], BR = [w, 0], TR = [w, h], TL = [0, h] with w, h in [0, 1)"
        )
    return points
