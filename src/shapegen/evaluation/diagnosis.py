"""Why a drawn shape is invalid: which constraint of the family it aims at it breaks
(benchmarks/shape_failures.py tallies them)."""

import math

import numpy as np

from shapegen.data.families import ANGLE_RANGE, RADIUS, RECTANGLE_SIDE, ROTATED_SIDE

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
