"""Saving and loading `.keras` model files (atomically, and in Keras' safe mode)."""

from pathlib import Path

import keras

from shapegen.errors import InputError
from shapegen.files import atomic_path


def save_model(model: keras.Model, path: str | Path) -> None:
    """Save a model with its optimizer state; loadable with no custom objects."""
    with atomic_path(path) as temporary:
        model.save(temporary)


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
