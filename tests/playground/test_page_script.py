"""The playground page's script (src/shapegen/playground/page/shapegen.js), run in Node, against
the numpy code it ports: the same outputs for the same inputs, and draws from the same
distributions. Models are small and untrained (their weights random), read back from saved
files as the playground stage reads them; what holds for any weights holds for trained ones."""

import json
import math
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from shapegen.data.families import FAMILIES, draw_shapes, unpadded
from shapegen.data.rectangles import nearest_rectangle_sizes, random_rectangles
from shapegen.data.turtle import encode_moves
from shapegen.evaluation.recognition import INVALID, recognise
from shapegen.heads import categorical
from shapegen.heads.normal import normal_quantile
from shapegen.sampling.network import categorical_forward

from ..conftest import ROOT
from .conftest import KINDS, TOLERANCE, require

SCRIPT = ROOT / "src/shapegen/playground/page/shapegen.js"
BRIDGE = Path(__file__).with_name("bridge.js")


@cache
def _run(request: str) -> list:
    result = subprocess.run(
        [require("node", "runs the page's script in Node"), str(BRIDGE), str(SCRIPT)],
        input=request,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def call(payload: dict, calls: list[dict]) -> list:
    """The values of shapegen.<fn>(...) for each {fn, model?, args} call, run in Node."""
    request = json.dumps({**payload, "calls": calls}, allow_nan=False)
    return [answer["value"] for answer in _run(request)]


def _shapes(seed: int, n: int):
    batch = draw_shapes(np.random.default_rng(seed), n, np.ones(len(FAMILIES)))
    return batch, unpadded(batch.points, batch.lengths)


def assert_rectangles_outputs_match(payload, generator, name: str, rectangles) -> None:
    """The page's rectangleForward for model `name` equals the generator's teacher-forced
    outputs on each rectangle, within 1e-5."""
    expected = generator.teacher_forced_outputs(rectangles)
    calls = [{"fn": "rectangleForward", "model": name, "args": [r.tolist()]} for r in rectangles]
    np.testing.assert_allclose(np.array(call(payload, calls)), expected, rtol=0, atol=1e-5)


def assert_shapes_logits_match(payload, network, name: str, batch) -> None:
    """The page's categoricalForward for model `name` equals numpy's logits at every step
    that scores (each move, then the one that ends the shape), within 1e-5."""
    families = batch.families if network.conditional else None
    inputs, targets = categorical.frame_shapes(batch.points, batch.lengths, families, network.bins)
    expected = categorical_forward(network, inputs)
    shapes = unpadded(batch.points, batch.lengths)
    calls = [
        {
            "fn": "categoricalForward",
            "model": name,
            "args": [shape.tolist(), None if families is None else int(families[row])],
        }
        for row, shape in enumerate(shapes)
    ]
    for row, got in enumerate(call(payload, calls)):
        steps = int(batch.lengths[row]) + 1
        assert targets[row, steps - 1, 2] > 0 and targets[row, steps:, 2].sum() == 0
        np.testing.assert_allclose(
            np.array(got), expected[row, :steps], rtol=0, atol=1e-5, err_msg=name
        )


@pytest.mark.parametrize("kind", [k for k, (data, _) in KINDS.items() if data == "rectangles"])
def test_a_rectangles_models_outputs_equal_numpys(payload, generators, kind):
    rectangles = random_rectangles(np.random.default_rng(7), 6)
    assert_rectangles_outputs_match(payload, generators[kind], kind, rectangles)


@pytest.mark.parametrize("kind", [k for k, (data, _) in KINDS.items() if data == "shapes"])
def test_a_shapes_models_logits_equal_numpys_at_every_step(payload, generators, kind):
    batch, _ = _shapes(8, 12)
    assert_shapes_logits_match(payload, generators[kind].network, kind, batch)


def test_the_sampling_arithmetic_equals_numpys(payload):
    p = np.concatenate([[0.0, 1e-300, 1e-20, 1e-8, 0.02, 0.3, 0.5, 0.7, 0.99, 1 - 1e-12, 1.0]])
    x = np.array([-30.0, -8.0, -1.0, 0.0, 0.5, 3.0, 12.0])
    values = np.array([0.0, 0.025, 0.05, 0.075, 0.5, 1.0, 1.2, -0.3, np.inf, np.nan])
    batch, shapes = _shapes(9, 20)
    coefficients = payload["constants"]["normal_quantile"]
    calls = [
        *({"fn": "normalQuantile", "args": [float(v), coefficients]} for v in p),
        *({"fn": "erfc", "args": [float(v)]} for v in x),
        *({"fn": "quantize", "args": [float(v) if np.isfinite(v) else None, 21]} for v in values),
        *(
            {"fn": "encodeMoves", "args": [shape.tolist(), payload["constants"]]}
            for shape in shapes
        ),
    ]
    got = call(payload, calls)
    quantiles, got = got[: len(p)], got[len(p) :]
    as_numbers = [
        {"Infinity": math.inf}.get(q, q) if not isinstance(q, str) else -math.inf for q in quantiles
    ]
    expected = normal_quantile(p)
    np.testing.assert_allclose(as_numbers[1:-1], expected[1:-1], rtol=1e-15)
    assert quantiles[0] is None or as_numbers[0] == -math.inf
    erfcs, got = got[: len(x)], got[len(x) :]
    np.testing.assert_allclose(erfcs, [math.erfc(v) for v in x], rtol=2e-7, atol=0)
    bins, got = got[: len(values)], got[len(values) :]
    finite = [v if np.isfinite(v) else None for v in values]
    assert bins[: len(finite) - 2] == list(categorical.quantize(values, 21)[: len(finite) - 2])
    moves = encode_moves(batch.points, batch.lengths)
    for row, got_moves in enumerate(got):
        np.testing.assert_allclose(got_moves, moves[row, : batch.lengths[row]], rtol=0, atol=1e-12)


def test_the_recogniser_equals_numpys(payload):
    _, shapes = _shapes(10, 300)
    rng = np.random.default_rng(11)
    noisy = [
        shape + rng.normal(0, scale, shape.shape) for shape in shapes for scale in (0.005, 0.03)
    ]
    odd = [rng.random((k, 2)) for k in (1, 2, 9)]  # lengths no family has
    every = [*shapes, *noisy, *odd]
    lengths = np.array([len(shape) for shape in every])
    padded = np.zeros((len(every), 9, 2))
    for row, shape in enumerate(every):
        padded[row, : len(shape)] = shape
    expected = recognise(padded[:, :8], np.minimum(lengths, 8), TOLERANCE)
    got = call(
        payload, [{"fn": "recognise", "args": [s.tolist(), payload["constants"]]} for s in every]
    )
    for row, found in enumerate(got):
        if lengths[row] > 8:
            assert found["family"] == "invalid"
            continue
        family = expected.families[row]
        assert found["family"] == ("invalid" if family == INVALID else FAMILIES[family]), row
        error = math.inf if found["error"] == "Infinity" else found["error"]
        assert error == pytest.approx(expected.fit_errors[row], rel=1e-9, abs=1e-12), row
    assert {found["family"] for found in got} == {*FAMILIES, "invalid"}


def _w1(a: np.ndarray, b: np.ndarray) -> float:
    """The 1-D Wasserstein distance of two samples of equal size."""
    return float(np.mean(np.abs(np.sort(a) - np.sort(b))))


def _tv(a: np.ndarray, b: np.ndarray) -> float:
    values = np.union1d(a, b)
    return 0.5 * float(np.abs([np.mean(a == v) - np.mean(b == v) for v in values]).sum())


N_DRAWS = 3000


@pytest.mark.parametrize("temperature", [1.0, 0.3])
def test_a_mixtures_draws_follow_the_commands_distribution(payload, generators, temperature):
    """Widths and heights: the page's draws against numpy's are as far apart as two numpy
    draws of other seeds (the sampling error), within a margin."""
    generator = generators["mixture"]
    options = {"random": 1, "temperature": temperature}
    (page,) = call(
        payload, [{"fn": "complete", "model": "mixture", "args": [[], N_DRAWS, options]}]
    )
    page = nearest_rectangle_sizes(np.array(page))
    numpy_draws = [
        nearest_rectangle_sizes(
            np.stack(generator.sample(N_DRAWS, seed=s, temperature=temperature))
        )
        for s in (1, 2)
    ]
    for axis in (0, 1):
        between = _w1(page[axis], numpy_draws[0][axis])
        sampling = _w1(numpy_draws[1][axis], numpy_draws[0][axis])
        assert between <= 3 * sampling + 0.005, (axis, between, sampling)


def test_a_shapes_models_draws_follow_the_commands_distribution(payload, generators):
    """Lengths, each family's share as recognised, and the first point's bins."""
    generator = generators["families_conditional"]
    options = {"random": 3, "temperature": 1.0, "family": 2}
    (page,) = call(
        payload,
        [{"fn": "complete", "model": "families_conditional", "args": [[], N_DRAWS, options]}],
    )
    numpy_draws = [generator.sample(N_DRAWS, seed=s, family="regular_polygon") for s in (3, 4)]

    def figures(shapes):
        lengths = np.array([len(shape) for shape in shapes])
        first_x = np.array([shape[0][0] if len(shape) else -1.0 for shape in shapes]).round(6)
        return lengths, first_x

    page_figures = figures(page)
    for ours, theirs, other in zip(
        page_figures, figures(numpy_draws[0]), figures(numpy_draws[1]), strict=True
    ):
        assert _tv(ours, theirs) <= 3 * _tv(other, theirs) + 0.01


def test_given_points_are_kept_and_rectangles_start_at_the_origin(payload):
    given = [[0.0, 0.0], [0.3, 0.0]]
    options = {"random": 0, "temperature": 1.0}
    rectangles, shapes = call(
        payload,
        [
            {"fn": "complete", "model": "mixture", "args": [given, 5, options]},
            {"fn": "complete", "model": "families", "args": [[[0.2, 0.1], [0.5, 0.1]], 5, options]},
        ],
    )
    assert all(r[:2] == given and len(r) == 4 for r in rectangles)
    assert all(s[:2] == [[0.2, 0.1], [0.5, 0.1]] for s in shapes if len(s) >= 2)
