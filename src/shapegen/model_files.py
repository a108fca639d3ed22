"""`.keras` model files: saved atomically and byte-stable, read back without TensorFlow.

Saving goes through Keras (the training side). Reading takes the archive apart itself
(config.json, model.weights.h5) into a shapegen.network.Network: the stages and the
`shapegen` command that only run a trained model never start TensorFlow.
"""

import dataclasses
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from shapegen import categorical
from shapegen.errors import InputError
from shapegen.files import atomic_path
from shapegen.geometry import N_STEPS as N_CORNER_STEPS
from shapegen.mixture import N_PARAMS_PER_COMPONENT, MixtureSpec
from shapegen.network import Network

# A .keras file is a zip archive. Keras stamps it with the save time (metadata.json's
# date_saved, the weights member's zip date) and marks objects shared between layers with
# their memory address (config.json's shared_object_id), so equal models would differ in
# bytes and in their DVC hashes. The dates become the earliest a zip archive can hold; the
# ids are numbered in order of appearance (equal ids stay equal: sharing is kept).
ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)
SAVE_DATE = "1980-01-01@00:00:00"
METADATA_MEMBER = "metadata.json"
CONFIG_MEMBER = "config.json"
WEIGHTS_MEMBER = "model.weights.h5"
SHARED_ID_KEY = "shared_object_id"
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


def save_model(model: Any, path: str | Path) -> None:
    """Save a model with its optimizer state; loadable with no custom objects.

    The same model gives the same bytes, whenever it is saved.
    """
    with atomic_path(path) as temporary:
        model.save(temporary)
        temporary.write_bytes(stable_archive(temporary.read_bytes()))


def stable_archive(archive: bytes) -> bytes:
    """A .keras archive rewritten without its save time: same members, order and content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == METADATA_MEMBER:
                metadata = json.loads(data)
                # Kept, not dropped: Keras' file editor reads the key.
                metadata["date_saved"] = SAVE_DATE
                data = json.dumps(metadata).encode()
            elif member.filename == CONFIG_MEMBER:
                data = json.dumps(_renumber_shared_ids(json.loads(data), {})).encode()
            fixed = zipfile.ZipInfo(member.filename, date_time=ARCHIVE_DATE)
            fixed.compress_type = member.compress_type
            fixed.create_system = 3  # Unix, whatever platform wrote it
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def _renumber_shared_ids(config: Any, numbers: dict[int, int]) -> Any:
    """The config with each distinct shared_object_id replaced by its order of appearance."""
    if isinstance(config, dict):
        renumbered = {}
        for key, value in config.items():
            if key == SHARED_ID_KEY and isinstance(value, int):
                renumbered[key] = numbers.setdefault(value, len(numbers))
            else:
                renumbered[key] = _renumber_shared_ids(value, numbers)
        return renumbered
    if isinstance(config, list):
        return [_renumber_shared_ids(item, numbers) for item in config]
    return config


def read_network(path: str | Path) -> Network:
    """The network a shapegen .keras file holds, read without TensorFlow.

    InputError if the file is missing or is not a model shapegen wrote (another
    architecture, another Keras file, not an archive at all).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: model file not found (run `dvc repro` to train it)")
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read(CONFIG_MEMBER))
            weights = archive.read(WEIGHTS_MEMBER)
        with h5py.File(io.BytesIO(weights), "r") as file:
            return _network(config, file)
    except NotShapegenModel as error:
        raise InputError(f"{path}: not a shapegen model ({error})") from None
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{path}: not a shapegen model file ({reason})") from None


class NotShapegenModel(Exception):
    """A readable Keras file whose model is not one shapegen.model builds."""


