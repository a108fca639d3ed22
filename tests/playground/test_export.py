"""What the playground stage writes of the models (shapegen.playground.export)."""

import base64
import json

import numpy as np
import pytest

from shapegen.config.validation import load_params
from shapegen.playground.export import (
    GLOBAL_NAME,
    constants,
    encoded_array,
    models_script,
    network_payload,
)

from ..conftest import ROOT
from .conftest import payload_of

# The page's whole size, every variant's weights included (issue: at most 5 MB).
MAX_PAGE_BYTES = 5_000_000


def decoded(encoded: dict) -> np.ndarray:
    data = np.frombuffer(base64.b64decode(encoded["float32"]), dtype="<f4")
    return data.reshape(encoded["shape"])


def test_an_array_travels_as_its_float32_bytes_and_nothing_else():
    weights = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    np.testing.assert_array_equal(decoded(encoded_array(weights)), weights)
    np.testing.assert_array_equal(decoded(encoded_array(weights.astype(np.float64))), weights)
    with pytest.raises(ValueError, match="not float32 numbers"):
        encoded_array(np.array([0.1]))  # float64's 0.1 is no float32 number


def test_the_script_sets_one_global_and_is_the_same_bytes_each_time(payload):
    first = models_script(payload["models"], 0.02)
    assert first == models_script(payload["models"], 0.02)
    body = first.split("\n", 1)[1]
    assert body.startswith(f"var {GLOBAL_NAME} = ") and body.endswith(";\n")
    parsed = payload_of(first)
    assert list(parsed["models"]) == list(payload["models"])
    assert parsed["constants"] == json.loads(json.dumps(constants(0.02)))


def test_every_weight_of_a_network_is_in_its_payload(generators):
    for name, generator in generators.items():
        network = generator.network
        entry = network_payload(network)
        assert sum(np.prod(w["shape"]) for w in entry["weights"].values()) == network.n_parameters
        assert entry["framing"] == network.framing and entry["head"] == network.head, name


def test_the_default_variants_fit_the_pages_budget():
    """Every default variant built at the size params.yaml asks for, its weights as base64
    float32 (4/3 of 4 bytes each); the real page is this and its own few kilobytes."""
    import dataclasses

    from shapegen.model import build_categorical_model, build_model

    params = load_params(ROOT / "params.yaml")
    total = 0.0
    for variant in params.variants.values():
        model = variant.model
        if variant.data == "rectangles":
            mixture = None if model.mixture is None else dataclasses.asdict(model.mixture)
            built = build_model(
                model.units, 1e-3, 0, framing=model.framing, head=model.head, mixture=mixture
            )
        else:
            head = model.categorical
            built = build_categorical_model(
                model.units,
                1e-3,
                0,
                framing=model.framing,
                bins=head.bins,
                embedding_units=head.embedding_units,
                hidden_units=head.hidden_units,
                conditional=head.conditional,
                clip_norm=head.clip_norm,
            )
        total += built.count_params() * 4 * 4 / 3
    assert total < MAX_PAGE_BYTES - 100_000  # room for the page's own files
