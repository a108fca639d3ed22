"""Crafted data files (data/rectangles.h5, data/shapes.h5), read as the stages read them:
through shapegen.stage.run_stage, so a refusal is the stages' one line and status 2."""

import numpy as np
import pytest

from . import craft
from .harness import PYTHON

READ = {
    "rectangles": "from shapegen.data.rectangles_h5 import read_dataset as read",
    "shapes": "from shapegen.data.shapes_h5 import read_shapes as read",
}


def reader(kind: str, path) -> list[str]:
    """The command that reads `path` as a stage does."""
    code = (
        f"import shapegen; from shapegen.stage import run_stage; {READ[kind]}; "
        f"run_stage(lambda: read({str(path)!r}))"
    )
    return [PYTHON, "-c", code]


def template(kind: str, folder):
    if kind == "rectangles":
        return craft.small_rectangles_file(folder / "template.h5")
    return craft.small_shapes_file(folder / "template.h5")


def _secret(folder) -> str:
    path = folder / "secret.bin"
    path.write_bytes(np.zeros(8 * 4 * 2, dtype=np.float64).tobytes())  # reads as rectangles
    return str(path)


def _virtual_source(folder, shape, dtype) -> str:
    import h5py

    path = folder / "source.h5"
    with h5py.File(path, "w") as file:
        file["x"] = np.zeros(shape, dtype=dtype)
    return str(path)