def _network(config: dict, file: h5py.File) -> Network:
    layers = {layer["config"]["name"]: layer for layer in config["config"]["layers"]}
    found = [(layer["class_name"], name) for name, layer in layers.items()]
    loss = config.get("compile_config", {}).get("loss")
    if isinstance(loss, dict) and loss.get("registered_name") == CATEGORICAL_LOSS:
        return _categorical_network(layers, found, loss, file)
    if [name for _, name in found[:2]] != ["points", "lstm"] or "head" not in layers:
        raise NotShapegenModel(f"layers {found}; expected points, lstm, ..., head")
    steps, features = layers["points"]["config"]["batch_shape"][1:]
    lstm, head = layers["lstm"]["config"], layers["head"]
    is_mixture = isinstance(loss, dict) and loss.get("registered_name") == MIXTURE_LOSS
    expected = _expected_layers(steps, is_mixture)
    if found != expected or features != 2 or steps not in (1, N_CORNER_STEPS) or not _lstm_ok(lstm):
        raise NotShapegenModel(f"layers {found}, input steps {steps}, lstm {_settings(lstm)}")
    if not is_mixture and head["config"].get("activation") != "linear":
        raise NotShapegenModel(f"head activation {head['config'].get('activation')}")
    mixture = _mixture_spec(loss) if is_mixture else None
    head_group = "layers/step_dense/vars" if is_mixture else "layers/dense/vars"
    head_kernel = _array(file, f"{head_group}/0")
    head_bias = _array(file, f"{head_group}/1")
    if head_kernel.ndim == 2:  # a Dense: the same weights at every step
        head_kernel, head_bias = head_kernel[None], head_bias[None]
    network = Network(
        framing="point" if steps == 1 else "sequence",
        head="mixture" if is_mixture else "point",
        lstm_kernel=_array(file, "layers/lstm/cell/vars/0"),
        lstm_recurrent_kernel=_array(file, "layers/lstm/cell/vars/1"),
        lstm_bias=_array(file, "layers/lstm/cell/vars/2"),
        head_kernel=head_kernel,
        head_bias=head_bias,
        mixture=mixture,
        train_updates=int(file["optimizer/vars/0"][()]),
    )
    _check_shapes(network)
    return network


