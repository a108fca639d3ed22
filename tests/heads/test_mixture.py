import math
import types

import keras
import numpy as np
import pytest

from shapegen.heads.mixture import (
    NUMPY_OPS,
    MixtureSpec,
    mixture_mean,
    mixture_parameters,
    negative_log_likelihood,
    sample_mixture,
    truncated_mass,
)
from shapegen.model import MixtureNLL

FLOOR, CEILING = 1.0e-3, 12.0


def spec(n_components: int, support: str) -> MixtureSpec:
    return MixtureSpec(n_components, support, FLOOR, CEILING)


def raw_mixture(logits, means_raw, log_scales) -> np.ndarray:
    """Raw outputs (1, 5K) laid out as the head emits them."""
    return np.concatenate([logits, np.ravel(means_raw), np.ravel(log_scales)])[None]


def normal_pdf(x, mean, scale):
    return math.exp(-0.5 * ((x - mean) / scale) ** 2) / (scale * math.sqrt(2 * math.pi))


def normal_cdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


LOGITS = [0.3, -0.4]
MEANS = [[0.2, 0.7], [0.6, 0.1]]
LOG_SCALES = [[-1.5, -2.0], [-1.0, -2.5]]


def closed_form_density(point, support: str) -> float:
    weights = np.exp(LOGITS) / np.exp(LOGITS).sum()
    total = 0.0
    for weight, means, log_scales in zip(weights, MEANS, LOG_SCALES, strict=True):
        component = weight
        for x, mean_raw, log_scale in zip(point, means, log_scales, strict=True):
            mean = mean_raw  # linear means, on either support
            scale = FLOOR + math.exp(log_scale)
            component *= normal_pdf(x, mean, scale)
            if support == "unit_square":
                component /= normal_cdf((1 - mean) / scale) - normal_cdf(-mean / scale)
        total += component
    return total


@pytest.mark.parametrize("support", ["plane", "unit_square"])
def test_the_nll_of_a_hand_built_mixture_equals_its_closed_form(support):
    raw = raw_mixture(LOGITS, MEANS, LOG_SCALES)
    for point in ([0.25, 0.6], [0.55, 0.15], [0.9, 0.9]):
        expected = -math.log(closed_form_density(point, support))
        nll = negative_log_likelihood(np.array([point]), raw, spec(2, support))
        assert float(nll[0]) == pytest.approx(expected, rel=1e-12)
        # The same formula through keras.ops, as the training loss computes it (float32).
        loss = MixtureNLL(2, support, FLOOR, CEILING)
        keras_nll = loss.call(np.array([point], np.float32), raw.astype(np.float32))
        keras_nll = keras.ops.convert_to_numpy(keras_nll)
        assert float(keras_nll[0]) == pytest.approx(expected, rel=1e-4)


def test_the_nll_stays_finite_far_from_every_component():
    raw = raw_mixture([0.0, 0.0], [[-3.0, -3.0], [-3.0, -3.0]], [[-9.0, -9.0], [-9.0, -9.0]])
    nll = negative_log_likelihood(np.array([[0.99, 0.99]]), raw, spec(2, "unit_square"))
    value = float(nll[0])
    assert math.isfinite(value) and value > 100


def test_truncated_samples_lie_in_the_unit_square_and_follow_the_mixture():
    loss = spec(2, "unit_square")
    raw = np.repeat(raw_mixture(LOGITS, MEANS, LOG_SCALES), 40000, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0)
    assert points.min() >= 0 and points.max() <= 1
    np.testing.assert_allclose(points.mean(axis=0), mixture_mean(raw[:1], loss)[0], atol=5e-3)


def test_a_flat_component_is_sampled_uniformly():
    loss = spec(1, "unit_square")
    raw = np.repeat(raw_mixture([0.0], [[0.0, 0.0]], [[10.0, 10.0]]), 20000, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0)
    counts = np.histogram(points[:, 0], bins=5, range=(0, 1))[0]
    np.testing.assert_allclose(counts / 20000, 0.2, atol=0.015)


