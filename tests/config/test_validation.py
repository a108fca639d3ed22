import copy
import dataclasses
import types
import typing

import pytest

from shapegen.config.params import Params, variant_params
from shapegen.config.validation import load_params, parse_params
from shapegen.errors import InputError


def test_the_committed_params_are_valid(repo_root):
    params = load_params(repo_root / "params.yaml")
    book = variant_params(params, "book")
    assert params.dataset.n_train == 25000
    assert book.train.checkpoints == (100, 500, 1000, 5000, 10000, 25000)
    assert book.train.learning_rate == 1.0e-3


def _without(raw: dict, *keys: str) -> dict:
    raw = copy.deepcopy(raw)
    section = raw
    for key in keys[:-1]:
        section = section[key]
    del section[keys[-1]]
    return raw


def _with(raw: dict, value, *keys: str) -> dict:
    raw = copy.deepcopy(raw)
    section = raw
    for key in keys[:-1]:
        section = section[key]
    section[keys[-1]] = value
    return raw


def test_a_missing_key_is_named(default_params_raw):
    with pytest.raises(InputError, match=r"missing key dataset\.n_train$"):
        parse_params(_without(default_params_raw, "dataset", "n_train"))


@pytest.mark.parametrize(
    ("keys", "value", "expected"),
    [
        (
            ("dataset", "n_train"),
            "many",
            r"dataset\.n_train is the string 'many'; expected an integer",
        ),
        (("dataset", "seed"), True, r"dataset\.seed is the boolean true; expected an integer"),
        (("dataset", "n_test"), 2.5, r"dataset\.n_test is 2\.5; expected an integer"),
        (
            ("variants", "book", "train", "learning_rate"),
            "0.001",
            r"learning_rate is the string '0\.001'; expected a number > 0$",
        ),
        (
            ("variants", "book", "train", "learning_rate"),
            float("inf"),
            r"learning_rate is inf; expected a number > 0$",
        ),
        (("evaluate", "primed_widths"), [], r"primed_widths is \[\]; expected a non-empty list"),
        (
            ("variants", "book", "train", "jit_compile"),
            1,
            r"jit_compile is 1; expected true or false",
        ),
        (("variants", "book", "model", "units"), 0, r"units is 0; expected an integer >= 1"),
        (
            ("shapes", "family_weights", "regular_polygon"),
            -1.0,
            r"shapes\.family_weights\.regular_polygon is -1\.0; expected a number >= 0$",
        ),
        (
            ("shapes", "family_weights"),
            {"rectangle": 0.0, "rotated_rectangle": 0.0, "regular_polygon": 0.0},
            r"shapes\.family_weights is .*; expected at least one weight > 0$",
        ),
        (("variants", "book", "train", "checkpoints"), [100, 50], "strictly increasing"),
        (("variants", "book", "train", "checkpoints"), [100, 30000], r"<= dataset\.n_train"),
    ],
)
def test_a_wrong_value_names_key_value_and_expectation(default_params_raw, keys, value, expected):
    with pytest.raises(InputError, match=expected):
        parse_params(_with(default_params_raw, value, *keys))


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        # a typo beside the real key
        (
            ("dataset", "n_trian"),
            r"dataset\.n_trian: unknown key; did you mean dataset\.n_train\?$",
        ),
        (("datset",), r"datset: unknown key; did you mean dataset\?$"),
        (
            ("variants", "mixture", "model", "mixture", "n_component"),
            r"mixture\.n_component: unknown key; did you mean "
            r"variants\.mixture\.model\.mixture\.n_components\?$",
        ),
        # a key in the wrong section: the nearest key of that name
        (
            ("variants", "book", "model", "learning_rate"),
            r"did you mean variants\.book\.train\.learning_rate\?$",
        ),
        (
            ("gallery", "family_weights"),
            r"gallery\.family_weights: unknown key; did you mean shapes\.family_weights\?$",
        ),
        # nothing near: the section's keys
        (
            ("dataset", "colour"),
            r"dataset\.colour: unknown key; expected one of seed, n_train, n_test$",
        ),
        # several keys of that name, none nearer than the others
        (("gallery", "seed"), r"gallery\.seed: unknown key; expected one of dpi, panel_inches"),
    ],
)
def test_an_unknown_key_names_the_nearest_valid_key(default_params_raw, keys, expected):
    with pytest.raises(InputError, match=expected):
        parse_params(_with(default_params_raw, 5, *keys))


