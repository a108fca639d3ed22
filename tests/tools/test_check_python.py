"""The Python gate of `make venv`: one line naming the supported versions."""

import shutil
import subprocess
import sys

import pytest

from ..conftest import load_tool


@pytest.fixture(scope="module")
def check_python():
    return load_tool("check_python")


@pytest.fixture(scope="module")
def pyproject(repo_root) -> str:
    return (repo_root / "pyproject.toml").read_text()


@pytest.mark.parametrize("version", [(3, 11, 0), (3, 12, 4), (3, 13, 9)])
def test_supported_versions_pass(check_python, pyproject, version):
    assert check_python.problem(version, pyproject) == ""


@pytest.mark.parametrize("version", [(2, 7, 18), (3, 10, 13), (3, 14, 0), (4, 11, 0)])
def test_other_versions_name_the_supported_ones(check_python, pyproject, version):
    message = check_python.problem(version, pyproject)
    assert f"Python {version[0]}.{version[1]}.{version[2]} (" in message
    assert "shapegen runs on Python 3.11 to 3.13" in message
    assert "\n" not in message


def test_this_python_is_supported(repo_root):
    result = subprocess.run(
        [sys.executable, "tools/check_python.py"], cwd=repo_root, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_stops_an_unsupported_python_with_one_line(repo_root, tmp_path):
    # This Python, against a pyproject.toml that admits only a future one.
    shutil.copy(repo_root / "Makefile", tmp_path)
    shutil.copytree(repo_root / "tools", tmp_path / "tools")
    text = (repo_root / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(
        text.replace('requires-python = ">=3.11,<3.14"', 'requires-python = ">=3.99,<3.100"')
    )
    (tmp_path / "constraints.txt").write_text("")
    result = subprocess.run(
        ["make", "venv", f"PYTHON={sys.executable}"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "is not supported: shapegen runs on Python 3.99 to 3.99" in lines[0]
    assert not (tmp_path / ".venv").exists()
