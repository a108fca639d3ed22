"""The HDF5 shapes dataset (data/shapes.h5): three families of 3 to 8 points.

Layout: for each split (`train`, `test`), four datasets at the root, named
`<split>_<array>`: `points` float64 (n, MAX_POINTS, 2) zero-padded after each shape's
length, `lengths` uint8 (n,), `families` uint8 (n,) indexing the root attribute
`families`, and `parameters` float64 (n, len(PARAMETERS)), NaN where a family has no such
parameter (root attribute `parameters` names the columns). Root attributes also give the
format version, the seed and each split's family weights (`<split>_family_weights`). No
groups: HDF5 stamps a group with its creation time, and the same contents must give the
same bytes. Reading checks every shape
against its parameters: a file that reads is a file of family members.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

import h5py
import numpy as np

from shapegen.data.families import (
    FAMILIES,
    MAX_POINTS,
    PARAMETERS,
    ShapeBatch,
    draw_shapes,
    parameter_problems,
    shape_points,
)
from shapegen.errors import InputError, shown
from shapegen.files.hdf5 import REBUILD, read_array, read_text_attribute, read_versioned
from shapegen.files.writing import atomic_path

FORMAT_VERSION = 1
SPLITS = ("train", "test")
TEXT_ATTRIBUTES = ("families", "parameters")  # each a comma-separated list of names
ARRAYS = {  # name: (dtype, shape after n)
    "points": (np.float64, (MAX_POINTS, 2)),
    "lengths": (np.uint8, ()),
    "families": (np.uint8, ()),
    "parameters": (np.float64, (len(PARAMETERS),)),
}
# Points are recomputed from the stored parameters on read; libm's sin and cos may
# differ in the last bit between platforms.
POINT_TOLERANCE = 1e-9


def make_shapes(
    seed: int, n_train: int, n_test: int, weights: dict[str, np.ndarray]
) -> dict[str, ShapeBatch]:
    """Both splits from one seed, each from its own stream and with its own family weights
    (`weights[split]`): the test split does not change with n_train, and the first k
    training shapes not with n_train either."""
    streams = np.random.SeedSequence(seed).spawn(len(SPLITS))
    counts = {"train": n_train, "test": n_test}
    return {
        split: draw_shapes(np.random.default_rng(stream), counts[split], weights[split])
        for split, stream in zip(SPLITS, streams, strict=True)
    }


def write_shapes(
    path: str | Path, splits: dict[str, ShapeBatch], seed: int, weights: dict[str, np.ndarray]
) -> None:
    """Write the splits atomically, byte-identical for identical contents."""
    with atomic_path(path) as temporary, h5py.File(temporary, "w") as file:
        file.attrs["format_version"] = FORMAT_VERSION
        file.attrs["seed"] = seed
        file.attrs["families"] = ",".join(FAMILIES)
        file.attrs["parameters"] = ",".join(PARAMETERS)
        for split in SPLITS:
            file.attrs[f"{split}_family_weights"] = np.asarray(weights[split], dtype=np.float64)
        for split in SPLITS:
            for name, (dtype, _) in ARRAYS.items():
                # track_times=False: no creation time in the file, so bytes are stable.
                file.create_dataset(
                    f"{split}_{name}",
                    data=getattr(splits[split], name).astype(dtype),
                    track_times=False,
                )


def read_shapes(
    path: str | Path, splits: Sequence[str] = SPLITS, rows: Mapping[str, int] | None = None
) -> dict[str, ShapeBatch]:
    """Read and check the splits (both by default); InputError naming the file and the
    problem. rows: each split's count as params.yaml sets it (`shapes.n_<split>`), checked
    before the split is read; None: any count."""

    def read(file: h5py.File, source: str) -> dict[str, ShapeBatch]:
        for name, expected in zip(TEXT_ATTRIBUTES, (FAMILIES, PARAMETERS), strict=True):
            found = read_text_attribute(file, name, source) or ""
            if found != ",".join(expected):
                raise InputError(
                    f"{source}: {name} attribute is {shown(found)}; expected {','.join(expected)}"
                )
        return {split: _read_split(source, file, split, rows) for split in splits}

    arrays = [f"{split}_{name}" for split in splits for name in ARRAYS]
    return read_versioned(path, "shapes", FORMAT_VERSION, read, (TEXT_ATTRIBUTES, arrays))


def _read_split(
    source: str, file: h5py.File, split: str, rows: Mapping[str, int] | None
) -> ShapeBatch:
    count = None if rows is None else rows[split]
    hint = "" if rows is None else f" (params.yaml's shapes.n_{split}; {REBUILD})"
    arrays = {
        name: read_array(file, f"{split}_{name}", source, [dtype], (count, *shape), hint)
        for name, (dtype, shape) in ARRAYS.items()
    }
    counts = {array.shape[0] for array in arrays.values()}
    if len(counts) != 1 or 0 in counts:
        raise InputError(
            f"{source}: '{split}' arrays hold {sorted(counts)} rows; expected the same n >= 1"
        )
    batch = ShapeBatch(**arrays)
    _check_members(source, split, batch)
    return batch


def _check_members(path: str, split: str, batch: ShapeBatch) -> None:
    """Every row is a member of its family: its parameters in range, its points theirs."""
    families = batch.families.astype(np.int64)
    unknown = families >= len(FAMILIES)
    if unknown.any():
        row = int(np.argmax(unknown))
        raise InputError(
            f"{path}: '{split}' row {row} has family {families[row]}; expected 0 to "
            f"{len(FAMILIES) - 1} ({', '.join(FAMILIES)})"
        )
    problems = parameter_problems(families, batch.parameters)
    row = next((row for row, problem in enumerate(problems) if problem), None)
    if row is not None:
        raise InputError(
            f"{path}: '{split}' row {row} ({FAMILIES[families[row]]}) has {problems[row]} "
            f"({_named(batch.parameters[row])}); expected a member of its family"
        )
    points, lengths = shape_points(families, batch.parameters)
    # Written as "not within", so that a NaN point is off too.
    off = (lengths != batch.lengths) | np.any(
        ~(np.abs(points - batch.points) <= POINT_TOLERANCE), axis=(1, 2)
    )
    if off.any():
        row = int(np.argmax(off))
        raise InputError(
            f"{path}: '{split}' row {row} is not the {FAMILIES[families[row]]} of its "
            f"parameters ({_named(batch.parameters[row])}); expected its {lengths[row]} "
            "points, zero-padded"
        )


def _named(row: np.ndarray) -> str:
    values = zip(PARAMETERS, row, strict=True)
    return ", ".join(f"{name} {value:.6g}" for name, value in values if not np.isnan(value))
