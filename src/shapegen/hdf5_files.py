"""What shapegen's HDF5 datasets share: opening one, checking its version, one-line errors."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import h5py

from shapegen.errors import InputError

T = TypeVar("T")


def read_versioned(
    path: str | Path, kind: str, format_version: int, read: Callable[[h5py.File], T]
) -> T:
    """Open one of shapegen's HDF5 files, check its format_version, and `read` it.

    `kind` names the file in messages ("rectangles", "shapes"). `read` raises InputError
    for what it finds wrong; any other failure to read is one InputError line too.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found (run `dvc repro` to build the {kind})")
    try:
        with h5py.File(path, "r") as file:
            if "format_version" not in file.attrs:
                raise InputError(
                    f"{path}: no format_version attribute; expected a shapegen {kind} file"
                )
            version = int(file.attrs["format_version"])
            if version > format_version:
                raise InputError(
                    f"{path}: format_version is {version}; this code reads versions up to "
                    f"{format_version} (update shapegen or rebuild the {kind})"
                )
            return read(file)
    except InputError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{path}: not a readable HDF5 {kind} file ({reason})") from None
