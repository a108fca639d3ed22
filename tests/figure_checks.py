"""Layout checks of a rendered figure: what a reader sees as cut off, overlapping, empty
or repeated.

A figure passes when every text it draws lies inside the figure and overlaps no other
text, no text or legend covers a drawn shape, every drawn shape (the patches and lines of
its axes) lies whole inside its own panel (its axes' view, or in a contact sheet, one Axes
of cells made by shapegen.figures.panels.shape_grid_figure, its cell): a shape clipped at
the edge by any amount counts as leaving it, since a cut shape reads as another shape; no
band across the figure, a row or a column of pixels, is left blank over more than
EMPTY_BAND of its height or width; and no two panels side by side draw the same shapes.
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

from shapegen.figures.panels import CELL_GID, FRAME_GID

# Pixels two boxes may share (antialiasing, rounding) before they count as overlapping.
TOLERANCE = 1.0
EMPTY_BAND = 0.10  # of the figure's height (a band of rows) or width (of columns)
# How far (a share of its view) a shape's vertex may lie beyond its panel: rounding only.
EDGE_TOLERANCE = 1e-9


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
    """What the axes draws as data: its patches and lines, visible ones, but a contact
    sheet's cell frames."""
    return [
        artist
        for artist in [*axes.patches, *axes.lines]
        if artist.get_visible() and artist.get_gid() != FRAME_GID
    ]


def _display_path(artist: Artist) -> Path:
    """The artist's path (a patch's or a line's) in display coordinates."""
    return artist.get_transform().transform_path(artist.get_path())


def _data_vertices(artist: Artist, axes: Axes) -> np.ndarray:
    """The artist's vertices in its axes' data coordinates, whole (clipping ignored)."""
    to_data = artist.get_transform() - axes.transData
    return to_data.transform_path(artist.get_path()).vertices


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


def _cells(axes: Axes) -> list[Bbox]:
    """A contact sheet's cells in data coordinates: the bounds it records for each."""
    return [patch.get_bbox() for patch in axes.patches if patch.get_gid() == CELL_GID]


def _view(axes: Axes) -> Bbox:
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    return Bbox.from_extents(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _panel_of(vertices: np.ndarray, axes: Axes, cells: list[Bbox]) -> Bbox | None:
    """The shape's own panel in data coordinates: its axes' view, or the cell holding its
    first vertex."""
    if not cells:
        return _view(axes)
    first = vertices[0]
    for cell in cells:
        if cell.x0 <= first[0] <= cell.x1 and cell.y0 <= first[1] <= cell.y1:
            return cell
    return None


def _whole_inside(vertices: np.ndarray, panel: Bbox) -> bool:
    slack = EDGE_TOLERANCE * max(panel.width, panel.height)
    return bool(
        np.all(vertices[:, 0] >= panel.x0 - slack)
        and np.all(vertices[:, 0] <= panel.x1 + slack)
        and np.all(vertices[:, 1] >= panel.y0 - slack)
        and np.all(vertices[:, 1] <= panel.y1 + slack)
    )


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
    """Shapes not whole inside their own panel, and texts or legends drawn over shapes."""
    problems = []
    covering = [(f"text {_describe(text)}", text.get_window_extent(renderer)) for text in texts]
    legends = [*figure.legends, *(axes.get_legend() for axes in figure.axes)]
    covering += [("a legend", legend.get_window_extent(renderer)) for legend in legends if legend]
    for axes in figure.axes:
        cells = _cells(axes)
        for index, shape in enumerate(_shapes(axes)):
            name = f"shape {index} ({type(shape).__name__}) of axes {axes.get_title()!r}"
            vertices = _data_vertices(shape, axes)
            vertices = vertices[np.isfinite(vertices).all(axis=1)]
            if len(vertices) == 0:
                continue
            panel = _panel_of(vertices, axes, cells)
            if panel is None or not _whole_inside(vertices, panel):
                problems.append(f"{name} leaves its panel")
            for what, box in covering:
                if _covers(box, shape):
                    problems.append(f"{what} covers {name}")
    return problems


def _longest_run(blank: np.ndarray) -> tuple[int, int]:
    """The start and length of the longest run of True."""
    best, start = (0, 0), None
    for index, value in enumerate([*blank, False]):
        if value and start is None:
            start = index
        elif not value and start is not None:
            best = max(best, (index - start, start))
            start = None
    return best[1], best[0]


def band_problems(figure: Figure) -> list[str]:
    """Blank bands across the rendered figure (rows of pixels all background, or columns)
    longer than EMPTY_BAND of its height or width, margins included."""
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    background = np.asarray(figure.get_facecolor()[:3]) * 255
    blank = np.all(np.abs(pixels.astype(np.int16) - background.round()) <= 1, axis=2)
    problems = []
    for what, along, size in (("rows", 1, pixels.shape[0]), ("columns", 0, pixels.shape[1])):
        start, length = _longest_run(blank.all(axis=along))
        if length > EMPTY_BAND * size:
            problems.append(
                f"{length} blank {what} from {start} ({length / size:.0%} of the figure)"
            )
    return problems


def _panels(axes: Axes) -> list[tuple[float, np.ndarray]]:
    """The axes' panels as (row, what they draw): each cell of a contact sheet (the shapes
    whose first vertex it holds, relative to its corner), or the axes itself."""
    # A shape of one point draws nothing: it repeats nothing either.
    shapes = [
        vertices
        for vertices in (_data_vertices(shape, axes) for shape in _shapes(axes))
        if np.ptp(vertices, axis=0).any()
    ]
    cells = _cells(axes)
    if not cells:
        return [(round(axes.get_position().y0, 6), shapes)]
    panels = []
    for cell in cells:
        corner = np.array([cell.x0, cell.y0])
        held = [
            vertices - corner for vertices in shapes if _panel_of(vertices, axes, [cell]) is cell
        ]
        panels.append((round(cell.y0, 6), held))
    return panels


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(
        x.shape == y.shape and np.allclose(x, y, rtol=0, atol=1e-9)
        for x, y in zip(a, b, strict=True)
    )


def duplicate_problems(figure: Figure) -> list[str]:
    """Panels side by side (in one row) that draw the same shapes: a second copy says
    nothing the first did not."""
    panels = [panel for axes in figure.axes for panel in _panels(axes) if panel[1]]
    problems = []
    for (i, (row_a, a)), (j, (row_b, b)) in itertools.combinations(enumerate(panels), 2):
        if row_a == row_b and _same(a, b):
            problems.append(f"panels {i} and {j} draw the same shapes")
    return problems


def figure_problems(figure: Figure, dpi: float) -> list[str]:
    """Every layout problem of the figure rendered at `dpi`; empty when it is clean."""
    renderer, texts = render(figure, dpi)
    return (
        text_problems(figure, renderer, texts)
        + shape_problems(figure, renderer, texts)
        + band_problems(figure)
        + duplicate_problems(figure)
    )
