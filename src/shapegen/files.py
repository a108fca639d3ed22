"""Atomic writes of the pipeline's small outputs (JSON, TSV, PNG).

Each output is written to a temporary file in its own folder and renamed into
place, so a stage killed midway leaves the previous file or none, never half a file.
"""

import contextlib
import glob
import io
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

# mkstemp creates files readable by the owner only; outputs get the usual mode.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}.tmp-"
    # A writer killed before its rename leaves its temporary file: the next write removes it.
    for stale in path.parent.glob(f"{glob.escape(prefix)}*{glob.escape(path.suffix)}"):
        stale.unlink(missing_ok=True)
    # Keep the suffix: some writers (Keras) check the file extension.
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    temporary.chmod(_FILE_MODE)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write bytes atomically."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def write_json(path: str | Path, values: Mapping[str, Any]) -> None:
    """Write a JSON object atomically, keys in the given order."""
    write_bytes(path, (json.dumps(values, indent=2) + "\n").encode())


def write_tsv(path: str | Path, columns: Mapping[str, Sequence[Any]]) -> None:
    """Write equal-length columns as a tab-separated table with a header row."""
    names = list(columns)
    rows = zip(*(columns[name] for name in names), strict=True)
    lines = ["\t".join(names)] + ["\t".join(_cell(value) for value in row) for row in rows]
    write_bytes(path, ("\n".join(lines) + "\n").encode())


def _cell(value: Any) -> str:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        # 7 significant digits: the float32 precision the model computes in.
        return format(value, ".7g")
    return str(value)


def write_figure(path: str | Path, figure: Any, dpi: int) -> None:
    """Render a matplotlib Figure to a byte-stable PNG (no software or date metadata)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    write_bytes(path, buffer.getvalue())
