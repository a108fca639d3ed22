"""Reading the files shapegen is given, none of them trusted.

A model, a dataset, params.yaml or a metrics file may come from anyone (`dvc pull`, a
colleague's experiment). Before any of its bytes are read, what the file declares is
checked: that it is a regular file (a FIFO would hang the reader, a device never end),
its size, and for a zip archive its members, their sizes and how they are stored. Every
refusal is an InputError naming the file and what was wrong. The HDF5 side of the checks
is shapegen.files.hdf5.
"""

import contextlib
import json
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from shapegen.errors import InputError, shown

# A problem these checks did not foresee is still one line naming the file: what is read
# may be anything, and a traceback would bury which input it was.
BUG_HINT = "a bug in shapegen's reader: please report it with the file"
# Longer JSON numbers are refused: a float needs at most 17 significant digits, and
# Python stops converting integers past 4,300 digits.
MAX_NUMBER_CHARS = 40
ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
# A zip archive ends with a record (22 bytes and a comment of up to 65,535) that says how
# many entries its directory holds, each 46 bytes and a name, extra field and comment.
_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_SIZE = 22
_EOCD_SEARCH = _EOCD_SIZE + 65_535
_MAX_ENTRY_BYTES = 46 + 3 * 1024
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
# Member flags zipfile cannot read: traditional (bit 0) and strong (bit 6) encryption,
# patched data (bit 5).
_ENCRYPTED = 0x1 | 0x40
_PATCHED = 0x20
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# What json_depth looks at: brackets, and the quotes and backslashes that say whether a
# bracket is inside a string.
_JSON_TOKEN = re.compile(rb'[\[\]{}"\\]')


def open_input(path: str | Path, what: str, max_bytes: int, missing: str = "") -> BinaryIO:
    """`path` opened for reading: a regular file (or a link to one) of at most `max_bytes`.

    `what` names the file in messages ("model file"); `missing` is added to the message
    of a file that does not exist (what to run to make it).
    """
    path = Path(path)
    # Checked by path first: opening some devices acts (a tape rewinds, a FIFO waits).
    _check_regular(path, _stat(path, what, missing), what, max_bytes)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise InputError(f"{path}: {what} cannot be opened ({error.strerror})") from None
    try:
        # And again by what was opened: the path may have been replaced in between.
        _check_regular(path, os.fstat(descriptor), what, max_bytes)
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_input(path: str | Path, what: str, max_bytes: int, missing: str = "") -> bytes:
    """The bytes of a regular file of at most `max_bytes` (open_input's checks)."""
    with open_input(path, what, max_bytes, missing) as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the check
        raise InputError(f"{path}: {what} larger than {max_bytes:,} bytes; expected at most that")
    return data


def _stat(path: Path, what: str, missing: str) -> os.stat_result:
    if not str(path):
        raise InputError(f"the {what}'s path is empty; expected a file's path")
    try:
        return os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found{missing}") from None
    except OSError as error:
        # A name too long, a loop of links, a folder that is a file: the system's words.
        raise InputError(f"{path}: {what} cannot be found ({error.strerror})") from None


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words ("a FIFO (named pipe)")."""
    return next((text for test, text in _FILE_KINDS if test(mode)), "not a file")


def _check_regular(path: Path, info: os.stat_result, what: str, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: is {file_kind(info.st_mode)}; expected a {what}")
    if info.st_size > max_bytes:
        raise InputError(
            f"{path}: {info.st_size:,} bytes; expected a {what} of at most {max_bytes:,} bytes"
        )


def open_zip(handle: BinaryIO, source: str, what: str, names: Sequence[str]) -> zipfile.ZipFile:
    """A zip archive (a `what`, for messages) whose members are exactly `names`.

    Its directory's size is checked before it is parsed (a directory of millions of
    entries costs far more memory than its bytes); members are checked and read with
    check_member and read_member.
    """
    _check_directory(handle, source, what, len(names))
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as error:
        raise InputError(
            f"{source}: not a readable zip archive ({shown(str(error))}); expected a {what}"
        ) from None
    found = [member.filename for member in archive.infolist()]
    if sorted(found) != sorted(names):
        archive.close()
        raise InputError(f"{source}: holds members {shown(found)}; expected {', '.join(names)}")
    return archive


def _check_directory(handle: BinaryIO, source: str, what: str, entries: int) -> None:
    """The end-of-directory record declares `entries` entries in a small directory."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - _EOCD_SEARCH))
    tail = handle.read()
    handle.seek(0)
    start = tail.rfind(_EOCD_SIGNATURE)
    if start < 0 or len(tail) - start < _EOCD_SIZE:
        raise InputError(
            f"{source}: not a zip archive (no end of central directory); expected a {what}"
        )
    count, directory_bytes = struct.unpack("<HI", tail[start + 10 : start + 16])
    if tail[max(0, start - _ZIP64_LOCATOR_SIZE) : start].startswith(_ZIP64_LOCATOR):
        # zipfile would take the zip64 record's count instead; no model needs one.
        raise InputError(
            f"{source}: a zip64 archive; expected a {what} of {entries} entries (a .keras file "
            "under 4 GiB has no zip64 record)"
        )
    if count != entries or directory_bytes > entries * _MAX_ENTRY_BYTES:
        raise InputError(
            f"{source}: its zip directory declares {count:,} entries in {directory_bytes:,} "
            f"bytes; expected a {what} of {entries} entries"
        )


