import math
import types

import numpy as np

from shapegen.data.families import (
    PARAMETERS,
    RECTANGLE,
    REGULAR_POLYGON,
    draw_shapes,
    family_weight_array,
    parameter_label,
    parameter_problems,
    unpadded,
)
from shapegen.evaluation.recognition import recognise

from ..example_shapes import (
    ROTATED,
    TOLERANCE,
    TRIANGLE,
    padded,
)


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
    assert labels == ["w=0.40 h=0.20, turned 40°", "3 sides, r=0.30"]


def test_weights_follow_the_families_order_and_shapes_lose_their_padding():
    weights = family_weight_array(
        types.SimpleNamespace(regular_polygon=3.0, rectangle=1.0, rotated_rectangle=2.0)
    )
    np.testing.assert_array_equal(weights, [1.0, 2.0, 3.0])
    batch = draw_shapes(np.random.default_rng(2), 50, weights)
    shapes = unpadded(batch.points, batch.lengths)
    assert [len(shape) for shape in shapes] == list(batch.lengths)
    np.testing.assert_array_equal(shapes[0], batch.points[0, : batch.lengths[0]])


def test_importance_weights_turn_one_splits_shares_into_anothers():
    from shapegen.data.families import importance_weights

    drawn_with = np.array([1.0, 1.0, 3.0])
    batch = draw_shapes(np.random.default_rng(2), 30000, drawn_with)
    weights = importance_weights(batch.families, np.ones(3), drawn_with)
    np.testing.assert_allclose(np.unique(weights), [5 / 9, 5 / 3])
    weighted_shares = np.bincount(batch.families, weights=weights, minlength=3) / len(weights)
    np.testing.assert_allclose(weighted_shares, [1 / 3, 1 / 3, 1 / 3], atol=0.02)
