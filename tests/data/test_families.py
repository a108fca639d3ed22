import math
import types

import numpy as np
import pytest

from shapegen.data.families import (
    FAMILIES,
    INVALID,
    MAX_POINTS,
    PARAMETERS,
    RECTANGLE,
    REGULAR_POLYGON,
    ROTATED_RECTANGLE,
    broken_constraints,
    draw_shapes,
    family_weight_array,
    parameter_label,
    parameter_problems,
    polygon_points,
    recognise,
    rectangle_points,
    rotated_rectangle_points,
    unpadded,
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


def parameters_of(recognition, row: int) -> dict[str, float]:
    values = recognition.parameters[row]
    return {
        name: value for name, value in zip(PARAMETERS, values, strict=True) if not np.isnan(value)
    }


def test_hand_made_members_are_recognised_with_their_parameters():
    recognition = recognise(*padded(RECTANGLE_03_06, ROTATED, SQUARE, TRIANGLE, OCTAGON), TOLERANCE)
    assert recognition.families.tolist() == [
        RECTANGLE,
        ROTATED_RECTANGLE,
        REGULAR_POLYGON,
        REGULAR_POLYGON,
        REGULAR_POLYGON,
    ]
    np.testing.assert_allclose(recognition.fit_errors, 0.0, atol=1e-9)
    expected = [
        {"width": 0.3, "height": 0.6},
        {"width": 0.4, "height": 0.2, "angle": 0.7},
        {"sides": 4, "radius": 0.25, "centre_x": 0.5, "centre_y": 0.4, "rotation": 0.3},
        {"sides": 3, "radius": 0.3, "centre_x": 0.4, "centre_y": 0.5, "rotation": 1.0},
        {"sides": 8, "radius": 0.1, "centre_x": 0.8, "centre_y": 0.2, "rotation": 0.5},
    ]
    for row, values in enumerate(expected):
        found = parameters_of(recognition, row)
        assert found.keys() == values.keys()
        np.testing.assert_allclose(list(found.values()), list(values.values()), atol=1e-8)


def skewed(points, corner, shift):
    points = points.copy()
    points[corner] += shift
    return points


NEAR_MISSES = {
    # Each is a shape one step from a member; none is within the tolerance of any family.
    "rectangle with TR pulled out": skewed(RECTANGLE_03_06, 2, [0.08, 0.05]),
    "rotated rectangle sheared into a parallelogram": skewed(
        skewed(ROTATED, 2, [0.08, 0.0]), 3, [0.08, 0.0]
    ),
    "square with one vertex pushed out": skewed(SQUARE, 1, [0.1, 0.1]),
    "triangle drawn clockwise": TRIANGLE[::-1],
    "octagon started at its third vertex": np.roll(OCTAGON, -2, axis=0),
    "pentagon with unequal angles": polygon_points(5, one(0.3), one(0.5), one(0.5), one(0.2))[0]
    + np.array([[0, 0], [0.06, 0], [0, 0], [0, 0], [0, 0]]),
    "two points": np.array([[0.0, 0.0], [0.5, 0.0]]),
}


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_near_misses_fit_no_family(name):
    recognition = recognise(*padded(NEAR_MISSES[name]), TOLERANCE)
    assert recognition.families.tolist() == [INVALID]
    assert recognition.fit_errors[0] > TOLERANCE
    assert np.all(np.isnan(recognition.parameters))


def test_small_noise_keeps_the_family_and_measures_its_size():
    rng = np.random.default_rng(0)
    shapes = [RECTANGLE_03_06, ROTATED, SQUARE, TRIANGLE, OCTAGON]
    noisy = [shape + rng.normal(0, 0.003, shape.shape) for shape in shapes]
    recognition = recognise(*padded(*noisy), TOLERANCE)
    assert recognition.families.tolist() == [0, 1, 2, 2, 2]
    assert np.all((recognition.fit_errors > 0.0005) & (recognition.fit_errors < 0.006))


def test_a_slightly_turned_rectangle_at_the_origin_is_a_rectangle_first():
    turned = rotated_rectangle_points(one(0.3), one(0.3), one(0.01))[0]
    recognition = recognise(*padded(turned), TOLERANCE)
    assert recognition.families.tolist() == [RECTANGLE]
    assert 0 < recognition.fit_errors[0] < 0.005


def test_drawn_shapes_are_their_families_and_recognised_as_drawn():
    batch = draw_shapes(np.random.default_rng(4), 6000, np.ones(3))
    shares = np.bincount(batch.families, minlength=3) / len(batch)
    np.testing.assert_allclose(shares, 1 / 3, atol=0.03)
    assert batch.points.min() >= 0 and batch.points.max() <= 1
    assert parameter_problems(batch.families, batch.parameters) == [""] * len(batch)
    lengths = {FAMILIES[f]: set(batch.lengths[batch.families == f]) for f in range(3)}
    assert lengths == {
        "rectangle": {4},
        "rotated_rectangle": {4},
        "regular_polygon": set(range(3, 9)),
    }
    beyond = np.arange(MAX_POINTS)[None, :] >= batch.lengths[:, None]
    assert np.all(batch.points[beyond] == 0)  # zero-padded
    recognition = recognise(batch.points, batch.lengths, TOLERANCE)
    same = recognition.families == batch.families
    # Only rotated rectangles turned by a small angle are taken for (axis-aligned) rectangles.
    assert set(batch.families[~same]) <= {ROTATED_RECTANGLE}
    assert set(recognition.families[~same]) <= {RECTANGLE}
    assert np.all(batch.parameters[~same, PARAMETERS.index("angle")] < 0.2)
    np.testing.assert_allclose(recognition.parameters[same], batch.parameters[same], atol=1e-8)
    assert recognition.fit_errors[same].max() < 1e-9


def test_the_first_shapes_do_not_depend_on_how_many_are_drawn():
    few = draw_shapes(np.random.default_rng(1), 10, np.ones(3))
    many = draw_shapes(np.random.default_rng(1), 1000, np.ones(3))
    np.testing.assert_array_equal(few.points, many.points[:10])
    np.testing.assert_array_equal(few.families, many.families[:10])


def test_weights_choose_the_families():
    only_polygons = draw_shapes(np.random.default_rng(2), 500, np.array([0.0, 0.0, 2.0]))
    assert set(only_polygons.families) == {REGULAR_POLYGON}
    sides = only_polygons.parameters[:, PARAMETERS.index("sides")]
    assert set(sides) == {3.0, 4.0, 5.0, 6.0, 7.0, 8.0}


def test_parameter_problems_name_the_first_problem():
    batch = draw_shapes(np.random.default_rng(3), 30, np.ones(3))
    parameters = batch.parameters.copy()
    rectangle = int(np.argmax(batch.families == RECTANGLE))
    polygon = int(np.argmax(batch.families == REGULAR_POLYGON))
    parameters[rectangle, PARAMETERS.index("width")] = 1.5
    parameters[polygon, PARAMETERS.index("rotation")] = 2 * math.pi
    parameters[polygon, PARAMETERS.index("angle")] = 0.1
    problems = parameter_problems(batch.families, parameters)
    assert problems[rectangle] == "width outside [0, 1]"
    assert problems[polygon] == "a value for angle (expected NaN)"
    assert sum(bool(problem) for problem in problems) == 2


def test_a_parameter_label_is_short():
    recognition = recognise(*padded(ROTATED, TRIANGLE), TOLERANCE)
    found = zip(recognition.families, recognition.parameters, strict=True)
    labels = [parameter_label(family, parameters) for family, parameters in found]
    assert labels == ["w=0.40 h=0.20 t=0.70 rad", "n=3 r=0.30"]


def test_weights_follow_the_families_order_and_shapes_lose_their_padding():
    weights = family_weight_array(
        types.SimpleNamespace(regular_polygon=3.0, rectangle=1.0, rotated_rectangle=2.0)
    )
    np.testing.assert_array_equal(weights, [1.0, 2.0, 3.0])
    batch = draw_shapes(np.random.default_rng(2), 50, weights)
    shapes = unpadded(batch.points, batch.lengths)
    assert [len(shape) for shape in shapes] == list(batch.lengths)
    np.testing.assert_array_equal(shapes[0], batch.points[0, : batch.lengths[0]])


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


def test_importance_weights_turn_one_splits_shares_into_anothers():
    from shapegen.data.families import importance_weights

    drawn_with = np.array([1.0, 1.0, 3.0])
    batch = draw_shapes(np.random.default_rng(2), 30000, drawn_with)
    weights = importance_weights(batch.families, np.ones(3), drawn_with)
    np.testing.assert_allclose(np.unique(weights), [5 / 9, 5 / 3])
    weighted_shares = np.bincount(batch.families, weights=weights, minlength=3) / len(weights)
    np.testing.assert_allclose(weighted_shares, [1 / 3, 1 / 3, 1 / 3], atol=0.02)