def check_member(
    archive: zipfile.ZipFile, source: str, name: str, max_bytes: int, methods: set[int]
) -> zipfile.ZipInfo:
    """The member's directory entry: in the clear, compressed by one of `methods`, of at
    most `max_bytes` (none of its bytes read)."""
    member = archive.getinfo(name)
    if member.flag_bits & _ENCRYPTED:
        raise InputError(f"{source}: member {name} is encrypted; expected it in the clear")
    if member.flag_bits & _PATCHED:
        raise InputError(f"{source}: member {name} holds patched data; expected plain data")
    size = _size(archive.fp)
    if member.header_offset + member.compress_size > size:
        raise InputError(
            f"{source}: member {name} declares {member.compress_size:,} bytes past its offset "
            f"{member.header_offset:,} in a file of {size:,}; expected it inside the file"
        )
    if member.compress_type not in methods:
        allowed = " or ".join(ZIP_METHODS[method] for method in sorted(methods))
        raise InputError(
            f"{source}: member {name} uses zip compression method {member.compress_type}; "
            f"expected {allowed}"
        )
    if member.file_size > max_bytes:
        raise InputError(
            f"{source}: member {name} declares {member.file_size:,} bytes; expected at most "
            f"{max_bytes:,}"
        )
    if member.compress_type == zipfile.ZIP_STORED and member.compress_size != member.file_size:
        raise InputError(
            f"{source}: member {name} is stored in {member.compress_size:,} bytes but declares "
            f"{member.file_size:,}; expected the same"
        )
    return member


def _size(handle: BinaryIO) -> int:
    """The size of an open file, its position kept."""
    position = handle.tell()
    size = handle.seek(0, os.SEEK_END)
    handle.seek(position)
    return size


def read_member(
    archive: zipfile.ZipFile, source: str, name: str, max_bytes: int, methods: set[int]
) -> bytes:
    """A member's bytes, once check_member passes; its CRC is checked as it is read (zipfile
    stops at the declared size, whatever the compressed stream holds)."""
    member = check_member(archive, source, name, max_bytes, methods)
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise InputError(f"{source}: member {name} is damaged ({shown(str(error))})") from None


def decode_text(data: bytes, source: str, expected: str) -> str:
    """A file's bytes as UTF-8 text; InputError naming the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{source}: not UTF-8 text (byte {error.start}); expected {expected}"
        ) from None


def parse_json(data: bytes, source: str, max_depth: int) -> Any:
    """A JSON document of at most `max_depth` nested arrays and objects, every number
    finite and of at most MAX_NUMBER_CHARS characters."""
    text = decode_text(data, source, "JSON")
    depth = json_depth(data)
    if depth > max_depth:
        raise InputError(
            f"{source}: JSON nested {depth:,} levels deep; expected at most {max_depth}"
        )
    try:
        return json.loads(
            text,
            parse_constant=lambda name: _refuse_number(source, name),
            parse_int=lambda digits: _number(source, digits, int),
            parse_float=lambda digits: _number(source, digits, float),
        )
    except json.JSONDecodeError as error:
        raise InputError(f"{source}: not valid JSON at line {error.lineno} ({error.msg})") from None


def read_json_object(path: str | Path, what: str, max_bytes: int, max_depth: int) -> dict:
    """A file that holds one JSON object (read_input's and parse_json's checks); any
    other failure to read it is one line too (reading)."""
    with reading(path, what):
        value = parse_json(read_input(path, what, max_bytes), str(path), max_depth)
        if not isinstance(value, dict):
            raise InputError(f"{path}: holds {shown(value)}; expected a JSON object")
        return value


def json_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (0 for a bare value), counted
    without parsing it (Python's parser would run out of stack first), in one pass."""
    depth = deepest = 0
    in_string = False
    escaped = -1  # the position of a character a backslash escapes
    for token in _JSON_TOKEN.finditer(data):
        position, char = token.start(), token.group()
        if position == escaped:
            continue
        if in_string:
            if char == b"\\":
                escaped = position + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


def _number(source: str, digits: str, kind: type) -> int | float:
    if len(digits) > MAX_NUMBER_CHARS:
        raise InputError(
            f"{source}: a number of {len(digits):,} characters; expected at most {MAX_NUMBER_CHARS}"
        )
    value = kind(digits)
    if kind is float and not abs(value) < float("inf"):
        _refuse_number(source, digits)
    return value


def _refuse_number(source: str, text: str):
    # text is NaN, Infinity, -Infinity or at most MAX_NUMBER_CHARS digits (1e999).
    raise InputError(f"{source}: holds the number {text}; expected finite numbers")


@contextlib.contextmanager
def reading(path: str | Path, what: str) -> Iterator[None]:
    """Any failure while reading `path` other than an InputError becomes one: the file
    could be anything, and its message names it (with BUG_HINT: the checks should have
    caught it)."""
    try:
        yield
    except InputError:
        raise
    except MemoryError:
        # The checks bound what a read costs by params.yaml's sizes and the file's: a file
        # that is what it declares can still be more than this machine holds.
        raise InputError(
            f"{path}: reading the {what} needs more memory than is available; expected a "
            "smaller file"
        ) from None
    except Exception as error:  # what was not foreseen, see above
        reason = f"{type(error).__name__}: {shown(str(error))}"
        raise InputError(f"{path}: {what} could not be read ({reason}; {BUG_HINT})") from None
