"""Three families of shapes with closed-form parameters, drawn at random.

A shape is a sequence of 3 to 8 points in the unit square, in drawing order
(counter-clockwise). Each family is a generating process with known parameters, so a
generated sequence can be measured exactly (shapegen.evaluation.recognition): which
family's member is nearest, how far (RMS distance over its points), and with which
parameters.

- rectangle: the chapter's, BL at the origin: BL, BR, TR, TL; w, h ~ U(0, 1).
- rotated_rectangle: w, h ~ U(0.1, 0.5), t ~ U(0, pi/2): P0 = (h sin t, 0),
  P1 = P0 + w (cos t, sin t), P2 = P1 + h (-sin t, cos t), P3 = P0 + h (-sin t, cos t).
- regular_polygon: n ~ U{3..8}, r ~ U(0.1, 0.4), centre ~ U(r, 1 - r) per coordinate,
  rotation p ~ U(0, 2 pi / n); vertex k = centre + r (cos(p + 2 pi k / n), sin(...)).

Batches are padded: points (n, MAX_POINTS, 2), zeros after each shape's length.
Parameters are one table (n, len(PARAMETERS)), NaN where a family has no such parameter.
"""

import dataclasses
import math

import numpy as np

FAMILIES = ("rectangle", "rotated_rectangle", "regular_polygon")
RECTANGLE, ROTATED_RECTANGLE, REGULAR_POLYGON = range(len(FAMILIES))
PARAMETERS = ("width", "height", "angle", "sides", "radius", "centre_x", "centre_y", "rotation")
FAMILY_PARAMETERS = {
    "rectangle": ("width", "height"),
    "rotated_rectangle": ("width", "height", "angle"),
    "regular_polygon": ("sides", "radius", "centre_x", "centre_y", "rotation"),
}
# The families' definitions: ranges of the uniforms.
RECTANGLE_SIDE = (0.0, 1.0)
ROTATED_SIDE = (0.1, 0.5)
ANGLE_RANGE = (0.0, math.pi / 2)
SIDES = (3, 8)
RADIUS = (0.1, 0.4)
MAX_POINTS = SIDES[1]
N_UNIFORMS = 6  # uniforms drawn per shape: the family, then up to 5 parameters
PARAMETER_COLUMN = {name: index for index, name in enumerate(PARAMETERS)}


@dataclasses.dataclass(frozen=True)
class ShapeBatch:
    """Shapes padded to MAX_POINTS, with their lengths, families and parameters."""

    points: np.ndarray  # (n, MAX_POINTS, 2) float64, zeros after each length
    lengths: np.ndarray  # (n,) int: points in each shape
    families: np.ndarray  # (n,) int: an index into FAMILIES
    parameters: np.ndarray  # (n, len(PARAMETERS)) float64, NaN where not the family's

    def __len__(self) -> int:
        return self.points.shape[0]

    def head(self, n: int) -> "ShapeBatch":
        """The first n shapes."""
        return ShapeBatch(self.points[:n], self.lengths[:n], self.families[:n], self.parameters[:n])


