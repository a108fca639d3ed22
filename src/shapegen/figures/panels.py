"""What every figure is drawn with: shapes in panels, grids, overlays and histograms, and
text fitted to its room, as matplotlib Figure objects (no pyplot, no global state).

Drawing never mutates its inputs (the chapter's plot_rectangle appended to its
argument, so drawing one list twice broke it). Every text fits its figure and overlaps
no other, every shape is drawn whole inside its panel, and no band of the figure is left
empty (tests/figure_checks.py checks each figure the stages write): panels are placed in
inches around the texts they carry, long titles are wrapped to their room, legends sit
under the panels, and a panel's view widens to take in a shape that strays.
"""

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Polygon, Rectangle
from matplotlib.textpath import TextToPath

from shapegen.data.rectangles import CORNER_NAMES, nearest_rectangle_sizes, rectangles_from_sizes

# The chapter's view: the unit square with a margin for corners slightly outside it; a
# panel's view widens from it in steps of VIEW_STEP, with VIEW_MARGIN beyond the farthest point.
AXIS_LIMITS = (-0.1, 1.1)
VIEW_STEP = 0.1
VIEW_MARGIN = 0.02
UNIT_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
CELL_STYLE = {"fill": False, "edgecolor": "0.75", "linewidth": 0.8}
# A contact sheet's patches that are not shapes: each cell's bounds (never drawn) and its
# frame (the unit square); the figure tests find cells by them.
CELL_GID, FRAME_GID = "cell", "frame"
GRID_GAP = 0.15  # between contact-sheet cells, in data units: room for a one-line label
LABEL_LINE_GAP = 0.11  # more gap per further line of a cell's label, in data units
SHAPE_STYLE = {"facecolor": "tab:blue", "edgecolor": "navy", "alpha": 0.5, "linewidth": 1.5}
TRUE_STYLE = {"fill": False, "edgecolor": "black", "linestyle": "--", "linewidth": 1.2}
OVERLAY_STYLE = {"fill": False, "edgecolor": "tab:blue", "alpha": 0.35, "linewidth": 1.0}
PREFIX_STYLE = {"color": "tab:red", "linewidth": 2.5, "marker": "o", "markersize": 4}
CORNER_MARKERS = ("o", "s", "^", "D")  # BL, BR, TR, TL
OVERLAY_PANEL_SCALE = 1.3  # overlaid outlines need more room than one shape

# Text sizes (points) and the room they take (inches), for margins that fit them.
SUPTITLE_SIZE = 12.0  # matplotlib's default "large"
TITLE_SIZE = 9.0
LINE_SPACING = 1.2
SUPTITLE_LINE = SUPTITLE_SIZE * LINE_SPACING / 72
TITLE_LINE = TITLE_SIZE * LINE_SPACING / 72
AXES_TITLE_PAD = 6 / 72  # matplotlib's axes.titlepad
TITLE_PAD = 0.15  # room left beside a wrapped title, in inches
# The room of a figure of panels (inches): above the title, between it and the panels'
# titles, under the panels for 7-point tick labels and a 10-point axis label, left of
# them for tick labels and the y label, between columns for the next panel's tick labels,
# and between rows beyond the axis labels.
SUPTITLE_TOP = 0.1
TITLE_GAP = 0.12
X_AXIS_INCHES = 0.45
Y_AXIS_INCHES = 0.55
COLUMN_GAP = 0.4
ROW_GAP = 0.15
BOTTOM_PAD = 0.08
RIGHT_INCHES = 0.15
ROW_LABEL_PAD = 0.1  # beside a row label's lines
LEGEND_ROW_INCHES = 0.22  # a row of a legend under the panels
GRID_SIDE_INCHES = 0.05  # round a contact sheet (its cells carry no tick labels)
ROW_LABEL_INCHES = 0.3  # a contact sheet's row labels, left of the rows
# A histogram figure's margins (inches), its panels not square.
TOP_INCHES, BOTTOM_INCHES, LEFT_INCHES = 0.75, 0.5, 0.55
LEGEND_INCHES = 0.3  # a one-row legend under the panels
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


def _suptitle(figure: Figure, title: str) -> None:
    """The figure's title, its top SUPTITLE_TOP inches under the figure's top."""
    figure.suptitle(title, y=1 - SUPTITLE_TOP / figure.get_figheight(), verticalalignment="top")