def _categorical_network(layers: dict, found: list, loss: dict, file: h5py.File) -> Network:
    steps, features = layers["moves"]["config"]["batch_shape"][1:] if "moves" in layers else (0, 0)
    lstm = layers.get("lstm", {}).get("config", {})
    activations = {
        "first_hidden": "relu",
        "second_hidden": "relu",
        "first_head": "linear",
        "second_head": "linear",
    }
    linear = all(
        layers[name]["config"].get("activation") == activation
        and layers[name]["config"].get("use_bias")
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
        raise NotShapegenModel(f"layers {found}, input steps {steps}, lstm {_settings(lstm)}")
    # Keras names the Dense layers' weights dense, dense_1 ... in the model's layer order.
    dense = [name for kind, name in found if kind == "Dense"]
    # float32, as Keras trained them: shapegen.network computes this head in float32.
    weights = {
        name: tuple(np.float32(w) for w in _dense(file, "dense" if i == 0 else f"dense_{i}"))
        for i, name in enumerate(dense)
    }
    first_kernel, first_bias = weights["first_head"]
    second_kernel, second_bias = weights["second_head"]
    # Keras files a custom layer's weights under its class's name, an LSTM's under its cell.
    lstm_group = "layers/memoryless_lstm/vars" if memoryless else "layers/lstm/cell/vars"
    network = Network(
        framing="point" if steps == 1 else "sequence",
        head="categorical",
        lstm_kernel=np.float32(_array(file, f"{lstm_group}/0")),
        lstm_recurrent_kernel=None if memoryless else np.float32(_array(file, f"{lstm_group}/1")),
        lstm_bias=np.float32(_array(file, f"{lstm_group}/{1 if memoryless else 2}")),
        head_kernel=first_kernel[None],
        head_bias=first_bias[None],
        mixture=None,
        train_updates=int(file["optimizer/vars/0"][()]),
        second_head_kernel=second_kernel[None],
        second_head_bias=second_bias[None],
        conditional=bool(loss["config"]["conditional"]),
        embeddings=tuple(
            np.float32(_array(file, f"layers/{name}/vars/0"))
            for name in ("column_embedding", "column_embedding_1", "column_embedding_2")
        ),
        bins=int(loss["config"]["bins"]),
        first_hidden=weights["first_hidden"],
        second_hidden=weights["second_hidden"],
    )
    _check_categorical_shapes(network)
    return network


def _check_categorical_shapes(network: Network) -> None:
    units, bins, hidden = network.units, network.bins, network.hidden_units
    width = network.embeddings[0].shape[1] if network.embeddings[0].ndim == 2 else -1
    trunk_inputs = 2 * width + categorical.N_INPUTS - 2
    shapes = {
        "previous first embedding": (network.embeddings[0].shape, (bins + 1, width)),
        "previous second embedding": (network.embeddings[1].shape, (bins + 1, width)),
        "given first embedding": (network.embeddings[2].shape, (bins, width)),
        "lstm kernel": (network.lstm_kernel.shape, (trunk_inputs, 4 * units)),
        "lstm recurrent kernel": (
            None if network.lstm_recurrent_kernel is None else network.lstm_recurrent_kernel.shape,
            None if network.framing == "point" else (units, 4 * units),
        ),
        "lstm bias": (network.lstm_bias.shape, (4 * units,)),
        "first hidden kernel": (network.first_hidden[0].shape, (units, hidden)),
        "first hidden bias": (network.first_hidden[1].shape, (hidden,)),
        "second hidden kernel": (network.second_hidden[0].shape, (units + width, hidden)),
        "second hidden bias": (network.second_hidden[1].shape, (hidden,)),
        "first head kernel": (network.head_kernel.shape, (1, hidden, bins + 1)),
        "first head bias": (network.head_bias.shape, (1, bins + 1)),
        "second head kernel": (network.second_head_kernel.shape, (1, hidden, bins)),
        "second head bias": (network.second_head_bias.shape, (1, bins)),
    }
    for name, (found, expected) in shapes.items():
        if found != expected:
            raise NotShapegenModel(f"{name} of shape {found}; expected {expected}")


def _dense(file: h5py.File, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A Dense layer's (kernel, bias); Keras names them dense, dense_1 ... in model order."""
    return _array(file, f"layers/{name}/vars/0"), _array(file, f"layers/{name}/vars/1")


def _expected_layers(steps: int, is_mixture: bool) -> list[tuple[str, str]]:
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
    """The head's MixtureSpec from its loss's saved config (MixtureNLL)."""
    fields = (field.name for field in dataclasses.fields(MixtureSpec))
    return MixtureSpec(**{name: loss["config"][name] for name in fields})


def _settings(lstm: dict) -> dict:
    return {key: lstm.get(key) for key in LSTM_SETTINGS}


def _array(file: h5py.File, name: str) -> np.ndarray:
    return np.asarray(file[name][()], dtype=np.float64)


def _check_shapes(network: Network) -> None:
    units = network.units
    steps = network.head_kernel.shape[0]
    features = units + (2 if network.head == "mixture" else 0)
    if network.head == "point":
        outputs = 2
    else:
        outputs = N_PARAMS_PER_COMPONENT * network.mixture.n_components
    shapes = {
        "lstm kernel": (network.lstm_kernel.shape, (2, 4 * units)),
        "lstm recurrent kernel": (network.lstm_recurrent_kernel.shape, (units, 4 * units)),
        "lstm bias": (network.lstm_bias.shape, (4 * units,)),
        "head kernel": (network.head_kernel.shape, (steps, features, outputs)),
        "head bias": (network.head_bias.shape, (steps, outputs)),
    }
    for name, (found, expected) in shapes.items():
        if found != expected:
            raise NotShapegenModel(f"{name} of shape {found}; expected {expected}")


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
