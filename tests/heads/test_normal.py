import math
import statistics

import numpy as np

from shapegen.heads.normal import erfc, normal_cdf, normal_quantile


def test_erfc_is_libms_element_by_element():
    x = np.linspace(-6.0, 27.0, 1001)
    np.testing.assert_array_equal(erfc(x), [math.erfc(value) for value in x])


def test_the_cdf_keeps_relative_precision_deep_in_the_lower_tail():
    # Phi(-30) is about 4.9e-198; 0.5 (1 + erf(-30 / sqrt 2)) would give exactly 0.
    assert normal_cdf(np.array([-30.0]))[0] == 0.5 * math.erfc(30.0 / math.sqrt(2.0)) > 4.9e-198
    assert normal_cdf(np.array([0.0]))[0] == 0.5


def test_the_quantile_equals_pythons_normal_dist_from_tail_to_tail():
    probabilities = np.concatenate(
        [
            np.random.default_rng(0).random(3000),
            10.0 ** -np.arange(1.0, 308.0, 7.0),
            1.0 - 10.0 ** -np.arange(1.0, 16.0),
            [0.075, 0.925, 0.5],  # the edges of AS241's central region
        ]
    )
    expected = [statistics.NormalDist().inv_cdf(p) for p in probabilities]
    np.testing.assert_allclose(normal_quantile(probabilities), expected, rtol=1e-15, atol=0)


def test_the_quantile_inverts_the_cdf_below_the_upper_tail():
    # Above ~2 the CDF is 1 - (a small number) and loses digits: the sampler mirrors
    # there, so that it only ever inverts a lower tail.
    x = np.linspace(-37.0, 2.0, 500)
    np.testing.assert_allclose(normal_quantile(normal_cdf(x)), x, rtol=1e-9, atol=1e-9)


def test_the_quantile_of_0_and_1_is_infinite():
    np.testing.assert_array_equal(normal_quantile(np.array([0.0, 1.0])), [-np.inf, np.inf])
