"""What every figure of data/metrics/details/<variant>.json means: docs/metrics.md is
written from here (`make docs`), and a test holds these keys to the ones the evaluate stage
writes, so a metric cannot be added or renamed without its description.

Keys are dotted paths; `<family>`, `<parameter>` and `<step>` stand for any family name
(shapegen.data.families.FAMILIES), parameter name (FAMILY_PARAMETERS) and corner step.
"""

from shapegen.data.families import FAMILIES, PARAMETERS
from shapegen.data.rectangles import STEP_NAMES

RECTANGLES = {
    "heldout_mae": "Teacher-forced MAE on the test split: each next corner predicted from the "
    "true previous ones (a mixture's prediction is its mean).",
    "heldout_mae_floor": "The lowest MAE any predictor can reach, 1/12: from [0, 0] the width "
    "is unpredictable, and so is the height from [w, 0]; under MAE the best guess is the "
    "median 1/2, off by E|U - 1/2| = 1/4 on one of two coordinates; the last step is "
    "determined.",
    "heldout_mae_by_step.<step>": "The held-out MAE of one step (floors 1/8, 1/8, 0).",
    "heldout_nll": "Mixture heads only: mean negative log-likelihood of the true next corner, "
    "nats per corner (negative: a density on the unit square can exceed 1).",
    "rect_error_mean": "Mean RMS distance of a generated shape's 4 points from the nearest "
    "true rectangle with BL at the origin.",
    "rect_error_p95": "The same distance's 95th percentile.",
    "rect_error_p99": "The same distance's 99th percentile.",
    "rect_error_max": "The same distance's largest value.",
    "width_w1": "Wasserstein-1 distance between the generated widths and the test split's.",
    "height_w1": "Wasserstein-1 distance between the generated heights and the test split's.",
    "width_w1_floor": "Wasserstein-1 distance of the test split's widths from U(0, 1): about "
    "what a perfect sampler scores.",
    "height_w1_floor": "The same for the heights.",
    "width_mean": "Mean generated width (U(0, 1): 0.5).",
    "height_mean": "Mean generated height.",
    "width_std": "Standard deviation of the generated widths (U(0, 1): 0.289).",
    "height_std": "Standard deviation of the generated heights.",
    "invalid_fraction": "Share of generated shapes with a width or height <= 0 or > 1.",
    "width_bin_ratio_min": "The generated widths in evaluate.size_bins equal bins over [0, 1]: "
    "the smallest bin's count over its expected count under U(0, 1) (1: a perfect sampler).",
    "width_bin_ratio_max": "The largest such ratio of the widths.",
    "height_bin_ratio_min": "The smallest such ratio of the heights.",
    "height_bin_ratio_max": "The largest such ratio of the heights.",
    "primed_width_error_mean": "Given BL and BR = [w, 0] (evaluate.primed_widths), the model "
    "draws TR and TL: the mean distance of the completed rectangle's width from w.",
    "primed_width_error_max": "The largest such distance.",
    "temperature": "The sampling temperature (1.0: the model's own distribution).",
    "n_generated": "Shapes generated for the figures.",
    "train_updates": "Optimizer updates the model received (read from the saved optimizer).",
}

SHAPES = {
    "heldout_nll": "Teacher-forced negative log-likelihood of the test split, nats per shape "
    "(for every shapes model; families_point's training loss is per move).",
    "invalid_fraction": "Share of drawn shapes no family fits within evaluate.fit_tolerance "
    "(shapegen.evaluation.recognition.recognise).",
    "family_share.<family>": "Share of drawn shapes recognised as the family.",
    "family_tv": "Total variation distance between the drawn shapes' family shares (invalid "
    "shapes a class of their own) and the test split's. At least invalid_fraction, and equal "
    "to it when no family is drawn more often than in the test split: the invalid shapes' "
    "share is then all the difference.",
    "fit_error_p95.<family>": "95th percentile of the RMS distance of the family's drawn "
    "members from their nearest member.",
    "w1.<family>.<parameter>": "Wasserstein-1 distance between the drawn members' parameter "
    "and the test split's.",
    "sides_tv": "Total variation distance between the drawn polygons' side counts and the "
    "test split's.",
    "conditional_accuracy": "Conditional models: in the main draw (each shape asked for a "
    "family drawn with the test split's weights), the share recognised as the family asked "
    "for.",
    "conditional_accuracy_by_family.<family>": "The same, of the main draw's shapes asked for "
    "the family.",
    "family_tv_floor": "family_tv of a perfect sampler: a fresh draw from the dataset's own "
    "process against the test split, at the same counts.",
    "sides_tv_floor": "sides_tv of a perfect sampler.",
    "w1_floor.<family>.<parameter>": "w1 of a perfect sampler.",
    "requested.<family>.conditional_accuracy": "Conditional models, in a draw of "
    "n_generated shapes all asked for the family: the share recognised as it.",
    "requested.<family>.invalid_fraction": "Share of the shapes asked for that no family fits.",
    "requested.<family>.fit_error_p95": "fit_error_p95 of the shapes asked for.",
    "requested.<family>.w1.<parameter>": "w1 of the shapes asked for.",
    "requested.<family>.sides_tv": "sides_tv of the polygons asked for.",
    "temperature": "The sampling temperature (1.0: the model's own distribution).",
    "n_generated": "Shapes drawn for the figures (evaluate.shapes_n_generated).",
    "fit_tolerance": "The RMS distance within which a shape is a member (evaluate.fit_tolerance).",
    "train_updates": "Optimizer updates the model received (read from the saved optimizer).",
}

METRICS = {"rectangles": RECTANGLES, "shapes": SHAPES}
_PLACEHOLDERS = {
    "<family>": FAMILIES,
    "<parameter>": PARAMETERS,
    "<step>": STEP_NAMES,
}


def pattern_of(key: str) -> str:
    """A details file's dotted key with its family, parameter and step names generalised."""
    names = {name: placeholder for placeholder, of in _PLACEHOLDERS.items() for name in of}
    return ".".join(names.get(part, part) for part in key.split("."))


def flat_keys(metrics: dict, prefix: str = "") -> list[str]:
    """The dotted keys of every figure in a (nested) metrics dict."""
    keys = []
    for name, value in metrics.items():
        key = f"{prefix}{name}"
        keys += flat_keys(value, f"{key}.") if isinstance(value, dict) else [key]
    return keys


def metrics_reference() -> str:
    """docs/metrics.md."""
    lines = [
        "# Metrics",
        "",
        "Every figure the evaluate stage writes to `data/metrics/details/<variant>.json`; the",
        "headline ones are also in `data/metrics/<variant>.json` (`dvc metrics show`). Written",
        "from `src/shapegen/evaluation/metric_descriptions.py` by `make docs`; a test fails when",
        "it is stale.",
        "`<family>` stands for any of " + ", ".join(f"`{f}`" for f in FAMILIES) + "; "
        "`<parameter>` for a parameter of that family; `<step>` for "
        + ", ".join(f"`{s}`" for s in STEP_NAMES)
        + ".",
    ]
    for kind, title in (("rectangles", "The rectangles' variants"), ("shapes", "The shapes'")):
        lines += ["", f"## {title} (data: {kind})", "", "| key | meaning |", "|---|---|"]
        lines += [f"| `{key}` | {text} |" for key, text in METRICS[kind].items()]
    return "\n".join(lines) + "\n"
