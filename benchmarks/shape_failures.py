"""Why generated shapes are invalid: the family constraint each invalid shape breaks.

Run after `dvc repro` (reads the trained models and params.yaml; no TensorFlow):

    .venv/bin/python benchmarks/shape_failures.py [VARIANT ...]

For every shapes variant (default: all of them) it draws `evaluate.n_generated` shapes as
the evaluate stage does (a conditional model asked for families with the dataset's
weights), and reads each invalid one as the family its own moves aim at: a rectangle (P0
at the origin, first heading 0), a rotated rectangle (four points, P0 on the x axis), or
else a regular polygon of as many sides as it has points. It prints, as shares of all
generated shapes, how many break each constraint of that family (a shape may break
several) and how many break none of them (the nearest member is still too far: sides or
turns not regular enough).
"""

import argparse

from shapegen.config.validation import load_params
from shapegen.data.families import family_weight_array
from shapegen.evaluation.diagnosis import broken_constraints
from shapegen.evaluation.recognition import INVALID, recognise
from shapegen.evaluation.scoring import draw_generated
from shapegen.sampling.loading import load_generator

import numpy as np


def main() -> None:
    params = load_params("params.yaml")
    shapes_variants = [name for name, v in params.variants.items() if v.data == "shapes"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("variants", nargs="*", default=shapes_variants)
    args = parser.parse_args()
    settings = params.evaluate
    weights = family_weight_array(params.shapes.family_weights)
    for variant in args.variants:
        generator = load_generator(variant)
        rng = np.random.default_rng(settings.seed)
        n = settings.n_generated
        _, points, lengths = draw_generated(
            generator, settings.shapes_n_generated, settings.temperature, weights, rng
        )
        invalid = recognise(points, lengths, settings.fit_tolerance).families == INVALID
        broken = broken_constraints(points[invalid], lengths[invalid])
        any_broken = np.any(list(broken.values()), axis=0)
        print(f"{variant}: invalid {invalid.mean():.4f} of {n} shapes; breaking")
        for name, rows in broken.items():
            print(f"  {name:45s} {rows.sum() / n:.4f}")
        print(f"  {'none of these (not regular enough)':45s} {(~any_broken).sum() / n:.4f}")


if __name__ == "__main__":
    main()
