"""Stage evaluate@<variant>: held-out MAE and generated-shape metrics, final and per checkpoint."""

from shapegen import paths
from shapegen.cli import parse_variant, run_stage
from shapegen.config import load_params, variant_params
from shapegen.dataset import read_dataset
from shapegen.evaluate import LEARNING_CURVE_COLUMNS, evaluate_model
from shapegen.files import write_json, write_tsv
from shapegen.model_files import load_model


def main() -> None:
    variant = parse_variant(__doc__)
    all_params = load_params()
    params = variant_params(all_params, variant)
    test = read_dataset(paths.DATASET_FILE).test
    n_generated = all_params.evaluate.n_generated

    final = evaluate_model(load_model(paths.model_file(variant)), test, n_generated)
    write_json(paths.metrics_file(variant), final)

    curve = [
        evaluate_model(load_model(paths.checkpoint_file(variant, updates)), test, n_generated)
        for updates in params.train.checkpoints
    ]
    columns = {name: [row[name] for row in curve] for name in LEARNING_CURVE_COLUMNS}
    write_tsv(paths.learning_curve_file(variant), columns)
    print(
        f"{variant}: heldout_mae {final['heldout_mae']:.4f} "
        f"(floor {final['heldout_mae_floor']:.4f}), "
        f"rect_error_p95 {final['rect_error_p95']:.4f}, width_w1 {final['width_w1']:.3f}"
    )


if __name__ == "__main__":
    run_stage(main)
