"""What the playground page needs of each trained model, as one JavaScript file.

The page (shapegen/playground/page/) runs every model in the browser: its weights, what
its head's outputs mean, and the constants of the data and the recogniser, all from the
modules that define them here, so the page and numpy read one source. Opened from the
file system a page may not fetch a JSON file, so the payload is a script that sets
`shapegenModels`. Weights travel as base64 of their float32 bytes (little-endian), the
precision Keras saved them in: the page computes with exactly the numbers numpy does.
"""

import base64
import json
from collections.abc import Mapping
from importlib import resources

import numpy as np

from shapegen.config.variants import DRAWS
from shapegen.data import families, rectangles, turtle
from shapegen.evaluation import recognition
from shapegen.heads import categorical, normal
from shapegen.sampling.generator import TEMPERATURE_MAX, TEMPERATURE_MIN
from shapegen.sampling.network import Network

GLOBAL_NAME = "shapegenModels"
MODELS_FILE = "models.js"
# The page's own files (src/shapegen/playground/page/), copied beside MODELS_FILE.
PAGE_FILES = ("index.html", "style.css", "shapegen.js", "playground.js")


def encoded_array(array: np.ndarray) -> dict:
    """{shape, float32}: the array's float32 bytes as base64; ValueError where float32
    would change a value (every weight Keras saves is a float32 number)."""
    values = np.asarray(array)
    narrowed = values.astype("<f4")
    if not np.array_equal(narrowed.astype(values.dtype), values):
        raise ValueError(f"an array of {values.dtype} is not float32 numbers")
    encoded = base64.b64encode(np.ascontiguousarray(narrowed).tobytes()).decode("ascii")
    return {"shape": list(values.shape), "float32": encoded}


def network_payload(network: Network) -> dict:
    """Everything the page's forward pass reads of one network, weights included."""
    weights = {
        "lstm_kernel": network.lstm_kernel,
        "lstm_recurrent_kernel": network.lstm_recurrent_kernel,
        "lstm_bias": network.lstm_bias,
        "head_kernel": network.head_kernel,
        "head_bias": network.head_bias,
        "second_head_kernel": network.second_head_kernel,
        "second_head_bias": network.second_head_bias,
    }
    if network.first_hidden is not None:
        weights["first_hidden_kernel"], weights["first_hidden_bias"] = network.first_hidden
        weights["second_hidden_kernel"], weights["second_hidden_bias"] = network.second_hidden
    if network.embeddings is not None:
        names = ("previous_first_embedding", "previous_second_embedding", "first_embedding")
        weights.update(zip(names, network.embeddings, strict=True))
    mixture = network.mixture
    return {
        "framing": network.framing,
        "head": network.head,
        "units": network.units,
        "conditional": network.conditional,
        "bins": network.bins,
        "train_updates": network.train_updates,
        "mixture": None
        if mixture is None
        else {
            "n_components": mixture.n_components,
            "support": mixture.support,
            "scale_floor": mixture.scale_floor,
            "scale_ceiling": mixture.scale_ceiling,
        },
        "weights": {name: encoded_array(w) for name, w in weights.items() if w is not None},
    }


def variant_entry(name: str, data: str, network: Network) -> dict:
    """One variant's entry: what it draws in a line (the README's words for a default
    variant), its kind of data, and its network."""
    description = DRAWS.get(name, "").replace("`", "")  # the README's words, without markdown
    description = description or f"{data}: {network.framing} framing, {network.head} head"
    return {"description": description, "data": data, **network_payload(network)}


def constants(fit_tolerance: float) -> dict:
    """The data's, the turtle's, the categorical inputs' and the recogniser's constants."""
    return {
        "rectangle_corners": rectangles.N_CORNERS,
        "families": list(families.FAMILIES),
        "max_points": families.MAX_POINTS,
        "rectangle_side": list(families.RECTANGLE_SIDE),
        "rotated_side": list(families.ROTATED_SIDE),
        "angle_range": list(families.ANGLE_RANGE),
        "sides": list(families.SIDES),
        "radius": list(families.RADIUS),
        "fit_tolerance": fit_tolerance,
        "golden_steps": recognition.GOLDEN_STEPS,
        "sides_scale": turtle.SIDES_SCALE,
        "delta_offset": turtle.DELTA_OFFSET,
        "first_turn_move": turtle.FIRST_TURN_MOVE,
        "n_steps": categorical.N_STEPS,
        "n_inputs": categorical.N_INPUTS,
        "step_columns": categorical.STEP_COLUMNS.start,
        "family_columns": categorical.FAMILY_COLUMNS.start,
        "temperature_min": TEMPERATURE_MIN,
        "temperature_max": TEMPERATURE_MAX,
        "normal_quantile": {
            name: [float(c) for c in coefficients]
            for name, coefficients in normal.QUANTILE_COEFFICIENTS.items()
        },
    }


def models_script(models: Mapping[str, dict], fit_tolerance: float) -> str:
    """The script the page loads: `shapegenModels = {constants, models}`; models maps each
    variant to {description, data, ...network_payload}, in the given order. The same
    models give the same bytes."""
    payload = {"constants": constants(fit_tolerance), "models": dict(models)}
    text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    header = "// Written by the playground stage (pipeline/playground.py); do not edit.\n"
    return f"{header}var {GLOBAL_NAME} = {text};\n"


def page_files(models: Mapping[str, dict], fit_tolerance: float) -> dict[str, bytes]:
    """Every file of the page by name: its own (read from this package) and MODELS_FILE
    from models_script. The stage writes them; a test writes them as the stage does."""
    page = resources.files("shapegen.playground") / "page"
    files = {name: (page / name).read_bytes() for name in PAGE_FILES}
    files[MODELS_FILE] = models_script(models, fit_tolerance).encode("utf-8")
    return files
