"""Which constraint an invalid shape breaks."""

import numpy as np
import pytest

from shapegen.data.families import (
    draw_shapes,
    polygon_points,
    rectangle_points,
    rotated_rectangle_points,
)
from shapegen.evaluation.diagnosis import broken_constraints
from shapegen.evaluation.recognition import INVALID, recognise

from ..example_shapes import OCTAGON, ROTATED, TOLERANCE, TRIANGLE, one, padded


def test_members_break_no_constraint():
    batch = draw_shapes(np.random.default_rng(11), 3000, np.ones(3))
    broken = broken_constraints(batch.points, batch.lengths)
    assert not any(rows.any() for rows in broken.values()), {
        name: int(rows.sum()) for name, rows in broken.items()
    }


SHIFTED_ROTATED = ROTATED + np.array([0.05, 0.0])  # P0 stays on the x axis, h != x0 / sin t


@pytest.mark.parametrize(
    "shape, constraint",
    [
        (polygon_points(5, one(0.2), one(0.5), one(0.5), one(0.4))[0][:4], "count"),
        (rectangle_points(one(1.1), one(0.5))[0], "rectangle: side"),
        (rotated_rectangle_points(one(0.6), one(0.2), one(0.7))[0], "rotated: side"),
        (SHIFTED_ROTATED, "rotated: P0 off its place"),
        (polygon_points(4, one(0.45), one(0.5), one(0.5), one(0.3))[0], "polygon: radius"),
        (np.roll(OCTAGON, -1, axis=0), "polygon: P0 not the first vertex"),
        (TRIANGLE - np.array([0.15, 0.0]), "polygon: centre outside"),
    ],
)
def test_a_near_miss_breaks_the_constraint_it_misses(shape, constraint):
    broken = broken_constraints(*padded(shape))
    assert [name for name, rows in broken.items() if rows[0]] == [
        next(name for name in broken if constraint in name)
    ]
    assert recognise(*padded(shape), TOLERANCE).families[0] == INVALID
