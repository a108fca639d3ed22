"""Stage gallery@<variant>: what the model draws, from its checkpoints to its final samples."""

import numpy as np

from shapegen import paths
from shapegen.config import expected_model_kind, load_params, variant_params
from shapegen.dataset import read_dataset
from shapegen.files import write_figure
from shapegen.generate import Generator
from shapegen.geometry import rectangle_errors, width_prefixes
from shapegen.model_files import read_variant_network
from shapegen.plotting import (
    checkpoint_figure,
    nearest_rectangle_figure,
    overlay_figure,
    rectangle_grid_figure,
    size_histogram_figure,
)
from shapegen.stage import parse_variant, run_stage


def main() -> None:
    variant = parse_variant(__doc__)
    all_params = load_params()
    params_of_variant = variant_params(all_params, variant)
    checkpoints = params_of_variant.train.checkpoints
    kind = expected_model_kind(params_of_variant)
    params = all_params.gallery
    folder = paths.gallery_dir(variant)
    temperature, inches = params.sample_temperature, params.panel_inches
    train = read_dataset(paths.DATASET_FILE).train

    def rng() -> np.random.Generator:
        # A fresh generator per figure: each figure is reproducible on its own.
        return np.random.default_rng(params.sample_seed)

    def save(name, figure):
        write_figure(folder / name, figure, params.dpi)

    def generator(path) -> Generator:
        return Generator(read_variant_network(path, kind))

    shapes = {
        updates: generator(paths.checkpoint_file(variant, updates)).generate_batch(
            1, rng(), temperature
        )[0]
        for updates in checkpoints
    }
    save("checkpoints.png", checkpoint_figure(shapes, inches))

    model = generator(paths.model_file(variant))
    first = model.generate_batch(1, rng(), temperature)
    save(
        "generated_vs_nearest.png",
        nearest_rectangle_figure(first[0], float(rectangle_errors(first)[0]), inches),
    )

    rows, cols = params.sample_grid_rows, params.sample_grid_cols
    grid = model.generate_batch(rows * cols, rng(), temperature)
    title = (
        f"{variant}: {rows * cols} rectangles generated from [0, 0] at temperature {temperature}"
    )
    save("samples.png", rectangle_grid_figure(grid, rows, cols, inches, title))

    many = model.generate_batch(params.histogram_samples, rng(), temperature)
    title = f"{variant}: sizes of generated rectangles (temperature {temperature}) and of the data"
    save(
        "size_histograms.png",
        size_histogram_figure(many, train, params.histogram_bins, inches, title),
    )

    n = params.shapes_per_panel
    strip = {
        f"temperature {value}": model.generate_batch(n, rng(), value)
        for value in params.temperature_strip
    }
    save(
        "temperature_strip.png",
        overlay_figure(strip, inches, f"{variant}: rectangles by temperature"),
    )

    primed = {
        f"given width {width}": model.complete_batch(
            width_prefixes(np.full(n, width)), rng(), temperature
        )
        for width in params.primed_widths
    }
    title = f"{variant}: completions of a given BL, BR (temperature {temperature})"
    save("primed.png", overlay_figure(primed, inches, title, prefix_corners=2))
    print(
        f"wrote {folder}/: checkpoints, generated_vs_nearest, samples, size_histograms, "
        "temperature_strip, primed"
    )


if __name__ == "__main__":
    run_stage(main)
