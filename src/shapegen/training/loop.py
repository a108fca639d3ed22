"""Training with the chapter's semantics, run as one compiled loop.

The chapter calls `model.fit(X, y, epochs=1, shuffle=False)` once per rectangle:
one Adam update per rectangle on its 3 samples, in stored order, the optimizer state
carried across calls. That costs ~63 ms an update in Keras overhead. Here the same
update sequence runs inside a `tf.while_loop` in one `tf.function` (XLA-compiled by
default), in chunks that end at every checkpoint; chunking never changes the result.
"""

import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

import keras
import numpy as np
import tensorflow as tf

from shapegen.config.params import ShapesParams, VariantParams, updates_per_pass
from shapegen.data.families import ShapeBatch, family_weight_array, importance_weights
from shapegen.data.rectangles import FRAMINGS
from shapegen.errors import InputError
from shapegen.heads import categorical
from shapegen.model import build_categorical_model, build_model

Snapshot = tuple[list[np.ndarray], list[np.ndarray]]
TENSOR_ALIGNMENT = 64  # bytes: Eigen's, which TensorFlow's CPU kernels check
PROGRESS_BAR_WIDTH = 30


@dataclasses.dataclass(frozen=True)
class TrainingResult:
    """Per-update losses, the model state at each checkpoint, and where the time went."""

    losses: np.ndarray
    snapshots: dict[int, Snapshot]
    compile_seconds: float  # tracing and XLA compilation, before the first update
    update_seconds: float  # all updates, chunk calls and checks included


def train_variant(
    params: VariantParams,
    data: np.ndarray | ShapeBatch,
    on_chunk: Callable[[int, np.ndarray], None] | None = None,
    shape_weights: np.ndarray | None = None,
) -> tuple[keras.Model, TrainingResult]:
    """Build a variant's model and train it on its data (rectangles or shapes) as its
    params say; shape_weights (n,): each shape's weight in a categorical head's loss."""
    if params.model.head == "categorical":
        model, batches = _categorical_model(params, data, shape_weights)
    else:
        model, batches = _corner_model(params, data)
    result = train(
        model,
        batches,
        params.train.checkpoints,
        passes=params.train.passes,
        jit_compile=params.train.jit_compile,
        chunk_size=params.train.chunk_size,
        on_chunk=on_chunk,
    )
    return model, result


def training_shape_weights(
    params: VariantParams, shapes: ShapesParams, data: np.ndarray | ShapeBatch
) -> np.ndarray | None:
    """Each training shape's weight in the loss: for a categorical model that picks the
    family itself, its family's share in the test split over its share in the training
    split (it learns the shares it is trained on); None (all 1) for every other model."""
    if params.model.head != "categorical" or params.model.categorical.conditional:
        return None
    return importance_weights(
        data.families,
        family_weight_array(shapes.family_weights),
        family_weight_array(shapes.train_family_weights),
    )


def _corner_model(params: VariantParams, rectangles: np.ndarray):
    inputs, targets = FRAMINGS[params.model.framing](rectangles)
    batches = Batches.in_order(inputs, targets)
    mixture = params.model.mixture
    model = build_model(
        params.model.units,
        params.train.learning_rate,
        params.model.seed,
        framing=params.model.framing,
        head=params.model.head,
        mixture=None if mixture is None else dataclasses.asdict(mixture),
        learning_rate_decay_to=params.train.learning_rate_decay_to,
        n_updates=len(inputs) * params.train.passes,
    )
    return model, batches


def _categorical_model(params: VariantParams, shapes: ShapeBatch, shape_weights: np.ndarray | None):
    head = params.model.categorical

    def frame(rows: np.ndarray, n_steps: int = categorical.N_STEPS):
        return categorical.frame_shapes(
            shapes.points[rows],
            shapes.lengths[rows],
            shapes.families[rows] if head.conditional else None,
            head.bins,
            None if shape_weights is None else shape_weights[rows],
            n_steps,
        )

    if params.model.framing == "point":
        batches = _point_batches(params, shapes.lengths, frame)
    else:
        batches = _sequence_batches(params, shapes.lengths, frame)
    model = build_categorical_model(
        params.model.units,
        params.train.learning_rate,
        params.model.seed,
        framing=params.model.framing,
        bins=head.bins,
        embedding_units=head.embedding_units,
        hidden_units=head.hidden_units,
        conditional=head.conditional,
        clip_norm=head.clip_norm,
        learning_rate_decay_to=params.train.learning_rate_decay_to,
        n_updates=len(batches) * params.train.passes,
    )
    return model, batches


