import numpy as np

from shapegen.data.rectangles import random_rectangles
from shapegen.figures.panels import (
    checkpoint_figure,
    counted_title,
    nearest_rectangle_figure,
    rectangle_grid_figure,
    shape_grid_figure,
    text_width,
    wrap_text,
)
from shapegen.files.writing import write_figure


def test_the_grid_has_one_labelled_cell_per_rectangle_and_does_not_mutate_them():
    rectangles = random_rectangles(np.random.default_rng(0), 5)
    before = rectangles.copy()
    figure = rectangle_grid_figure(rectangles, rows=2, cols=3, panel_inches=1.0, title="grid")
    (axes,) = figure.axes
    labels = [text.get_text() for text in axes.texts]
    assert len(labels) == 5 and labels[0].startswith("#0: w=")
    assert len(axes.patches) == 2 * 5  # each cell's unit square and its shape
    # The last shape sits in row 1, column 1: shifted right and down by one cell.
    shape = axes.patches[-1].get_xy()[:4]
    shift = shape[0] - rectangles[4, 0]
    assert shift[0] > 1 and shift[1] == 0
    np.testing.assert_allclose(shape - shift, rectangles[4], atol=1e-6)
    np.testing.assert_array_equal(rectangles, before)


def test_checkpoint_panels_are_labelled_with_their_update_counts():
    one = [np.zeros((4, 2))]
    several = list(random_rectangles(np.random.default_rng(1), 3))
    figure = checkpoint_figure({100: one, 25000: several}, panel_inches=1.0, title="after n")
    assert [axes.get_title() for axes in figure.axes] == ["100 updates", "25,000 updates"]
    # One shape is drawn filled (the chapter's figure), several as overlaid outlines.
    assert [[patch.get_fill() for patch in axes.patches] for axes in figure.axes] == [
        [True],
        [False] * 3,
    ]


def test_long_titles_are_wrapped_to_their_room_and_short_ones_kept():
    assert wrap_text("short", 5.0, 12) == "short"
    long = "completions of a test shape's first two points at temperature 1.0"
    wrapped = wrap_text(long, 2.0, 12)
    assert wrapped.replace("\n", " ") == long and wrapped.count("\n") >= 2
    assert all(text_width(line, 12) <= 2.0 for line in wrapped.split("\n"))
    assert counted_title("given width 0.2", "40 shapes", 3.0) == "given width 0.2 (40 shapes)"
    assert counted_title("w=0.30 h=0.27 t=0.73 rad", "40 shapes", 2.0).endswith("\n(40 shapes)")


def test_pngs_are_byte_stable(tmp_path):
    shape = random_rectangles(np.random.default_rng(2), 1)[0]
    paths = [tmp_path / "a.png", tmp_path / "b.png"]
    for path in paths:
        write_figure(path, nearest_rectangle_figure(shape, 0.0, 1.5, "mixture"), dpi=60)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes().startswith(b"\x89PNG")


def test_a_shape_grid_takes_shapes_of_any_length_and_leaves_empty_cells_empty():
    triangle = np.array([[0.2, 0.2], [0.8, 0.2], [0.5, 0.7]])
    octagon = 0.5 + 0.3 * np.stack(
        [np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1
    )
    shapes = [triangle, np.zeros((0, 2)), octagon]
    figure = shape_grid_figure(shapes, ["three", "", "eight"], 1, 3, 1.0, "shapes")
    (axes,) = figure.axes
    assert [text.get_text() for text in axes.texts] == ["three", "eight"]
    assert len(axes.patches) == 2 * 2  # two cells, each with its square and its shape
    assert len(axes.patches[-1].get_xy()) in (8, 9)  # matplotlib may repeat the first vertex
