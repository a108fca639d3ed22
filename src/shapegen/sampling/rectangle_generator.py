"""Drawing rectangles from a trained rectangles model: the chapter's corners fed back.

A RectangleGenerator (shapegen.sampling.generator's interface) draws each corner from the model's
head and feeds it back as the next input: a mixture head is sampled at a temperature
with a seeded generator; a point head is deterministic (the chapter). Every rectangle
starts from the first corner, [0, 0] unless given. Nothing here imports TensorFlow.
"""

import dataclasses

import numpy as np

from shapegen.data.rectangles import N_CORNERS, N_STEPS
from shapegen.errors import InputError
from shapegen.heads.mixture import mixture_mean, negative_log_likelihood, sample_mixture
from shapegen.sampling.generator import Generator
from shapegen.sampling.network import forward, initial_state, next_outputs


@dataclasses.dataclass(frozen=True)
class RectangleGenerator(Generator):
    """Draws the chapter's rectangles, BL, BR, TR, TL (4, 2), from one trained network."""

    data = "rectangles"
    max_points = N_CORNERS
    max_given = N_CORNERS
    draws = "rectangles"

    def check_prefix(self, prefix: object, label: str = "prefix") -> np.ndarray:
        """Given first corners (k, 2) as Generator.check_prefix checks them, the first the
        origin: every rectangle the model learnt starts there, and from elsewhere it draws
        no rectangle."""
        points = super().check_prefix(prefix, label)
        if len(points) and not np.array_equal(points[0], [0.0, 0.0]):
            raise InputError(
                f"{label}: the first point is ({float(points[0, 0])!r}, {float(points[0, 1])!r}); "
                "a rectangle of this model starts at the origin (every training rectangle's "
                "BL is 0,0), expected 0,0 first"
            )
        return points

    def complete_batch(
        self,
        prefixes: np.ndarray,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rectangles (n, 4, 2) that keep the given first corners (n, k, 2) and draw the
        rest (k = 0 starts at [0, 0], the chapter's first corner), and their lengths (4)."""
        n, given = prefixes.shape[:2]
        points = np.zeros((n, self.max_points, 2))
        points[:, :given] = prefixes
        state = initial_state(self.network, n)
        for step in range(self.max_points - 1):
            outputs, state = next_outputs(self.network, points[:, step], state, step)
            if step + 1 >= given:
                points[:, step + 1] = self.draw_points(outputs, rng, temperature)
        return points, np.full(n, self.max_points)

    def draw_points(
        self, outputs: np.ndarray, rng: np.random.Generator, temperature: float
    ) -> np.ndarray:
        """Next points (n, 2) from raw outputs (n, p): sampled from a mixture, else the point."""
        if self.network.head == "point":
            return outputs
        return sample_mixture(outputs, self.network.mixture, rng, temperature)

    def teacher_forced_outputs(self, shapes: np.ndarray) -> np.ndarray:
        """Raw outputs (n, 3, p) for each next corner given the true corners before it."""
        return forward(self.network, np.asarray(shapes)[:, :N_STEPS])

    def point_predictions(self, outputs: np.ndarray) -> np.ndarray:
        """A point (..., 2) from raw outputs (..., p): the point itself, or the mixture's mean."""
        if self.network.head == "point":
            return outputs
        flat = mixture_mean(outputs.reshape(-1, outputs.shape[-1]), self.network.mixture)
        return flat.reshape(*outputs.shape[:-1], 2)

    def heldout_nll(self, outputs: np.ndarray, targets: np.ndarray) -> float:
        """Mean negative log-likelihood per corner (nats) of the true next corners."""
        raw = outputs.reshape(-1, outputs.shape[-1])
        points = np.asarray(targets, dtype=np.float64).reshape(-1, 2)
        return float(np.mean(negative_log_likelihood(points, raw, self.network.mixture)))
