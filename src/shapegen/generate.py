"""Drawing shapes from a trained model: one Generator for the pipeline, the command and users.

A Generator runs the model's network in numpy (shapegen.network): each drawn corner is
fed back as the next input, all shapes in one batch. A mixture head is sampled at a
temperature with a seeded generator; a point head is deterministic (the chapter).
Nothing here imports TensorFlow.
"""

import dataclasses
import math
from pathlib import Path

import numpy as np

from shapegen import paths
from shapegen.errors import InputError
from shapegen.geometry import N_CORNERS, N_STEPS
from shapegen.mixture import mixture_mean, negative_log_likelihood, sample_mixture
from shapegen.model_files import read_network
from shapegen.network import Network, forward, initial_state, next_outputs

MODEL_SUFFIX = ".keras"


@dataclasses.dataclass(frozen=True)
class Generator:
    """Draws shapes from one trained network; every shape starts from the first point.

    The list-of-shapes methods (`sample`, `complete`) check their arguments and are the
    API for users; the batch methods work on arrays (n, k, 2) for the pipeline.
    """

    network: Network
    n_points: int = N_CORNERS

    def sample(
        self, n: int, *, seed: int | np.random.Generator, temperature: float = 1.0
    ) -> list[np.ndarray]:
        """n shapes, each a float array (4, 2) in drawing order, started from [0, 0]."""
        return self.complete(np.zeros((1, 2)), n, seed=seed, temperature=temperature)

    def complete(
        self,
        prefix: np.ndarray,
        n: int,
        *,
        seed: int | np.random.Generator,
        temperature: float = 1.0,
    ) -> list[np.ndarray]:
        """n shapes that begin with the given points (k, 2), exactly, and draw the rest."""
        prefix = check_prefix(prefix, self.n_points)
        n = check_count(n)
        temperature = check_temperature(temperature)
        prefixes = np.broadcast_to(prefix, (n, *prefix.shape))
        shapes = self.complete_batch(prefixes, np.random.default_rng(seed), temperature)
        return list(shapes)

    def generate_batch(self, n: int, rng: np.random.Generator, temperature: float) -> np.ndarray:
        """n shapes (n, 4, 2) generated from [0, 0], as in the chapter."""
        return self.complete_batch(np.zeros((n, 1, 2)), rng, temperature)

    def complete_batch(
        self, prefixes: np.ndarray, rng: np.random.Generator, temperature: float
    ) -> np.ndarray:
        """Shapes (n, 4, 2) that keep the given first points (n, k, 2) and draw the rest."""
        n, given = prefixes.shape[:2]
        points = np.zeros((n, self.n_points, 2))
        points[:, :given] = prefixes
        state = initial_state(self.network, n)
        for step in range(self.n_points - 1):
            outputs, state = next_outputs(self.network, points[:, step], state, step)
            if step + 1 >= given:
                points[:, step + 1] = self.draw_points(outputs, rng, temperature)
        return points

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


def load_generator(model: str | Path):
    """A generator for a trained model: a variant's name (data/models/<name>/model.keras,
    relative to the working directory) or the path of a .keras file shapegen wrote,
    checkpoints included. A Generator for the rectangles' models, a
    shapegen.shape_generator.ShapeGenerator for the shapes' (heads turtle, categorical)."""
    network = read_network(model_path(model))
    if network.head in ("turtle", "categorical"):
        from shapegen.shape_generator import ShapeGenerator

        return ShapeGenerator(network)
    return Generator(network)


def model_path(model: str | Path) -> Path:
    """The file a model argument names: a .keras path as given, else a variant's model."""
    text = str(model)
    if Path(text).is_file() or not paths.VARIANT_NAME.match(text):
        return Path(text)
    path = paths.model_file(text)
    if not path.is_file():
        trained = sorted(
            found.parent.name for found in paths.MODELS_DIR.glob(f"*/{paths.MODEL_FILE_NAME}")
        )
        available = ", ".join(trained) if trained else "none here (run `dvc repro`)"
        raise InputError(
            f"{text}: no such model file, and no trained variant {text} ({path}); expected a "
            f"{MODEL_SUFFIX} file or a trained variant: {available}"
        )
    return path


def check_count(n: object, name: str = "n") -> int:
    """n itself if it is a positive whole number of shapes; InputError otherwise."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"{name}: {n!r} is not a number of shapes; expected a whole number >= 1")
    return int(n)


def check_temperature(temperature: object, name: str = "temperature") -> float:
    """The temperature if it is a positive finite number; InputError otherwise."""
    number = isinstance(temperature, int | float | np.floating) and not isinstance(
        temperature, bool
    )
    if not number or not math.isfinite(temperature) or temperature <= 0:
        raise InputError(f"{name}: {temperature!r} is not valid; expected a positive finite number")
    return float(temperature)


def check_prefix(prefix: object, n_points: int, name: str = "prefix") -> np.ndarray:
    """Given first points as a float array (k, 2), 1 <= k <= n_points, in the unit square."""
    try:
        points = np.asarray(prefix, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            f"{name}: {prefix!r} is not a list of points; expected (x, y) pairs"
        ) from None
    if points.ndim != 2 or points.shape[1] != 2:
        raise InputError(f"{name}: an array of shape {points.shape}; expected (k, 2): k points")
    if not 1 <= points.shape[0] <= n_points:
        raise InputError(
            f"{name}: {points.shape[0]} points; a shape of this model has {n_points}, so "
            f"expected 1 to {n_points}"
        )
    outside = ~np.all(np.isfinite(points) & (points >= 0) & (points <= 1), axis=1)
    if outside.any():
        index = int(np.argmax(outside))
        raise InputError(
            f"{name}: point {index + 1} ({_point_text(points[index])}) lies outside the unit "
            "square; expected 0 <= x, y <= 1"
        )
    return points


def _point_text(point: np.ndarray) -> str:
    return ", ".join(repr(float(value)) for value in point)
