"""params.yaml, validated once into typed, frozen config objects.

Every number the pipeline uses lives in params.yaml; this module only says which
keys exist, their types and their allowed ranges. A mistake stops the stage before
any work with one line naming the key, the value and what was expected.
"""

import dataclasses
import difflib
import itertools
import json
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
from shapegen.data.families import MAX_POINTS, SIDES
from shapegen.errors import SHOWN_CHARS, InputError, shown
from shapegen.files.reading import MAX_NUMBER_CHARS, read_input, reading

PARAMS_FILE = "params.yaml"
SCHEMA_FILE = "params.schema.json"


def _at_least(minimum: float, exclusive: bool = False) -> dict[str, Any]:
    return {"minimum": minimum, "exclusive": exclusive}


def _inside_unit_interval() -> dict[str, Any]:
    return {"minimum": 0, "exclusive": True, "maximum": 1}


def _between(minimum: int, maximum: int) -> dict[str, Any]:
    """minimum <= value <= maximum."""
    return {"minimum": minimum, "exclusive": False, "maximum": maximum, "inclusive": True}


# The network's sizes have a ceiling: a model file is read as untrusted, and what reading
# one may cost is bounded by the largest model these allow (shapegen.sampling.model_file).
MAX_UNITS = 1024
MAX_COMPONENTS = 64
MAX_BINS = 1024
MAX_EMBEDDING_UNITS = 256
MAX_HIDDEN_UNITS = 1024


