"""Hand-made members of each family, and padding, for the families' and recogniser's tests."""

import numpy as np

from shapegen.data.families import (
    MAX_POINTS,
    polygon_points,
    rectangle_points,
    rotated_rectangle_points,
)

TOLERANCE = 0.02


def padded(*shapes) -> tuple[np.ndarray, np.ndarray]:
    points = np.zeros((len(shapes), MAX_POINTS, 2))
    for row, shape in enumerate(shapes):
        points[row, : len(shape)] = shape
    return points, np.array([len(shape) for shape in shapes])


def one(values) -> np.ndarray:
    return np.array([values], dtype=np.float64)


RECTANGLE_03_06 = rectangle_points(one(0.3), one(0.6))[0]
ROTATED = rotated_rectangle_points(one(0.4), one(0.2), one(0.7))[0]
SQUARE = polygon_points(4, one(0.25), one(0.5), one(0.4), one(0.3))[0]
TRIANGLE = polygon_points(3, one(0.3), one(0.4), one(0.5), one(1.0))[0]
OCTAGON = polygon_points(8, one(0.1), one(0.8), one(0.2), one(0.5))[0]
