"""The shapes models' evaluation: what it measures, on small models and the true process."""

import numpy as np
import pytest

from shapegen.config.validation import parse_params
from shapegen.data.families import FAMILIES, draw_shapes
from shapegen.evaluation.scoring import (
    HEADLINE_METRICS,
    SHAPES_LEARNING_CURVE_COLUMNS,
    evaluate_shapes_model,
    headline_metrics,
)

from ..small_models import generator_of, small_categorical_model

TEST = draw_shapes(np.random.default_rng(8), 400, np.ones(3))
WEIGHTS = np.ones(3)


N_GENERATED = 300


def settings(default_params_raw):
    return parse_params(default_params_raw).evaluate


def test_an_unconditional_models_metrics_and_their_floors(default_params_raw, tmp_path):
    generator = generator_of(small_categorical_model(), tmp_path)
    metrics = evaluate_shapes_model(
        generator, TEST, settings(default_params_raw), WEIGHTS, N_GENERATED
    )
    assert set(SHAPES_LEARNING_CURVE_COLUMNS) <= set(metrics)
    assert 0 <= metrics["invalid_fraction"] <= 1
    assert sum(metrics["family_share"].values()) + metrics["invalid_fraction"] == pytest.approx(1)
    assert "conditional_accuracy" not in metrics and "requested" not in metrics
    # The floor is a perfect sampler's score: below an untrained model's, above 0.
    assert 0 < metrics["family_tv_floor"] < metrics["family_tv"]
    assert set(metrics["w1_floor"]) == set(FAMILIES)
    again = evaluate_shapes_model(
        generator, TEST, settings(default_params_raw), WEIGHTS, N_GENERATED
    )
    assert again == metrics


def test_a_conditional_model_is_scored_per_requested_family(default_params_raw, tmp_path):
    generator = generator_of(small_categorical_model(conditional=True), tmp_path)
    metrics = evaluate_shapes_model(
        generator, TEST, settings(default_params_raw), WEIGHTS, N_GENERATED
    )
    assert set(metrics["conditional_accuracy_by_family"]) == set(FAMILIES)
    assert 0 <= metrics["conditional_accuracy"] <= 1
    assert set(metrics["requested"]) == set(FAMILIES)
    assert "sides_tv" in metrics["requested"]["regular_polygon"]
    curve_row = evaluate_shapes_model(
        generator, TEST, settings(default_params_raw), WEIGHTS, N_GENERATED, per_family=False
    )
    assert "requested" not in curve_row and "family_tv_floor" not in curve_row


def test_the_headline_is_the_named_part_of_the_full_metrics_in_its_order():
    full = {"heldout_nll": -3.0, "family_tv": 0.1, "invalid_fraction": 0.2, "w1": {"a": 1.0}}
    assert list(headline_metrics(full, "shapes").items()) == [
        ("heldout_nll", -3.0),
        ("invalid_fraction", 0.2),
        ("family_tv", 0.1),
    ]
    # A figure the model lacks (the point head's NLL) is left out, not invented.
    rectangles = headline_metrics({"heldout_mae": 0.1, "width_w1": 0.2}, "rectangles")
    assert rectangles == {"heldout_mae": 0.1, "width_w1": 0.2}
    assert set(HEADLINE_METRICS) == {"rectangles", "shapes"}
