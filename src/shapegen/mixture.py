"""A mixture density head: the next point as a mixture of K diagonal Gaussians.

The network's last layer emits raw parameters, laid out as [K logits | K x 2 means |
K x 2 scales]. Scales are `scale_floor + exp(raw)`, capped at `scale_ceiling`: the floor
lets a component model a coordinate that is (nearly) determined without the likelihood
blowing up; the ceiling, far wider than the unit square, lets a truncated component be
flat (uniform) on it. A temperature T narrows a flat component only once scale x sqrt(T)
falls below about 1. Means are the raw outputs themselves (linear): a corner that repeats
a coordinate of the current one (TR's x is BR's x) is then exactly a linear function of
the input, up to the edges of the square, where a sigmoid would need ever larger inputs.
On the `unit_square` support each Gaussian is truncated to [0, 1] (densities
renormalised): every sample is a point of the unit square, as every corner of the data
is. On the `plane` support it is the usual unbounded mixture (Graves 2013).

The likelihood is written in keras.ops so that it runs inside the compiled training
loop; sampling is numpy with a generator passed in.
"""

import math

import keras
import numpy as np
from keras import ops

N_PARAMS_PER_COMPONENT = 5  # logit, 2 means, 2 scales
LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
# Keeps log(Z) finite when a truncated component has almost no mass in [0, 1].
MIN_TRUNCATED_MASS = 1e-12


def mixture_parameters(
    raw, n_components: int, support: str, scale_floor: float, scale_ceiling: float
):
    """(log weights (n, K), means (n, K, 2), scales (n, K, 2)) from raw outputs (n, 5K)."""
    k = n_components
    log_weights = ops.log_softmax(raw[:, :k], axis=-1)
    means = ops.reshape(raw[:, k : 3 * k], (-1, k, 2))
    log_scales = ops.minimum(ops.reshape(raw[:, 3 * k :], (-1, k, 2)), math.log(scale_ceiling))
    scales = scale_floor + ops.exp(log_scales)
    return log_weights, means, scales


def _normal_cdf(x):
    # erfc, not 1 + erf: in the lower tail 1 + erf cancels to 0 long before the CDF does.
    return 0.5 * ops.erfc(-x / math.sqrt(2.0))


def truncated_mass(means, scales):
    """Mass of N(mean, scale) inside [0, 1], from the tail nearer the mean.

    Phi(b) - Phi(a) of two numbers near 1 cancels (a mean below 0 with a small scale);
    the same mass as Phi(-a) - Phi(-b) is a difference of small numbers, which does not.
    """
    upper = _normal_cdf((1.0 - means) / scales) - _normal_cdf(-means / scales)
    lower = _normal_cdf(means / scales) - _normal_cdf((means - 1.0) / scales)
    return ops.where(means >= 0.5, upper, lower)


def negative_log_likelihood(
    points, raw, n_components: int, support: str, scale_floor: float, scale_ceiling: float
):
    """-log p(point) under the mixture, per row: shape (n,). Computed in log space."""
    log_weights, means, scales = mixture_parameters(
        raw, n_components, support, scale_floor, scale_ceiling
    )
    z = (ops.expand_dims(points, 1) - means) / scales
    log_density = -0.5 * ops.square(z) - ops.log(scales) - LOG_SQRT_2PI
    if support == "unit_square":
        # Renormalise each truncated Gaussian by its mass Z inside [0, 1].
        mass = truncated_mass(means, scales)
        log_density = log_density - ops.log(ops.maximum(mass, MIN_TRUNCATED_MASS))
    return -ops.logsumexp(log_weights + ops.sum(log_density, axis=-1), axis=-1)


