import numpy as np

from shapegen.data.families import draw_shapes
from shapegen.data.turtle import DELTA_OFFSET, decode_moves, encode_moves


def test_moves_decode_to_the_same_points_for_every_family():
    batch = draw_shapes(np.random.default_rng(5), 3000, np.ones(3))
    moves = encode_moves(batch.points, batch.lengths)
    np.testing.assert_allclose(decode_moves(moves, batch.lengths), batch.points, atol=1e-12)


def test_every_move_of_the_dataset_lies_in_the_unit_square():
    batch = draw_shapes(np.random.default_rng(6), 3000, np.ones(3))
    moves = encode_moves(batch.points, batch.lengths)
    assert moves.min() >= 0 and moves.max() <= 1


def test_regular_turns_are_sides_codes_then_a_constant():
    batch = draw_shapes(np.random.default_rng(7), 2000, np.ones(3))
    moves = encode_moves(batch.points, batch.lengths)
    polygons = batch.families == 2
    sides = batch.parameters[polygons, 3]
    np.testing.assert_allclose(moves[polygons, 2, 0], sides / 10, atol=1e-12)
    rectangles = ~polygons
    np.testing.assert_allclose(moves[rectangles, 2, 0], 0.4, atol=1e-12)
    for step in range(3, 8):
        drawn = batch.lengths > step
        np.testing.assert_allclose(moves[drawn, step, 0], DELTA_OFFSET, atol=1e-9)
        assert np.all(moves[~drawn, step] == 0)
