import math

import keras
import numpy as np
import pytest

from shapegen.mixture import (
    MixtureNLL,
    mixture_mean,
    mixture_parameters,
    negative_log_likelihood,
    sample_mixture,
)

FLOOR, CEILING = 1.0e-3, 12.0


def raw_mixture(logits, means_raw, log_scales) -> np.ndarray:
    """Raw outputs (1, 5K) laid out as the head emits them."""
    return np.concatenate([logits, np.ravel(means_raw), np.ravel(log_scales)])[None].astype(
        np.float32
    )


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
        nll = negative_log_likelihood(
            np.array([point], np.float32), raw, 2, support, FLOOR, CEILING
        )
        expected = -math.log(closed_form_density(point, support))
        assert float(keras.ops.convert_to_numpy(nll)[0]) == pytest.approx(expected, rel=1e-4)


def test_the_nll_stays_finite_far_from_every_component():
    raw = raw_mixture([0.0, 0.0], [[-3.0, -3.0], [-3.0, -3.0]], [[-9.0, -9.0], [-9.0, -9.0]])
    nll = negative_log_likelihood(
        np.array([[0.99, 0.99]], np.float32), raw, 2, "unit_square", FLOOR, CEILING
    )
    value = float(keras.ops.convert_to_numpy(nll)[0])
    assert math.isfinite(value) and value > 100


def test_truncated_samples_lie_in_the_unit_square_and_follow_the_mixture():
    loss = MixtureNLL(2, "unit_square", FLOOR, CEILING)
    raw = np.repeat(raw_mixture(LOGITS, MEANS, LOG_SCALES), 40000, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0)
    assert points.min() >= 0 and points.max() <= 1
    np.testing.assert_allclose(points.mean(axis=0), mixture_mean(raw[:1], loss)[0], atol=5e-3)


def test_a_flat_component_is_sampled_uniformly():
    loss = MixtureNLL(1, "unit_square", FLOOR, CEILING)
    raw = np.repeat(raw_mixture([0.0], [[0.0, 0.0]], [[10.0, 10.0]]), 20000, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0)
    counts = np.histogram(points[:, 0], bins=5, range=(0, 1))[0]
    np.testing.assert_allclose(counts / 20000, 0.2, atol=0.015)


def test_at_temperature_near_0_every_draw_is_the_likeliest_components_mean():
    loss = MixtureNLL(2, "plane", FLOOR, CEILING)
    raw = np.repeat(raw_mixture(LOGITS, MEANS, LOG_SCALES), 100, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0e-13)
    _, means, _ = mixture_parameters(raw[:1], 2, "plane", FLOOR, CEILING)
    likeliest = keras.ops.convert_to_numpy(means)[0, 0]  # logit 0.3 > -0.4
    np.testing.assert_allclose(points, np.broadcast_to(likeliest, points.shape), atol=1e-5)


def test_a_mixture_model_loads_without_custom_objects_in_safe_mode(tmp_path):
    from shapegen.model import build_model
    from shapegen.model_files import load_model, save_model

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
    loaded = load_model(tmp_path / "model.keras")
    assert isinstance(loaded.loss, MixtureNLL) and loaded.loss.scale_ceiling == CEILING
    inputs = np.random.default_rng(0).random((3, 3, 2)).astype(np.float32)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(inputs)),
        keras.ops.convert_to_numpy(model(inputs)),
        atol=1e-6,
    )


def test_the_truncated_mass_keeps_its_precision_outside_the_square():
    from shapegen.mixture import truncated_mass

    means = np.array([-0.01, 1.01, 0.5], np.float32)
    scales = np.array([1.0e-3, 1.0e-3, 1.0e-3], np.float32)
    mass = keras.ops.convert_to_numpy(truncated_mass(means, scales))
    # Phi(-10) = 7.62e-24 from either side of the square; 1 in the middle.
    np.testing.assert_allclose(mass, [7.62e-24, 7.62e-24, 1.0], rtol=1e-2)


def test_a_narrow_component_outside_the_square_is_drawn_at_its_nearer_edge():
    loss = MixtureNLL(1, "unit_square", FLOOR, CEILING)
    raw = np.repeat(raw_mixture([0.0], [[-0.2, 1.3]], [[-9.0, -9.0]]), 1000, axis=0)
    points = sample_mixture(raw, loss, np.random.default_rng(0), temperature=1.0)
    np.testing.assert_allclose(points, np.broadcast_to([0.0, 1.0], points.shape), atol=2e-3)
    mean = mixture_mean(raw[:1], loss)[0]
    assert np.all(np.isfinite(mean))
    np.testing.assert_allclose(mean, [0.0, 1.0], atol=2e-3)
