"""Stage gallery@<variant>: what the model draws, from its checkpoints to its final samples.

The figures are shapegen.figures.generated_shapes's; this reads the models and data and writes them.
"""

from shapegen import paths
from shapegen.config.params import expected_model_kind, split_rows, variant_params
from shapegen.config.validation import load_params
from shapegen.data.rectangles_h5 import read_dataset
from shapegen.data.shapes_h5 import read_shapes
from shapegen.figures.generated_shapes import rectangles_gallery, shapes_gallery
from shapegen.files.writing import write_figure
from shapegen.sampling.generator import Generator
from shapegen.sampling.loading import generator_for
from shapegen.sampling.model_file import read_variant_network
from shapegen.stage import parse_variant, run_stage


def main() -> None:
    variant = parse_variant(__doc__)
    all_params = load_params()
    params_of_variant = variant_params(all_params, variant)
    kind = expected_model_kind(params_of_variant)
    params = all_params.gallery

    def generator(path) -> Generator:
        return generator_for(read_variant_network(path, kind), variant)

    checkpoints = {
        updates: generator(paths.checkpoint_file(variant, updates))
        for updates in params_of_variant.train.checkpoints
    }
    model = generator(paths.model_file(variant))
    if params_of_variant.data == "shapes":
        rows = split_rows(all_params, "shapes")
        test = read_shapes(paths.SHAPES_FILE, splits=("test",), rows=rows)["test"]
        tolerance = all_params.evaluate.fit_tolerance
        figures = shapes_gallery(variant, checkpoints, model, test, params, tolerance)
    else:
        train = read_dataset(paths.DATASET_FILE, split_rows(all_params, "rectangles")).train
        figures = rectangles_gallery(variant, checkpoints, model, train, params)
    folder = paths.gallery_dir(variant)
    for name, figure in figures.items():
        write_figure(folder / name, figure, params.dpi)
    print(f"wrote {folder}/: {', '.join(name.removesuffix('.png') for name in figures)}")


if __name__ == "__main__":
    run_stage(main)