def draw_shapes(rng: np.random.Generator, n: int, weights: np.ndarray) -> ShapeBatch:
    """n shapes, each family drawn with probability weights[family] (normalised).

    N_UNIFORMS uniforms per row, used whatever the family: the first k shapes do not
    depend on n.
    """
    uniforms = rng.random((n, N_UNIFORMS))
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    families = np.minimum(
        np.searchsorted(cumulative / cumulative[-1], uniforms[:, 0], side="right"),
        len(FAMILIES) - 1,
    )
    parameters = np.full((n, len(PARAMETERS)), np.nan)
    u = uniforms[:, 1:]
    rows = families == RECTANGLE
    parameters[rows, PARAMETER_COLUMN["width"]] = _scaled(u[rows, 0], RECTANGLE_SIDE)
    parameters[rows, PARAMETER_COLUMN["height"]] = _scaled(u[rows, 1], RECTANGLE_SIDE)
    rows = families == ROTATED_RECTANGLE
    parameters[rows, PARAMETER_COLUMN["width"]] = _scaled(u[rows, 0], ROTATED_SIDE)
    parameters[rows, PARAMETER_COLUMN["height"]] = _scaled(u[rows, 1], ROTATED_SIDE)
    parameters[rows, PARAMETER_COLUMN["angle"]] = _scaled(u[rows, 2], ANGLE_RANGE)
    rows = families == REGULAR_POLYGON
    sides = SIDES[0] + np.floor(u[rows, 0] * (SIDES[1] - SIDES[0] + 1))
    radius = _scaled(u[rows, 1], RADIUS)
    parameters[rows, PARAMETER_COLUMN["sides"]] = sides
    parameters[rows, PARAMETER_COLUMN["radius"]] = radius
    parameters[rows, PARAMETER_COLUMN["centre_x"]] = radius + u[rows, 2] * (1 - 2 * radius)
    parameters[rows, PARAMETER_COLUMN["centre_y"]] = radius + u[rows, 3] * (1 - 2 * radius)
    parameters[rows, PARAMETER_COLUMN["rotation"]] = u[rows, 4] * 2 * math.pi / sides
    points, lengths = shape_points(families, parameters)
    return ShapeBatch(points, lengths, families, parameters)


def family_weight_array(weights: object) -> np.ndarray:
    """Weights in FAMILIES' order from params' shapes.family_weights (an attribute each)."""
    return np.array([getattr(weights, family) for family in FAMILIES], dtype=np.float64)


def importance_weights(
    families: np.ndarray, weights: np.ndarray, drawn_with: np.ndarray
) -> np.ndarray:
    """Per shape (n,): how much more often its family is in a split drawn with `weights`
    than in one drawn with `drawn_with` (each normalised). A loss weighted so is, in
    expectation, the loss over shapes drawn with `weights`."""
    target = np.asarray(weights, dtype=np.float64) / np.sum(weights)
    source = np.asarray(drawn_with, dtype=np.float64) / np.sum(drawn_with)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(source > 0, target / source, 0.0)
    return ratio[np.asarray(families, dtype=np.int64)]


