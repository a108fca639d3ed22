"""Stage dataset_gallery: the training data at a glance.

data/gallery/training_rectangles.png: a grid of training rectangles (the chapter's figure
11.3); data/gallery/training_shapes.png: the first training shapes of each family, a row
each. One stage for both: matplotlib starts once.
"""

import numpy as np

from shapegen import paths
from shapegen.config import load_params
from shapegen.dataset import read_dataset
from shapegen.families import FAMILIES, ShapeBatch, parameter_label
from shapegen.files import write_figure
from shapegen.plotting import rectangle_grid_figure, shape_grid_figure
from shapegen.shapes_dataset import read_shapes
from shapegen.stage import run_stage


def family_rows(train: ShapeBatch, cols: int) -> tuple[list[np.ndarray], list[str]]:
    """The first `cols` shapes of each family and their labels, a row per family; a family
    with fewer shapes (or a weight of 0) leaves the rest of its row empty."""
    shapes, labels = [], []
    for family in range(len(FAMILIES)):
        rows = np.flatnonzero(train.families == family)[:cols]
        shapes.extend(train.points[row, : train.lengths[row]] for row in rows)
        labels.extend(parameter_label(family, train.parameters[row]) for row in rows)
        shapes.extend([np.zeros((0, 2))] * (cols - len(rows)))
        labels.extend([""] * (cols - len(rows)))
    return shapes, labels


def main() -> None:
    params = load_params().gallery
    rectangles = read_dataset(paths.DATASET_FILE).train
    shapes = read_shapes(paths.SHAPES_FILE)["train"]
    rows, cols = params.train_grid_rows, params.train_grid_cols
    figure = rectangle_grid_figure(
        rectangles[: rows * cols],
        rows,
        cols,
        params.panel_inches,
        title=f"The first {min(rows * cols, len(rectangles))} training rectangles (w, h ~ U(0, 1))",
    )
    write_figure(paths.TRAINING_GRID_FILE, figure, params.dpi)
    figure = shape_grid_figure(
        *family_rows(shapes, cols),
        len(FAMILIES),
        cols,
        params.panel_inches,
        title=f"The first {cols} training shapes of each family: {', '.join(FAMILIES)}",
    )
    write_figure(paths.TRAINING_SHAPES_FILE, figure, params.dpi)
    print(f"wrote {paths.TRAINING_GRID_FILE}, {paths.TRAINING_SHAPES_FILE}")


if __name__ == "__main__":
    run_stage(main)
