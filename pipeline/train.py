"""Stage train@<variant>: one update per rectangle or shape; save the model and its checkpoints."""

from shapegen import paths
from shapegen.config.params import split_rows, updates_per_pass, variant_params
from shapegen.config.validation import load_params
from shapegen.data.rectangles_h5 import read_dataset
from shapegen.data.shapes_h5 import read_shapes
from shapegen.files.writing import write_tsv
from shapegen.stage import parse_variant, run_stage


def main() -> None:
    variant = parse_variant(__doc__)
    all_params = load_params()
    params = variant_params(all_params, variant)
    rows = split_rows(all_params, params.data)
    if params.data == "shapes":
        data = read_shapes(paths.SHAPES_FILE, splits=("train",), rows=rows)["train"]
    else:
        data = read_dataset(paths.DATASET_FILE, rows).train
    # TensorFlow starts only once params and data are checked: a mistake there costs no
    # start-up, and its one-line error is not buried under TensorFlow's start-up log.
    from shapegen.files.keras_archive import save_model
    from shapegen.training.loop import (
        moving_average,
        progress_bar,
        restore_snapshot,
        train_variant,
        training_shape_weights,
    )

    shape_weights = training_shape_weights(params, all_params.shapes, data)
    n_updates = updates_per_pass(params, len(data)) * params.train.passes
    progress = progress_bar(n_updates, params.train.loss_window)
    model, result = train_variant(params, data, on_chunk=progress, shape_weights=shape_weights)

    # Written only once training has finished: a diverged run leaves no partial outputs.
    save_model(model, paths.model_file(variant))
    for updates, snapshot in result.snapshots.items():
        restore_snapshot(model, snapshot)
        save_model(model, paths.checkpoint_file(variant, updates))
    smoothed = moving_average(result.losses, params.train.loss_window)
    logged = range(params.train.loss_log_every - 1, len(smoothed), params.train.loss_log_every)
    write_tsv(
        paths.train_loss_file(variant),
        {"updates": [i + 1 for i in logged], "loss_moving_average": smoothed[list(logged)]},
    )
    print(
        f"trained {variant}: {n_updates} updates in {result.update_seconds:.2f} s "
        f"after {result.compile_seconds:.2f} s of compilation "
        f"({1e6 * result.update_seconds / n_updates:.1f} us per update); "
        f"final moving-average loss {smoothed[-1]:.4f}"
    )


if __name__ == "__main__":
    run_stage(main)
