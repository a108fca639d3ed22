"""Stage dataset_gallery: a grid of training rectangles (the chapter's figure 11.3)."""

from shapegen import paths
from shapegen.config import load_params
from shapegen.dataset import read_dataset
from shapegen.files import write_figure
from shapegen.plotting import rectangle_grid_figure
from shapegen.stage import run_stage


def main() -> None:
    params = load_params().gallery
    train = read_dataset(paths.DATASET_FILE).train
    count = params.train_grid_rows * params.train_grid_cols
    figure = rectangle_grid_figure(
        train[:count],
        params.train_grid_rows,
        params.train_grid_cols,
        params.panel_inches,
        title=f"The first {min(count, len(train))} training rectangles (w, h ~ U(0, 1))",
    )
    write_figure(paths.TRAINING_GRID_FILE, figure, params.dpi)
    print(f"wrote {paths.TRAINING_GRID_FILE}")


if __name__ == "__main__":
    run_stage(main)
