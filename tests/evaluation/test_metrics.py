import numpy as np
import pytest

from shapegen.data.families import (
    FAMILIES,
    MAX_POINTS,
    RECTANGLE,
    REGULAR_POLYGON,
    draw_shapes,
    rotated_rectangle_points,
    shape_points,
)
from shapegen.data.rectangles import frame_samples, random_rectangles, rectangles_from_sizes
from shapegen.evaluation.metrics import (
    conditional_accuracy,
    conditional_accuracy_by_family,
    family_metrics,
    heldout_mae_floor,
    mae_by_step,
    shape_metrics,
    uniform_bin_ratios,
    wasserstein_1,
    wasserstein_1_to_uniform,
)
from shapegen.evaluation.recognition import recognise


def test_perfect_rectangles_have_zero_error_and_no_invalid_shapes():
    rectangles = random_rectangles(np.random.default_rng(1), 500)
    metrics = shape_metrics(rectangles, rectangles, n_bins=20)
    assert metrics["rect_error_mean"] == 0
    assert metrics["rect_error_p95"] == 0
    assert metrics["rect_error_p99"] == 0 and metrics["rect_error_max"] == 0
    assert metrics["width_w1"] == 0 and metrics["height_w1"] == 0
    assert metrics["invalid_fraction"] == 0


def test_a_constant_half_square_sits_a_quarter_from_uniform_sizes():
    reference = random_rectangles(np.random.default_rng(2), 20000)
    squares = rectangles_from_sizes(np.full(1000, 0.5), np.full(1000, 0.5))
    metrics = shape_metrics(squares, reference, n_bins=20)
    assert metrics["width_w1"] == pytest.approx(0.25, abs=0.01)
    assert metrics["height_w1"] == pytest.approx(0.25, abs=0.01)
    assert metrics["width_std"] == 0


def test_bin_ratios_of_hand_made_values():
    # 4 bins of [0, 1], 8 values: 2 expected per bin.
    values = np.array([0.1, 0.2, 0.3, 0.6, 0.6, 0.7, 0.8, 1.0])
    np.testing.assert_allclose(uniform_bin_ratios(values, 4), [1.0, 0.5, 1.5, 1.0])
    # Outside [0, 1]: in no bin, so the ratios fall (the shares still count all values).
    np.testing.assert_allclose(uniform_bin_ratios(np.array([0.1, 0.9, 1.5, -0.2]), 2), [0.5, 0.5])
    # An even grid fills every bin exactly.
    grid = (np.arange(1000) + 0.5) / 1000
    np.testing.assert_allclose(uniform_bin_ratios(grid, 20), 1.0)


def test_a_depleted_edge_shows_in_the_bin_ratios_not_in_w1():
    # Widths whose last 5% of the range holds 70% of its share: the symptom.
    rng = np.random.default_rng(3)
    widths = rng.random(100000)
    edge = widths > 0.95
    widths[edge & (rng.random(widths.size) < 0.3)] = rng.random() * 0.95
    ratios = uniform_bin_ratios(widths, 20)
    assert ratios[-1] == pytest.approx(0.7, abs=0.03)
    shapes = rectangles_from_sizes(widths, rng.random(widths.size))
    metrics = shape_metrics(shapes, random_rectangles(rng, 5000), n_bins=20)
    assert metrics["width_bin_ratio_min"] == pytest.approx(0.7, abs=0.03)
    assert metrics["width_w1"] < 0.02
    assert 0.9 < metrics["height_bin_ratio_min"] <= metrics["height_bin_ratio_max"] < 1.1


def test_wasserstein_1_of_a_shift_is_the_shift():
    samples = np.random.default_rng(0).random(300)
    assert wasserstein_1(samples + 0.3, samples) == pytest.approx(0.3)
    assert wasserstein_1(samples, samples) == 0


def test_invalid_shapes_are_counted():
    shapes = rectangles_from_sizes(np.array([0.5, -0.1, 0.5, 1.2]), np.array([0.5, 0.5, 0, 0.5]))
    assert shape_metrics(shapes, shapes, n_bins=20)["invalid_fraction"] == 0.75


def test_the_mae_floor_is_reached_by_the_median_predictor():
    rectangles = random_rectangles(np.random.default_rng(4), 200000)
    _, targets = frame_samples(rectangles)
    # The best predictor under MAE: the median 1/2 for each unknown size, the truth otherwise.
    best = targets.copy()
    best[:, 0, 0] = 0.5
    best[:, 1, 1] = 0.5
    assert heldout_mae_floor() == pytest.approx(1 / 12)
    assert mae_by_step(best, targets).mean() == pytest.approx(1 / 12, abs=1e-3)
    np.testing.assert_allclose(mae_by_step(best, targets), [0.125, 0.125, 0], atol=1e-3)


def test_wasserstein_1_to_uniform_is_exact():
    assert wasserstein_1_to_uniform(np.array([0.5])) == pytest.approx(0.25)
    assert wasserstein_1_to_uniform(np.array([0.25, 0.75])) == pytest.approx(0.125)
    grid = (np.arange(1000) + 0.5) / 1000
    assert wasserstein_1_to_uniform(grid) == pytest.approx(1 / 4000)
    samples = np.random.default_rng(0).random(2000)
    fine = (np.arange(200000) + 0.5) / 200000
    assert wasserstein_1_to_uniform(samples) == pytest.approx(
        wasserstein_1(samples, fine), abs=1e-5
    )


def recognised(batch):
    return recognise(batch.points, batch.lengths, tolerance=0.02)


