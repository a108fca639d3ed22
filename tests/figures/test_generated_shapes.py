"""Every figure the gallery and compare_framings stages write, rendered by the functions
the stages call (shapegen.figures.generated_shapes) at the committed gallery params, from small
untrained models with fixed seeds (their shapes stray further than a trained model's: the
hard case for a panel's view), and checked as a reader sees it: no text cut off or
overlapping another, every shape whole inside its panel, no text or legend over a shape, no
empty band, no two panels of a row alike (tests/figure_checks.py); and each names its
variant."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import TransformedBbox

from shapegen.config.validation import load_params
from shapegen.data.families import FAMILIES, draw_shapes
from shapegen.data.rectangles import random_rectangles
from shapegen.figures.generated_shapes import framings_figure, rectangles_gallery, shapes_gallery
from shapegen.figures.panels import CELL_GID, overlay_figure, shape_grid_figure
from shapegen.figures.training_data import training_shapes_figure
from shapegen.model import build_model

from ..conftest import ROOT
from ..figure_checks import figure_problems
from ..small_models import generator_of, small_categorical_model, small_mixture_model

PARAMS = load_params(ROOT / "params.yaml")
GALLERY = PARAMS.gallery
TOLERANCE = PARAMS.evaluate.fit_tolerance
CHECKPOINTS = (1000, 250000)  # update counts as wide as the pipeline's
RECTANGLES_FIGURES = (
    "checkpoints.png",
    "generated_vs_nearest.png",
    "samples.png",
    "size_histograms.png",
    "temperature_strip.png",
    "primed.png",
)
SHAPES_FIGURES = ("samples.png", "primed.png", "checkpoints.png")
# A variant name as long as the longest the pipeline has: titles must fit it.
LONG_NAME = "families_conditional"
# Each gallery: its builder, and the kind of figures it writes.
BUILDERS = {
    "book": (lambda seed: build_model(4, 1.0e-3, seed=seed), "rectangles"),
    "mixture": (lambda seed: small_mixture_model(seed=seed), "rectangles"),
    "families": (lambda seed: small_categorical_model(seed=seed), "shapes"),
    "families_conditional": (
        lambda seed: small_categorical_model(conditional=True, seed=seed),
        "shapes",
    ),
    "families_point": (lambda seed: small_categorical_model("point", seed=seed), "shapes"),
}
CASES = [
    (gallery, name)
    for gallery, (_, data) in BUILDERS.items()
    for name in (RECTANGLES_FIGURES if data == "rectangles" else SHAPES_FIGURES)
]


@pytest.fixture(scope="module")
def train_rectangles() -> np.ndarray:
    return random_rectangles(np.random.default_rng(0), 2000)


@pytest.fixture(scope="module")
def shapes():
    """A small shapes split, every family in it."""
    return draw_shapes(np.random.default_rng(1), 300, np.ones(len(FAMILIES)))


@pytest.fixture(scope="module")
def generators(tmp_path_factory):
    """Each gallery's checkpoints (models of other seeds) and final model, read back from
    their saved files as the stage reads them; built once, when first asked."""
    built = {}

    def get(gallery: str):
        if gallery not in built:
            build, _ = BUILDERS[gallery]
            folder = tmp_path_factory.mktemp(gallery)
            checkpoints = {
                updates: generator_of(build(seed), folder / str(seed))
                for seed, updates in enumerate(CHECKPOINTS, start=1)
            }
            built[gallery] = checkpoints, generator_of(build(0), folder / "final")
        return built[gallery]

    return get


@pytest.fixture(scope="module")
def galleries(generators, train_rectangles, shapes):
    """Each gallery's figures by file name, rendered once, when first asked."""
    rendered = {}

    def get(gallery: str) -> dict[str, Figure]:
        if gallery not in rendered:
            checkpoints, model = generators(gallery)
            if BUILDERS[gallery][1] == "rectangles":
                figures = rectangles_gallery(
                    LONG_NAME, checkpoints, model, train_rectangles, GALLERY
                )
            else:
                figures = shapes_gallery(LONG_NAME, checkpoints, model, shapes, GALLERY, TOLERANCE)
            rendered[gallery] = figures
        return rendered[gallery]

    return get


