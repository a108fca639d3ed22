"""Small models of every kind the playground page runs, and the payload it reads of them."""

import json
import os
import shutil

import numpy as np
import pytest

from shapegen.model import build_model
from shapegen.playground.export import GLOBAL_NAME, constants, variant_entry

from ..small_models import generator_of, small_categorical_model, small_mixture_model

TOLERANCE = 0.02  # the recogniser's fit tolerance

# Weights scaled up from their initial values and biases moved off 0, so that gates and
# softmaxes leave their near-linear middles as a trained model's do (a wrong term shows),
# and no model sits at a fixed point (an untrained `book` draws every corner at 0, 0).
WEIGHT_SCALE = 3.0
BIAS_SPREAD = 0.3


def scaled(model):
    rng = np.random.default_rng(0)
    model.set_weights(
        [
            weight * WEIGHT_SCALE
            + (BIAS_SPREAD * rng.normal(size=weight.shape) if weight.ndim == 1 else 0)
            for weight in model.get_weights()
        ]
    )
    return model


# Each kind of model the page runs, named as the default variants of its kind are: (its
# data, a builder).
KINDS = {
    "book": ("rectangles", lambda: build_model(4, 1.0e-3, seed=1)),
    "mixture": ("rectangles", lambda: small_mixture_model(seed=2)),
    "mixture_point": ("rectangles", lambda: small_mixture_model(seed=3, framing="point")),
    "families": ("shapes", lambda: small_categorical_model(seed=4, bins=21)),
    "families_conditional": (
        "shapes",
        lambda: small_categorical_model(conditional=True, seed=5),
    ),
    "families_point": ("shapes", lambda: small_categorical_model("point", seed=6)),
}


@pytest.fixture(scope="package")
def generators(tmp_path_factory):
    folder = tmp_path_factory.mktemp("playground_models")
    return {
        name: generator_of(scaled(build()), folder / name) for name, (_, build) in KINDS.items()
    }


@pytest.fixture(scope="package")
def payload(generators):
    models = {
        name: variant_entry(name, KINDS[name][0], generator.network)
        for name, generator in generators.items()
    }
    return {"constants": constants(TOLERANCE), "models": models}


def require(program: str, why: str) -> str:
    """The path of a program the test needs; a skip without it (a failure in CI)."""
    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is not installed: CI {why}")
        pytest.skip(f"{program} is not installed ({why})")
    return found


def payload_of(script: str) -> dict:
    """The payload a models.js sets: its JSON, read past the header line and the `var`."""
    body = script.split("\n", 1)[1]
    return json.loads(body.removeprefix(f"var {GLOBAL_NAME} = ").removesuffix(";\n"))
