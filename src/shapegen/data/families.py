"""Three families of shapes with closed-form parameters, and a recogniser for each.

A shape is a sequence of 3 to 8 points in the unit square, in drawing order
(counter-clockwise). Each family is a generating process with known parameters, so a
generated sequence can be measured exactly: which family's member is nearest, how far
(RMS distance over its points), and with which parameters.

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
INVALID = -1  # the recognised family of a shape no family fits
# The definition of a member: RMS distance to the family's nearest member. The
# `shapegen` command labels shapes with it; the pipeline reads evaluate.fit_tolerance.
FIT_TOLERANCE = 0.02
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
_COLUMN = {name: index for index, name in enumerate(PARAMETERS)}


@dataclasses.dataclass(frozen=True)
class ShapeBatch:
    """Shapes padded to MAX_POINTS, with their lengths, families and parameters."""

    points: np.ndarray  # (n, MAX_POINTS, 2) float64, zeros after each length
    lengths: np.ndarray  # (n,) int: points in each shape
    families: np.ndarray  # (n,) int: an index into FAMILIES (INVALID: none fits)
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
    parameters[rows, _COLUMN["width"]] = _scaled(u[rows, 0], RECTANGLE_SIDE)
    parameters[rows, _COLUMN["height"]] = _scaled(u[rows, 1], RECTANGLE_SIDE)
    rows = families == ROTATED_RECTANGLE
    parameters[rows, _COLUMN["width"]] = _scaled(u[rows, 0], ROTATED_SIDE)
    parameters[rows, _COLUMN["height"]] = _scaled(u[rows, 1], ROTATED_SIDE)
    parameters[rows, _COLUMN["angle"]] = _scaled(u[rows, 2], ANGLE_RANGE)
    rows = families == REGULAR_POLYGON
    sides = SIDES[0] + np.floor(u[rows, 0] * (SIDES[1] - SIDES[0] + 1))
    radius = _scaled(u[rows, 1], RADIUS)
    parameters[rows, _COLUMN["sides"]] = sides
    parameters[rows, _COLUMN["radius"]] = radius
    parameters[rows, _COLUMN["centre_x"]] = radius + u[rows, 2] * (1 - 2 * radius)
    parameters[rows, _COLUMN["centre_y"]] = radius + u[rows, 3] * (1 - 2 * radius)
    parameters[rows, _COLUMN["rotation"]] = u[rows, 4] * 2 * math.pi / sides
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


# Short names of the parameters in figure labels.
_LABELS = {
    "width": "w",
    "height": "h",
    "angle": "t",
    "sides": "n",
    "radius": "r",
    "centre_x": "cx",
    "centre_y": "cy",
    "rotation": "p",
}


_UNITS = {"angle": " rad"}  # the others are lengths in the unit square, or a count


def parameter_label(family: int, parameters: np.ndarray) -> str:
    """One shape's parameters in a few characters: `w=0.31 h=0.22 t=0.61 rad`, `n=5 r=0.23`."""
    names = FAMILY_PARAMETERS[FAMILIES[family]]
    shown = [name for name in names if name not in ("centre_x", "centre_y", "rotation")]
    values = {name: parameters[PARAMETERS.index(name)] for name in shown}
    return " ".join(
        f"{_LABELS[name]}={value:.0f}"
        if name == "sides"
        else f"{_LABELS[name]}={value:.2f}{_UNITS.get(name, '')}"
        for name, value in values.items()
    )


def recognition_labels(recognition: "Recognition") -> list[str]:
    """What the recogniser made of each shape, in two lines, the family as FAMILIES names
    it and its parameters (`rotated_rectangle` / `w=0.31 h=0.22 t=0.61 rad`), or in one:
    `invalid (fit 0.034)`."""
    return [
        f"invalid (fit {error:.3f})"
        if family == INVALID
        else f"{FAMILIES[family]}\n{parameter_label(family, parameters)}"
        for family, error, parameters in zip(
            recognition.families, recognition.fit_errors, recognition.parameters, strict=True
        )
    ]


