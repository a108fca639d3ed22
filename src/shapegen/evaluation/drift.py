"""How far a run's metrics are from the committed ones, against their spread across seeds.

Where the outputs cannot be the committed bytes (another CPU kind, docs/reproducibility.md),
`make repro` ends with this summary instead of leaving a dirty `git status` to read.
"""

import statistics
from collections.abc import Mapping, Sequence

# Outside the contract, a difference within the seeds' spread is the machine's rounding,
# not a change of the recipe: each moved metric is given in units of that spread.
SPREAD_NOTE = "sd across weight seeds (make seeds)"


def seed_spread(values: Sequence[float]) -> float | None:
    """The sample standard deviation of a metric across weight seeds (None for < 2)."""
    return statistics.stdev(values) if len(values) >= 2 else None


def changed_metrics(metrics_diff: Mapping[str, Mapping[str, Mapping]]) -> list[tuple]:
    """(file, metric, old, new) for every metric that changed, from `dvc metrics diff --json`
    (file -> metric -> {"old", "new", "diff"}), in file and metric order."""
    changed = []
    for file, metrics in sorted(metrics_diff.items()):
        for name, values in sorted(metrics.items()):
            old, new = values.get("old"), values.get("new")
            if old != new:
                changed.append((file, name, old, new))
    return changed


def drift_lines(
    changed: Sequence[tuple], spreads: Mapping[str, Mapping[str, Sequence[float]]]
) -> list[str]:
    """One line per changed metric: committed -> now, the change, and the change in units of
    the seeds' standard deviation where `make seeds` measured that variant's metric."""
    lines = []
    for file, name, old, new in changed:
        variant = file.rsplit("/", 1)[-1].removesuffix(".json")
        if not isinstance(old, int | float) or not isinstance(new, int | float):
            lines.append(f"{variant} {name}: {old} -> {new}")
            continue
        line = f"{variant} {name}: {old:.6g} -> {new:.6g} ({new - old:+.3g})"
        spread = seed_spread(spreads.get(variant, {}).get(name, []))
        if spread:
            line += f", {abs(new - old) / spread:.2f} x the {SPREAD_NOTE}, {spread:.3g}"
        lines.append(line)
    return lines
