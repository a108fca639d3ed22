"""params.yaml read once and validated into shapegen.config.params' objects.

The document is scanned before it is built (size, depth, values), each key is parsed by
the type its dataclass field declares (with a suggestion for a misspelt key), then the
checks across keys run. A mistake stops the stage before any work with one line naming
the key, the value and what was expected.
"""

import dataclasses
import difflib
import itertools
import os
import re
import types
import typing
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from shapegen import paths
from shapegen.config.params import (
    KIND_PLURAL,
    PARAMS_FILE,
    Params,
    VariantParams,
    kind_text,
    range_text,
    updates_per_pass,
)
from shapegen.data.families import MAX_POINTS, SIDES
from shapegen.errors import SHOWN_CHARS, InputError, shown
from shapegen.files.reading import MAX_NUMBER_CHARS, read_input, reading

# params.yaml is read whole; a file past this size is not a params file.
PARAMS_MAX_BYTES = 2**20
# Values a document may hold, its aliases expanded (the committed file: a few hundred):
# ten nested aliases of ten items each expand to ten billion ("billion laughs"), and the
# pure-Python reader takes a second for every 10,000 or so.
MAX_YAML_NODES = 10_000
# A plain scalar that starts like a number and is longer than this is refused before
# YAML converts it: Python stops converting integers past 4,300 digits.
_NUMBER_START = re.compile(r"[-+]?(?:[0-9]|\.[0-9])")
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "!!int", "!!float")


def load_params(path: str | Path = PARAMS_FILE) -> Params:
    """Read and validate a params file; raise InputError on the first problem."""
    path = Path(path)
    with reading(path, "params file"):
        data = read_input(
            path, "params file", PARAMS_MAX_BYTES, " (expected the pipeline's params file)"
        )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{path}: cannot be read (not UTF-8 text: byte {error.start})"
            ) from None
        yaml = YAML(typ="safe", pure=True)
        try:
            check_yaml_size(yaml.parse(text), str(path), _schema_depth(Params))
            # DVC's own reader (YAML 1.2): the stages see the values that `dvc params diff`
            # and dvc.lock show. 1e-3 is a number, `yes` is a string, a repeated key is an
            # error.
            raw = yaml.load(text)
        except DuplicateKeyError as error:
            key = re.search(r'duplicate key "([^"]*)"', str(error.problem))
            name = f"key {shown(key.group(1))[1:-1]}" if key else "a key"
            line = f" (line {error.problem_mark.line + 1})" if error.problem_mark else ""
            raise InputError(
                f"{path}: {name} appears twice in one mapping{line}; expected each key once"
            ) from None
        except YAMLError as error:
            where = getattr(error, "problem_mark", None)
            line = f" at line {where.line + 1}" if where is not None else ""
            raise InputError(f"{path}: not valid YAML{line}") from None
        except InputError:
            raise
        except (ValueError, KeyError, TypeError, AssertionError) as error:
            # ruamel's constructors raise these for a value their tag cannot hold: the
            # date 2001-02-30, `!!int abc`, an `!!omap` with a key twice.
            reason = f"{type(error).__name__}: {shown(str(error))}"
            raise InputError(f"{path}: a value YAML cannot construct ({reason})") from None
        return parse_params(raw, source=str(path))


def check_yaml_size(events: typing.Iterable, source: str, max_depth: int) -> None:
    """A YAML stream's parse events describe a document of at most `max_depth` nested
    collections and MAX_YAML_NODES nodes once its aliases are expanded; checked before the
    document is built, since building it is what a hostile one makes costly."""
    expanded: dict[str, int] = {}  # each anchor's node count, its aliases included
    open_nodes: list[list] = []  # [anchor, nodes so far] of each collection being read
    for event in events:
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            open_nodes.append([event.anchor, 1])
            if len(open_nodes) > max_depth:
                raise InputError(
                    f"{source}: values nested {len(open_nodes)} deep at line "
                    f"{event.start_mark.line + 1}; expected at most {max_depth}, the depth of "
                    "params.yaml's keys"
                )
            continue
        if isinstance(event, MappingEndEvent | SequenceEndEvent):
            anchor, nodes = open_nodes.pop()
        elif isinstance(event, ScalarEvent):
            anchor, nodes = event.anchor, 1
            numeric = event.tag in _NUMBER_TAGS or (
                event.style is None and _NUMBER_START.match(event.value)
            )
            if numeric and len(event.value) > MAX_NUMBER_CHARS:
                raise InputError(
                    f"{source}: a number of {len(event.value):,} characters at line "
                    f"{event.start_mark.line + 1}; expected at most {MAX_NUMBER_CHARS}"
                )
        elif isinstance(event, AliasEvent):
            anchor, nodes = None, expanded.get(event.anchor, 1)
        else:
            continue
        if anchor is not None:
            expanded[anchor] = nodes
        if open_nodes:
            open_nodes[-1][1] += nodes
            if open_nodes[-1][1] > MAX_YAML_NODES:
                raise InputError(
                    f"{source}: more than {MAX_YAML_NODES:,} values, aliases expanded (line "
                    f"{event.start_mark.line + 1}); expected a params file"
                )


