"""The lock's helpers (the resolution per platform itself is `make check-pins`)."""

import pytest

from ..conftest import load_tool


@pytest.fixture(scope="module")
def pins():
    return load_tool("pins")


def test_the_pythons_checked_are_those_requires_python_admits(pins):
    assert pins.python_versions() == ["3.11", "3.12", "3.13"]


def test_pins_are_read_with_or_without_markers(pins):
    text = (
        "# a comment\n"
        "Flufl.Lock==9.2.0\n"
        "    # via dvc\n"
        "tensorflow==2.21.0 ; platform_machine != 'x86_64' or sys_platform != 'linux'\n"
        "ruamel-yaml==0.19.1\n"
    )
    assert pins.pins(text) == {
        ("flufl-lock", "9.2.0"),
        ("tensorflow", "2.21.0"),
        ("ruamel-yaml", "0.19.1"),
    }


def test_the_lock_pins_tensorflow_per_platform(pins, repo_root):
    lines = (repo_root / pins.LOCK).read_text().splitlines()
    tensorflow = [line for line in lines if line.startswith(("tensorflow==", "tensorflow-cpu=="))]
    assert tensorflow == [
        "tensorflow==2.21.0 ; platform_machine != 'x86_64' or sys_platform != 'linux'",
        "tensorflow-cpu==2.21.0 ; platform_machine == 'x86_64' and sys_platform == 'linux'",
    ]


def test_every_direct_dependency_is_pinned_by_the_lock(pins, repo_root):
    import tomllib

    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["dev"]
    locked = pins.pins((repo_root / pins.LOCK).read_text())
    for requirement in direct:
        pinned = pins.pins(requirement.split(";")[0].replace(" ", ""))
        assert pinned <= locked, requirement
