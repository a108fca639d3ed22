"""Saving and loading `.keras` model files (atomically, and in Keras' safe mode)."""

from pathlib import Path

import keras

from shapegen.errors import InputError
from shapegen.files import atomic_path
from shapegen.model import model_framing, model_head


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


def model_kind(model: keras.Model) -> dict:
    """What a model is, read off the model: framing, head, LSTM units, mixture components."""
    kind = {
        "framing": model_framing(model),
        "head": model_head(model),
        "units": model.layers[0].units,
    }
    if kind["head"] == "mixture":
        kind["n_components"] = model.loss.n_components
    return kind


def load_variant_model(path: str | Path, expected: dict) -> keras.Model:
    """Load a model and check it is the variant's (`expected` as model_kind gives it)."""
    model = load_model(path)
    try:
        found = model_kind(model)
    except (AttributeError, IndexError, TypeError):
        found = {"model": model.name}
    if found != expected:
        raise InputError(
            f"{path}: holds a model with {_describe(found)}; params.yaml's variant expects "
            f"{_describe(expected)} (run `dvc repro` to retrain it)"
        )
    return model


def _describe(kind: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in kind.items())
