"""One generator interface for every kind of model: the same methods, defaults, return
types and one-line ValueErrors, whatever the model draws."""

import ast
from pathlib import Path

import numpy as np
import pytest

from shapegen.data.families import FAMILIES, MAX_POINTS
from shapegen.errors import InputError
from shapegen.model import build_model
from shapegen.sampling.generator import Generator
from shapegen.sampling.rectangle_generator import RectangleGenerator
from shapegen.sampling.shape_generator import ShapeGenerator

from ..small_models import generator_of, small_categorical_model, small_mixture_model

SRC = Path(__file__).resolve().parents[2] / "src" / "shapegen" / "sampling"

# Every kind of model the pipeline trains: (builder, data, conditional).
KINDS = {
    "book": (lambda: build_model(4, 1.0e-3, seed=1), "rectangles", False),
    "mixture": (lambda: small_mixture_model(seed=1), "rectangles", False),
    "mixture_point": (lambda: small_mixture_model(seed=1, framing="point"), "rectangles", False),
    "categorical": (lambda: small_categorical_model(seed=1), "shapes", False),
    "categorical_conditional": (
        lambda: small_categorical_model(conditional=True, seed=1),
        "shapes",
        True,
    ),
    "categorical_point": (lambda: small_categorical_model("point", seed=1), "shapes", False),
}


@pytest.fixture(params=list(KINDS), scope="module")
def kind(request, tmp_path_factory):
    build, data, conditional = KINDS[request.param]
    generator = generator_of(build(), tmp_path_factory.mktemp(request.param))
    return generator, data, conditional


def family_of(conditional: bool) -> str | None:
    return FAMILIES[2] if conditional else None


def test_every_model_is_a_generator_of_its_kind_of_data(kind):
    generator, data, _ = kind
    assert isinstance(generator, Generator)
    assert generator.data == data
    expected = RectangleGenerator if data == "rectangles" else ShapeGenerator
    assert type(generator) is expected
    assert generator.max_points == (4 if data == "rectangles" else MAX_POINTS)


def test_sample_returns_a_list_of_float_k_by_2_arrays_with_seed_0_by_default(kind):
    generator, _, conditional = kind
    family = family_of(conditional)
    shapes = generator.sample(7, family=family)
    assert isinstance(shapes, list) and len(shapes) == 7
    for shape in shapes:
        assert isinstance(shape, np.ndarray) and shape.dtype == np.float64
        assert shape.ndim == 2 and shape.shape[1] == 2
        assert shape.shape[0] <= generator.max_points
    again = generator.sample(7, seed=0, temperature=1.0, family=family)
    assert all(np.array_equal(a, b) for a, b in zip(shapes, again, strict=True))


def test_the_batch_methods_return_padded_points_and_lengths(kind):
    generator, _, conditional = kind
    families = np.full(9, 2) if conditional else None
    points, lengths = generator.generate_batch(9, np.random.default_rng(3), 1.0, families)
    assert points.shape == (9, generator.max_points, 2)
    assert lengths.shape == (9,) and np.issubdtype(lengths.dtype, np.integer)
    assert np.all(points[np.arange(generator.max_points)[None, :] >= lengths[:, None]] == 0)
    prefixes = np.broadcast_to([[0.0, 0.0], [0.3, 0.0]], (9, 2, 2))
    completed, completed_lengths = generator.complete_batch(
        prefixes, np.random.default_rng(3), 1.0, families
    )
    long_enough = completed_lengths >= 2
    np.testing.assert_array_equal(completed[long_enough, :2], prefixes[long_enough])
    # `sample` and `complete` are the batch methods, unpadded.
    shapes = generator.sample(9, seed=np.random.default_rng(3), family=family_of(conditional))
    assert [len(shape) for shape in shapes] == list(lengths)


