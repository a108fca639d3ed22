"""dvc.yaml's derived parts: each stage's project-module deps and the top-level plots."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import load_tool


@pytest.fixture(scope="module")
def dvc_yaml():
    return load_tool("dvc_yaml")


@pytest.fixture(scope="module")
def document(dvc_yaml, repo_root):
    return dvc_yaml.yaml_round_trip().load((repo_root / "dvc.yaml").read_text())


def stage_names(repo_root) -> list[str]:
    import yaml

    return list(yaml.safe_load((repo_root / "dvc.yaml").read_text())["stages"])


@pytest.mark.parametrize("stage", stage_names(Path(__file__).resolve().parents[2]))
def test_each_stage_lists_exactly_the_project_modules_its_script_loads(
    dvc_yaml, document, repo_root, stage
):
    definition = dict(dvc_yaml.stage_bodies(document))[stage]
    listed = {dep for dep in definition["deps"] if dvc_yaml.is_project_module(dep)}
    loaded = set(dvc_yaml.stage_module_deps(repo_root, document)[stage])
    problems = [
        f"stage {stage}: deps miss {module}, which its script loads" for module in loaded - listed
    ] + [
        f"stage {stage}: deps list {module}, which its script does not load"
        for module in listed - loaded
    ]
    assert not problems, "\n".join([*sorted(problems), "(run `make dvc-yaml`)"])
    script = dvc_yaml.stage_script(definition["cmd"]).as_posix()
    assert script in definition["deps"], f"stage {stage}: deps miss its script {script}"


def test_dvc_yaml_is_what_make_dvc_yaml_writes(dvc_yaml, repo_root):
    # Covers the top-level plots too: one line per variant of params.yaml on its charts.
    current = (repo_root / "dvc.yaml").read_text()
    assert dvc_yaml.updated(repo_root) == current, "dvc.yaml is stale: run `make dvc-yaml`"


def test_only_the_report_loads_the_command_line_and_no_stage_the_chapter(
    dvc_yaml, document, repo_root
):
    # An edit of cli.py or chapter.py must not rerun (and retrain) anything; the report,
    # which shows the command's output, reruns after an edit of cli.py.
    for stage, modules in dvc_yaml.stage_module_deps(repo_root, document).items():
        assert ("src/shapegen/cli.py" in modules) == (stage == "report"), stage
        assert "src/shapegen/training/chapter.py" not in modules, stage


def test_what_python_imports_for_each_script_is_inside_its_closure(dvc_yaml, document, repo_root):
    # A lower bound from the interpreter itself: importing a stage script (without running
    # its main) loads module-level imports only; the static closure must hold them all.
    probe = (
        "import importlib.util, json, sys\n"
        "spec = importlib.util.spec_from_file_location('stage_under_test', sys.argv[1])\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values())\n"
        "    if getattr(m, '__file__', None))))\n"
    )
    source = (repo_root / "src").resolve()
    for stage, definition in dvc_yaml.stage_bodies(document):
        script = dvc_yaml.stage_script(definition["cmd"])
        result = subprocess.run(
            [sys.executable, "-c", probe, str(repo_root / script)],
            cwd=repo_root,
            # This checkout's package, wherever the environment's editable install points.
            env={**os.environ, "PYTHONPATH": str(repo_root / "src")},
            capture_output=True,
            text=True,
            check=True,
        )
        imported = {
            Path(file).resolve().relative_to(repo_root.resolve()).as_posix()
            for file in json.loads(result.stdout)
            if Path(file).resolve().is_relative_to(source)
        }
        assert imported, stage
        closure = set(dvc_yaml.stage_module_deps(repo_root, document)[stage])
        assert imported <= closure, f"{stage}: {sorted(imported - closure)}"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_closure_follows_function_level_relative_and_submodule_imports(dvc_yaml, tmp_path):
    write(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/a.py": "from pkg import b\n",
            "src/pkg/b.py": "def f():\n    from .c import g\n",
            "src/pkg/c.py": "import os\ng = 1\n",
            "src/pkg/unused.py": "",
            "src/pkg/sub/__init__.py": "from . import leaf\n",
            "src/pkg/sub/leaf.py": "from ..c import g\n",
            "run.py": "import pkg.a\nimport pkg.sub\n",
        },
    )
    assert dvc_yaml.loaded_files(tmp_path, Path("run.py")) == {
        Path(p)
        for p in (
            "src/pkg/__init__.py",
            "src/pkg/a.py",
            "src/pkg/b.py",
            "src/pkg/c.py",
            "src/pkg/sub/__init__.py",
            "src/pkg/sub/leaf.py",
        )
    }


def test_a_lazy_re_export_loads_its_module_only_where_it_is_imported(dvc_yaml, tmp_path):
    write(
        tmp_path,
        {
            "src/pkg/__init__.py": (
                "import os\n"
                "VERSION = 1\n"
                "def __getattr__(name):\n"
                "    from pkg import heavy\n"
                "    return getattr(heavy, name)\n"
            ),
            "src/pkg/heavy.py": "Thing = 1\n",
            "src/pkg/light.py": "",
            "eager.py": "from pkg import light, VERSION\n",
            "lazy.py": "from pkg import Thing\n",
            "attribute.py": "import pkg\nprint(pkg.Thing)\n",
        },
    )
    assert dvc_yaml.loaded_files(tmp_path, Path("eager.py")) == {
        Path("src/pkg/__init__.py"),
        Path("src/pkg/light.py"),
    }
    assert Path("src/pkg/heavy.py") in dvc_yaml.loaded_files(tmp_path, Path("lazy.py"))
    assert Path("src/pkg/heavy.py") in dvc_yaml.loaded_files(tmp_path, Path("attribute.py"))


def test_module_deps_replace_the_listed_ones_in_place(dvc_yaml):
    deps = ["data/x.txt", "pipeline/s.py", "src/pkg/old.py", "data/y.h5"]
    assert dvc_yaml.with_module_deps(deps, ["src/pkg/a.py", "src/pkg/b.py"]) == [
        "data/x.txt",
        "pipeline/s.py",
        "src/pkg/a.py",
        "src/pkg/b.py",
        "data/y.h5",
    ]


def test_every_variant_has_its_curves_on_the_charts_of_its_kind(dvc_yaml, default_params_raw):
    plots = {
        plot_id: definition
        for entry in dvc_yaml.plots(default_params_raw["variants"])
        for plot_id, definition in entry.items()
    }
    for name, variant in default_params_raw["variants"].items():
        heldout = "heldout_mae" if variant["data"] == "rectangles" else "heldout_nll"
        curve = f"data/plots/{name}/learning_curve.tsv"
        assert plots[heldout]["y"][curve] == heldout
        loss = f"data/plots/{name}/train_loss.tsv"
        assert [p for p in plots.values() if loss in p["y"]], name
    for definition in plots.values():
        assert definition["title"] and definition["x_label"] and definition["y_label"]


def test_a_stage_command_imports_the_shapegen_of_its_own_copy(dvc_yaml, repo_root, tmp_path):
    # A queued experiment runs in a copy of the project: its stages must load the copy's
    # src/, not the editable install's (the workspace's).
    import shutil
    import subprocess
    import sys

    shutil.copytree(repo_root / "src" / "shapegen", tmp_path / "src" / "shapegen")
    prefix = dvc_yaml.STAGE_COMMAND_PREFIX.replace("python ", "")
    command = f'{prefix}"{sys.executable}" -c "import shapegen; print(shapegen.__file__)"'
    result = subprocess.run(
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(tmp_path / "src" / "shapegen" / "__init__.py")


def test_one_unit_per_chart_and_a_log_scale_where_curves_span_decades(dvc_yaml, repo_root):
    import yaml

    variants = yaml.safe_load((repo_root / "params.yaml").read_text())["variants"]
    charts = {key: value for entry in dvc_yaml.plots(variants) for key, value in entry.items()}
    assert set(charts["train_loss_moves_nll"]["y"]) == {"data/plots/families_point/train_loss.tsv"}
    assert "data/plots/families_point/train_loss.tsv" not in charts["train_loss_shapes_nll"]["y"]
    assert charts["invalid_fraction"]["template"] == "learning_curve_log_y"
    template = json.loads((repo_root / ".dvc/plots/learning_curve_log_y.json").read_text())
    assert template["encoding"]["y"]["scale"] == {"type": "log"}
