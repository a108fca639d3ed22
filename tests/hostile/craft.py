"""Builders of hostile input files: every file a test feeds shapegen is made by a function here.

Nothing binary is committed. Each builder takes a valid file (or its bytes) and returns the
bytes or text of a broken one, or edits a copy, so a test names what is wrong in one call:

    template = model_bytes(tmp_path)                              # a valid .keras, as bytes
    bomb = zip_bomb(template)                                     # weights inflate to 3 GiB
    nan = with_weights(template, filled("layers/lstm/cell/vars/0", np.nan))
    bad = edited_h5(small_rectangles_file(tmp_path / "r.h5"), tmp_path / "x.h5",
                    set_attr("format_version", np.inf))

Groups: zip members of a .keras file; HDF5 edits (an Edit is a function of an open
h5py.File, usable on a .keras file's weights and on the data files alike); config.json
texts; params.yaml texts; special files and file names.
"""

import copy
import dataclasses
import io
import json
import os
import re
import shutil
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
PARAMS_FILE = ROOT / "params.yaml"

METADATA_MEMBER = "metadata.json"
CONFIG_MEMBER = "config.json"
WEIGHTS_MEMBER = "model.weights.h5"

# Zip: general purpose flag bits and compression methods (APPNOTE.TXT 4.4.4, 4.4.5).
ENCRYPTED = 0x1
DATA_DESCRIPTOR = 0x8
STRONG_ENCRYPTION = 0x40
UTF8_NAME = 0x800
STORED, DEFLATED, DEFLATE64, BZIP2, LZMA, ZSTANDARD, AES = 0, 8, 9, 12, 14, 93, 99

# An HDF5 edit: a function that changes an open, writable h5py.File in place.
Edit = Callable[[h5py.File], None]

# Dtypes a reader expecting float32 (or float64) weights must refuse or convert.
STRING_DTYPE = h5py.string_dtype()
COMPOUND_DTYPE = np.dtype([("value", "<f4"), ("extra", "<f4")])
VLEN_DTYPE = h5py.vlen_dtype(np.dtype("<f4"))
WRONG_DTYPES = {
    "float16": np.dtype("<f2"),
    "big_endian_float32": np.dtype(">f4"),
    "int8": np.dtype("i1"),
    "string": STRING_DTYPE,
    "compound": COMPOUND_DTYPE,
    "vlen": VLEN_DTYPE,
}

# Layer names a message must not print raw: control characters, a line break, a bidi
# override, a lone surrogate, and a name of 10,000 characters.
ODD_LAYER_NAMES = {
    "newline": "lstm\nerror: injected second line",
    "carriage_return": "lstm\rerror: overwritten",
    "escape": "\x1b[2J\x1b[31mred",
    "nul": "ls\x00tm",
    "bidi_override": "\u202elstm",
    "line_separator": "lstm\u2028head",
    "lone_surrogate": "lstm\ud800",
    "long": "x" * 10_000,
}

# File names a command line must survive; the last one is not valid UTF-8.
ODD_FILE_NAMES = {
    "dollar": "$HOME.keras",
    "command_substitution": "$(touch pwned).keras",
    "newline": "new\nline.keras",
    "leading_dash": "-n.keras",
    "undecodable": os.fsdecode(b"\xff\xfe.keras"),
}


# --- .keras archives: zip members -------------------------------------------------------------


