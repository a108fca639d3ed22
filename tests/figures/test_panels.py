import numpy as np

from shapegen.data.rectangles import random_rectangles
from shapegen.figures.panels import (
    AXIS_LIMITS,
    CELL_GID,
    FRAME_GID,
    checkpoint_figure,
    counted_title,
    nearest_rectangle_figure,
    rectangle_grid_figure,
    shape_grid_figure,
    text_width,
    view_box,
    view_limits,
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
    # Each cell: its bounds (not drawn), its unit square and its shape.
    assert [patch.get_gid() for patch in axes.patches] == [CELL_GID, FRAME_GID, None] * 5
    assert [patch.get_visible() for patch in axes.patches[:3]] == [False, True, True]
    # The last shape sits in row 1, column 1: one cell right of and under the first.
    first, last = axes.patches[2].get_xy()[:4], axes.patches[-1].get_xy()[:4]
    first_shift, shift = first[0] - rectangles[0, 0], last[0] - rectangles[4, 0]
    assert shift[0] - first_shift[0] > 1 and first_shift[1] - shift[1] > 1
    np.testing.assert_allclose(last - shift, rectangles[4], atol=1e-6)
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
    assert counted_title("w=0.30 h=0.27, turned 42°", "40 shapes", 2.0).endswith("\n(40 shapes)")


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
    shapes = [triangle, np.zeros((0, 2)), octagon, np.zeros((0, 2))]
    figure = shape_grid_figure(shapes, ["three", "", "eight", "none"], 1, 4, 1.0, "shapes")
    (axes,) = figure.axes
    assert [text.get_text() for text in axes.texts] == ["three", "eight", "none"]
    # A labelled shape of no points (a model that drew nothing) keeps its cell and frame.
    gids = [CELL_GID, FRAME_GID, None, CELL_GID, FRAME_GID, None, CELL_GID, FRAME_GID]
    assert [patch.get_gid() for patch in axes.patches] == gids
    assert len(axes.patches[-3].get_xy()) in (8, 9)  # matplotlib may repeat the first vertex


def test_a_view_widens_to_show_every_point_whole_and_no_further():
    assert view_limits([np.array([[0.0, 0.0], [1.0, 1.0]])]) == AXIS_LIMITS
    assert view_limits([]) == AXIS_LIMITS
    stray = np.array([[-0.43, 0.2], [0.5, 1.31], [np.nan, 5.0]])
    assert view_box([stray]) == ((-0.5, 1.1), (-0.1, 1.4))
    assert view_limits([stray]) == (-0.5, 1.4)
    # A point exactly on the margin's edge gets VIEW_MARGIN beyond it.
    assert view_limits([np.array([[-0.1, 0.0]])]) == (-0.2, 1.1)
