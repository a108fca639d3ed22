"""Fuzzing the readers of untrusted files with hypothesis, in a process of its own.

`python -m tests.hostile.fuzz TARGET EXAMPLES FOLDER` runs one target's search on the
template files in FOLDER (test_fuzz.py writes them, and runs this under the suite's caps:
TensorFlow never loads here). Every example must read, or be refused with one InputError
line of bounded length that is not the readers' bug-report fallback; anything else (another
exception, a hang, a crash of HDF5) fails the search, which prints the smallest example.
The search is derandomized: the same examples on every run.
"""

import contextlib
import copy
import json
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shapegen  # noqa: F401  pins the numerics before numpy loads
from shapegen.config.validation import load_params
from shapegen.data.rectangles_h5 import read_dataset
from shapegen.errors import InputError
from shapegen.files.reading import BUG_HINT
from shapegen.sampling.model_file import read_network

from . import craft

MAX_MESSAGE_CHARS = 2000


def refused_cleanly(read, path: Path) -> None:
    """`read(path)` returns, or raises an InputError that is one short line and no bug."""
    try:
        read(path)
    except InputError as error:
        message = str(error)
        assert BUG_HINT not in message, message
        assert "\n" not in message and len(message) < MAX_MESSAGE_CHARS, message[:500]


def mutations(size: int, head: int):
    """Byte overwrites of a file of `size` bytes, half of them in its first `head` bytes
    (where the structure is), and maybe a truncation."""
    position = st.one_of(st.integers(0, min(head, size) - 1), st.integers(0, size - 1))
    writes = st.lists(st.tuples(position, st.integers(0, 255)), min_size=1, max_size=8)
    return st.tuples(writes, st.one_of(st.none(), st.integers(0, size)))


def mutated(content: bytes, mutation) -> bytes:
    writes, length = mutation
    data = bytearray(content)
    for position, value in writes:
        data[position] = value
    return bytes(data if length is None else data[:length])


def run(target: str, examples: int, folder: Path) -> None:
    options = settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    scratch = Path(tempfile.mkdtemp(prefix=f"fuzz-{target}-"))
    model = (folder / "model.keras").read_bytes()
    weights = craft.weights_of(model)
    dataset = (folder / "rectangles.h5").read_bytes()
    params = craft.params_text()

    def check(read, content: bytes, name: str) -> None:
        path = scratch / name
        path.write_bytes(content)
        refused_cleanly(read, path)

    searches = {}

    @options
    @given(mutations(len(model), 512))
    def archive(mutation):
        check(read_network, mutated(model, mutation), "archive.keras")

    @options
    @given(mutations(len(weights), 4096))
    def weights_file(mutation):
        crafted = craft.rezip(model, replace={craft.WEIGHTS_MEMBER: mutated(weights, mutation)})
        check(read_network, crafted, "weights.keras")

    @options
    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=5)
                | st.dictionaries(st.sampled_from(_CONFIG_KEYS), inner, max_size=5)
            ),
            max_leaves=40,
        ),
        st.lists(st.sampled_from(_CONFIG_PATHS), min_size=1, max_size=3),
    )
    def config(value, places):
        text = craft.config_of(model)
        for place in places:
            text = _set(text, place, value)
        content = json.dumps(text, allow_nan=True).encode()
        check(read_network, craft.rezip(model, replace={craft.CONFIG_MEMBER: content}), "c.keras")

    @options
    @given(mutations(len(dataset), 4096))
    def data_file(mutation):
        check(read_dataset, mutated(dataset, mutation), "rectangles.h5")

    @options
    @given(st.lists(st.sampled_from(_YAML_TOKENS), max_size=60), st.integers(0, len(params)))
    def params_file(tokens, position):
        text = params[:position] + "".join(tokens) + params[position:]
        check(load_params, text.encode(), "params.yaml")

    searches.update(
        archive=archive,
        weights=weights_file,
        config=config,
        data=data_file,
        params=params_file,
    )
    searches[target]()


# Where in a model's config.json the fuzzer puts its values: the keys the reader checks.
_CONFIG_PATHS = [
    ("compile_config",),
    ("compile_config", "loss"),
    ("compile_config", "loss", "config"),
    ("compile_config", "loss", "config", "n_components"),
    ("compile_config", "loss", "config", "support"),
    ("compile_config", "loss", "config", "scale_floor"),
    ("compile_config", "loss", "config", "scale_ceiling"),
    ("compile_config", "loss", "registered_name"),
    ("config", "layers"),
    ("config", "layers", 0),
    ("config", "layers", 0, "config", "batch_shape"),
    ("config", "layers", 1, "config"),
    ("config", "layers", 1, "config", "units"),
    ("config", "layers", 1, "class_name"),
    ("config",),
]
_CONFIG_KEYS = ["config", "class_name", "name", "layers", "batch_shape", "units", "loss"]
_YAML_TOKENS = [
    "\n",
    " ",
    "  ",
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!binary ",
    "!!python/object ",
    "'",
    '"',
    "#",
    "|",
    ">",
    "? ",
    "---",
    "...",
    "1e400",
    "9" * 50,
    "n_train",
    "seed",
    "variants",
    "x",
    ".inf",
    ".nan",
    "null",
    "~",
    "true",
    "0x1F",
    "%YAML 1.2",
]


def _set(config, place, value):
    """config with `value` at `place` (a path of keys and indices), where that exists."""
    config = copy.deepcopy(config)
    node = config
    for key in place[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return config
    with contextlib.suppress(IndexError, TypeError):
        node[place[-1]] = value
    return config


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