def test_complete_keeps_the_given_points_and_an_empty_prefix_is_sample(kind):
    generator, _, conditional = kind
    family = family_of(conditional)
    prefix = [[0.0, 0.0], [0.25, 0.0]]
    for shape in generator.complete(prefix, 20, seed=1, family=family):
        if len(shape) >= 2:
            np.testing.assert_array_equal(shape[:2], prefix)
    sampled = generator.sample(5, seed=4, family=family)
    completed = generator.complete([], 5, seed=4, family=family)
    assert all(np.array_equal(a, b) for a, b in zip(sampled, completed, strict=True))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g, f: g.sample(0, family=f), r"^n: 0 is not a number of shapes"),
        (lambda g, f: g.sample(2.0, family=f), r"^n: 2\.0 is not a number of shapes"),
        (lambda g, f: g.sample(True, family=f), r"^n: True is not a number of shapes"),
        (lambda g, f: g.sample(1, temperature=0.0, family=f), r"^temperature: 0\.0 is not val"),
        (lambda g, f: g.sample(1, temperature=float("nan"), family=f), r"^temperature: nan is"),
        (lambda g, f: g.sample(1, temperature="1", family=f), r"^temperature: '1' is not val"),
        (lambda g, f: g.sample(1, seed=-1, family=f), r"^seed: -1 is not a seed"),
        (lambda g, f: g.sample(1, seed=1.5, family=f), r"^seed: 1\.5 is not a seed"),
        (lambda g, f: g.sample(1, seed="0", family=f), r"^seed: '0' is not a seed"),
        (lambda g, f: g.complete([[0, 0], [1.5, 0]], 1, family=f), r"^prefix: point 2 \(1\.5, "),
        (lambda g, f: g.complete([[0, float("inf")]], 1, family=f), r"^prefix: point 1 \(0\.0, "),
        (lambda g, f: g.complete([[0, 0]] * 9, 1, family=f), r"^prefix: 9 points; .* at most"),
        (lambda g, f: g.complete([0.1, 0.2], 1, family=f), r"^prefix: an array of shape \(2,\)"),
        (lambda g, f: g.complete([["a", 0]], 1, family=f), r"^prefix: \[\['a', 0\]\] is not"),
    ],
)
def test_bad_arguments_raise_the_same_one_line_value_error_for_every_model(kind, call, message):
    generator, _, conditional = kind
    with pytest.raises(ValueError, match=message) as raised:
        call(generator, family_of(conditional))
    assert isinstance(raised.value, InputError)
    assert "\n" not in str(raised.value)


def test_a_family_is_asked_of_a_conditional_model_and_only_of_one(kind):
    generator, data, conditional = kind
    if conditional:
        assert len(generator.sample(3, family="regular_polygon")) == 3
        with pytest.raises(ValueError, match=r"^family: missing; .* expected one of rectangle"):
            generator.sample(3)
        with pytest.raises(ValueError, match=r"^family: 'square' is not a family; expected one"):
            generator.sample(3, family="square")
    else:
        what = "rectangles" if data == "rectangles" else "every family"
        with pytest.raises(
            ValueError,
            match=rf"^family: 'rectangle' given, but .* not a conditional model \(it draws {what}",
        ):
            generator.sample(2, family="rectangle")


def test_the_rectangles_and_the_shapes_generators_do_not_import_each_other():
    pair = ("rectangle_generator", "shape_generator")
    for module, other in (pair, pair[::-1]):
        tree = ast.parse((SRC / f"{module}.py").read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert f"shapegen.sampling.{other}" not in imported, module


def test_a_full_prefix_comes_back_exactly_as_given(kind):
    generator, _, conditional = kind
    # Points that binary fractions do not hold exactly (0.9, 0.1): kept as given, not
    # rounded through the model's encoding.
    full = np.column_stack(
        [np.linspace(0.1, 0.9, generator.max_given), np.full(generator.max_given, 0.1)]
    )
    full[0] = 0.0
    for shape in generator.complete(full, 3, family=family_of(conditional)):
        np.testing.assert_array_equal(shape, full)


def test_a_rectangle_starts_at_the_origin_and_a_shape_anywhere(kind):
    generator, data, conditional = kind
    family = family_of(conditional)
    if data == "rectangles":
        with pytest.raises(ValueError, match=r"^prefix: the first point is \(0\.5, 0\.5\); a rec"):
            generator.complete([[0.5, 0.5]], 2, family=family)
    else:
        for shape in generator.complete([[0.5, 0.5]], 2, family=family):
            if len(shape):
                np.testing.assert_array_equal(shape[0], [0.5, 0.5])
