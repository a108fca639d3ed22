"""The standard normal distribution's CDF and quantile, vectorised in numpy.

Sampling a truncated Gaussian needs both to full double precision, deep in the tails,
without TensorFlow (or SciPy, for two functions). The CDF is libm's erfc, element by
element (exact in the lower tail, where 1 + erf cancels); the quantile is Wichura's
AS241, the algorithm of Python's statistics.NormalDist, evaluated on whole arrays.
"""

import math

import numpy as np

_ERFC = np.frompyfunc(math.erfc, 1, 1)

# AS241's rational approximations, highest power first (np.polyval's order).
_CENTRAL_NUMERATOR = (
    2.5090809287301226727e3,
    3.3430575583588128105e4,
    6.7265770927008700853e4,
    4.5921953931549871457e4,
    1.3731693765509461125e4,
    1.9715909503065514427e3,
    1.3314166789178437745e2,
    3.3871328727963666080e0,
)
_CENTRAL_DENOMINATOR = (
    5.2264952788528545610e3,
    2.8729085735721942674e4,
    3.9307895800092710610e4,
    2.1213794301586595867e4,
    5.3941960214247511077e3,
    6.8718700749205790830e2,
    4.2313330701600911252e1,
    1.0,
)
_TAIL_NUMERATOR = (
    7.74545014278341407640e-4,
    2.27238449892691845833e-2,
    2.41780725177450611770e-1,
    1.27045825245236838258e0,
    3.64784832476320460504e0,
    5.76949722146069140550e0,
    4.63033784615654529590e0,
    1.42343711074968357734e0,
)
_TAIL_DENOMINATOR = (
    1.05075007164441684324e-9,
    5.47593808499534494600e-4,
    1.51986665636164571966e-2,
    1.48103976427480074590e-1,
    6.89767334985100004550e-1,
    1.67638483018380384940e0,
    2.05319162663775882187e0,
    1.0,
)
_FAR_TAIL_NUMERATOR = (
    2.01033439929228813265e-7,
    2.71155556874348757815e-5,
    1.24266094738807843860e-3,
    2.65321895265761230930e-2,
    2.96560571828504891230e-1,
    1.78482653991729133580e0,
    5.46378491116411436990e0,
    6.65790464350110377720e0,
)
_FAR_TAIL_DENOMINATOR = (
    2.04426310338993978564e-15,
    1.42151175831644588870e-7,
    1.84631831751005468180e-5,
    7.86869131145613259100e-4,
    1.48753612908506148525e-2,
    1.36929880922735805310e-1,
    5.99832206555887937690e-1,
    1.0,
)


# The coefficients by name (highest power first), for a port of normal_quantile: the
# playground's page reads these, not a copy.
QUANTILE_COEFFICIENTS = {
    "central_numerator": _CENTRAL_NUMERATOR,
    "central_denominator": _CENTRAL_DENOMINATOR,
    "tail_numerator": _TAIL_NUMERATOR,
    "tail_denominator": _TAIL_DENOMINATOR,
    "far_tail_numerator": _FAR_TAIL_NUMERATOR,
    "far_tail_denominator": _FAR_TAIL_DENOMINATOR,
}


def erfc(x: np.ndarray) -> np.ndarray:
    """The complementary error function, element by element (float64)."""
    return _ERFC(np.asarray(x, dtype=np.float64)).astype(np.float64)


def normal_cdf(x, erfc=erfc):
    """P(Z <= x) for a standard normal Z, relative precision kept in the lower tail.

    `erfc` is that of x's array library: this module's for numpy arrays, keras.ops.erfc
    for tensors inside the training loop. erfc, not 1 + erf: in the lower tail 1 + erf
    cancels to 0 long before the CDF does.
    """
    return 0.5 * erfc(-x / math.sqrt(2.0))


def normal_quantile(p: np.ndarray) -> np.ndarray:
    """The x with P(Z <= x) = p, for p in (0, 1); -inf at 0 and +inf at 1."""
    p = np.asarray(p, dtype=np.float64)
    q = p - 0.5
    central = np.abs(q) <= 0.425
    r = 0.180625 - q * q
    x_central = q * np.polyval(_CENTRAL_NUMERATOR, r) / np.polyval(_CENTRAL_DENOMINATOR, r)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.sqrt(-np.log(np.where(q <= 0.0, p, 1.0 - p)))
        near = tail - 1.6
        far = tail - 5.0
        x_tail = np.where(
            tail <= 5.0,
            np.polyval(_TAIL_NUMERATOR, near) / np.polyval(_TAIL_DENOMINATOR, near),
            np.polyval(_FAR_TAIL_NUMERATOR, far) / np.polyval(_FAR_TAIL_DENOMINATOR, far),
        )
    x_tail = np.where(q < 0.0, -x_tail, x_tail)
    x_tail = np.where(p == 0.0, -np.inf, np.where(p == 1.0, np.inf, x_tail))
    return np.where(central, x_central, x_tail)
