"""Evaluation metrics: pure functions of arrays, no model and no files."""

import numpy as np

from shapegen.data.families import ANGLE_RANGE, FAMILIES, FAMILY_PARAMETERS, PARAMETERS, SIDES
from shapegen.data.rectangles import nearest_rectangle_sizes, rectangle_errors
from shapegen.evaluation.recognition import INVALID, Recognition


def heldout_mae_floor() -> float:
    """The lowest teacher-forced MAE any predictor can reach on U(0,1) rectangles.

    From BL the next width is unpredictable, and so is the height from BR: the best
    guess under MAE is the median 1/2, whose error E|U - 1/2| = 1/4 falls on one of the
    two coordinates, 1/8 per coordinate. From TR the last corner is determined. The
    mean over the 3 steps is (1/8 + 1/8 + 0) / 3 = 1/12.
    """
    unpredictable_step = 0.25 / 2
    return (unpredictable_step + unpredictable_step + 0.0) / 3


def mae_by_step(predictions: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Mean absolute error per step of (n, steps, 2) predictions against targets."""
    errors = np.abs(predictions.astype(np.float64) - targets.astype(np.float64))
    return errors.mean(axis=(0, 2))


def wasserstein_1(samples: np.ndarray, reference: np.ndarray) -> float:
    """Wasserstein-1 distance between two 1-D empirical distributions.

    The area between the two empirical CDFs, exact for samples of any sizes.
    """
    samples = np.sort(np.asarray(samples, dtype=np.float64))
    reference = np.sort(np.asarray(reference, dtype=np.float64))
    grid = np.sort(np.concatenate([samples, reference]))
    cdf_samples = np.searchsorted(samples, grid[:-1], side="right") / samples.size
    cdf_reference = np.searchsorted(reference, grid[:-1], side="right") / reference.size
    return float(np.sum(np.abs(cdf_samples - cdf_reference) * np.diff(grid)))


def wasserstein_1_to_uniform(samples: np.ndarray) -> float:
    """Exact Wasserstein-1 distance between an empirical distribution and U(0, 1).

    The area between the empirical CDF (a step function) and F(x) = x on [0, 1]; on each
    step [a, b) at level c the area is G(b) - G(a) with G(x) = (x - c)|x - c| / 2.
    """
    points = np.sort(np.clip(np.asarray(samples, dtype=np.float64), 0.0, 1.0))
    knots = np.concatenate([[0.0], points, [1.0]])
    levels = np.arange(points.size + 1) / points.size

    def area_to(x):
        return (x - levels) * np.abs(x - levels) / 2

    return float(np.sum(area_to(knots[1:]) - area_to(knots[:-1])))


def uniform_bin_ratios(values: np.ndarray, n_bins: int) -> np.ndarray:
    """Each of n_bins equal bins over [0, 1]: its count over its expected count under U(0, 1).

    Values outside [0, 1] fall in no bin (they count as invalid shapes elsewhere), so
    they lower the ratios. 1 everywhere is a perfect sampler; a W1 distance barely sees
    a bin at an edge that holds 0.7 of its share, these ratios do.
    """
    values = np.asarray(values, dtype=np.float64)
    counts, _ = np.histogram(values, bins=n_bins, range=(0.0, 1.0))
    return counts / (values.size / n_bins)


def shape_metrics(generated: np.ndarray, reference: np.ndarray, n_bins: int) -> dict[str, float]:
    """Quality and spread of generated shapes (n, 4, 2) against true rectangles.

    Sizes are those of each shape's nearest true rectangle. A shape is invalid when
    its width or height is <= 0 or > 1 (outside the data's range). The bin ratios
    compare the sizes with U(0, 1) in n_bins equal bins.
    """
    errors = rectangle_errors(generated)
    widths, heights = nearest_rectangle_sizes(generated.astype(np.float64))
    reference_widths, reference_heights = nearest_rectangle_sizes(reference)
    invalid = (widths <= 0) | (widths > 1) | (heights <= 0) | (heights > 1)
    width_ratios = uniform_bin_ratios(widths, n_bins)
    height_ratios = uniform_bin_ratios(heights, n_bins)
    return {
        "rect_error_mean": float(errors.mean()),
        "rect_error_p95": float(np.percentile(errors, 95)),
        "rect_error_p99": float(np.percentile(errors, 99)),
        "rect_error_max": float(errors.max()),
        "width_w1": wasserstein_1(widths, reference_widths),
        "height_w1": wasserstein_1(heights, reference_heights),
        # What a perfect sampler would score: the reference's own distance to U(0, 1).
        "width_w1_floor": wasserstein_1_to_uniform(reference_widths),
        "height_w1_floor": wasserstein_1_to_uniform(reference_heights),
        "width_mean": float(widths.mean()),
        "height_mean": float(heights.mean()),
        "width_std": float(widths.std()),
        "height_std": float(heights.std()),
        "invalid_fraction": float(invalid.mean()),
        "width_bin_ratio_min": float(width_ratios.min()),
        "width_bin_ratio_max": float(width_ratios.max()),
        "height_bin_ratio_min": float(height_ratios.min()),
        "height_bin_ratio_max": float(height_ratios.max()),
    }


# --- shapes of several families (shapegen.data.families) ------------------------------------


def _fraction_of_range(name: str, values: np.ndarray, sides: np.ndarray) -> np.ndarray:
    """A parameter on a common scale: angles and rotations as fractions of their ranges."""
    if name == "angle":
        return values / (ANGLE_RANGE[1] - ANGLE_RANGE[0])
    if name == "rotation":
        return values * sides / (2 * np.pi)  # its range is [0, 2 pi / sides)
    return values


def total_variation(first: np.ndarray, second: np.ndarray, categories: np.ndarray) -> float:
    """Total variation between the empirical distributions of two label arrays."""
    shares = [
        np.array([np.mean(labels == category) for category in categories])
        for labels in (first, second)
    ]
    return float(0.5 * np.abs(shares[0] - shares[1]).sum())


def family_metrics(generated: Recognition, reference: Recognition) -> dict:
    """How far generated shapes are from the reference (the test split), both recognised.

    invalid_fraction: shapes no family fits. family_share.<family> and family_tv: the
    recognised families (INVALID a category of its own) against the reference's.
    fit_error_p95.<family>: the RMS distance to the nearest member, over the shapes
    recognised as that family. w1.<family>.<parameter>: Wasserstein-1 between the recovered
    parameters and the reference's (angle and rotation as fractions of their ranges);
    sides_tv: total variation of the polygons' numbers of sides. A figure with no
    generated shape to measure is None (JSON null).
    """
    categories = np.array([*range(len(FAMILIES)), INVALID])
    metrics: dict = {
        "invalid_fraction": float(np.mean(generated.families == INVALID)),
        "family_share": {
            family: float(np.mean(generated.families == index))
            for index, family in enumerate(FAMILIES)
        },
        "family_tv": total_variation(generated.families, reference.families, categories),
        "fit_error_p95": {},
        "w1": {},
    }
    sides_column = PARAMETERS.index("sides")
    for index, family in enumerate(FAMILIES):
        ours = generated.families == index
        theirs = reference.families == index
        errors = generated.fit_errors[ours]
        metrics["fit_error_p95"][family] = float(np.percentile(errors, 95)) if errors.size else None
        metrics["w1"][family] = {}
        for name in FAMILY_PARAMETERS[family]:
            if name == "sides":
                continue
            column = PARAMETERS.index(name)
            values = [
                _fraction_of_range(
                    name, found.parameters[rows, column], found.parameters[rows, sides_column]
                )
                for found, rows in ((generated, ours), (reference, theirs))
            ]
            usable = values[0].size and values[1].size
            metrics["w1"][family][name] = wasserstein_1(*values) if usable else None
    polygon = FAMILIES.index("regular_polygon")
    sides = [
        found.parameters[found.families == polygon, sides_column]
        for found in (generated, reference)
    ]
    all_sides = np.arange(SIDES[0], SIDES[1] + 1)
    usable = sides[0].size and sides[1].size
    metrics["sides_tv"] = total_variation(*sides, all_sides) if usable else None
    return metrics


def conditional_accuracy(requested: np.ndarray, recognised: Recognition, tolerance: float) -> float:
    """The share of all shapes asked for a family that are members of it (their nearest
    member of the family within the tolerance)."""
    asked_errors = recognised.family_errors[np.arange(len(requested)), requested]
    return float(np.mean(asked_errors <= tolerance))


def conditional_accuracy_by_family(
    requested: np.ndarray, recognised: Recognition, tolerance: float
) -> dict[str, float]:
    """conditional_accuracy per family asked for. A rotated rectangle turned by a hair is
    also a rectangle, and is recognised as one; it is still what was asked."""
    return {
        family: float(np.mean(recognised.family_errors[requested == index, index] <= tolerance))
        for index, family in enumerate(FAMILIES)
        if np.any(requested == index)
    }
