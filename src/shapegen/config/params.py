"""params.yaml's keys, declared once as frozen dataclasses: each key's type, allowed range
and one-line description, and what a whole Params implies (a variant's model, its rows).

Every number the pipeline uses lives in params.yaml; this module only says which keys
exist. shapegen.config.validation reads the file into these objects, and
shapegen.config.schema writes the JSON Schema and docs/params.md from the same fields.
"""

import dataclasses
import typing
from typing import Any

from shapegen.errors import InputError

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
        metadata=_doc("Seed of every sampled figure (each its own random generator).", _at_least(0))
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
    # distance (shapegen.evaluation.recognition.recognise); one no family fits is invalid.
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


def range_text(metadata: typing.Mapping[str, Any]) -> str:
    if "minimum" not in metadata:
        return ""
    sign = ">" if metadata["exclusive"] else ">="
    text = f" {sign} {metadata['minimum']}"
    if "maximum" in metadata:
        text += f" and {'<=' if metadata.get('inclusive') else '<'} {metadata['maximum']}"
    return text


def kind_text(kind: type) -> str:
    return {int: "an integer", float: "a number", bool: "true or false", str: "a name"}[kind]


KIND_PLURAL = {int: "integers", float: "numbers"}


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
