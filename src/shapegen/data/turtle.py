"""Shapes as a turtle draws them: the moves a shape model reads and writes, one per step.

The shapes' models (shapegen.heads.categorical) read and draw these moves in bins; the
generator (shapegen.sampling.shape_generator) turns drawn moves back into points with `advance`.

A shape P0 ... P(n-1) is n moves of two numbers each, all in [0, 1] for every family:

- move 0: P0 itself (x, y);
- move 1: the first side's heading, as a fraction of a full turn from the x axis, and its
  length;
- move 2: the turn to the second side as its *sides code*: 1 / (10 u) for a turn of u full
  turns, a tenth of the number of sides of the regular polygon that repeating the turn
  draws (Logo's REPEAT n [FD s RT 360/n]); and the side's length;
- move k >= 3: the change of the sides code since the previous turn, plus 1/2, and the
  side's length.

Why these codes and not the points (measured on the shapes dataset, docs/shapes.md): the number
of sides of a polygon is decided at its third point, where the next point is one of six
discrete turns. As points, or as turns in fractions of a full turn (1/3 ... 1/8 crowd near
0.125 to 0.143), the earlier mixture head covered the six with one broad component
(docs/shapes.md); as sides codes they are evenly spaced (0.3 ... 0.8), on
the categorical head's grid when its bins - 1 is a multiple of 10. After the first turn
every family of the dataset keeps its turn, so later codes are a constant 1/2 and the
model only has to stop.
"""

import dataclasses
import math

import numpy as np

from shapegen.data.families import MAX_POINTS

TURN = 2 * math.pi
SIDES_SCALE = 10.0  # the sides code is the number of sides / SIDES_SCALE
DELTA_OFFSET = 0.5  # a later turn's code: its change in sides code, plus this
FIRST_TURN_MOVE = 2  # the move that carries the first turn's sides code


@dataclasses.dataclass(frozen=True)
class TurtleState:
    """Where the turtle is after some moves: enough to place the next point."""

    point: np.ndarray  # (n, 2): the last point drawn
    heading: np.ndarray  # (n,): direction of the last side, radians
    sides_code: np.ndarray  # (n,): sides code of the last turn (0 before the first)
    moves: int  # moves made so far


def start_state(n: int) -> TurtleState:
    """The turtle before its first move."""
    return TurtleState(np.zeros((n, 2)), np.zeros(n), np.zeros(n), 0)


def advance(state: TurtleState, move: np.ndarray) -> TurtleState:
    """The turtle after one more move (n, 2) coded as this module says."""
    move = np.asarray(move, dtype=np.float64)
    first, length = move[:, 0], move[:, 1]
    if state.moves == 0:
        return TurtleState(move.copy(), state.heading, state.sides_code, 1)
    sides_code = state.sides_code
    if state.moves == 1:
        heading = TURN * first
    else:
        if state.moves == FIRST_TURN_MOVE:
            sides_code = first
        else:
            sides_code = state.sides_code + first - DELTA_OFFSET
        heading = state.heading + TURN / (SIDES_SCALE * _nonzero(sides_code))
    step = length[:, None] * np.stack([np.cos(heading), np.sin(heading)], axis=1)
    return TurtleState(state.point + step, heading, sides_code, state.moves + 1)


def _nonzero(values: np.ndarray) -> np.ndarray:
    # A sides code of 0 would be an infinite turn; the smallest positive float stands in.
    return np.maximum(values, np.finfo(np.float64).tiny)


def encode_moves(points: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The moves (n, MAX_POINTS, 2) of padded shapes (n, MAX_POINTS, 2); zeros after each."""
    points = np.asarray(points, dtype=np.float64)
    sides = points[:, 1:] - points[:, :-1]
    headings = np.arctan2(sides[..., 1], sides[..., 0])
    side_lengths = np.hypot(sides[..., 0], sides[..., 1])
    turns = np.mod(headings[:, 1:] - headings[:, :-1], TURN) / TURN
    # Padding after a shape's end turns by 0: infinite codes, masked out below.
    with np.errstate(divide="ignore", invalid="ignore"):
        sides_codes = 1.0 / (SIDES_SCALE * turns)
        later_codes = sides_codes[:, 1:] - sides_codes[:, :-1] + DELTA_OFFSET
    moves = np.zeros_like(points)
    moves[:, 0] = points[:, 0]
    moves[:, 1, 0] = np.mod(headings[:, 0], TURN) / TURN
    moves[:, 1:, 1] = side_lengths
    moves[:, 2, 0] = sides_codes[:, 0]
    moves[:, 3:, 0] = later_codes
    drawn = np.arange(MAX_POINTS)[None, :] < np.asarray(lengths)[:, None]
    return np.where(drawn[..., None], moves, 0.0)


def decode_moves(moves: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Padded points (n, MAX_POINTS, 2) from moves (n, MAX_POINTS, 2); zeros after each."""
    moves = np.asarray(moves, dtype=np.float64)
    state = start_state(moves.shape[0])
    points = np.zeros_like(moves)
    for step in range(moves.shape[1]):
        state = advance(state, moves[:, step])
        points[:, step] = state.point
    drawn = np.arange(moves.shape[1])[None, :] < np.asarray(lengths)[:, None]
    return np.where(drawn[..., None], points, 0.0)
