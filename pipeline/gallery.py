"""Stage gallery@<variant>: what each checkpoint generates, and the final shape vs the truth."""

import numpy as np

from shapegen import paths
from shapegen.cli import parse_variant, run_stage
from shapegen.config import load_params, variant_params
from shapegen.files import write_figure
from shapegen.generate import generate_rectangles
from shapegen.geometry import rectangle_errors
from shapegen.model_files import load_model
from shapegen.plotting import checkpoint_figure, nearest_rectangle_figure

ORIGIN = np.zeros((1, 2))


def main() -> None:
    variant = parse_variant(__doc__)
    all_params = load_params()
    params, gallery = variant_params(all_params, variant), all_params.gallery
    folder = paths.gallery_dir(variant)

    shapes = {
        updates: generate_rectangles(load_model(paths.checkpoint_file(variant, updates)), ORIGIN)[0]
        for updates in params.train.checkpoints
    }
    write_figure(
        folder / "checkpoints.png", checkpoint_figure(shapes, gallery.panel_inches), gallery.dpi
    )

    final = generate_rectangles(load_model(paths.model_file(variant)), ORIGIN)
    figure = nearest_rectangle_figure(
        final[0], float(rectangle_errors(final)[0]), gallery.panel_inches
    )
    write_figure(folder / "generated_vs_nearest.png", figure, gallery.dpi)
    print(f"wrote {folder}/checkpoints.png and generated_vs_nearest.png")


if __name__ == "__main__":
    run_stage(main)
