"""The figures of the dataset_gallery stage: the training data at a glance.

pipeline/dataset_gallery.py reads the datasets, calls these and writes each figure; tests
render the same figures. Nothing here reads a file.
"""

import numpy as np
from matplotlib.figure import Figure

from shapegen.config.params import GalleryParams
from shapegen.data.families import FAMILIES, ShapeBatch, parameter_label
from shapegen.figures.panels import rectangle_grid_figure, shape_grid_figure


def training_rectangles_figure(rectangles: np.ndarray, params: GalleryParams) -> Figure:
    """A grid of the first training rectangles (the chapter's figure 11.3)."""
    rows, cols = params.train_grid_rows, params.train_grid_cols
    return rectangle_grid_figure(
        rectangles[: rows * cols],
        rows,
        cols,
        params.panel_inches,
        title=f"The first {min(rows * cols, len(rectangles))} training rectangles (w, h ~ U(0, 1))",
    )


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


def training_shapes_figure(shapes: ShapeBatch, params: GalleryParams) -> Figure:
    """The first training shapes of each family, a row each, named as FAMILIES names them."""
    cols = params.train_grid_cols
    return shape_grid_figure(
        *family_rows(shapes, cols),
        len(FAMILIES),
        cols,
        params.panel_inches,
        title=f"The first {cols} training shapes of each family, a row each",
        row_labels=FAMILIES,
    )
