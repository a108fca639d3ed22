"""Reading HDF5 files that may be hostile: shapegen's datasets and the weights in a model.

HDF5 can point outside the file it is in: an external link opens another file, external
storage reads a dataset's bytes from any file (a FIFO would hang), a virtual dataset maps
other files in; and a dataset may declare any shape while storing nothing. So a name is
followed only through hard links, and an array is read only once its dtype, shape and
storage are what was expected and its bytes are all in the file itself: what a read can
cost is bounded by the file's size. Every refusal is an InputError naming the file.
"""

import contextlib
import io
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

import h5py
import numpy as np

from shapegen.errors import InputError, shown
from shapegen.input_files import open_input, reading

T = TypeVar("T")
REBUILD = "run `dvc repro` to rebuild it"
# A dataset's shape: a number per axis, or None where any length is allowed.
Shape = Sequence[int | None]
_LAYOUTS = {
    h5py.h5d.COMPACT: "compact",
    h5py.h5d.CONTIGUOUS: "contiguous",
    h5py.h5d.CHUNKED: "chunked",
    h5py.h5d.VIRTUAL: "virtual",
}


def read_versioned(
    path: str | Path, kind: str, format_version: int, read: Callable[[h5py.File, str], T]
) -> T:
    """Open one of shapegen's HDF5 files, check its format_version, and `read` it.

    `kind` names the file in messages ("rectangles", "shapes"). `read` gets the file and
    its name for messages and raises InputError for what it finds wrong; any other failure
    is one InputError line too.
    """
    path = Path(path)
    what = f"HDF5 {kind} file"
    missing = f" (run `dvc repro` to build the {kind})"
    with (
        reading(path, what),
        open_input(path, f"{kind} file (HDF5)", _ANY_SIZE, missing) as handle,
        open_hdf5(handle, str(path), what) as file,
    ):
        if "format_version" not in file.attrs:
            raise InputError(
                f"{path}: no format_version attribute; expected a shapegen {kind} file"
            )
        version = read_integer_attribute(file, "format_version", str(path))
        if version > format_version:
            raise InputError(
                f"{path}: format_version is {version}; this code reads versions up to "
                f"{format_version} (update shapegen or rebuild the {kind})"
            )
        return read(file, str(path))


# The datasets' files may be as large as params.yaml makes them: what a read costs is
# bounded by the file's own size (read_array), not by a cap on it.
_ANY_SIZE = 2**62


# HDF5 trusts a file's structure: a B-tree whose node points back at itself sends it into
# endless recursion, and the process dies of it (SIGSEGV), with no error to catch. So the
# structure is first walked by a process of its own: every object reached by hard links,
# its shape, type, storage and attributes' types (no values). The walk is all HDF5's
# metadata a reader here touches; the data it reads after is in one contiguous piece.
_WALK = """
import io, sys
import h5py

def touch(name, node):
    for key in node.attrs:
        attribute = node.attrs.get_id(key)
        attribute.shape
        try:
            attribute.dtype
        except TypeError:
            pass
    if isinstance(node, h5py.Dataset):
        node.shape
        node.id.get_create_plist().get_layout()

descriptor = int(sys.argv[1])
if descriptor < 0:
    handle = io.BytesIO(sys.stdin.buffer.read())
else:
    handle = open(descriptor, "rb", closefd=False)
    handle.seek(0)
try:
    with h5py.File(handle, "r") as file:
        touch("/", file)
        file.visititems(touch)
except Exception:
    pass  # an error, not a crash: the reader meets it again and says so
"""
WALK_SECONDS = 60


def check_structure(handle: BinaryIO, source: str) -> None:
    """InputError if HDF5 crashes (or hangs) walking the structure of an open file (a
    file held in memory is sent whole; a file on disk is shared by its descriptor)."""
    in_memory = isinstance(handle, io.BytesIO)
    descriptor = -1 if in_memory else handle.fileno()
    try:
        walk = subprocess.run(
            [sys.executable, "-c", _WALK, str(descriptor)],
            input=handle.getvalue() if in_memory else b"",
            pass_fds=() if in_memory else (descriptor,),
            capture_output=True,
            timeout=WALK_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"{source}: HDF5 did not finish walking its structure in {WALK_SECONDS} s; "
            "expected a file HDF5 can read"
        ) from None
    if walk.returncode < 0:
        name = signal.Signals(-walk.returncode).name
        raise InputError(
            f"{source}: HDF5 crashed walking its structure ({name}); expected a file HDF5 can "
            "read (a damaged or crafted file)"
        )


@contextlib.contextmanager
def open_hdf5(handle: BinaryIO, source: str, what: str) -> Iterator[h5py.File]:
    """An HDF5 file read from an open file (never reopened by name), once its structure
    walks safely (check_structure). What HDF5 itself reports while it is read (bytes that
    are not HDF5, damaged metadata or data) is one InputError: `<source>: not a readable
    <what> (<HDF5's reason>)`."""
    check_structure(handle, source)
    try:
        with h5py.File(handle, "r") as file:
            yield file
    except InputError:
        raise
    except (OSError, KeyError, ValueError, RuntimeError, OverflowError) as error:
        # OverflowError: h5py's file-object driver, given a damaged superblock's addresses.
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{source}: not a readable {what} ({shown(reason)})") from None


