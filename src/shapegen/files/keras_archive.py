"""The `.keras` archive: the members Keras writes, and a save that gives the same bytes for
the same model, whenever it is saved (shapegen.sampling.model_file reads them back
without Keras)."""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from shapegen.files.writing import atomic_path

# A .keras file is a zip archive. Keras stamps it with the save time (metadata.json's
# date_saved, the weights member's zip date) and marks objects shared between layers with
# their memory address (config.json's shared_object_id), so equal models would differ in
# bytes and in their DVC hashes. The dates become the earliest a zip archive can hold; the
# ids are numbered in order of appearance (equal ids stay equal: sharing is kept).
ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)
SAVE_DATE = "1980-01-01@00:00:00"
METADATA_MEMBER = "metadata.json"
CONFIG_MEMBER = "config.json"
WEIGHTS_MEMBER = "model.weights.h5"
SHARED_ID_KEY = "shared_object_id"


def save_model(model: Any, path: str | Path) -> None:
    """Save a model with its optimizer state; loadable with no custom objects.

    The same model gives the same bytes, whenever it is saved.
    """
    with atomic_path(path) as temporary:
        model.save(temporary)
        temporary.write_bytes(stable_archive(temporary.read_bytes()))


def stable_archive(archive: bytes) -> bytes:
    """A .keras archive rewritten without its save time: same members, order and content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == METADATA_MEMBER:
                metadata = json.loads(data)
                # Kept, not dropped: Keras' file editor reads the key.
                metadata["date_saved"] = SAVE_DATE
                data = json.dumps(metadata).encode()
            elif member.filename == CONFIG_MEMBER:
                data = json.dumps(_renumber_shared_ids(json.loads(data), {})).encode()
            fixed = zipfile.ZipInfo(member.filename, date_time=ARCHIVE_DATE)
            fixed.compress_type = member.compress_type
            fixed.create_system = 3  # Unix, whatever platform wrote it
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def _renumber_shared_ids(config: Any, numbers: dict[int, int]) -> Any:
    """The config with each distinct shared_object_id replaced by its order of appearance."""
    if isinstance(config, dict):
        renumbered = {}
        for key, value in config.items():
            if key == SHARED_ID_KEY and isinstance(value, int):
                renumbered[key] = numbers.setdefault(value, len(numbers))
            else:
                renumbered[key] = _renumber_shared_ids(value, numbers)
        return renumbered
    if isinstance(config, list):
        return [_renumber_shared_ids(item, numbers) for item in config]
    return config
