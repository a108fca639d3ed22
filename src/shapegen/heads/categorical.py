"""The shapes' categorical head: each coordinate of a turtle move as one bin of a grid.

A move (shapegen.data.turtle: P0, then a heading or a turn's code and a side's length) has two
coordinates in [0, 1]; each is quantized to `bins` values k / (bins - 1). At each step
the model gives a softmax over the first coordinate's bins plus one more class, END (the
shape has no more points), then a softmax over the second coordinate's bins given the
first (PolyGen's vertex coordinates, Polygon-RNN's end token). A mixture of Gaussians has
no sharp edges; a softmax over bins can put zero mass beyond any edge that moves with the
earlier moves (a polygon's centre inside [r, 1 - r]), which is where the mixture heads'
invalid shapes came from (docs/shapes.md).

With bins - 1 a multiple of 10 the grid holds every code the families need exactly: the
sides codes n / 10, the later turns' 1/2, a heading of 0 or 1/4.

Step inputs: the previous move's two bins (a START class before the first move), their
values, a one-hot of the step and of the family (zeros for an unconditional model). The
likelihood is written once against an array namespace: keras.ops in training
(shapegen.model.CategoricalNLL), NUMPY_OPS to score a trained model.
"""

import types

import numpy as np

from shapegen.data.families import FAMILIES, MAX_POINTS
from shapegen.data.turtle import encode_moves
from shapegen.heads.mixture import logsumexp

N_STEPS = MAX_POINTS + 1  # a move per point, then the step that ends the longest shape
N_FAMILIES = len(FAMILIES)
# Input columns: previous bins (2), previous values (2), step one-hot, family one-hot, and
# in training the step's own first bin (teacher-forced into the second coordinate's head).
PREVIOUS_BINS = slice(0, 2)
PREVIOUS_VALUES = slice(2, 4)
STEP_COLUMNS = slice(4, 4 + N_STEPS)
FAMILY_COLUMNS = slice(4 + N_STEPS, 4 + N_STEPS + N_FAMILIES)
N_INPUTS = 4 + N_STEPS + N_FAMILIES
FIRST_BIN_COLUMN = N_INPUTS  # the column after the step inputs
# Target columns: the first coordinate's class (a bin or END), the second's bin, and
# whether each is scored at the step.
TARGET_COLUMNS = 4


def quantize(values: np.ndarray, bins: int) -> np.ndarray:
    """The nearest bin (int) of each value in [0, 1]; values outside clip to the ends.

    Any point sequence can be framed: a side of length 0 encodes as a turn of 0, an
    infinite sides code (the last bin), and the change after it as NaN (the first bin).
    """
    values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=1.0, neginf=0.0)
    return np.clip(np.rint(values * (bins - 1)), 0, bins - 1).astype(np.int64)


def bin_values(codes: np.ndarray, bins: int) -> np.ndarray:
    """The value k / (bins - 1) of each bin k."""
    return np.asarray(codes, dtype=np.float64) / (bins - 1)


def end_class(bins: int) -> int:
    """The first coordinate's class that ends a shape (and the START input before it)."""
    return bins


def step_inputs(
    previous: np.ndarray | None, step: int, families: np.ndarray | None, bins: int, n: int
) -> np.ndarray:
    """Inputs (n, N_INPUTS) of one step: previous move's bins (n, 2), or None at the start."""
    inputs = np.zeros((n, N_INPUTS))
    if previous is None:
        inputs[:, PREVIOUS_BINS] = end_class(bins)
    else:
        inputs[:, PREVIOUS_BINS] = previous
        inputs[:, PREVIOUS_VALUES] = bin_values(previous, bins)
    inputs[:, STEP_COLUMNS.start + step] = 1.0
    if families is not None:
        inputs[np.arange(n), FAMILY_COLUMNS.start + np.asarray(families)] = 1.0
    return inputs


