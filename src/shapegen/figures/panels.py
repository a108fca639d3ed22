"""What every figure is drawn with: shapes in panels, grids, overlays and histograms, and
text fitted to its room, as matplotlib Figure objects (no pyplot, no global state).

Drawing never mutates its inputs (the chapter's plot_rectangle appended to its
argument, so drawing one list twice broke it). Every text fits its figure and overlaps
no other, and every shape stays in its panel (tests/figures/test_generated_shapes.py checks
each figure the stages write): long titles are wrapped to their room, legends sit outside
the panels, and a contact sheet clips each shape to its cell.
"""

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Polygon
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Bbox, TransformedBbox

from shapegen.data.rectangles import CORNER_NAMES, nearest_rectangle_sizes, rectangles_from_sizes

# The chapter's view: the unit square with a margin for corners slightly outside it.
AXIS_LIMITS = (-0.1, 1.1)
UNIT_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
CELL_STYLE = {"fill": False, "edgecolor": "0.75", "linewidth": 0.8}
CELL_GID = "cell"  # marks a contact sheet's cell frames (the figure tests find cells by it)
GRID_GAP = 0.15  # between contact-sheet cells, in data units: room for a one-line label
LABEL_LINE_GAP = 0.11  # more gap per further line of a cell's label, in data units
SHAPE_STYLE = {"facecolor": "tab:blue", "edgecolor": "navy", "alpha": 0.5, "linewidth": 1.5}
TRUE_STYLE = {"fill": False, "edgecolor": "black", "linestyle": "--", "linewidth": 1.2}
OVERLAY_STYLE = {"fill": False, "edgecolor": "tab:blue", "alpha": 0.35, "linewidth": 1.0}
PREFIX_STYLE = {"color": "tab:red", "linewidth": 2.5, "marker": "o", "markersize": 4}
CORNER_MARKERS = ("o", "s", "^", "D")  # BL, BR, TR, TL

# A figure's default margins (inches): a one-line title over two-line panel titles, tick
# labels and axis labels.
TOP_INCHES, BOTTOM_INCHES, LEFT_INCHES, RIGHT_INCHES = 0.75, 0.5, 0.55, 0.15
# Text sizes (points) and the room they take (inches), for margins that fit them.
SUPTITLE_SIZE = 12.0  # matplotlib's default "large"
TITLE_SIZE = 9.0
LINE_SPACING = 1.2
SUPTITLE_LINE = SUPTITLE_SIZE * LINE_SPACING / 72
TITLE_LINE = TITLE_SIZE * LINE_SPACING / 72
TITLE_PAD = 0.15  # room left beside a wrapped title, in inches
LEGEND_INCHES = 0.3  # a one-row legend under the panels
SIDE_LEGEND_INCHES = 1.6  # a legend beside its panel
ROW_LABEL_INCHES = 0.3  # a contact sheet's row labels, left of the rows
HISTOGRAM_LEFT = 0.8  # room for tick labels such as 17.5 and the y label
# Measured widths are unhinted; the PNG's hinted glyphs can be a little wider.
WIDTH_SAFETY = 1.05

_TEXT_TO_PATH = TextToPath()


def text_width(text: str, fontsize: float) -> float:
    """The width in inches of one line of text in the default font."""
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(
        text, FontProperties(size=fontsize), ismath=False
    )
    return width * WIDTH_SAFETY / 72


def wrap_text(text: str, width: float, fontsize: float) -> str:
    """The text with each line broken at spaces so that no line is wider than `width`
    inches (a word wider than that keeps a line of its own); text that fits is unchanged."""
    lines = []
    for line in text.split("\n"):
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate, fontsize) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return "\n".join(lines)


def counted_title(label: str, count: str, width: float) -> str:
    """A panel's title: its label wrapped to `width` inches, then `(count)` on the last
    line if it fits there, else on a line of its own (never broken)."""
    title = wrap_text(label, width, TITLE_SIZE)
    last = title.rpartition("\n")[2]
    separator = " " if text_width(f"{last} ({count})", TITLE_SIZE) <= width else "\n"
    return f"{title}{separator}({count})"


