"""Stage shapes: draw the train and test shapes of three families into data/shapes.h5."""

from shapegen import paths
from shapegen.config.validation import load_params
from shapegen.data.families import family_weight_array
from shapegen.data.shapes_h5 import make_shapes, write_shapes
from shapegen.stage import run_stage

import numpy as np


def main() -> None:
    params = load_params().shapes
    weights = {
        "train": family_weight_array(params.train_family_weights),
        "test": family_weight_array(params.family_weights),
    }
    splits = make_shapes(params.seed, params.n_train, params.n_test, weights)
    write_shapes(paths.SHAPES_FILE, splits, params.seed, weights)
    counts = np.bincount(splits["train"].families, minlength=len(weights["train"]))
    print(
        f"wrote {paths.SHAPES_FILE}: {params.n_train} train ({', '.join(map(str, counts))} by "
        f"family), {params.n_test} test shapes"
    )


if __name__ == "__main__":
    run_stage(main)
