"""From a model argument (a variant's name or a .keras path) to the Generator that draws
from it: a RectangleGenerator for the rectangles' heads, a ShapeGenerator for the shapes'.
Nothing here imports TensorFlow.
"""

from pathlib import Path

from shapegen import paths
from shapegen.errors import InputError
from shapegen.generate import RectangleGenerator
from shapegen.generator import Generator
from shapegen.model_files import read_network
from shapegen.network import Network
from shapegen.shape_generator import ShapeGenerator

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
    """The file a model argument names: a .keras path as given, else a variant's model."""
    text = str(model)
    if Path(text).is_dir() and (Path(text) / paths.MODEL_FILE_NAME).is_file():
        return Path(text) / paths.MODEL_FILE_NAME  # a variant's folder: the model in it
    if Path(text).is_file() or not paths.VARIANT_NAME.match(text):
        return Path(text)
    path = paths.model_file(text)
    if not paths.MODELS_DIR.is_dir():
        raise InputError(
            f"{text}: no {paths.MODELS_DIR}/ here to find a variant in; expected to run in "
            f"the project's folder, or a {MODEL_SUFFIX} file's path"
        )
    if not path.is_file():
        trained = sorted(
            found.parent.name for found in paths.MODELS_DIR.glob(f"*/{paths.MODEL_FILE_NAME}")
        )
        available = ", ".join(trained) if trained else "none here (run `dvc repro`)"
        raise InputError(
            f"{text}: no such model file, and no trained variant {text} ({path}); expected a "
            f"{MODEL_SUFFIX} file or a trained variant: {available}"
        )
    return path
