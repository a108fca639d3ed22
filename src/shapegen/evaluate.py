"""Evaluating a trained model: teacher-forced on the test split, generating, completing.

Runs through shapegen.generate's Generator: no TensorFlow.
"""

from collections.abc import Sequence

import numpy as np

from shapegen.config import EvaluateParams
from shapegen.generate import Generator
from shapegen.geometry import STEP_NAMES, nearest_rectangle_sizes, width_prefixes
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
    "primed_width_error_max",
)


def evaluate_model(
    generator: Generator,
    test: np.ndarray,
    rng: np.random.Generator,
    temperature: float,
    n_generated: int,
    primed_widths: Sequence[float],
    n_primed_per_width: int,
    size_bins: int,
) -> dict:
    """Every metric of one model against the test split.

    Held-out figures are teacher-forced (each corner from the true previous ones; the
    point prediction of a mixture is its mean). Shape figures are over n_generated shapes
    drawn from [0, 0] at the temperature, their sizes compared with U(0, 1) in size_bins
    bins; the primed figure completes rectangles whose BL and BR are given,
    n_primed_per_width for each width.
    """
    outputs = generator.teacher_forced_outputs(test)
    targets = test[:, 1:]
    by_step = mae_by_step(generator.point_predictions(outputs), targets)
    metrics = {
        "heldout_mae": float(by_step.mean()),
        "heldout_mae_floor": heldout_mae_floor(),
        "heldout_mae_by_step": dict(zip(STEP_NAMES, map(float, by_step), strict=True)),
    }
    if generator.network.head == "mixture":
        metrics["heldout_nll"] = generator.heldout_nll(outputs, targets)
    generated = generator.generate_batch(n_generated, rng, temperature)
    metrics.update(shape_metrics(generated, test, size_bins))
    widths = np.repeat(np.asarray(primed_widths, dtype=np.float32), n_primed_per_width)
    completed = generator.complete_batch(width_prefixes(widths), rng, temperature)
    width_errors = np.abs(nearest_rectangle_sizes(completed)[0] - widths)
    metrics["primed_width_error_mean"] = float(width_errors.mean())
    metrics["primed_width_error_max"] = float(width_errors.max())
    metrics["temperature"] = temperature
    metrics["n_generated"] = n_generated
    metrics["train_updates"] = generator.network.train_updates
    return metrics


def evaluate_with_settings(
    generator: Generator, test: np.ndarray, settings: EvaluateParams
) -> dict:
    """evaluate_model as params.yaml's `evaluate` section sets it, from a fresh random generator.

    The same draws for every model: models differ in the metrics only by their weights.
    """
    return evaluate_model(
        generator,
        test,
        np.random.default_rng(settings.seed),
        settings.temperature,
        settings.n_generated,
        settings.primed_widths,
        settings.n_primed_per_width,
        settings.size_bins,
    )
