import numpy as np
import pytest

from shapegen.chapter import chapter_model, generate_rectangle
from shapegen.generate import (
    complete_rectangles,
    generate_rectangles,
    point_predictions,
    teacher_forced_outputs,
)
from shapegen.geometry import rectangles_from_sizes, width_prefixes

from .models import small_mixture_model


class CornerWalker:
    """A stand-in point model that knows the 0.3 x 0.6 rectangle: the next corner from one."""

    corners = rectangles_from_sizes(np.array([0.3]), np.array([0.6]))[0]
    input_shape = (None, 1, 2)
    loss = "mae"

    def __init__(self):
        self.calls = 0

    def __call__(self, inputs, training=False):
        self.calls += 1
        points = inputs[:, 0, :]
        index = np.argmin(np.abs(points[:, None, :] - self.corners[None]).sum(-1), axis=1)
        return self.corners[np.minimum(index + 1, 3)]


def test_generation_feeds_each_prediction_back_in_one_batch():
    model = CornerWalker()
    shapes = generate_rectangles(model, 5, np.random.default_rng(0))
    assert shapes.shape == (5, 4, 2)
    np.testing.assert_allclose(shapes, np.broadcast_to(CornerWalker.corners, (5, 4, 2)))
    assert model.calls == 3  # one batched call per corner, not one per shape


def test_teacher_forcing_predicts_from_the_true_previous_corner():
    rectangles = rectangles_from_sizes(np.array([0.3, 0.3]), np.array([0.6, 0.6]))
    outputs = teacher_forced_outputs(CornerWalker(), rectangles)
    np.testing.assert_allclose(point_predictions(CornerWalker(), outputs), rectangles[:, 1:])


def test_batched_generation_equals_the_chapters_predict_loop():
    model = chapter_model()
    ours = generate_rectangles(model, 4, np.random.default_rng(0))
    chapters = generate_rectangle(model)
    np.testing.assert_allclose(ours, np.broadcast_to(chapters, (4, 4, 2)), atol=1e-6)


def test_mixture_samples_are_reproducible_by_seed():
    model = small_mixture_model()
    first = generate_rectangles(model, 200, np.random.default_rng(5))
    again = generate_rectangles(model, 200, np.random.default_rng(5))
    other = generate_rectangles(model, 200, np.random.default_rng(6))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert len(np.unique(first[:, 1, 0])) > 100  # a sampler, not one average shape


def test_samples_collapse_to_the_most_likely_shape_as_the_temperature_goes_to_0():
    model = small_mixture_model()
    spreads = [
        generate_rectangles(model, 500, np.random.default_rng(1), temperature)[:, 1:]
        .std(axis=0)
        .max()
        for temperature in (1.0, 1.0e-2, 1.0e-12)
    ]
    assert spreads[0] > spreads[1] > spreads[2]
    assert spreads[2] < 1.0e-4


@pytest.mark.parametrize("framing", ["point", "sequence"])
def test_primed_generation_keeps_the_given_corners_exactly(framing):
    model = small_mixture_model(seed=2, framing=framing)
    prefixes = width_prefixes(np.array([0.2, 0.5, 0.8, 0.123456789]))
    completed = complete_rectangles(model, prefixes, np.random.default_rng(0))
    np.testing.assert_array_equal(completed[:, :2], prefixes)
    assert np.all(np.isfinite(completed))