# kind, the array edited, an Edit of the file (given the case's folder), the message.
CASES = {
    "rectangles stored in another file": (
        "rectangles",
        lambda folder: craft.external_storage("train", _secret(folder)),
        r"'train' keeps its values in an external file",
    ),
    "rectangles stored in /dev/zero": (
        "rectangles",
        lambda folder: craft.external_storage("train", "/dev/zero"),
        r"'train' keeps its values in an external file",
    ),
    "rectangles stored in a FIFO": (
        "rectangles",
        lambda folder: craft.external_storage("train", str(craft.make_fifo(folder / "fifo"))),
        r"'train' keeps its values in an external file",
    ),
    "rectangles behind an external link": (
        "rectangles",
        lambda folder: craft.external_link("train", _virtual_source(folder, (8, 4, 2), "f8")),
        r"'train' is reached through an external link",
    ),
    "rectangles a virtual dataset": (
        "rectangles",
        lambda folder: craft.virtual_dataset(
            "train", _virtual_source(folder, (10**6, 4, 2), "f8"), shape=(10**6, 4, 2), dtype="f8"
        ),
        r"'train' is a virtual dataset",
    ),
    "rectangles declaring 1e9 rows": (
        "rectangles",
        lambda folder: craft.huge_dataset("train", (10**9, 4, 2), dtype="<f4", chunks=None),
        r"'train' declares 32,000,000,000 bytes but stores 0",
    ),
    "rectangles compressed": (
        "rectangles",
        lambda folder: craft.compressed("train"),
        r"'train' is a chunked dataset",
    ),
    "rectangles behind a soft link": (
        "rectangles",
        lambda folder: craft.soft_link("train", "/test"),
        r"'train' is reached through a soft link",
    ),
    "rectangles a null dataspace": (
        "rectangles",
        lambda folder: craft.null_dataspace("train"),
        r"'train' holds no array \(a null dataspace\)",
    ),
    "shapes a side of 0": (
        "shapes",
        lambda folder: craft.set_parameter("train", 0, 3, 0.0),
        r"has sides outside \[3, 8\]|is not the",
    ),
    "shapes a side of 5e-324": (
        "shapes",
        lambda folder: craft.set_parameter("train", 0, 3, 5e-324),
        r"has sides outside \[3, 8\]|is not the",
    ),
    "shapes points stored in /dev/zero": (
        "shapes",
        lambda folder: craft.external_storage("train_points", "/dev/zero"),
        r"'train_points' keeps its values in an external file",
    ),
    "shapes parameters declaring 1e9 rows": (
        "shapes",
        lambda folder: craft.huge_dataset("test_parameters", (10**9, 7), "<f8", chunks=None),
        r"'test_parameters' has shape|declares",
    ),
    "shapes points NaN": (
        "shapes",
        lambda folder: craft.filled("train_points", float("nan")),
        r"is not the .* of its parameters",
    ),
    "shapes families vlen": (
        "shapes",
        lambda folder: craft.retyped("train_families", craft.VLEN_DTYPE),
        r"'train_families' has dtype object; expected uint8",
    ),
    "shapes families attribute an array": (
        "shapes",
        lambda folder: craft.set_attr("families", np.arange(3)),
        r"attribute families is int64 of shape \(3,\); expected a string",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_crafted_data_file_is_refused(refuse, tmp_path, case):
    kind, edit, expected = CASES[case]
    path = craft.edited_h5(template(kind, tmp_path), tmp_path / f"{kind}.h5", edit(tmp_path))
    refuse(reader(kind, path), expected, names=[f"{kind}.h5"])


@pytest.mark.parametrize(("kind", "node_type", "key_size"), [("group", 0, 8), ("chunk", 1, 40)])
def test_a_b_tree_that_loops_is_refused_not_a_crash(refuse, tmp_path, kind, node_type, key_size):
    source = template("rectangles", tmp_path)
    if kind == "chunk":
        source = craft.edited_h5(source, tmp_path / "chunked.h5", _chunked("train"))
    path = tmp_path / "rectangles.h5"
    path.write_bytes(craft.btree_self_child(source.read_bytes(), node_type, key_size))
    refuse(reader("rectangles", path), r"HDF5 crashed walking its structure \(SIGSEGV\)")


@pytest.mark.parametrize("kind", ["rectangles", "shapes"])
def test_the_walk_goes_on_past_an_error_to_the_loop_beyond(refuse, tmp_path, kind):
    path = tmp_path / f"{kind}.h5"
    path.write_bytes(craft.broken_attribute_then_loop(template(kind, tmp_path).read_bytes()))
    refuse(reader(kind, path), r"HDF5 crashed walking its structure \(SIGSEGV\)")


def test_a_global_heap_that_would_spin_is_refused_in_seconds(refuse, tmp_path):
    path = tmp_path / "shapes.h5"
    path.write_bytes(craft.global_heap_free_space_zero(template("shapes", tmp_path).read_bytes()))
    refuse(reader("shapes", path), r"HDF5 did not finish walking its structure in 5 s")


def _chunked(name: str):
    def edit(file) -> None:
        values = file[name][()]
        del file[name]
        file.create_dataset(name, data=values, chunks=(1, 4, 2))

    return edit


@pytest.mark.parametrize(
    "label", craft.HOSTILE_FORMAT_VERSIONS, ids=list(craft.HOSTILE_FORMAT_VERSIONS)
)
def test_a_crafted_format_version_is_refused(refuse, tmp_path, label):
    value = craft.HOSTILE_FORMAT_VERSIONS[label]
    edit = value if callable(value) else craft.set_attr("format_version", value)
    path = craft.edited_h5(template("rectangles", tmp_path), tmp_path / "rectangles.h5", edit)
    refuse(reader("rectangles", path), r"format_version", names=["rectangles.h5"])


def _written(path, content: bytes):
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda folder: craft.make_fifo(folder / "d.h5"), r"is a FIFO \(named pipe\)"),
        (lambda folder: craft.make_device_copy(folder / "d.h5", "/dev/zero"), r"character"),
        (lambda folder: (folder / "d.h5").mkdir() or folder / "d.h5", r"is a folder"),
        (lambda folder: _written(folder / "d.h5", b"\x89HDF\r\n"), r"not a readable HDF5"),
    ],
    ids=["FIFO", "device", "folder", "truncated"],
)
def test_a_data_path_that_is_no_hdf5_file_says_what_it_is(refuse, tmp_path, make, expected):
    path = make(tmp_path)
    refuse(reader("rectangles", path), expected)
