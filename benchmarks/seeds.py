"""The `mixture` recipe across seeds nobody tuned it on, measured in one run on this machine.

Run with `make seeds`. Trains and evaluates the default `mixture` variant of params.yaml
(every setting as committed but the seed) for weight seeds 1 to 20 on dataset seed 1,
and for dataset seeds 2 to 5 on the default weight seed: 24 runs in this process. Prints
one row per run, then each metric's min, median and max, and as its last line
`seeds_passed=<k>/<n>`: the runs that met every target below.
"""

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

import numpy as np

from shapegen.config import load_params, variant_params
from shapegen.dataset import make_dataset
from shapegen.evaluate import evaluate_with_settings
from shapegen.loading import load_generator
from shapegen.model_files import save_model
from shapegen.train import train_variant

ROOT = Path(__file__).resolve().parents[1]
VARIANT = "mixture"
# Issue 9's targets for every run (temperature 1, 10,000 shapes, 30,000 completions).
BIN_RATIO_RANGE = (0.8, 1.2)
HEIGHT_W1_ABOVE_FLOOR = 0.01
TARGETS = {  # metric: largest value allowed
    "width_w1": 0.01,
    "invalid_fraction": 0.0,
    "rect_error_p95": 0.005,
    "rect_error_p99": 0.01,
    "primed_width_error_max": 0.01,
    "heldout_mae": 0.086,
}
BIN_RATIOS = (
    "width_bin_ratio_min",
    "width_bin_ratio_max",
    "height_bin_ratio_min",
    "height_bin_ratio_max",
)
COLUMNS = (
    "heldout_mae",
    "heldout_nll",
    "width_w1",
    "height_w1",
    "invalid_fraction",
    "rect_error_p95",
    "rect_error_p99",
    "rect_error_max",
    *BIN_RATIOS,
    "primed_width_error_max",
    "train_seconds",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weight-seeds", type=int, default=20, help="weight seeds 1..N")
    parser.add_argument("--dataset-seeds", type=int, default=5, help="dataset seeds 2..N")
    return parser.parse_args()


def missed_targets(metrics: dict) -> list[str]:
    """The targets a run missed, by metric name (none: it passed)."""
    missed = [name for name, limit in TARGETS.items() if metrics[name] > limit]
    if metrics["height_w1"] > metrics["height_w1_floor"] + HEIGHT_W1_ABOVE_FLOOR:
        missed.append("height_w1")
    low, high = BIN_RATIO_RANGE
    missed += [name for name in BIN_RATIOS if not low <= metrics[name] <= high]
    return missed


def run(params, weight_seed: int, dataset_seed: int) -> dict:
    """Train the variant with these seeds and evaluate it as the pipeline does."""
    variant = variant_params(params, VARIANT)
    variant = dataclasses.replace(
        variant, model=dataclasses.replace(variant.model, seed=weight_seed)
    )
    dataset = make_dataset(dataset_seed, params.dataset.n_train, params.dataset.n_test)
    started = time.perf_counter()
    model, _ = train_variant(variant, dataset.train)
    train_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        # Through the saved file, as the evaluate stage reads it.
        save_model(model, Path(folder) / "model.keras")
        generator = load_generator(Path(folder) / "model.keras")
    metrics = evaluate_with_settings(generator, dataset.test, params.evaluate)
    return {**metrics, "train_seconds": train_seconds}


def main() -> None:
    args = parse_args()
    params = load_params(ROOT / "params.yaml")
    default_weight_seed = variant_params(params, VARIANT).model.seed
    default_dataset_seed = params.dataset.seed
    runs = [(seed, default_dataset_seed) for seed in range(1, args.weight_seeds + 1)]
    runs += [(default_weight_seed, seed) for seed in range(2, args.dataset_seeds + 1)]

    header = ["weight_seed", "dataset_seed", *COLUMNS, "missed"]
    print("\t".join(header), flush=True)
    results = []
    for weight_seed, dataset_seed in runs:
        metrics = run(params, weight_seed, dataset_seed)
        missed = missed_targets(metrics)
        results.append((metrics, missed))
        cells = [f"{metrics[name]:.4f}" for name in COLUMNS]
        print(
            "\t".join([str(weight_seed), str(dataset_seed), *cells, ",".join(missed) or "-"]),
            flush=True,
        )

    print()
    print("metric\tmin\tmedian\tmax")
    for name in COLUMNS:
        values = np.array([metrics[name] for metrics, _ in results])
        print(f"{name}\t{values.min():.4f}\t{np.median(values):.4f}\t{values.max():.4f}")
    passed = sum(not missed for _, missed in results)
    print(f"seeds_passed={passed}/{len(results)}")


if __name__ == "__main__":
    main()
