"""The rules of docs/architecture.md, held to every import under src/shapegen/."""

import shutil

import pytest

from ..conftest import load_tool


@pytest.fixture(scope="module")
def architecture():
    return load_tool("architecture")


def test_the_code_keeps_the_rules(architecture, repo_root):
    assert architecture.violations(repo_root) == []


def test_the_floors_follow_from_what_each_part_may_import(architecture):
    floors = architecture.floors()
    assert floors["errors"] == 0
    for name, part in architecture.PARTS.items():
        assert all(floors[other] < floors[name] for other in part.may_import), name
    assert floors["sampling"] < floors["evaluation"] < floors["figures"] < floors["cli"]


def test_the_committed_doc_is_current(architecture, repo_root):
    from shapegen.reporting.regions import replace_regions

    text = (repo_root / architecture.DOC).read_text()
    assert text == replace_regions(text, {architecture.REGION: architecture.region(repo_root)}), (
        "docs/architecture.md is stale: run `make docs`"
    )


@pytest.fixture
def project_copy(tmp_path, repo_root):
    shutil.copytree(repo_root / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.pyc"))
    return tmp_path


def _add_line(project, module: str, line: str) -> None:
    path = project / "src" / "shapegen" / module
    path.write_text(path.read_text() + f"\n\ndef _added():\n    {line}\n")


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        # Lazily, inside a function, and two modules away: still TensorFlow in sampling.
        ("sampling/network.py", "import keras", "sampling/network.py: loads keras"),
        (
            "sampling/network.py",
            "from shapegen.training import loop",
            "imports shapegen.training.loop (training is not below sampling)",
        ),
        (
            "evaluation/metrics.py",
            "from shapegen.model import build_model",
            "evaluation/metrics.py: imports shapegen.model (model is not below evaluation)",
        ),
        (
            "data/families.py",
            "from shapegen.config.params import Params",
            "imports shapegen.config.params (config is not below data)",
        ),
        (
            "evaluation/metrics.py",
            "import matplotlib.pyplot",
            "imports matplotlib, which only ('figures',) may",
        ),
    ],
)
def test_an_import_against_the_rules_is_named(architecture, project_copy, module, line, expected):
    _add_line(project_copy, module, line)
    problems = architecture.violations(project_copy)
    assert any(expected in problem for problem in problems), problems


def test_tensorflow_loaded_through_another_module_is_named(architecture, project_copy):
    # figures/panels.py imports nothing heavy itself; a module it loads does.
    _add_line(project_copy, "heads/normal.py", "import tensorflow")
    problems = architecture.violations(project_copy)
    assert any(p.startswith("src/shapegen/figures/") and "tensorflow" in p for p in problems)


def test_a_cycle_between_modules_of_one_part_is_named(architecture, project_copy):
    _add_line(project_copy, "data/turtle.py", "from shapegen.data import rectangles")
    _add_line(project_copy, "data/rectangles.py", "from shapegen.data import turtle")
    problems = architecture.violations(project_copy)
    assert any(p.startswith("an import cycle:") for p in problems), problems


def test_an_undeclared_folder_is_named(architecture, project_copy):
    folder = project_copy / "src" / "shapegen" / "extras"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    problems = architecture.violations(project_copy)
    assert any("part 'extras' is not declared" in problem for problem in problems), problems
