"""Small untrained models that tests build again and again."""

from pathlib import Path

import keras

from shapegen.files.keras_archive import save_model
from shapegen.model import build_model
from shapegen.sampling.generator import Generator
from shapegen.sampling.loading import load_generator

MIXTURE = {
    "n_components": 2,
    "support": "unit_square",
    "scale_floor": 1.0e-3,
    "scale_ceiling": 12.0,
}


def small_mixture_model(seed: int = 0, framing: str = "sequence") -> keras.Model:
    """An LSTM(6) with a 2-component truncated mixture head, weights from `seed`."""
    return build_model(
        units=6,
        learning_rate=1.0e-3,
        seed=seed,
        framing=framing,
        head="mixture",
        mixture=MIXTURE,
    )


def generator_of(model: keras.Model, folder: Path) -> Generator:
    """The numpy Generator of a Keras model, through its saved file (as the pipeline reads it)."""
    path = folder / f"{model.name}.keras"
    save_model(model, path)
    return load_generator(path)


def small_categorical_model(
    framing: str = "sequence", conditional: bool = False, seed: int = 0, bins: int = 11
) -> keras.Model:
    """An LSTM(6) model with a categorical head of `bins` bins, embeddings of 4 and ReLU
    layers of 5."""
    from shapegen.model import build_categorical_model

    return build_categorical_model(
        6,
        1.0e-3,
        seed,
        framing=framing,
        bins=bins,
        embedding_units=4,
        hidden_units=5,
        conditional=conditional,
        clip_norm=1.0,
    )
