"""Stage dataset: draw the train and test rectangles into data/rectangles.h5."""

from shapegen import paths
from shapegen.config.validation import load_params
from shapegen.data.rectangles_h5 import make_dataset, write_dataset
from shapegen.stage import run_stage


def main() -> None:
    params = load_params().dataset
    dataset = make_dataset(params.seed, params.n_train, params.n_test)
    write_dataset(paths.DATASET_FILE, dataset)
    print(f"wrote {paths.DATASET_FILE}: {params.n_train} train, {params.n_test} test rectangles")


if __name__ == "__main__":
    run_stage(main)