def _schema_depth(kind: Any) -> int:
    """How deeply a params type nests collections: a section or list is one level."""
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return 1 + max(_schema_depth(hints[field.name]) for field in dataclasses.fields(kind))
    origin = typing.get_origin(kind)
    inner = [arg for arg in typing.get_args(kind) if arg is not Ellipsis and arg is not type(None)]
    if origin in (dict, tuple, list):
        return 1 + max((_schema_depth(arg) for arg in inner), default=0)
    if origin is types.UnionType:
        return max(_schema_depth(arg) for arg in inner)
    return 0


def parse_params(raw: Any, source: str = PARAMS_FILE) -> Params:
    """Validate an already parsed params mapping into Params."""
    params = _parse(raw, Params, "", source, valid_keys=_valid_keys(Params, "", raw))
    _check_cross_fields(params, source)
    return params


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {shown(value)}"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return shown(value)


def _fail(source: str, key: str, value: Any, expected: str) -> typing.NoReturn:
    raise InputError(f"{source}: {key} is {_describe(value)}; expected {expected}")


def _check_range(value: float, metadata: typing.Mapping[str, Any]) -> bool:
    if "maximum" in metadata:
        maximum = metadata["maximum"]
        if value > maximum or (value == maximum and not metadata.get("inclusive")):
            return False
    if "minimum" not in metadata:
        return True
    if metadata["exclusive"]:
        return value > metadata["minimum"]
    return value >= metadata["minimum"]


def _parse(value: Any, kind: Any, key: str, source: str, metadata=None, valid_keys=()) -> Any:
    metadata = metadata or {}
    if dataclasses.is_dataclass(kind):
        return _parse_section(value, kind, key, source, valid_keys)
    origin = typing.get_origin(kind)
    if origin is dict:
        _, item_kind = typing.get_args(kind)
        if not isinstance(value, dict) or not value:
            _fail(source, key, value, "a mapping of names to entries")
        parsed = {}
        for name, item in value.items():
            if not isinstance(name, str) or not paths.VARIANT_NAME.match(name):
                _fail(source, _join(key, name), name, "a name of lowercase letters, digits and _")
            parsed[name] = _parse(item, item_kind, _join(key, name), source, valid_keys=valid_keys)
        return parsed
    if origin is typing.Literal:
        choices = typing.get_args(kind)
        if value not in choices:
            _fail(source, key, value, "one of " + ", ".join(choices))
        return value
    if origin is types.UnionType:  # `Section | None`: an optional section
        (section_kind, _) = typing.get_args(kind)
        return _parse(value, section_kind, key, source, metadata, valid_keys)
    if origin is tuple:
        (item_kind, _) = typing.get_args(kind)
        may_be_empty = metadata.get("may_be_empty", False)
        expected = (
            f"a {'' if may_be_empty else 'non-empty '}list of "
            f"{KIND_PLURAL[item_kind]}{range_text(metadata)}"
        )
        if not isinstance(value, list) or not (value or may_be_empty):
            _fail(source, key, value, expected)
        for item in value:
            if not _is_kind(item, item_kind) or not _check_range(item, metadata):
                _fail(source, key, value, expected)
        return tuple(item_kind(item) for item in value)
    expected = f"{kind_text(kind)}{range_text(metadata)}"
    if not _is_kind(value, kind) or not _check_range(value, metadata):
        _fail(source, key, value, expected)
    return kind(value)


