"""Crafted params.yaml files, checked by the check_params stage as `dvc repro` runs it: one
line, status 2, fast and small, and nothing written."""

import pytest

from . import craft
from .conftest import ROOT
from .harness import PYTHON

CHECK_PARAMS = [PYTHON, str(ROOT / "pipeline" / "check_params.py")]

CASES = {
    "an alias bomb (9 levels of 9)": (
        lambda: craft.yaml_alias_bomb(9, 9),
        r"more than 10,000 values, aliases expanded \(line [0-9]+\); expected a params file",
    ),
    "a small alias bomb (4 levels of 9)": (
        lambda: craft.yaml_alias_bomb(4, 9),
        r"dataset\.n_train is \[\['lol', .*\.\.\.; expected an integer >= 1",
    ),
    "a small alias bomb (5 levels of 9)": (
        lambda: craft.yaml_alias_bomb(5, 9),
        r"more than 10,000 values, aliases expanded",
    ),
    "nested 3,000 deep, flow style": (
        lambda: craft.yaml_deep(3000, "flow"),
        r"values nested 6 deep at line [0-9]+; expected at most 5",
    ),
    "nested 3,000 deep, block style": (
        lambda: craft.yaml_deep(3000, "block"),
        r"values nested 6 deep",
    ),
    "nested 300 deep, mappings": (lambda: craft.yaml_deep(300, "mapping"), r"values nested 6 deep"),
    "a 5,000-digit number": (
        lambda: craft.yaml_big_int(5000),
        r"a number of 5,000 characters at line [0-9]+; expected at most 40",
    ),
    "2 MB": (lambda: craft.yaml_padded(2 * 2**20), r"bytes; expected a params file of at most"),
    "a string of 500 kB": (
        lambda: craft.yaml_long_string(500_000),
        r"dataset\.n_train is the string 'x+\.\.\.; expected an integer >= 1",
    ),
    "1,000 documents": (lambda: craft.yaml_many_documents(1000), r"not valid YAML at line"),
    "a Python tag": (lambda: craft.yaml_tagged(), r"not valid YAML at line"),
    "binary of 500 kB": (
        lambda: craft.yaml_binary(500_000),
        r"dataset\.n_train is b'.*\.\.\.; expected an integer",
    ),
    "the date 2001-02-30": (
        lambda: craft.params_with_n_train("2001-02-30"),
        r"a value YAML cannot construct \(ValueError: 'day is out of range for month'\)",
    ),
    "!!int abc": (lambda: craft.params_with_n_train("!!int abc"), r"a value YAML cannot construct"),
    "!!bool maybe": (
        lambda: craft.params_with_n_train("!!bool maybe"),
        r"a value YAML cannot construct",
    ),
    "an !!omap with a key twice": (
        lambda: craft.params_with_n_train("!!omap [a: 1, a: 2]"),
        r"a value YAML cannot construct",
    ),
    "a quoted !!int of 4,000 digits": (
        lambda: craft.params_with_n_train('!!int "' + "9" * 4000 + '"'),
        r"a number of 4,000 characters at line [0-9]+; expected at most 40",
    ),
    "45,000 variants": (
        lambda: _many_variants(45_000),
        r"more than 10,000 values, aliases expanded \(line [0-9]+\)",
    ),
    "not UTF-8": (lambda: b"dataset:\n  seed: \xff\n", r"cannot be read \(not UTF-8 text: byte"),
}


def _many_variants(count: int) -> str:
    text = craft.params_text()
    start = text.index("\n", text.index("\nvariants:") + 1) + 1
    return text[:start] + "".join(f"  v{index}: 0\n" for index in range(count)) + text[start:]


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_crafted_params_file_is_refused(refuse, tmp_path, case):
    text, expected = CASES[case]
    content = text()
    path = tmp_path / "params.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    refuse(CHECK_PARAMS, expected, names=["params.yaml"])
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda path: craft.make_fifo(path), r"params\.yaml: is a FIFO \(named pipe\)"),
        (lambda path: craft.make_symlink(path, "/dev/zero"), r"is a character device"),
        (lambda path: path.mkdir(), r"params\.yaml: is a folder; expected a params file"),
    ],
    ids=["FIFO", "link to /dev/zero", "folder"],
)
def test_a_params_path_that_is_no_file_says_what_it_is(refuse, tmp_path, make, expected):
    make(tmp_path / "params.yaml")
    refuse(CHECK_PARAMS, expected)
