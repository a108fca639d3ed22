"""The shapes variants across weight seeds 1 to 5, against shapegen.evaluation.targets, in one run.

Run with `make seeds` (after benchmarks/seeds.py). Trains and evaluates `families` and
`families_conditional` as params.yaml sets them but for the weight seed; prints one row per
run, and as its last line `shape_seeds_passed=<k>/<n>`: the runs that met every target
(a weight seed may draw SHAPES_SEED_INVALID_FRACTION invalid shapes). Writes its table into
docs/performance.md.
"""

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from shapegen import paths
from shapegen.config.params import variant_params
from shapegen.config.validation import load_params
from shapegen.data.families import family_weight_array
from shapegen.data.shapes_h5 import make_shapes
from shapegen.evaluation.scoring import evaluate_shapes_model
from shapegen.evaluation.targets import SHAPES_SEED_INVALID_FRACTION, shapes_misses, shapes_summary
from shapegen.files.keras_archive import save_model
from shapegen.reporting.regions import markdown_table, rewrite_regions
from shapegen.reporting.results import machine_description, write_seed_results
from shapegen.sampling.loading import load_generator
from shapegen.training.loop import train_variant, training_shape_weights

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("families", "families_conditional")
COLUMNS = ("heldout_nll", "invalid_fraction", "family_tv", "sides_tv", "max_w1", "max_fit_p95")
HEADER = (
    "variant",
    "weight_seed",
    *COLUMNS,
    "polygons_asked_invalid",
    "min_accuracy",
    "train_seconds",
    "missed",
)


def run(params, name: str, weight_seed: int, shapes) -> dict:
    variant = variant_params(params, name)
    variant = dataclasses.replace(
        variant, model=dataclasses.replace(variant.model, seed=weight_seed)
    )
    started = time.perf_counter()
    model, _ = train_variant(
        variant,
        shapes["train"],
        shape_weights=training_shape_weights(variant, params.shapes, shapes["train"]),
    )
    train_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        save_model(model, Path(folder) / "model.keras")
        generator = load_generator(Path(folder) / "model.keras")
    weights = family_weight_array(params.shapes.family_weights)
    metrics = evaluate_shapes_model(
        generator, shapes["test"], params.evaluate, weights, params.evaluate.shapes_n_generated
    )
    return {**shapes_summary(metrics), "train_seconds": train_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weight-seeds", type=int, default=5, help="weight seeds 1..N")
    args = parser.parse_args()
    params = load_params(ROOT / "params.yaml")
    settings = params.shapes
    weights = {
        "train": family_weight_array(settings.train_family_weights),
        "test": family_weight_array(settings.family_weights),
    }
    shapes = make_shapes(settings.seed, settings.n_train, settings.n_test, weights)
    print("\t".join(HEADER))
    rows, results = [], []
    for name in VARIANTS:
        for seed in range(1, args.weight_seeds + 1):
            row = run(params, name, seed, shapes)
            results.append((row, name))
            missed = shapes_misses(row, invalid_fraction=SHAPES_SEED_INVALID_FRACTION)
            polygons = row["polygons_asked_invalid"]
            accuracy = min(row["requested_accuracy"].values(), default=None)
            cells = [f"{row[key]:.4f}" for key in COLUMNS]
            cells += ["-" if value is None else f"{value:.4f}" for value in (polygons, accuracy)]
            cells.append(f"{row['train_seconds']:.1f}")
            rows.append([name, str(seed), *cells, ",".join(missed) or "-"])
            print("\t".join(rows[-1]), flush=True)
    passed = sum(row[-1] == "-" for row in rows)
    write_seed_results(
        ROOT / paths.SEEDS_RESULTS_FILE,
        {name: [row for row, variant in results if variant == name] for name in VARIANTS},
    )
    rewrite_regions(
        ROOT / paths.PERFORMANCE_DOC,
        {
            "shape-seeds": f"`make seeds` on {machine_description()}: "
            f"{passed} of {len(rows)} runs met every target.\n\n" + markdown_table(HEADER, rows)
        },
    )
    print(f"shape_seeds_passed={passed}/{len(rows)}")


if __name__ == "__main__":
    main()