def line_count(text: str) -> int:
    """The lines a text takes."""
    return text.count("\n") + 1


def shape_count(n: int) -> str:
    """`1 shape`, `40 shapes`."""
    return f"{n} shape" if n == 1 else f"{n} shapes"


def fixed_figure(
    width: float,
    height: float,
    top: float = TOP_INCHES,
    wspace: float = 0.3,
    *,
    left: float = LEFT_INCHES,
    right: float = RIGHT_INCHES,
    bottom: float = BOTTOM_INCHES,
    hspace: float = 0.35,
) -> Figure:
    """A figure with fixed margins in inches: room for a title, tick labels and axis labels.

    matplotlib's constrained layout measures every text on every draw: seconds for a
    gallery of many panels. Fixed margins render the same figures several times faster.
    """
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=wspace,
        hspace=hspace,
    )
    return figure


def wrapped_title(title: str, width: float) -> tuple[str, float]:
    """A figure's title wrapped to the figure's `width` in inches, and the inches that its
    lines beyond the first add to the top margin."""
    text = wrap_text(title, width - 2 * TITLE_PAD, SUPTITLE_SIZE)
    return text, (line_count(text) - 1) * SUPTITLE_LINE


def draw_shape(axes: Axes, points: np.ndarray, **style) -> Polygon:
    """Draw a closed polygon through the points, in order; the polygon."""
    patch = Polygon(np.asarray(points, dtype=np.float64), closed=True, **style)
    axes.add_patch(patch)
    return patch


def _frame(axes: Axes, title: str) -> None:
    axes.set_xlim(*AXIS_LIMITS)
    axes.set_ylim(*AXIS_LIMITS)
    axes.set_aspect("equal")
    axes.set_title(title, fontsize=TITLE_SIZE)
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
    row_labels: Sequence[str] | None = None,
) -> Figure:
    """A rows x cols contact sheet of shapes (k, 2) of any length, each in its own
    unit-square cell under its label (one line or several), filled row by row (a shape of
    no points: an empty cell); row_labels, if given, name the rows at their left.

    All cells share one Axes, each shape shifted into its cell and clipped to it (an
    untrained model's shapes leave the unit square): one Axes renders many times faster
    than rows x cols of them.
    """
    label_lines = max((line_count(label) for label in labels if label), default=1)
    gap = GRID_GAP + (label_lines - 1) * LABEL_LINE_GAP
    width = cols * panel_inches
    left = ROW_LABEL_INCHES / width if row_labels else 0.02
    title, extra_top = wrapped_title(title, width)
    height = rows * panel_inches + 0.7 + extra_top
    figure = fixed_figure(width, height, top=0.6 + extra_top)
    figure.subplots_adjust(left=left, right=0.98, bottom=0.02)
    figure.suptitle(title)
    axes = figure.subplots()
    span = AXIS_LIMITS[1] - AXIS_LIMITS[0] + gap
    for index in range(min(len(shapes), rows * cols)):
        if len(shapes[index]) == 0:  # an empty cell
            continue
        row, col = divmod(index, cols)
        offset = np.array([col * span, (rows - 1 - row) * span])
        axes.add_patch(Polygon(UNIT_SQUARE + offset, closed=True, gid=CELL_GID, **CELL_STYLE))
        shape = draw_shape(axes, np.asarray(shapes[index]) + offset, **SHAPE_STYLE)
        cell = Bbox([offset + AXIS_LIMITS[0], offset + AXIS_LIMITS[1]])
        shape.set_clip_box(TransformedBbox(cell, axes.transData))
        axes.text(
            offset[0] + 0.5,
            offset[1] + AXIS_LIMITS[1],
            labels[index],
            fontsize=8,
            horizontalalignment="center",
            verticalalignment="bottom",
        )
    for row, label in enumerate(row_labels or ()):
        axes.annotate(
            label,
            (AXIS_LIMITS[0], (rows - 1 - row) * span + 0.5),
            xytext=(-4, 0),
            textcoords="offset points",
            rotation=90,
            fontsize=TITLE_SIZE,
            horizontalalignment="right",
            verticalalignment="center",
        )
    axes.set_xlim(AXIS_LIMITS[0], AXIS_LIMITS[0] + cols * span)
    axes.set_ylim(AXIS_LIMITS[0], AXIS_LIMITS[0] + rows * span)
    axes.set_aspect("equal")
    axes.set_axis_off()
    return figure


