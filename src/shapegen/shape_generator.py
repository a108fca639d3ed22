"""Drawing shapes of the families from a trained turtle model, in numpy.

Each step runs the LSTM on the turtle's inputs (shapegen.turtle), draws whether the shape
ends there, then the move's first coordinate and its second given the first; the move
is fed back. A conditional model is asked for a family at every step. Nothing here
imports TensorFlow.
"""

import dataclasses

import numpy as np

from shapegen import categorical
from shapegen.errors import InputError
from shapegen.families import FAMILIES, MAX_POINTS, unpadded
from shapegen.generate import check_count, check_prefix, check_temperature
from shapegen.mixture import sample_mixture
from shapegen.network import (
    Network,
    categorical_first_logits,
    categorical_forward,
    categorical_second_logits,
    initial_state,
    next_outputs,
    second_head_outputs,
    sigmoid,
    turtle_forward,
)
from shapegen.turtle import (
    N_STEPS,
    advance,
    encode_moves,
    frame_shapes,
    moves_nll,
    start_state,
    step_inputs,
)


@dataclasses.dataclass(frozen=True)
class ShapeGenerator:
    """Draws shapes of 3 to 8 points (as the model decides) from one trained turtle model.

    `sample` and `complete` check their arguments and return lists of (k, 2) arrays; the
    batch methods return padded points (n, MAX_POINTS, 2) and lengths (n,).
    """

    network: Network

    def sample(
        self,
        n: int,
        *,
        seed: int | np.random.Generator,
        temperature: float = 1.0,
        family: str | None = None,
    ) -> list[np.ndarray]:
        """n shapes, each a float array (k, 2) of its points in drawing order."""
        return self.complete(np.zeros((0, 2)), n, seed=seed, temperature=temperature, family=family)

    def complete(
        self,
        prefix: np.ndarray,
        n: int,
        *,
        seed: int | np.random.Generator,
        temperature: float = 1.0,
        family: str | None = None,
    ) -> list[np.ndarray]:
        """n shapes that begin with the given points (k, 2), exactly, and draw the rest."""
        prefix = np.asarray(prefix, dtype=np.float64)
        if prefix.size:
            prefix = check_prefix(prefix, MAX_POINTS - 1)
        n = check_count(n)
        temperature = check_temperature(temperature)
        families = self.check_family(family, n)
        prefixes = np.broadcast_to(prefix.reshape(-1, 2), (n, prefix.size // 2, 2))
        points, lengths = self.complete_batch(
            prefixes, np.random.default_rng(seed), temperature, families
        )
        return unpadded(points, lengths)

    def check_family(self, family: str | None, n: int) -> np.ndarray | None:
        """The family index repeated n times (None for an unconditional model)."""
        if not self.network.conditional:
            if family is not None:
                raise InputError(
                    f"family: {family!r} given, but this model draws every family by itself "
                    "(not a conditional model); expected no family"
                )
            return None
        if family not in FAMILIES:
            raise InputError(
                f"family: {family!r} is not a family; this conditional model expects one of "
                f"{', '.join(FAMILIES)}"
            )
        return np.full(n, FAMILIES.index(family))

    def generate_batch(
        self,
        n: int,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """n shapes: points (n, MAX_POINTS, 2), zero after each length, and lengths (n,)."""
        return self.complete_batch(np.zeros((n, 0, 2)), rng, temperature, families)

    def complete_batch(
        self,
        prefixes: np.ndarray,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Shapes that keep the given first points (n, k, 2) and draw the rest."""
        if self.network.head == "categorical":
            return self._complete_categorical(prefixes, rng, temperature, families)
        n, given = prefixes.shape[:2]
        padded = np.zeros((n, MAX_POINTS, 2))
        padded[:, :given] = prefixes
        given_moves = encode_moves(padded, np.full(n, given))
        network, spec = self.network, self.network.mixture
        state, turtle, last_move = initial_state(network, n), start_state(n), np.zeros((n, 2))
        points, lengths = np.zeros((n, MAX_POINTS, 2)), np.full(n, MAX_POINTS)
        ended = np.zeros(n, dtype=bool)
        for step in range(N_STEPS):
            inputs = step_inputs(turtle, last_move, families)
            first_raw, state = next_outputs(network, inputs, state, step)
            if step >= given:
                # sketch-rnn's temperature: the end's logit is divided by it too.
                end_probability = sigmoid(first_raw[:, 0] / temperature)
                ends = (rng.random(n) < end_probability) | (step == MAX_POINTS)
                lengths[ends & ~ended] = step
                ended |= ends
            if step == MAX_POINTS:
                break
            if step < given:
                move = given_moves[:, step]
            else:
                first = sample_mixture(first_raw[:, 1:], spec, rng, temperature)[:, 0]
                second_raw = second_head_outputs(network, state[0], inputs, first, step)
                second = sample_mixture(second_raw, spec, rng, temperature)[:, 0]
                move = np.stack([first, second], axis=1)
            # Shapes that have ended keep stepping (one batch) and are masked: a wild turn
            # there may overflow harmlessly.
            with np.errstate(over="ignore", invalid="ignore"):
                turtle = advance(turtle, move)
            last_move = move
            points[:, step] = np.where(ended[:, None], 0.0, turtle.point)
        return points, lengths

    def _complete_categorical(
        self,
        prefixes: np.ndarray,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """complete_batch for a categorical head: each step's first coordinate (or END),
        then its second given the first, each from its softmax at the temperature; the
        given points are kept as they are, their moves read by the model in bins."""
        network, bins = self.network, self.network.bins
        n, given = prefixes.shape[:2]
        padded = np.zeros((n, MAX_POINTS, 2))
        padded[:, :given] = prefixes
        given_moves = encode_moves(padded, np.full(n, given))
        state, turtle, previous = initial_state(network, n), start_state(n), None
        points, lengths = np.zeros((n, MAX_POINTS, 2)), np.full(n, MAX_POINTS)
        ended = np.zeros(n, dtype=bool)
        # A shape that has not ended after MAX_POINTS moves ends there: no room for more.
        for step in range(MAX_POINTS):
            inputs = categorical.step_inputs(previous, step, families, bins, n)
            first_logits, state = categorical_first_logits(network, inputs, state)
            if step < given:
                move = given_moves[:, step]
                codes = categorical.quantize(move, bins)
            else:
                first = categorical.sample_classes(first_logits, rng, temperature)
                ends = first == categorical.end_class(bins)
                lengths[ends & ~ended] = step
                ended |= ends
                first = np.where(ends, 0, first)
                second_logits = categorical_second_logits(network, state[0], first)
                second = categorical.sample_classes(second_logits, rng, temperature)
                codes = np.stack([first, second], axis=1)
                move = categorical.bin_values(codes, bins)
            with np.errstate(over="ignore", invalid="ignore"):
                turtle = advance(turtle, move)
            previous = codes
            points[:, step] = np.where(ended[:, None], 0.0, turtle.point)
        points[:, :given] = prefixes
        return points, lengths

    def heldout_nll(
        self, points: np.ndarray, lengths: np.ndarray, families: np.ndarray | None = None
    ) -> float:
        """Mean negative log-likelihood per shape (nats) of shapes, teacher-forced: its
        moves and its end, as the model was trained. Pass families to a conditional model."""
        network = self.network
        families = families if network.conditional else None
        if network.head == "categorical":
            inputs, targets = categorical.frame_shapes(points, lengths, families, network.bins)
            outputs = categorical_forward(network, inputs)
            return float(np.mean(categorical.shapes_nll(targets, outputs, network.bins)))
        inputs, targets = frame_shapes(points, lengths, families)
        outputs = turtle_forward(network, inputs)
        return float(np.mean(moves_nll(targets, outputs, network.mixture)))
