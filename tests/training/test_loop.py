"""The compiled trainer against the chapter's own loop (shapegen.training.chapter)."""

import io

import numpy as np
import pytest

from shapegen.data.families import draw_shapes
from shapegen.data.rectangles import frame_samples, frame_sequences, random_rectangles
from shapegen.errors import InputError
from shapegen.heads import categorical
from shapegen.model import build_model
from shapegen.training.chapter import chapter_model, fit_one_rectangle_at_a_time
from shapegen.training.loop import (
    Batches,
    chunk_bounds,
    length_buckets,
    moving_average,
    progress_bar,
    restore_snapshot,
    train,
)

from ..small_models import small_categorical_model

N_RECTANGLES = 50
SEED = 3


@pytest.fixture(scope="module")
def rectangles() -> np.ndarray:
    return random_rectangles(np.random.default_rng(SEED), N_RECTANGLES)


def train_book(model, rectangles, **options):
    """The project's trainer on the chapter's framing."""
    inputs, targets = frame_samples(rectangles)
    return train(model, Batches.in_order(inputs, targets), **options)


@pytest.fixture(scope="module")
def initial_weights() -> list[np.ndarray]:
    return build_model(units=10, learning_rate=1.0e-3, seed=SEED).get_weights()


@pytest.fixture(scope="module")
def chapter_weights(rectangles, initial_weights) -> list[np.ndarray]:
    model = chapter_model()
    model.set_weights(initial_weights)
    fit_one_rectangle_at_a_time(model, rectangles)
    return model.get_weights()


@pytest.mark.parametrize(
    ("jit_compile", "chunk_size"),
    [(True, None), (False, None), (True, 7), (False, 13)],
    ids=["xla", "graph", "xla-chunked", "graph-chunked"],
)
def test_trainer_equals_the_chapters_loop(
    rectangles, initial_weights, chapter_weights, jit_compile, chunk_size
):
    model = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    np.testing.assert_array_equal(model.get_weights()[0], initial_weights[0])
    result = train_book(
        model, rectangles, checkpoints=[10, 25], jit_compile=jit_compile, chunk_size=chunk_size
    )
    for ours, chapters in zip(model.get_weights(), chapter_weights, strict=True):
        np.testing.assert_allclose(ours, chapters, atol=1e-5, rtol=0)
    assert int(model.optimizer.iterations.numpy()) == N_RECTANGLES
    assert result.losses.shape == (N_RECTANGLES,)
    assert np.all(result.losses > 0)


def test_the_recurrent_kernel_never_changes(rectangles, initial_weights):
    # One time step from a zero state: the recurrent kernel gets exactly zero gradient.
    model = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    train_book(model, rectangles, checkpoints=[N_RECTANGLES])
    kernel, recurrent_kernel, _ = model.layers[0].get_weights()
    np.testing.assert_array_equal(recurrent_kernel, initial_weights[1])
    assert not np.array_equal(kernel, initial_weights[0])


