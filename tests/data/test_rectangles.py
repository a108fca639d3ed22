import numpy as np
import pytest

from shapegen.data.rectangles import (
    frame_samples,
    nearest_rectangle_sizes,
    random_rectangles,
    rectangle_errors,
    rectangles_from_sizes,
)


def test_frame_samples_gives_the_chapters_three_pairs():
    rectangle = rectangles_from_sizes(np.array([0.25]), np.array([0.75]))
    inputs, targets = frame_samples(rectangle)
    assert inputs.shape == (1, 3, 1, 2)
    assert targets.shape == (1, 3, 2)
    # [BL]->[BR], [BR]->[TR], [TR]->[TL], exactly as the chapter's get_samples().
    np.testing.assert_array_equal(inputs[0, :, 0, :], [[0, 0], [0.25, 0], [0.25, 0.75]])
    np.testing.assert_array_equal(targets[0], [[0.25, 0], [0.25, 0.75], [0, 0.75]])


def test_random_rectangles_are_prefix_stable_and_in_the_unit_square():
    first = random_rectangles(np.random.default_rng(3), 10)
    longer = random_rectangles(np.random.default_rng(3), 1000)
    np.testing.assert_array_equal(first, longer[:10])
    assert longer.min() >= 0 and longer.max() < 1


def test_nearest_rectangle_of_a_true_rectangle_is_itself():
    rectangles = random_rectangles(np.random.default_rng(0), 100)
    widths, heights = nearest_rectangle_sizes(rectangles)
    np.testing.assert_array_equal(widths, rectangles[:, 1, 0])
    np.testing.assert_array_equal(heights, rectangles[:, 3, 1])
    np.testing.assert_array_equal(rectangle_errors(rectangles), np.zeros(100))


def test_rectangle_error_is_the_rms_corner_distance():
    # TL is off by 0.1 in x: the nearest rectangle is unchanged, one corner of 4 is off.
    shape = rectangles_from_sizes(np.array([0.5]), np.array([0.5])).copy()
    shape[0, 3, 0] = 0.1
    assert rectangle_errors(shape)[0] == pytest.approx(np.sqrt(0.1**2 / 4), rel=1e-6)
