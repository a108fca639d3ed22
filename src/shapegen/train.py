"""Training with the chapter's semantics, run as one compiled loop.

The chapter calls `model.fit(X, y, epochs=1, shuffle=False)` once per rectangle:
one Adam update per rectangle on its 3 samples, in stored order, the optimizer state
carried across calls. That costs ~63 ms an update in Keras overhead. Here the same
update sequence runs inside a `tf.while_loop` in one `tf.function` (XLA-compiled by
default), in chunks that end at every checkpoint; chunking never changes the result.
"""

import dataclasses
import functools
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

import keras
import numpy as np
import tensorflow as tf

from shapegen import categorical
from shapegen.config import ShapesParams, VariantParams, updates_per_pass
from shapegen.errors import InputError
from shapegen.families import ShapeBatch, family_weight_array, importance_weights
from shapegen.geometry import FRAMINGS
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
    """Each update shapes_per_update whole shapes of one length bucket (length_buckets),
    framed for that bucket's steps only."""
    # A shape of k points has k + 1 steps: each move is scored, then the end.
    bucket_steps = [points + 1 for points in params.train.length_buckets] or [categorical.N_STEPS]
    per_update = params.train.shapes_per_update
    buckets, order = length_buckets(np.asarray(lengths) + 1, bucket_steps, per_update)
    framed = [frame(rows.ravel(), steps) for rows, steps in buckets]
    return Batches(
        inputs=tuple(x.reshape(-1, per_update, *x.shape[1:]) for x, _ in framed),
        targets=tuple(y.reshape(-1, per_update, *y.shape[1:]) for _, y in framed),
        order=order,
    )


@dataclasses.dataclass(frozen=True)
class Batches:
    """Every update's batch: bucket b's arrays inputs[b], targets[b] (batches, per update,
    steps of the bucket, columns), and order (updates, 2): each update's bucket and batch."""

    inputs: tuple[np.ndarray, ...]
    targets: tuple[np.ndarray, ...]
    order: np.ndarray

    @classmethod
    def in_order(cls, inputs: np.ndarray, targets: np.ndarray) -> "Batches":
        """One bucket: update i takes batch i (the chapter's stored order)."""
        order = np.stack([np.zeros(len(inputs)), np.arange(len(inputs))], axis=1)
        return cls((inputs,), (targets,), order.astype(np.int32))

    def __len__(self) -> int:
        return len(self.order)


def length_buckets(
    steps: np.ndarray, bucket_steps: Sequence[int], per_update: int
) -> tuple[list[tuple[np.ndarray, int]], np.ndarray]:
    """Batches of per_update sequences of one length bucket, for sequences of `steps` each.

    A sequence goes to the first bucket of at least its steps. The sequences arrive in
    stored order, each into its bucket's queue, and a full queue is the next update: the
    stream stays in stored order, each update runs only its bucket's steps (a 4-point
    shape 5 steps, not 9). The queues' remainders, fewer than per_update each, end the
    stream in the last bucket's batches. Returns, for each bucket that has batches, their
    indices (batches, per_update) and its steps, and the order (updates, 2): the bucket
    (among those returned) and batch of each update.
    """
    steps = np.asarray(steps)
    bucket_of = np.searchsorted(np.asarray(bucket_steps), steps)
    last = len(bucket_steps) - 1
    batches: list[list[np.ndarray]] = [[] for _ in bucket_steps]
    ends: list[tuple[int, int, int]] = []  # (stored position of its last shape, bucket, batch)
    remainder = []
    for bucket in range(len(bucket_steps)):
        members = np.flatnonzero(bucket_of == bucket)
        full = len(members) - len(members) % per_update
        for start in range(0, full, per_update):
            batch = members[start : start + per_update]
            ends.append((int(batch[-1]), bucket, len(batches[bucket])))
            batches[bucket].append(batch)
        remainder.append(members[full:])
    leftover = np.sort(np.concatenate(remainder))
    for start in range(0, len(leftover) - len(leftover) % per_update, per_update):
        batch = leftover[start : start + per_update]
        ends.append((int(steps.size + start), last, len(batches[last])))
        batches[last].append(batch)
    kept = [bucket for bucket, rows in enumerate(batches) if rows]
    renumbered = {bucket: new for new, bucket in enumerate(kept)}
    order = [(renumbered[bucket], batch) for _, bucket, batch in sorted(ends)]
    buckets = [(np.stack(batches[bucket]), int(bucket_steps[bucket])) for bucket in kept]
    return buckets, np.array(order, dtype=np.int32).reshape(-1, 2)


def chunk_bounds(n_updates: int, checkpoints: Sequence[int], chunk_size: int) -> list[int]:
    """Ends of the compiled chunks: every checkpoint, every chunk_size updates, and the end."""
    ends = set(range(chunk_size, n_updates, chunk_size)) | set(checkpoints) | {n_updates}
    return sorted(end for end in ends if 0 < end <= n_updates)


def make_update_loop(model: keras.Model, jit_compile: bool, n_buckets: int = 1) -> Callable:
    """A compiled function running updates [start, stop) and returning the loss buffer.

    Its inputs keep one shape for the whole run, so it is traced and compiled once: with
    several buckets, once per bucket, each update switching to its bucket's branch.
    """
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.get(model.loss)

    def update_on(inputs, targets):
        with tf.GradientTape() as tape:
            predictions = model(inputs, training=True)
            loss = tf.reduce_mean(loss_fn(targets, predictions))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        return loss

    @tf.function(jit_compile=jit_compile, reduce_retracing=True)
    def run_updates(inputs, targets, order, losses, start, stop):
        n_batches = tf.shape(order)[0]

        def update_in(bucket: int, batch):
            return update_on(inputs[bucket][batch], targets[bucket][batch])

        def update(i, losses):
            bucket, batch = tf.unstack(order[i % n_batches])  # passes, in order each time
            if n_buckets == 1:
                loss = update_on(inputs[0][batch], targets[0][batch])
            else:
                # Each branch slices its own bucket: the batch index is only valid there.
                loss = tf.switch_case(
                    bucket,
                    [functools.partial(update_in, b, batch) for b in range(n_buckets)],
                )
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
    """One update per batch, in batches.order, `passes` times over them.

    Rectangles come one per batch, in stored order (Batches.in_order of shapegen.geometry's
    framings), as in the chapter. The model is snapshotted at each checkpoint (a count of
    updates).

    `on_chunk(updates_done, chunk_losses)` is called once compiled (with 0 updates done)
    and after each compiled chunk, for progress display. A non-finite loss stops
    training with an InputError naming the update, before anything is returned.
    """
    n_updates = len(batches) * passes
    inputs = tuple(as_tensor(array) for array in batches.inputs)
    targets = tuple(as_tensor(array) for array in batches.targets)
    order = tf.constant(batches.order, dtype=tf.int32)
    losses = tf.zeros((n_updates,), dtype=tf.float32)
    run_updates = make_update_loop(model, jit_compile, len(inputs))
    snapshots: dict[int, Snapshot] = {}
    started = time.perf_counter()
    # An empty range: traces and compiles the loop without updating, so it can be timed.
    losses = run_updates(inputs, targets, order, losses, tf.constant(0), tf.constant(0))
    compiled = time.perf_counter()
    if on_chunk is not None:
        on_chunk(0, np.zeros(0, dtype=np.float32))
    start = 0
    for stop in chunk_bounds(n_updates, checkpoints, chunk_size or n_updates):
        losses = run_updates(inputs, targets, order, losses, tf.constant(start), tf.constant(stop))
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
