"""Layout checks of a rendered figure: what a reader sees as clipped or overlapping.

A figure passes when every text it draws lies inside the figure and overlaps no other
text, no text or legend covers a drawn shape, and every drawn shape (the patches and
lines of its axes) stays inside its own panel: its axes, or in a contact sheet (one
Axes of cells, shapegen.figures.panels.shape_grid_figure) its cell. Clipping a shape to its
panel is a valid way to keep it there: what counts is what is drawn.
"""

import contextlib
import itertools
from collections.abc import Iterator

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from shapegen.figures.panels import AXIS_LIMITS, CELL_GID

# Pixels two boxes may share (antialiasing, rounding) before they count as overlapping.
TOLERANCE = 1.0


@contextlib.contextmanager
def _recording_texts() -> Iterator[list[Text]]:
    """The texts drawn while the block runs: exactly those a reader sees, tick labels and
    legend entries included."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self: Text, renderer) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)

    Text.draw = draw
    try:
        yield drawn
    finally:
        Text.draw = original


def render(figure: Figure, dpi: float) -> tuple[object, list[Text]]:
    """Draw the figure as the PNG writer does, at `dpi`: its renderer and drawn texts."""
    FigureCanvasAgg(figure)
    figure.set_dpi(dpi)
    with _recording_texts() as texts:
        figure.canvas.draw()
    return figure.canvas.get_renderer(), texts


def _shrunk(box: Bbox, by: float = TOLERANCE) -> Bbox:
    return Bbox.from_extents(box.x0 + by, box.y0 + by, box.x1 - by, box.y1 - by)


def _inside(inner: Bbox, outer: Bbox) -> bool:
    return (
        inner.x0 >= outer.x0 - TOLERANCE
        and inner.y0 >= outer.y0 - TOLERANCE
        and inner.x1 <= outer.x1 + TOLERANCE
        and inner.y1 <= outer.y1 + TOLERANCE
    )


def _overlap(a: Bbox, b: Bbox) -> bool:
    a, b = _shrunk(a), _shrunk(b)
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


def _describe(text: Text) -> str:
    return repr(text.get_text())


def _shapes(axes: Axes) -> list[Artist]:
    """What the axes draws as data: its patches and lines, visible ones."""
    return [artist for artist in [*axes.patches, *axes.lines] if artist.get_visible()]


def _display_path(artist: Artist) -> Path:
    """The artist's path (a patch's or a line's) in display coordinates."""
    return artist.get_transform().transform_path(artist.get_path())


def _clip(artist: Artist) -> Bbox | None:
    """The display box the artist is clipped to (None: not clipped)."""
    if not artist.get_clip_on():
        return None
    boxes = []
    if artist.get_clip_box() is not None:
        boxes.append(Bbox(artist.get_clip_box().get_points()))
    clip_path = artist.get_clip_path()
    if clip_path is not None:
        boxes.append(clip_path.get_fully_transformed_path().get_extents())
    if not boxes:
        return None
    return Bbox.intersection(*boxes) if len(boxes) == 2 else boxes[0]


def _visible_extent(artist: Artist) -> Bbox | None:
    """The display box of what is drawn of the artist (None: nothing is)."""
    extent = _display_path(artist).get_extents()
    clip = _clip(artist)
    return extent if clip is None else Bbox.intersection(extent, clip)


def _cells(axes: Axes) -> list[Bbox]:
    """A contact sheet's cells in display coordinates: each cell frame (the unit square)
    with the margin every panel has around it (AXIS_LIMITS)."""
    cells = []
    for frame in axes.patches:
        if frame.get_gid() == CELL_GID:
            corner = np.asarray(frame.get_xy(), dtype=np.float64).min(axis=0)
            data = Bbox([corner + AXIS_LIMITS[0], corner + AXIS_LIMITS[1]])
            cells.append(data.transformed(axes.transData))
    return cells


def _panel_of(artist: Artist, axes: Axes, cells: list[Bbox]) -> Bbox | None:
    """The artist's own panel: its axes, or the cell holding its first point."""
    if not cells:
        return axes.bbox
    first = _display_path(artist).vertices[0]
    for cell in cells:
        if cell.x0 <= first[0] <= cell.x1 and cell.y0 <= first[1] <= cell.y1:
            return cell
    return None


def _covers(box: Bbox, artist: Artist) -> bool:
    """Whether a box hides part of a drawn shape: it crosses the shape's drawn outline,
    or lies on a filled shape."""
    clip = _clip(artist)
    region = _shrunk(box) if clip is None else Bbox.intersection(_shrunk(box), clip)
    if region is None or region.width <= 0 or region.height <= 0:
        return False
    filled = isinstance(artist, Patch) and artist.get_fill()
    return _display_path(artist).intersects_bbox(region, filled=filled)


def text_problems(figure: Figure, renderer, texts: list[Text]) -> list[str]:
    """Texts cut off by the figure's edge, and pairs of texts that overlap."""
    problems = []
    extents = [(text, text.get_window_extent(renderer)) for text in texts]
    for text, extent in extents:
        if not _inside(extent, figure.bbox):
            problems.append(f"text {_describe(text)} leaves the figure")
    for (a, box_a), (b, box_b) in itertools.combinations(extents, 2):
        if _overlap(box_a, box_b):
            problems.append(f"texts {_describe(a)} and {_describe(b)} overlap")
    return problems


def shape_problems(figure: Figure, renderer, texts: list[Text]) -> list[str]:
    """Shapes outside their own panel, and texts or legends drawn over shapes."""
    problems = []
    covering = [(f"text {_describe(text)}", text.get_window_extent(renderer)) for text in texts]
    legends = [*figure.legends, *(axes.get_legend() for axes in figure.axes)]
    covering += [("a legend", legend.get_window_extent(renderer)) for legend in legends if legend]
    for axes in figure.axes:
        cells = _cells(axes)
        for index, shape in enumerate(_shapes(axes)):
            name = f"shape {index} ({type(shape).__name__}) of axes {axes.get_title()!r}"
            extent = _visible_extent(shape)
            if extent is None or (extent.width <= 0 and extent.height <= 0):  # a point, or hidden
                continue
            panel = _panel_of(shape, axes, cells)
            if panel is None or not _inside(extent, panel):
                problems.append(f"{name} leaves its panel")
            for what, box in covering:
                if _covers(box, shape):
                    problems.append(f"{what} covers {name}")
    return problems


def figure_problems(figure: Figure, dpi: float) -> list[str]:
    """Every layout problem of the figure rendered at `dpi`; empty when it is clean."""
    renderer, texts = render(figure, dpi)
    return text_problems(figure, renderer, texts) + shape_problems(figure, renderer, texts)
