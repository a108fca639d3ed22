"""The numpy forward pass against Keras, the source of truth, for every framing and head."""

import keras
import numpy as np
import pytest

from shapegen.model import build_model
from shapegen.sampling.network import forward

from ..small_models import MIXTURE, generator_of

COMBINATIONS = [
    ("point", "point", None),
    ("sequence", "point", None),
    ("point", "mixture", MIXTURE),
    ("sequence", "mixture", MIXTURE),
    ("sequence", "mixture", {**MIXTURE, "n_components": 3, "support": "plane"}),
]


def keras_outputs(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    """Keras' raw outputs (n, t, p) for sequences (n, t, 2), as network.forward gives them."""
    n, steps = inputs.shape[:2]
    if model.input_shape[1] == 1:  # the point framing: each point a sequence of its own
        inputs = inputs.reshape(-1, 1, 2)
    outputs = keras.ops.convert_to_numpy(model(inputs.astype(np.float32), training=False))
    return outputs.reshape(n, steps, -1)


@pytest.mark.parametrize(("framing", "head", "mixture"), COMBINATIONS)
def test_the_numpy_network_equals_keras_teacher_forced_and_fed_back(
    framing, head, mixture, tmp_path
):
    model = build_model(6, 1.0e-3, seed=4, framing=framing, head=head, mixture=mixture)
    generator = generator_of(model, tmp_path)
    random_points = np.random.default_rng(0).random((300, 3, 2))
    drawn = generator.generate_batch(300, np.random.default_rng(1), 1.0)[0][:, :3]
    for inputs in (random_points, drawn):
        np.testing.assert_allclose(
            forward(generator.network, inputs), keras_outputs(model, inputs), rtol=0, atol=1e-5
        )
    assert generator.network.n_parameters == model.count_params()
    assert generator.network.train_updates == 0


def test_a_trained_models_updates_are_read_from_its_optimizer(tmp_path):
    model = build_model(4, 1.0e-2, seed=0)
    points = np.random.default_rng(0).random((7, 1, 2)).astype(np.float32)
    for row in range(7):
        model.train_on_batch(points[row : row + 1], points[row, 0][None])
    generator = generator_of(model, tmp_path)
    assert generator.network.train_updates == 7
    np.testing.assert_allclose(
        forward(generator.network, points), keras_outputs(model, points), atol=1e-5
    )
