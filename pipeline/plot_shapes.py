"""Stage shapes_gallery: the first training shapes of each family, a row per family."""

import numpy as np

from shapegen import paths
from shapegen.config import load_params
from shapegen.families import FAMILIES, parameter_label
from shapegen.files import write_figure
from shapegen.plotting import shape_grid_figure
from shapegen.shapes_dataset import read_shapes
from shapegen.stage import run_stage


def main() -> None:
    params = load_params().gallery
    train = read_shapes(paths.SHAPES_FILE)["train"]
    cols = params.train_grid_cols
    shapes, labels = [], []
    for family in range(len(FAMILIES)):
        rows = np.flatnonzero(train.families == family)[:cols]
        for row in rows:
            shapes.append(train.points[row, : train.lengths[row]])
            labels.append(parameter_label(family, train.parameters[row]))
        # A family with fewer shapes (or a weight of 0) leaves the rest of its row empty.
        shapes.extend([np.zeros((0, 2))] * (cols - len(rows)))
        labels.extend([""] * (cols - len(rows)))
    figure = shape_grid_figure(
        shapes,
        labels,
        len(FAMILIES),
        cols,
        params.panel_inches,
        title=f"The first {cols} training shapes of each family: {', '.join(FAMILIES)}",
    )
    write_figure(paths.TRAINING_SHAPES_FILE, figure, params.dpi)
    print(f"wrote {paths.TRAINING_SHAPES_FILE}")


if __name__ == "__main__":
    run_stage(main)