def members(archive: bytes) -> dict[str, bytes]:
    """The uncompressed contents of every member of a zip archive, by name."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return {info.filename: source.read(info) for info in source.infolist()}


def weights_of(archive: bytes) -> bytes:
    """The model.weights.h5 member of a .keras archive."""
    return members(archive)[WEIGHTS_MEMBER]


def config_of(archive: bytes) -> dict:
    """The parsed config.json member of a .keras archive."""
    return json.loads(members(archive)[CONFIG_MEMBER])


def rezip(
    template: bytes,
    replace: Mapping[str, bytes | str] | None = None,
    add: Mapping[str, bytes | str] | None = None,
    remove: Iterable[str] = (),
    compress: Mapping[str, int] | None = None,
) -> bytes:
    """The template archive with members replaced, added (after the others), removed or
    recompressed (`compress`: member name to zipfile compress_type, e.g. zipfile.ZIP_LZMA).

    Adding a name the archive already has makes a duplicate member (zipfile reads the last).
    """
    replace, add, compress = dict(replace or {}), dict(add or {}), dict(compress or {})
    removed = set(remove)
    with zipfile.ZipFile(io.BytesIO(template)) as source:
        infos = source.infolist()
        contents = [(info.filename, source.read(info), info.compress_type) for info in infos]
    unknown = (set(replace) | removed) - {name for name, _, _ in contents}
    if unknown:
        raise KeyError(f"no such members in the template: {sorted(unknown)}")
    entries = [
        (name, replace.get(name, data), compress.get(name, method))
        for name, data, method in contents
        if name not in removed
    ]
    entries += [(name, data, compress.get(name, STORED)) for name, data in add.items()]
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as target:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            info.external_attr = 0o644 << 16
            target.writestr(info, data.encode() if isinstance(data, str) else data)
    return out.getvalue()


@dataclasses.dataclass(frozen=True)
class RawMember:
    """One zip member as its headers will say: `payload` is written as is, never compressed."""

    name: str
    payload: bytes
    method: int = STORED
    flags: int = 0
    crc: int = 0
    size: int = 0  # the uncompressed size the headers declare


def raw_members(archive: bytes) -> list[RawMember]:
    """The members of a zip archive with their payloads as stored (still compressed)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        for info in source.infolist():
            start = info.header_offset
            name_length, extra_length = struct.unpack("<HH", archive[start + 26 : start + 30])
            data_start = start + 30 + name_length + extra_length
            payload = archive[data_start : data_start + info.compress_size]
            found.append(
                RawMember(
                    info.filename,
                    payload,
                    info.compress_type,
                    info.flag_bits,
                    info.CRC,
                    info.file_size,
                )
            )
    return found


def write_raw_zip(entries: Sequence[RawMember]) -> bytes:
    """A zip archive whose headers say exactly what `entries` say (Zip64 sizes over 4 GiB)."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode()
        flags = entry.flags | (UTF8_NAME if not entry.name.isascii() else 0)
        zip64 = max(entry.size, len(entry.payload)) >= 0xFFFFFFFF
        version = 45 if zip64 else 20
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (len(entry.payload), entry.size)
        extra = struct.pack("<HHQQ", 1, 16, entry.size, len(entry.payload)) if zip64 else b""
        offset = len(out)
        # Local header: signature, version, flags, method, time, date (1980-01-01), crc,
        # compressed size, uncompressed size, name length, extra length.
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            version,
            flags,
            entry.method,
            0,
            0x21,
            entry.crc,
            *sizes,
            len(name),
            len(extra),
        )
        out += name + extra + entry.payload
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            (3 << 8) | version,  # made by Unix
            version,
            flags,
            entry.method,
            0,
            0x21,
            entry.crc,
            *sizes,
            len(name),
            len(extra),
            0,
            0,
            0,
            0o644 << 16,
            offset,
        )
        central += name + extra
    directory_offset = len(out)
    out += central
    count = len(entries)
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), directory_offset, 0
    )
    return bytes(out)


def zip_bomb(
    template: bytes, member: str = WEIGHTS_MEMBER, declared_bytes: int = 3 * 2**30
) -> bytes:
    """The template with `member` deflating to `declared_bytes` zeros (a few MB built in
    small memory; its headers declare the true size and CRC)."""
    chunk_size = 2**20
    zeros = bytes(chunk_size)
    whole, tail = divmod(declared_bytes, chunk_size)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor starts afresh: every whole chunk compresses alike.
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    if whole == 0:
        block = b""
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = block * whole + compressor.compress(zeros[:tail]) + compressor.flush()
    crc = 0
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(zeros[:tail], crc)
    bomb = RawMember(member, payload, DEFLATED, 0, crc, declared_bytes)
    entries = [bomb if entry.name == member else entry for entry in raw_members(template)]
    if member not in {entry.name for entry in entries}:
        entries.append(bomb)
    return write_raw_zip(entries)


def with_flag_bits(template: bytes, member: str, bits: int) -> bytes:
    """The template with `bits` set in `member`'s flags, in both headers (0x1: encrypted)."""
    return _with_member(
        template, member, lambda entry: dataclasses.replace(entry, flags=entry.flags | bits)
    )


