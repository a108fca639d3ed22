"""Small untrained models that tests build again and again."""

from pathlib import Path

import keras

from shapegen.generate import Generator, load_generator
from shapegen.model import build_model
from shapegen.model_files import save_model

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


def small_turtle_model(
    framing: str = "sequence",
    conditional: bool = False,
    seed: int = 0,
    weight_scale: float = 0.3,
    hidden_units: int = 0,
) -> keras.Model:
    """An LSTM(6) turtle model with 3 components per coordinate (and hidden_units in each
    head's ReLU layer). Its zero-started heads get random weights (weight_scale): a test of
    the arithmetic needs every weight to matter."""
    import numpy as np

    from shapegen.model import build_turtle_model
    from shapegen.turtle import N_STEPS

    steps = 1 if framing == "point" else N_STEPS
    means = np.tile(np.linspace(0.2, 0.8, 3), (steps, 2, 1))
    model = build_turtle_model(
        6,
        1.0e-3,
        seed,
        framing=framing,
        mixture={**MIXTURE, "n_components": 3},
        conditional=conditional,
        initial_scale=0.05,
        initial_means=means,
        hidden_units=hidden_units,
    )
    rng = np.random.default_rng(seed)
    for head in ("first_head", "second_head"):
        layer = model.get_layer(head)
        kernel = rng.normal(0, weight_scale, layer.kernel.shape)
        if layer.kernel_mask is not None:
            kernel = kernel * keras.ops.convert_to_numpy(layer.kernel_mask)
        layer.kernel.assign(kernel.astype("float32"))
        layer.bias.assign(
            (layer.bias.numpy() + rng.normal(0, 0.1, layer.bias.shape)).astype("float32")
        )
    for hidden in ("first_hidden", "second_hidden")[: 2 if hidden_units else 0]:
        layer = model.get_layer(hidden)  # biases start at 0: give them values to read
        layer.bias.assign(rng.normal(0, 0.5, layer.bias.shape).astype("float32"))
    return model


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
