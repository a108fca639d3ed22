"""From a model argument (a variant's name or a .keras path) to the Generator that draws
from it: a RectangleGenerator for the rectangles' heads, a ShapeGenerator for the shapes'.
Nothing here imports TensorFlow.
"""

import os
import stat
from pathlib import Path

from shapegen import paths
from shapegen.errors import InputError
from shapegen.sampling.generator import Generator
from shapegen.sampling.model_file import read_network
from shapegen.sampling.network import Network
from shapegen.sampling.rectangle_generator import RectangleGenerator
from shapegen.sampling.shape_generator import ShapeGenerator

MODEL_SUFFIX = ".keras"


def load_generator(model: str | Path) -> Generator:
    """A generator for a trained model: a variant's name (data/models/<name>/model.keras,
    relative to the working directory) or the path of a .keras file shapegen wrote,
    checkpoints included."""
    return generator_for(read_network(model_path(model)), str(model))


def generator_for(network: Network, name: str = "this model") -> Generator:
    """The generator of a network's kind of data; `name` is how its messages call it."""
    if network.head == "categorical":
        return ShapeGenerator(network, name)
    return RectangleGenerator(network, name)


def model_path(model: str | Path) -> Path:
    """The file a model argument names: a path as given (a variant's folder: the model in
    it), else a variant's model. Whether it is a model file is read_network's to say."""
    text = str(model)
    if not text:
        raise InputError(
            f"the model argument is empty; expected a variant's name or a {MODEL_SUFFIX} file"
        )
    path = Path(text)
    kind = _what_is_at(path)
    if kind == "folder":
        inside = path / paths.MODEL_FILE_NAME
        if _what_is_at(inside) is None:
            raise InputError(
                f"{text}: is a folder without {paths.MODEL_FILE_NAME}; expected a variant's "
                f"folder, a variant's name or a {MODEL_SUFFIX} file"
            )
        return inside  # a variant's folder: the model in it
    if kind is not None or not paths.VARIANT_NAME.match(text):
        return path
    path = paths.model_file(text)
    if not paths.MODELS_DIR.is_dir():
        raise InputError(
            f"{text}: no {paths.MODELS_DIR}/ here to find a variant in; expected to run in "
            f"the project's folder, or a {MODEL_SUFFIX} file's path"
        )
    if _what_is_at(path) is None:
        trained = sorted(
            found.parent.name for found in paths.MODELS_DIR.glob(f"*/{paths.MODEL_FILE_NAME}")
        )
        available = ", ".join(trained) if trained else "none here (run `dvc repro`)"
        raise InputError(
            f"{text}: no such model file, and no trained variant {text} ({path}); expected a "
            f"{MODEL_SUFFIX} file or a trained variant: {available}"
        )
    return path


def _what_is_at(path: Path) -> str | None:
    """ "folder", "other" (any other file, the reader checks it) or None: nothing there."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        # A name too long, a loop of links: the system's words, and not a model.
        raise InputError(f"{path}: cannot be read as a model ({error.strerror})") from None
    return "folder" if stat.S_ISDIR(mode) else "other"
