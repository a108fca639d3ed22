import numpy as np

from shapegen.chapter import chapter_model, generate_rectangle
from shapegen.generate import generate_rectangles, teacher_forced_predictions
from shapegen.geometry import rectangles_from_sizes


class CornerWalker:
    """A stand-in model that knows the 0.3 x 0.6 rectangle: next corner from the current one."""

    corners = rectangles_from_sizes(np.array([0.3]), np.array([0.6]))[0]

    def __init__(self):
        self.calls = 0

    def __call__(self, inputs, training=False):
        self.calls += 1
        points = inputs[:, 0, :]
        index = np.argmin(np.abs(points[:, None, :] - self.corners[None]).sum(-1), axis=1)
        return self.corners[np.minimum(index + 1, 3)]


def test_generation_feeds_each_prediction_back_in_one_batch():
    model = CornerWalker()
    shapes = generate_rectangles(model, np.zeros((5, 2)))
    assert shapes.shape == (5, 4, 2)
    np.testing.assert_allclose(shapes, np.broadcast_to(CornerWalker.corners, (5, 4, 2)))
    assert model.calls == 3  # one batched call per corner, not one per shape


def test_teacher_forcing_predicts_from_the_true_previous_corner():
    rectangles = rectangles_from_sizes(np.array([0.3, 0.3]), np.array([0.6, 0.6]))
    predictions = teacher_forced_predictions(CornerWalker(), rectangles)
    np.testing.assert_allclose(predictions, rectangles[:, 1:])


def test_batched_generation_equals_the_chapters_predict_loop():
    model = chapter_model()
    ours = generate_rectangles(model, np.zeros((4, 2)))
    np.testing.assert_allclose(
        ours, np.broadcast_to(generate_rectangle(model), (4, 4, 2)), atol=1e-6
    )
