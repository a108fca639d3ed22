"""The chapter's own code (table 11.29), kept as the reference that the fast paths must match.

Tests check the compiled trainer against `fit_one_rectangle_at_a_time`; the benchmark
measures how slow these are. Nothing in the pipeline calls them.
"""

import keras
import numpy as np

from shapegen.data.rectangles import N_STEPS, frame_samples
from shapegen.model import LOSS, N_FEATURES


def chapter_model(units: int = 10) -> keras.Model:
    """The model exactly as table 11.21 builds it (default initializers, default Adam)."""
    model = keras.Sequential(
        [
            keras.Input((1, N_FEATURES)),
            keras.layers.LSTM(units),
            keras.layers.Dense(N_FEATURES, activation="linear"),
        ]
    )
    model.compile(loss=LOSS, optimizer="adam")
    return model


def fit_one_rectangle_at_a_time(model: keras.Model, rectangles: np.ndarray) -> None:
    """Table 11.23: one `model.fit` per rectangle on its 3 samples, no shuffling."""
    for rectangle in rectangles:
        inputs, targets = frame_samples(rectangle[np.newaxis])
        model.fit(inputs[0], targets[0], epochs=1, verbose=0, shuffle=False)


def generate_rectangle(model: keras.Model) -> np.ndarray:
    """Table 11.27: start at [0, 0], one `model.predict` per point, fed back."""
    last = np.zeros((1, 1, N_FEATURES))
    points = [last[0, 0]]
    for _ in range(N_STEPS):
        last = model.predict(last, verbose=0).reshape((1, 1, N_FEATURES))
        points.append(last[0, 0])
    return np.array(points)
