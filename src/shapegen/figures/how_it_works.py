"""How a shapes model draws, in one figure made from the data: a training shape, its moves
and their bins, one step of the LSTM with its two heads and END, and the two framings.

The dataset_gallery stage draws it from the first pentagon (or the polygon with the most
sides) of the training split, so every number in it is the data's. Boxes and arrows are
texts and annotations, not patches: the figure checks see the one drawn shape, the polygon.
"""

import numpy as np
from matplotlib.figure import Figure

from shapegen.data.families import FAMILIES, REGULAR_POLYGON, ShapeBatch
from shapegen.data.turtle import encode_moves
from shapegen.figures.panels import SHAPE_STYLE, TITLE_SIZE, draw_shape
from shapegen.heads.categorical import quantize

WIDTH_INCHES = 12.0
HEIGHT_INCHES = 8.6
PREFERRED_SIDES = 5
BOX = {"boxstyle": "round,pad=0.45", "facecolor": "#eef3fa", "edgecolor": "#5577aa"}
FADED_BOX = {**BOX, "facecolor": "#f6f6f6", "edgecolor": "0.6"}
ARROW = {"arrowstyle": "-|>", "color": "#334466", "linewidth": 1.3}
TEXT_SIZE = 9.0
# What each move's two numbers are (shapegen.data.turtle).
MOVE_MEANINGS = (
    ("P0: the first point", "x", "y"),
    ("the first side", "heading (turns)", "length"),
    ("the first turn", "sides code 1/(10 turn)", "length"),
)
LATER_MOVE = ("a later turn", "code change + 1/2", "length")


def example_shape(shapes: ShapeBatch) -> int:
    """The row of the shape the figure explains: the first pentagon, else the first polygon
    with the most sides, else the first shape."""
    polygons = np.flatnonzero(shapes.families == REGULAR_POLYGON)
    if len(polygons) == 0:
        return 0
    pentagons = polygons[shapes.lengths[polygons] == PREFERRED_SIDES]
    if len(pentagons):
        return int(pentagons[0])
    return int(polygons[np.argmax(shapes.lengths[polygons])])


def move_table(padded: np.ndarray, length: int, bins: int | None) -> str:
    """A padded shape's (MAX_POINTS, 2) moves, a row each, with each number's bin (where
    a number of bins is given), and the END step."""
    moves = encode_moves(padded[None], np.array([length]))[0, :length]
    codes = quantize(moves, bins) if bins else None
    heading = f"bins of {bins}" if bins else ""
    rows = [f"{'step':<6}{'move':<22}{'first number':<31}{'second number':<16}{heading}"]
    for step, move in enumerate(moves):
        what, first, second = MOVE_MEANINGS[step] if step < len(MOVE_MEANINGS) else LATER_MOVE
        binned = "" if codes is None else f"{codes[step, 0]:>3} {codes[step, 1]:>3}"
        rows.append(
            f"{step:<6}{what:<22}{f'{first} {move[0]:.3f}':<31}{f'{second} {move[1]:.3f}':<16}"
            f"{binned}"
        )
    rows.append(f"{length:<6}{'END: no more points':<22}{'':<31}{'':<16}{'END' if bins else ''}")
    return "\n".join(rows)


def _box(axes, x: float, y: float, text: str, style=None) -> None:
    axes.text(
        x,
        y,
        text,
        transform=axes.transAxes,
        fontsize=TEXT_SIZE,
        horizontalalignment="center",
        verticalalignment="center",
        bbox=style or BOX,
    )


def _arrow(axes, start: tuple[float, float], end: tuple[float, float], label: str = "") -> None:
    axes.annotate(
        "",
        xy=end,
        xytext=start,
        xycoords="axes fraction",
        textcoords="axes fraction",
        arrowprops=ARROW,
    )
    if label:
        middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.07)
        axes.text(
            *middle,
            label,
            transform=axes.transAxes,
            fontsize=TEXT_SIZE - 1,
            horizontalalignment="center",
            color="#334466",
        )


def _title(axes, text: str) -> None:
    axes.text(
        0.0,
        1.0,
        text,
        transform=axes.transAxes,
        fontsize=TITLE_SIZE + 1,
        weight="bold",
        verticalalignment="top",
    )


