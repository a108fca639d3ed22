"""params.schema.json and docs/params.md: generated from the declarations, current, and in
agreement with the validator."""

import jsonschema
import pytest

from shapegen.config.params import SCHEMA_FILE
from shapegen.config.schema import params_json_schema, params_reference, schema_text
from shapegen.config.validation import parse_params
from shapegen.errors import InputError

from .test_validation import SINGLE_KEY_MISTAKES, _with, _without


def test_the_committed_schema_is_generated_from_the_config(repo_root):
    committed = (repo_root / SCHEMA_FILE).read_text()
    assert committed == schema_text(), "params.schema.json is stale: run `make schema`"


def test_params_yaml_points_editors_at_the_schema(repo_root):
    first_line = (repo_root / "params.yaml").read_text().splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema={SCHEMA_FILE}"


def test_the_schema_accepts_the_committed_params(default_params_raw):
    validator = jsonschema.Draft7Validator(params_json_schema())
    validator.check_schema(params_json_schema())
    assert list(validator.iter_errors(default_params_raw)) == []


@pytest.mark.parametrize(("keys", "value"), SINGLE_KEY_MISTAKES)
def test_the_schema_and_the_validator_refuse_the_same_mistakes(default_params_raw, keys, value):
    raw = _with(default_params_raw, value, *keys)
    assert list(jsonschema.Draft7Validator(params_json_schema()).iter_errors(raw))
    with pytest.raises(InputError):
        parse_params(raw)


def test_the_schema_and_the_validator_refuse_a_missing_key(default_params_raw):
    raw = _without(default_params_raw, "variants", "mixture", "train", "passes")
    assert list(jsonschema.Draft7Validator(params_json_schema()).iter_errors(raw))
    with pytest.raises(InputError):
        parse_params(raw)


def test_the_committed_params_reference_is_current(repo_root):
    assert (repo_root / "docs" / "params.md").read_text() == params_reference(), (
        "docs/params.md is stale: run `make docs`"
    )


def test_the_params_reference_shows_paths_as_code_raw_and_rendered():
    text = params_reference()
    assert "&lt;" not in text  # the raw file reads as it renders
    assert "`data/gallery/<variant>/samples.png`" in text
    assert "`data/metrics/<name>.json`." in text  # the sentence's full stop outside the code