def _doc(text: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """A params key's metadata: its range, and its one-line description (the schema's and
    docs/params.md's)."""
    return {**(metadata or {}), "doc": text}


@dataclasses.dataclass(frozen=True)
class DatasetParams:
    """How the rectangles dataset is drawn."""

    seed: int = dataclasses.field(
        metadata=_doc(
            "Seed of the rectangles' draw; the train and test splits come from independent "
            "streams of it.",
            _at_least(0),
        ),
    )
    n_train: int = dataclasses.field(
        metadata=_doc("Training rectangles: one optimizer update each, per pass.", _at_least(1))
    )
    n_test: int = dataclasses.field(
        metadata=_doc("Held-out rectangles the metrics compare with.", _at_least(1))
    )


@dataclasses.dataclass(frozen=True)
class FamilyWeights:
    """Relative weights of the shape families (shapegen/data/families.py), normalised when drawn."""

    rectangle: float = dataclasses.field(
        metadata=_doc("Relative weight of axis-aligned rectangles.", _at_least(0))
    )
    rotated_rectangle: float = dataclasses.field(
        metadata=_doc("Relative weight of rotated rectangles.", _at_least(0))
    )
    regular_polygon: float = dataclasses.field(
        metadata=_doc("Relative weight of regular polygons of 3 to 8 sides.", _at_least(0))
    )


@dataclasses.dataclass(frozen=True)
class ShapesParams:
    """How the shapes dataset is drawn: three families of 3 to 8 points."""

    seed: int = dataclasses.field(
        metadata=_doc(
            "Seed of the shapes' draw; the splits come from independent streams of it.",
            _at_least(0),
        )
    )
    n_train: int = dataclasses.field(
        metadata=_doc(
            "Training shapes; each shapes variant's shapes_per_update divides it.",
            _at_least(1),
        ),
    )
    n_test: int = dataclasses.field(
        metadata=_doc("Held-out shapes: the metrics' reference distribution.", _at_least(1))
    )
    family_weights: FamilyWeights = dataclasses.field(
        metadata=_doc("Family weights of the test split, which the metrics compare with.")
    )
    # The training split's: more of what is hard to learn. A model asked for its family
    # learns each family's shapes, whatever their share; an unconditional one weights each
    # shape's loss by family_weights / train_family_weights, so that it learns the test
    # split's shares (shapegen/heads/categorical.py's frame_shapes).
    train_family_weights: FamilyWeights = dataclasses.field(
        metadata=_doc(
            "Family weights of the training split; an unconditional model's loss is weighted back "
            "to family_weights."
        ),
    )


@dataclasses.dataclass(frozen=True)
class MixtureParams:
    """A mixture density head (shapegen/heads/mixture.py)."""

    n_components: int = dataclasses.field(
        metadata=_doc("Gaussians in the mixture over each next point.", _between(1, MAX_COMPONENTS))
    )
    support: typing.Literal["unit_square", "plane"] = dataclasses.field(
        metadata=_doc("unit_square: Gaussians truncated to [0, 1]; plane: unbounded (Graves 2013).")
    )
    scale_floor: float = dataclasses.field(
        metadata=_doc("Smallest standard deviation of a component.", _at_least(0, exclusive=True))
    )
    scale_ceiling: float = dataclasses.field(
        metadata=_doc(
            "Largest standard deviation of a component (flat on [0, 1]).",
            _at_least(0, exclusive=True),
        )
    )


@dataclasses.dataclass(frozen=True)
class CategoricalParams:
    """The shapes' categorical head (shapegen/heads/categorical.py): each move's coordinates as
    bins of a grid, and the end as a class."""

    # the family is an input: generation is asked for a family
    conditional: bool = dataclasses.field(
        metadata=_doc("Whether the family is an input: generation is then asked for a family.")
    )
    # Values k / (bins - 1); with bins - 1 a multiple of 10 every turn code is on the grid.
    bins: int = dataclasses.field(
        metadata=_doc(
            "Bins of each move coordinate, values k / (bins - 1); with bins - 1 a multiple of 10 "
            "every turn code is on the grid.",
            _between(2, MAX_BINS),
        ),
    )
    # per embedded bin
    embedding_units: int = dataclasses.field(
        metadata=_doc(
            "Size of each embedded bin (the previous move's two, the move's first).",
            _between(1, MAX_EMBEDDING_UNITS),
        )
    )
    # each head's ReLU layer
    hidden_units: int = dataclasses.field(
        metadata=_doc("Units of each head's ReLU layer.", _between(1, MAX_HIDDEN_UNITS))
    )
    # gradients
    clip_norm: float = dataclasses.field(
        metadata=_doc("Largest norm of each weight's gradient.", _at_least(0, exclusive=True))
    )


@dataclasses.dataclass(frozen=True)
class ModelParams:
    """The network: an LSTM trunk and an output head.

    framing `point`: the chapter's samples of one time step, no memory; `sequence`: each
    shape is one sequence. head `point`: the chapter's linear next point (MAE);
    `mixture`: a distribution over the next point (negative log-likelihood);
    `categorical`: shapes of the families, move by move (shapegen/data/turtle.py), each
    coordinate a softmax over bins, with a learned end (needs data: shapes).
    """

    units: int = dataclasses.field(metadata=_doc("LSTM units.", _between(1, MAX_UNITS)))
    seed: int = dataclasses.field(metadata=_doc("Seed of the weight initialisation.", _at_least(0)))
    framing: typing.Literal["point", "sequence"] = dataclasses.field(
        metadata=_doc(
            "point: every step a sample of its own, no memory (the chapter); sequence: each shape "
            "one sequence."
        ),
    )
    head: typing.Literal["point", "mixture", "categorical"] = dataclasses.field(
        metadata=_doc(
            "point: the next point itself, MAE (the chapter); mixture: a mixture density over it; "
            "categorical: each move coordinate a softmax over bins, with a learned end (data: "
            "shapes)."
        ),
    )
    mixture: MixtureParams | None = dataclasses.field(
        metadata=_doc("The mixture head's settings (head: mixture only)."), default=None
    )
    categorical: CategoricalParams | None = dataclasses.field(
        metadata=_doc("The categorical head's settings (head: categorical only)."), default=None
    )


@dataclasses.dataclass(frozen=True)
class TrainParams:
    """One Adam update per rectangle, in stored order, as in the chapter."""

    learning_rate: float = dataclasses.field(
        metadata=_doc("Adam's learning rate at the first update.", _at_least(0, exclusive=True))
    )
    # The learning rate at the last update, as a fraction of learning_rate, reached by
    # cosine decay; 1.0 keeps it constant (the chapter).
    learning_rate_decay_to: float = dataclasses.field(
        metadata=_doc(
            "The learning rate at the last update as a fraction of learning_rate, reached by "
            "cosine decay; 1.0 keeps it constant.",
            _at_least(0, exclusive=True),
        ),
    )
    passes: int = dataclasses.field(
        metadata=_doc("Passes over the training data, in stored order each time.", _at_least(1))
    )
    checkpoints: tuple[int, ...] = dataclasses.field(
        metadata=_doc(
            "Update counts at which the model is saved (data/models/<variant>/checkpoints/), "
            "strictly increasing.",
            _at_least(1),
        ),
    )
    jit_compile: bool = dataclasses.field(
        metadata=_doc("XLA-compile the training loop (the same updates either way).")
    )
    chunk_size: int = dataclasses.field(
        metadata=_doc(
            "Updates per compiled call, for progress display; never changes the weights.",
            _at_least(1),
        )
    )
    loss_window: int = dataclasses.field(
        metadata=_doc("Updates in the moving average of the training loss.", _at_least(1))
    )
    loss_log_every: int = dataclasses.field(
        metadata=_doc("Updates between rows of data/plots/<variant>/train_loss.tsv.", _at_least(1))
    )
    # Shapes per update (data: shapes only; the chapter's rectangles train one at a time).
    shapes_per_update: int = dataclasses.field(
        metadata=_doc(
            "Shapes per optimizer update (data: shapes; the rectangles train one at a time).",
            _at_least(1),
        ),
        default=1,
    )
    # shapegen/training/loop.py's length_buckets: an update's short shapes need not run the steps
    # of its longest.
    length_buckets: tuple[int, ...] = dataclasses.field(
        metadata=_doc(
            "Sequence framing of shapes: the most points of a shape in each bucket, increasing, "
            "the last 8. Every update holds each bucket's share of its shapes, each part run "
            "for its bucket's steps only. Empty: one bucket.",
            {**_at_least(1), "may_be_empty": True},
        ),
        default=(),
    )


@dataclasses.dataclass(frozen=True)
class VariantParams:
    """One model variant: built, trained, drawn and evaluated by the same stages."""

    # data/<data>.h5: what it learns to draw
    data: typing.Literal["rectangles", "shapes"] = dataclasses.field(
        metadata=_doc("What the variant learns to draw: data/rectangles.h5 or data/shapes.h5.")
    )
    model: ModelParams = dataclasses.field(
        metadata=_doc("The network: an LSTM trunk and an output head.")
    )
    train: TrainParams = dataclasses.field(metadata=_doc("How the model is trained."))


@dataclasses.dataclass(frozen=True)
class FramingComparison:
    """Two shapes variants that differ in their framing, compared on rotated rectangles."""

    sequence: str = dataclasses.field(
        metadata=_doc("The variant with memory in data/gallery/framings_rotated_rectangles.png.")
    )
    point: str = dataclasses.field(metadata=_doc("The variant without memory beside it."))


@dataclasses.dataclass(frozen=True)
class GalleryParams:
    """The PNG figures."""

    dpi: int = dataclasses.field(metadata=_doc("Resolution of every PNG.", _at_least(10)))
    panel_inches: float = dataclasses.field(
        metadata=_doc("Size of one shape's panel.", _at_least(0.5))
    )
    train_grid_rows: int = dataclasses.field(
        metadata=_doc("Rows of data/gallery/training_rectangles.png.", _at_least(1))
    )
    train_grid_cols: int = dataclasses.field(
        metadata=_doc("Columns of data/gallery/training_rectangles.png.", _at_least(1))
    )
    sample_seed: int = dataclasses.field(
        metadata=_doc("Seed of every sampled figure (each figure its own generator).", _at_least(0))
    )
    sample_temperature: float = dataclasses.field(
        metadata=_doc(
            "Temperature of the sampled figures (but the temperature strip).",
            _at_least(0, exclusive=True),
        )
    )
    sample_grid_rows: int = dataclasses.field(
        metadata=_doc("Rows of data/gallery/<variant>/samples.png.", _at_least(1))
    )
    sample_grid_cols: int = dataclasses.field(
        metadata=_doc("Columns of data/gallery/<variant>/samples.png.", _at_least(1))
    )
    histogram_samples: int = dataclasses.field(
        metadata=_doc(
            "Rectangles drawn for data/gallery/<variant>/size_histograms.png.", _at_least(1)
        )
    )
    histogram_bins: int = dataclasses.field(
        metadata=_doc("Bins of each size histogram.", _at_least(1))
    )
    temperature_strip: tuple[float, ...] = dataclasses.field(
        metadata=_doc(
            "Temperatures of data/gallery/<variant>/temperature_strip.png.",
            _at_least(0, exclusive=True),
        )
    )
    shapes_per_panel: int = dataclasses.field(
        metadata=_doc("Shapes overlaid in the strip, checkpoint and primed panels.", _at_least(1))
    )
    primed_widths: tuple[float, ...] = dataclasses.field(
        metadata=_doc(
            "Widths given (BL, BR) in data/gallery/<variant>/primed.png.", _inside_unit_interval()
        )
    )
    compare_framings: FramingComparison = dataclasses.field(
        metadata=_doc("The two variants of data/gallery/framings_rotated_rectangles.png.")
    )


@dataclasses.dataclass(frozen=True)
class EvaluateParams:
    """The generated shapes that the metrics are computed on."""

    seed: int = dataclasses.field(metadata=_doc("Seed of every sampled metric.", _at_least(0)))
    temperature: float = dataclasses.field(
        metadata=_doc(
            "Temperature of the sampled metrics (1.0: the model's own distribution).",
            _at_least(0, exclusive=True),
        )
    )
    # the rectangles' variants
    n_generated: int = dataclasses.field(
        metadata=_doc("Rectangles generated from [0, 0] for the rectangles' metrics.", _at_least(1))
    )
    # The shapes variants: shapes generated for the metrics, and the held-out and generated
    # shapes of each learning-curve row (its checkpoints are many, and only a trend).
    shapes_n_generated: int = dataclasses.field(
        metadata=_doc("Shapes generated for the shapes variants' metrics.", _at_least(1))
    )
    shapes_curve_n: int = dataclasses.field(
        metadata=_doc(
            "Held-out and generated shapes scored at each learning-curve checkpoint.", _at_least(1)
        )
    )
    primed_widths: tuple[float, ...] = dataclasses.field(
        metadata=_doc(
            "Widths given (BL, BR) for the primed-completion metrics.", _inside_unit_interval()
        )
    )
    n_primed_per_width: int = dataclasses.field(
        metadata=_doc("Completions per primed width.", _at_least(1))
    )
    size_bins: int = dataclasses.field(
        metadata=_doc("Bins of the width and height ratios against U(0, 1).", _at_least(1))
    )
    # Shapes: a shape is a member of a family if its nearest member lies within this RMS
    # distance (shapegen.data.families.recognise); one no family fits is invalid.
    fit_tolerance: float = dataclasses.field(
        metadata=_doc(
            "RMS distance within which a shape is a member of a family's nearest member; a shape "
            "no family fits is invalid.",
            _inside_unit_interval(),
        ),
    )


@dataclasses.dataclass(frozen=True)
class Params:
    """The whole of params.yaml."""

    dataset: DatasetParams = dataclasses.field(
        metadata=_doc("The rectangles dataset, data/rectangles.h5.")
    )
    shapes: ShapesParams = dataclasses.field(metadata=_doc("The shapes dataset, data/shapes.h5."))
    gallery: GalleryParams = dataclasses.field(
        metadata=_doc("The PNG figures under data/gallery/.")
    )
    evaluate: EvaluateParams = dataclasses.field(metadata=_doc("The metrics, data/metrics/."))
    variants: dict[str, VariantParams] = dataclasses.field(
        metadata=_doc(
            "One entry per model variant: data/models/<name>/, data/gallery/<name>/, "
            "data/metrics/<name>.json."
        ),
    )


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


def _range_text(metadata: typing.Mapping[str, Any]) -> str:
    if "minimum" not in metadata:
        return ""
    sign = ">" if metadata["exclusive"] else ">="
    text = f" {sign} {metadata['minimum']}"
    if "maximum" in metadata:
        text += f" and {'<=' if metadata.get('inclusive') else '<'} {metadata['maximum']}"
    return text


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
            f"{_KIND_PLURAL[item_kind]}{_range_text(metadata)}"
        )
        if not isinstance(value, list) or not (value or may_be_empty):
            _fail(source, key, value, expected)
        for item in value:
            if not _is_kind(item, item_kind) or not _check_range(item, metadata):
                _fail(source, key, value, expected)
        return tuple(item_kind(item) for item in value)
    expected = f"{_kind_text(kind)}{_range_text(metadata)}"
    if not _is_kind(value, kind) or not _check_range(value, metadata):
        _fail(source, key, value, expected)
    return kind(value)