def test_family_metrics_of_the_reference_against_itself_are_zero():
    reference = recognised(draw_shapes(np.random.default_rng(0), 3000, np.ones(3)))
    metrics = family_metrics(reference, reference)
    assert metrics["invalid_fraction"] == 0 and metrics["family_tv"] == 0
    assert metrics["sides_tv"] == 0
    assert sum(metrics["family_share"].values()) == pytest.approx(1.0)
    assert all(value == 0 for family in metrics["w1"].values() for value in family.values())
    assert set(metrics["w1"]["regular_polygon"]) == {"radius", "centre_x", "centre_y", "rotation"}
    assert set(metrics["w1"]["rotated_rectangle"]) == {"width", "height", "angle"}
    # Rotated rectangles turned by a small angle count as rectangles, within the tolerance.
    assert metrics["fit_error_p95"]["rectangle"] <= 0.02
    assert metrics["fit_error_p95"]["rotated_rectangle"] < 1e-9
    assert metrics["fit_error_p95"]["regular_polygon"] < 1e-9


def test_family_metrics_see_invalid_shapes_shifted_sizes_and_missing_sides():
    batch = draw_shapes(np.random.default_rng(1), 3000, np.ones(3))
    reference = recognised(batch)
    points = batch.points.copy()
    polygons = batch.families == REGULAR_POLYGON
    for row in np.flatnonzero(polygons):  # drawn the wrong way round: no family
        length = batch.lengths[row]
        points[row, :length] = points[row, :length][::-1]
    rectangles = batch.families == RECTANGLE
    wider = np.clip(batch.parameters[rectangles, 0] + 0.1, 0, 1)
    points[rectangles, 1:3, 0] = wider[:, None]
    generated = recognise(points, batch.lengths, tolerance=0.02)
    metrics = family_metrics(generated, reference)
    assert metrics["invalid_fraction"] == pytest.approx(polygons.mean())
    # The polygons' share moved to the invalid category, and nothing else moved.
    assert metrics["family_tv"] == pytest.approx(np.mean(reference.families == REGULAR_POLYGON))
    assert metrics["fit_error_p95"]["regular_polygon"] is None
    assert metrics["sides_tv"] is None and metrics["w1"]["regular_polygon"]["radius"] is None
    # Each width moved by 0.1, except where the edge of [0, 1] stopped it.
    assert 0.09 < metrics["w1"]["rectangle"]["width"] <= 0.1
    assert metrics["w1"]["rectangle"]["height"] == pytest.approx(0, abs=1e-12)


def test_angles_and_rotations_are_compared_as_fractions_of_their_ranges():
    batch = draw_shapes(np.random.default_rng(2), 2000, np.array([0.0, 1.0, 1.0]))
    reference = recognised(batch)
    turned = batch.parameters.copy()
    polygon_rows = batch.families == REGULAR_POLYGON
    # Every rotation halved: U(0, 1/2) of its range (2 pi / sides) instead of U(0, 1),
    # whatever the sides: a W1 of 1/4 as a fraction of the range.
    turned[polygon_rows, 7] /= 2
    points, lengths = shape_points(batch.families, turned)
    metrics = family_metrics(recognise(points, lengths, 0.02), reference)
    assert metrics["w1"]["regular_polygon"]["rotation"] == pytest.approx(0.25, abs=0.03)
    assert metrics["w1"]["regular_polygon"]["radius"] == pytest.approx(0, abs=1e-9)


def test_conditional_accuracy_counts_members_of_the_requested_family():
    batch = draw_shapes(np.random.default_rng(11), 600, np.ones(3))
    points = batch.points.copy()
    broken = [np.flatnonzero(batch.families == family)[0] for family in range(3)]
    points[broken, 0] += 0.2
    recognition = recognise(points, batch.lengths, 0.02)
    accuracy = conditional_accuracy_by_family(batch.families, recognition, 0.02)
    for index, family in enumerate(FAMILIES):
        assert accuracy[family] == pytest.approx(1 - 1 / np.sum(batch.families == index))
    overall = conditional_accuracy(batch.families, recognition, 0.02)
    assert overall == pytest.approx(1 - 3 / len(batch.families))


def test_a_hair_turned_rotated_rectangle_is_recognised_as_a_rectangle_yet_counts():
    points = np.zeros((1, MAX_POINTS, 2))
    points[0, :4] = rotated_rectangle_points(np.array([0.3]), np.array([0.1]), np.array([0.01]))
    recognition = recognise(points, np.array([4]), 0.02)
    assert recognition.families[0] == FAMILIES.index("rectangle")
    requested = np.array([FAMILIES.index("rotated_rectangle")])
    assert conditional_accuracy_by_family(requested, recognition, 0.02) == {
        "rotated_rectangle": 1.0
    }
    assert conditional_accuracy(requested, recognition, 0.02) == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_family_tv_is_at_least_the_invalid_share_and_equal_without_overdrawn_families(seed):
    from shapegen.evaluation.metrics import total_variation
    from shapegen.evaluation.recognition import INVALID

    rng = np.random.default_rng(seed)
    categories = np.array([INVALID, 0, 1, 2])
    reference = rng.integers(0, 3, 3000)
    drawn = rng.integers(0, 3, 3000)
    drawn[rng.random(3000) < 0.1] = INVALID
    invalid = np.mean(drawn == INVALID)
    assert total_variation(drawn, reference, categories) >= invalid - 1e-12
    # Invalid shapes taken from the reference's own draws only: no family over-drawn.
    deficit = reference.copy()
    deficit[rng.random(3000) < 0.1] = INVALID
    tv = total_variation(deficit, reference, categories)
    assert tv == pytest.approx(np.mean(deficit == INVALID))