def _scaled(u: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return bounds[0] + u * (bounds[1] - bounds[0])


def shape_points(families: np.ndarray, parameters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, MAX_POINTS, 2), zero-padded, and lengths (n,) of family members."""
    n = families.shape[0]
    points = np.zeros((n, MAX_POINTS, 2))
    lengths = np.zeros(n, dtype=np.int64)
    column = parameters.T
    width, height, angle = (column[_COLUMN[name]] for name in ("width", "height", "angle"))
    rows = families == RECTANGLE
    points[rows, :4] = rectangle_points(width[rows], height[rows])
    lengths[rows] = 4
    rows = families == ROTATED_RECTANGLE
    points[rows, :4] = rotated_rectangle_points(width[rows], height[rows], angle[rows])
    lengths[rows] = 4
    for sides in range(SIDES[0], SIDES[1] + 1):
        rows = (families == REGULAR_POLYGON) & (column[_COLUMN["sides"]] == sides)
        points[rows, :sides] = polygon_points(
            sides,
            column[_COLUMN["radius"], rows],
            column[_COLUMN["centre_x"], rows],
            column[_COLUMN["centre_y"], rows],
            column[_COLUMN["rotation"], rows],
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


# --- recognition: the nearest member of each family ---------------------------------


def _rms(points: np.ndarray, fitted: np.ndarray) -> np.ndarray:
    return np.sqrt(np.mean(np.sum((points - fitted) ** 2, axis=-1), axis=-1))


def fit_rectangle(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest rectangle to 4-point shapes (n, 4, 2): ((width, height) (n, 2), RMS error)."""
    width = np.clip((points[:, 1, 0] + points[:, 2, 0]) / 2, *RECTANGLE_SIDE)
    height = np.clip((points[:, 2, 1] + points[:, 3, 1]) / 2, *RECTANGLE_SIDE)
    return np.stack([width, height], 1), _rms(points, rectangle_points(width, height))


def _rotated_sides(points: np.ndarray, angle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares (w, h) for a fixed angle: every point is linear in them.

    P0 = h (s, 0), P1 = w (c, s) + h (s, 0), P2 = w (c, s) + h (0, c), P3 = h (0, c).
    """
    c, s = np.cos(angle), np.sin(angle)
    zero = np.zeros_like(c)
    a_w = np.stack([zero, zero, c, s, c, s, zero, zero], axis=1)
    a_h = np.stack([s, zero, s, zero, zero, c, zero, c], axis=1)
    y = points.reshape(-1, 8)
    ww, wh, hh = (a_w * a_w).sum(1), (a_w * a_h).sum(1), (a_h * a_h).sum(1)
    yw, yh = (a_w * y).sum(1), (a_h * y).sum(1)
    determinant = ww * hh - wh**2  # > 0: the columns are never parallel
    width = (hh * yw - wh * yh) / determinant
    height = (ww * yh - wh * yw) / determinant
    return np.clip(width, *ROTATED_SIDE), np.clip(height, *ROTATED_SIDE)


def _rotated_error(points: np.ndarray, angle: np.ndarray) -> np.ndarray:
    width, height = _rotated_sides(points, angle)
    return _rms(points, rotated_rectangle_points(width, height, angle))


# Golden-section steps of the rotated fit: the bracket shrinks from 0.6 rad to
# 0.6 x 0.618^44, about 4e-10 rad: a member's fit error stays below 1e-9.
GOLDEN_STEPS = 44


def fit_rotated_rectangle(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest rotated rectangle to 4-point shapes (n, 4, 2): ((w, h, angle), RMS error).

    The angle starts from the mean direction of the four sides (each turned back by its
    multiple of 90 degrees), then a golden-section search refines it, the sides solved in
    closed form at every angle; each step reuses one of the two errors it compared, so
    it costs one fit.
    """
    edges = np.roll(points, -1, axis=1) - points  # P0->P1, P1->P2, P2->P3, P3->P0
    turned = edges[:, 0] + _quarter_turn(edges[:, 1]) - edges[:, 2] - _quarter_turn(edges[:, 3])
    guess = np.arctan2(turned[:, 1], turned[:, 0])
    low = np.clip(guess - 0.3, *ANGLE_RANGE)
    high = np.clip(guess + 0.3, *ANGLE_RANGE)
    inverse_golden = (math.sqrt(5) - 1) / 2
    left = high - inverse_golden * (high - low)
    right = low + inverse_golden * (high - low)
    left_error, right_error = _rotated_error(points, left), _rotated_error(points, right)
    for _ in range(GOLDEN_STEPS):
        better_left = left_error < right_error
        # Keep [low, right] (its inner point `left` becomes the new right) or [left, high].
        high = np.where(better_left, right, high)
        low = np.where(better_left, low, left)
        kept, kept_error = (
            np.where(better_left, left, right),
            np.where(better_left, left_error, right_error),
        )
        new = np.where(
            better_left,
            high - inverse_golden * (high - low),
            low + inverse_golden * (high - low),
        )
        new_error = _rotated_error(points, new)
        left = np.where(better_left, new, kept)
        right = np.where(better_left, kept, new)
        left_error = np.where(better_left, new_error, kept_error)
        right_error = np.where(better_left, kept_error, new_error)
    angle = (low + high) / 2
    width, height = _rotated_sides(points, angle)
    return np.stack([width, height, angle], 1), _rotated_error(points, angle)


def _quarter_turn(vectors: np.ndarray) -> np.ndarray:
    """Each vector (n, 2) turned clockwise by 90 degrees: undoes one corner's left turn."""
    return np.stack([vectors[:, 1], -vectors[:, 0]], axis=-1)


def fit_regular_polygon(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest regular polygon to k-point shapes (n, k, 2), k = its sides.

    Returns ((sides, radius, centre_x, centre_y, rotation) (n, 5), RMS error). Each
    vertex is centre + R(2 pi j / k) z with z = r (cos p, sin p): linear in the centre
    and z, and the rotations sum to zero, so the centre is the mean vertex and z the mean
    of the vertices turned back (a discrete Fourier coefficient). Each parameter is then
    kept inside its family's range.
    """
    sides = points.shape[1]
    angles = 2 * math.pi * np.arange(sides) / sides
    centre = points.mean(axis=1)
    relative = points - centre[:, None]
    z_x = np.mean(np.cos(angles) * relative[..., 0] + np.sin(angles) * relative[..., 1], 1)
    z_y = np.mean(-np.sin(angles) * relative[..., 0] + np.cos(angles) * relative[..., 1], 1)
    radius = np.clip(np.hypot(z_x, z_y), *RADIUS)
    period = 2 * math.pi / sides
    rotation = np.mod(np.arctan2(z_y, z_x), 2 * math.pi)
    # Past the range's end, the nearer end round the circle (6.2 is nearer 0 than 2.1).
    nearer_end = np.where(rotation < math.pi + period / 2, period, 0.0)
    rotation = np.where(rotation < period, rotation, nearer_end)
    centre = np.clip(centre, radius[:, None], 1 - radius[:, None])
    fitted = polygon_points(sides, radius, centre[:, 0], centre[:, 1], rotation)
    table = np.stack([np.full_like(radius, sides), radius, *centre.T, rotation], axis=1)
    return table, _rms(points, fitted)


@dataclasses.dataclass(frozen=True)
class Recognition:
    """What each shape is: its nearest family (INVALID past the tolerance), the fit error
    to the nearest member of that family, and that member's parameters (PARAMETERS)."""

    families: np.ndarray  # (n,) int
    fit_errors: np.ndarray  # (n,)
    parameters: np.ndarray  # (n, len(PARAMETERS)), NaN where not the family's
    # (n, len(FAMILIES)): the fit error to each family's nearest member (inf where a
    # shape's length rules the family out): a shape may be a member of more than one.
    family_errors: np.ndarray


# Shapes fitted together by the rotated fit's search: its temporaries stay in the CPU's
# caches (50,000 shapes fit 1.5 times faster in blocks than in one).
FIT_BLOCK_ROWS = 4096


def _in_blocks(fit, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """fit(points) -> (table, errors), run on blocks of FIT_BLOCK_ROWS rows."""
    if len(points) <= FIT_BLOCK_ROWS:
        return fit(points)
    blocks = [
        fit(points[start : start + FIT_BLOCK_ROWS])
        for start in range(0, len(points), FIT_BLOCK_ROWS)
    ]
    return np.concatenate([table for table, _ in blocks]), np.concatenate([e for _, e in blocks])


def recognise(points: np.ndarray, lengths: np.ndarray, tolerance: float) -> Recognition:
    """The family of each padded shape (points (n, MAX_POINTS, 2), lengths (n,)).

    A 4-point shape is a rectangle if it fits one within the tolerance (checked first:
    the chapter's family); otherwise it is the family whose nearest member is nearest,
    if within the tolerance, else INVALID. Other lengths can only be regular polygons.
    """
    n = points.shape[0]
    errors = np.full((n, len(FAMILIES)), np.inf)
    tables = np.full((len(FAMILIES), n, len(PARAMETERS)), np.nan)

    def record(family: int, rows: np.ndarray, fit) -> None:
        table, error = fit
        errors[rows, family] = error
        columns = [_COLUMN[name] for name in FAMILY_PARAMETERS[FAMILIES[family]]]
        tables[family][np.ix_(np.flatnonzero(rows), columns)] = table

    four = lengths == 4
    record(RECTANGLE, four, fit_rectangle(points[four, :4]))
    record(ROTATED_RECTANGLE, four, _in_blocks(fit_rotated_rectangle, points[four, :4]))
    for sides in range(SIDES[0], SIDES[1] + 1):
        rows = lengths == sides
        record(REGULAR_POLYGON, rows, fit_regular_polygon(points[rows, :sides]))
    nearest_other = RECTANGLE + 1 + np.argmin(errors[:, RECTANGLE + 1 :], axis=1)
    chosen = np.where(errors[:, RECTANGLE] <= tolerance, RECTANGLE, nearest_other)
    rows = np.arange(n)
    fit_errors = errors[rows, chosen]
    valid = fit_errors <= tolerance
    parameters = np.where(valid[:, None], tables[chosen, rows], np.nan)
    return Recognition(np.where(valid, chosen, INVALID), fit_errors, parameters, errors)


# --- diagnosis: which constraint an invalid shape breaks -----------------------------

# How far past a range's end a recovered parameter may lie and still count as inside:
# the recogniser's fits clip to the range, so a small overshoot is only a small error.
_MARGIN = 0.005


def _outside(values: np.ndarray, bounds: tuple[float, float], margin: float = _MARGIN):
    return (values < bounds[0] - margin) | (values > bounds[1] + margin)


def broken_constraints(points: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
    """Which constraint of its family each shape (n, MAX_POINTS, 2) breaks: name -> (n,).

    A shape is read as the family it aims at: a rectangle (P0 at the origin, heading
    east), a rotated rectangle (four points, P0 on the x axis), else a regular polygon of
    as many sides as it has points, placed by P0 and its first side. A shape may break
    several constraints; a member breaks none. For benchmarks/shape_failures.py.
    """
    turn = 2 * math.pi
    edges = np.diff(points, axis=1)
    sides = np.hypot(edges[..., 0], edges[..., 1])
    directions = np.arctan2(edges[..., 1], edges[..., 0])  # in (-pi, pi]
    p0 = points[:, 0]
    heading = np.mod(directions[:, 0], turn)
    first_side, second_side = sides[:, 0], sides[:, 1]
    with np.errstate(divide="ignore"):
        implied_sides = np.round(turn / np.mod(directions[:, 1] - directions[:, 0], turn))
    count_off = implied_sides != lengths
    four = lengths == 4
    east = np.minimum(heading, turn - heading) < 0.02  # heading 0, from either side
    rectangle = four & (np.hypot(*p0.T) < 2 * _MARGIN) & east
    rotated = four & ~rectangle & (np.abs(p0[:, 1]) < _MARGIN)
    polygon = ~rectangle & ~rotated
    with np.errstate(divide="ignore", invalid="ignore"):
        implied_height = p0[:, 0] / np.sin(heading)
    n = np.maximum(lengths, 3)
    radius = first_side / (2 * np.sin(math.pi / n))
    rotation = np.mod(heading - math.pi / 2 - math.pi / n, turn)
    # Radians past either end of [0, 2 pi / n], round the circle.
    past_range = np.minimum(np.maximum(rotation - turn / n, 0), turn - rotation)
    centre = p0 - radius[:, None] * np.stack([np.cos(rotation), np.sin(rotation)], axis=1)
    centre_out = (centre < radius[:, None] - _MARGIN) | (centre > 1 - radius[:, None] + _MARGIN)
    drawn = np.arange(sides.shape[1])[None, :] < (lengths - 1)[:, None]
    side_spread = np.where(drawn, np.abs(sides - first_side[:, None]), 0).max(axis=1)
    return {
        "ends off its first turn's count": count_off,
        "rectangle: side outside [0, 1]": rectangle
        & (_outside(first_side, RECTANGLE_SIDE) | _outside(second_side, RECTANGLE_SIDE)),
        "rotated: angle outside [0, pi/2]": rotated & _outside(directions[:, 0], ANGLE_RANGE, 0.01),
        "rotated: side outside [0.1, 0.5]": rotated
        & (_outside(first_side, ROTATED_SIDE) | _outside(second_side, ROTATED_SIDE)),
        "rotated: P0 off its place (h != x0 / sin t)": rotated
        & ~(np.abs(second_side - implied_height) <= 2 * _MARGIN),
        "polygon: radius outside [0.1, 0.4]": polygon & _outside(radius, RADIUS),
        "polygon: P0 not the first vertex (rotation)": polygon
        & (past_range > 0.02 / np.maximum(radius, 0.01)),
        "polygon: centre outside [r, 1 - r]": polygon & centre_out.any(axis=1),
        "polygon: unequal sides": polygon & ~count_off & (side_spread > 0.02),
    }
