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

The likelihood is written once, against an array namespace `ops`: keras.ops inside the
compiled training loop (shapegen.model.MixtureNLL), NUMPY_OPS everywhere else. Sampling
is numpy with a generator passed in. Nothing here imports TensorFlow.
"""

import dataclasses
import math
import types

import numpy as np

from shapegen.heads.normal import erfc, normal_cdf, normal_quantile

N_PARAMS_PER_COMPONENT = 5  # logit, 2 means, 2 scales
LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
# Keeps log(Z) finite when a truncated component has almost no mass in [0, 1].
MIN_TRUNCATED_MASS = 1e-12


@dataclasses.dataclass(frozen=True)
class MixtureSpec:
    """What a mixture head's raw outputs mean (params.yaml's model.mixture)."""

    n_components: int
    support: str
    scale_floor: float
    scale_ceiling: float


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x))) along axis, without overflow; a row of -inf gives -inf."""
    peak = np.max(x, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    total = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return total if keepdims else np.squeeze(total, axis=axis)


# The part of keras.ops the likelihood uses, in numpy.
NUMPY_OPS = types.SimpleNamespace(
    log_softmax=lambda x, axis: x - logsumexp(x, axis, keepdims=True),
    logsumexp=logsumexp,
    reshape=np.reshape,
    minimum=np.minimum,
    maximum=np.maximum,
    where=np.where,
    expand_dims=np.expand_dims,
    exp=np.exp,
    log=np.log,
    square=np.square,
    sum=np.sum,
    erfc=erfc,
    softplus=lambda x: np.logaddexp(0.0, x),
)


def mixture_parameters(raw, spec: MixtureSpec, ops=NUMPY_OPS):
    """(log weights (n, K), means (n, K, d), scales (n, K, d)) from raw outputs (n, K (1 + 2d)).

    d, the points' dimension, follows from the number of outputs: 2 for the rectangles'
    corners (5K outputs), 1 for one coordinate at a time (3K).
    """
    k = spec.n_components
    d = (raw.shape[1] // k - 1) // 2
    log_weights = ops.log_softmax(raw[:, :k], axis=-1)
    means = ops.reshape(raw[:, k : (1 + d) * k], (-1, k, d))
    log_scales = ops.minimum(
        ops.reshape(raw[:, (1 + d) * k :], (-1, k, d)), math.log(spec.scale_ceiling)
    )
    scales = spec.scale_floor + ops.exp(log_scales)
    return log_weights, means, scales


def truncated_mass(means, scales, ops=NUMPY_OPS):
    """Mass of N(mean, scale) inside [0, 1], from the tail nearer the mean.

    Phi(b) - Phi(a) of two numbers near 1 cancels (a mean below 0 with a small scale);
    the same mass as Phi(-a) - Phi(-b) is a difference of small numbers, which does not.
    """
    if ops is NUMPY_OPS:
        # Each element's own formula only (erfc is the costly part in numpy); the same
        # values as below.
        means, scales = np.broadcast_arrays(means, scales)
        upper_half = means >= 0.5
        mass = np.empty(means.shape)
        m, s = means[upper_half], scales[upper_half]
        mass[upper_half] = normal_cdf((1.0 - m) / s) - normal_cdf(-m / s)
        m, s = means[~upper_half], scales[~upper_half]
        mass[~upper_half] = normal_cdf(m / s) - normal_cdf((m - 1.0) / s)
        return mass
    erfc = ops.erfc
    upper = normal_cdf((1.0 - means) / scales, erfc) - normal_cdf(-means / scales, erfc)
    lower = normal_cdf(means / scales, erfc) - normal_cdf((means - 1.0) / scales, erfc)
    return ops.where(means >= 0.5, upper, lower)


def negative_log_likelihood(points, raw, spec: MixtureSpec, ops=NUMPY_OPS):
    """-log p(point) under the mixture, per row: shape (n,). Computed in log space."""
    log_weights, means, scales = mixture_parameters(raw, spec, ops)
    z = (ops.expand_dims(points, 1) - means) / scales
    log_density = -0.5 * ops.square(z) - ops.log(scales) - LOG_SQRT_2PI
    if spec.support == "unit_square":
        # Renormalise each truncated Gaussian by its mass Z inside [0, 1].
        mass = truncated_mass(means, scales, ops)
        log_density = log_density - ops.log(ops.maximum(mass, MIN_TRUNCATED_MASS))
    return -ops.logsumexp(log_weights + ops.sum(log_density, axis=-1), axis=-1)


def mixture_mean(raw: np.ndarray, spec: MixtureSpec) -> np.ndarray:
    """The mixture's mean point (n, 2), the point prediction for the MAE metrics.

    A truncated component's mean is mu + sigma (phi(a) - phi(b)) / Z, with a and b the
    standardised ends of [0, 1] and Z the mass between them.
    """
    log_weights, means, scales = mixture_parameters(np.asarray(raw, np.float64), spec)
    if spec.support == "unit_square":
        low, high = -means / scales, (1 - means) / scales
        mass = truncated_mass(means, scales)
        density_gap = np.exp(-0.5 * low**2) - np.exp(-0.5 * high**2)
        with np.errstate(divide="ignore", invalid="ignore"):
            shifted = means + scales * density_gap / (math.sqrt(2 * math.pi) * mass)
        # A component with no representable mass in [0, 1] (an unused one, far outside)
        # sits at the nearer edge.
        means = np.where(np.isfinite(shifted), np.clip(shifted, 0.0, 1.0), np.clip(means, 0, 1))
    return np.einsum("nk,nkd->nd", np.exp(log_weights), means)


def sample_mixture(
    raw: np.ndarray, spec: MixtureSpec, rng: np.random.Generator, temperature: float
) -> np.ndarray:
    """One point (n, 2) per row, drawn at a temperature (sketch-rnn's biased sampling).

    The temperature divides the logits and multiplies the variances: below 1 it favours
    the likeliest component and narrows it; as it goes to 0 every draw becomes the mean
    of the likeliest component.
    """
    log_weights, means, scales = mixture_parameters(np.asarray(raw, np.float64), spec)
    # Shifted before the division: at a tiny temperature every logit / T would be -inf.
    logits = (log_weights - log_weights.max(axis=1, keepdims=True)) / temperature
    weights = np.exp(logits)
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    choice = rng.random((cumulative.shape[0], 1))
    component = np.minimum((choice > cumulative).sum(axis=1), cumulative.shape[1] - 1)
    rows = np.arange(means.shape[0])
    mean, scale = means[rows, component], scales[rows, component] * math.sqrt(temperature)
    uniforms = rng.random(mean.shape)
    if spec.support == "plane":
        # rng.random() can return exactly 0, whose quantile is -inf.
        return mean + scale * normal_quantile(np.maximum(uniforms, np.finfo(np.float64).tiny))
    # Inverse-CDF sampling of the truncated Gaussian: exact and one draw per coordinate,
    # however wide the component (rejection would almost never accept a flat one). A mean
    # below 1/2 is drawn mirrored (1 - x from mean 1 - mean): the CDF is then evaluated in
    # its lower tail, where it keeps its precision.
    mirrored = mean < 0.5
    centre = np.where(mirrored, 1.0 - mean, mean)
    low, high = normal_cdf(-centre / scale), normal_cdf((1 - centre) / scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        drawn = centre + scale * normal_quantile(low + uniforms * (high - low))
    # No representable mass inside [0, 1]: the component sits at the nearer edge.
    drawn = np.where(high - low > 0, drawn, centre)
    return np.clip(np.where(mirrored, 1.0 - drawn, drawn), 0.0, 1.0)
