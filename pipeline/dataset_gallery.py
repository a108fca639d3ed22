"""Stage dataset_gallery: the training data at a glance.

data/gallery/training_rectangles.png: a grid of training rectangles (the chapter's figure
11.3); data/gallery/training_shapes.png: the first training shapes of each family, a row
each; data/gallery/how_it_works.png: how a shapes model reads and draws a training shape,
with the first categorical variant's bins and units. One stage for all: matplotlib starts
once.
"""

from shapegen import paths
from shapegen.config.params import split_rows
from shapegen.config.validation import load_params
from shapegen.data.rectangles_h5 import read_dataset
from shapegen.data.shapes_h5 import read_shapes
from shapegen.figures.how_it_works import how_it_works_figure
from shapegen.figures.training_data import training_rectangles_figure, training_shapes_figure
from shapegen.files.writing import write_figure
from shapegen.stage import run_stage


def main() -> None:
    all_params = load_params()
    params = all_params.gallery
    rectangles = read_dataset(paths.DATASET_FILE, split_rows(all_params, "rectangles")).train
    shapes = read_shapes(paths.SHAPES_FILE, rows=split_rows(all_params, "shapes"))["train"]
    figure = training_rectangles_figure(rectangles, params)
    write_figure(paths.TRAINING_GRID_FILE, figure, params.dpi)
    write_figure(paths.TRAINING_SHAPES_FILE, training_shapes_figure(shapes, params), params.dpi)
    model = next(
        (v.model for v in all_params.variants.values() if v.model.categorical is not None),
        None,
    )
    # Without a shapes variant the figure still explains the data, its bins unnamed.
    bins, units = (None, None) if model is None else (model.categorical.bins, model.units)
    figure = how_it_works_figure(shapes, bins, units)
    write_figure(paths.HOW_IT_WORKS_FILE, figure, params.dpi)
    print(
        f"wrote {paths.TRAINING_GRID_FILE}, {paths.TRAINING_SHAPES_FILE}, {paths.HOW_IT_WORKS_FILE}"
    )


if __name__ == "__main__":
    run_stage(main)