def _load_text(tmp_path, text: str):
    path = tmp_path / "params.yaml"
    path.write_text(text)
    return load_params(path)


def _committed_text_with(repo_root, old: str, new: str) -> str:
    text = (repo_root / "params.yaml").read_text()
    assert text.count(old) == 1
    return text.replace(old, new)


def test_numbers_are_read_as_dvc_reads_them(tmp_path, repo_root):
    # YAML 1.2, DVC's reading: exponents without a dot or a sign are numbers.
    text = _committed_text_with(repo_root, "learning_rate: 1.0e-3 ", "learning_rate: 1e-3 ")
    text = text.replace("learning_rate: 1.0e-2\n", "learning_rate: 2.0e2\n")
    params = _load_text(tmp_path, text)
    assert params.variants["book"].train.learning_rate == 1.0e-3
    assert params.variants["mixture"].train.learning_rate == 200.0


def test_yes_is_not_a_boolean(tmp_path, repo_root):
    # YAML 1.1 reads `yes` as true; DVC (YAML 1.2) reads a string, and so do the stages.
    text = _committed_text_with(repo_root, "jit_compile: true  ", "jit_compile: yes  ")
    with pytest.raises(
        InputError, match=r"jit_compile is the string 'yes'; expected true or false$"
    ):
        _load_text(tmp_path, text)


def test_a_key_given_twice_is_refused(tmp_path, repo_root):
    text = _committed_text_with(repo_root, "  n_train: 25000", "  n_train: 25000\n  n_train: 10")
    with pytest.raises(InputError, match=r"key n_train appears twice in one mapping \(line \d+\)"):
        _load_text(tmp_path, text)


def test_not_yaml_names_the_line(tmp_path):
    with pytest.raises(InputError, match=r"params\.yaml: not valid YAML at line 2$"):
        _load_text(tmp_path, "dataset: [1, 2\n  seed: 1\n")


def test_an_unknown_variant_is_refused(repo_root):
    with pytest.raises(InputError, match="no variant 'nope'"):
        variant_params(load_params(repo_root / "params.yaml"), "nope")


def test_params_are_frozen(repo_root):
    params = load_params(repo_root / "params.yaml")
    with pytest.raises(AttributeError):
        params.dataset.seed = 3


# Mistakes an editor can see in one key: the schema and the validator both refuse them.
SINGLE_KEY_MISTAKES = [
    (("dataset", "n_trian"), 5),
    (("dataset", "n_train"), "many"),
    (("dataset", "seed"), True),
    (("dataset", "n_test"), 0),
    (("dataset", "n_test"), 2.5),
    (("gallery", "sample_temperature"), 0),
    (("gallery", "primed_widths"), [0.5, 1.0]),
    (("gallery", "temperature_strip"), []),
    (("variants", "book", "model", "head"), "gmm"),
    (("variants", "book", "train", "jit_compile"), "yes"),
    (("variants", "book", "model", "mixture"), None),
    (("variants", "Book"), {}),
    (("variants",), {}),
]


