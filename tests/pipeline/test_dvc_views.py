"""What DVC itself shows a user of the reproduced project: status after a code edit, the
plots, the metrics, and results shared through a remote."""

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import load_tool
from .project import commit_all, file_hashes, run

WIDTH = 200  # the terminal width that the tables must fit


@pytest.fixture(scope="module")
def dvc_yaml():
    return load_tool("dvc_yaml")


@pytest.fixture
def repo(tmp_path, reproduced_project) -> Path:
    """A copy of the reproduced and committed project, for one test to change."""
    repo = tmp_path / "project"
    shutil.copytree(reproduced_project, repo, symlinks=True)
    return repo


def stages_of(name: str, variants: dict) -> list[str]:
    """The stages DVC names for one stage definition: one per variant for a foreach."""
    return [f"{name}@{variant}" for variant in variants] if name in FOREACH else [name]


FOREACH = {"train", "gallery", "evaluate"}


def test_an_edit_of_any_module_makes_dvc_status_list_exactly_the_stages_that_load_it(
    repo, dvc_yaml, small_params_raw
):
    document = dvc_yaml.yaml_round_trip().load((repo / "dvc.yaml").read_text())
    loaded = dvc_yaml.stage_module_deps(repo, document)
    variants = small_params_raw["variants"]
    modules = sorted(p.relative_to(repo).as_posix() for p in (repo / "src").rglob("*.py"))
    expected = {
        module: sorted(
            stage
            for name, files in loaded.items()
            if module in files
            for stage in stages_of(name, variants)
        )
        for module in modules
    }
    # The command line retrains nothing; the report shows its output.
    assert expected["src/shapegen/cli.py"] == ["report"]
    # One edit of every module at once: DVC names each changed dep of each stage.
    for module in modules:
        with (repo / module).open("a") as file:
            file.write("# an edit\n")
    status = json.loads(run(["dvc", "status", "--json"], repo).stdout)
    seen: dict[str, list[str]] = {module: [] for module in modules}
    for stage, changes in status.items():
        for change in changes:
            for dep in change.get("changed deps", {}) if isinstance(change, dict) else ():
                if dep in seen:
                    seen[dep].append(stage)
    assert {m: sorted(s) for m, s in seen.items()} == expected


def plot_definitions(repo: Path) -> dict:
    """`dvc plots show --json`: plot id -> its rendered definitions."""
    return json.loads(run(["dvc", "plots", "show", "--json"], repo).stdout)["data"]


def encodings(spec: dict) -> dict[str, set[tuple[str, str]]]:
    """(field, title) of every x and y encoding anywhere in a Vega-Lite spec."""
    found: dict[str, set[tuple[str, str]]] = {"x": set(), "y": set()}

    def visit(node):
        if isinstance(node, dict):
            for axis, seen in found.items():
                encoding = node.get("encoding", {}).get(axis)
                if isinstance(encoding, dict) and "field" in encoding:
                    seen.add((encoding["field"], encoding.get("title")))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(spec)
    return found


def test_plots_show_each_variants_curves_on_named_columns_with_titles(
    repo, dvc_yaml, small_params_raw
):
    shown = plot_definitions(repo)
    charts = {plot_id: shown[plot_id] for plot_id in shown if shown[plot_id][0]["type"] == "vega"}
    defined = {
        plot_id: definition
        for entry in dvc_yaml.plots(small_params_raw["variants"])
        for plot_id, definition in entry.items()
    }
    assert set(charts) == set(defined)
    for plot_id, (entry,) in charts.items():
        content, definition = entry["content"], defined[plot_id]
        assert content["title"]["text"] == definition["title"]
        (column,) = set(definition["y"].values())
        # The chart draws the column it names, on the axes it labels (not the file's last
        # column, which is what a plot without `y:` draws).
        assert encodings(content) == {
            "x": {(definition["x"], definition["x_label"])},
            "y": {(column, definition["y_label"])},
        }, plot_id
        files = {row["filename"] for row in content["data"]["values"]}
        assert len(files) == len(definition["y"]), plot_id
        # The legend names each variant: the template's transform takes the folder of the
        # file DVC names (shortened or whole), as this does.
        (transform,) = content["transform"]
        assert content["encoding"]["color"]["field"] == transform["as"] == "variant"
        named = {re.sub(r"^(.*/)?([^/]+)/[^/]+$", r"\2", file) for file in files}
        assert named == {path.split("/")[2] for path in definition["y"]}, plot_id
    for name, variant in small_params_raw["variants"].items():
        heldout = "heldout_mae" if variant["data"] == "rectangles" else "heldout_nll"
        rows = [
            row
            for row in charts[heldout][0]["content"]["data"]["values"]
            if row["filename"] == f"{name}/learning_curve.tsv"
        ]
        curve = (repo / f"data/plots/{name}/learning_curve.tsv").read_text().splitlines()
        header = curve[0].split("\t")
        expected = [line.split("\t")[header.index(heldout)] for line in curve[1:]]
        assert [row[heldout] for row in rows] == expected, name
    images = {plot_id for plot_id, entries in shown.items() if entries[0]["type"] == "image"}
    assert "data/gallery/training_shapes.png" in images
    # The same charts across commits: the curves are in git, so no cache is needed.
    diff = json.loads(run(["dvc", "plots", "diff", "HEAD", "--json"], repo).stdout)["data"]
    for plot_id in charts:
        (entry,) = diff[plot_id]
        assert set(entry["revisions"]) == {"HEAD", "workspace"}, plot_id