def with_compress_type(template: bytes, member: str, method: int) -> bytes:
    """The template with `member`'s headers naming compression `method` (9 Deflate64,
    14 LZMA, 99 AES); its payload stays the stored bytes."""
    return _with_member(template, member, lambda entry: dataclasses.replace(entry, method=method))


def with_declared_size(template: bytes, member: str, size: int) -> bytes:
    """The template with `member`'s headers declaring `size` uncompressed bytes (a lie)."""
    return _with_member(template, member, lambda entry: dataclasses.replace(entry, size=size))


def _with_member(template: bytes, member: str, change: Callable[[RawMember], RawMember]) -> bytes:
    entries = raw_members(template)
    if member not in {entry.name for entry in entries}:
        raise KeyError(f"no member {member!r} in the template")
    return write_raw_zip([change(entry) if entry.name == member else entry for entry in entries])


# --- HDF5 edits: .keras weights and the data files --------------------------------------------


def edit_weights(weights: bytes, edit: Edit) -> bytes:
    """The bytes of an HDF5 file (a .keras weights member) after `edit`, all in memory."""
    buffer = io.BytesIO(weights)
    with h5py.File(buffer, "r+", libver=("earliest", "latest")) as file:
        edit(file)
    return buffer.getvalue()


def with_weights(template: bytes, edit: Edit) -> bytes:
    """The .keras template with its weights member changed by `edit`."""
    return rezip(template, replace={WEIGHTS_MEMBER: edit_weights(weights_of(template), edit)})


def edited_h5(source: str | Path, destination: str | Path, edit: Edit) -> Path:
    """A copy of the HDF5 file `source` at `destination`, changed by `edit`."""
    destination = Path(destination)
    shutil.copyfile(source, destination)
    with h5py.File(destination, "r+", libver=("earliest", "latest")) as file:
        edit(file)
    return destination


def dataset_paths(source: bytes | str | Path) -> list[str]:
    """The paths of every dataset in an HDF5 file (bytes or a path), sorted."""
    found: list[str] = []

    def visit(name: str, node: object) -> None:
        if isinstance(node, h5py.Dataset):
            found.append(name)

    opened = io.BytesIO(source) if isinstance(source, bytes) else source
    with h5py.File(opened, "r") as file:
        file.visititems(visit)
    return sorted(found)


def _recreate(file: h5py.File, name: str, **create: Any) -> h5py.Dataset:
    """Delete the dataset or link `name` and create a dataset there with `create`."""
    del file[name]
    return file.create_dataset(name, **create)


def _old(file: h5py.File, name: str) -> h5py.Dataset:
    node = file[name]
    if not isinstance(node, h5py.Dataset):
        raise TypeError(f"{name} is not a dataset")
    return node


def external_storage(
    name: str, target: str | Path, nbytes: int | None = None, offset: int = 0
) -> Edit:
    """Replace dataset `name` by one of the same shape whose bytes live in file `target`
    (e.g. /etc/passwd, /dev/zero, a FIFO); `nbytes` defaults to the dataset's size."""

    def edit(file: h5py.File) -> None:
        old = _old(file, name)
        size = old.nbytes if nbytes is None else nbytes
        external = [(os.fspath(target), offset, size)]
        _recreate(file, name, shape=old.shape, dtype=old.dtype, external=external)

    return edit


