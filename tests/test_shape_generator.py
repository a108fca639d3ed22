"""Turtle models: the numpy network and loss against Keras, and drawing shapes from them."""

import keras
import numpy as np
import pytest

from shapegen.errors import InputError
from shapegen.families import FAMILIES, MAX_POINTS, draw_shapes
from shapegen.network import turtle_forward
from shapegen.shape_generator import ShapeGenerator
from shapegen.turtle import frame_shapes, moves_nll

from .models import generator_of, small_turtle_model

SHAPES = draw_shapes(np.random.default_rng(3), 200, np.ones(3))
VARIANTS = [
    ("sequence", False, 0),
    ("sequence", True, 0),
    ("point", False, 0),
    ("sequence", True, 5),
    ("point", False, 5),
]


def keras_turtle_outputs(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    n, steps = inputs.shape[:2]
    if model.input_shape[1] == 1:  # point framing: every step a sequence of its own
        inputs = inputs.reshape(n * steps, 1, -1)
    outputs = keras.ops.convert_to_numpy(model(inputs.astype(np.float32), training=False))
    return outputs.reshape(n, steps, -1)


@pytest.mark.parametrize(("framing", "conditional", "hidden_units"), VARIANTS)
def test_the_numpy_turtle_network_and_loss_equal_keras(
    framing, conditional, hidden_units, tmp_path
):
    model = small_turtle_model(framing, conditional, hidden_units=hidden_units)
    generator = generator_of(model, tmp_path)
    assert isinstance(generator, ShapeGenerator)
    assert generator.network.conditional is conditional
    assert generator.network.hidden_units == hidden_units
    assert generator.network.n_parameters == model.count_params()
    families = SHAPES.families if conditional else None
    inputs, targets = frame_shapes(SHAPES.points, SHAPES.lengths, families)
    ours = turtle_forward(generator.network, inputs)
    theirs = keras_turtle_outputs(model, inputs)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)
    per_shape = moves_nll(targets, ours, generator.network.mixture)
    loss = model.loss.call(
        keras.ops.convert_to_tensor(targets.astype(np.float32)),
        keras.ops.convert_to_tensor(theirs.astype(np.float32)),
    )
    np.testing.assert_allclose(per_shape, keras.ops.convert_to_numpy(loss), rtol=1e-4, atol=1e-3)


def test_drawn_shapes_are_reproducible_and_padded(tmp_path):
    generator = generator_of(small_turtle_model(), tmp_path)
    points, lengths = generator.generate_batch(300, np.random.default_rng(5), 1.0)
    again = generator.generate_batch(300, np.random.default_rng(5), 1.0)
    np.testing.assert_array_equal(points, again[0])
    np.testing.assert_array_equal(lengths, again[1])
    assert points.shape == (300, MAX_POINTS, 2)
    assert lengths.min() >= 0 and lengths.max() <= MAX_POINTS
    after_end = np.arange(MAX_POINTS)[None, :] >= lengths[:, None]
    assert np.all(points[after_end] == 0)
    shapes = generator.sample(50, seed=5)
    assert [len(shape) for shape in shapes] == list(
        generator.generate_batch(50, np.random.default_rng(5), 1.0)[1]
    )


def test_completions_keep_the_given_points_exactly(tmp_path):
    generator = generator_of(small_turtle_model(), tmp_path)
    prefix = np.array([[0.2, 0.3], [0.45, 0.31], [0.5, 0.6]])
    for shape in generator.complete(prefix, 40, seed=1):
        if len(shape) >= len(prefix):
            np.testing.assert_allclose(shape[: len(prefix)], prefix, atol=1e-12)


def test_a_conditional_model_is_asked_for_a_family_and_only_it(tmp_path):
    conditional = generator_of(small_turtle_model(conditional=True), tmp_path)
    unconditional = generator_of(small_turtle_model(seed=1), tmp_path)
    assert len(conditional.sample(5, seed=0, family="regular_polygon")) == 5
    with pytest.raises(InputError, match="expects one of rectangle, rotated_rectangle"):
        conditional.sample(5, seed=0)
    with pytest.raises(InputError, match="'square' is not a family"):
        conditional.sample(5, seed=0, family="square")
    with pytest.raises(InputError, match="not a conditional model"):
        unconditional.sample(5, seed=0, family=FAMILIES[0])


def test_the_family_changes_what_a_conditional_model_draws(tmp_path):
    generator = generator_of(small_turtle_model(conditional=True), tmp_path)
    drawn = [
        generator.generate_batch(100, np.random.default_rng(0), 1.0, np.full(100, family))[0]
        for family in range(len(FAMILIES))
    ]
    assert not np.allclose(drawn[0], drawn[2])
