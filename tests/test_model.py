import keras
import numpy as np
import pytest

from shapegen.model import MemorylessLSTM, PortableOrthogonal, build_model

from .small_models import small_mixture_model


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


def test_step_dense_applies_each_steps_own_weights():
    from shapegen.model import StepDense

    layer = StepDense(4, kernel_initializer=keras.initializers.GlorotUniform(seed=1))
    inputs = np.random.default_rng(0).random((5, 3, 6)).astype(np.float32)
    outputs = keras.ops.convert_to_numpy(layer(inputs))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 6, 4) and bias.shape == (3, 4)
    for step in range(3):
        np.testing.assert_allclose(
            outputs[:, step], inputs[:, step] @ kernel[step] + bias[step], rtol=1e-5, atol=1e-6
        )
    again = StepDense.from_config(layer.get_config())
    assert again.units == 4


def test_a_mixture_model_is_causal_and_sees_the_current_point():
    model = small_mixture_model(seed=1)
    rng = np.random.default_rng(0)
    first = rng.random((4, 3, 2)).astype(np.float32)
    later_changed = first.copy()
    later_changed[:, 2] = rng.random((4, 2))
    a = keras.ops.convert_to_numpy(model(first))
    b = keras.ops.convert_to_numpy(model(later_changed))
    # Outputs before the changed step do not move; the changed step's do.
    np.testing.assert_array_equal(a[:, :2], b[:, :2])
    assert not np.allclose(a[:, 2], b[:, 2])
    assert model.get_layer("lstm").units == 6


def test_the_memoryless_lstm_is_keras_lstm_from_the_zero_state():
    inputs = np.random.default_rng(0).normal(size=(50, 1, 7)).astype(np.float32)
    ours = MemorylessLSTM(5, seed=3)
    theirs = keras.layers.LSTM(5, return_sequences=True)
    ours(inputs), theirs(inputs)
    # The same kernel and bias; the LSTM's recurrent kernel random: it must not matter.
    recurrent = np.random.default_rng(1).normal(size=(5, 20)).astype(np.float32)
    theirs.set_weights([ours.kernel.numpy(), recurrent, ours.bias.numpy()])
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(inputs)),
        keras.ops.convert_to_numpy(theirs(inputs)),
        rtol=0,
        atol=1e-6,
    )
    # Initialised as keras.layers.LSTM is: the forget gate's bias 1, the rest 0.
    np.testing.assert_array_equal(ours.bias.numpy(), np.repeat([0.0, 1.0, 0.0, 0.0], 5))


@pytest.mark.parametrize("shape", [(10, 40), (128, 512), (40, 10)])
def test_portable_orthogonal_is_keras_orthogonal_but_for_rounding(shape):
    portable = np.asarray(PortableOrthogonal(seed=8)(shape))
    reference = np.asarray(keras.initializers.Orthogonal(seed=8)(shape))
    assert portable.dtype == np.float32 and portable.shape == shape
    np.testing.assert_allclose(portable, reference, atol=1e-6)
    small = min(shape)
    gram = portable @ portable.T if shape[0] < shape[1] else portable.T @ portable
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)


def test_model_files_record_the_custom_layers_at_shapegen_model(tmp_path):
    # Keras writes each custom object's Python module into a .keras file's config.json:
    # moving these classes out of shapegen/model.py would change the bytes (and the DVC
    # hashes) of every model file, so the path is pinned here.
    import json
    import zipfile

    from shapegen.files.keras_archive import save_model

    from .small_models import small_categorical_model

    modules = set()

    def collect(node):
        if isinstance(node, dict):
            if str(node.get("registered_name", "")).startswith("shapegen>"):
                modules.add(node["module"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for model in (small_mixture_model(), small_categorical_model()):
        path = tmp_path / "model.keras"
        save_model(model, path)
        with zipfile.ZipFile(path) as archive:
            collect(json.loads(archive.read("config.json")))
    assert modules == {"shapegen.model"}
