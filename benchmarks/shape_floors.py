"""What a perfect sampler scores on the shapes metrics: their floor, by sample size.

    .venv/bin/python benchmarks/shape_floors.py [--seeds 10]

Draws a test split and a generated sample from the dataset's own process (params.yaml's
family weights), both through the recogniser, for several pairs of sizes and seeds, and
prints the median and largest family_tv, sides_tv and largest w1 over the seeds. A model
cannot be told from a perfect one on a target below these figures (the shapes' targets
are about 0.02 each). Writes its table into docs/performance.md (`make seeds` runs it).
"""

import argparse
from pathlib import Path

from shapegen import paths
from shapegen.config.validation import load_params
from shapegen.data.families import draw_shapes, family_weight_array
from shapegen.evaluation.metrics import family_metrics
from shapegen.evaluation.recognition import recognise
from shapegen.reporting.regions import markdown_table, rewrite_regions
from shapegen.reporting.results import machine_description

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

SIZES = ((5000, 10000), (50000, 10000), (50000, 50000))  # (test shapes, generated shapes)


def floor_figures(n_test: int, n_generated: int, seed: int, weights, tolerance: float):
    """family_tv, sides_tv and the largest w1 of one perfect sample against one test split."""
    test = draw_shapes(np.random.default_rng([seed, 0]), n_test, weights)
    sample = draw_shapes(np.random.default_rng([seed, 1]), n_generated, weights)
    metrics = family_metrics(
        recognise(sample.points, sample.lengths, tolerance),
        recognise(test.points, test.lengths, tolerance),
    )
    largest_w1 = max(value for family in metrics["w1"].values() for value in family.values())
    return metrics["family_tv"], metrics["sides_tv"], largest_w1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    params = load_params(ROOT / "params.yaml")
    weights = family_weight_array(params.shapes.family_weights)
    tolerance = params.evaluate.fit_tolerance
    print("n_test n_generated: median / largest over seeds of family_tv, sides_tv, max w1")
    table = []
    for n_test, n_generated in SIZES:
        rows = np.array(
            [
                floor_figures(n_test, n_generated, seed, weights, tolerance)
                for seed in range(args.seeds)
            ]
        )
        figures = ", ".join(
            f"{name} {np.median(column):.4f} / {column.max():.4f}"
            for name, column in zip(("family_tv", "sides_tv", "max_w1"), rows.T, strict=True)
        )
        print(f"{n_test} {n_generated}: {figures}", flush=True)
        table.append(
            [f"{n_test:,}", f"{n_generated:,}"]
            + [f"{np.median(column):.4f} / {column.max():.4f}" for column in rows.T]
        )
    header = ("test shapes", "drawn shapes", "family_tv", "sides_tv", "largest w1")
    rewrite_regions(
        ROOT / paths.PERFORMANCE_DOC,
        {
            "shape-floors": f"`benchmarks/shape_floors.py` on {machine_description()}: what a "
            f"perfect sampler scores, median / largest over {args.seeds} seeds.\n\n"
            + markdown_table(header, table)
        },
    )


if __name__ == "__main__":
    main()
