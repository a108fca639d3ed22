"""Saving and loading `.keras` model files (atomically, byte-stable, and in Keras' safe mode)."""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import keras

from shapegen.errors import InputError
from shapegen.files import atomic_path
from shapegen.model import model_framing, model_head

# A .keras file is a zip archive. Keras stamps it with the save time (metadata.json's
# date_saved, the weights member's zip date) and marks objects shared between layers with
# their memory address (config.json's shared_object_id), so equal models would differ in
# bytes and in their DVC hashes. The dates become the earliest a zip archive can hold; the
# ids are numbered in order of appearance (equal ids stay equal: sharing is kept).
ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)
SAVE_DATE = "1980-01-01@00:00:00"
METADATA_MEMBER = "metadata.json"
CONFIG_MEMBER = "config.json"
SHARED_ID_KEY = "shared_object_id"


def save_model(model: keras.Model, path: str | Path) -> None:
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


def load_model(path: str | Path) -> keras.Model:
    """Load a model in safe mode (no arbitrary code); InputError if it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: model file not found (run `dvc repro` to train it)")
    try:
        return keras.models.load_model(path, safe_mode=True)
    except (OSError, ValueError, KeyError, TypeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{path}: not a loadable Keras model ({reason})") from None


def model_kind(model: keras.Model) -> dict:
    """What a model is, read off the model: framing, head, LSTM units, mixture components."""
    kind = {
        "framing": model_framing(model),
        "head": model_head(model),
        "units": model.get_layer("lstm").units,
    }
    if kind["head"] == "mixture":
        kind["n_components"] = model.loss.n_components
    return kind


def load_variant_model(path: str | Path, expected: dict) -> keras.Model:
    """Load a model and check it is the variant's (`expected` as model_kind gives it)."""
    model = load_model(path)
    try:
        found = model_kind(model)
    except (AttributeError, IndexError, TypeError, ValueError):
        found = {"model": model.name}
    if found != expected:
        raise InputError(
            f"{path}: holds a model with {_describe(found)}; params.yaml's variant expects "
            f"{_describe(expected)} (run `dvc repro` to retrain it)"
        )
    return model


def _describe(kind: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in kind.items())