@keras.saving.register_keras_serializable(package="shapegen")
class MixtureNLL(keras.losses.Loss):
    """The mixture's negative log-likelihood as a Keras loss (saved with the model)."""

    def __init__(
        self,
        n_components: int,
        support: str,
        scale_floor: float,
        scale_ceiling: float,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.n_components = n_components
        self.support = support
        self.scale_floor = scale_floor
        self.scale_ceiling = scale_ceiling

    def call(self, y_true, y_pred):
        # Sequences (batch, steps, ...) are scored point by point.
        points = ops.reshape(y_true, (-1, 2))
        raw = ops.reshape(y_pred, (-1, N_PARAMS_PER_COMPONENT * self.n_components))
        return negative_log_likelihood(
            points, raw, self.n_components, self.support, self.scale_floor, self.scale_ceiling
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "n_components": self.n_components,
            "support": self.support,
            "scale_floor": self.scale_floor,
            "scale_ceiling": self.scale_ceiling,
        }


def mixture_mean(raw, loss: MixtureNLL) -> np.ndarray:
    """The mixture's mean point (n, 2), the point prediction for the MAE metrics.

    A truncated component's mean is mu + sigma (phi(a) - phi(b)) / Z, with a and b the
    standardised ends of [0, 1] and Z the mass between them.
    """
    log_weights, means, scales = _numpy_parameters(raw, loss)
    if loss.support == "unit_square":
        low, high = -means / scales, (1 - means) / scales
        mass = ops.convert_to_numpy(
            truncated_mass(
                ops.convert_to_tensor(means, "float64"), ops.convert_to_tensor(scales, "float64")
            )
        )
        density_gap = np.exp(-0.5 * low**2) - np.exp(-0.5 * high**2)
        with np.errstate(divide="ignore", invalid="ignore"):
            shifted = means + scales * density_gap / (math.sqrt(2 * math.pi) * mass)
        # A component with no representable mass in [0, 1] (an unused one, far outside)
        # sits at the nearer edge.
        means = np.where(np.isfinite(shifted), np.clip(shifted, 0.0, 1.0), np.clip(means, 0, 1))
    return np.einsum("nk,nkd->nd", np.exp(log_weights), means)


def _numpy_parameters(raw, loss: MixtureNLL):
    parameters = mixture_parameters(
        ops.convert_to_tensor(raw),
        loss.n_components,
        loss.support,
        loss.scale_floor,
        loss.scale_ceiling,
    )
    return [ops.convert_to_numpy(value).astype(np.float64) for value in parameters]


def sample_mixture(
    raw, loss: MixtureNLL, rng: np.random.Generator, temperature: float
) -> np.ndarray:
    """One point (n, 2) per row, drawn at a temperature (sketch-rnn's biased sampling).

    The temperature divides the logits and multiplies the variances: below 1 it favours
    the likeliest component and narrows it; as it goes to 0 every draw becomes the mean
    of the likeliest component.
    """
    log_weights, means, scales = _numpy_parameters(raw, loss)
    logits = log_weights / temperature
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    choice = rng.random((cumulative.shape[0], 1))
    component = np.minimum((choice > cumulative).sum(axis=1), cumulative.shape[1] - 1)
    rows = np.arange(means.shape[0])
    mean, scale = means[rows, component], scales[rows, component] * math.sqrt(temperature)
    uniforms = rng.random(mean.shape)
    if loss.support == "plane":
        return (mean + scale * _normal_quantile(uniforms)).astype(np.float32)
    # Inverse-CDF sampling of the truncated Gaussian: exact and one draw per coordinate,
    # however wide the component (rejection would almost never accept a flat one). A mean
    # below 1/2 is drawn mirrored (1 - x from mean 1 - mean): the CDF is then evaluated in
    # its lower tail, where it keeps its precision.
    mirrored = mean < 0.5
    centre = np.where(mirrored, 1.0 - mean, mean)
    low, high = _normal_cdf_numpy(-centre / scale), _normal_cdf_numpy((1 - centre) / scale)
    with np.errstate(invalid="ignore"):
        drawn = centre + scale * _normal_quantile(low + uniforms * (high - low))
    # No representable mass inside [0, 1]: the component sits at the nearer edge.
    drawn = np.where(high - low > 0, drawn, centre)
    points = np.clip(np.where(mirrored, 1.0 - drawn, drawn), 0.0, 1.0)
    return points.astype(np.float32)


def _normal_cdf_numpy(x: np.ndarray) -> np.ndarray:
    return ops.convert_to_numpy(_normal_cdf(ops.convert_to_tensor(x, dtype="float64")))


def _normal_quantile(u: np.ndarray) -> np.ndarray:
    # rng.random() can return exactly 0, whose quantile is -inf.
    u = np.clip(u, np.finfo(np.float64).tiny, 1.0)
    probability = ops.convert_to_tensor(2.0 * u - 1.0, dtype="float64")
    return math.sqrt(2.0) * ops.convert_to_numpy(ops.erfinv(probability))