def dataset(file: h5py.File, name: str, source: str) -> h5py.Dataset | None:
    """The dataset at `name` reached through hard links only; None if there is none."""
    node: h5py.Group | h5py.Dataset = file
    for part in name.split("/"):
        if not isinstance(node, h5py.Group):
            return None
        link = node.get(part, getlink=True)
        if link is None:
            return None
        if not isinstance(link, h5py.HardLink):
            kind = {h5py.SoftLink: "a soft link", h5py.ExternalLink: "an external link"}
            found = kind.get(type(link), "a user-defined link")
            raise InputError(
                f"{source}: '{name}' is reached through {found}; expected objects in the file"
            )
        node = node[part]
    return node if isinstance(node, h5py.Dataset) else None


def read_array(
    file: h5py.File, name: str, source: str, dtypes: Sequence, shape: Shape, hint: str = ""
) -> np.ndarray:
    """The array at `name`, once its dtype is one of `dtypes`, its shape matches `shape`
    and its bytes are all stored in the file, unfiltered; `hint` ends a message about its
    shape (where the shape comes from)."""
    node = dataset(file, name, source)
    if node is None:
        raise InputError(f"{source}: no dataset '{name}'; expected one")
    check_storage(node, name, source)
    expected = [np.dtype(dtype) for dtype in dtypes]
    found = _dtype(node, source, f"'{name}'")
    if found not in expected:
        allowed = " or ".join(str(dtype) for dtype in expected)
        raise InputError(f"{source}: '{name}' has dtype {found}; expected {allowed}")
    if len(node.shape) != len(shape) or any(
        length is not None and found != length
        for found, length in zip(node.shape, shape, strict=True)
    ):
        wanted = "(" + ", ".join("n" if length is None else str(length) for length in shape) + ")"
        raise InputError(f"{source}: '{name}' has shape {node.shape}; expected {wanted}{hint}")
    stored = node.id.get_storage_size()
    if stored < node.nbytes:
        raise InputError(
            f"{source}: '{name}' declares {node.nbytes:,} bytes but stores {stored:,}; "
            "expected every value in the file"
        )
    return node[()]


def _dtype(node: h5py.Dataset | h5py.h5a.AttrID, source: str, what: str) -> np.dtype:
    """The numpy dtype of a dataset or attribute; InputError for an HDF5 type numpy has no
    dtype for (a 128-bit integer, say)."""
    try:
        return node.dtype
    except TypeError as error:
        raise InputError(
            f"{source}: {what} has an HDF5 type numpy cannot read ({shown(str(error))}); "
            "expected numbers"
        ) from None


def check_storage(node: h5py.Dataset, name: str, source: str) -> None:
    """The dataset is an array whose bytes are in this file, in one piece: no null
    dataspace, virtual dataset, external storage or chunks (so no filter: filters need
    chunks). shapegen and Keras write none of them; a filter's output is not bounded by the
    file, and HDF5 follows a chunk index's B-tree without checking it for loops (a crafted
    one crashes it)."""
    if node.shape is None:
        raise InputError(f"{source}: '{name}' holds no array (a null dataspace); expected one")
    plist = node.id.get_create_plist()
    layout = plist.get_layout()
    if layout not in (h5py.h5d.CONTIGUOUS, h5py.h5d.COMPACT):
        raise InputError(
            f"{source}: '{name}' is a {_LAYOUTS.get(layout, 'unknown')} dataset; expected its "
            "values stored in the file in one piece (contiguous)"
        )
    if plist.get_external_count():
        raise InputError(
            f"{source}: '{name}' keeps its values in an external file; expected them in the file"
        )


def read_integer_attribute(file: h5py.File | h5py.Group, name: str, source: str) -> int:
    """A whole-number scalar attribute, checked before it is read."""
    attribute = file.attrs.get_id(name)
    dtype = _dtype(attribute, source, f"attribute {name}")
    if dtype.kind not in "iu" or attribute.shape not in ((), (1,)):
        raise InputError(
            f"{source}: attribute {name} is {dtype} of shape {attribute.shape}; "
            "expected a whole number"
        )
    return int(np.asarray(file.attrs[name]).reshape(()))


def read_text_attribute(file: h5py.File | h5py.Group, name: str, source: str) -> str | None:
    """A string scalar attribute (None if absent), checked before it is read."""
    if name not in file.attrs:
        return None
    attribute = file.attrs.get_id(name)
    dtype = _dtype(attribute, source, f"attribute {name}")
    if h5py.check_string_dtype(dtype) is None or attribute.shape != ():
        raise InputError(
            f"{source}: attribute {name} is {dtype} of shape {attribute.shape}; expected a string"
        )
    value = file.attrs[name]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def read_float_attribute(
    file: h5py.File | h5py.Group, name: str, source: str, shape: tuple[int, ...]
) -> np.ndarray | None:
    """A finite float attribute of `shape` (None if absent), checked before it is read."""
    if name not in file.attrs:
        return None
    attribute = file.attrs.get_id(name)
    dtype = _dtype(attribute, source, f"attribute {name}")
    if dtype.kind != "f" or attribute.shape != shape:
        raise InputError(
            f"{source}: attribute {name} is {dtype} of shape {attribute.shape}; "
            f"expected floats of shape {shape}"
        )
    value = np.asarray(file.attrs[name], dtype=np.float64)
    if not np.all(np.isfinite(value)):
        raise InputError(
            f"{source}: attribute {name} holds {shown(value.tolist())}; expected finite numbers"
        )
    return value