@pytest.mark.parametrize("command", [["show"], ["diff", "HEAD"]])
def test_plots_page_draws_every_chart_with_no_network(repo, command):
    """`dvc plots show` and `diff` fill .dvc/plots/page.html, which carries Vega: the page
    asks nothing of the network, and every chart DVC defines is embedded in it."""
    out = repo.parent / "plots_page"
    run(["dvc", "plots", *command, "--out", str(out)], repo)
    html = (out / "index.html").read_text(encoding="utf-8")
    network_fetch = load_tool("plots_page").NETWORK_FETCH
    assert network_fetch.search(html) is None, network_fetch.search(html)
    assert "window.vegaEmbed" in html and "<title>shapegen: DVC plots</title>" in html
    charts = [p for p, entries in plot_definitions(repo).items() if entries[0]["type"] == "vega"]
    assert len(re.findall(r"vegaEmbed\('#", html)) == len(charts)


def widest_line(text: str) -> int:
    return max(len(line.rstrip()) for line in text.splitlines())


def test_metrics_show_fits_the_terminal_and_the_details_are_apart(repo, small_params_raw):
    # A plain table, as wide as its cells (DVC does not wrap or cut it).
    table = run(["dvc", "metrics", "show"], repo).stdout
    assert widest_line(table) <= WIDTH, table
    for name in small_params_raw["variants"]:
        assert f"data/metrics/{name}.json" in table
        details = json.loads((repo / f"data/metrics/details/{name}.json").read_text())
        headline = json.loads((repo / f"data/metrics/{name}.json").read_text())
        # The headline is a part of the full set, not a copy of it.
        assert headline.items() <= details.items() and len(headline) < len(details)
    assert "details" not in table


def test_results_travel_through_a_remote_and_an_experiment_through_git(repo, tmp_path):
    origin = tmp_path / "origin.git"
    storage = tmp_path / "storage"
    run(["git", "init", "-q", "--bare", str(origin)], tmp_path)
    run(["git", "remote", "add", "origin", str(origin)], repo)
    run(["dvc", "remote", "add", "-d", "storage", str(storage)], repo)
    commit_all(repo, "a DVC remote")
    run(["git", "push", "-q", "origin", "HEAD"], repo)
    run(["dvc", "push"], repo)

    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(origin), str(clone)], tmp_path)
    run(["dvc", "pull"], clone)
    assert file_hashes(clone) == file_hashes(repo)
    assert json.loads(run(["dvc", "status", "--json"], clone).stdout) == {}
    repro = run(["dvc", "repro"], clone).stdout
    assert "Running stage" not in repro, repro
    sample = run(["shapegen", "sample", "book", "-n", "2"], clone).stdout
    assert sample.strip()

    # An experiment: run in one clone, pushed to the git remote with its DVC outputs.
    run(["dvc", "exp", "run", "-n", "seed3", "-S", "evaluate.seed=3"], repo)
    run(["dvc", "exp", "push", "origin", "seed3"], repo)
    run(["dvc", "exp", "pull", "origin", "seed3"], clone)
    shown = json.loads(run(["dvc", "exp", "show", "--json"], clone).stdout)
    experiments = {
        experiment["name"]: experiment
        for baseline in shown
        for experiment in (baseline.get("experiments") or [])
        for experiment in (experiment.get("revs") or [])
    }
    assert "seed3" in experiments, shown
    data = experiments["seed3"]["data"]
    assert data["params"]["params.yaml"]["data"]["evaluate"]["seed"] == 3
    assert data["metrics"]["data/metrics/book.json"]["data"]["heldout_mae"] > 0
    # The experiment against its baseline, a row per changed figure: narrow at any count.
    diff = run(["dvc", "exp", "diff", "HEAD", "seed3"], clone)
    assert "evaluate.seed" in diff.stdout and "data/metrics/mixture.json" in diff.stdout
    assert widest_line(diff.stdout) <= WIDTH


def test_make_exps_shows_an_experiment_beside_its_baseline_in_120_columns(repo, repo_root):
    run(["dvc", "exp", "run", "-S", "evaluate.seed=3", "-n", "seed-three"], repo)
    shown = run([sys.executable, str(repo_root / "tools" / "exps.py")], repo).stdout
    lines = shown.splitlines()
    assert max(len(line) for line in lines) <= 120, shown
    header = lines[0].split()
    assert header[-1] == "seed-three" and len(header) == 2, shown
    seed = next(line for line in lines if line.strip().startswith("evaluate.seed"))
    assert seed.split()[1:] == ["2", "3"], shown
    assert not any(line.strip().startswith("dataset.") for line in lines)  # only what changed
    variants = yaml.safe_load((repo / "params.yaml").read_text())["variants"]
    for variant in variants:
        assert any(line.strip().startswith(f"{variant} ") for line in lines), variant
