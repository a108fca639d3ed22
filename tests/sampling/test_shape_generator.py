"""The shapes' generator: a categorical model's shapes drawn in blocks, its held-out NLL
on the scored steps only, and the family a conditional model is asked for."""

import numpy as np
import pytest

from shapegen.data.families import FAMILIES, MAX_POINTS, draw_shapes
from shapegen.heads import categorical
from shapegen.sampling import shape_generator
from shapegen.sampling.network import categorical_forward

from ..small_models import generator_of, small_categorical_model

SHAPES = draw_shapes(np.random.default_rng(3), 300, np.ones(3))


@pytest.fixture(scope="module")
def conditional(tmp_path_factory):
    model = small_categorical_model(conditional=True, seed=2)
    return generator_of(model, tmp_path_factory.mktemp("conditional"))


def test_the_heldout_nll_of_the_scored_steps_is_the_full_teacher_forced_one(conditional):
    network = conditional.network
    inputs, targets = categorical.frame_shapes(
        SHAPES.points, SHAPES.lengths, SHAPES.families, network.bins
    )
    full = categorical.shapes_nll(targets, categorical_forward(network, inputs), network.bins)
    ours = conditional.heldout_nll(SHAPES.points, SHAPES.lengths, SHAPES.families)
    assert ours == pytest.approx(float(np.mean(full)), rel=1e-6)


def test_blocks_change_neither_the_heldout_nll_nor_the_shapes_drawn_alike(conditional, monkeypatch):
    families = np.arange(300) % 3
    whole = conditional.heldout_nll(SHAPES.points, SHAPES.lengths, SHAPES.families)
    drawn = conditional.generate_batch(300, np.random.default_rng(1), 1.0, families)
    monkeypatch.setattr(shape_generator, "BLOCK_ROWS", 7)
    assert conditional.heldout_nll(SHAPES.points, SHAPES.lengths, SHAPES.families) == pytest.approx(
        whole, rel=1e-6
    )
    # Smaller blocks draw other shapes from the same generator, but as many, as padded,
    # and as reproducibly.
    small = conditional.generate_batch(300, np.random.default_rng(1), 1.0, families)
    again = conditional.generate_batch(300, np.random.default_rng(1), 1.0, families)
    for a, b in zip(small, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert small[0].shape == drawn[0].shape == (300, MAX_POINTS, 2)
    after_end = np.arange(MAX_POINTS)[None, :] >= small[1][:, None]
    assert np.all(small[0][after_end] == 0)


def test_the_family_changes_what_a_conditional_model_draws(conditional):
    drawn = [
        conditional.generate_batch(200, np.random.default_rng(0), 1.0, np.full(200, family))[0]
        for family in range(len(FAMILIES))
    ]
    assert not np.allclose(drawn[0], drawn[2])


def test_a_shape_still_drawing_after_max_points_moves_ends_there(conditional):
    _, lengths = conditional.generate_batch(
        2000, np.random.default_rng(0), 50.0, np.zeros(2000, int)
    )
    # At a high temperature every class is near equally likely: END is rare at each step.
    assert lengths.max() == MAX_POINTS
    assert lengths.min() >= 0
