"""On the user's path: `dvc repro` and `dvc exp run -S` check params.yaml before any stage.

Each case runs DVC itself in a copy of a reproduced project, then asserts the exit status,
the one-line error naming the key, and that every file under data/ is byte-identical.
"""

import copy
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .project import file_hashes, params_change, params_delete, run, write_params


@pytest.fixture
def project(reproduced_project, tmp_path) -> Path:
    repo = tmp_path / "project"
    shutil.copytree(reproduced_project, repo, symlinks=True)
    return repo


def rename(*keys: str, to: str) -> Callable:
    def apply(repo: Path, params: dict) -> None:
        section = params
        for key in keys[:-1]:
            section = section[key]
        section[to] = section.pop(keys[-1])

    return apply


# params.yaml mistakes that the check_params stage reports: (change, the error line).
CHECKED = {
    "typo beside the real key": (
        params_change("dataset", "n_trian", value=100),
        r"params\.yaml: dataset\.n_trian: unknown key; did you mean dataset\.n_train\?$",
    ),
    "misspelt section": (
        rename("evaluate", to="evalute"),
        r"params\.yaml: evalute: unknown key; did you mean evaluate\?$",
    ),
    "key in the wrong section": (
        params_change("variants", "book", "model", "learning_rate", value=0.01),
        r"variants\.book\.model\.learning_rate: unknown key; "
        r"did you mean variants\.book\.train\.learning_rate\?$",
    ),
    "missing key": (
        params_delete("gallery", "dpi"),
        r"params\.yaml: missing key gallery\.dpi$",
    ),
    "string for a count": (
        params_change("dataset", "n_train", value="many"),
        r"dataset\.n_train is the string 'many'; expected an integer >= 1$",
    ),
    "boolean for a count": (
        params_change("dataset", "seed", value=True),
        r"dataset\.seed is the boolean true; expected an integer >= 0$",
    ),
    "fraction for a count": (
        params_change("evaluate", "n_generated", value=2.5),
        r"evaluate\.n_generated is 2\.5; expected an integer >= 1$",
    ),
    "zero test rectangles": (
        params_change("dataset", "n_test", value=0),
        r"dataset\.n_test is 0; expected an integer >= 1$",
    ),
    "width outside (0, 1)": (
        params_change("gallery", "primed_widths", value=[0.5, 1.5]),
        r"gallery\.primed_widths is \[0\.5, 1\.5\]; expected a non-empty list of numbers > 0",
    ),
    "unknown head": (
        params_change("variants", "mixture", "model", "head", value="gmm"),
        r"mixture\.model\.head is the string 'gmm'; "
        r"expected one of point, mixture, categorical$",
    ),
    "checkpoints out of order": (
        params_change("variants", "book", "train", "checkpoints", value=[300, 100]),
        r"variants\.book\.train\.checkpoints is \[300, 100\]; expected strictly increasing",
    ),
    "checkpoint after the last update": (
        params_change("variants", "book", "train", "checkpoints", value=[100, 301]),
        r"checkpoints is \[100, 301\]; expected update counts <= dataset\.n_train x",
    ),
    "mixture section without a mixture head": (
        params_change("variants", "book", "model", "mixture", value={"n_components": 2}),
        r"missing key variants\.book\.model\.mixture\.support$",
    ),
    "infinite learning rate": (
        params_change("variants", "mixture", "train", "learning_rate", value=float("inf")),
        r"variants\.mixture\.train\.learning_rate is inf; expected a number > 0$",
    ),
    "nothing for a count": (
        params_change("variants", "book", "train", "passes", value=None),
        r"variants\.book\.train\.passes is nothing; expected an integer >= 1$",
    ),
    "more rectangles than memory": (
        params_change("dataset", "n_train", value=10**12),
        r"dataset\.n_train is 1000000000000; expected a count whose arrays fit in memory",
    ),
}


def error_lines(result) -> list[str]:
    return [
        line for line in (result.stdout + result.stderr).splitlines() if "error" in line.lower()
    ]


@pytest.mark.parametrize("case", CHECKED, ids=list(CHECKED))
def test_dvc_repro_stops_a_bad_params_file_before_any_output_changes(
    case, project, small_params_raw
):
    breakage, expected = CHECKED[case]
    params = copy.deepcopy(small_params_raw)
    breakage(project, params)
    write_params(project, params)
    before = file_hashes(project)

    result = run(["dvc", "repro"], project, check=False)

    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(ours) == 1, result.stderr
    assert re.search(expected, ours[0]), ours[0]
    assert "Traceback" not in result.stderr
    # The check is the only stage that ran; DVC's own last line names it.
    assert re.findall(r"Running stage '([^']+)'", result.stdout) == ["check_params"]
    assert file_hashes(project) == before
    assert run(["git", "status", "--porcelain"], project).stdout == " M params.yaml\n"


@pytest.mark.parametrize(
    ("stage", "case"),
    [("train@mixture", "unknown head"), ("gallery@book", "typo beside the real key")],
)
def test_dvc_repro_of_one_stage_runs_the_check_first(stage, case, project, small_params_raw):
    breakage, expected = CHECKED[case]
    params = copy.deepcopy(small_params_raw)
    breakage(project, params)
    write_params(project, params)
    before = file_hashes(project)

    result = run(["dvc", "repro", stage], project, check=False)

    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(ours) == 1 and re.search(expected, ours[0]), result.stderr
    assert re.findall(r"Running stage '([^']+)'", result.stdout) == ["check_params"]
    assert file_hashes(project) == before


