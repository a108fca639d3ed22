"""What a file declares is checked before its bytes are read."""

import io
import os
import zipfile

import pytest

from shapegen.errors import InputError
from shapegen.files.reading import json_depth, open_zip, parse_json, read_input, read_member


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    with pytest.raises(InputError, match=r"pipe: is a FIFO \(named pipe\); expected a model file"):
        read_input(path, "model file", 100)


def test_a_file_past_its_size_is_refused(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match=r"101 bytes; expected a model file of at most 100"):
        read_input(path, "model file", 100)


@pytest.mark.parametrize(
    ("text", "depth"), [(b"1", 0), (b"[[1], {}]", 2), (b'["[[[", {"a": [1]}]', 3)]
)
def test_json_depth_ignores_brackets_in_strings(text, depth):
    assert json_depth(text) == depth


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"[" * 50 + b"]" * 50, r"JSON nested 50 levels deep; expected at most 10"),
        (b"[NaN]", r"holds the number NaN"),
        (b"[1e999]", r"holds the number 1e999"),
        (b"[" + b"9" * 41 + b"]", r"a number of 41 characters; expected at most 40"),
        (b"{", r"not valid JSON at line 1"),
    ],
)
def test_json_past_what_it_may_hold_is_refused(text, message):
    with pytest.raises(InputError, match=message):
        parse_json(text, "f.json", max_depth=10)


def _archive(members: dict[str, bytes], method=zipfile.ZIP_STORED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def test_a_zip_of_other_members_is_refused_before_its_directory_is_read():
    with pytest.raises(InputError, match=r"declares 2 entries .* expected a model file of 1"):
        open_zip(_archive({"a": b"", "b": b""}), "m.zip", "model file", ["a"])


def test_a_member_is_read_only_within_its_declared_size_and_methods():
    archive = open_zip(_archive({"a": b"0" * 1000}, zipfile.ZIP_DEFLATED), "m.zip", "z", ["a"])
    assert read_member(archive, "m.zip", "a", 1000, {zipfile.ZIP_DEFLATED}) == b"0" * 1000
    with pytest.raises(InputError, match=r"member a declares 1,000 bytes; expected at most 999"):
        read_member(archive, "m.zip", "a", 999, {zipfile.ZIP_DEFLATED})
    with pytest.raises(InputError, match=r"uses zip compression method 8; expected stored"):
        read_member(archive, "m.zip", "a", 1000, {zipfile.ZIP_STORED})


def test_what_the_checks_did_not_foresee_is_still_one_line_naming_the_file():
    from shapegen.files.reading import BUG_HINT, reading

    with pytest.raises(InputError) as raised, reading("m.keras", "model file"):
        raise ZeroDivisionError("division by zero\nin HDF5")
    assert str(raised.value) == (
        f"m.keras: model file could not be read (ZeroDivisionError: 'division by zero\\nin "
        f"HDF5'; {BUG_HINT})"
    )
