import numpy as np
import pytest

from shapegen.data.rectangles import width_prefixes
from shapegen.errors import InputError
from shapegen.files.keras_archive import save_model
from shapegen.model import build_model
from shapegen.sampling.loading import load_generator, model_path
from shapegen.training.chapter import generate_rectangle

from ..small_models import generator_of, small_mixture_model


@pytest.fixture
def mixture(tmp_path):
    return generator_of(small_mixture_model(), tmp_path)


def test_batched_generation_equals_the_chapters_predict_loop(tmp_path):
    model = build_model(10, 1.0e-3, seed=7)  # the chapter's network, its layers named
    ours, lengths = generator_of(model, tmp_path).generate_batch(4, np.random.default_rng(0), 1.0)
    np.testing.assert_array_equal(lengths, 4)
    chapters = generate_rectangle(model)
    np.testing.assert_allclose(ours, np.broadcast_to(chapters, (4, 4, 2)), atol=1e-6)


def test_mixture_samples_are_reproducible_by_seed(mixture):
    first = mixture.generate_batch(200, np.random.default_rng(5), 1.0)[0]
    again = mixture.generate_batch(200, np.random.default_rng(5), 1.0)[0]
    other = mixture.generate_batch(200, np.random.default_rng(6), 1.0)[0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert len(np.unique(first[:, 1, 0])) > 100  # a sampler, not one average shape


def test_samples_collapse_to_the_most_likely_shape_as_the_temperature_goes_to_0(mixture):
    spreads = [
        mixture.generate_batch(500, np.random.default_rng(1), temperature)[0][:, 1:]
        .std(axis=0)
        .max()
        for temperature in (1.0, 1.0e-2, 1.0e-12)
    ]
    assert spreads[0] > spreads[1] > spreads[2]
    assert spreads[2] < 1.0e-4


@pytest.mark.parametrize("framing", ["point", "sequence"])
def test_primed_generation_keeps_the_given_corners_exactly(framing, tmp_path):
    generator = generator_of(small_mixture_model(seed=2, framing=framing), tmp_path)
    prefixes = width_prefixes(np.array([0.2, 0.5, 0.8, 0.123456789]))
    completed, _ = generator.complete_batch(prefixes, np.random.default_rng(0), 1.0)
    np.testing.assert_array_equal(completed[:, :2], prefixes)
    assert np.all(np.isfinite(completed))


def test_sample_and_complete_return_a_list_of_float_shapes(mixture):
    shapes = mixture.sample(3, seed=0)
    assert len(shapes) == 3
    assert all(shape.shape == (4, 2) and shape.dtype == np.float64 for shape in shapes)
    np.testing.assert_array_equal(shapes[0][0], [0.0, 0.0])
    completed = mixture.complete([[0.0, 0.0], [0.3, 0.0]], 5, seed=1, temperature=0.5)
    assert all(np.array_equal(shape[:2], [[0.0, 0.0], [0.3, 0.0]]) for shape in completed)
    # The same seed, the same shapes; a generator passed in is used as it is.
    np.testing.assert_array_equal(mixture.sample(3, seed=0), shapes)
    rng = np.random.default_rng(0)
    assert not np.array_equal(mixture.sample(3, seed=rng), mixture.sample(3, seed=rng))


def test_a_full_prefix_is_returned_as_given(mixture):
    corners = [[0.0, 0.0], [0.4, 0.0], [0.4, 0.7], [0.0, 0.7]]
    np.testing.assert_array_equal(mixture.complete(corners, 2, seed=0), [corners, corners])


def test_a_variant_name_is_its_model_under_data_models(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_model(small_mixture_model(), tmp_path / "data/models/tiny/model.keras")
    assert model_path("tiny") == tmp_path.joinpath("data/models/tiny/model.keras").relative_to(
        tmp_path
    )
    assert load_generator("tiny").network.kind()["units"] == 6
    with pytest.raises(InputError, match=r"^tiney: no such model file, .*: tiny$"):
        load_generator("tiney")
    with pytest.raises(InputError, match=r"^other/m\.keras: model file not found"):
        load_generator("other/m.keras")
