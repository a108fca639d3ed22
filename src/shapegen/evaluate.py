"""Evaluating a trained point model: teacher-forced on the test split, and generating."""

import keras
import numpy as np

from shapegen.generate import generate_rectangles, teacher_forced_predictions
from shapegen.geometry import STEP_NAMES, frame_samples
from shapegen.metrics import heldout_mae_floor, mae_by_step, shape_metrics

# The per-checkpoint metrics written to the learning-curve TSV.
LEARNING_CURVE_COLUMNS = (
    "train_updates",
    "heldout_mae",
    "rect_error_mean",
    "rect_error_p95",
    "width_w1",
    "height_w1",
    "width_std",
    "height_std",
    "invalid_fraction",
)


def evaluate_model(model: keras.Model, test: np.ndarray, n_generated: int) -> dict:
    """Every metric of one model: held-out MAE, then n_generated shapes from [0, 0]."""
    _, targets = frame_samples(test)
    by_step = mae_by_step(teacher_forced_predictions(model, test), targets)
    generated = generate_rectangles(model, np.zeros((n_generated, 2)))
    return {
        "heldout_mae": float(by_step.mean()),
        "heldout_mae_floor": heldout_mae_floor(),
        "heldout_mae_by_step": dict(zip(STEP_NAMES, map(float, by_step), strict=True)),
        **shape_metrics(generated, test),
        "n_generated": n_generated,
        "train_updates": int(model.optimizer.iterations.numpy()),
    }
