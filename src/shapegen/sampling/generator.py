"""One interface for drawing shapes from every trained model, and its argument checks.

A Generator runs a model's network in numpy (shapegen.sampling.network), feeding each drawn
point back, all shapes in one batch: the rectangles' models
(shapegen.sampling.rectangle_generator) and the shapes' (shapegen.sampling.shape_generator)
alike. `sample` and `complete` are the API for users: they
check every argument (a mistake is an InputError, a ValueError, of one line) and return
lists of (k, 2) arrays; the batch methods work on arrays for the pipeline and return
padded points (n, max_points, 2) and lengths (n,). Nothing here imports TensorFlow.
"""

import abc
import dataclasses
import math
from typing import ClassVar

import numpy as np

from shapegen.data.families import FAMILIES, unpadded
from shapegen.errors import InputError, shown
from shapegen.sampling.network import Network

# A categorical model divides its float32 logits by the temperature (float32 ends at
# 3.4e38 and rounds 1e-46 to 0): from 1e-30, logits up to 1e8 stay finite; up to 1e30,
# the temperature stays a float32 number and its square root scales a mixture finitely.
TEMPERATURE_MIN = 1e-30
TEMPERATURE_MAX = 1e30


@dataclasses.dataclass(frozen=True)
class Generator(abc.ABC):
    """Draws shapes from one trained network. `name` is how messages call the model."""

    network: Network
    name: str = "this model"

    data: ClassVar[str]  # the kind of data the model draws, as params.yaml's `data` names it
    max_points: ClassVar[int]  # the most points a drawn shape has
    max_given: ClassVar[int]  # the most points `complete` may be given
    draws: ClassVar[str]  # what an unconditional model of the kind draws, for messages

    def sample(
        self,
        n: int,
        *,
        seed: int | np.random.Generator = 0,
        temperature: float = 1.0,
        family: str | None = None,
    ) -> list[np.ndarray]:
        """n shapes, each a float array (k, 2) of its points in drawing order."""
        return self.complete(np.zeros((0, 2)), n, seed=seed, temperature=temperature, family=family)

    def complete(
        self,
        prefix: object,
        n: int,
        *,
        seed: int | np.random.Generator = 0,
        temperature: float = 1.0,
        family: str | None = None,
    ) -> list[np.ndarray]:
        """n shapes that begin with the given points (k, 2), exactly, and draw the rest.

        family: the family to draw, for a conditional model (and only for one)."""
        prefix = self.check_prefix(prefix)
        n = check_count(n)
        temperature = check_temperature(temperature)
        rng = rng_from_seed(seed)
        families = self.check_family(family, n)
        prefixes = np.broadcast_to(prefix, (n, *prefix.shape))
        # A file's weights are anyone's numbers: where they overflow, the result is checked
        # below, in one line, instead of numpy's warnings on the way.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            points, lengths = self.complete_batch(prefixes, rng, temperature, families)
        if not np.all(np.isfinite(points)):
            raise InputError(
                f"{self.name}: drew points that are not finite numbers; expected a model whose "
                "arithmetic stays finite (its weights are far larger than training makes them)"
            )
        return unpadded(points, lengths)

    def generate_batch(
        self,
        n: int,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """n shapes drawn from the start: points (n, max_points, 2), zero after each
        length, and lengths (n,)."""
        return self.complete_batch(np.zeros((n, 0, 2)), rng, temperature, families)

    @abc.abstractmethod
    def complete_batch(
        self,
        prefixes: np.ndarray,
        rng: np.random.Generator,
        temperature: float,
        families: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Shapes that keep the given first points (n, k, 2) and draw the rest: points
        (n, max_points, 2), zero after each length, and lengths (n,). families (n,): the
        family indices asked of a conditional model (None for any other)."""

    def check_prefix(self, prefix: object, label: str = "prefix") -> np.ndarray:
        """Given first points as a float array (k, 2), 0 <= k <= max_given, each in the unit
        square; InputError otherwise."""
        return check_prefix(prefix, self.max_given, label)

    def check_family(self, family: object, n: int, label: str = "family") -> np.ndarray | None:
        """The family asked for, as its index repeated n times (None for a model that is
        not conditional); InputError where the model needs another answer."""
        if not self.network.conditional:
            if family is not None:
                raise InputError(
                    f"{label}: {family!r} given, but {self.name} is not a conditional model "
                    f"(it draws {self.draws} by itself); expected no {label}"
                )
            return None
        if family is None:
            raise InputError(
                f"{label}: missing; {self.name} is a conditional model, expected one of "
                f"{', '.join(FAMILIES)}"
            )
        if family not in FAMILIES:
            raise InputError(
                f"{label}: {family!r} is not a family; expected one of {', '.join(FAMILIES)}"
            )
        return np.full(n, FAMILIES.index(family))


def check_count(n: object, label: str = "n") -> int:
    """n itself if it is a positive whole number of shapes; InputError otherwise."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"{label}: {n!r} is not a number of shapes; expected a whole number >= 1")
    return int(n)


def check_temperature(temperature: object, label: str = "temperature") -> float:
    """The temperature if it is a number from TEMPERATURE_MIN to TEMPERATURE_MAX;
    InputError otherwise."""
    number = isinstance(temperature, int | float | np.integer | np.floating) and not isinstance(
        temperature, bool
    )
    if not number or not math.isfinite(temperature) or temperature <= 0:
        raise InputError(
            f"{label}: {shown(temperature)} is not valid; expected a positive finite number"
        )
    if not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        raise InputError(
            f"{label}: {shown(temperature)} is outside the range the models' float32 arithmetic "
            f"takes; expected a number from {TEMPERATURE_MIN:g} to {TEMPERATURE_MAX:g}"
        )
    return float(temperature)


def rng_from_seed(seed: object, label: str = "seed") -> np.random.Generator:
    """A random generator from a whole number >= 0 (or the generator itself)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"{label}: {seed!r} is not a seed; expected a whole number >= 0")
    return np.random.default_rng(int(seed))


def check_prefix(prefix: object, max_given: int, label: str = "prefix") -> np.ndarray:
    """Given first points as a float array (k, 2), 0 <= k <= max_given, in the unit square."""
    try:
        points = np.asarray(prefix, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            f"{label}: {prefix!r} is not a list of points; expected (x, y) pairs"
        ) from None
    if points.size == 0:
        points = points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        raise InputError(f"{label}: an array of shape {points.shape}; expected (k, 2): k points")
    if points.shape[0] > max_given:
        raise InputError(
            f"{label}: {points.shape[0]} points; this model may be given at most {max_given}"
        )
    outside = ~np.all(np.isfinite(points) & (points >= 0) & (points <= 1), axis=1)
    if outside.any():
        index = int(np.argmax(outside))
        raise InputError(
            f"{label}: point {index + 1} ({_point_text(points[index])}) lies outside the unit "
            "square; expected 0 <= x, y <= 1"
        )
    return points


def _point_text(point: np.ndarray) -> str:
    return ", ".join(repr(float(value)) for value in point)