def _is_kind(value: Any, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind is float:
        return isinstance(value, int | float) and value == value and abs(value) != float("inf")
    return isinstance(value, kind)


def _parse_section(
    value: Any, kind: type, key: str, source: str, valid_keys: typing.Sequence[str]
) -> Any:
    fields = dataclasses.fields(kind)
    names = [field.name for field in fields]
    where = key or "the top level"
    if not isinstance(value, dict):
        _fail(source, where, value, f"a mapping with the keys {', '.join(names)}")
    for name in value:
        if name not in names:
            raise InputError(
                f"{source}: {_join(key, name)}: unknown key; "
                + _suggestion(key, str(name), names, valid_keys)
            )
    hints = typing.get_type_hints(kind)
    parsed = {}
    for field in fields:
        field_key = _join(key, field.name)
        if field.name not in value:
            if field.default is not dataclasses.MISSING:  # optional: a section, or a default
                parsed[field.name] = field.default
                continue
            raise InputError(f"{source}: missing key {field_key}")
        parsed[field.name] = _parse(
            value[field.name], hints[field.name], field_key, source, field.metadata, valid_keys
        )
    return kind(**parsed)


def _join(key: str, name: Any) -> str:
    # A key is the file's too: shown bounded and on one line unless it is a plain name.
    plain = isinstance(name, str) and len(name) <= SHOWN_CHARS and name.isprintable()
    text = name if plain else shown(name)
    return f"{key}.{text}" if key else text


def _suggestion(
    section: str, name: str, names: typing.Sequence[str], valid_keys: typing.Sequence[str]
) -> str:
    """`did you mean <key>?`, else the section's keys.

    A typo beside the real key is matched within its section; a key put in the wrong
    section (an indentation slip) is matched by name against every valid key.
    """
    if len(name) > SHOWN_CHARS:  # no key is this long; and difflib's time grows with it
        return f"expected one of {', '.join(names)}"
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean {_join(section, close[0])}?"
    leaves = sorted({valid.rsplit(".", 1)[-1] for valid in valid_keys})
    close = difflib.get_close_matches(name, leaves, n=1, cutoff=0.8)
    if close:
        # Of the keys with that name, the nearest to where it was written; none if tied.
        candidates = [valid for valid in valid_keys if valid.rsplit(".", 1)[-1] == close[0]]
        shared = {valid: _shared_depth(section, valid) for valid in candidates}
        nearest = [valid for valid in candidates if shared[valid] == max(shared.values())]
        if len(nearest) == 1:
            return f"did you mean {nearest[0]}?"
    return f"expected one of {', '.join(names)}"


def _shared_depth(key: str, other: str) -> int:
    """How many leading dotted parts two keys share."""
    depth = 0
    for mine, theirs in zip(key.split("."), other.split("."), strict=False):
        if mine != theirs:
            break
        depth += 1
    return depth


def _valid_keys(kind: Any, key: str, raw: Any) -> list[str]:
    """Every key that params.yaml may hold, dotted, for the variants that `raw` names."""
    if typing.get_origin(kind) is types.UnionType:
        kind = typing.get_args(kind)[0]
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        keys = []
        for field in dataclasses.fields(kind):
            field_key = _join(key, field.name)
            keys.append(field_key)
            below = raw.get(field.name) if isinstance(raw, dict) else None
            keys.extend(_valid_keys(hints[field.name], field_key, below))
        return keys
    if typing.get_origin(kind) is dict and isinstance(raw, dict):
        _, item_kind = typing.get_args(kind)
        return [
            valid
            for name, item in raw.items()
            for valid in _valid_keys(item_kind, f"{key}.{name}", item)
        ]
    return []


# Rough bytes held per item at once: a rectangle is 32 bytes, copied a few times
# (framing, tensors); an update keeps a 4-byte loss in a few buffers; a generated
# shape carries its mixture parameters through each of 3 steps.
BYTES_PER_RECTANGLE = 256
BYTES_PER_UPDATE = 16
BYTES_PER_GENERATED_SHAPE = 512
BYTES_PER_FAMILY_SHAPE = 1024  # 8 points, their length, family and 8 parameters, in float64


def _memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _check_memory(params: Params, source: str) -> None:
    """Counts whose arrays would not fit in this machine's memory stop before any work."""
    budget = _memory_bytes() // 2
    most_passes = max(variant.train.passes for variant in params.variants.values())
    needs = {
        "dataset.n_train": params.dataset.n_train
        * (BYTES_PER_RECTANGLE + most_passes * BYTES_PER_UPDATE),
        "dataset.n_test": params.dataset.n_test * BYTES_PER_RECTANGLE,
        "shapes.n_train": params.shapes.n_train * BYTES_PER_FAMILY_SHAPE,
        "shapes.n_test": params.shapes.n_test * BYTES_PER_FAMILY_SHAPE,
        "evaluate.n_generated": params.evaluate.n_generated * BYTES_PER_GENERATED_SHAPE,
        "evaluate.shapes_n_generated": params.evaluate.shapes_n_generated * BYTES_PER_FAMILY_SHAPE,
        "evaluate.shapes_curve_n": params.evaluate.shapes_curve_n * BYTES_PER_FAMILY_SHAPE,
        "evaluate.n_primed_per_width": params.evaluate.n_primed_per_width
        * len(params.evaluate.primed_widths)
        * BYTES_PER_GENERATED_SHAPE,
        "gallery.histogram_samples": params.gallery.histogram_samples * BYTES_PER_GENERATED_SHAPE,
    }
    for key, need in needs.items():
        if need > budget:
            section, name = key.split(".")
            value = getattr(getattr(params, section), name)
            _fail(
                source,
                key,
                value,
                f"a count whose arrays fit in memory (about {need / 2**30:.0f} GiB needed, "
                f"{budget / 2**30:.0f} GiB usable here)",
            )


# The heads that draw data: shapes (the others draw the chapter's rectangles).
SHAPES_HEADS = ("categorical",)


def _check_cross_fields(params: Params, source: str) -> None:
    _check_memory(params, source)
    for key in ("family_weights", "train_family_weights"):
        weights = dataclasses.asdict(getattr(params.shapes, key))
        if sum(weights.values()) <= 0:
            _fail(source, f"shapes.{key}", weights, "at least one weight > 0")
    test_weights = dataclasses.asdict(params.shapes.family_weights)
    train_weights = dataclasses.asdict(params.shapes.train_family_weights)
    for family, weight in test_weights.items():
        if weight > 0 and train_weights[family] <= 0:
            _fail(
                source,
                f"shapes.train_family_weights.{family}",
                train_weights[family],
                f"a weight > 0: the test split has {family} shapes to learn",
            )
    for name, variant in params.variants.items():
        if (variant.model.head in SHAPES_HEADS) != (variant.data == "shapes"):
            _fail(
                source,
                f"variants.{name}.data",
                variant.data,
                f"{'shapes' if variant.model.head in SHAPES_HEADS else 'rectangles'} "
                f"for head: {variant.model.head}",
            )
        key = f"variants.{name}.train.checkpoints"
        checkpoints = variant.train.checkpoints
        if any(later <= earlier for earlier, later in itertools.pairwise(checkpoints)):
            _fail(source, key, list(checkpoints), "strictly increasing update counts")
        n_train = params.dataset.n_train if variant.data == "rectangles" else params.shapes.n_train
        per_update = variant.train.shapes_per_update
        if variant.data == "rectangles" and per_update != 1:
            _fail(
                source,
                f"variants.{name}.train.shapes_per_update",
                per_update,
                "1 for data: rectangles (the chapter's one rectangle per update)",
            )
        if n_train % per_update:
            _fail(
                source,
                f"variants.{name}.train.shapes_per_update",
                per_update,
                f"a divisor of shapes.n_train ({n_train}): every update sees as many shapes",
            )
        _check_length_buckets(variant, f"variants.{name}.train.length_buckets", source)
        n_updates = updates_per_pass(variant, n_train) * variant.train.passes
        if checkpoints[-1] > n_updates:
            expected = (
                f"update counts <= n_train / shapes_per_update x passes ({n_updates})"
                if variant.data == "shapes"
                else f"update counts <= dataset.n_train x train.passes ({n_updates})"
            )
            _fail(source, key, list(checkpoints), expected)
        model = variant.model
        if model.head == "mixture" and model.mixture is None:
            raise InputError(
                f"{source}: missing key variants.{name}.model.mixture "
                f"(needed by head: {model.head})"
            )
        if model.mixture is not None and model.mixture.scale_ceiling <= model.mixture.scale_floor:
            expected = f"a number > scale_floor ({model.mixture.scale_floor})"
            _fail(
                source,
                f"variants.{name}.model.mixture.scale_ceiling",
                model.mixture.scale_ceiling,
                expected,
            )
        if model.head in ("point", "categorical") and model.mixture is not None:
            raise InputError(
                f"{source}: variants.{name}.model.mixture is set but head is {model.head}; "
                "expected it only with head: mixture"
            )
        if (model.head == "categorical") != (model.categorical is not None):
            raise InputError(
                f"{source}: variants.{name}.model.categorical goes with head: categorical, "
                f"and head: categorical needs it (head is {model.head})"
            )
    _check_framing_comparison(params, source)


def _check_length_buckets(variant: VariantParams, key: str, source: str) -> None:
    buckets = list(variant.train.length_buckets)
    if not buckets:
        return
    if variant.data != "shapes" or variant.model.framing != "sequence":
        _fail(source, key, buckets, "[] unless data: shapes and framing: sequence")
    if (
        any(later <= earlier for earlier, later in itertools.pairwise(buckets))
        or buckets[0] < SIDES[0]
        or buckets[-1] != MAX_POINTS
    ):
        _fail(
            source,
            key,
            buckets,
            f"increasing point counts from {SIDES[0]}, the last {MAX_POINTS} (the longest shape's)",
        )


def _check_framing_comparison(params: Params, source: str) -> None:
    for framing in ("sequence", "point"):
        key = f"gallery.compare_framings.{framing}"
        name = getattr(params.gallery.compare_framings, framing)
        variant = params.variants.get(name)
        if variant is None or variant.data != "shapes" or variant.model.framing != framing:
            _fail(
                source,
                key,
                name,
                f"a variant under variants with data: shapes and framing: {framing}",
            )
