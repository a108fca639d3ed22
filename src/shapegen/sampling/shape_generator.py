"""Drawing shapes of the families from a trained categorical model, in numpy.

Each step runs the LSTM on the previous move's bins (shapegen.heads.categorical), draws the
move's first coordinate or END from its softmax, then its second given the first; the
move (shapegen.data.turtle) is fed back. A conditional model is asked for a family at every
step. Nothing here imports TensorFlow.
"""

import dataclasses

import numpy as np

from shapegen.data.families import MAX_POINTS
from shapegen.data.turtle import TurtleState, advance, encode_moves, start_state
from shapegen.heads import categorical
from shapegen.sampling.generator import Generator
from shapegen.sampling.network import (
    categorical_first_logits,
    categorical_heads,
    categorical_lstm_step,
    categorical_second_logits,
    categorical_trunk,
    initial_state,
)


@dataclasses.dataclass(frozen=True)
class ShapeGenerator(Generator):
    """Draws shapes of 3 to 8 points (as the model decides) from one categorical model."""

    data = "shapes"
    max_points = MAX_POINTS
    max_given = MAX_POINTS  # all of them: the shape is then complete
    draws = "every family"

    def complete_batch(
        self,
        prefixes: np.ndarray,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Shapes that keep the given first points (n, k, 2) and draw the rest: each step's
        first coordinate (or END), then its second given the first, each from its softmax
        at the temperature; the given points are kept as they are, their moves read by the
        model in bins. Drawn in blocks of BLOCK_ROWS shapes, one after the other."""
        blocks = [
            self._complete_block(
                prefixes[rows], rng, temperature, None if families is None else families[rows]
            )
            for rows in _blocks(len(prefixes))
        ]
        if not blocks:
            return np.zeros((0, MAX_POINTS, 2)), np.zeros(0, dtype=np.int64)
        return tuple(np.concatenate(arrays) for arrays in zip(*blocks, strict=True))

    def _complete_block(
        self,
        prefixes: np.ndarray,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """complete_batch on one block of rows. Only the shapes still drawing are stepped:
        an ended shape costs nothing more."""
        network, bins = self.network, self.network.bins
        n, given = prefixes.shape[:2]
        padded = np.zeros((n, MAX_POINTS, 2))
        padded[:, :given] = prefixes
        given_moves = encode_moves(padded, np.full(n, given))
        given_codes = categorical.quantize(given_moves, bins)
        h, c = initial_state(network, n)
        turtle, codes = start_state(n), np.zeros((n, 2), dtype=np.int64)
        points, lengths = np.zeros((n, MAX_POINTS, 2)), np.full(n, MAX_POINTS)
        live = np.arange(n)  # the shapes that have not ended, in order
        # A shape that has not ended after MAX_POINTS moves ends there: no room for more.
        for step in range(MAX_POINTS):
            previous = None if step == 0 else codes[live]
            asked = None if families is None else families[live]
            inputs = categorical.step_inputs(previous, step, asked, bins, len(live))
            h_live, c_live = categorical_lstm_step(network, inputs, (h[live], c[live]))
            if step < given:
                move, step_codes = given_moves[live, step], given_codes[live, step]
            else:
                first = categorical.sample_classes(
                    categorical_first_logits(network, h_live), rng, temperature
                )
                ends = first == categorical.end_class(bins)
                lengths[live[ends]] = step
                keep = ~ends
                live, first, h_live, c_live = live[keep], first[keep], h_live[keep], c_live[keep]
                second = categorical.sample_classes(
                    categorical_second_logits(network, h_live, first), rng, temperature
                )
                step_codes = np.stack([first, second], axis=1)
                move = categorical.bin_values(step_codes, bins)
            h[live], c[live], codes[live] = h_live, c_live, step_codes
            # A wild turn may overflow harmlessly: such a shape is invalid, not an error.
            with np.errstate(over="ignore", invalid="ignore"):
                moved = advance(_turtle_rows(turtle, live), move)
            turtle = _set_turtle_rows(turtle, live, moved)
            points[live, step] = moved.point
            if not len(live):
                break
        points[:, :given] = prefixes
        return points, lengths

    def heldout_nll(
        self, points: np.ndarray, lengths: np.ndarray, families: np.ndarray | None = None
    ) -> float:
        """Mean negative log-likelihood per shape (nats) of shapes, teacher-forced: its
        moves and its end, as the model was trained. Pass families to a conditional model."""
        network = self.network
        families = families if network.conditional else None
        total = 0.0
        for rows in _blocks(len(lengths)):
            inputs, targets = categorical.frame_shapes(
                points[rows],
                lengths[rows],
                None if families is None else families[rows],
                network.bins,
            )
            # The heads run only where a step is scored: a third of the steps are padding.
            scored = targets[:, :, 2] > 0
            h = categorical_trunk(network, inputs, scored)[scored]
            logits = categorical_heads(network, h, inputs[scored][:, -1])
            per_step = categorical.shapes_nll(
                targets[scored][:, None], logits[:, None], network.bins
            )
            total += float(np.sum(per_step))
        return total / len(lengths)


# Shapes drawn or scored together: numpy's temporaries of 1,024 rows stay in the CPU's
# caches, and a batch of 50,000 runs 4.6 times faster in such blocks than in one.
BLOCK_ROWS = 1024


def _blocks(n: int) -> list[slice]:
    """Consecutive row slices of at most BLOCK_ROWS covering n rows."""
    return [slice(start, start + BLOCK_ROWS) for start in range(0, n, BLOCK_ROWS)]


def _turtle_rows(turtle: TurtleState, rows: np.ndarray) -> TurtleState:
    """The turtles of the given rows."""
    return dataclasses.replace(
        turtle,
        point=turtle.point[rows],
        heading=turtle.heading[rows],
        sides_code=turtle.sides_code[rows],
    )


def _set_turtle_rows(turtle: TurtleState, rows: np.ndarray, moved: TurtleState) -> TurtleState:
    """All turtles, those of the given rows moved on (the others stay where they ended)."""
    point, heading, sides_code = (
        turtle.point.copy(),
        turtle.heading.copy(),
        turtle.sides_code.copy(),
    )
    point[rows], heading[rows], sides_code[rows] = moved.point, moved.heading, moved.sides_code
    return TurtleState(point, heading, sides_code, moved.moves)
