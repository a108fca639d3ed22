"""Stage evaluate@<variant>: held-out and generated-shape metrics, final and per checkpoint."""

from shapegen import paths
from shapegen.config.params import Params, expected_model_kind, split_rows, variant_params
from shapegen.config.validation import load_params
from shapegen.data.families import family_weight_array
from shapegen.data.rectangles_h5 import read_dataset
from shapegen.data.shapes_h5 import read_shapes
from shapegen.evaluation.scoring import (
    LEARNING_CURVE_COLUMNS,
    SHAPES_LEARNING_CURVE_COLUMNS,
    evaluate_shapes_model,
    evaluate_with_settings,
    headline_metrics,
    recognise_test_split,
)
from shapegen.files.writing import write_json, write_tsv
from shapegen.sampling.loading import generator_for
from shapegen.sampling.model_file import read_variant_network
from shapegen.stage import parse_variant, run_stage


def main() -> None:
    variant = parse_variant(__doc__)
    all_params = load_params()
    params_of_variant = variant_params(all_params, variant)
    checkpoints = params_of_variant.train.checkpoints
    kind = expected_model_kind(params_of_variant)
    settings = all_params.evaluate
    if params_of_variant.data == "shapes":
        evaluate_shapes(variant, all_params, kind)
        return
    test = read_dataset(paths.DATASET_FILE, split_rows(all_params, "rectangles")).test

    scored: dict[bytes, dict] = {}

    def evaluate(path):
        # The checkpoint at the last update is the final model, byte for byte: score it once.
        network = read_variant_network(path, kind)
        content = path.read_bytes()
        if content not in scored:
            scored[content] = evaluate_with_settings(generator_for(network), test, settings)
        return scored[content]

    final = evaluate(paths.model_file(variant))
    write_metrics(variant, final, params_of_variant.data)
    curve = [evaluate(paths.checkpoint_file(variant, updates)) for updates in checkpoints]
    columns = {name: [row[name] for row in curve] for name in LEARNING_CURVE_COLUMNS}
    write_tsv(paths.learning_curve_file(variant), columns)
    print(
        f"{variant}: heldout_mae {final['heldout_mae']:.4f} "
        f"(floor {final['heldout_mae_floor']:.4f}), "
        f"rect_error_p95 {final['rect_error_p95']:.4f}, width_w1 {final['width_w1']:.4f}, "
        f"height_w1 {final['height_w1']:.4f}, invalid {final['invalid_fraction']:.4f}, "
        f"rect_error_p99 {final['rect_error_p99']:.4f}, "
        f"width bins {final['width_bin_ratio_min']:.2f}-{final['width_bin_ratio_max']:.2f}, "
        f"height bins {final['height_bin_ratio_min']:.2f}-{final['height_bin_ratio_max']:.2f}, "
        f"primed_width_error_max {final['primed_width_error_max']:.4f}"
    )


def write_metrics(variant: str, metrics: dict, data: str) -> None:
    """The headline figures for `dvc metrics show`, and every figure beside them."""
    write_json(paths.metrics_file(variant), headline_metrics(metrics, data))
    write_json(paths.metrics_details_file(variant), metrics)


def evaluate_shapes(variant: str, all_params: Params, kind: dict) -> None:
    """The shapes models' metrics: families, fits and parameters, final and per checkpoint."""
    rows = split_rows(all_params, "shapes")
    test = read_shapes(paths.SHAPES_FILE, splits=("test",), rows=rows)["test"]
    weights = family_weight_array(all_params.shapes.family_weights)
    settings = all_params.evaluate
    reference = recognise_test_split(test, settings)
    final_network = read_variant_network(paths.model_file(variant), kind)
    final = evaluate_shapes_model(
        generator_for(final_network),
        test,
        settings,
        weights,
        settings.shapes_n_generated,
        reference=reference,
    )
    write_metrics(variant, final, all_params.variants[variant].data)
    # Each checkpoint, the last too, scored on the first shapes_curve_n test shapes and as
    # many drawn: every row of the curve measured alike.
    curve = [
        evaluate_shapes_model(
            generator_for(read_variant_network(paths.checkpoint_file(variant, updates), kind)),
            test.head(settings.shapes_curve_n),
            settings,
            weights,
            settings.shapes_curve_n,
            per_family=False,
            reference=reference,
        )
        for updates in all_params.variants[variant].train.checkpoints
    ]
    columns = {name: [row[name] for row in curve] for name in SHAPES_LEARNING_CURVE_COLUMNS}
    write_tsv(paths.learning_curve_file(variant), columns)
    accuracy = final.get("conditional_accuracy_by_family")
    print(
        f"{variant}: heldout_nll {final['heldout_nll']:.3f}, invalid "
        f"{final['invalid_fraction']:.4f}, family_tv {final['family_tv']:.4f}, shares "
        + ", ".join(f"{name} {share:.3f}" for name, share in final["family_share"].items())
        + f", sides_tv {final['sides_tv']}"
        + (f", conditional_accuracy_by_family {accuracy}" if accuracy else "")
    )


if __name__ == "__main__":
    run_stage(main)
