"""Reading HDF5 files that may be hostile: shapegen's datasets and the weights in a model.

HDF5 can point outside the file it is in: an external link opens another file, external
storage reads a dataset's bytes from any file (a FIFO would hang), a virtual dataset maps
other files in; and a dataset may declare any shape while storing nothing. So a name is
followed only through hard links, and an array is read only once its dtype, shape and
storage are what was expected and its bytes are all in the file itself, in one piece:
what a read can cost is bounded by the file's size (and by params.yaml's counts, where a
stage gives them). HDF5 itself trusts a file's structure and can crash or spin on a
crafted one: the reader's lookups are first done by a process of its own
(check_structure). Every refusal is an InputError naming the file.
"""

import contextlib
import io
import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

import h5py
import numpy as np

from shapegen.errors import InputError, shown
from shapegen.files.reading import open_input, reading

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
    path: str | Path,
    kind: str,
    format_version: int,
    read: Callable[[h5py.File, str], T],
    lookups: tuple[Sequence[str], Sequence[str]],
) -> T:
    """Open one of shapegen's HDF5 files, check its format_version, and `read` it.

    `kind` names the file in messages ("rectangles", "shapes"). `read` gets the file and
    its name for messages and raises InputError for what it finds wrong; any other failure
    is one InputError line too. `lookups`: the root attributes and the arrays `read` looks
    up (check_structure).
    """
    path = Path(path)
    what = f"HDF5 {kind} file"
    missing = f" (run `dvc repro` to build the {kind})"
    with (
        reading(path, what),
        open_input(path, f"{kind} file (HDF5)", _ANY_SIZE, missing) as handle,
        open_hdf5(handle, str(path), what, ["format_version", *lookups[0]], lookups[1]) as file,
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
# bounded by the file's own size (read_array) and the stages' counts, not by a cap on it.
_ANY_SIZE = 2**62


# HDF5 trusts a file's structure: a B-tree whose node points back at itself sends it into
# endless recursion, and the process dies of it (SIGSEGV), with no error to catch; a global
# heap whose free space declares 0 bytes makes it spin. So a process of its own first does
# every lookup the reader will do, in the same order: the attributes it reads (by value)
# and each array's path, link by link, with its shape, type and storage. Each lookup's
# error is passed over (the reader meets it again and says so); only a crash or a hang,
# which the reader could not survive, is this walk's to report.
_WALK = """
import io, json, sys
import h5py

def quietly(action):
    try:
        return action()
    except Exception:
        return None

def node_at(file, name):
    node = file
    for part in name.split("/"):
        link = quietly(lambda: node.get(part, getlink=True))
        if not isinstance(link, h5py.HardLink):
            return None
        node = quietly(lambda: node[part])
    return node

def look(node):
    for action in (
        lambda: node.shape,
        lambda: node.dtype,
        lambda: node.id.get_create_plist().get_layout(),
        lambda: node.id.get_create_plist().get_external_count(),
        lambda: node.id.get_storage_size(),
    ):
        quietly(action)

descriptor, attributes, names = int(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
if descriptor < 0:
    handle = io.BytesIO(sys.stdin.buffer.read())
else:
    handle = open(descriptor, "rb", closefd=False)
    handle.seek(0)
file = quietly(lambda: h5py.File(handle, "r"))
if file is not None:
    for name in attributes:
        if quietly(lambda: name in file.attrs):
            quietly(lambda: file.attrs.get_id(name).dtype)
            quietly(lambda: file.attrs[name])
    for name in names:
        node = node_at(file, name)
        if isinstance(node, h5py.Dataset):
            look(node)
"""
# A walk takes a tenth of a second (mostly starting Python); one that takes this long is
# HDF5 looping on the file.
WALK_SECONDS = 5


def check_structure(
    handle: BinaryIO, source: str, attributes: Sequence[str], names: Sequence[str]
) -> None:
    """InputError if HDF5 crashes or hangs doing the reader's lookups in an open file: the
    root `attributes` it reads and the arrays at `names` (a file held in memory is sent
    whole; a file on disk is shared by its descriptor)."""
    in_memory = isinstance(handle, io.BytesIO)
    descriptor = -1 if in_memory else handle.fileno()
    lookups = [json.dumps(list(attributes)), json.dumps(list(names))]
    try:
        walk = subprocess.run(
            [sys.executable, "-c", _WALK, str(descriptor), *lookups],
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
def open_hdf5(
    handle: BinaryIO, source: str, what: str, attributes: Sequence[str], names: Sequence[str]
) -> Iterator[h5py.File]:
    """An HDF5 file read from an open file (never reopened by name), once the lookups its
    reader will do (root `attributes`, arrays at `names`) run safely: check_structure.
    What HDF5 itself reports while it is read (bytes that are not HDF5, damaged metadata
    or data) is one InputError: `<source>: not a readable <what> (<HDF5's reason>)`."""
    check_structure(handle, source, attributes, names)
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
    count of rows (shape[0]: where that count comes from)."""
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
        for found, length in zip(node.shape[1:], shape[1:], strict=True)
    ):
        wanted = "(" + ", ".join("n" for _ in shape[:1])
        wanted += "".join(f", {length}" for length in shape[1:]) + ("," if len(shape) == 1 else "")
        raise InputError(f"{source}: '{name}' has shape {node.shape}; expected {wanted})")
    if shape and shape[0] is not None and node.shape[0] != shape[0]:
        raise InputError(
            f"{source}: '{name}' holds {node.shape[0]:,} rows; expected {shape[0]:,}{hint}"
        )
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
