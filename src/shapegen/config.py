"""params.yaml, validated once into typed, frozen config objects.

Every number the pipeline uses lives in params.yaml; this module only says which
keys exist, their types and their allowed ranges. A mistake stops the stage before
any work with one line naming the key, the value and what was expected.
"""

import dataclasses
import itertools
import re
import typing
from pathlib import Path
from typing import Any

import yaml

from shapegen.errors import InputError

PARAMS_FILE = "params.yaml"
VARIANT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _at_least(minimum: float, exclusive: bool = False) -> dict[str, Any]:
    return {"minimum": minimum, "exclusive": exclusive}


@dataclasses.dataclass(frozen=True)
class DatasetParams:
    """How the rectangles dataset is drawn."""

    seed: int = dataclasses.field(metadata=_at_least(0))
    n_train: int = dataclasses.field(metadata=_at_least(1))
    n_test: int = dataclasses.field(metadata=_at_least(1))


@dataclasses.dataclass(frozen=True)
class ModelParams:
    """The network: an LSTM trunk over one time step and a linear point head."""

    units: int = dataclasses.field(metadata=_at_least(1))
    seed: int = dataclasses.field(metadata=_at_least(0))


@dataclasses.dataclass(frozen=True)
class TrainParams:
    """One Adam update per rectangle, in stored order, as in the chapter."""

    learning_rate: float = dataclasses.field(metadata=_at_least(0, exclusive=True))
    checkpoints: tuple[int, ...] = dataclasses.field(metadata=_at_least(1))
    jit_compile: bool
    chunk_size: int = dataclasses.field(metadata=_at_least(1))
    loss_window: int = dataclasses.field(metadata=_at_least(1))
    loss_log_every: int = dataclasses.field(metadata=_at_least(1))


@dataclasses.dataclass(frozen=True)
class VariantParams:
    """One model variant: built, trained, drawn and evaluated by the same stages."""

    model: ModelParams
    train: TrainParams


@dataclasses.dataclass(frozen=True)
class GalleryParams:
    """The PNG figures."""

    dpi: int = dataclasses.field(metadata=_at_least(10))
    train_grid_rows: int = dataclasses.field(metadata=_at_least(1))
    train_grid_cols: int = dataclasses.field(metadata=_at_least(1))
    panel_inches: float = dataclasses.field(metadata=_at_least(0.5))


@dataclasses.dataclass(frozen=True)
class EvaluateParams:
    """The generated shapes that the metrics are computed on."""

    n_generated: int = dataclasses.field(metadata=_at_least(1))


@dataclasses.dataclass(frozen=True)
class Params:
    """The whole of params.yaml."""

    dataset: DatasetParams
    gallery: GalleryParams
    evaluate: EvaluateParams
    variants: dict[str, VariantParams]


def load_params(path: str | Path = PARAMS_FILE) -> Params:
    """Read and validate a params file; raise InputError on the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found (expected the pipeline's params file)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read ({error})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise InputError(f"{path}: not valid YAML{line}") from None
    return parse_params(raw, source=str(path))


def parse_params(raw: Any, source: str = PARAMS_FILE) -> Params:
    """Validate an already parsed params mapping into Params."""
    params = _parse(raw, Params, "", source)
    _check_cross_fields(params, source)
    return params


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return repr(value)


def _fail(source: str, key: str, value: Any, expected: str) -> typing.NoReturn:
    raise InputError(f"{source}: {key} is {_describe(value)}; expected {expected}")


def _range_text(metadata: typing.Mapping[str, Any]) -> str:
    if "minimum" not in metadata:
        return ""
    sign = ">" if metadata["exclusive"] else ">="
    return f" {sign} {metadata['minimum']}"


def _check_range(value: float, metadata: typing.Mapping[str, Any]) -> bool:
    if "minimum" not in metadata:
        return True
    if metadata["exclusive"]:
        return value > metadata["minimum"]
    return value >= metadata["minimum"]


def _parse(value: Any, kind: Any, key: str, source: str, metadata=None) -> Any:
    metadata = metadata or {}
    if dataclasses.is_dataclass(kind):
        return _parse_section(value, kind, key, source)
    origin = typing.get_origin(kind)
    if origin is dict:
        _, item_kind = typing.get_args(kind)
        if not isinstance(value, dict) or not value:
            _fail(source, key, value, "a mapping of names to entries")
        parsed = {}
        for name, item in value.items():
            if not isinstance(name, str) or not VARIANT_NAME.match(name):
                _fail(source, f"{key}.{name}", name, "a name of lowercase letters, digits and _")
            parsed[name] = _parse(item, item_kind, f"{key}.{name}", source)
        return parsed
    if origin is tuple:
        (item_kind, _) = typing.get_args(kind)
        expected = f"a non-empty list of {_kind_text(item_kind)}s{_range_text(metadata)}"
        if not isinstance(value, list) or not value:
            _fail(source, key, value, expected)
        for item in value:
            if not _is_kind(item, item_kind) or not _check_range(item, metadata):
                _fail(source, key, value, expected)
        return tuple(item_kind(item) for item in value)
    expected = f"{_kind_text(kind)}{_range_text(metadata)}"
    if not _is_kind(value, kind) or not _check_range(value, metadata):
        hint = " (write numbers like 1.0e-3: YAML reads 1e-3 as a string)" if kind is float else ""
        _fail(source, key, value, expected + hint)
    return kind(value)


def _kind_text(kind: type) -> str:
    return {int: "an integer", float: "a number", bool: "true or false"}[kind]


def _is_kind(value: Any, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind is float:
        return isinstance(value, int | float) and value == value and abs(value) != float("inf")
    return isinstance(value, kind)


def _parse_section(value: Any, kind: type, key: str, source: str) -> Any:
    fields = dataclasses.fields(kind)
    names = [field.name for field in fields]
    where = key or "the top level"
    if not isinstance(value, dict):
        _fail(source, where, value, f"a mapping with the keys {', '.join(names)}")
    for name in value:
        if name not in names:
            raise InputError(
                f"{source}: unknown key {_join(key, name)}; expected one of {', '.join(names)}"
            )
    hints = typing.get_type_hints(kind)
    parsed = {}
    for field in fields:
        field_key = _join(key, field.name)
        if field.name not in value:
            raise InputError(f"{source}: missing key {field_key}")
        parsed[field.name] = _parse(
            value[field.name], hints[field.name], field_key, source, field.metadata
        )
    return kind(**parsed)


def _join(key: str, name: Any) -> str:
    return f"{key}.{name}" if key else str(name)


def _check_cross_fields(params: Params, source: str) -> None:
    n_train = params.dataset.n_train
    for name, variant in params.variants.items():
        key = f"variants.{name}.train.checkpoints"
        checkpoints = variant.train.checkpoints
        if any(later <= earlier for earlier, later in itertools.pairwise(checkpoints)):
            _fail(source, key, list(checkpoints), "strictly increasing update counts")
        if checkpoints[-1] > n_train:
            _fail(source, key, list(checkpoints), f"update counts <= dataset.n_train ({n_train})")


def variant_params(params: Params, name: str) -> VariantParams:
    """The named variant's params; InputError if params.yaml has no such variant."""
    if name not in params.variants:
        raise InputError(
            f"{PARAMS_FILE}: no variant {name!r} under variants; "
            f"expected one of {', '.join(params.variants)}"
        )
    return params.variants[name]