def _kind_text(kind: type) -> str:
    return {int: "an integer", float: "a number", bool: "true or false", str: "a name"}[kind]


_KIND_PLURAL = {int: "integers", float: "numbers"}


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


def params_json_schema() -> dict:
    """A JSON Schema of params.yaml, derived from the same definitions that validate it.

    Editors (the YAML language server) use it to flag typos and wrong types while the
    user types. Checks across keys (checkpoints in order, memory) stay in this module.
    """
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "shapegen params.yaml",
        **_schema(Params),
    }


def schema_text() -> str:
    """The committed params.schema.json, byte for byte (`make schema` writes it)."""
    return json.dumps(params_json_schema(), indent=2) + "\n"


_JSON_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string"}


def _described(schema: dict, metadata: typing.Mapping[str, Any]) -> dict:
    """A key's schema with its description first (editors show it on hover)."""
    if "doc" not in metadata:
        return schema
    return {
        "description": metadata["doc"],
        **{k: v for k, v in schema.items() if k != "description"},
    }


def _schema(kind: Any, metadata: typing.Mapping[str, Any] | None = None) -> dict:
    metadata = metadata or {}
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = dataclasses.fields(kind)
        return {
            "description": " ".join(kind.__doc__.split()),
            "type": "object",
            "properties": {
                field.name: _described(_schema(hints[field.name], field.metadata), field.metadata)
                for field in fields
            },
            # An optional section (default None) may be left out.
            "required": [field.name for field in fields if field.default is dataclasses.MISSING],
            "additionalProperties": False,
        }
    origin = typing.get_origin(kind)
    if origin is dict:
        _, item_kind = typing.get_args(kind)
        return {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": paths.VARIANT_NAME.pattern},
            "additionalProperties": _schema(item_kind),
        }
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(kind))}
    if origin is types.UnionType:
        return _schema(typing.get_args(kind)[0], metadata)
    if origin is tuple:
        item_kind, _ = typing.get_args(kind)
        return {
            "type": "array",
            "minItems": 0 if metadata.get("may_be_empty", False) else 1,
            "items": _schema(item_kind, metadata),
        }
    schema: dict[str, Any] = {"type": _JSON_TYPES[kind]}
    if "minimum" in metadata:
        schema["exclusiveMinimum" if metadata["exclusive"] else "minimum"] = metadata["minimum"]
    if "maximum" in metadata:
        key = "maximum" if metadata.get("inclusive") else "exclusiveMaximum"
        schema[key] = metadata["maximum"]
    return schema


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


