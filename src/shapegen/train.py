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

from shapegen import categorical
from shapegen.config import ShapesParams, VariantParams, updates_per_pass
from shapegen.errors import InputError
from shapegen.families import ShapeBatch, family_weight_array, importance_weights
from shapegen.geometry import FRAMINGS
from shapegen.model import build_categorical_model, build_model

Snapshot = tuple[list[np.ndarray], list[np.ndarray]]
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
        model, inputs, targets = _categorical_model(params, data, shape_weights)
    else:
        model, inputs, targets = _corner_model(params, data)
    result = train(
        model,
        inputs,
        targets,
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
    return model, inputs, targets


def _categorical_model(params: VariantParams, shapes: ShapeBatch, shape_weights: np.ndarray | None):
    head = params.model.categorical
    inputs, targets = categorical.frame_shapes(
        shapes.points,
        shapes.lengths,
        shapes.families if head.conditional else None,
        head.bins,
        shape_weights,
    )
    inputs, targets = _batches(params, inputs, targets)
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
        n_updates=len(inputs) * params.train.passes,
    )
    return model, inputs.astype(np.float32), targets.astype(np.float32)


def _batches(params: VariantParams, inputs: np.ndarray, targets: np.ndarray):
    """Framed shapes (n, steps, ...) as one batch per update (updates, per update, ...).

    In the point framing every scored step is a sample of its own (a sequence of one
    step): the steps after each shape's end, a third of them, are dropped, and each update
    takes the next equal share of the rest in stored order (about shapes_per_update
    shapes' worth; the last update padded with steps that score nothing).
    """
    n_updates = updates_per_pass(params, len(inputs))
    if params.model.framing == "point":
        rows = np.flatnonzero(targets[:, :, 2].ravel() > 0)
        per_update = -(-len(rows) // n_updates)
        packed = []
        for array in (inputs, targets):
            # One copy of the scored rows into zeros (the last update's padding).
            out = np.zeros((n_updates * per_update, array.shape[-1]), dtype=array.dtype)
            np.take(array.reshape(-1, array.shape[-1]), rows, axis=0, out=out[: len(rows)])
            packed.append(out.reshape(n_updates, per_update, 1, array.shape[-1]))
        return tuple(packed)
    per_update = params.train.shapes_per_update
    return (
        inputs.reshape(n_updates, per_update, *inputs.shape[1:]),
        targets.reshape(n_updates, per_update, *targets.shape[1:]),
    )


def chunk_bounds(n_updates: int, checkpoints: Sequence[int], chunk_size: int) -> list[int]:
    """Ends of the compiled chunks: every checkpoint, every chunk_size updates, and the end."""
    ends = set(range(chunk_size, n_updates, chunk_size)) | set(checkpoints) | {n_updates}
    return sorted(end for end in ends if 0 < end <= n_updates)


def make_update_loop(model: keras.Model, jit_compile: bool) -> Callable:
    """A compiled function running updates [start, stop) and returning the loss buffer.

    Its inputs keep one shape for the whole run, so it is traced and compiled once.
    """
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.get(model.loss)

    @tf.function(jit_compile=jit_compile, reduce_retracing=True)
    def run_updates(inputs, targets, losses, start, stop):
        n_batches = tf.shape(inputs)[0]

        def update(i, losses):
            batch = i % n_batches  # passes over the data, in stored order each time
            with tf.GradientTape() as tape:
                predictions = model(inputs[batch], training=True)
                loss = tf.reduce_mean(loss_fn(targets[batch], predictions))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(gradients, model.trainable_variables)
            return i + 1, tf.tensor_scatter_nd_update(losses, [[i]], [loss])

        _, losses = tf.while_loop(lambda i, _: i < stop, update, [start, losses])
        return losses

    return run_updates


def train(
    model: keras.Model,
    inputs: np.ndarray,
    targets: np.ndarray,
    checkpoints: Sequence[int],
    *,
    passes: int = 1,
    jit_compile: bool = True,
    chunk_size: int | None = None,
    on_chunk: Callable[[int, np.ndarray], None] | None = None,
) -> TrainingResult:
    """One update per batch inputs[i], targets[i], in order, `passes` times over them.

    Batches come from shapegen.geometry's framings: one rectangle each, as in the
    chapter. The model is snapshotted at each checkpoint (a count of updates).

    `on_chunk(updates_done, chunk_losses)` is called once compiled (with 0 updates done)
    and after each compiled chunk, for progress display. A non-finite loss stops
    training with an InputError naming the update, before anything is returned.
    """
    n_updates = inputs.shape[0] * passes
    inputs, targets = tf.constant(inputs), tf.constant(targets)
    losses = tf.zeros((n_updates,), dtype=tf.float32)
    run_updates = make_update_loop(model, jit_compile)
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