@pytest.mark.parametrize(("gallery", "name"), CASES)
def test_every_gallery_figure_is_clean(galleries, gallery, name):
    figures = galleries(gallery)
    data = BUILDERS[gallery][1]
    assert tuple(figures) == (RECTANGLES_FIGURES if data == "rectangles" else SHAPES_FIGURES)
    assert figure_problems(figures[name], GALLERY.dpi) == []


def test_the_framings_figure_is_clean(generators, shapes):
    _, sequence = generators("families")
    _, point = generators("families_point")
    models = [("sequence", "families", sequence), ("point", LONG_NAME, point)]
    assert figure_problems(framings_figure(models, shapes, GALLERY), GALLERY.dpi) == []


# What the figures say.


def _titles(figure: Figure) -> list[str]:
    return [axes.get_title() for axes in figure.axes]


def _shapes_per_panel(figure: Figure) -> list[int]:
    return [len(axes.patches) for axes in figure.axes]


def test_a_samplers_checkpoints_overlay_as_many_draws_each_titled_with_updates(galleries):
    figure = galleries("mixture")["checkpoints.png"]
    assert _titles(figure) == [f"{updates:,} updates" for updates in CHECKPOINTS]
    assert _shapes_per_panel(figure) == [GALLERY.shapes_per_panel] * len(CHECKPOINTS)
    assert "rectangles" not in figure.get_suptitle().split("after")[1]  # n counts updates


def test_a_deterministic_model_draws_one_shape_and_one_temperature_panel(galleries):
    figures = galleries("book")
    assert _shapes_per_panel(figures["checkpoints.png"]) == [1] * len(CHECKPOINTS)
    strip = figures["temperature_strip.png"]
    assert len(strip.axes) == 1 and "deterministic" in _titles(strip)[0]
    assert _shapes_per_panel(figures["primed.png"]) == [1] * len(GALLERY.primed_widths)
    sampler_strip = galleries("mixture")["temperature_strip.png"]
    assert len(sampler_strip.axes) == len(GALLERY.temperature_strip)
    # One panel, not copies of it, and no temperature where there is none to set.
    assert len(figures["samples.png"].axes[0].texts) == 1
    for name in ("samples.png", "size_histograms.png", "primed.png"):
        assert "temperature" not in figures[name].get_suptitle(), name
        assert "deterministic" in figures[name].get_suptitle(), name
    # Every figure names its variant (the galleries here are drawn as LONG_NAME's); the
    # strip's temperatures read one way.
    for gallery in ("book", "mixture"):
        for name, figure in galleries(gallery).items():
            shown = figure.get_suptitle() + " ".join(_titles(figure))
            assert LONG_NAME in shown, (gallery, name)
    labels = [title.replace("\n", " ") for title in _titles(sampler_strip)]
    assert [label.split(":")[0] for label in labels] == [
        f"temperature {value:.0e}" for value in GALLERY.temperature_strip
    ]
    # Each temperature's panel says what it changed: the spread of the drawn sizes.
    assert all(re.search(r"sd of widths \d\.\d{3}, heights \d\.\d{3}", label) for label in labels)


@pytest.mark.parametrize("gallery", BUILDERS)
def test_every_figure_names_its_variant_in_its_title(galleries, gallery):
    for name, figure in galleries(gallery).items():
        assert LONG_NAME in figure.get_suptitle().replace("\n", " "), name


def test_primed_shapes_show_the_shape_to_complete_and_what_was_asked(galleries):
    for gallery in ("families", "families_conditional"):
        figure = galleries(gallery)["primed.png"]
        for axes in figure.axes:
            dashed = [patch for patch in axes.patches if patch.get_linestyle() == "--"]
            assert len(dashed) == 1  # the test shape, whole
        (legend,) = figure.legends
        assert [text.get_text() for text in legend.get_texts()] == [
            "the test shape",
            "given corners",
        ]
        asked = "asked for its test shape's family" in figure.get_suptitle().replace("\n", " ")
        assert asked == (gallery == "families_conditional")