def updates_per_pass(params: VariantParams, n_train: int) -> int:
    """Updates in one pass over n_train rectangles or shapes."""
    return n_train // params.train.shapes_per_update


def expected_model_kind(params: VariantParams) -> dict:
    """The variant's model as shapegen.sampling.network.Network.kind describes a trained one."""
    kind = {"framing": params.model.framing, "head": params.model.head, "units": params.model.units}
    if params.model.mixture is not None:
        kind["n_components"] = params.model.mixture.n_components
    if params.model.categorical is not None:
        kind["conditional"] = params.model.categorical.conditional
        kind["bins"] = params.model.categorical.bins
        kind["embedding_units"] = params.model.categorical.embedding_units
        kind["hidden_units"] = params.model.categorical.hidden_units
    return kind


def split_rows(params: Params, data: str) -> dict[str, int]:
    """Each split's count of a dataset (`rectangles` or `shapes`), as params.yaml sets it."""
    section = params.dataset if data == "rectangles" else params.shapes
    return {"train": section.n_train, "test": section.n_test}


def variant_params(params: Params, name: str) -> VariantParams:
    """The named variant's params; InputError if params.yaml has no such variant."""
    if name not in params.variants:
        raise InputError(
            f"{PARAMS_FILE}: no variant {name!r} under variants; "
            f"expected one of {', '.join(params.variants)}"
        )
    return params.variants[name]