def how_it_works_figure(shapes: ShapeBatch, bins: int | None, units: int | None) -> Figure:
    """The figure: a training shape of `shapes` as moves and bins (a categorical head of
    `bins` bins), one step of an LSTM of `units` units, and the two framings; None where
    params.yaml has no shapes model to take them from."""
    grid_text = f"{bins} bins" if bins else "the bins"
    row = example_shape(shapes)
    points = shapes.points[row, : shapes.lengths[row]]
    family = FAMILIES[int(shapes.families[row])]
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES))
    figure.suptitle("How a shapes model draws: a shape, its moves, one LSTM step, two framings")
    grid = figure.add_gridspec(
        3,
        2,
        width_ratios=(1, 2.3),
        height_ratios=(1.25, 0.8, 0.8),
        left=0.03,
        right=0.98,
        top=0.91,
        bottom=0.02,
        hspace=0.3,
        wspace=0.08,
    )

    shape_axes = figure.add_subplot(grid[0, 0])
    draw_shape(shape_axes, points, **SHAPE_STYLE)
    centre = points.mean(axis=0)
    for index, point in enumerate(points):
        outward = point + 0.09 * (point - centre) / max(np.hypot(*(point - centre)), 1e-9)
        shape_axes.text(
            *outward,
            f"P{index}",
            fontsize=TEXT_SIZE,
            horizontalalignment="center",
            verticalalignment="center",
        )
    low, high = points.min(axis=0) - 0.14, points.max(axis=0) + 0.14
    span = max(high - low) / 2
    middle = (low + high) / 2
    shape_axes.set_xlim(middle[0] - span, middle[0] + span)
    shape_axes.set_ylim(middle[1] - span, middle[1] + span)
    shape_axes.set_aspect("equal")
    shape_axes.set_xticks([])
    shape_axes.set_yticks([])
    shape_axes.set_title(
        f"1. A training shape ({family}, {len(points)} points)",
        fontsize=TITLE_SIZE + 1,
        weight="bold",
        loc="left",
    )

    table_axes = figure.add_subplot(grid[0, 1])
    table_axes.set_axis_off()
    _title(table_axes, "2. ...as moves, a turtle's: each number one of the bins, then END")
    table_axes.text(
        0.0,
        0.8,
        move_table(shapes.points[row], int(shapes.lengths[row]), bins),
        transform=table_axes.transAxes,
        fontsize=TEXT_SIZE,
        family="monospace",
        verticalalignment="top",
    )

    step_axes = figure.add_subplot(grid[1, :])
    step_axes.set_axis_off()
    _title(step_axes, "3. One step: the LSTM reads the previous move, two heads draw the next")
    _box(
        step_axes,
        0.12,
        0.4,
        "inputs: the previous move's\ntwo bins and numbers, the step,\nthe family asked for",
    )
    _box(
        step_axes,
        0.42,
        0.4,
        (f"LSTM, {units} units" if units else "LSTM") + "\n(its state goes on\nto the next step)",
    )
    _box(step_axes, 0.68, 0.62, f"first head: one class of\n{grid_text} + END")
    _box(step_axes, 0.68, 0.13, f"second head: one of {grid_text},\ngiven the first")
    _box(step_axes, 0.91, 0.4, "the next move,\nor END: the shape\nis done", FADED_BOX)
    _arrow(step_axes, (0.255, 0.4), (0.345, 0.4))
    _arrow(step_axes, (0.5, 0.5), (0.585, 0.6))
    _arrow(step_axes, (0.5, 0.3), (0.575, 0.18))
    _arrow(step_axes, (0.775, 0.6), (0.845, 0.47))
    _arrow(step_axes, (0.785, 0.17), (0.845, 0.33))

    framing_axes = figure.add_subplot(grid[2, :])
    framing_axes.set_axis_off()
    _title(
        framing_axes,
        "4. Two framings: the sequence carries the state; the chapter's "
        "point framing starts each step afresh",
    )
    steps = len(points) + 1
    xs = np.linspace(0.2, 0.92, steps)
    for y, name, carried in ((0.58, "sequence", True), (0.13, "point (the chapter's)", False)):
        framing_axes.text(
            0.0,
            y,
            name,
            transform=framing_axes.transAxes,
            fontsize=TEXT_SIZE,
            verticalalignment="center",
        )
        for step, x in enumerate(xs):
            _box(framing_axes, x, y, f"LSTM\nstep {step}", BOX if carried else FADED_BOX)
            if carried and step:
                label = "state" if step == 1 else ""
                _arrow(framing_axes, (xs[step - 1] + 0.035, y), (x - 0.035, y), label)
    return figure