def external_link(name: str, filename: str | Path, target: str = "/x") -> Edit:
    """Replace `name` by an HDF5 external link to object `target` of file `filename`."""

    def edit(file: h5py.File) -> None:
        del file[name]
        file[name] = h5py.ExternalLink(os.fspath(filename), target)

    return edit


def soft_link(name: str, target: str) -> Edit:
    """Replace `name` by a soft link to `target`: another dataset, a dangling path (e.g.
    "/no/such/dataset") or `name` itself (a cycle)."""

    def edit(file: h5py.File) -> None:
        del file[name]
        file[name] = h5py.SoftLink(target)

    return edit


def virtual_dataset(
    name: str,
    source_file: str | Path,
    source_name: str = "x",
    shape: tuple[int, ...] | None = None,
    dtype: Any = None,
) -> Edit:
    """Replace `name` by a virtual dataset mapping dataset `source_name` of `source_file`
    (shape and dtype default to the replaced dataset's)."""

    def edit(file: h5py.File) -> None:
        old = _old(file, name)
        layout_shape = old.shape if shape is None else shape
        layout_dtype = old.dtype if dtype is None else dtype
        layout = h5py.VirtualLayout(shape=layout_shape, dtype=layout_dtype)
        layout[...] = h5py.VirtualSource(os.fspath(source_file), source_name, shape=layout_shape)
        del file[name]
        file.create_virtual_dataset(name, layout, fillvalue=0)

    return edit


def huge_dataset(
    name: str,
    shape: tuple[int, ...] = (300_000, 1_000),
    dtype: Any = "<f4",
    maxshape: tuple[int | None, ...] | None = None,
    chunks: tuple[int, ...] | bool = True,
) -> Edit:
    """Replace `name` by a dataset (chunked unless chunks=None) of a huge declared shape,
    nothing written (e.g. shape (10**9, 10**4), maxshape (None, None)): the file stays small."""

    def edit(file: h5py.File) -> None:
        _recreate(file, name, shape=shape, dtype=dtype, maxshape=maxshape, chunks=chunks)

    return edit


def filled(name: str, value: float) -> Edit:
    """Replace dataset `name` by one of its shape and dtype holding `value` (NaN, inf)."""

    def edit(file: h5py.File) -> None:
        old = _old(file, name)
        _recreate(file, name, data=np.full(old.shape, value, dtype=old.dtype))

    return edit


def retyped(name: str, dtype: Any) -> Edit:
    """Replace dataset `name` by its values in another dtype (a WRONG_DTYPES value)."""

    def edit(file: h5py.File) -> None:
        values = np.asarray(_old(file, name)[()])
        _recreate(file, name, data=_converted(values, np.dtype(dtype)), dtype=dtype)

    return edit


