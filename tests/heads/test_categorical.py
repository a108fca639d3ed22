"""The categorical head: quantized moves, the numpy network and loss against Keras, drawing."""

import keras
import numpy as np
import pytest

from shapegen.data.families import MAX_POINTS, RECTANGLE, ROTATED_RECTANGLE, draw_shapes
from shapegen.data.turtle import decode_moves, encode_moves
from shapegen.evaluation.recognition import INVALID, recognise
from shapegen.heads import categorical
from shapegen.sampling.network import categorical_forward
from shapegen.sampling.shape_generator import ShapeGenerator

from ..small_models import generator_of, small_categorical_model

SHAPES = draw_shapes(np.random.default_rng(3), 200, np.ones(3))


def test_a_grid_of_bins_minus_one_a_multiple_of_ten_holds_every_turn_code():
    # The sides codes n / 10 (n = 3 ... 8; a rectangle's 4) and a later turn's 1/2.
    codes = np.array([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.0, 0.25])
    bins = 121
    values = categorical.bin_values(categorical.quantize(codes, bins), bins)
    np.testing.assert_allclose(values, codes, atol=1e-12)
    assert categorical.quantize(np.array([-0.2, 1.3]), bins).tolist() == [0, bins - 1]


def test_quantized_test_shapes_are_still_members_of_their_family():
    # The grid costs nothing at the metrics' tolerance: every shape, its moves binned, is
    # still a member of a family, the family it was recognised as, but for rotated
    # rectangles turned by about the rectangle's tolerance, which may go either way.
    shapes = draw_shapes(np.random.default_rng(4), 3000, np.ones(3))
    moves = encode_moves(shapes.points, shapes.lengths)
    recognised = recognise(shapes.points, shapes.lengths, 0.02).families
    for bins in (121, 241):
        binned = categorical.bin_values(categorical.quantize(moves, bins), bins)
        found = recognise(decode_moves(binned, shapes.lengths), shapes.lengths, 0.02).families
        assert not np.any(found == INVALID), bins
        changed = found != recognised
        assert set(found[changed]) | set(recognised[changed]) <= {RECTANGLE, ROTATED_RECTANGLE}
        assert changed.mean() < 0.005, bins


def test_framing_scores_each_drawn_move_and_the_end_once():
    inputs, targets = categorical.frame_shapes(SHAPES.points, SHAPES.lengths, None, 11)
    assert inputs.shape == (200, categorical.N_STEPS, categorical.N_INPUTS + 1)
    assert targets.shape == (200, categorical.N_STEPS, categorical.TARGET_COLUMNS)
    # The first coordinate's class is scored up to the end (its END included), the
    # second's at every drawn point.
    np.testing.assert_array_equal(targets[:, :, 2].sum(axis=1), SHAPES.lengths + 1)
    np.testing.assert_array_equal(targets[:, :, 3].sum(axis=1), SHAPES.lengths)
    ends = targets[np.arange(200), SHAPES.lengths, 0]
    assert np.all(ends == categorical.end_class(11))
    # The first step reads START for both bins, and no family in an unconditional model.
    assert np.all(inputs[:, 0, categorical.PREVIOUS_BINS] == categorical.end_class(11))
    assert np.all(inputs[:, :, categorical.FAMILY_COLUMNS] == 0)


@pytest.mark.parametrize(
    ("framing", "conditional"), [("sequence", False), ("sequence", True), ("point", False)]
)
def test_the_numpy_categorical_network_and_loss_equal_keras(framing, conditional, tmp_path):
    model = small_categorical_model(framing, conditional)
    generator = generator_of(model, tmp_path)
    assert isinstance(generator, ShapeGenerator)
    network = generator.network
    assert network.kind() == {
        "framing": framing,
        "head": "categorical",
        "units": 6,
        "conditional": conditional,
        "bins": 11,
        "embedding_units": 4,
        "hidden_units": 5,
    }
    assert network.n_parameters == model.count_params()
    families = SHAPES.families if conditional else None
    inputs, targets = categorical.frame_shapes(SHAPES.points, SHAPES.lengths, families, 11)
    ours = categorical_forward(network, inputs)
    n, steps = inputs.shape[:2]
    keras_inputs = inputs.reshape(n * steps, 1, -1) if framing == "point" else inputs
    theirs = keras.ops.convert_to_numpy(model(keras_inputs.astype(np.float32)))
    theirs = theirs.reshape(n, steps, -1)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)
    keras_targets = targets.reshape(n * steps, 1, -1) if framing == "point" else targets
    loss = (
        keras.ops.convert_to_numpy(
            model.loss.call(
                keras.ops.convert_to_tensor(keras_targets.astype(np.float32)),
                keras.ops.convert_to_tensor(theirs.reshape(keras_targets.shape[0], -1, 2 * 11 + 1)),
            )
        )
        .reshape(n, -1)
        .sum(axis=1)
    )
    np.testing.assert_allclose(categorical.shapes_nll(targets, ours, 11), loss, rtol=1e-4)
    assert generator.heldout_nll(SHAPES.points, SHAPES.lengths, SHAPES.families) == pytest.approx(
        float(np.mean(loss)), rel=1e-4
    )


