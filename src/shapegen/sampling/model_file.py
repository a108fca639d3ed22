"""`.keras` model files read back without TensorFlow (shapegen.files.keras_archive saves
them byte-stable).

Reading takes the archive apart itself (config.json, model.weights.h5) into a
shapegen.sampling.network.Network: the stages and the `shapegen` command that only run a
trained model never start TensorFlow.
"""

import io
import math
import typing
import zipfile
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from shapegen.config.params import (
    MAX_BINS,
    MAX_COMPONENTS,
    MAX_EMBEDDING_UNITS,
    MAX_HIDDEN_UNITS,
    MAX_UNITS,
    MixtureParams,
)
from shapegen.data.rectangles import N_STEPS as N_CORNER_STEPS
from shapegen.errors import InputError, shown
from shapegen.files.hdf5 import check_storage, dataset, open_hdf5, read_array
from shapegen.files.keras_archive import CONFIG_MEMBER, METADATA_MEMBER, WEIGHTS_MEMBER
from shapegen.files.reading import (
    check_member,
    open_input,
    open_zip,
    parse_json,
    read_member,
    reading,
)
from shapegen.heads import categorical
from shapegen.heads.mixture import N_PARAMS_PER_COMPONENT, MixtureSpec
from shapegen.sampling.network import Network

# What a file must say of its layers to be one of shapegen.model's networks.
MIXTURE_LOSS = "shapegen>MixtureNLL"
CATEGORICAL_LOSS = "shapegen>CategoricalNLL"
CATEGORICAL_LAYERS = [
    ("InputLayer", "moves"),
    ("ColumnEmbedding", "previous_first"),
    ("ColumnEmbedding", "previous_second"),
    ("TakeColumns", "inputs"),
    ("Concatenate", "trunk_inputs"),
    ("LSTM", "lstm"),  # MemorylessLSTM in the point framing
    ("ColumnEmbedding", "given_first"),
    ("Concatenate", "trunk_and_first"),
    ("Dense", "first_hidden"),
    ("Dense", "second_hidden"),
    ("Dense", "first_head"),
    ("Dense", "second_head"),
    ("Concatenate", "head"),
]
LSTM_SETTINGS = {
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "use_bias": True,
    "go_backwards": False,
    "return_state": False,
    "stateful": False,
}


# What a model file may declare (shapegen.files.reading checks it before reading): the
# members Keras writes; config.json and metadata.json small; the weights stored
# uncompressed, as Keras stores them, and no larger than the largest model params.yaml
# allows needs (WEIGHTS_MAX_BYTES, below): what a read costs is bounded by both.
CONFIG_MAX_BYTES = 2**20
METADATA_MAX_BYTES = 2**16
# HDF5's own structures in a weights file: about 1.2 kB an array.
HDF5_OVERHEAD_BYTES = 2**20
# config.json nests 11 levels in the models shapegen.model builds.
CONFIG_MAX_DEPTH = 32
SMALL_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
MAX_LAYERS = 64
MAX_UPDATES = 2**53  # an update counter past this is not one shapegen trained
MISSING_MODEL = " (run `dvc repro` to train it)"
UPDATES_WEIGHTS = "optimizer/vars/0"  # Adam's update counter
SUPPORTS = typing.get_args(MixtureParams.__dataclass_fields__["support"].type)


def read_network(path: str | Path) -> Network:
    """The network a shapegen .keras file holds, read without TensorFlow.

    InputError if the file is missing or is not a model shapegen wrote (another
    architecture, another Keras file, not an archive at all), and for any file that is
    not what it declares (shapegen.files.reading).
    """
    path = Path(path)
    source = str(path)
    members = (METADATA_MEMBER, CONFIG_MEMBER, WEIGHTS_MEMBER)
    with (
        reading(path, "model file"),
        open_input(path, "model file", MODEL_FILE_MAX_BYTES, MISSING_MODEL) as handle,
    ):
        with open_zip(handle, source, "model file (.keras)", members) as archive:
            check_member(archive, source, METADATA_MEMBER, METADATA_MAX_BYTES, SMALL_METHODS)
            text = read_member(archive, source, CONFIG_MEMBER, CONFIG_MAX_BYTES, SMALL_METHODS)
            config = parse_json(text, f"{source}: {CONFIG_MEMBER}", CONFIG_MAX_DEPTH)
            weights = read_member(
                archive, source, WEIGHTS_MEMBER, WEIGHTS_MAX_BYTES, {zipfile.ZIP_STORED}
            )
        weights_source = f"{source}: {WEIGHTS_MEMBER}"
        with open_hdf5(
            io.BytesIO(weights), weights_source, "HDF5 weights file", (), WALKED_WEIGHTS
        ) as file:
            try:
                return _network(config, _Weights(file, weights_source))
            except NotShapegenModel as error:
                raise InputError(f"{path}: not a shapegen model ({error})") from None