@pytest.mark.parametrize(
    ("keys", "value", "expected"),
    [
        (
            ("variants", "families", "data"),
            "rectangles",
            r"families\.data is the string 'rectangles'; expected shapes for head: categorical",
        ),
        (
            ("variants", "book", "data"),
            "shapes",
            r"variants\.book\.data is the string 'shapes'; expected rectangles for head: point",
        ),
        (
            ("variants", "families", "train", "shapes_per_update"),
            7,
            r"shapes_per_update is 7; expected a divisor of shapes\.n_train",
        ),
        (
            ("variants", "mixture", "train", "shapes_per_update"),
            2,
            r"shapes_per_update is 2; expected 1 for data: rectangles",
        ),
        (
            ("variants", "families", "train", "length_buckets"),
            [4, 7],
            r"length_buckets is \[4, 7\]; expected increasing point counts from 3, the last 8",
        ),
        (
            ("variants", "families", "train", "length_buckets"),
            [5, 4, 8],
            r"length_buckets is \[5, 4, 8\]; expected increasing point counts",
        ),
        (
            ("variants", "families", "train", "length_buckets"),
            [8.5],
            r"length_buckets is \[8\.5\]; expected a list of integers >= 1",
        ),
        (
            ("variants", "families", "train", "length_buckets"),
            [2, 8],
            r"length_buckets is \[2, 8\]; expected increasing point counts from 3",
        ),
        (
            ("variants", "families_point", "train", "length_buckets"),
            [4, 8],
            r"length_buckets is \[4, 8\]; expected \[\] unless data: shapes and framing: sequence",
        ),
        (
            ("variants", "mixture", "train", "length_buckets"),
            [8],
            r"length_buckets is \[8\]; expected \[\] unless data: shapes",
        ),
        (
            ("variants", "families", "train", "length_buckets"),
            "4, 8",
            r"length_buckets is the string '4, 8'; expected a list of integers >= 1",
        ),
        (
            ("shapes", "train_family_weights", "regular_polygon"),
            0.0,
            r"train_family_weights\.regular_polygon is 0\.0; expected a weight > 0: the test "
            r"split has regular_polygon shapes to learn",
        ),
        (
            ("variants", "families", "model", "categorical", "conditional"),
            "yes",
            r"conditional is the string 'yes'; expected true or false",
        ),
        (
            ("variants", "families", "model", "categorical", "hidden_units"),
            0,
            r"hidden_units is 0; expected an integer >= 1",
        ),
        (
            ("variants", "families", "model", "categorical", "bins"),
            6.5,
            r"bins is 6\.5; expected an integer",
        ),
        (
            ("variants", "families", "model", "categorical", "bins"),
            1,
            r"bins is 1; expected an integer >= 2",
        ),
        (
            ("variants", "families", "model", "categorical", "clip_norm"),
            0.0,
            r"clip_norm is 0\.0; expected a number > 0",
        ),
        (
            ("variants", "families", "model", "mixture"),
            {"n_components": 2, "support": "unit_square", "scale_floor": 0.1, "scale_ceiling": 1.0},
            r"families\.model\.mixture is set but head is categorical",
        ),
    ],
)
def test_shapes_variants_are_checked_across_keys(default_params_raw, keys, value, expected):
    with pytest.raises(InputError, match=expected):
        parse_params(_with(default_params_raw, value, *keys))


def test_a_categorical_head_needs_its_section(default_params_raw):
    with pytest.raises(InputError, match=r"variants\.families\.model\.categorical goes with head"):
        parse_params(_without(default_params_raw, "variants", "families", "model", "categorical"))


def test_an_empty_length_buckets_list_is_one_bucket(default_params_raw):
    params = parse_params(
        _with(default_params_raw, [], "variants", "families", "train", "length_buckets")
    )
    assert params.variants["families"].train.length_buckets == ()
    assert parse_params(default_params_raw).variants["mixture"].train.length_buckets == ()


def test_every_key_is_described():
    def fields(kind):
        hints = typing.get_type_hints(kind)
        for field in dataclasses.fields(kind):
            yield kind.__name__, field
            hint = hints[field.name]
            if typing.get_origin(hint) is types.UnionType:
                hint = typing.get_args(hint)[0]
            if typing.get_origin(hint) is dict:
                hint = typing.get_args(hint)[1]
            if dataclasses.is_dataclass(hint):
                yield from fields(hint)

    undescribed = [
        f"{owner}.{field.name}" for owner, field in fields(Params) if not field.metadata.get("doc")
    ]
    assert not undescribed
