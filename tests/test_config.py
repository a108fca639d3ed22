import copy

import pytest

from shapegen.config import load_params, parse_params, variant_params
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
            "1e-3",
            r"learning_rate is the string '1e-3'.*1\.0e-3",
        ),
        (
            ("variants", "book", "train", "jit_compile"),
            1,
            r"jit_compile is 1; expected true or false",
        ),
        (("variants", "book", "model", "units"), 0, r"units is 0; expected an integer >= 1"),
        (("variants", "book", "train", "checkpoints"), [100, 50], "strictly increasing"),
        (("variants", "book", "train", "checkpoints"), [100, 30000], r"<= dataset\.n_train"),
    ],
)
def test_a_wrong_value_names_key_value_and_expectation(default_params_raw, keys, value, expected):
    with pytest.raises(InputError, match=expected):
        parse_params(_with(default_params_raw, value, *keys))


def test_an_unknown_key_is_refused(default_params_raw):
    with pytest.raises(InputError, match=r"unknown key dataset\.n_trian"):
        parse_params(_with(default_params_raw, 5, "dataset", "n_trian"))


def test_an_unknown_variant_is_refused(repo_root):
    with pytest.raises(InputError, match="no variant 'nope'"):
        variant_params(load_params(repo_root / "params.yaml"), "nope")


def test_params_are_frozen(repo_root):
    params = load_params(repo_root / "params.yaml")
    with pytest.raises(AttributeError):
        params.dataset.seed = 3