class NotShapegenModel(Exception):
    """A readable Keras file whose model is not one shapegen.model builds."""


class _Weights:
    """The weights file's arrays: their declared shapes first (every one is checked
    against the others before any is read), then their float values, finite."""

    def __init__(self, file: h5py.File, source: str):
        self.file, self.source = file, source

    def shape(self, name: str) -> tuple[int, ...]:
        node = dataset(self.file, name, self.source)
        if node is None:
            raise NotShapegenModel(f"no weights '{name}'")
        check_storage(node, name, self.source)
        return node.shape

    def read(self, name: str, shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
        array = read_array(self.file, name, self.source, [dtype], shape)
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise InputError(
                f"{self.source}: '{name}' holds non-finite values; expected finite weights"
            )
        return array

    def updates(self) -> int:
        """The optimizer's update counter."""
        name = UPDATES_WEIGHTS
        value = int(self.read(name, (), np.int64))
        if not 0 <= value <= MAX_UPDATES:
            raise InputError(
                f"{self.source}: '{name}' (updates trained) is {value}; expected 0 to {MAX_UPDATES}"
            )
        return value


def _get(mapping: object, key: str, kind: type | tuple, where: str) -> Any:
    """mapping[key] if mapping is a dict holding a `kind` there; NotShapegenModel otherwise."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise NotShapegenModel(f"{where}{key} is {shown(value)}")
    return value


def _layers(config: object) -> dict[str, dict]:
    """The model's layers by name: each a dict with a class_name and a config."""
    layers = _get(_get(config, "config", dict, ""), "layers", list, "config.")
    if len(layers) > MAX_LAYERS:
        raise NotShapegenModel(f"{len(layers):,} layers; expected at most {MAX_LAYERS}")
    by_name = {}
    for layer in layers:
        _get(layer, "class_name", str, "a layer's ")
        name = _get(_get(layer, "config", dict, "a layer's "), "name", str, "a layer's config.")
        by_name[name] = layer
    return by_name


def _loss(config: dict) -> object:
    compile_config = config.get("compile_config")
    if compile_config is None:
        return None
    if not isinstance(compile_config, dict):
        raise NotShapegenModel(f"compile_config is {shown(compile_config)}")
    return compile_config.get("loss")


def _network(config: object, weights: _Weights) -> Network:
    layers = _layers(config)
    found = [(layer["class_name"], name) for name, layer in layers.items()]
    loss = _loss(config)
    registered = loss.get("registered_name") if isinstance(loss, dict) else None
    if registered == CATEGORICAL_LOSS:
        return _categorical_network(layers, found, loss, weights)
    if [name for _, name in found[:2]] != ["points", "lstm"] or "head" not in layers:
        raise NotShapegenModel(f"layers {shown(found)}; expected points, lstm, ..., head")
    steps, features = _input_shape(layers["points"])
    lstm, head = layers["lstm"]["config"], layers["head"]
    is_mixture = registered == MIXTURE_LOSS
    expected = _expected_layers(steps, is_mixture)
    if found != expected or features != 2 or steps not in (1, N_CORNER_STEPS) or not _lstm_ok(lstm):
        raise NotShapegenModel(
            f"layers {shown(found)}, input steps {shown(steps)}, lstm {shown(_settings(lstm))}"
        )
    if not is_mixture and head["config"].get("activation") != "linear":
        raise NotShapegenModel(f"head activation {shown(head['config'].get('activation'))}")
    mixture = _mixture_spec(loss) if is_mixture else None
    names = rectangle_weights(is_mixture)
    shapes = {label: weights.shape(name) for label, name in names.items()}
    units = shapes["lstm bias"][0] // 4 if len(shapes["lstm bias"]) == 1 else -1
    outputs = N_PARAMS_PER_COMPONENT * mixture.n_components if is_mixture else 2
    _check_shapes(shapes, rectangle_shapes(units, steps, outputs, is_mixture))
    arrays = {label: np.float64(weights.read(names[label], shapes[label])) for label in names}
    head_kernel, head_bias = arrays["head kernel"], arrays["head bias"]
    if not is_mixture:
        head_kernel, head_bias = head_kernel[None], head_bias[None]
    return Network(
        framing="point" if steps == 1 else "sequence",
        head="mixture" if is_mixture else "point",
        lstm_kernel=arrays["lstm kernel"],
        lstm_recurrent_kernel=arrays["lstm recurrent kernel"],
        lstm_bias=arrays["lstm bias"],
        head_kernel=head_kernel,
        head_bias=head_bias,
        mixture=mixture,
        train_updates=weights.updates(),
    )


def _input_shape(layer: dict) -> tuple[object, object]:
    """An InputLayer's (steps, features), as declared."""
    shape = layer["config"].get("batch_shape")
    if not isinstance(shape, list) or len(shape) != 3:
        raise NotShapegenModel(f"input batch_shape {shown(shape)}; expected [null, steps, inputs]")
    return shape[1], shape[2]


def _categorical_network(layers: dict, found: list, loss: dict, weights: _Weights) -> Network:
    steps, features = _input_shape(layers["moves"]) if "moves" in layers else (0, 0)
    lstm = layers.get("lstm", {}).get("config", {})
    activations = {
        "first_hidden": "relu",
        "second_hidden": "relu",
        "first_head": "linear",
        "second_head": "linear",
    }
    linear = all(
        layers[name]["config"].get("activation") == activation
        and layers[name]["config"].get("use_bias") is True
        for name, activation in activations.items()
        if name in layers
    )
    # The point framing's trunk is the memoryless LSTM (shapegen.model.MemorylessLSTM).
    memoryless = steps == 1
    expected = [
        ("MemorylessLSTM", name) if memoryless and name == "lstm" else (kind, name)
        for kind, name in CATEGORICAL_LAYERS
    ]
    if (
        found != expected
        or not linear
        or features != categorical.N_INPUTS + 1
        or steps not in (1, categorical.N_STEPS)
        or not (memoryless or _lstm_ok(lstm))
    ):
        raise NotShapegenModel(
            f"layers {shown(found)}, input steps {shown(steps)}, lstm {shown(_settings(lstm))}"
        )
    settings = _get(loss, "config", dict, "the loss's ")
    bins = _get(settings, "bins", int, "the loss's config.")
    conditional = _get(settings, "conditional", bool, "the loss's config.")
    if not 2 <= bins <= MAX_BINS:
        raise NotShapegenModel(f"the loss's config.bins is {bins}; expected 2 to {MAX_BINS}")
    names = categorical_weights(memoryless)
    shapes = {label: weights.shape(name) for label, name in names.items()}
    units = shapes["lstm bias"][0] // 4 if len(shapes["lstm bias"]) == 1 else -1
    width = shapes["given first embedding"][-1] if shapes["given first embedding"] else -1
    hidden = shapes["first hidden bias"][0] if len(shapes["first hidden bias"]) == 1 else -1
    _check_shapes(shapes, categorical_shapes(units, width, hidden, bins, memoryless))
    # float32, as Keras trained them: shapegen.sampling.network computes this head in float32.
    arrays = {label: weights.read(name, shapes[label]) for label, name in names.items()}
    return Network(
        framing="point" if steps == 1 else "sequence",
        head="categorical",
        lstm_kernel=arrays["lstm kernel"],
        lstm_recurrent_kernel=arrays.get("lstm recurrent kernel"),
        lstm_bias=arrays["lstm bias"],
        head_kernel=arrays["first head kernel"][None],
        head_bias=arrays["first head bias"][None],
        mixture=None,
        train_updates=weights.updates(),
        second_head_kernel=arrays["second head kernel"][None],
        second_head_bias=arrays["second head bias"][None],
        conditional=conditional,
        embeddings=tuple(
            arrays[f"{name} embedding"]
            for name in ("previous first", "previous second", "given first")
        ),
        bins=bins,
        first_hidden=(arrays["first hidden kernel"], arrays["first hidden bias"]),
        second_hidden=(arrays["second hidden kernel"], arrays["second hidden bias"]),
    )


def rectangle_weights(is_mixture: bool) -> dict[str, str]:
    """Where a rectangles model's weights file keeps each array, by name."""
    group = "layers/step_dense/vars" if is_mixture else "layers/dense/vars"
    return {
        "lstm kernel": "layers/lstm/cell/vars/0",
        "lstm recurrent kernel": "layers/lstm/cell/vars/1",
        "lstm bias": "layers/lstm/cell/vars/2",
        "head kernel": f"{group}/0",
        "head bias": f"{group}/1",
    }


def categorical_weights(memoryless: bool) -> dict[str, str]:
    """Where a shapes model's weights file keeps each array, by name. Keras files a custom
    layer's weights under its class's name, an LSTM's under its cell; the Dense layers' as
    dense, dense_1 ... in the model's layer order."""
    lstm_group = "layers/memoryless_lstm/vars" if memoryless else "layers/lstm/cell/vars"
    names = {
        "previous first embedding": "layers/column_embedding/vars/0",
        "previous second embedding": "layers/column_embedding_1/vars/0",
        "given first embedding": "layers/column_embedding_2/vars/0",
        "lstm kernel": f"{lstm_group}/0",
        "lstm bias": f"{lstm_group}/{1 if memoryless else 2}",
        "first hidden kernel": "layers/dense/vars/0",
        "first hidden bias": "layers/dense/vars/1",
        "second hidden kernel": "layers/dense_1/vars/0",
        "second hidden bias": "layers/dense_1/vars/1",
        "first head kernel": "layers/dense_2/vars/0",
        "first head bias": "layers/dense_2/vars/1",
        "second head kernel": "layers/dense_3/vars/0",
        "second head bias": "layers/dense_3/vars/1",
    }
    if not memoryless:
        names["lstm recurrent kernel"] = f"{lstm_group}/1"
    return names


def _walked_weights() -> list[str]:
    """Every array any model's reader looks up (shapegen.files.hdf5.check_structure walks them)."""
    names = {UPDATES_WEIGHTS}
    for flag in (False, True):
        names.update(rectangle_weights(flag).values(), categorical_weights(flag).values())
    return sorted(names)


def rectangle_shapes(
    units: int, steps: object, outputs: int, is_mixture: bool
) -> dict[str, tuple[int, ...]]:
    """The arrays of a rectangles model and their shapes, by name."""
    features = units + (2 if is_mixture else 0)
    # A Dense head: the same weights at every step; a StepDense: its own at each.
    head_steps = (steps,) if is_mixture else ()
    return {
        "lstm kernel": (2, 4 * units),
        "lstm recurrent kernel": (units, 4 * units),
        "lstm bias": (4 * units,),
        "head kernel": (*head_steps, features, outputs),
        "head bias": (*head_steps, outputs),
    }


def categorical_shapes(
    units: int, width: int, hidden: int, bins: int, memoryless: bool
) -> dict[str, tuple[int, ...]]:
    """The arrays of a shapes (categorical) model and their shapes, by name."""
    shapes = {
        "previous first embedding": (bins + 1, width),
        "previous second embedding": (bins + 1, width),
        "given first embedding": (bins, width),
        "lstm kernel": (2 * width + categorical.N_INPUTS - 2, 4 * units),
        "lstm bias": (4 * units,),
        "first hidden kernel": (units, hidden),
        "first hidden bias": (hidden,),
        "second hidden kernel": (units + width, hidden),
        "second hidden bias": (hidden,),
        "first head kernel": (hidden, bins + 1),
        "first head bias": (bins + 1,),
        "second head kernel": (hidden, bins),
        "second head bias": (bins,),
    }
    if not memoryless:
        shapes["lstm recurrent kernel"] = (units, 4 * units)
    return shapes


def _weights_bytes(shapes: dict[str, tuple[int, ...]]) -> int:
    """A weights file's size at most: each array in float32 and Adam's two moments of it
    (the update counter and learning rate are scalars), and HDF5's structures."""
    return 3 * 4 * sum(math.prod(shape) for shape in shapes.values()) + HDF5_OVERHEAD_BYTES


# The weights file of the largest model params.yaml allows (shapegen.config.params' MAX_*).
WEIGHTS_MAX_BYTES = max(
    _weights_bytes(
        rectangle_shapes(MAX_UNITS, N_CORNER_STEPS, N_PARAMS_PER_COMPONENT * MAX_COMPONENTS, True)
    ),
    _weights_bytes(
        categorical_shapes(MAX_UNITS, MAX_EMBEDDING_UNITS, MAX_HIDDEN_UNITS, MAX_BINS, False)
    ),
)
MODEL_FILE_MAX_BYTES = WEIGHTS_MAX_BYTES + CONFIG_MAX_BYTES + METADATA_MAX_BYTES + 2**16
WALKED_WEIGHTS = _walked_weights()


def _check_shapes(found: dict[str, tuple], expected: dict[str, tuple]) -> None:
    """Each array's declared shape is the one the others and the config imply."""
    for name, shape in expected.items():
        if found[name] != shape or min(shape, default=1) < 1:
            raise NotShapegenModel(f"{name} of shape {found[name]}; expected {shape}")


def _expected_layers(steps: object, is_mixture: bool) -> list[tuple[str, str]]:
    if not is_mixture:
        return [("InputLayer", "points"), ("LSTM", "lstm"), ("Dense", "head")]
    layers = [
        ("InputLayer", "points"),
        ("LSTM", "lstm"),
        ("Concatenate", "trunk_and_point"),
        ("StepDense", "head"),
    ]
    return [*layers, ("Reshape", "one_step")] if steps == 1 else layers


def _lstm_ok(lstm: dict) -> bool:
    return all(lstm.get(key) == value for key, value in LSTM_SETTINGS.items())


def _mixture_spec(loss: dict) -> MixtureSpec:
    """The head's MixtureSpec from its loss's saved config (MixtureNLL), checked as
    params.yaml's model.mixture is."""
    settings = _get(loss, "config", dict, "the loss's ")
    where = "the loss's config."
    n_components = _get(settings, "n_components", int, where)
    support = _get(settings, "support", str, where)
    floor = _get(settings, "scale_floor", int | float, where)
    ceiling = _get(settings, "scale_ceiling", int | float, where)
    if not 1 <= n_components <= MAX_COMPONENTS:
        raise NotShapegenModel(
            f"{where}n_components is {n_components}; expected 1 to {MAX_COMPONENTS}"
        )
    if support not in SUPPORTS:
        expected = " or ".join(SUPPORTS)
        raise NotShapegenModel(f"{where}support is {shown(support)}; expected {expected}")
    if not 0 < floor < ceiling:
        raise NotShapegenModel(
            f"{where}scale_floor {shown(floor)} and scale_ceiling {shown(ceiling)}; expected "
            "0 < scale_floor < scale_ceiling"
        )
    return MixtureSpec(n_components, support, float(floor), float(ceiling))


def _settings(lstm: object) -> dict:
    return {key: lstm.get(key) for key in LSTM_SETTINGS} if isinstance(lstm, dict) else {}


def read_variant_network(path: str | Path, expected: dict) -> Network:
    """Read a model and check it is the variant's (`expected` as Network.kind gives it)."""
    network = read_network(path)
    if network.kind() != expected:
        raise InputError(
            f"{path}: holds a model with {_describe(network.kind())}; params.yaml's variant "
            f"expects {_describe(expected)} (run `dvc repro` to retrain it)"
        )
    return network


def _describe(kind: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in kind.items())
