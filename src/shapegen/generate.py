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

from shapegen.geometry import N_CORNERS, N_STEPS, POINT_DTYPE
from shapegen.mixture import MixtureNLL, mixture_mean, sample_mixture


def has_mixture_head(model: keras.Model) -> bool:
    """Whether the model outputs a mixture density rather than a point."""
    return isinstance(model.loss, MixtureNLL)


def _reads_sequences(model: keras.Model) -> bool:
    return model.input_shape[1] != 1


def next_point_outputs(model: keras.Model, points: np.ndarray) -> np.ndarray:
    """The model's raw outputs (n, p) for the next corner after points (n, t, 2)."""
    points = np.asarray(points, dtype=POINT_DTYPE)
    if not _reads_sequences(model):
        return keras.ops.convert_to_numpy(model(points[:, -1:, :], training=False))
    # The LSTM is causal: corners not drawn yet (zeros) do not change earlier outputs.
    padded = np.zeros((points.shape[0], N_STEPS, 2), dtype=POINT_DTYPE)
    steps = min(points.shape[1], N_STEPS)
    padded[:, :steps] = points[:, :steps]
    return keras.ops.convert_to_numpy(model(padded, training=False))[:, steps - 1]


def teacher_forced_outputs(model: keras.Model, rectangles: np.ndarray) -> np.ndarray:
    """Raw outputs (n, 3, p) for each next corner given the true corners before it."""
    inputs = np.asarray(rectangles[:, :N_STEPS], dtype=POINT_DTYPE)
    if _reads_sequences(model):
        return keras.ops.convert_to_numpy(model(inputs, training=False))
    flat = keras.ops.convert_to_numpy(model(inputs.reshape(-1, 1, 2), training=False))
    return flat.reshape(rectangles.shape[0], N_STEPS, -1)


def point_predictions(model: keras.Model, outputs: np.ndarray) -> np.ndarray:
    """A point (..., 2) from raw outputs (..., p): the point itself, or the mixture's mean."""
    if not has_mixture_head(model):
        return outputs
    flat = mixture_mean(outputs.reshape(-1, outputs.shape[-1]), model.loss)
    return flat.reshape(*outputs.shape[:-1], 2)


def draw_points(
    model: keras.Model, outputs: np.ndarray, rng: np.random.Generator, temperature: float
) -> np.ndarray:
    """Next points (n, 2) from raw outputs (n, p): sampled from a mixture, else the point."""
    if not has_mixture_head(model):
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