def test_the_framings_figure_labels_rows_by_variant_and_columns_by_test_shape(generators, shapes):
    _, sequence = generators("families")
    _, point = generators("families_point")
    models = [("sequence", "families", sequence), ("point", LONG_NAME, point)]
    figure = framings_figure(models, shapes, GALLERY)
    assert "Rotated rectangles" in figure.get_suptitle()
    rows = [text.get_text() for text in figure.texts if text.get_rotation() == 90]
    assert rows == ["families\n(sequence framing)", f"{LONG_NAME}\n(point framing)"]
    titles = _titles(figure)
    columns = len(titles) // 2
    assert all(re.fullmatch(r"w=\d\.\d\d h=\d\.\d\d, turned \d+°", t) for t in titles[:columns])
    assert titles[columns:] == [""] * columns  # a column's title is said once


def test_shapes_are_named_as_families_names_them(galleries, shapes):
    rows = [
        text.get_text()
        for text in training_shapes_figure(shapes, GALLERY).axes[0].texts
        if text.get_rotation() == 90
    ]
    assert rows == list(FAMILIES)
    names = {*FAMILIES, "invalid"}
    for figure in galleries("families_conditional").values():
        for axes in figure.axes:
            for text in axes.texts:
                if text.get_rotation() != 90:  # a shape's label, not its row's
                    assert text.get_text().split("\n")[0].split(" ")[0] in names


# The checks themselves catch each kind of defect.


def test_the_checks_catch_cut_off_and_overlapping_text():
    figure = overlay_figure([("a", [np.zeros((4, 2))])], 1.0, "a title")
    figure.suptitle("a title much too long for a figure of one small panel, cut at both sides")
    figure.axes[0].set_title("over the title", y=1.4)
    figure.axes[0].text(0.5, 1.45, "over the panel's title", transform=figure.axes[0].transAxes)
    problems = figure_problems(figure, GALLERY.dpi)
    assert any("leaves the figure" in problem for problem in problems)
    assert any("overlap" in problem for problem in problems)


SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])


def test_the_checks_catch_a_shape_cut_at_its_panels_edge_by_any_amount():
    # In a contact sheet: a shape moved past its cell's bounds, clipped there or not.
    figure = shape_grid_figure([SQUARE, 0.5 * SQUARE], ["a", "b"], 1, 2, 1.5, "two cells")
    assert figure_problems(figure, GALLERY.dpi) == []
    (axes,) = figure.axes
    cell = next(patch for patch in axes.patches if patch.get_gid() == CELL_GID)
    shape = next(patch for patch in axes.patches if patch.get_gid() is None)
    shape.set_xy(shape.get_xy() + np.array([cell.get_bbox().x1 - 1.0 + 0.001, 0.0]))  # past it
    shape.set_clip_box(TransformedBbox(cell.get_bbox(), axes.transData))
    assert figure_problems(figure, GALLERY.dpi) == ["shape 0 (Polygon) of axes '' leaves its panel"]
    # In a panel of its own: matplotlib clips it at the view, which still cuts it.
    figure = overlay_figure([("a", [SQUARE])], 2.0, "t")
    figure.axes[0].set_xlim(-0.1, 0.999)
    assert figure_problems(figure, GALLERY.dpi) == [
        "shape 0 (Polygon) of axes 'a (1 shape)' leaves its panel"
    ]


def test_the_checks_catch_a_legend_over_shapes_empty_bands_and_panels_alike():
    figure = overlay_figure([("a", [SQUARE])], 2.0, "t")
    figure.axes[0].legend(["inside"], loc="center")
    assert any("a legend covers" in problem for problem in figure_problems(figure, GALLERY.dpi))
    figure = overlay_figure([("a", [SQUARE])], 2.0, "t")
    figure.set_figheight(figure.get_figheight() * 1.3)  # the panel keeps its place: room above
    (problem,) = figure_problems(figure, GALLERY.dpi)
    assert re.fullmatch(r"\d+ blank rows from \d+ \(\d+% of the figure\)", problem)
    figure = overlay_figure([("a", [SQUARE]), ("b", [SQUARE]), ("c", [0.5 * SQUARE])], 1.0, "t")
    assert figure_problems(figure, GALLERY.dpi) == ["panels 0 and 1 draw the same shapes"]
    # Alike in different rows is what a contact sheet of checkpoints may show.
    shapes = [SQUARE, 0.5 * SQUARE, SQUARE, 0.25 * SQUARE]
    figure = shape_grid_figure(shapes, ["1", "2", "3", "4"], 2, 2, 1.5, "checkpoints")
    assert figure_problems(figure, GALLERY.dpi) == []