def reference_text() -> str:
    """docs/params.md: every key, what it takes and what it sets (`make docs` writes it)."""
    lines = [
        "# Parameters",
        "",
        "Every key of `params.yaml`: what it takes and what it sets. Written from",
        "`shapegen/config.py` by `make docs` (a test fails when it is stale); the same",
        "descriptions are in `params.schema.json`, which editors show on hover. A mistake is",
        "one line from the first stage of `dvc repro`, before any output is touched.",
        "",
        "| key | takes | sets |",
        "|---|---|---|",
    ]
    lines += [
        f"| `{key}` | {takes} | {doc.replace('<', '&lt;')} |"
        for key, takes, doc in _reference_rows(Params, "")
    ]
    return "\n".join(lines) + "\n"


def _reference_rows(kind: Any, prefix: str) -> list[tuple[str, str, str]]:
    hints = typing.get_type_hints(kind)
    rows = []
    for field in dataclasses.fields(kind):
        key = f"{prefix}{field.name}"
        hint = hints[field.name]
        origin = typing.get_origin(hint)
        doc = field.metadata.get("doc", "")
        if field.default is not dataclasses.MISSING:
            default = "[]" if field.default == () else json.dumps(field.default)
            doc += f" Optional (default {default})."
        if origin is types.UnionType:  # an optional section
            hint = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(hint):
            rows.append((key, "a section", doc))
            rows += _reference_rows(hint, f"{key}.")
        elif origin is dict:
            rows.append((key, "a section per variant name", doc))
            rows += _reference_rows(typing.get_args(hint)[1], f"{key}.<name>.")
        elif typing.get_origin(hint) is typing.Literal:
            choices = ", ".join(f"`{choice}`" for choice in typing.get_args(hint))
            rows.append((key, f"one of {choices}", doc))
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            takes = f"a list of {_KIND_PLURAL[item]}{_range_text(field.metadata)}"
            rows.append((key, takes, doc))
        else:
            rows.append((key, f"{_kind_text(hint)}{_range_text(field.metadata)}", doc))
    return rows