def test_at_temperature_near_0_every_draw_is_the_likeliest_components_mean():
    loss = spec(2, "plane")
    raw = np.repeat(raw_mixture(LOGITS, MEANS, LOG_SCALES), 100, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0e-13)
    _, means, _ = mixture_parameters(raw[:1], loss)
    likeliest = means[0, 0]  # logit 0.3 > -0.4
    np.testing.assert_allclose(points, np.broadcast_to(likeliest, points.shape), atol=1e-5)


def test_a_mixture_model_loads_without_custom_objects_in_safe_mode(tmp_path):
    from shapegen.files.keras_archive import save_model
    from shapegen.model import build_model, load_keras_model

    model = build_model(
        units=4,
        learning_rate=1.0e-3,
        seed=0,
        framing="sequence",
        head="mixture",
        mixture={
            "n_components": 2,
            "support": "unit_square",
            "scale_floor": FLOOR,
            "scale_ceiling": CEILING,
        },
        learning_rate_decay_to=0.1,
        n_updates=10,
    )
    save_model(model, tmp_path / "model.keras")
    loaded = load_keras_model(tmp_path / "model.keras")
    assert isinstance(loaded.loss, MixtureNLL) and loaded.loss.spec.scale_ceiling == CEILING
    inputs = np.random.default_rng(0).random((3, 3, 2)).astype(np.float32)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(inputs)),
        keras.ops.convert_to_numpy(model(inputs)),
        atol=1e-6,
    )


def test_the_truncated_mass_keeps_its_precision_outside_the_square():
    means = np.array([-0.01, 1.01, 0.5])
    scales = np.array([1.0e-3, 1.0e-3, 1.0e-3])
    mass = truncated_mass(means, scales)
    # Phi(-10) = 7.62e-24 from either side of the square; 1 in the middle.
    np.testing.assert_allclose(mass, [7.62e-24, 7.62e-24, 1.0], rtol=1e-2)


def test_numpy_scores_each_truncated_mass_by_its_own_formula_with_the_same_values():
    rng = np.random.default_rng(3)
    means = rng.uniform(-0.5, 1.5, (200, 16, 1))
    scales = np.exp(rng.uniform(-9.0, 3.0, (200, 16, 1)))
    generic = types.SimpleNamespace(**vars(NUMPY_OPS))  # not NUMPY_OPS: the keras.ops path
    np.testing.assert_array_equal(
        truncated_mass(means, scales), truncated_mass(means, scales, generic)
    )


def test_a_narrow_component_outside_the_square_is_drawn_at_its_nearer_edge():
    loss = spec(1, "unit_square")
    raw = np.repeat(raw_mixture([0.0], [[-0.2, 1.3]], [[-9.0, -9.0]]), 1000, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0)
    np.testing.assert_allclose(points, np.broadcast_to([0.0, 1.0], points.shape), atol=2e-3)
    mean = mixture_mean(raw[:1], loss)[0]
    assert np.all(np.isfinite(mean))
    np.testing.assert_allclose(mean, [0.0, 1.0], atol=2e-3)


def test_the_numpy_and_keras_likelihoods_agree_on_random_outputs():
    rng = np.random.default_rng(3)
    raw = rng.normal(0.0, 2.0, (500, 10)).astype(np.float32)
    points = rng.random((500, 2)).astype(np.float32)
    for support in ("unit_square", "plane"):
        ours = negative_log_likelihood(points, raw, spec(2, support))
        loss = MixtureNLL(2, support, FLOOR, CEILING)
        theirs = keras.ops.convert_to_numpy(loss.call(points, raw))
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def test_a_tiny_temperature_picks_the_likeliest_component_without_nans():
    raw = np.repeat(raw_mixture([0.0, -1.0e-9], MEANS, LOG_SCALES), 10, axis=0)
    points = sample_mixture(raw, spec(2, "unit_square"), np.random.default_rng(0), 1.0e-300)
    assert np.all(np.isfinite(points))
    np.testing.assert_allclose(points, np.broadcast_to(MEANS[0], points.shape), atol=1e-9)
