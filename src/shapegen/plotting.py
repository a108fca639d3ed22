"""Gallery figures, built as matplotlib Figure objects (no pyplot, no global state).

Drawing never mutates its inputs (the chapter's plot_rectangle appended to its
argument, so drawing one list twice broke it).
"""

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from shapegen.geometry import CORNER_NAMES, nearest_rectangle_sizes, rectangles_from_sizes

# The chapter's view: the unit square with a margin for corners slightly outside it.
AXIS_LIMITS = (-0.1, 1.1)
UNIT_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
CELL_STYLE = {"fill": False, "edgecolor": "0.75", "linewidth": 0.8}
GRID_GAP = 0.15  # between contact-sheet cells, in data units
SHAPE_STYLE = {"facecolor": "tab:blue", "edgecolor": "navy", "alpha": 0.5, "linewidth": 1.5}
TRUE_STYLE = {"fill": False, "edgecolor": "black", "linestyle": "--", "linewidth": 1.2}


def fixed_figure(width: float, height: float, top: float = 0.75, wspace: float = 0.3) -> Figure:
    """A figure with fixed margins in inches: room for a title, tick labels and axis labels.

    matplotlib's constrained layout measures every text on every draw: seconds for a
    gallery of many panels. Fixed margins render the same figures several times faster.
    """
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(
        left=0.55 / width,
        right=1 - 0.15 / width,
        bottom=0.5 / height,
        top=1 - top / height,
        wspace=wspace,
        hspace=0.35,
    )
    return figure


def draw_shape(axes: Axes, points: np.ndarray, **style) -> None:
    """Draw a closed polygon through the points, in order."""
    axes.add_patch(Polygon(np.asarray(points, dtype=np.float64), closed=True, **style))


def _frame(axes: Axes, title: str) -> None:
    axes.set_xlim(*AXIS_LIMITS)
    axes.set_ylim(*AXIS_LIMITS)
    axes.set_aspect("equal")
    axes.set_title(title, fontsize=9)
    axes.tick_params(labelsize=7)


def rectangle_grid_figure(
    rectangles: np.ndarray, rows: int, cols: int, panel_inches: float, title: str
) -> Figure:
    """A rows x cols contact sheet of rectangles (figure 11.3), each labelled with the size
    of its nearest rectangle."""
    widths, heights = nearest_rectangle_sizes(rectangles)
    labels = [
        f"#{index}: w={width:.2f} h={height:.2f}"
        for index, (width, height) in enumerate(zip(widths, heights, strict=True))
    ]
    return shape_grid_figure(list(rectangles), labels, rows, cols, panel_inches, title)


def shape_grid_figure(
    shapes: Sequence[np.ndarray],
    labels: Sequence[str],
    rows: int,
    cols: int,
    panel_inches: float,
    title: str,
) -> Figure:
    """A rows x cols contact sheet of shapes (k, 2) of any length, each in its own
    unit-square cell under its label, filled row by row (a shape of no points: an empty cell).

    All cells share one Axes, each shape shifted into its cell: one Axes renders many
    times faster than rows x cols of them.
    """
    figure = fixed_figure(cols * panel_inches, rows * panel_inches + 0.7, top=0.6)
    figure.subplots_adjust(left=0.02, right=0.98, bottom=0.02)
    figure.suptitle(title)
    axes = figure.subplots()
    span = AXIS_LIMITS[1] - AXIS_LIMITS[0] + GRID_GAP
    for index in range(min(len(shapes), rows * cols)):
        if len(shapes[index]) == 0:  # an empty cell
            continue
        row, col = divmod(index, cols)
        offset = np.array([col * span, (rows - 1 - row) * span])
        axes.add_patch(Polygon(UNIT_SQUARE + offset, closed=True, **CELL_STYLE))
        draw_shape(axes, np.asarray(shapes[index]) + offset, **SHAPE_STYLE)
        axes.text(
            offset[0] + 0.5,
            offset[1] + AXIS_LIMITS[1],
            labels[index],
            fontsize=8,
            horizontalalignment="center",
            verticalalignment="bottom",
        )
    axes.set_xlim(AXIS_LIMITS[0], AXIS_LIMITS[0] + cols * span)
    axes.set_ylim(AXIS_LIMITS[0], AXIS_LIMITS[0] + rows * span)
    axes.set_aspect("equal")
    axes.set_axis_off()
    return figure