# Mistakes that DVC finds itself while it reads params.yaml for dvc.yaml (`foreach:
# ${variants}`), before it can run any stage: its own message, and nothing touched.
BY_DVC = {
    "not YAML": ("dataset: [1, 2\n", r"ERROR: unable to read: 'params\.yaml'"),
    "a key twice": (None, r"found duplicate key \"n_train\""),
    "variants not a mapping": (
        "variants: 5\n",
        r"ERROR: failed to resolve 'stages\.train\.foreach'",
    ),
}


@pytest.mark.parametrize("case", BY_DVC, ids=list(BY_DVC))
def test_params_that_dvc_cannot_read_stop_before_any_stage(case, project, repo_root):
    text, expected = BY_DVC[case]
    if text is None:
        text = (
            (project / "params.yaml")
            .read_text()
            .replace("  n_train: 300\n", "  n_train: 300\n  n_train: 400\n")
        )
    (project / "params.yaml").write_text(text)
    before = file_hashes(project)

    result = run(["dvc", "repro"], project, check=False)

    assert result.returncode != 0
    assert re.search(expected, result.stderr), result.stderr
    assert "Running stage" not in result.stdout
    assert file_hashes(project) == before


# `dvc exp run -S key=value` edits params.yaml, then reproduces in the workspace.
EXPERIMENTS = {
    "zero test rectangles": (
        "dataset.n_test=0",
        r"error: params\.yaml: dataset\.n_test is 0; expected an integer >= 1$",
    ),
    "appended unknown key": (
        "+dataset.n_trian=100",
        r"error: params\.yaml: dataset\.n_trian: unknown key; did you mean dataset\.n_train\?$",
    ),
    "boolean for the resolution": (
        "gallery.dpi=true",
        r"error: params\.yaml: gallery\.dpi is the boolean true; expected an integer >= 10$",
    ),
    "negative learning rate": (
        "variants.mixture.train.learning_rate=-0.5",
        r"learning_rate is -0\.5; expected a number > 0$",
    ),
    "shapes per update not dividing the shapes": (
        "variants.families.train.shapes_per_update=7",
        r"shapes_per_update is 7; expected a divisor of shapes\.n_train \(300\)",
    ),
    "a rectangles head on the shapes": (
        "variants.families_conditional.model.head=mixture",
        r"families_conditional\.data is the string 'shapes'; expected rectangles for head: mix",
    ),
    # DVC refuses a key that is not in params.yaml unless it is appended with `+`.
    "unknown key, not appended": (
        "dataset.n_trian=100",
        r"ERROR: Invalid `--set-param` value: Could not override 'dataset\.n_trian'",
    ),
}


@pytest.mark.parametrize("case", EXPERIMENTS, ids=list(EXPERIMENTS))
def test_dvc_exp_run_stops_a_bad_param_before_any_output_changes(case, project):
    setting, expected = EXPERIMENTS[case]
    before = file_hashes(project)

    result = run(["dvc", "exp", "run", "-S", setting], project, check=False)

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert [line for line in lines if re.search(expected, line)], result.stderr
    assert len([line for line in lines if line.startswith("error: ")]) <= 1
    assert "Traceback" not in result.stderr
    assert file_hashes(project) == before
    assert run(["dvc", "exp", "list"], project).stdout.strip() == ""  # no experiment saved


def stages_run(result) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", result.stdout))


@pytest.mark.parametrize(
    ("keys", "value", "expected"),
    [
        (
            ("gallery", "dpi"),
            90,
            # report: the docs' pictures are the gallery's.
            {"check_params", "dataset_gallery", "compare_framings", "gallery@", "report"},
        ),
        # report: the docs' figures are the metrics'.
        (("evaluate", "seed"), 5, {"check_params", "evaluate@", "report"}),
    ],
    ids=["gallery.dpi", "evaluate.seed"],
)
def test_a_valid_change_reruns_only_the_stages_that_use_it(
    project, small_params_raw, keys, value, expected
):
    params = copy.deepcopy(small_params_raw)
    params_change(*keys, value=value)(project, params)
    write_params(project, params)
    result = run(["dvc", "repro"], project)
    # A name ending in @: that stage for every variant.
    variants = small_params_raw["variants"]
    expected = {
        f"{name}{variant}"
        for name in expected
        for variant in (variants if name.endswith("@") else [""])
    }
    assert stages_run(result) == expected
    assert "up to date" in run(["dvc", "status"], project).stdout


def test_an_unchanged_params_file_runs_nothing(project):
    # The check's output has the same bytes for every valid file: nothing downstream reruns.
    result = run(["dvc", "repro"], project)
    assert stages_run(result) == set()


def test_after_a_failed_stage_git_and_dvc_checkout_restore_every_output(project, small_params_raw):
    # Valid params on which training fails: DVC has deleted the train stage's outputs
    # before running it. The README's Troubleshooting recovery restores them.
    before = file_hashes(project)
    params = copy.deepcopy(small_params_raw)
    params["variants"]["book"]["train"]["learning_rate"] = 1.0e38
    write_params(project, params)
    assert yaml.safe_load((project / "params.yaml").read_text())  # valid YAML

    result = run(["dvc", "repro"], project, check=False)
    assert result.returncode != 0
    assert re.search(r"^error: training diverged", result.stderr, re.MULTILINE), result.stderr
    assert not (project / "data/models/book/model.keras").exists()

    # The check stage passed and recorded the new params in dvc.lock; the train stage's
    # loss curve, kept in git, is gone with the model: restore them from git.
    assert run(["git", "status", "--porcelain"], project).stdout.splitlines() == [
        " D data/plots/book/train_loss.tsv",
        " M dvc.lock",
        " M params.yaml",
    ]
    run(["git", "checkout", "params.yaml", "dvc.lock", "data/"], project)
    run(["dvc", "checkout"], project)
    assert file_hashes(project) == before
    assert "up to date" in run(["dvc", "status"], project).stdout
    assert run(["git", "status", "--porcelain"], project).stdout == ""
