"""The targets each sampler's metrics are held to (temperature 1, the evaluate stage's
counts), and which of them a run missed: read by `make seeds` and by the report.

The `book` variant is the chapter's model and has none: it draws one rectangle, and its
figures are reported as measured. So is `families_point`: a shapes model without memory.
"""

from collections.abc import Mapping

from shapegen.data.families import FAMILIES

# The mixture (rectangles) variant: metric -> largest value allowed.
RECTANGLE_LARGEST = {
    "width_w1": 0.01,
    "invalid_fraction": 0.0,
    "rect_error_p95": 0.005,
    "rect_error_p99": 0.01,
    "primed_width_error_max": 0.01,
    "heldout_mae": 0.086,
}
# The height's W1 has a floor of its own (the truncation of the dataset's heights).
RECTANGLE_HEIGHT_W1_ABOVE_FLOOR = 0.01
RECTANGLE_BIN_RATIO_RANGE = (0.8, 1.2)  # each width and height bin against U(0, 1)
RECTANGLE_BIN_RATIOS = (
    "width_bin_ratio_min",
    "width_bin_ratio_max",
    "height_bin_ratio_min",
    "height_bin_ratio_max",
)

# The shapes variants with memory: largest values allowed on the default weight seed, and
# for other weight seeds (`make seeds`) a looser invalid share.
SHAPES_LARGEST = {"invalid_fraction": 0.01, "family_tv": 0.02, "sides_tv": 0.025}
SHAPES_SEED_INVALID_FRACTION = 0.0125
SHAPES_LARGEST_W1 = 0.02  # every family's every parameter, asked-for families included
SHAPES_LARGEST_FIT_ERROR_P95 = 0.01  # every family's, asked-for families included
SHAPES_LARGEST_POLYGONS_ASKED_INVALID = 0.03
SHAPES_SMALLEST_ACCURACY = {"rectangle": 0.99, "rotated_rectangle": 0.99, "regular_polygon": 0.97}


def rectangle_misses(metrics: Mapping) -> list[str]:
    """The targets a rectangles sampler's metrics (details file) missed; none: it passed."""
    missed = [name for name, limit in RECTANGLE_LARGEST.items() if not metrics[name] <= limit]
    if not metrics["height_w1"] <= metrics["height_w1_floor"] + RECTANGLE_HEIGHT_W1_ABOVE_FLOOR:
        missed.append("height_w1")
    low, high = RECTANGLE_BIN_RATIO_RANGE
    missed += [name for name in RECTANGLE_BIN_RATIOS if not low <= metrics[name] <= high]
    return missed


def _worst(values: list) -> float:
    """The largest value; infinite where a figure had no shape to measure (None)."""
    return float("inf") if None in values else max(values)


def shapes_summary(metrics: Mapping) -> dict:
    """A shapes model's headline figures (details file): the worst W1 and fit error over
    families and parameters, the asked-for families' included for a conditional model."""
    asked = metrics.get("requested", {})
    w1 = [value for family in metrics["w1"].values() for value in family.values()]
    w1 += [value for family in asked.values() for value in family["w1"].values()]
    fits = list(metrics["fit_error_p95"].values())
    fits += [family["fit_error_p95"] for family in asked.values()]
    return {
        "heldout_nll": metrics["heldout_nll"],
        "invalid_fraction": metrics["invalid_fraction"],
        "family_tv": metrics["family_tv"],
        "sides_tv": metrics["sides_tv"],
        "max_w1": _worst(w1),
        "max_fit_p95": _worst(fits),
        "polygons_asked_invalid": asked.get("regular_polygon", {}).get("invalid_fraction"),
        "requested_accuracy": {family: asked[family]["conditional_accuracy"] for family in asked},
    }


def shapes_misses(summary: Mapping, invalid_fraction: float | None = None) -> list[str]:
    """The targets a shapes model's summary missed; invalid_fraction: the largest invalid
    share allowed, if not SHAPES_LARGEST's (another weight seed's)."""
    largest = dict(SHAPES_LARGEST)
    if invalid_fraction is not None:
        largest["invalid_fraction"] = invalid_fraction
    # A figure that could not be measured (None: no shape of its kind drawn) is missed.
    missed = [
        name
        for name, limit in largest.items()
        if summary[name] is None or not summary[name] <= limit
    ]
    if not summary["max_w1"] <= SHAPES_LARGEST_W1:
        missed.append("w1")
    if not summary["max_fit_p95"] <= SHAPES_LARGEST_FIT_ERROR_P95:
        missed.append("fit_error_p95")
    polygons = summary["polygons_asked_invalid"]
    if polygons is not None and not polygons <= SHAPES_LARGEST_POLYGONS_ASKED_INVALID:
        missed.append("polygons_asked_invalid")
    for family in FAMILIES:
        accuracy = summary["requested_accuracy"].get(family)
        if accuracy is not None and accuracy < SHAPES_SMALLEST_ACCURACY[family]:
            missed.append(f"requested.{family}.conditional_accuracy")
    return missed
