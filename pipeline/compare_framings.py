"""Stage compare_framings: what memory buys, on rotated rectangles.

data/gallery/framings_rotated_rectangles.png: the first two corners of test rotated
rectangles, completed by the sequence-framed model and by the point-framed one (the
chapter's framing: each step from the last alone). The third corner lies at h = x0 / sin t
from the second: it needs the first corner, which only the sequence model remembers.
"""

import numpy as np

from shapegen import paths
from shapegen.config import expected_model_kind, load_params, variant_params
from shapegen.families import FAMILIES, parameter_label
from shapegen.files import write_figure
from shapegen.loading import generator_for
from shapegen.model_files import read_variant_network
from shapegen.plotting import overlay_figure
from shapegen.shapes_dataset import read_shapes
from shapegen.stage import run_stage

GIVEN_POINTS = 2
N_PREFIXES = 3


def main() -> None:
    params = load_params()
    gallery = params.gallery
    test = read_shapes(paths.SHAPES_FILE, splits=("test",))["test"]
    family = FAMILIES.index("rotated_rectangle")
    rows = np.flatnonzero(test.families == family)[:N_PREFIXES]
    n = gallery.shapes_per_panel
    panels = {}
    for framing, variant in (
        ("sequence", gallery.compare_framings.sequence),
        ("point", gallery.compare_framings.point),
    ):
        kind = expected_model_kind(variant_params(params, variant))
        model = generator_for(read_variant_network(paths.model_file(variant), kind), variant)
        asked = FAMILIES[family] if model.network.conditional else None
        for row in rows:
            label = f"{variant} ({framing})\n{parameter_label(family, test.parameters[row])}"
            panels[label] = model.complete(
                test.points[row, :GIVEN_POINTS],
                n,
                seed=gallery.sample_seed,
                temperature=gallery.sample_temperature,
                family=asked,
            )
    title = (
        f"Two corners given: with memory (top), without (bottom); T = {gallery.sample_temperature}"
    )
    figure = overlay_figure(
        panels, gallery.panel_inches, title, prefix_corners=GIVEN_POINTS, columns=N_PREFIXES
    )
    write_figure(paths.FRAMINGS_FIGURE_FILE, figure, gallery.dpi)
    print(f"wrote {paths.FRAMINGS_FIGURE_FILE}")


if __name__ == "__main__":
    run_stage(main)
