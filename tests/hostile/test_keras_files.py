"""Crafted .keras files: `shapegen info` refuses each in one line, within the caps, and
reads nothing but the file it was given."""

import os
import zipfile

import pytest

from . import craft
from .harness import SHAPEGEN

LSTM_KERNEL = "layers/lstm/cell/vars/0"
GIB = 2**30


def written(tmp_path, content: bytes, name: str = "crafted.keras"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


# Each case: the template's kind, a function of the template's bytes (and the case's
# folder) that crafts the file, and what the message must say.
ZIP_CASES = {
    "weights a zip bomb of 3 GiB": (
        "mixture",
        lambda model, folder: craft.zip_bomb(model, craft.WEIGHTS_MEMBER, 3 * GIB),
        r"member model\.weights\.h5 uses zip compression method 8; expected stored",
    ),
    "config a zip bomb of 3 GiB": (
        "categorical",
        lambda model, folder: craft.zip_bomb(model, craft.CONFIG_MEMBER, 3 * GIB),
        r"member config\.json declares 3,221,225,472 bytes; expected at most 1,048,576",
    ),
    "weights encrypted": (
        "mixture",
        lambda model, folder: craft.with_flag_bits(model, craft.WEIGHTS_MEMBER, craft.ENCRYPTED),
        r"member model\.weights\.h5 is encrypted",
    ),
    "config in Deflate64": (
        "mixture",
        lambda model, folder: craft.with_compress_type(model, craft.CONFIG_MEMBER, craft.DEFLATE64),
        r"member config\.json uses zip compression method 9; expected stored or deflated",
    ),
    "weights in LZMA": (
        "categorical",
        lambda model, folder: craft.with_compress_type(model, craft.WEIGHTS_MEMBER, craft.LZMA),
        r"compression method 14; expected stored$",
    ),
    "weights AES-encrypted": (
        "mixture",
        lambda model, folder: craft.with_compress_type(model, craft.WEIGHTS_MEMBER, craft.AES),
        r"compression method 99",
    ),
    "stored weights declaring 100 MB": (
        "mixture",
        lambda model, folder: craft.with_declared_size(model, craft.WEIGHTS_MEMBER, 10**8),
        r"is stored in [0-9,]+ bytes but declares 100,000,000",
    ),
    "config missing": (
        "mixture",
        lambda model, folder: craft.rezip(model, remove=[craft.CONFIG_MEMBER]),
        r"its zip directory declares 2 entries",
    ),
    "a member added": (
        "mixture",
        lambda model, folder: craft.rezip(model, add={"extra.py": b"import os"}),
        r"its zip directory declares 4 entries",
    ),
    "config twice, metadata gone": (
        "mixture",
        lambda model, folder: craft.rezip(
            model, add={craft.CONFIG_MEMBER: b"{}"}, remove=[craft.METADATA_MEMBER]
        ),
        r"holds members \[.*\]; expected metadata\.json, config\.json, model\.weights\.h5",
    ),
    "a directory of 100,000 entries": (
        "mixture",
        lambda model, folder: craft.rezip(model, add={f"m{i}": b"" for i in range(100_000)}),
        r"its zip directory declares [0-9,]+ entries|a zip64 archive",
    ),
    "not a zip archive": ("mixture", lambda model, folder: b"PK" + b"\0" * 100, r"not a zip"),
    "empty": ("mixture", lambda model, folder: b"", r"not a zip archive"),
    "a zip64 record of 100,000 entries": (
        "mixture",
        lambda model, folder: craft.zip64_directory(model, 100_000),
        r"a zip64 archive; expected a model file \(\.keras\) of 3 entries",
    ),
    "config under strong encryption": (
        "mixture",
        lambda model, folder: craft.with_flag_bits(
            model, craft.CONFIG_MEMBER, craft.STRONG_ENCRYPTION
        ),
        r"member config\.json is encrypted",
    ),
    "config as patched data": (
        "mixture",
        lambda model, folder: craft.with_flag_bits(model, craft.CONFIG_MEMBER, 0x20),
        r"member config\.json holds patched data",
    ),
    "config deflated, declaring 2 GiB compressed": (
        "mixture",
        lambda model, folder: craft.patch_sizes(
            craft.rezip(model, compress={craft.CONFIG_MEMBER: zipfile.ZIP_DEFLATED}),
            craft.CONFIG_MEMBER,
            2**31 - 1,
            None,
        ),
        r"member config\.json declares 2,147,483,647 bytes past its offset [0-9,]+ in a file",
    ),
    "weights stored, declaring 1.6 GB": (
        "mixture",
        lambda model, folder: craft.patch_sizes(
            model, craft.WEIGHTS_MEMBER, 1_600_000_000, 1_600_000_000
        ),
        r"member model\.weights\.h5 declares 1,600,000,000 bytes",
    ),
    "weights whose group B-tree loops": (
        "mixture",
        lambda model, folder: craft.rezip(
            model,
            replace={craft.WEIGHTS_MEMBER: craft.btree_self_child(craft.weights_of(model), 0, 8)},
        ),
        r"model\.weights\.h5: HDF5 crashed walking its structure \(SIGSEGV\)",
    ),
    "weights with a broken attribute before a B-tree loop": (
        "categorical",
        lambda model, folder: craft.rezip(
            model,
            replace={
                craft.WEIGHTS_MEMBER: craft.broken_attribute_then_loop(craft.weights_of(model))
            },
        ),
        r"model\.weights\.h5: HDF5 crashed walking its structure \(SIGSEGV\)",
    ),
    "config damaged": (
        "mixture",
        lambda model, folder: _flip_member_byte(model, craft.CONFIG_MEMBER),
        r"member config\.json is damaged",
    ),
}


def _flip_member_byte(model: bytes, member: str) -> bytes:
    """The archive with one byte of a member changed, its recorded CRC kept."""
    raw = craft.raw_members(model)
    for index, entry in enumerate(raw):
        if entry.name == member:
            payload = bytearray(entry.payload)
            payload[len(payload) // 2] ^= 0xFF
            raw[index] = craft.RawMember(**{**entry.__dict__, "payload": bytes(payload)})
    return craft.write_raw_zip(raw)


@pytest.mark.parametrize("case", ZIP_CASES, ids=list(ZIP_CASES))
def test_a_crafted_archive_is_refused(refuse, models, tmp_path, case):
    kind, craft_file, expected = ZIP_CASES[case]
    path = written(tmp_path, craft_file(models[kind], tmp_path))
    refuse([SHAPEGEN, "info", path.name], expected, names=[path.name])


def _secret(folder) -> str:
    path = folder / "secret.txt"
    path.write_bytes(b"\x00\x00\x80\x3f" * 1024)  # 1.0f: it would read as plausible weights
    return str(path)


WEIGHTS_CASES = {
    "external storage in another file": (
        lambda folder: craft.external_storage(LSTM_KERNEL, _secret(folder)),
        r"'layers/lstm/cell/vars/0' keeps its values in an external file",
    ),
    "external storage in /etc/passwd": (
        lambda folder: craft.external_storage(LSTM_KERNEL, "/etc/passwd"),
        r"keeps its values in an external file",
    ),
    "external storage in a FIFO": (
        lambda folder: craft.external_storage(LSTM_KERNEL, str(craft.make_fifo(folder / "f"))),
        r"keeps its values in an external file",
    ),
    "an external link": (
        lambda folder: craft.external_link(LSTM_KERNEL, _secret(folder)),
        r"'layers/lstm/cell/vars/0' is reached through an external link",
    ),
    "a soft link to another array": (
        lambda folder: craft.soft_link(LSTM_KERNEL, "/layers/lstm/cell/vars/1"),
        r"is reached through a soft link",
    ),
    "a dangling soft link": (
        lambda folder: craft.soft_link(LSTM_KERNEL, "/nowhere"),
        r"is reached through a soft link",
    ),
    "a soft link to itself": (
        lambda folder: craft.soft_link(LSTM_KERNEL, "/" + LSTM_KERNEL),
        r"is reached through a soft link",
    ),
    "a virtual dataset": (
        lambda folder: craft.virtual_dataset(LSTM_KERNEL, _virtual_source(folder)),
        r"'layers/lstm/cell/vars/0' is a virtual dataset",
    ),
    "declares 300,000 x 1,000": (
        lambda folder: craft.huge_dataset(LSTM_KERNEL, chunks=None),
        r"lstm kernel of shape \(300000, 1000\); expected \(2, 24\)",
    ),
    "declares 1e9 x 1e4, growable": (
        lambda folder: craft.huge_dataset(
            LSTM_KERNEL, (10**9, 10**4), maxshape=(None, None), chunks=(1024, 16)
        ),
        r"'layers/lstm/cell/vars/0' is a chunked dataset; expected its values stored in the "
        r"file in one piece",
    ),
    "the right shape, nothing stored": (
        lambda folder: craft.huge_dataset(LSTM_KERNEL, (2, 24), chunks=None),
        r"'layers/lstm/cell/vars/0' declares 192 bytes but stores 0",
    ),
    "a null dataspace": (
        lambda folder: _null(LSTM_KERNEL),
        r"'layers/lstm/cell/vars/0' holds no array \(a null dataspace\)",
    ),
    "NaN weights": (lambda folder: craft.filled(LSTM_KERNEL, float("nan")), r"non-finite"),
    "infinite weights": (lambda folder: craft.filled(LSTM_KERNEL, float("inf")), r"non-finite"),
    "gzip-compressed weights": (
        lambda folder: craft.compressed(LSTM_KERNEL),
        r"is a chunked dataset",
    ),
    "updates trained infinite": (
        lambda folder: craft.iterations(float("inf")),
        r"'optimizer/vars/0' has dtype float64; expected int64",
    ),
    "updates trained negative": (
        lambda folder: craft.iterations(-1),
        r"'optimizer/vars/0' \(updates trained\) is -1; expected 0 to",
    ),
    "updates trained a string": (lambda folder: craft.iterations("abc"), r"has dtype object"),
    "an array removed": (lambda folder: craft.removed(LSTM_KERNEL), r"no weights"),
}


def _null(name: str):
    """An Edit: the dataset replaced by one of a null dataspace (no shape at all)."""
    import h5py

    def edit(file) -> None:
        del file[name]
        file.create_dataset(name, data=h5py.Empty("<f4"))

    return edit


def _virtual_source(folder) -> str:
    import h5py
    import numpy as np

    path = folder / "source.h5"
    with h5py.File(path, "w") as file:
        file["x"] = np.ones((2, 24), dtype=np.float32)
    return str(path)


@pytest.mark.parametrize("case", WEIGHTS_CASES, ids=list(WEIGHTS_CASES))
def test_crafted_weights_are_refused_without_reading_elsewhere(refuse, models, tmp_path, case):
    edit, expected = WEIGHTS_CASES[case]
    path = written(tmp_path, craft.with_weights(models["mixture"], edit(tmp_path)))
    refuse([SHAPEGEN, "info", path.name], expected, names=[path.name])


@pytest.mark.parametrize("dtype", craft.WRONG_DTYPES, ids=list(craft.WRONG_DTYPES))
def test_weights_of_another_dtype_are_refused(refuse, models, tmp_path, dtype):
    edit = craft.retyped(LSTM_KERNEL, craft.WRONG_DTYPES[dtype])
    path = written(tmp_path, craft.with_weights(models["mixture"], edit))
    refuse([SHAPEGEN, "info", path.name], r"'layers/lstm/cell/vars/0' has dtype .*; expected")


def _loss_config(config: dict) -> list:
    return ["compile_config", "loss", "config"]


CONFIG_CASES = {
    "compile_config a list": (
        "mixture",
        lambda config: craft.config_json_edit(config, ["compile_config"], [1, 2]),
        r"compile_config is \[1, 2\]",
    ),
    "config not an object": (
        "mixture",
        lambda config: "[]",
        r"not a shapegen model \(config is None\)",
    ),
    "n_components a string": (
        "mixture",
        lambda config: craft.config_json_edit(config, [*_loss_config(config), "n_components"], "2"),
        r"n_components is '2'",
    ),
    "n_components zero": (
        "mixture",
        lambda config: craft.config_json_edit(config, [*_loss_config(config), "n_components"], 0),
        r"n_components is 0; expected 1 to 64",
    ),
    "scale_floor negative": (
        "mixture",
        lambda config: craft.config_json_edit(config, [*_loss_config(config), "scale_floor"], -1),
        r"expected 0 < scale_floor < scale_ceiling",
    ),
    "support unknown": (
        "mixture",
        lambda config: craft.config_json_edit(config, [*_loss_config(config), "support"], "cube"),
        r"support is 'cube'; expected unit_square or plane",
    ),
    "bins a float": (
        "categorical",
        lambda config: craft.config_json_edit(config, [*_loss_config(config), "bins"], 11.5),
        r"bins is 11\.5",
    ),
    "bins one": (
        "categorical",
        lambda config: craft.config_json_edit(config, [*_loss_config(config), "bins"], 1),
        r"bins is 1; expected 2 to 1024",
    ),
    "conditional a string": (
        "categorical",
        lambda config: craft.config_json_edit(config, [*_loss_config(config), "conditional"], "no"),
        r"conditional is 'no'",
    ),
    "batch_shape a number": (
        "mixture",
        lambda config: craft.config_json_edit(
            config, ["config", "layers", 0, "config", "batch_shape"], 3
        ),
        r"input batch_shape 3",
    ),
    "nested 100,000 deep": ("mixture", lambda config: craft.deep_json(100_000), r"nested"),
    "NaN units": (
        "mixture",
        lambda config: craft.config_json_edit(
            config, ["config", "layers", 1, "config", "units"], float("nan")
        ),
        r"config\.json: holds the number NaN; expected finite numbers",
    ),
    "a 5,000-digit number": (
        "mixture",
        lambda config: craft.big_int_json(config, ["config", "layers", 1, "config", "units"]),
        r"a number of 5,000 characters; expected at most 40",
    ),
    "100,000 layers": (
        "mixture",
        lambda config: craft.many_layers_json(config, 100_000),
        r"member config\.json declares [0-9,]+ bytes; expected at most 1,048,576",
    ),
    "1,000 layers": (
        "mixture",
        lambda config: craft.many_layers_json(config, 1_000),
        r"1,000 layers",
    ),
    "not JSON": ("mixture", lambda config: "{'a': 1}", r"not valid JSON at line 1"),
    "not UTF-8": ("mixture", lambda config: b"\xff\xfe{}", r"not UTF-8 text \(byte 0\)"),
    "a string of 40,000 escaped quotes": (
        "mixture",
        lambda config: b'"' + b'\\"' * 40_000,
        r"config\.json: not valid JSON at line 1",
    ),
}


@pytest.mark.parametrize("case", CONFIG_CASES, ids=list(CONFIG_CASES))
def test_a_crafted_config_is_refused(refuse, models, tmp_path, case):
    kind, crafted, expected = CONFIG_CASES[case]
    text = crafted(craft.config_of(models[kind]))
    content = text if isinstance(text, bytes) else text.encode()
    path = written(tmp_path, craft.rezip(models[kind], replace={craft.CONFIG_MEMBER: content}))
    refuse([SHAPEGEN, "info", path.name], expected, names=[path.name])


@pytest.mark.parametrize("name", craft.ODD_LAYER_NAMES, ids=list(craft.ODD_LAYER_NAMES))
def test_a_layer_name_is_shown_short_and_on_one_line(refuse, models, tmp_path, name):
    config = craft.config_of(models["mixture"])
    text = craft.renamed_layer_json(config, 1, craft.ODD_LAYER_NAMES[name])
    content = text.encode("utf-8", "surrogatepass")
    path = written(tmp_path, craft.rezip(models["mixture"], replace={craft.CONFIG_MEMBER: content}))
    outcome = refuse([SHAPEGEN, "info", path.name], r"not a shapegen model|not UTF-8|not valid")
    assert len(outcome.stderr) < 600


SPECIAL_CASES = {
    "a FIFO": (lambda folder: craft.make_fifo(folder / "m.keras"), r"is a FIFO \(named pipe\)"),
    "a copy of /dev/zero": (
        lambda folder: craft.make_device_copy(folder / "m.keras", "/dev/zero"),
        r"is a character device; expected a model file",
    ),
    "a link to /dev/zero": (
        lambda folder: craft.make_symlink(folder / "m.keras", "/dev/zero"),
        r"is a character device",
    ),
    "a folder without model.keras": (
        lambda folder: (folder / "m.keras").mkdir() or folder / "m.keras",
        r"is a folder without model\.keras",
    ),
    "a loop of links": (
        lambda folder: craft.make_symlink(folder / "m.keras", folder / "m.keras"),
        r"cannot be read as a model \(Too many levels of symbolic links\)",
    ),
    "a 300-character name": (
        lambda folder: folder / craft.long_file_name(300),
        r"cannot be read as a model \(File name too long\)",
    ),
    "unreadable": (
        lambda folder: _unreadable(folder / "m.keras"),
        r"model file cannot be opened \(Permission denied\)",
    ),
}


def _unreadable(path):
    path.write_bytes(b"x")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: a file without permissions is still readable")
    return path


@pytest.mark.parametrize("case", SPECIAL_CASES, ids=list(SPECIAL_CASES))
def test_a_path_that_is_not_a_model_file_says_what_it_is(refuse, tmp_path, case):
    make, expected = SPECIAL_CASES[case]
    path = make(tmp_path)
    refuse([SHAPEGEN, "sample", str(path)], expected)


def test_an_empty_model_argument_says_so(refuse):
    refuse([SHAPEGEN, "info", ""], r"the model argument is empty")


def test_the_largest_model_file_declared_is_refused_before_reading(refuse, tmp_path):
    path = tmp_path / "big.keras"
    with path.open("wb") as file:  # sparse: no disk used
        file.truncate(2**31 + 1)
    refuse([SHAPEGEN, "info", path.name], r"2,147,483,649 bytes; expected a model file of at most")


def test_a_valid_model_with_an_odd_name_works(models, tmp_path):
    from .conftest import record
    from .harness import run_capped

    for label, name in craft.ODD_FILE_NAMES.items():
        path = written(tmp_path, models["mixture"], name)
        outcome = run_capped([SHAPEGEN, "info", "--", str(path)], tmp_path)
        record(f"odd name {label}", outcome)
        assert outcome.returncode == 0, (label, outcome.stderr)
        assert outcome.stderr == ""
        assert outcome.stdout.startswith("model")