def test_the_same_inputs_give_the_same_weights_and_snapshots(rectangles):
    runs = []
    for _ in range(2):
        model = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
        runs.append((train_book(model, rectangles, checkpoints=[20, 40]), model.get_weights()))
    (first, first_weights), (second, second_weights) = runs
    np.testing.assert_array_equal(first.losses, second.losses)
    for a, b in zip(first_weights, second_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert sorted(first.snapshots) == [20, 40]


def test_a_snapshot_restores_the_model_at_its_checkpoint(rectangles):
    model = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    result = train_book(model, rectangles, checkpoints=[20])
    reference = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    train_book(reference, rectangles[:20], checkpoints=[20])
    restore_snapshot(model, result.snapshots[20])
    for a, b in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert int(model.optimizer.iterations.numpy()) == 20


def test_a_diverging_loss_stops_with_the_update_number(rectangles):
    poisoned = rectangles.copy()
    poisoned[30, 1, 0] = np.inf
    model = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    with pytest.raises(InputError, match=r"not finite at update 31 of 50"):
        train_book(model, poisoned, checkpoints=[10])


def test_chunk_bounds_end_at_every_checkpoint_and_chunk():
    assert chunk_bounds(25, checkpoints=[3, 10], chunk_size=8) == [3, 8, 10, 16, 24, 25]
    assert chunk_bounds(10, checkpoints=[10], chunk_size=100) == [10]


def test_chunking_does_not_change_the_weights(rectangles):
    weights = []
    for chunk_size in (None, 1, 7):
        model = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
        train_book(model, rectangles, checkpoints=[25], chunk_size=chunk_size)
        weights.append(model.get_weights())
    for other in weights[1:]:
        for a, b in zip(weights[0], other, strict=True):
            np.testing.assert_array_equal(a, b)


def test_the_progress_bar_reports_each_chunk(rectangles):
    log = io.StringIO()
    model = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    train_book(
        model, rectangles, checkpoints=[10], chunk_size=20, on_chunk=progress_bar(50, 5, log)
    )
    lines = log.getvalue().splitlines()
    assert [line.split("]")[1].split(" updates")[0].strip() for line in lines] == [
        "10/50",
        "20/50",
        "40/50",
        "50/50",
    ]
    assert lines[-1].startswith("[" + "#" * 30 + "]")
    assert "updates/s" in lines[-1] and "loss (mean of last 5)" in lines[-1]


def test_passes_repeat_the_data_in_stored_order(rectangles):
    twice = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    train_book(twice, rectangles, checkpoints=[N_RECTANGLES], passes=2)
    concatenated = build_model(units=10, learning_rate=1.0e-3, seed=SEED)
    train_book(concatenated, np.concatenate([rectangles, rectangles]), checkpoints=[1])
    for a, b in zip(twice.get_weights(), concatenated.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert int(twice.optimizer.iterations.numpy()) == 2 * N_RECTANGLES


def test_a_mixture_sequence_model_trains_one_rectangle_per_update(rectangles):
    model = build_model(
        units=8,
        learning_rate=1.0e-2,
        seed=SEED,
        framing="sequence",
        head="mixture",
        mixture={
            "n_components": 2,
            "support": "unit_square",
            "scale_floor": 1.0e-3,
            "scale_ceiling": 12.0,
        },
        learning_rate_decay_to=0.1,
        n_updates=2 * N_RECTANGLES,
    )
    inputs, targets = frame_sequences(rectangles)
    result = train(model, Batches.in_order(inputs, targets), checkpoints=[N_RECTANGLES], passes=2)
    assert int(model.optimizer.iterations.numpy()) == 2 * N_RECTANGLES
    assert np.all(np.isfinite(result.losses))
    # The negative log-likelihood falls as the model learns the determined coordinates.
    assert result.losses[-10:].mean() < result.losses[:10].mean()


def test_every_update_holds_each_buckets_share_and_every_sequence_once():
    steps = np.random.default_rng(4).integers(4, 10, size=1024)  # shapes of 3 to 8 points
    parts = length_buckets(steps, [5, 9], per_update=16)
    assert [part_steps for _, part_steps in parts] == [5, 9]
    short_share = int(np.sum(steps <= 5)) * 16 // 1024
    assert [rows.shape for rows, _ in parts] == [(64, short_share), (64, 16 - short_share)]
    taken = np.concatenate([rows.ravel() for rows, _ in parts])
    assert sorted(taken.tolist()) == list(range(1024))  # each sequence once, none lost
    for rows, part_steps in parts:
        assert np.all(steps[rows] <= part_steps)
        assert np.all(np.diff(rows.ravel()) > 0)  # each part in stored order
    assert np.all(steps[parts[0][0]] <= 5)


def test_without_short_sequences_one_part_in_stored_order():
    ((rows, steps),) = length_buckets(np.full(64, 9), [5, 9], per_update=8)
    assert steps == 9
    np.testing.assert_array_equal(rows, np.arange(64).reshape(8, 8))


def test_an_update_in_parts_is_the_update_on_the_whole_batch_padded(tmp_path):
    """Running short shapes for fewer steps than the longest's changes nothing: the steps
    after every shape's end score nothing, the LSTM runs forward in time, and the parts'
    losses average over all their shapes."""
    shapes = draw_shapes(np.random.default_rng(5), 64, np.ones(3))
    short = np.flatnonzero(shapes.lengths <= 4)[:12]
    long = np.flatnonzero(shapes.lengths > 4)[:4]
    results = []
    for parts in (((short, 5), (long, categorical.N_STEPS)), ((np.sort(np.r_[short, long]), 9),)):
        model = small_categorical_model(seed=2)
        framed = [
            categorical.frame_shapes(shapes.points[rows], shapes.lengths[rows], None, 11, n_steps=n)
            for rows, n in parts
        ]
        batches = Batches(tuple(x[None] for x, _ in framed), tuple(y[None] for _, y in framed))
        result = train(model, batches, [1])
        results.append((model.get_weights(), result.losses))
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)
    for short_weights, padded_weights in zip(results[0][0], results[1][0], strict=True):
        np.testing.assert_allclose(short_weights, padded_weights, atol=1e-6, rtol=0)


def test_framing_fewer_steps_is_the_full_framing_cut(tmp_path):
    shapes = draw_shapes(np.random.default_rng(6), 200, np.ones(3))
    short = shapes.lengths <= 4
    full = categorical.frame_shapes(shapes.points[short], shapes.lengths[short], None, 11)
    cut = categorical.frame_shapes(shapes.points[short], shapes.lengths[short], None, 11, n_steps=5)
    for whole, part in zip(full, cut, strict=True):
        np.testing.assert_array_equal(whole[:, :5], part)
        assert not whole[:, 5:].any()
    with pytest.raises(ValueError, match="n_steps 4: a shape of 4 points needs more"):
        categorical.frame_shapes(shapes.points[short], shapes.lengths[short], None, 11, n_steps=4)


def test_moving_average_is_trailing():
    values = np.array([1.0, 3.0, 5.0, 7.0])
    np.testing.assert_allclose(moving_average(values, 2), [1, 2, 4, 6])
    np.testing.assert_allclose(moving_average(values, 10), [1, 2, 3, 4])
