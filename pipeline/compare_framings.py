"""Stage compare_framings: what memory buys, on rotated rectangles.

data/gallery/framings_rotated_rectangles.png: the first two corners of test rotated
rectangles, completed by the sequence-framed model and by the point-framed one (the
chapter's framing: each step from the last alone). The third corner lies at h = x0 / sin t
from the second: it needs the first corner, which only the sequence model remembers.
The figure is shapegen.figures.generated_shapes.framings_figure; this reads the models and data.
"""

from shapegen import paths
from shapegen.config.params import expected_model_kind, split_rows, variant_params
from shapegen.config.validation import load_params
from shapegen.data.shapes_h5 import read_shapes
from shapegen.figures.generated_shapes import framings_figure
from shapegen.files.writing import write_figure
from shapegen.sampling.loading import generator_for
from shapegen.sampling.model_file import read_variant_network
from shapegen.stage import run_stage


def main() -> None:
    params = load_params()
    gallery = params.gallery
    rows = split_rows(params, "shapes")
    test = read_shapes(paths.SHAPES_FILE, splits=("test",), rows=rows)["test"]
    models = []
    for framing, variant in (
        ("sequence", gallery.compare_framings.sequence),
        ("point", gallery.compare_framings.point),
    ):
        kind = expected_model_kind(variant_params(params, variant))
        network = read_variant_network(paths.model_file(variant), kind)
        models.append((framing, variant, generator_for(network, variant)))
    figure = framings_figure(models, test, gallery)
    write_figure(paths.FRAMINGS_FIGURE_FILE, figure, gallery.dpi)
    print(f"wrote {paths.FRAMINGS_FIGURE_FILE}")


if __name__ == "__main__":
    run_stage(main)