def unpadded(points: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    """Each padded shape (points (n, MAX_POINTS, 2), lengths (n,)) as its own (k, 2) array."""
    return [shape[:length] for shape, length in zip(points, lengths, strict=True)]


def parameter_problems(families: np.ndarray, parameters: np.ndarray) -> list[str]:
    """Per shape, '' for a member's parameters, else what is wrong (the first problem).

    Each family has exactly its own parameters (the rest NaN), each inside its range; a
    polygon's sides are whole, its centre at least its radius from every edge, its
    rotation below 2 pi / sides.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a file's sides: 0, NaN
        return _parameter_problems(families, parameters)


def _parameter_problems(families: np.ndarray, parameters: np.ndarray) -> list[str]:
    named = {name: parameters[:, index] for index, name in enumerate(PARAMETERS)}
    sides = named["sides"]
    bounds = {
        RECTANGLE: {"width": RECTANGLE_SIDE, "height": RECTANGLE_SIDE},
        ROTATED_RECTANGLE: {"width": ROTATED_SIDE, "height": ROTATED_SIDE, "angle": ANGLE_RANGE},
        REGULAR_POLYGON: {
            "sides": SIDES,
            "radius": RADIUS,
            "centre_x": (named["radius"], 1 - named["radius"]),
            "centre_y": (named["radius"], 1 - named["radius"]),
            "rotation": (0.0, 2 * math.pi / sides),
        },
    }
    problems = [""] * families.shape[0]
    for family, limits in bounds.items():
        names = FAMILY_PARAMETERS[FAMILIES[family]]
        rows = families == family
        unused = [name for name in PARAMETERS if name not in names]
        checks = [(f"a value for {name} (expected NaN)", ~np.isnan(named[name])) for name in unused]
        for name, (low, high) in limits.items():
            with np.errstate(invalid="ignore"):
                inside = (named[name] >= low) & (named[name] <= high)
            checks.append((f"{name} outside {_range_text(low, high)}", ~inside))
        with np.errstate(invalid="ignore"):
            checks.append(
                ("sides not a whole number", (family == REGULAR_POLYGON) & (sides % 1 != 0))
            )
        for text, wrong in reversed(checks):
            for row in np.flatnonzero(rows & wrong):
                problems[row] = text
    return problems


def _range_text(low, high) -> str:
    if np.ndim(low) or np.ndim(high):
        return "its range"
    return f"[{low:g}, {high:g}]"


def parameter_label(family: int, parameters: np.ndarray) -> str:
    """One shape's parameters in a few words a figure's reader needs no key for:
    `w=0.31 h=0.22, turned 35°` (the angle in degrees), `5 sides, r=0.23`. Where a shape
    sits (its centre, a polygon's rotation) is left out: the figure shows it."""
    name = FAMILIES[family]
    value = {key: parameters[PARAMETERS.index(key)] for key in FAMILY_PARAMETERS[name]}
    if name == "regular_polygon":
        return f"{value['sides']:.0f} sides, r={value['radius']:.2f}"
    sizes = f"w={value['width']:.2f} h={value['height']:.2f}"
    if "angle" in value:
        return f"{sizes}, turned {np.degrees(value['angle']):.0f}°"
    return sizes


def _scaled(u: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return bounds[0] + u * (bounds[1] - bounds[0])


def shape_points(families: np.ndarray, parameters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, MAX_POINTS, 2), zero-padded, and lengths (n,) of family members."""
    n = families.shape[0]
    points = np.zeros((n, MAX_POINTS, 2))
    lengths = np.zeros(n, dtype=np.int64)
    column = parameters.T
    width, height, angle = (column[PARAMETER_COLUMN[name]] for name in ("width", "height", "angle"))
    rows = families == RECTANGLE
    points[rows, :4] = rectangle_points(width[rows], height[rows])
    lengths[rows] = 4
    rows = families == ROTATED_RECTANGLE
    points[rows, :4] = rotated_rectangle_points(width[rows], height[rows], angle[rows])
    lengths[rows] = 4
    for sides in range(SIDES[0], SIDES[1] + 1):
        rows = (families == REGULAR_POLYGON) & (column[PARAMETER_COLUMN["sides"]] == sides)
        points[rows, :sides] = polygon_points(
            sides,
            column[PARAMETER_COLUMN["radius"], rows],
            column[PARAMETER_COLUMN["centre_x"], rows],
            column[PARAMETER_COLUMN["centre_y"], rows],
            column[PARAMETER_COLUMN["rotation"], rows],
        )
        lengths[rows] = sides
    return points, lengths


def rectangle_points(width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """BL, BR, TR, TL (n, 4, 2) of rectangles with BL at the origin."""
    zero = np.zeros_like(width)
    x = np.stack([zero, width, width, zero], axis=1)
    y = np.stack([zero, zero, height, height], axis=1)
    return np.stack([x, y], axis=-1)


def rotated_rectangle_points(
    width: np.ndarray, height: np.ndarray, angle: np.ndarray
) -> np.ndarray:
    """P0..P3 (n, 4, 2): a w x h rectangle turned by angle, touching both axes."""
    along = np.stack([np.cos(angle), np.sin(angle)], axis=-1)  # (n, 2)
    across = np.stack([-np.sin(angle), np.cos(angle)], axis=-1)
    p0 = np.stack([height * np.sin(angle), np.zeros_like(angle)], axis=-1)
    p1 = p0 + width[:, None] * along
    return np.stack([p0, p1, p1 + height[:, None] * across, p0 + height[:, None] * across], 1)


def polygon_points(
    sides: int, radius: np.ndarray, centre_x: np.ndarray, centre_y: np.ndarray, rotation
) -> np.ndarray:
    """The vertices (n, sides, 2) of regular polygons, counter-clockwise from `rotation`."""
    angles = np.asarray(rotation)[:, None] + 2 * math.pi * np.arange(sides) / sides
    x = centre_x[:, None] + radius[:, None] * np.cos(angles)
    y = centre_y[:, None] + radius[:, None] * np.sin(angles)
    return np.stack([x, y], axis=-1)