def _converted(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """`values` in `dtype`: strings of the numbers, a compound's first field, one-element
    variable-length rows."""
    if h5py.check_string_dtype(dtype):
        text = np.array([repr(float(v)) for v in values.flat], dtype=object)
        return text.reshape(values.shape)
    if h5py.check_vlen_dtype(dtype) is not None:
        base = h5py.check_vlen_dtype(dtype)
        rows = np.empty(values.size, dtype=object)
        for index, value in enumerate(values.flat):
            rows[index] = np.array([value], dtype=base)
        return rows.reshape(values.shape)
    if dtype.names:
        converted = np.zeros(values.shape, dtype=dtype)
        converted[dtype.names[0]] = values
        return converted
    return values.astype(dtype)


def compressed(name: str, compression: str | int = "gzip", **filters: Any) -> Edit:
    """Replace dataset `name` by the same values stored chunked through a filter (gzip by
    default; `filters` go to create_dataset: compression_opts, shuffle, fletcher32)."""

    def edit(file: h5py.File) -> None:
        values = _old(file, name)[()]
        _recreate(file, name, data=values, compression=compression, **filters)

    return edit


def scalar(name: str, value: Any) -> Edit:
    """Replace `name` by a scalar dataset holding `value` (inf, -1, 1e30, a string)."""

    def edit(file: h5py.File) -> None:
        _recreate(file, name, data=value)

    return edit


def iterations(value: Any) -> Edit:
    """Set the optimizer's iteration counter ("optimizer/vars/0") to `value`."""
    return scalar("optimizer/vars/0", value)


def removed(name: str) -> Edit:
    """Delete `name`."""

    def edit(file: h5py.File) -> None:
        del file[name]

    return edit


def set_attr(name: str, value: Any, on: str = "/") -> Edit:
    """Set attribute `name` of object `on` to `value` (inf, "1", an array, "x" * 10**7)."""

    def edit(file: h5py.File) -> None:
        file[on].attrs[name] = value

    return edit


def int128_attr(name: str, value: int = 2**70, on: str = "/") -> Edit:
    """Set attribute `name` to a 128-bit little-endian integer (no numpy dtype reads it)."""

    def edit(file: h5py.File) -> None:
        kind = h5py.h5t.STD_I64LE.copy()
        kind.set_size(16)
        kind.set_precision(128)
        target = file[on]
        if name in target.attrs:
            del target.attrs[name]
        attribute = h5py.h5a.create(
            target.id, name.encode(), kind, h5py.h5s.create(h5py.h5s.SCALAR)
        )
        raw = np.frombuffer(value.to_bytes(16, "little", signed=True), dtype="V16")
        attribute.write(raw.reshape(()), mtype=kind)

    return edit


# A format_version attribute of each hostile kind, for parametrising the data-file readers.
HOSTILE_FORMAT_VERSIONS: dict[str, Edit] = {
    "inf": set_attr("format_version", np.inf),
    "nan": set_attr("format_version", np.nan),
    "string": set_attr("format_version", "1"),
    "array": set_attr("format_version", np.array([1, 1])),
    "float_2_70": set_attr("format_version", float(2**70)),
    "uint64_max": set_attr("format_version", np.uint64(2**64 - 1)),
    "int128_2_70": int128_attr("format_version", 2**70),
    "string_10MB": set_attr("format_version", "1" * 10_000_000),
}


def small_rectangles_file(path: str | Path, n_train: int = 8, n_test: int = 4) -> Path:
    """A valid rectangles file (data/rectangles.h5's format), written by shapegen itself."""
    from shapegen.data.rectangles_h5 import make_dataset, write_dataset

    write_dataset(path, make_dataset(0, n_train, n_test))
    return Path(path)


def small_shapes_file(path: str | Path, n_train: int = 8, n_test: int = 4) -> Path:
    """A valid shapes file (data/shapes.h5's format), written by shapegen itself."""
    from shapegen.data.shapes_h5 import make_shapes, write_shapes

    weights = {"train": np.ones(3), "test": np.ones(3)}
    write_shapes(path, make_shapes(0, n_train, n_test, weights), 0, weights)
    return Path(path)


# --- config.json texts ------------------------------------------------------------------------

DELETE = object()  # config_json_edit's value that removes the key instead


def config_json_edit(config: dict, path: Sequence[str | int], value: Any) -> str:
    """config.json's text with the value at `path` (keys and list indexes) set to `value`
    (NaN and inf written as NaN, Infinity; DELETE removes it)."""
    edited = copy.deepcopy(config)
    *parents, last = path
    node: Any = edited
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return json.dumps(edited)


def json_with_literal(config: dict, path: Sequence[str | int], literal: str) -> str:
    """config.json's text with the raw JSON text `literal` at `path` ("NaN", "-Infinity",
    "1e999", a 5000-digit number)."""
    marker = "\x00hostile-literal\x00"
    return config_json_edit(config, path, marker).replace(json.dumps(marker), literal, 1)


def big_int_json(config: dict, path: Sequence[str | int], digits: int = 5000) -> str:
    """config.json's text with a `digits`-digit integer at `path`."""
    return json_with_literal(config, path, "9" * digits)


def deep_json(depth: int = 100_000, opener: str = "[", closed: bool = True) -> str:
    """JSON nested `depth` deep ("[[[...]]]", or "{"a":{"a":... with opener "{"), closed or not."""
    if opener == "[":
        head, tail = "[" * depth, "]" * depth
    else:
        head, tail = '{"a":' * depth + "0", "}" * depth
    return head + (tail if closed else "")


def many_layers_json(config: dict, n: int = 100_000) -> str:
    """config.json's text with `n` layers, copies of the first renamed layer_0, layer_1 ..."""
    edited = copy.deepcopy(config)
    first = edited["config"]["layers"][0]
    layers = []
    for index in range(n):
        layer = dict(first)
        layer["config"] = {**first["config"], "name": f"layer_{index}"}
        layers.append(layer)
    edited["config"]["layers"] = layers
    return json.dumps(edited)


def renamed_layer_json(config: dict, index: int, name: str) -> str:
    """config.json's text with layer `index` named `name` (an ODD_LAYER_NAMES value)."""
    return config_json_edit(config, ["config", "layers", index, "config", "name"], name)


# --- params.yaml texts ------------------------------------------------------------------------

_N_TRAIN_LINE = re.compile(r"^  n_train: [^\n]*$", re.MULTILINE)


def params_text() -> str:
    """The committed params.yaml."""
    return PARAMS_FILE.read_text(encoding="utf-8")


def params_with_n_train(value: str) -> str:
    """The committed params.yaml with dataset.n_train's value replaced by the YAML text
    `value` (starting with a newline for a block value indented past 2 spaces)."""
    text = params_text()
    if not _N_TRAIN_LINE.search(text):
        raise ValueError("params.yaml has no dataset.n_train line")
    separator = "" if value.startswith("\n") else " "
    return _N_TRAIN_LINE.sub(lambda _: f"  n_train:{separator}{value}", text, count=1)


def yaml_alias_bomb(levels: int = 9, width: int = 9) -> str:
    """params.yaml with a "billion laughs" as dataset.n_train: `width` ** `levels` leaves
    through aliases, a few hundred bytes of text."""
    items = [f"&l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        items.append(f"&l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return params_with_n_train(f"[{', '.join(items)}]")


def yaml_deep(depth: int = 3000, style: str = "flow") -> str:
    """params.yaml with dataset.n_train nested `depth` deep: "flow" [[[...]]], "block"
    compact block sequences "- - - 1" (both a few KB), or "mapping" block mappings one
    space deeper per level (grows as depth**2 / 2: 1000 deep is half a MB)."""
    if style == "flow":
        return params_with_n_train("[" * depth + "]" * depth)
    if style == "block":
        return params_with_n_train("\n    " + "- " * depth + "1")
    lines = [" " * (4 + level) + "a:" for level in range(depth)]
    return params_with_n_train("\n" + "\n".join([*lines, " " * (4 + depth) + "1"]))


def yaml_big_int(digits: int = 5000) -> str:
    """params.yaml with a `digits`-digit integer as dataset.n_train."""
    return params_with_n_train("9" * digits)


def yaml_padded(size: int = 2 * 2**20) -> str:
    """The valid params.yaml padded with comment lines to `size` bytes."""
    text = params_text()
    line = "# " + "x" * 97 + "\n"
    padding = line * ((size - len(text)) // len(line) + 1)
    return (text + padding)[: size - 1] + "\n"


def yaml_long_string(size: int = 2 * 2**20) -> str:
    """params.yaml with a `size`-character string as dataset.n_train."""
    return params_with_n_train("x" * size)


def yaml_many_documents(n: int = 1000) -> str:
    """The valid params.yaml followed by `n` more documents, each "---" and an empty map."""
    return params_text() + "---\n{}\n" * n


def yaml_tagged(
    tag: str = "!!python/object/apply:os.system", argument: str = "touch /tmp/hunt/pwned"
) -> str:
    """params.yaml with dataset.n_train a node of `tag` applied to `argument`."""
    return params_with_n_train(f"{tag} [{json.dumps(argument)}]")


def yaml_binary(nbytes: int = 2**20) -> str:
    """params.yaml with a !!binary of `nbytes` zero bytes as dataset.n_train."""
    import base64

    encoded = base64.b64encode(bytes(nbytes)).decode()
    lines = "\n".join("    " + encoded[i : i + 76] for i in range(0, len(encoded), 76))
    return params_with_n_train("!!binary |\n" + lines)


# --- special files and names ------------------------------------------------------------------


def make_fifo(path: str | Path) -> Path:
    """A FIFO at `path` (reading it blocks until a writer comes: a reader must not open it)."""
    os.mkfifo(path)
    return Path(path)


def make_device_copy(path: str | Path, of: str | Path = "/dev/null") -> Path:
    """A device node at `path` with the type and major/minor numbers of `of` (/dev/zero:
    endless bytes); skips the calling test where creating device nodes is not permitted."""
    found = os.stat(of)
    if not (stat.S_ISCHR(found.st_mode) or stat.S_ISBLK(found.st_mode)):
        raise ValueError(f"{of} is not a device")
    kind = stat.S_IFCHR if stat.S_ISCHR(found.st_mode) else stat.S_IFBLK
    try:
        os.mknod(path, kind | 0o644, found.st_rdev)
    except PermissionError as error:
        import pytest

        pytest.skip(f"cannot create a device node here (needs root or CAP_MKNOD): {error}")
    return Path(path)


def make_symlink(path: str | Path, target: str | Path) -> Path:
    """A symbolic link at `path` to `target` (which need not exist)."""
    os.symlink(target, path)
    return Path(path)


def long_file_name(length: int = 250, suffix: str = ".keras") -> str:
    """A file name of `length` characters ending in `suffix`: 250 is legal on Linux
    filesystems (255 bytes at most), 300 is not (ENAMETOOLONG)."""
    if length <= len(suffix):
        raise ValueError(f"length {length} leaves no room for {suffix!r}")
    return "n" * (length - len(suffix)) + suffix


def model_bytes(folder: str | Path, kind: str = "mixture") -> bytes:
    """A valid small untrained .keras file's bytes ("mixture" or "categorical"); saved
    under `folder`. Imports TensorFlow (a few seconds)."""
    from shapegen.files.keras_archive import save_model
    from tests.small_models import small_categorical_model, small_mixture_model

    model = small_mixture_model() if kind == "mixture" else small_categorical_model()
    path = Path(folder) / f"{kind}.keras"
    save_model(model, path)
    return path.read_bytes()


# What a second, fresh-eyes hunt found: the builders of its cases.
def null_dataspace(name: str, dtype: Any = "<f4") -> Edit:
    """Replace `name` by a dataset of a null dataspace (no shape at all)."""

    def edit(file: h5py.File) -> None:
        del file[name]
        file.create_dataset(name, data=h5py.Empty(dtype))

    return edit


def btree_self_child(data: bytes, node_type: int, key_size: int) -> bytes:
    """An HDF5 file whose first v1 B-tree node of `node_type` (0 a group's, 1 a chunk
    index) is made level 1 with its first child itself: HDF5 recurses without end."""
    patched = bytearray(data)
    at = patched.find(b"TREE")
    while patched[at + 4] != node_type:
        at = patched.find(b"TREE", at + 1)
    patched[at + 5] = 1
    patched[at + 24 + key_size : at + 32 + key_size] = struct.pack("<Q", at)
    return bytes(patched)


def patch_sizes(archive: bytes, member: str, compressed: int | None, size: int | None) -> bytes:
    """The archive with a member's compressed and uncompressed sizes rewritten in its local
    and central headers (its bytes unchanged)."""
    patched = bytearray(archive)
    headers = ((b"PK\x03\x04", 18, 30, 26), (b"PK\x01\x02", 20, 46, 28))
    for signature, sizes_at, name_at, name_length_at in headers:
        at = patched.find(signature)
        while at >= 0:
            (length,) = struct.unpack("<H", patched[at + name_length_at : at + name_length_at + 2])
            if patched[at + name_at : at + name_at + length] == member.encode():
                if compressed is not None:
                    patched[at + sizes_at : at + sizes_at + 4] = struct.pack("<I", compressed)
                if size is not None:
                    patched[at + sizes_at + 4 : at + sizes_at + 8] = struct.pack("<I", size)
            at = patched.find(signature, at + 1)
    return bytes(patched)


def zip64_directory(template: bytes, extra_entries: int) -> bytes:
    """An archive whose classic end record says 3 entries while a zip64 record (which
    zipfile prefers) declares 3 + extra_entries, all present as 46-byte nameless entries."""
    raw = write_raw_zip(raw_members(template))
    directory_size, directory_offset = struct.unpack("<II", raw[-10:-2])
    entry = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    )
    directory = raw[directory_offset : directory_offset + directory_size] + entry * extra_entries
    total = 3 + extra_entries
    record = struct.pack(
        "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, total, total, len(directory), directory_offset
    )
    locator = struct.pack("<IIQI", 0x07064B50, 0, directory_offset + len(directory), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 3, 3, directory_size, directory_offset, 0)
    return raw[:directory_offset] + directory + record + locator + end


def set_parameter(split: str, row: int, column: int, value: float) -> Edit:
    """One shape's parameter set to `value` in a shapes file."""

    def edit(file: h5py.File) -> None:
        name = f"{split}_parameters"
        values = file[name][()]
        values[row, column] = value
        del file[name]
        file.create_dataset(name, data=values, track_times=False)

    return edit


# What a third hunt found.
def broken_attribute_then_loop(data: bytes, name: bytes = b"zzzz") -> bytes:
    """An HDF5 file with a root attribute after the ones readers need whose datatype class
    is 15 (iterating the attributes fails there), and a group B-tree that is its own child
    (craft.btree_self_child): a walk that stopped at the first error would miss the loop."""
    buffer = io.BytesIO(data)
    with h5py.File(buffer, "r+") as file:
        file.attrs[name.decode()] = np.int32(7)
    patched = bytearray(buffer.getvalue())
    at = patched.find(name + b"\0")
    datatype = at + ((len(name) + 1 + 7) // 8) * 8  # the name, padded to 8, then its type
    patched[datatype] = (patched[datatype] & 0xF0) | 0x0F
    return btree_self_child(bytes(patched), 0, 8)


def global_heap_free_space_zero(data: bytes) -> bytes:
    """An HDF5 file whose global heap (where variable-length strings live) declares its
    free space 0 bytes long: HDF5 then spins reading the heap."""
    patched = bytearray(data)
    at = patched.find(b"GCOL")
    (size,) = struct.unpack_from("<Q", patched, at + 8)
    position = at + 16
    while position + 16 <= at + size:
        (index,) = struct.unpack_from("<H", patched, position)
        (length,) = struct.unpack_from("<Q", patched, position + 8)
        if index == 0:
            struct.pack_into("<Q", patched, position + 8, 0)
            return bytes(patched)
        position += 16 + (length + 7) // 8 * 8
    raise ValueError("no free space object in the global heap")
