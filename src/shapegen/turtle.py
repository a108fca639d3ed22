"""Shapes as a turtle draws them: the moves a shape model reads and writes, one per step.

A shape P0 ... P(n-1) is n moves of two numbers each, all in [0, 1] for every family:

- move 0: P0 itself (x, y);
- move 1: the first side's heading, as a fraction of a full turn from the x axis, and its
  length;
- move 2: the turn to the second side as its *sides code*: 1 / (10 u) for a turn of u full
  turns, a tenth of the number of sides of the regular polygon that repeating the turn
  draws (Logo's REPEAT n [FD s RT 360/n]); and the side's length;
- move k >= 3: the change of the sides code since the previous turn, plus 1/2, and the
  side's length.

Why these codes and not the points (measured on the shapes dataset, issue 11): the number
of sides of a polygon is decided at its third point, where the next point is one of six
discrete turns. As points, or as turns in fractions of a full turn (1/3 ... 1/8 crowd near
0.125 to 0.143), a mixture covered the six with one broad component; as sides codes they
are evenly spaced (0.3 ... 0.8). After the first turn every family of the dataset keeps its
turn, so later codes are a constant 1/2 and the model only has to stop: the input
`turn_sides` (10 x the sides code) makes stopping after n points a threshold on a number of
order n.
"""

import dataclasses
import math

import numpy as np

from shapegen.families import FAMILIES, MAX_POINTS
from shapegen.mixture import NUMPY_OPS, MixtureSpec, negative_log_likelihood

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


def turn_sides(state: TurtleState) -> np.ndarray:
    """The number of sides the last turn closes (0 before the first turn): a model input."""
    return SIDES_SCALE * state.sides_code


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


# The model's input at each step: the last point, the last move, turn_sides, a start flag
# and the family (one-hot; zeros in an unconditional model). Training inputs carry one more
# column: the step's own first coordinate, which only the second coordinate's head reads.
N_STEPS = MAX_POINTS + 1  # a move per point, then the step that ends the longest shape
N_FAMILIES = len(FAMILIES)
N_INPUTS = 6 + N_FAMILIES
START_COLUMN = 5
FAMILY_COLUMNS = slice(6, 6 + N_FAMILIES)
# Target columns: the move, then whether the move is a target (a point is drawn at the
# step), whether the shape ends at the step, and whether that end flag is a target.
TARGET_COLUMNS = 5


def step_inputs(
    state: TurtleState, last_move: np.ndarray, families: np.ndarray | None
) -> np.ndarray:
    """Inputs (n, N_INPUTS) for the step after `state`; families None: unconditional."""
    n = state.point.shape[0]
    inputs = np.zeros((n, N_INPUTS))
    inputs[:, 0:2] = state.point
    inputs[:, 2:4] = last_move
    inputs[:, 4] = turn_sides(state)
    inputs[:, START_COLUMN] = state.moves == 0
    if families is not None:
        inputs[np.arange(n), FAMILY_COLUMNS.start + np.asarray(families)] = 1.0
    return inputs


def frame_shapes(
    points: np.ndarray, lengths: np.ndarray, families: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Training sequences: inputs (n, N_STEPS, N_INPUTS + 1), targets (n, N_STEPS, 5).

    families None frames them for an unconditional model. Steps after a shape's end are
    zeros and masked out of the loss.
    """
    lengths = np.asarray(lengths)
    moves = encode_moves(points, lengths)
    n = moves.shape[0]
    inputs = np.zeros((n, N_STEPS, N_INPUTS + 1))
    targets = np.zeros((n, N_STEPS, TARGET_COLUMNS))
    state, last_move = start_state(n), np.zeros((n, 2))
    for step in range(N_STEPS):
        inputs[:, step, :N_INPUTS] = step_inputs(state, last_move, families)
        if step < MAX_POINTS:
            inputs[:, step, N_INPUTS] = moves[:, step, 0]
            targets[:, step, :2] = moves[:, step]
            state, last_move = advance(state, moves[:, step]), moves[:, step]
        targets[:, step, 2] = step < lengths
        targets[:, step, 3] = step == lengths
        targets[:, step, 4] = step <= lengths
    drawn = targets[:, :, 4:5] > 0
    return np.where(drawn, inputs, 0.0), np.where(drawn, targets, 0.0)


def moves_nll(targets, outputs, spec: MixtureSpec, ops=NUMPY_OPS):
    """Per sequence (n,): the negative log-likelihood of its moves and of its end.

    targets (n, steps, TARGET_COLUMNS) as frame_shapes makes them; outputs (n, steps,
    1 + 6K): [end logit, first coordinate's 1-D mixture, second's]. A step scores its move
    where a point is drawn and its end flag up to the shape's end. Written against `ops`:
    keras.ops in training (shapegen.model.TurtleNLL), numpy to score a trained model.
    """
    k = spec.n_components
    steps = targets.shape[1]
    true = ops.reshape(targets, (-1, TARGET_COLUMNS))
    raw = ops.reshape(outputs, (-1, 1 + 6 * k))
    first = negative_log_likelihood(true[:, 0:1], raw[:, 1 : 1 + 3 * k], spec, ops)
    second = negative_log_likelihood(true[:, 1:2], raw[:, 1 + 3 * k :], spec, ops)
    end_logit = raw[:, 0]
    end = ops.softplus(end_logit) - true[:, 3] * end_logit
    per_step = true[:, 2] * (first + second) + true[:, 4] * end
    return ops.sum(ops.reshape(per_step, (-1, steps)), axis=1)