def checkpoint_figure(shapes: Mapping[int, np.ndarray], panel_inches: float) -> Figure:
    """The shape each checkpoint generates from [0,0], side by side (figures 11.5-11.7)."""
    figure = fixed_figure(len(shapes) * panel_inches + 0.3, panel_inches + 1.2)
    figure.suptitle("Rectangle generated from [0, 0] after n training rectangles")
    for axes, (updates, points) in zip(
        figure.subplots(1, len(shapes), squeeze=False).flat, shapes.items(), strict=True
    ):
        draw_shape(axes, points, **SHAPE_STYLE)
        _frame(axes, f"n = {updates:,}")
        axes.set_xlabel("x")
    figure.axes[0].set_ylabel("y")
    return figure


def nearest_rectangle_figure(points: np.ndarray, error: float, panel_inches: float) -> Figure:
    """One generated shape drawn over its nearest true rectangle, corners labelled."""
    figure = fixed_figure(2 * panel_inches + 0.3, 2 * panel_inches + 0.6, top=0.55)
    axes = figure.subplots()
    widths, heights = nearest_rectangle_sizes(points[np.newaxis])
    nearest = rectangles_from_sizes(widths, heights)[0]
    draw_shape(
        axes, nearest, label=f"nearest rectangle {widths[0]:.3f} x {heights[0]:.3f}", **TRUE_STYLE
    )
    draw_shape(axes, points, label="generated", **SHAPE_STYLE)
    for name, (x, y) in zip(CORNER_NAMES, np.asarray(points, dtype=np.float64), strict=True):
        right_side = x > 0.5  # label toward the inside, so it stays in the panel
        axes.annotate(
            f"{name} ({x:.3f}, {y:.3f})",
            (x, y),
            fontsize=7,
            xytext=(-3 if right_side else 3, 3),
            textcoords="offset points",
            horizontalalignment="right" if right_side else "left",
        )
    _frame(axes, f"Generated rectangle over its nearest true one\nRMS corner error {error:.4f}")
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.legend(loc="upper right", fontsize=7)
    return figure


OVERLAY_STYLE = {"fill": False, "edgecolor": "tab:blue", "alpha": 0.35, "linewidth": 1.0}
PREFIX_STYLE = {"color": "tab:red", "linewidth": 2.5, "marker": "o", "markersize": 4}


def overlay_figure(
    panels: Mapping[str, Sequence[np.ndarray]],
    panel_inches: float,
    title: str,
    prefix_corners: int = 0,
    columns: int | None = None,
) -> Figure:
    """Panels, each overlaying many shapes ((k, 2) each) drawn as outlines, in rows of
    `columns` (default: one row).

    With prefix_corners > 0 the first corners, given rather than generated, are drawn in red.
    """
    columns = columns or len(panels)
    rows = -(-len(panels) // columns)
    figure = fixed_figure(
        columns * panel_inches * 1.3 + 0.3, rows * (panel_inches * 1.3 + 0.6) + 0.6
    )
    figure.suptitle(title)
    grid = figure.subplots(rows, columns, squeeze=False).flat
    for axes, (label, shapes) in zip(grid, panels.items(), strict=False):
        for points in shapes:
            draw_shape(axes, points, **OVERLAY_STYLE)
        if prefix_corners:
            given = np.asarray(shapes[0][:prefix_corners], dtype=np.float64)
            axes.plot(given[:, 0], given[:, 1], label="given corners", **PREFIX_STYLE)
            axes.legend(loc="upper right", fontsize=7)
        _frame(axes, f"{label} ({len(shapes)} shapes)")
        axes.set_xlabel("x")
    figure.axes[0].set_ylabel("y")
    return figure


def size_histogram_figure(
    generated: np.ndarray, data: np.ndarray, bins: int, panel_inches: float, title: str
) -> Figure:
    """Histograms of generated widths and heights over the data's (densities)."""
    figure = fixed_figure(4 * panel_inches, 1.6 * panel_inches + 0.6)
    figure.suptitle(title)
    generated_sizes = nearest_rectangle_sizes(np.asarray(generated, dtype=np.float64))
    data_sizes = nearest_rectangle_sizes(np.asarray(data, dtype=np.float64))
    edges = np.linspace(AXIS_LIMITS[0], AXIS_LIMITS[1], bins + 1)
    for axes, name, ours, theirs in zip(
        figure.subplots(1, 2).flat, ("width", "height"), generated_sizes, data_sizes, strict=True
    ):
        axes.hist(
            theirs,
            bins=edges,
            density=True,
            histtype="step",
            color="black",
            linewidth=1.5,
            label=f"data ({len(theirs):,})",
        )
        axes.hist(
            ours,
            bins=edges,
            density=True,
            color="tab:blue",
            alpha=0.5,
            label=f"generated ({len(ours):,})",
        )
        axes.set_xlabel(name)
        axes.set_ylabel("density")
        axes.set_title(f"{name}s of the nearest rectangles", fontsize=9)
        axes.legend(fontsize=7)
    return figure
