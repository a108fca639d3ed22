"""The results tables: each variant's figures against its targets (shapegen.evaluation.targets,
which `make seeds` judges by too), and the machine a benchmark ran on."""

import json
import os
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path

from shapegen.data.families import FAMILIES
from shapegen.evaluation import targets
from shapegen.files.writing import write_bytes
from shapegen.reporting.regions import markdown_table


def write_seed_results(path: Path, runs: Mapping[str, Sequence[Mapping]]) -> None:
    """Merge each variant's scalar metrics across weight seeds (variant -> metric -> one
    value per seed) into a JSON file, keeping the variants another benchmark wrote."""
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for variant, metrics in runs.items():
        names = [name for name, value in metrics[0].items() if isinstance(value, int | float)]
        results[variant] = {name: [float(run[name]) for run in metrics] for name in names}
    write_bytes(path, (json.dumps(results, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def machine_description() -> str:
    """The machine a benchmark ran on, in one line: CPU model, cores, OS, Python."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def number(value: float | None, digits: int = 4) -> str:
    """A figure as the tables print it; `-` where there is none."""
    return "-" if value is None else f"{value:.{digits}f}"


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


# A figure that equals another by construction says so where it is shown.
LABEL_NOTES = {
    "family_tv": " (>= `invalid_fraction`: equal when no family is drawn too often)",
}


def _label(name: str) -> str:
    return f"`{name}`{LABEL_NOTES.get(name, '')}"


def _row(variant: str, label: str, measured: str, target: str, missed: bool) -> list[str]:
    """A results row; whether it is missed comes from shapegen.evaluation.targets, which
    `make seeds` judges by too."""
    return [variant, label, measured, target, verdict(not missed)]


def rectangle_results(variant: str, metrics: Mapping) -> list[list[str]]:
    """Rows (variant, metric, measured, target, verdict) of a rectangles sampler."""
    missed = set(targets.rectangle_misses(metrics))
    rows = [
        _row(variant, f"`{name}`", number(metrics[name]), f"<= {limit}", name in missed)
        for name, limit in targets.RECTANGLE_LARGEST.items()
    ]
    above = targets.RECTANGLE_HEIGHT_W1_ABOVE_FLOOR
    height_limit = metrics["height_w1_floor"] + above
    rows.append(
        _row(
            variant,
            "`height_w1`",
            number(metrics["height_w1"]),
            f"<= floor + {above} ({height_limit:.4f})",
            "height_w1" in missed,
        )
    )
    low, high = targets.RECTANGLE_BIN_RATIO_RANGE
    ratios = [metrics[name] for name in targets.RECTANGLE_BIN_RATIOS]
    rows.append(
        _row(
            variant,
            "size bin ratios, min / max",
            f"{min(ratios):.3f} / {max(ratios):.3f}",
            f"in [{low}, {high}]",
            bool(missed & set(targets.RECTANGLE_BIN_RATIOS)),
        )
    )
    return rows


def shapes_results(variant: str, metrics: Mapping) -> list[list[str]]:
    """Rows (variant, metric, measured, target, verdict) of a shapes model with memory."""
    summary = targets.shapes_summary(metrics)
    missed = set(targets.shapes_misses(summary))
    rows = [
        _row(variant, _label(name), number(summary[name]), f"<= {limit}", name in missed)
        for name, limit in targets.SHAPES_LARGEST.items()
    ]
    for label, key, miss, limit in (
        ("largest `w1`", "max_w1", "w1", targets.SHAPES_LARGEST_W1),
        (
            "largest `fit_error_p95`",
            "max_fit_p95",
            "fit_error_p95",
            targets.SHAPES_LARGEST_FIT_ERROR_P95,
        ),
        (
            "`requested.regular_polygon.invalid_fraction`",
            "polygons_asked_invalid",
            "polygons_asked_invalid",
            targets.SHAPES_LARGEST_POLYGONS_ASKED_INVALID,
        ),
    ):
        if summary[key] is not None:
            rows.append(_row(variant, label, number(summary[key]), f"<= {limit}", miss in missed))
    accuracy = summary["requested_accuracy"]
    if accuracy:
        smallest = [targets.SHAPES_SMALLEST_ACCURACY[family] for family in accuracy]
        rows.append(
            _row(
                variant,
                f"`requested.<family>.conditional_accuracy` ({' / '.join(accuracy)})",
                " / ".join(number(value, 3) for value in accuracy.values()),
                ">= " + " / ".join(map(str, smallest)),
                any(f"requested.{family}.conditional_accuracy" in missed for family in accuracy),
            )
        )
    return rows


def reported_results(variant: str, metrics: Mapping, names: Sequence[str]) -> list[list[str]]:
    """Rows of a variant without targets (a deterministic model, a model without memory)."""
    return [[variant, f"`{name}`", number(metrics[name]), "reported", ""] for name in names]


RESULTS_HEADER = ("variant", "metric", "measured", "target", "")


def _largest_w1(w1: Mapping) -> str:
    name, value = max(
        (
            (f"{family} {parameter}", value)
            for family, of in w1.items()
            for parameter, value in of.items()
        ),
        key=lambda item: -1 if item[1] is None else item[1],
    )
    return f"{number(value, 3)} ({name})"


def _by_family(values: Mapping | None, digits: int = 4) -> str:
    return "" if values is None else " / ".join(number(values[f], digits) for f in FAMILIES)


def shapes_table(columns: Sequence[tuple[str, Mapping, bool]]) -> str:
    """The shapes models' metrics side by side: columns (heading, details metrics, whether
    they are an earlier head's, whose density NLL is not on the softmax's scale); the last
    column is the dataset's own process (the `*_floor` figures of the first model that
    has them)."""
    floor = next(metrics for _, metrics, earlier in columns if not earlier)
    rows = [
        ("`invalid_fraction`", lambda m: number(m["invalid_fraction"]), "0"),
        (
            "`family_share` (rectangle / rotated_rectangle / regular_polygon)",
            lambda m: _by_family(m["family_share"], 3),
            "",
        ),
        ("`family_tv`", lambda m: number(m["family_tv"]), number(floor["family_tv_floor"])),
        (
            "`fit_error_p95` (rectangle / rotated_rectangle / regular_polygon)",
            lambda m: _by_family(m["fit_error_p95"]),
            "0",
        ),
        ("largest `w1`", lambda m: _largest_w1(m["w1"]), _largest_w1(floor["w1_floor"])),
        ("`sides_tv`", lambda m: number(m["sides_tv"]), number(floor["sides_tv_floor"])),
        (
            "`conditional_accuracy_by_family` (rectangle / rotated_rectangle / regular_polygon)",
            lambda m: _by_family(m.get("conditional_accuracy_by_family"), 3),
            "1",
        ),
        (
            "polygons asked for, `invalid_fraction`",
            lambda m: (
                number(m["requested"]["regular_polygon"]["invalid_fraction"])
                if "requested" in m
                else ""
            ),
            "0",
        ),
        ("`heldout_nll` (nats per shape)", lambda m: number(m.get("heldout_nll"), 2), ""),
    ]
    header = ["metric", *(heading for heading, _, _ in columns), "the dataset's process"]
    table_rows = [
        [
            label,
            *(cell({**m, "heldout_nll": None} if earlier else m) for _, m, earlier in columns),
            perfect,
        ]
        for label, cell, perfect in rows
    ]
    counts = sorted({f"{m['n_generated']:,}" for _, m, _ in columns})
    return (
        f"Shapes drawn at temperature 1 against the test split ({' or '.join(counts)} per model; "
        "an earlier head's NLL is a density's, not comparable):\n\n"
        + markdown_table(header, table_rows)
    )


RECTANGLE_FIGURES = (
    "heldout_mae",
    "heldout_mae_floor",
    "heldout_nll",
    "width_w1",
    "width_w1_floor",
    "height_w1",
    "height_w1_floor",
    "width_mean",
    "height_mean",
    "width_std",
    "height_std",
    "invalid_fraction",
    "rect_error_p95",
    "rect_error_p99",
    "rect_error_max",
    "width_bin_ratio_min",
    "width_bin_ratio_max",
    "height_bin_ratio_min",
    "height_bin_ratio_max",
    "primed_width_error_max",
    "train_updates",
)


def rectangles_table(columns: Mapping[str, Mapping]) -> str:
    """The rectangles variants' figures side by side: {variant: details metrics}."""
    rows = [
        [f"`{name}`", *(_cell(metrics.get(name)) for metrics in columns.values())]
        for name in RECTANGLE_FIGURES
    ]
    return markdown_table(["figure", *(f"`{variant}`" for variant in columns)], rows)


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else number(value)
