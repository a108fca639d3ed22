import numpy as np

from shapegen.model import build_model


def test_the_chapters_model_has_542_parameters():
    model = build_model(units=10, learning_rate=1.0e-3, seed=0)
    assert model.count_params() == 542  # LSTM 520 + Dense 22, as in table 11.22
    assert model.output_shape == (None, 2)


def test_initial_weights_depend_only_on_the_seed():
    first = build_model(units=10, learning_rate=1.0e-3, seed=4).get_weights()
    again = build_model(units=10, learning_rate=1.0e-3, seed=4).get_weights()
    other = build_model(units=10, learning_rate=1.0e-3, seed=5).get_weights()
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
