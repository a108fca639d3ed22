"""Which family a drawn shape is: each family's nearest member, fitted in closed form, and
the recogniser that picks the nearest family within a tolerance (INVALID past it).

A shape counts as a member of a family when its RMS distance to the family's nearest
member (shapegen.data.families defines the members) is within the tolerance: the
evaluate stage's `fit_tolerance`, FIT_TOLERANCE for the `shapegen` command.
"""

import dataclasses
import math

import numpy as np

from shapegen.data.families import (
    ANGLE_RANGE,
    FAMILIES,
    FAMILY_PARAMETERS,
    PARAMETER_COLUMN,
    PARAMETERS,
    RADIUS,
    RECTANGLE,
    RECTANGLE_SIDE,
    REGULAR_POLYGON,
    ROTATED_RECTANGLE,
    ROTATED_SIDE,
    SIDES,
    parameter_label,
    polygon_points,
    rectangle_points,
    rotated_rectangle_points,
)

INVALID = -1  # the recognised family of a shape no family fits
# The definition of a member: RMS distance to the family's nearest member. The
# `shapegen` command labels shapes with it; the pipeline reads evaluate.fit_tolerance.
FIT_TOLERANCE = 0.02
# Golden-section steps of the rotated fit: the bracket shrinks from 0.6 rad to
# 0.6 x 0.618^44, about 4e-10 rad: a member's fit error stays below 1e-9.
GOLDEN_STEPS = 44


def recognition_labels(recognition: "Recognition") -> list[str]:
    """What the recogniser made of each shape, in two lines, the family as FAMILIES names
    it and its parameters (`rotated_rectangle` / `w=0.31 h=0.22, turned 35°`), or in one:
    `invalid (fit 0.034)`, or where no family has its number of points,
    `invalid (wrong number of points)`."""
    return [
        (f"invalid (fit {error:.3f})" if np.isfinite(error) else "invalid (wrong number of points)")
        if family == INVALID
        else f"{FAMILIES[family]}\n{parameter_label(family, parameters)}"
        for family, error, parameters in zip(
            recognition.families, recognition.fit_errors, recognition.parameters, strict=True
        )
    ]


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
        columns = [PARAMETER_COLUMN[name] for name in FAMILY_PARAMETERS[FAMILIES[family]]]
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