def checkpoint_figure(
    shapes: Mapping[int, Sequence[np.ndarray]], panel_inches: float, title: str
) -> Figure:
    """The shapes each checkpoint generates, a panel per checkpoint titled with its
    training updates (figures 11.5-11.7): one shape filled, or several overlaid as
    outlines, so that panels compare what a checkpoint draws rather than one draw."""
    width = len(shapes) * panel_inches + 0.3
    title, extra_top = wrapped_title(title, width)
    figure = fixed_figure(width, panel_inches + 1.2 + extra_top, top=TOP_INCHES + extra_top)
    figure.suptitle(title)
    for axes, (updates, drawn) in zip(
        figure.subplots(1, len(shapes), squeeze=False).flat, shapes.items(), strict=True
    ):
        style = SHAPE_STYLE if len(drawn) == 1 else OVERLAY_STYLE
        for points in drawn:
            draw_shape(axes, points, **style)
        _frame(axes, f"{updates:,} updates")
        axes.set_xlabel("x")
    figure.axes[0].set_ylabel("y")
    return figure


def nearest_rectangle_figure(
    points: np.ndarray, error: float, panel_inches: float, variant: str
) -> Figure:
    """One shape the variant generated drawn over its nearest true rectangle, its corners
    marked and named in a legend beside the panel: corners can lie as close as the shape is
    thin, so no label sits at a corner."""
    figure = fixed_figure(
        2 * panel_inches + 0.3 + SIDE_LEGEND_INCHES,
        2 * panel_inches + 0.6,
        top=0.55,
        right=RIGHT_INCHES + SIDE_LEGEND_INCHES,
    )
    axes = figure.subplots()
    widths, heights = nearest_rectangle_sizes(points[np.newaxis])
    nearest = rectangles_from_sizes(widths, heights)[0]
    draw_shape(
        axes, nearest, label=f"nearest rectangle\n{widths[0]:.3f} x {heights[0]:.3f}", **TRUE_STYLE
    )
    draw_shape(axes, points, label="generated", **SHAPE_STYLE)
    corners = np.asarray(points, dtype=np.float64)
    for name, marker, (x, y) in zip(CORNER_NAMES, CORNER_MARKERS, corners, strict=True):
        axes.plot(
            [x],
            [y],
            linestyle="none",
            marker=marker,
            markersize=5,
            color="black",
            label=f"{name} ({x:.3f}, {y:.3f})",
        )
    _frame(
        axes,
        f"{variant}: a generated rectangle over its nearest\n"
        f"true one, RMS corner error {error:.4f}",
    )
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.legend(loc="upper left", bbox_to_anchor=(1.04, 1.0), borderaxespad=0.0, fontsize=7)
    return figure


def _bottom_legend(figure: Figure, handles: Sequence) -> None:
    """One legend for every panel, in a row under them (inside no panel, it hides no
    shape)."""
    figure.legend(
        handles=list(handles),
        loc="lower center",
        ncols=len(handles),
        fontsize=7,
        frameon=False,
        borderaxespad=0.2,
    )


