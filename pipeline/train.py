"""Stage train@<variant>: one update per rectangle; save the model and its checkpoints."""

import dataclasses

from shapegen import paths
from shapegen.cli import parse_variant, run_stage
from shapegen.config import load_params, variant_params
from shapegen.dataset import read_dataset
from shapegen.files import write_tsv
from shapegen.geometry import FRAMINGS
from shapegen.metrics import moving_average
from shapegen.model import build_model
from shapegen.model_files import save_model
from shapegen.train import progress_bar, restore_snapshot, train


def main() -> None:
    variant = parse_variant(__doc__)
    params = variant_params(load_params(), variant)
    inputs, targets = FRAMINGS[params.model.framing](read_dataset(paths.DATASET_FILE).train)
    n_updates = len(inputs) * params.train.passes
    model = build_model(
        params.model.units,
        params.train.learning_rate,
        params.model.seed,
        framing=params.model.framing,
        head=params.model.head,
        mixture=params.model.mixture and dataclasses.asdict(params.model.mixture),
        learning_rate_decay_to=params.train.learning_rate_decay_to,
        n_updates=n_updates,
    )
    result = train(
        model,
        inputs,
        targets,
        params.train.checkpoints,
        passes=params.train.passes,
        jit_compile=params.train.jit_compile,
        chunk_size=params.train.chunk_size,
        on_chunk=progress_bar(n_updates, params.train.loss_window),
    )

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