def test_drawn_shapes_are_reproducible_on_the_grid_and_padded(tmp_path):
    generator = generator_of(small_categorical_model(conditional=True), tmp_path)
    families = np.arange(300) % 3
    points, lengths = generator.generate_batch(300, np.random.default_rng(5), 1.0, families)
    again = generator.generate_batch(300, np.random.default_rng(5), 1.0, families)
    np.testing.assert_array_equal(points, again[0])
    np.testing.assert_array_equal(lengths, again[1])
    assert points.shape == (300, MAX_POINTS, 2)
    assert lengths.min() >= 0 and lengths.max() <= MAX_POINTS
    after_end = np.arange(MAX_POINTS)[None, :] >= lengths[:, None]
    assert np.all(points[after_end] == 0)
    # Every drawn move is a bin's value: encoding the points gives the grid back.
    moves = encode_moves(points, lengths)
    drawn = ~after_end
    first = moves[..., 0][drawn & (np.arange(MAX_POINTS) == 0)]
    np.testing.assert_allclose(first * 10, np.rint(first * 10), atol=1e-9)


def test_temperature_sharpens_the_softmax():
    logits = np.log(np.array([[0.7, 0.2, 0.1]]).repeat(20000, axis=0))
    rng = np.random.default_rng(0)
    warm = np.bincount(categorical.sample_classes(logits, rng, 1.0), minlength=3) / 20000
    cold = np.bincount(categorical.sample_classes(logits, rng, 0.25), minlength=3) / 20000
    np.testing.assert_allclose(warm, [0.7, 0.2, 0.1], atol=0.02)
    assert cold[0] > 0.99


def test_completions_keep_the_given_points_exactly(tmp_path):
    generator = generator_of(small_categorical_model(), tmp_path)
    prefix = np.array([[0.2, 0.3], [0.45, 0.31], [0.5, 0.6]])
    for shape in generator.complete(prefix, 40, seed=1):
        if len(shape) >= len(prefix):
            np.testing.assert_array_equal(shape[: len(prefix)], prefix)


def test_weighted_shapes_weigh_their_first_move_only_in_the_loss():
    unweighted = categorical.frame_shapes(SHAPES.points, SHAPES.lengths, None, 11)[1]
    weights = np.linspace(0.5, 2.0, len(SHAPES.lengths))
    weighted = categorical.frame_shapes(SHAPES.points, SHAPES.lengths, None, 11, weights)[1]
    # P0, where the family is decided, is weighted; every later move and the end are not.
    np.testing.assert_allclose(weighted[:, 0, 2:], unweighted[:, 0, 2:] * weights[:, None])
    np.testing.assert_array_equal(weighted[:, 1:], unweighted[:, 1:])
    np.testing.assert_array_equal(weighted[..., :2], unweighted[..., :2])
    outputs = np.random.default_rng(1).normal(size=(*unweighted.shape[:2], 2 * 11 + 1))
    first_move = categorical.shapes_nll(unweighted[:, :1], outputs[:, :1], 11)
    np.testing.assert_allclose(
        categorical.shapes_nll(weighted, outputs, 11),
        categorical.shapes_nll(unweighted, outputs, 11) + (weights - 1) * first_move,
        rtol=1e-6,
    )


def test_any_point_sequence_frames_into_valid_bins():
    # Repeated points: sides of length 0, turns of 0, sides codes infinite or NaN.
    points = np.zeros((2, MAX_POINTS, 2))
    points[0, :4] = [[0.1, 0.1], [0.1, 0.1], [0.3, 0.1], [0.3, 0.1]]
    points[1, :3] = [[0.5, 0.5], [0.6, 0.5], [0.7, 0.5]]
    inputs, _ = categorical.frame_shapes(points, np.array([4, 3]), None, 11)
    bins = inputs[:, :, categorical.PREVIOUS_BINS]
    assert np.all(np.isfinite(inputs)) and bins.min() >= 0 and bins.max() <= 11


def test_the_framed_inputs_are_the_inputs_the_sampler_steps_with():
    # frame_shapes (teacher-forced, vectorised) and step_inputs (one step of drawing) are
    # two writings of the same inputs: where a step is scored they must agree.
    inputs, targets = categorical.frame_shapes(SHAPES.points, SHAPES.lengths, SHAPES.families, 11)
    codes = categorical.quantize(encode_moves(SHAPES.points, SHAPES.lengths), 11)
    for step in range(categorical.N_STEPS):
        previous = None if step == 0 else codes[:, step - 1]
        stepped = categorical.step_inputs(previous, step, SHAPES.families, 11, len(SHAPES))
        scored = targets[:, step, 2] > 0
        np.testing.assert_array_equal(
            inputs[scored, step, : categorical.N_INPUTS], stepped[scored].astype(np.float32)
        )