# Shapes framed at a time in the point framing: the block's arrays stay small (a fresh
# 500 MB array costs seconds of page faults here) and only its scored rows are kept.
POINT_FRAMING_BLOCK = 65536


def _point_batches(params: VariantParams, lengths: np.ndarray, frame: Callable) -> "Batches":
    """Every scored step a sample of its own (a sequence of one step): the steps after
    each shape's end, a third of them, are dropped, and each update takes the next equal
    share of the rest in stored order (about shapes_per_update shapes' worth; the last
    update padded with steps that score nothing)."""
    lengths = np.asarray(lengths)
    n_updates = updates_per_pass(params, len(lengths))
    per_update = -(-int(np.sum(lengths + 1)) // n_updates)  # each move, then the end
    inputs = np.zeros((n_updates * per_update, categorical.N_INPUTS + 1), np.float32)
    targets = np.zeros((n_updates * per_update, categorical.TARGET_COLUMNS), np.float32)
    done = 0
    for start in range(0, len(lengths), POINT_FRAMING_BLOCK):
        rows = np.arange(start, min(start + POINT_FRAMING_BLOCK, len(lengths)))
        block_inputs, block_targets = frame(rows)
        scored = np.arange(categorical.N_STEPS)[None, :] <= lengths[rows, None]
        count = int(np.sum(scored))
        inputs[done : done + count] = block_inputs[scored]
        targets[done : done + count] = block_targets[scored]
        done += count
    return Batches.in_order(
        inputs.reshape(n_updates, per_update, 1, -1), targets.reshape(n_updates, per_update, 1, -1)
    )


def _sequence_batches(params: VariantParams, lengths: np.ndarray, frame: Callable) -> "Batches":
    """Each update shapes_per_update whole shapes, in parts by length (length_buckets),
    each part framed for its bucket's steps only."""
    # A shape of k points has k + 1 steps: each move is scored, then the end.
    bucket_steps = [points + 1 for points in params.train.length_buckets] or [categorical.N_STEPS]
    per_update = params.train.shapes_per_update
    parts = length_buckets(np.asarray(lengths) + 1, bucket_steps, per_update)
    inputs, targets = [], []
    for rows, steps in parts:
        part_inputs, part_targets = frame(rows.ravel(), steps)
        inputs.append(part_inputs.reshape(*rows.shape, *part_inputs.shape[1:]))
        targets.append(part_targets.reshape(*rows.shape, *part_targets.shape[1:]))
    return Batches(tuple(inputs), tuple(targets))


@dataclasses.dataclass(frozen=True)
class Batches:
    """Every update's batch, in parts: update i takes inputs[p][i], targets[p][i] of each
    part p (arrays of updates, the part's sequences per update, its steps, columns)."""

    inputs: tuple[np.ndarray, ...]
    targets: tuple[np.ndarray, ...]

    @classmethod
    def in_order(cls, inputs: np.ndarray, targets: np.ndarray) -> "Batches":
        """One part: update i takes batch i (the chapter's stored order)."""
        return cls((inputs,), (targets,))

    def __len__(self) -> int:
        return len(self.inputs[0])


def length_buckets(
    steps: np.ndarray, bucket_steps: Sequence[int], per_update: int
) -> list[tuple[np.ndarray, int]]:
    """Each update's sequences in parts by length, for sequences of `steps` each, as
    indices (updates, sequences of the part per update) and the part's steps.

    Every update holds as many sequences of each bucket (the first of at least their
    steps): its share of the data, rounded down, the last bucket taking the rest. Each
    part takes its bucket's sequences in stored order, and those beyond its share, evenly
    spread, go on to the next, longer bucket. Every update has the mix of the whole data,
    and its part of 4-point shapes runs 5 steps, not 9. (Batches of one bucket each,
    cheaper still, change the mix from update to update: that shook an unconditional
    model's family shares, family_tv 0.05 on one weight seed of five.)
    """
    steps = np.asarray(steps)
    n_updates = len(steps) // per_update
    bucket_of = np.searchsorted(np.asarray(bucket_steps), steps)
    parts = []
    carried = np.zeros(0, dtype=np.int64)  # earlier buckets' sequences beyond their share
    taken = 0
    for bucket, bucket_steps_of in enumerate(bucket_steps):
        own = np.flatnonzero(bucket_of == bucket)
        members = np.union1d(carried, own)
        last = bucket == len(bucket_steps) - 1
        count = per_update - taken if last else len(own) * per_update // len(steps)
        taken += count
        # The sequences beyond the share, spread evenly over the stored order: at its end
        # they would tilt the last updates' mix (an unconditional model's family shares
        # followed: 43% rectangles for 35%).
        surplus = len(members) - count * n_updates
        spilled = np.zeros(len(members), dtype=bool)
        if surplus:
            spilled[np.round(np.linspace(0, len(members) - 1, surplus)).astype(np.int64)] = True
        if count:
            parts.append((members[~spilled].reshape(n_updates, count), int(bucket_steps_of)))
        carried = members[spilled]
    return parts


def chunk_bounds(n_updates: int, checkpoints: Sequence[int], chunk_size: int) -> list[int]:
    """Ends of the compiled chunks: every checkpoint, every chunk_size updates, and the end."""
    ends = set(range(chunk_size, n_updates, chunk_size)) | set(checkpoints) | {n_updates}
    return sorted(end for end in ends if 0 < end <= n_updates)


def make_update_loop(model: keras.Model, jit_compile: bool, n_parts: int = 1) -> Callable:
    """A compiled function running updates [start, stop) and returning the loss buffer.

    Its inputs keep one shape for the whole run, so it is traced and compiled once. An
    update in parts runs the model on each and averages the loss over all their
    sequences: the loss of the batch the parts make up.
    """
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.get(model.loss)

    @tf.function(jit_compile=jit_compile, reduce_retracing=True)
    def run_updates(inputs, targets, losses, start, stop):
        n_batches = tf.shape(inputs[0])[0]

        def update(i, losses):
            batch = i % n_batches  # passes over the data, in stored order each time
            with tf.GradientTape() as tape:
                if n_parts == 1:  # the rectangles' updates, bit for bit as they were
                    predictions = model(inputs[0][batch], training=True)
                    loss = tf.reduce_mean(loss_fn(targets[0][batch], predictions))
                else:
                    # The loss is a mean over a part's sequences: weighted by their count,
                    # the parts' means make the mean over the whole batch.
                    total = sum(
                        part.shape[1]
                        * loss_fn(part_targets[batch], model(part[batch], training=True))
                        for part, part_targets in zip(inputs, targets, strict=True)
                    )
                    loss = total / sum(part.shape[1] for part in inputs)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(gradients, model.trainable_variables)
            return i + 1, tf.tensor_scatter_nd_update(losses, [[i]], [loss])

        _, losses = tf.while_loop(lambda i, _: i < stop, update, [start, losses])
        return losses

    return run_updates


def train(
    model: keras.Model,
    batches: Batches,
    checkpoints: Sequence[int],
    *,
    passes: int = 1,
    jit_compile: bool = True,
    chunk_size: int | None = None,
    on_chunk: Callable[[int, np.ndarray], None] | None = None,
) -> TrainingResult:
    """One update per batch, in order, `passes` times over them.

    Rectangles come one per batch, in stored order (Batches.in_order of shapegen.data.rectangles's
    framings), as in the chapter. The model is snapshotted at each checkpoint (a count of
    updates).

    `on_chunk(updates_done, chunk_losses)` is called once compiled (with 0 updates done)
    and after each compiled chunk, for progress display. A non-finite loss stops
    training with an InputError naming the update, before anything is returned.
    """
    n_updates = len(batches) * passes
    inputs = tuple(as_tensor(array) for array in batches.inputs)
    targets = tuple(as_tensor(array) for array in batches.targets)
    losses = tf.zeros((n_updates,), dtype=tf.float32)
    run_updates = make_update_loop(model, jit_compile, len(inputs))
    snapshots: dict[int, Snapshot] = {}
    started = time.perf_counter()
    # An empty range: traces and compiles the loop without updating, so it can be timed.
    losses = run_updates(inputs, targets, losses, tf.constant(0), tf.constant(0))
    compiled = time.perf_counter()
    if on_chunk is not None:
        on_chunk(0, np.zeros(0, dtype=np.float32))
    start = 0
    for stop in chunk_bounds(n_updates, checkpoints, chunk_size or n_updates):
        losses = run_updates(inputs, targets, losses, tf.constant(start), tf.constant(stop))
        chunk_losses = losses[start:stop].numpy()
        if not np.all(np.isfinite(chunk_losses)):
            bad = start + int(np.argmin(np.isfinite(chunk_losses))) + 1
            raise InputError(
                f"training diverged: the loss is not finite at update {bad} of {n_updates} "
                "(lower the learning rate); no model was written"
            )
        if stop in checkpoints:
            snapshots[stop] = take_snapshot(model)
        if on_chunk is not None:
            on_chunk(stop, chunk_losses)
        start = stop
    return TrainingResult(
        losses=losses.numpy(),
        snapshots=snapshots,
        compile_seconds=compiled - started,
        update_seconds=time.perf_counter() - compiled,
    )


def as_tensor(array: np.ndarray) -> tf.Tensor:
    """The array as a tensor on the default device, without tf.constant's copy on the CPU
    (2-3 s for the shapes' 500 MB of framed inputs): the tensor shares a 64-byte aligned
    array's memory (DLPack), the alignment TensorFlow's kernels assume."""
    if array.ctypes.data % TENSOR_ALIGNMENT or not array.flags.c_contiguous:
        buffer = np.empty(array.nbytes + TENSOR_ALIGNMENT, dtype=np.uint8)
        offset = -buffer.ctypes.data % TENSOR_ALIGNMENT
        aligned = buffer[offset : offset + array.nbytes].view(array.dtype).reshape(array.shape)
        np.copyto(aligned, array)
        array = aligned
    shared = tf.experimental.dlpack.from_dlpack(array.__dlpack__())
    return tf.identity(shared)  # a copy only where the default device is not the CPU


def take_snapshot(model: keras.Model) -> Snapshot:
    """Copies of the model's weights and its optimizer's state."""
    optimizer_state = [variable.numpy().copy() for variable in model.optimizer.variables]
    return [weight.copy() for weight in model.get_weights()], optimizer_state


def restore_snapshot(model: keras.Model, snapshot: Snapshot) -> None:
    """Set a model (built like the snapshot's) to the snapshot's weights and optimizer state."""
    weights, optimizer_state = snapshot
    model.set_weights(weights)
    model.optimizer.build(model.trainable_variables)
    for variable, value in zip(model.optimizer.variables, optimizer_state, strict=True):
        variable.assign(value)


def progress_bar(
    n_updates: int, loss_window: int, stream: TextIO = sys.stdout
) -> Callable[[int, np.ndarray], None]:
    """An `on_chunk` callback drawing one progress bar: updates/s and the running loss.

    On a terminal the bar is redrawn in place; in a log (DVC, CI) each chunk is a line.
    The rate counts from the call with 0 updates done, after compilation.
    """
    started = time.perf_counter()
    in_place = stream.isatty()
    width = len(str(n_updates))

    def on_chunk(updates_done: int, chunk_losses: np.ndarray) -> None:
        nonlocal started
        if updates_done == 0:
            started = time.perf_counter()
            return
        rate = updates_done / max(time.perf_counter() - started, 1e-9)
        filled = round(PROGRESS_BAR_WIDTH * updates_done / n_updates)
        bar = "#" * filled + "." * (PROGRESS_BAR_WIDTH - filled)
        line = (
            f"[{bar}] {updates_done:>{width}}/{n_updates} updates, {rate:,.0f} updates/s, "
            f"loss (mean of last {min(loss_window, len(chunk_losses))}) "
            f"{np.mean(chunk_losses[-loss_window:]):.4f}"
        )
        last = updates_done == n_updates
        if in_place:
            stream.write("\r" + line + ("\n" if last else ""))
        else:
            stream.write(line + "\n")
        stream.flush()

    return on_chunk


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over the last `window` values (fewer at the start)."""
    sums = np.cumsum(np.asarray(values, dtype=np.float64))
    counts = np.minimum(np.arange(1, sums.size + 1), window)
    lagged = np.concatenate([np.zeros(window), sums])[: sums.size]
    return (sums - lagged) / counts