def overlay_figure(
    panels: Mapping[str, Sequence[np.ndarray]],
    panel_inches: float,
    title: str,
    prefix_corners: int = 0,
    columns: int | None = None,
) -> Figure:
    """Panels, each overlaying many shapes ((k, 2) each) drawn as outlines (a single one
    filled), in rows of `columns` (default: one row), each titled with its label and its
    number of shapes.

    With prefix_corners > 0 the first corners, given rather than generated, are drawn in
    red and named in a legend under the panels.
    """
    columns = columns or len(panels)
    rows = -(-len(panels) // columns)
    width = columns * panel_inches * 1.3 + 0.3
    # A title may use its panel's width and the gap to the next panel.
    room = (width - LEFT_INCHES - RIGHT_INCHES) / columns - TITLE_PAD
    titles = [
        counted_title(label, shape_count(len(shapes)), room) for label, shapes in panels.items()
    ]
    title, extra_top = wrapped_title(title, width)
    # The default margins hold two-line titles: grow from there.
    extra_title = max(0, max(map(line_count, titles)) - 2) * TITLE_LINE
    extra_top += extra_title
    legend = LEGEND_INCHES if prefix_corners else 0.0
    row_height = panel_inches * 1.3 + 0.6
    height = rows * row_height + 0.6 + extra_top + (rows - 1) * extra_title + legend
    hspace = 0.35
    if rows > 1 and extra_title:  # the rows' gaps grow by the titles' extra lines
        panels_height = rows * row_height + 0.6 - TOP_INCHES - BOTTOM_INCHES
        hspace += extra_title / (panels_height / (rows + (rows - 1) * hspace))
    figure = fixed_figure(
        width,
        height,
        top=TOP_INCHES + extra_top,
        bottom=BOTTOM_INCHES + legend,
        hspace=hspace,
    )
    figure.suptitle(title)
    grid = figure.subplots(rows, columns, squeeze=False).flat
    given_line = None
    for axes, shapes, panel_title in zip(grid, panels.values(), titles, strict=False):
        style = SHAPE_STYLE if len(shapes) == 1 else OVERLAY_STYLE  # one shape: filled
        for points in shapes:
            draw_shape(axes, points, **style)
        if prefix_corners:
            given = np.asarray(shapes[0][:prefix_corners], dtype=np.float64)
            (given_line,) = axes.plot(
                given[:, 0], given[:, 1], label="given corners", **PREFIX_STYLE
            )
        _frame(axes, panel_title)
        axes.set_xlabel("x")
    figure.axes[0].set_ylabel("y")
    if given_line is not None:
        _bottom_legend(figure, [given_line])
    return figure


def size_histogram_figure(
    generated: np.ndarray, data: np.ndarray, bins: int, panel_inches: float, title: str
) -> Figure:
    """Histograms of generated widths and heights over the data's (densities), one legend
    under both (a legend inside a panel would hide bars)."""
    width = 4 * panel_inches
    title, extra_top = wrapped_title(title, width)
    figure = fixed_figure(
        width,
        1.6 * panel_inches + 0.6 + LEGEND_INCHES + extra_top,
        top=TOP_INCHES + extra_top,
        left=HISTOGRAM_LEFT,
        bottom=BOTTOM_INCHES + LEGEND_INCHES,
    )
    figure.suptitle(title)
    generated_sizes = nearest_rectangle_sizes(np.asarray(generated, dtype=np.float64))
    data_sizes = nearest_rectangle_sizes(np.asarray(data, dtype=np.float64))
    edges = np.linspace(AXIS_LIMITS[0], AXIS_LIMITS[1], bins + 1)
    handles = []
    for axes, name, ours, theirs in zip(
        figure.subplots(1, 2).flat, ("width", "height"), generated_sizes, data_sizes, strict=True
    ):
        *_, data_bars = axes.hist(
            theirs,
            bins=edges,
            density=True,
            histtype="step",
            color="black",
            linewidth=1.5,
            label=f"data ({len(theirs):,})",
        )
        *_, generated_bars = axes.hist(
            ours,
            bins=edges,
            density=True,
            color="tab:blue",
            alpha=0.5,
            label=f"generated ({len(ours):,})",
        )
        handles = [data_bars[0], generated_bars[0]]  # the patches that carry the labels
        axes.set_xlabel(name)
        axes.set_ylabel("density")
        axes.set_title(f"{name}s of the nearest rectangles", fontsize=TITLE_SIZE)
    _bottom_legend(figure, handles)
    return figure