def view_box(shapes: Iterable[np.ndarray]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x and y limits that show every point whole: the unit square with its margin
    (AXIS_LIMITS), each widened in steps of VIEW_STEP to take in any point beyond it (with
    VIEW_MARGIN to spare, so no outline runs along the panel's edge).

    Every panel of a figure shares one view, so sizes compare across panels; a shape is
    never cut at the panel's edge, where a cut looks like a shape of another kind.
    """
    stacked = [np.asarray(points, dtype=np.float64).reshape(-1, 2) for points in shapes]
    points = np.concatenate(stacked) if stacked else np.zeros((0, 2))
    points = points[np.isfinite(points).all(axis=1)]
    limits = []
    for axis in (0, 1):
        low, high = AXIS_LIMITS
        if len(points):
            low = min(low, np.floor((points[:, axis].min() - VIEW_MARGIN) / VIEW_STEP) * VIEW_STEP)
            high = max(high, np.ceil((points[:, axis].max() + VIEW_MARGIN) / VIEW_STEP) * VIEW_STEP)
        limits.append((round(float(low), 10), round(float(high), 10)))
    return limits[0], limits[1]


def view_limits(shapes: Iterable[np.ndarray]) -> tuple[float, float]:
    """view_box's x and y limits made one square view (for square panels)."""
    (x_low, x_high), (y_low, y_high) = view_box(shapes)
    return min(x_low, y_low), max(x_high, y_high)


def draw_shape(axes: Axes, points: np.ndarray, **style) -> Polygon:
    """Draw a closed polygon through the points, in order; the polygon."""
    patch = Polygon(np.asarray(points, dtype=np.float64), closed=True, **style)
    axes.add_patch(patch)
    return patch


def _frame(axes: Axes, title: str, limits: tuple[float, float] = AXIS_LIMITS) -> None:
    axes.set_xlim(*limits)
    axes.set_ylim(*limits)
    axes.set_aspect("equal")
    axes.set_title(title, fontsize=TITLE_SIZE)
    axes.tick_params(labelsize=7)


def panel_grid(
    rows: int,
    columns: int,
    panel: float,
    title: str,
    *,
    title_lines: int,
    row_label_lines: int = 0,
    legend: float = 0.0,
) -> tuple[Figure, list[Axes]]:
    """A figure of rows x columns square panels of `panel` inches, placed in inches so
    that nothing is left empty: room above each panel for a title of `title_lines`, left
    of each row for a label of `row_label_lines` (rotated), under the panels for tick
    labels, axis labels and a legend `legend` inches tall, and no more. The axes come row
    by row. (Equal-aspect axes in a box of another shape shrink into it and leave bands.)
    """
    left = Y_AXIS_INCHES + (row_label_lines * TITLE_LINE + ROW_LABEL_PAD if row_label_lines else 0)
    width = left + columns * panel + (columns - 1) * COLUMN_GAP + RIGHT_INCHES
    title, _ = wrapped_title(title, width)
    title_block = title_lines * TITLE_LINE + AXES_TITLE_PAD if title_lines else 0.0
    top = SUPTITLE_TOP + line_count(title) * SUPTITLE_LINE + TITLE_GAP + title_block
    row_gap = X_AXIS_INCHES + ROW_GAP + title_block
    bottom = X_AXIS_INCHES + legend + BOTTOM_PAD
    height = top + rows * panel + (rows - 1) * row_gap + bottom
    figure = Figure(figsize=(width, height))
    _suptitle(figure, title)
    axes = []
    for row in range(rows):
        y = bottom + (rows - 1 - row) * (panel + row_gap)
        for column in range(columns):
            x = left + column * (panel + COLUMN_GAP)
            axes.append(figure.add_axes((x / width, y / height, panel / width, panel / height)))
    return figure, axes


def _row_labels(figure: Figure, axes: Sequence[Axes], columns: int, labels: Sequence[str]) -> None:
    """Each row's label, rotated, left of its first panel's y axis."""
    lines = max(map(line_count, labels))
    x = (ROW_LABEL_PAD / 2 + lines * TITLE_LINE / 2) / figure.get_figwidth()
    for row, label in enumerate(labels):
        box = axes[row * columns].get_position()
        figure.text(
            x,
            (box.y0 + box.y1) / 2,
            label,
            rotation=90,
            fontsize=TITLE_SIZE,
            horizontalalignment="center",
            verticalalignment="center",
            multialignment="center",
        )


def _bottom_legend(figure: Figure, handles: Sequence, panels: Sequence[Axes], columns: int) -> None:
    """One legend for every panel, in rows of `columns` entries just under the panels'
    axis labels (inside no panel, it hides no shape)."""
    left = panels[0].get_position().x0
    right = max(axes.get_position().x1 for axes in panels)
    bottom = min(axes.get_position().y0 for axes in panels)
    figure.legend(
        handles=list(handles),
        loc="upper center",
        bbox_to_anchor=((left + right) / 2, bottom - X_AXIS_INCHES / figure.get_figheight()),
        ncols=columns,
        fontsize=7,
        frameon=False,
        borderaxespad=0.0,
        borderpad=0.0,
    )


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
    cell under its label (one line or several), filled row by row (a shape of no points
    and no label: an empty cell; with a label, a frame under it, since nothing was drawn);
    row_labels, if given, name the rows at their left.

    Every cell shows the unit square (its frame) at the same scale, with the view of
    view_limits: a shape that strays beyond the square is drawn whole, and the frame
    shows by how much. All cells share one Axes, each shape shifted into its cell: one
    Axes renders many times faster than rows x cols of them.
    """
    label_lines = max((line_count(label) for label in labels if label), default=1)
    gap = GRID_GAP + (label_lines - 1) * LABEL_LINE_GAP
    shown = [np.asarray(points, dtype=np.float64) for points in shapes[: rows * cols]]
    # A column as wide as its widest shape needs, a row as tall as its tallest: one scale.
    x_views = [view_box(shown[col::cols])[0] for col in range(cols)]
    y_views = [view_box(shown[row * cols : (row + 1) * cols])[1] for row in range(rows)]
    x_starts = np.cumsum([0.0] + [high - low + gap for low, high in x_views])
    # Rows are stacked from the bottom one up, each with its labels' gap above it.
    y_starts = np.cumsum([0.0] + [high - low + gap for low, high in reversed(y_views)])[::-1]
    inches_per_unit = panel_inches / (AXIS_LIMITS[1] - AXIS_LIMITS[0] + GRID_GAP)
    # The gap right of the last column would be an empty band: the sheet ends at its cell.
    sheet_width = (x_starts[-1] - gap) * inches_per_unit
    sheet_height = y_starts[0] * inches_per_unit
    left = ROW_LABEL_INCHES if row_labels else GRID_SIDE_INCHES
    width = left + sheet_width + GRID_SIDE_INCHES
    title, _ = wrapped_title(title, width)
    # The top row's labels have the gap above the cells: the title needs no more.
    top = SUPTITLE_TOP + line_count(title) * SUPTITLE_LINE + GRID_SIDE_INCHES
    height = top + sheet_height + GRID_SIDE_INCHES
    figure = Figure(figsize=(width, height))
    _suptitle(figure, title)
    axes = figure.add_axes(
        (left / width, GRID_SIDE_INCHES / height, sheet_width / width, sheet_height / height)
    )
    for index, points in enumerate(shown):
        if len(points) == 0 and not labels[index]:  # an empty cell
            continue
        row, col = divmod(index, cols)
        (x_low, x_high), (y_low, y_high) = x_views[col], y_views[row]
        corner = np.array([x_starts[col], y_starts[row + 1]])  # the cell's lower left
        offset = corner - (x_low, y_low)
        # The cell's bounds, drawn by nobody: the figure tests read each shape's panel here.
        axes.add_patch(
            Rectangle(corner, x_high - x_low, y_high - y_low, visible=False, gid=CELL_GID)
        )
        axes.add_patch(Polygon(UNIT_SQUARE + offset, closed=True, gid=FRAME_GID, **CELL_STYLE))
        if len(points):
            draw_shape(axes, points + offset, **SHAPE_STYLE)
        axes.text(
            offset[0] + 0.5,  # over the unit square
            offset[1] + y_high,
            labels[index],
            fontsize=8,
            horizontalalignment="center",
            verticalalignment="bottom",
            multialignment="center",
        )
    for row, label in enumerate(row_labels or ()):
        axes.annotate(
            label,
            (0.0, y_starts[row + 1] + (y_views[row][1] - y_views[row][0]) / 2),
            xytext=(-4, 0),
            textcoords="offset points",
            rotation=90,
            fontsize=TITLE_SIZE,
            horizontalalignment="right",
            verticalalignment="center",
        )
    axes.set_xlim(0.0, x_starts[-1] - gap)
    axes.set_ylim(0.0, y_starts[0])
    axes.set_aspect("equal")
    axes.set_axis_off()
    return figure


def checkpoint_figure(
    shapes: Mapping[int, Sequence[np.ndarray]], panel_inches: float, title: str
) -> Figure:
    """The shapes each checkpoint generates, a panel per checkpoint titled with its
    training updates (figures 11.5-11.7): one shape filled, or several overlaid as
    outlines, so that panels compare what a checkpoint draws rather than one draw."""
    figure, grid = panel_grid(1, len(shapes), panel_inches, title, title_lines=1)
    limits = view_limits(points for drawn in shapes.values() for points in drawn)
    for axes, (updates, drawn) in zip(grid, shapes.items(), strict=True):
        style = SHAPE_STYLE if len(drawn) == 1 else OVERLAY_STYLE
        for points in drawn:
            draw_shape(axes, points, **style)
        _frame(axes, f"{updates:,} updates", limits)
        axes.set_xlabel("x")
    grid[0].set_ylabel("y")
    return figure


def nearest_rectangle_figure(
    points: np.ndarray, error: float, panel_inches: float, title: str
) -> Figure:
    """One generated shape drawn over its nearest true rectangle, its corners marked and
    named in a legend under the panel: corners can lie as close as the shape is thin, so
    no label sits at a corner."""
    corners = np.asarray(points, dtype=np.float64)
    widths, heights = nearest_rectangle_sizes(corners[np.newaxis])
    nearest = rectangles_from_sizes(widths, heights)[0]
    legend_rows = 3  # six entries, two to a row
    legend = legend_rows * LEGEND_ROW_INCHES
    figure, (axes,) = panel_grid(1, 1, 2 * panel_inches, title, title_lines=1, legend=legend)
    draw_shape(
        axes, nearest, label=f"nearest rectangle, {widths[0]:.3f} x {heights[0]:.3f}", **TRUE_STYLE
    )
    draw_shape(axes, corners, label="generated", **SHAPE_STYLE)
    markers = []
    for name, marker, (x, y) in zip(CORNER_NAMES, CORNER_MARKERS, corners, strict=True):
        (line,) = axes.plot(
            [x],
            [y],
            linestyle="none",
            marker=marker,
            markersize=5,
            color="black",
            label=f"{name} ({x:.3f}, {y:.3f})",
        )
        markers.append(line)
    _frame(axes, f"RMS corner error {error:.4f}", view_limits([corners, nearest]))
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    handles, _ = axes.get_legend_handles_labels()
    # Entries fill the legend's columns first: the two outlines, then the corners in order.
    _bottom_legend(figure, handles, [axes], columns=len(handles) // legend_rows)
    return figure


def overlay_figure(
    panels: Sequence[tuple[str, Sequence[np.ndarray]]],
    panel_inches: float,
    title: str,
    prefix_corners: int = 0,
    columns: int | None = None,
    *,
    row_labels: Sequence[str] | None = None,
    truths: Sequence[np.ndarray] | None = None,
    truth_label: str = "",
    counted: bool = True,
) -> Figure:
    """Panels (title, shapes), each overlaying many shapes ((k, 2) each) drawn as outlines
    (a single one filled), in rows of `columns` (default: one row), each titled with its
    title and, if `counted`, its number of shapes (a panel of no title: none).

    row_labels name the rows at their left. With prefix_corners > 0 the first corners,
    given rather than generated, are drawn in red; with `truths`, a shape per panel is
    drawn dashed under the others (what was to be drawn); both are named in a legend
    under the panels.
    """
    columns = columns or len(panels)
    rows = -(-len(panels) // columns)
    panel = panel_inches * OVERLAY_PANEL_SCALE
    room = panel + COLUMN_GAP - TITLE_PAD  # a title may use the gap to the next panel
    titles = [
        (
            counted_title(label, shape_count(len(shapes)), room)
            if counted
            else wrap_text(label, room, TITLE_SIZE)
        )
        if label
        else ""
        for label, shapes in panels
    ]
    legend = LEGEND_ROW_INCHES if prefix_corners or truths is not None else 0.0
    figure, grid = panel_grid(
        rows,
        columns,
        panel,
        title,
        title_lines=max(line_count(text) if text else 0 for text in titles),
        row_label_lines=max(map(line_count, row_labels)) if row_labels else 0,
        legend=legend,
    )
    drawn = [points for _, shapes in panels for points in shapes]
    limits = view_limits([*drawn, *(truths if truths is not None else ())])
    handles = []
    for index, (axes, (_, shapes), panel_title) in enumerate(
        zip(grid, panels, titles, strict=False)
    ):
        if truths is not None:
            truth = draw_shape(axes, truths[index], label=truth_label, **TRUE_STYLE)
        style = SHAPE_STYLE if len(shapes) == 1 else OVERLAY_STYLE  # one shape: filled
        for points in shapes:
            draw_shape(axes, points, **style)
        if prefix_corners:
            given = np.asarray(shapes[0][:prefix_corners], dtype=np.float64)
            (given_line,) = axes.plot(
                given[:, 0], given[:, 1], label="given corners", **PREFIX_STYLE
            )
        _frame(axes, panel_title, limits)
        axes.set_xlabel("x")
        if index % columns == 0:
            axes.set_ylabel("y")
    for axes in grid[len(panels) :]:
        figure.delaxes(axes)
    if row_labels:
        _row_labels(figure, grid, columns, row_labels)
    if truths is not None:
        handles.append(truth)
    if prefix_corners:
        handles.append(given_line)
    if handles:
        _bottom_legend(figure, handles, grid[: len(panels)], columns=len(handles))
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
    _suptitle(figure, title)
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
    _bottom_legend(figure, handles, figure.axes, columns=len(handles))
    return figure
