"""Running a trained model: teacher-forced outputs, and generation by feeding points back.

Works for every framing and head (shapegen.model), read off the model itself: a model
whose input has one time step sees only the current point (the chapter); one with a
sequence input sees all the corners so far. A mixture head is sampled with a generator
passed in, at a temperature; a point head is deterministic.
The model is called directly on whole batches: `model.predict` on one point costs ~70 ms
of overhead, a direct call on 10,000 points about a millisecond.
"""

import keras
import numpy as np

from shapegen.geometry import FRAMINGS, N_CORNERS, N_STEPS, POINT_DTYPE
from shapegen.mixture import mixture_mean, sample_mixture
from shapegen.model import model_framing, model_head


def next_point_outputs(model: keras.Model, points: np.ndarray) -> np.ndarray:
    """The model's raw outputs (n, p) for the next corner after points (n, t, 2)."""
    points = np.asarray(points, dtype=POINT_DTYPE)
    if model_framing(model) == "point":
        return keras.ops.convert_to_numpy(model(points[:, -1:, :], training=False))
    # The LSTM is causal: corners not drawn yet (zeros) do not change earlier outputs.
    padded = np.zeros((points.shape[0], N_STEPS, 2), dtype=POINT_DTYPE)
    steps = min(points.shape[1], N_STEPS)
    padded[:, :steps] = points[:, :steps]
    return keras.ops.convert_to_numpy(model(padded, training=False))[:, steps - 1]


def teacher_forced_outputs(model: keras.Model, rectangles: np.ndarray) -> np.ndarray:
    """Raw outputs (n, 3, p) for each next corner given the true corners before it."""
    inputs, _ = FRAMINGS[model_framing(model)](np.asarray(rectangles, dtype=POINT_DTYPE))
    # One batch for all rectangles: fold the per-rectangle batch axis into the batch.
    batch = inputs.reshape(-1, *inputs.shape[2:])
    outputs = keras.ops.convert_to_numpy(model(batch, training=False))
    return outputs.reshape(rectangles.shape[0], N_STEPS, -1)


def point_predictions(model: keras.Model, outputs: np.ndarray) -> np.ndarray:
    """A point (..., 2) from raw outputs (..., p): the point itself, or the mixture's mean."""
    if model_head(model) == "point":
        return outputs
    flat = mixture_mean(outputs.reshape(-1, outputs.shape[-1]), model.loss)
    return flat.reshape(*outputs.shape[:-1], 2)


def draw_points(
    model: keras.Model, outputs: np.ndarray, rng: np.random.Generator, temperature: float
) -> np.ndarray:
    """Next points (n, 2) from raw outputs (n, p): sampled from a mixture, else the point."""
    if model_head(model) == "point":
        return np.asarray(outputs, dtype=POINT_DTYPE)
    return sample_mixture(outputs, model.loss, rng, temperature)


def complete_rectangles(
    model: keras.Model, prefix: np.ndarray, rng: np.random.Generator, temperature: float = 1.0
) -> np.ndarray:
    """Shapes (n, 4, 2) that keep the given first corners (n, k, 2) and draw the rest.

    Each drawn corner is fed back as the next input, all shapes in one batch.
    """
    points = np.zeros((prefix.shape[0], N_CORNERS, 2), dtype=POINT_DTYPE)
    points[:, : prefix.shape[1]] = prefix
    for corner in range(prefix.shape[1], N_CORNERS):
        outputs = next_point_outputs(model, points[:, :corner])
        points[:, corner] = draw_points(model, outputs, rng, temperature)
    return points


def generate_rectangles(
    model: keras.Model, n: int, rng: np.random.Generator, temperature: float = 1.0
) -> np.ndarray:
    """n shapes (n, 4, 2) generated from [0, 0], as in the chapter."""
    return complete_rectangles(model, np.zeros((n, 1, 2)), rng, temperature)
