"""Stage dataset_gallery: the training data at a glance.

data/gallery/training_rectangles.png: a grid of training rectangles (the chapter's figure
11.3); data/gallery/training_shapes.png: the first training shapes of each family, a row
each. One stage for both: matplotlib starts once.
"""

from shapegen import paths
from shapegen.config.params import split_rows
from shapegen.config.validation import load_params
from shapegen.data.rectangles_h5 import read_dataset
from shapegen.data.shapes_h5 import read_shapes
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
    print(f"wrote {paths.TRAINING_GRID_FILE}, {paths.TRAINING_SHAPES_FILE}")


if __name__ == "__main__":
    run_stage(main)
