"""Stage gallery@<variant>: what the model draws, from its checkpoints to its final samples."""

import numpy as np

from shapegen import paths
from shapegen.config import GalleryParams, Params, expected_model_kind, load_params, variant_params
from shapegen.dataset import read_dataset
from shapegen.families import (
    FAMILIES,
    parameter_label,
    recognise,
    recognition_labels,
    unpadded,
)
from shapegen.files import write_figure
from shapegen.generator import Generator
from shapegen.geometry import rectangle_errors, width_prefixes
from shapegen.loading import generator_for
from shapegen.model_files import read_variant_network
from shapegen.plotting import (
    checkpoint_figure,
    nearest_rectangle_figure,
    overlay_figure,
    rectangle_grid_figure,
    shape_grid_figure,
    size_histogram_figure,
)
from shapegen.shapes_dataset import read_shapes
from shapegen.stage import parse_variant, run_stage


def main() -> None:
    variant = parse_variant(__doc__)
    all_params = load_params()
    params_of_variant = variant_params(all_params, variant)
    checkpoints = params_of_variant.train.checkpoints
    kind = expected_model_kind(params_of_variant)
    if params_of_variant.data == "shapes":
        shapes_gallery(variant, all_params, kind)
        return
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
        return generator_for(read_variant_network(path, kind), variant)

    def drawn(model: Generator, n: int, temperature: float) -> np.ndarray:
        return model.generate_batch(n, rng(), temperature)[0]  # all have 4 corners

    shapes = {
        updates: drawn(generator(paths.checkpoint_file(variant, updates)), 1, temperature)[0]
        for updates in checkpoints
    }
    save("checkpoints.png", checkpoint_figure(shapes, inches))

    model = generator(paths.model_file(variant))
    first = drawn(model, 1, temperature)
    save(
        "generated_vs_nearest.png",
        nearest_rectangle_figure(first[0], float(rectangle_errors(first)[0]), inches),
    )

    rows, cols = params.sample_grid_rows, params.sample_grid_cols
    grid = drawn(model, rows * cols, temperature)
    title = (
        f"{variant}: {rows * cols} rectangles generated from [0, 0] at temperature {temperature}"
    )
    save("samples.png", rectangle_grid_figure(grid, rows, cols, inches, title))

    many = drawn(model, params.histogram_samples, temperature)
    title = f"{variant}: sizes of generated rectangles (temperature {temperature}) and of the data"
    save(
        "size_histograms.png",
        size_histogram_figure(many, train, params.histogram_bins, inches, title),
    )

    n = params.shapes_per_panel
    strip = {f"temperature {value}": drawn(model, n, value) for value in params.temperature_strip}
    save(
        "temperature_strip.png",
        overlay_figure(strip, inches, f"{variant}: rectangles by temperature"),
    )

    primed = {
        f"given width {width}": model.complete_batch(
            width_prefixes(np.full(n, width)), rng(), temperature
        )[0]
        for width in params.primed_widths
    }
    title = f"{variant}: completions of a given BL, BR (temperature {temperature})"
    save("primed.png", overlay_figure(primed, inches, title, prefix_corners=2))
    print(
        f"wrote {folder}/: checkpoints, generated_vs_nearest, samples, size_histograms, "
        "temperature_strip, primed"
    )


def _shapes_and_labels(
    points: np.ndarray, lengths: np.ndarray, tolerance: float
) -> tuple[list[np.ndarray], list[str]]:
    found = recognise(points, lengths, tolerance)
    return unpadded(points, lengths), recognition_labels(found)


PRIMED_FAMILIES = ("regular_polygon", "rotated_rectangle")
PRIMED_POINTS = 2


def shapes_gallery(variant: str, all_params: Params, kind: dict) -> None:
    """Stage gallery@<variant> for a shapes model: samples.png (a row per family
    for a conditional model), primed.png (completions of the first two points of a test
    polygon and a test rotated rectangle), checkpoints.png (a row per checkpoint)."""
    params: GalleryParams = all_params.gallery
    tolerance = all_params.evaluate.fit_tolerance
    folder = paths.gallery_dir(variant)
    temperature, inches = params.sample_temperature, params.panel_inches
    rows, cols = params.sample_grid_rows, params.sample_grid_cols

    def rng() -> np.random.Generator:
        return np.random.default_rng(params.sample_seed)

    def save(name, figure):
        write_figure(folder / name, figure, params.dpi)

    model = generator_for(read_variant_network(paths.model_file(variant), kind), variant)
    conditional = model.network.conditional
    if conditional:
        families = np.repeat(np.arange(len(FAMILIES)), cols)
        rows = len(FAMILIES)
        title = f"{variant}: {cols} shapes asked for each family ({', '.join(FAMILIES)}), "
    else:
        families = None
        title = f"{variant}: {rows * cols} shapes, "
    title += f"temperature {temperature}, labelled as recognised"
    points, lengths = model.generate_batch(rows * cols, rng(), temperature, families)
    save(
        "samples.png",
        shape_grid_figure(
            *_shapes_and_labels(points, lengths, tolerance), rows, cols, inches, title
        ),
    )

    test = read_shapes(paths.SHAPES_FILE, splits=("test",))["test"]
    n = params.shapes_per_panel
    primed = {}
    for family in PRIMED_FAMILIES:
        index = FAMILIES.index(family)
        row = int(np.flatnonzero(test.families == index)[0])
        label = f"{family.replace('_', ' ')} ({parameter_label(index, test.parameters[row])})"
        primed[label] = model.complete(
            test.points[row, :PRIMED_POINTS],
            n,
            seed=rng(),
            temperature=temperature,
            family=family if conditional else None,
        )
    title = f"{variant}: completions of a test shape's first two points (temperature {temperature})"
    save("primed.png", overlay_figure(primed, inches, title, prefix_corners=PRIMED_POINTS))

    checkpoints = all_params.variants[variant].train.checkpoints
    shapes, labels = [], []
    for updates in checkpoints:
        network = read_variant_network(paths.checkpoint_file(variant, updates), kind)
        asked = np.arange(cols) % len(FAMILIES) if conditional else None
        drawn, drawn_lengths = generator_for(network).generate_batch(
            cols, rng(), temperature, asked
        )
        these, _ = _shapes_and_labels(drawn, drawn_lengths, tolerance)
        shapes.extend(these)
        labels.extend([f"after {updates:,} updates"] + [""] * (cols - 1))
    title = f"{variant}: shapes drawn after n training updates, a row per checkpoint"
    save(
        "checkpoints.png", shape_grid_figure(shapes, labels, len(checkpoints), cols, inches, title)
    )
    print(f"wrote {folder}/: samples, primed, checkpoints")


if __name__ == "__main__":
    run_stage(main)
