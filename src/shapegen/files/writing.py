"""Atomic writes of the pipeline's small outputs (JSON, TSV, PNG).

Each output is written to a temporary file in its own folder and renamed into
place, so a stage killed midway leaves the previous file or none, never half a file.
"""

import contextlib
import io
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from shapegen.errors import InputError, shown
from shapegen.files.reading import file_kind

# A temporary file's name: its target's name (cut short: a legal target name may be as
# long as the system allows), the writer's process id and a random part, shapegen's mark
# and the target's suffix (Keras checks a file's extension). Only names of this form are
# ever cleaned up, and only once their writer has gone.
_STEM_CHARS = 64
_SUFFIX_CHARS = 16
_MARK = ".shapegen-tmp"
_TEMPORARY = re.compile(
    r"\.(?P<stem>.*)\.(?P<pid>[0-9]+)-[0-9a-f]{16}" + re.escape(_MARK) + r"(?P<suffix>.*)"
)


@contextlib.contextmanager
def atomic_path(path: str | Path, replace_link: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` if the block succeeds.

    `path` must be a regular file or not exist, or a symbolic link where `replace_link`
    (check_target); the temporary file is created anew, with the usual permissions.
    """
    path = Path(path)
    check_target(path, replace_link)
    path.parent.mkdir(parents=True, exist_ok=True)
    stem, suffix = path.name[:_STEM_CHARS], _suffix(path)
    _remove_stale(path.parent, stem, suffix)
    temporary = path.parent / f".{stem}.{os.getpid()}-{secrets.token_hex(8)}{_MARK}{suffix}"
    # O_EXCL: never an existing file (or a link planted at the name); mode as open() gives.
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666))
    try:
        yield temporary
        check_target(path, replace_link)  # again: it may have been replaced while we wrote
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def check_target(path: str | Path, replace_link: bool = False) -> None:
    """InputError unless `path` is a regular file or nothing yet (or, where `replace_link`,
    a symbolic link).

    A device, FIFO or folder is refused, not replaced. A link is never written through:
    that would change the file it points to, with DVC's symlink or hardlink cache a file in
    the cache. The pipeline's own outputs replace a link (DVC's link to its cache, as DVC
    itself replaces it); a path a user names (`--png`) refuses one.
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({error.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        if replace_link:
            return
        raise InputError(
            f"{path}: is a symbolic link (to {shown(os.readlink(path))}); expected a regular "
            "file or a new name (shapegen renames a new file into place: it would replace "
            "the link, not write through it)"
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{path}: is {file_kind(info.st_mode)}; expected a regular file or a new name"
        )


def _suffix(path: Path) -> str:
    return path.suffix if len(path.suffix) <= _SUFFIX_CHARS else ""


def _remove_stale(folder: Path, stem: str, suffix: str) -> None:
    """Remove the temporary files of this target that writers killed before their rename
    left behind: shapegen's names only, regular files only, their writer gone."""
    if not folder.is_dir():
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if (
                match
                and match["stem"] == stem
                and match["suffix"] == suffix
                and entry.is_file(follow_symlinks=False)
                and not _running(int(match["pid"]))
            ):
                Path(entry.path).unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process has no write under way to this target
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**22  # another user's process; an impossible pid is no process
    return True


def write_bytes(path: str | Path, data: bytes, replace_link: bool = True) -> None:
    """Write bytes atomically (atomic_path)."""
    with atomic_path(path, replace_link) as temporary:
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


def write_figure(path: str | Path, figure: Any, dpi: int, replace_link: bool = True) -> None:
    """Render a matplotlib Figure to a byte-stable PNG (no software or date metadata)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    write_bytes(path, buffer.getvalue(), replace_link)
