"""Evaluation metrics: pure functions of arrays, no model and no files."""

import numpy as np

from shapegen.geometry import nearest_rectangle_sizes, rectangle_errors


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


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over the last `window` values (fewer at the start)."""
    sums = np.cumsum(np.asarray(values, dtype=np.float64))
    counts = np.minimum(np.arange(1, sums.size + 1), window)
    lagged = np.concatenate([np.zeros(window), sums])[: sums.size]
    return (sums - lagged) / counts