def frame_shapes(
    points: np.ndarray,
    lengths: np.ndarray,
    families: np.ndarray | None,
    bins: int,
    weights: np.ndarray | None = None,
    n_steps: int = N_STEPS,
) -> tuple[np.ndarray, np.ndarray]:
    """Training sequences: inputs (n, n_steps, N_INPUTS + 1) and targets (n, n_steps, 4),
    float32 (the precision the models compute in; every bin index is exact in it).

    families None frames them for an unconditional model. Steps after a shape's end are
    zeros, and score nothing; n_steps may stop after the longest shape's end (a shape of
    k points has k + 1 steps). weights (n,): each shape's weight in the loss of its first
    move, P0, which decides its family (1 if None); its later moves weigh 1.
    """
    lengths = np.asarray(lengths)
    n = len(lengths)
    if n and int(np.max(lengths)) >= n_steps:
        raise ValueError(f"n_steps {n_steps}: a shape of {int(np.max(lengths))} points needs more")
    codes = quantize(encode_moves(points, lengths), bins)  # (n, MAX_POINTS, 2), 0 after each
    moves = min(MAX_POINTS, n_steps)  # steps that may draw a move
    codes = codes[:, :moves]
    steps = np.arange(n_steps)
    scored = steps[None, :] <= lengths[:, None]  # each move, then the step that ends it
    drawn = steps[None, :moves] < lengths[:, None]
    inputs = np.zeros((n, n_steps, N_INPUTS + 1), dtype=np.float32)
    inputs[:, 0, PREVIOUS_BINS] = end_class(bins)  # START before the first move
    inputs[:, 1:, PREVIOUS_BINS] = codes[:, : n_steps - 1]
    inputs[:, 1:, PREVIOUS_VALUES] = bin_values(codes[:, : n_steps - 1], bins)
    inputs[:, steps, STEP_COLUMNS.start + steps] = 1.0
    if families is not None:
        inputs[:, :, FAMILY_COLUMNS] = np.eye(N_FAMILIES, dtype=np.float32)[
            np.asarray(families, dtype=np.int64)
        ][:, None, :]
    inputs[:, :moves, FIRST_BIN_COLUMN] = np.where(drawn, codes[..., 0], 0)
    targets = np.zeros((n, n_steps, TARGET_COLUMNS), dtype=np.float32)
    targets[:, :, 0] = end_class(bins)
    targets[:, :moves, 0] = np.where(drawn, codes[..., 0], end_class(bins))
    targets[:, :moves, 1] = np.where(drawn, codes[..., 1], 0)
    targets[:, :, 2] = scored
    targets[:, :moves, 3] = drawn
    if weights is not None:
        # The first move (P0) is where a shape's family is decided; the moves after it
        # are learned from every shape at full weight.
        targets[:, 0, 2:4] *= np.asarray(weights, dtype=np.float32)[:, None]
    inputs *= scored[:, :, None]
    targets *= scored[:, :, None]
    return inputs, targets


# The part of keras.ops the likelihood uses, in numpy.
NUMPY_OPS = types.SimpleNamespace(
    logsumexp=logsumexp,
    take_along_axis=np.take_along_axis,
    cast=lambda x, dtype: np.asarray(x).astype(dtype),
    reshape=np.reshape,
    sum=np.sum,
)


def shapes_nll(targets, outputs, bins: int, ops=NUMPY_OPS):
    """Per sequence (n,): the negative log-likelihood (nats) of its moves and of its end.

    targets (n, steps, TARGET_COLUMNS) as frame_shapes makes them; outputs (n, steps,
    2 bins + 1): the first coordinate's logits (bins + END), then the second's. Each
    class's NLL is log-sum-exp of the logits less the true class's logit: a gather, not
    a one-hot product over every class.
    """
    steps = targets.shape[1]
    true = ops.reshape(targets, (-1, TARGET_COLUMNS))
    raw = ops.reshape(outputs, (-1, 2 * bins + 1))
    per_step = 0.0
    for logits, column in ((raw[:, : bins + 1], 0), (raw[:, bins + 1 :], 1)):
        true_class = ops.cast(true[:, column : column + 1], "int32")
        true_logit = ops.take_along_axis(logits, true_class, axis=-1)[:, 0]
        per_step = per_step + true[:, column + 2] * (ops.logsumexp(logits, axis=-1) - true_logit)
    return ops.sum(ops.reshape(per_step, (-1, steps)), axis=1)


def sample_classes(logits: np.ndarray, rng: np.random.Generator, temperature: float) -> np.ndarray:
    """One class per row of logits (n, classes), the logits divided by the temperature."""
    scaled = logits / np.asarray(temperature, dtype=logits.dtype)
    weights = np.exp(scaled - np.max(scaled, axis=-1, keepdims=True))  # the largest is 1
    cumulative = np.cumsum(weights, axis=-1)
    draws = rng.random(len(logits))[:, None] * cumulative[:, -1:]
    return np.minimum(np.sum(cumulative < draws, axis=-1), logits.shape[-1] - 1)
