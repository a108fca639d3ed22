"""Evaluating a trained model: teacher-forced on the test split, generating, completing.

Runs through shapegen.sampling.generator's Generators: no TensorFlow.
"""

from collections.abc import Sequence

import numpy as np

from shapegen.config.params import EvaluateParams
from shapegen.data.families import FAMILIES, ShapeBatch, draw_shapes
from shapegen.data.rectangles import STEP_NAMES, nearest_rectangle_sizes, width_prefixes
from shapegen.evaluation.metrics import (
    conditional_accuracy,
    conditional_accuracy_by_family,
    family_metrics,
    heldout_mae_floor,
    mae_by_step,
    shape_metrics,
)
from shapegen.evaluation.recognition import Recognition, recognise
from shapegen.sampling.rectangle_generator import RectangleGenerator
from shapegen.sampling.shape_generator import ShapeGenerator

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


# The few figures `dvc metrics show` and `dvc exp show` list, per kind of data: a subset
# of the full metrics (written beside them, paths.metrics_details_file), same names and
# values. Few, and shared between kinds where they mean the same, so that the table of
# every variant stays within 200 columns.
HEADLINE_METRICS = {
    "rectangles": (
        "heldout_mae",
        "heldout_nll",
        "width_w1",
        "height_w1",
        "rect_error_p95",
        "invalid_fraction",
    ),
    "shapes": ("heldout_nll", "invalid_fraction", "family_tv", "sides_tv", "conditional_accuracy"),
}


def headline_metrics(metrics: dict, data: str) -> dict:
    """The headline figures of a variant's full metrics (`data`: the variant's data kind);
    a figure its model does not have (the book head's NLL) is left out."""
    return {name: metrics[name] for name in HEADLINE_METRICS[data] if name in metrics}


def evaluate_model(
    generator: RectangleGenerator,
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
    generated, _ = generator.generate_batch(n_generated, rng, temperature)
    metrics.update(shape_metrics(generated, test, size_bins))
    widths = np.repeat(np.asarray(primed_widths, dtype=np.float32), n_primed_per_width)
    completed, _ = generator.complete_batch(width_prefixes(widths), rng, temperature)
    width_errors = np.abs(nearest_rectangle_sizes(completed)[0] - widths)
    metrics["primed_width_error_mean"] = float(width_errors.mean())
    metrics["primed_width_error_max"] = float(width_errors.max())
    metrics["temperature"] = temperature
    metrics["n_generated"] = n_generated
    metrics["train_updates"] = generator.network.train_updates
    return metrics


def evaluate_with_settings(
    generator: RectangleGenerator, test: np.ndarray, settings: EvaluateParams
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


# The per-checkpoint metrics of a shapes model's learning curve.
SHAPES_LEARNING_CURVE_COLUMNS = ("train_updates", "heldout_nll", "invalid_fraction", "family_tv")


def recognise_test_split(test: ShapeBatch, settings: EvaluateParams) -> Recognition:
    """The test split through the recogniser, as evaluate_shapes_model measures against it."""
    return recognise(test.points, test.lengths, settings.fit_tolerance)


def draw_generated(
    generator: ShapeGenerator,
    n: int,
    temperature: float,
    family_weights: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The n shapes the metrics score: (families asked for, or None for an unconditional
    model; padded points; lengths). A conditional model is asked for families drawn with
    the dataset's weights."""
    requested = None
    if generator.network.conditional:
        p = family_weights / family_weights.sum()
        requested = rng.choice(len(FAMILIES), size=n, p=p)
    points, lengths = generator.generate_batch(n, rng, temperature, requested)
    return requested, points, lengths


def evaluate_shapes_model(
    generator: ShapeGenerator,
    test: ShapeBatch,
    settings: EvaluateParams,
    family_weights: np.ndarray,
    n: int,
    per_family: bool = True,
    reference: Recognition | None = None,
) -> dict:
    """Every metric of a shapes model against the test split, both through the recogniser.

    n shapes at the temperature: an unconditional model draws them by itself; a
    conditional one is asked for families drawn with the dataset's weights, and then for
    n shapes of each family in turn (`requested.<family>`, with conditional_accuracy;
    skipped with per_family False, for the learning curve). `*_floor`: the same figures
    for n shapes drawn by the dataset's own process, a perfect sampler: the test split
    and the sample size alone put them above 0. heldout_nll is per shape of `test`,
    teacher-forced. `reference`: the shapes the family figures compare with, recognised
    (recognise_test_split; by default `test`'s).
    """
    rng = np.random.default_rng(settings.seed)
    tolerance, temperature = settings.fit_tolerance, settings.temperature
    if reference is None:
        reference = recognise_test_split(test, settings)
    conditional = generator.network.conditional
    requested, points, lengths = draw_generated(generator, n, temperature, family_weights, rng)
    generated = recognise(points, lengths, tolerance)
    metrics = {
        "heldout_nll": generator.heldout_nll(test.points, test.lengths, test.families),
        **family_metrics(generated, reference),
    }
    if conditional:
        metrics["conditional_accuracy"] = conditional_accuracy(requested, generated, tolerance)
        metrics["conditional_accuracy_by_family"] = conditional_accuracy_by_family(
            requested, generated, tolerance
        )
    if per_family:
        # What a perfect sampler scores: as many shapes from the dataset's own process,
        # through the same recogniser, against the same test split.
        perfect = draw_shapes(np.random.default_rng(settings.seed), n, family_weights)
        floor = family_metrics(recognise(perfect.points, perfect.lengths, tolerance), reference)
        metrics["family_tv_floor"] = floor["family_tv"]
        metrics["sides_tv_floor"] = floor["sides_tv"]
        metrics["w1_floor"] = floor["w1"]
    if conditional and per_family:
        metrics["requested"] = {}
        for index, family in enumerate(FAMILIES):
            asked = np.full(n, index)
            found = recognise(*generator.generate_batch(n, rng, temperature, asked), tolerance)
            of_family = family_metrics(found, reference)
            metrics["requested"][family] = {
                "conditional_accuracy": conditional_accuracy(asked, found, tolerance),
                "invalid_fraction": of_family["invalid_fraction"],
                "fit_error_p95": of_family["fit_error_p95"][family],
                "w1": of_family["w1"][family],
                **({"sides_tv": of_family["sides_tv"]} if family == "regular_polygon" else {}),
            }
    metrics["temperature"] = temperature
    metrics["n_generated"] = n
    metrics["fit_tolerance"] = tolerance
    metrics["train_updates"] = generator.network.train_updates
    return metrics
