"""End to end: the real dvc.yaml and stage scripts in a fresh git + DVC repository."""

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from shapegen.evaluation.scoring import (
    HEADLINE_METRICS,
    LEARNING_CURVE_COLUMNS,
    SHAPES_LEARNING_CURVE_COLUMNS,
)

from .project import file_hashes, run, write_params


@pytest.fixture(scope="module")
def repo(tmp_path_factory, reproduced_project) -> Path:
    """A copy of the reproduced and committed project, for this module to change."""
    repo = tmp_path_factory.mktemp("dvc_pipeline") / "project"
    shutil.copytree(reproduced_project, repo, symlinks=True)
    return repo


def test_repro_writes_the_playground_page_with_every_variant(repo, small_params_raw):
    from shapegen.playground.export import MODELS_FILE, PAGE_FILES

    from ..playground.conftest import payload_of

    folder = repo / "data/playground"
    page = Path(__file__).resolve().parents[2] / "src/shapegen/playground/page"
    for name in PAGE_FILES:
        assert (folder / name).read_bytes() == (page / name).read_bytes(), name
    payload = payload_of((folder / MODELS_FILE).read_text())
    assert list(payload["models"]) == list(small_params_raw["variants"])
    for name, entry in payload["models"].items():
        assert entry["data"] == small_params_raw["variants"][name]["data"], name


def test_the_pages_forward_pass_equals_numpys_for_every_trained_variant(repo, small_params_raw):
    """The page's script in Node on the weights the stage wrote, against numpy on the
    models the train stage saved: teacher-forced outputs at every step, within 1e-5."""
    import numpy as np

    from shapegen.data.families import FAMILIES, draw_shapes
    from shapegen.data.rectangles import random_rectangles
    from shapegen.playground.export import MODELS_FILE
    from shapegen.sampling.loading import load_generator

    from ..playground.conftest import payload_of
    from ..playground.test_page_script import (
        assert_rectangles_outputs_match,
        assert_shapes_logits_match,
    )

    payload = payload_of((repo / "data/playground" / MODELS_FILE).read_text())
    batch = draw_shapes(np.random.default_rng(0), 6, np.ones(len(FAMILIES)))
    rectangles = random_rectangles(np.random.default_rng(1), 6)
    for variant, params in small_params_raw["variants"].items():
        generator = load_generator(repo / f"data/models/{variant}/model.keras")
        if params["data"] == "rectangles":
            assert_rectangles_outputs_match(payload, generator, variant, rectangles)
        else:
            assert_shapes_logits_match(payload, generator.network, variant, batch)


def test_repro_leaves_every_output(repo, small_params_raw):
    variants = small_params_raw["variants"]
    assert (repo / "data/rectangles.h5").is_file()
    assert (repo / "data/gallery/training_rectangles.png").is_file()
    assert (repo / "data/shapes.h5").is_file()
    assert (repo / "data/gallery/training_shapes.png").is_file()
    assert (repo / "data/gallery/framings_rotated_rectangles.png").is_file()
    for variant, params in variants.items():
        assert (repo / f"data/models/{variant}/model.keras").is_file()
        for updates in params["train"]["checkpoints"]:
            assert (
                repo / f"data/models/{variant}/checkpoints/updates_{updates:08d}.keras"
            ).is_file()
        figures = sorted(path.name for path in (repo / f"data/gallery/{variant}").glob("*.png"))
        assert (repo / f"data/plots/{variant}/train_loss.tsv").read_text().startswith("updates\t")
        curve = (repo / f"data/plots/{variant}/learning_curve.tsv").read_text().splitlines()
        assert len(curve) == 1 + len(params["train"]["checkpoints"])
        metrics = json.loads((repo / f"data/metrics/details/{variant}.json").read_text())
        headline = json.loads((repo / f"data/metrics/{variant}.json").read_text())
        assert list(headline) == [
            name for name in HEADLINE_METRICS[params["data"]] if name in metrics
        ], variant
        assert all(headline[name] == metrics[name] for name in headline), variant
        if params["data"] == "shapes":
            assert figures == ["checkpoints.png", "primed.png", "samples.png"]
            assert curve[0].split("\t") == list(SHAPES_LEARNING_CURVE_COLUMNS)
            n_train = small_params_raw["shapes"]["n_train"]
            assert metrics["train_updates"] == n_train * params["train"]["passes"]
            for key in ("heldout_nll", "invalid_fraction", "family_tv", "family_tv_floor"):
                assert isinstance(metrics[key], float), key
            conditional = params["model"]["categorical"]["conditional"]
            assert ("conditional_accuracy" in metrics) == conditional
            # The last checkpoint is the final model: scored on as many shapes (here
            # shapes_curve_n = shapes_n_generated, and the test split is smaller), its
            # learning-curve row is the final metrics.
            last = params["train"]["checkpoints"][-1]
            assert last == metrics["train_updates"]
            models = repo / f"data/models/{variant}"
            final_bytes = (models / "model.keras").read_bytes()
            assert (models / f"checkpoints/updates_{last:08d}.keras").read_bytes() == final_bytes
            row = dict(zip(curve[0].split("\t"), curve[-1].split("\t"), strict=True))
            for key in SHAPES_LEARNING_CURVE_COLUMNS:
                assert row[key] == format(metrics[key], ".7g"), key  # as write_tsv writes it
            continue
        assert figures == [
            "checkpoints.png",
            "generated_vs_nearest.png",
            "primed.png",
            "samples.png",
            "size_histograms.png",
            "temperature_strip.png",
        ]
        for key in (*LEARNING_CURVE_COLUMNS[1:], "heldout_mae_floor", "width_w1_floor"):
            assert isinstance(metrics[key], float), key
        assert len(metrics["heldout_mae_by_step"]) == 3
        n_train = small_params_raw["dataset"]["n_train"]
        assert metrics["train_updates"] == n_train * params["train"]["passes"]
        assert isinstance(metrics["primed_width_error_max"], float)
        assert ("heldout_nll" in metrics) == (params["model"]["head"] == "mixture")


def test_a_forced_repro_gives_identical_files_and_leaves_git_clean(repo):
    # Every output, models included, is byte-stable: dvc.lock does not change, and the
    # CI check `dvc repro && git diff --exit-code dvc.lock` can pass.
    before = file_hashes(repo)
    assert any(name.endswith(".keras") for name in before)
    run(["dvc", "repro", "--force"], repo)
    assert file_hashes(repo) == before
    assert run(["git", "status", "--porcelain"], repo).stdout == ""


def test_metrics_are_declared_to_dvc(repo):
    shown = json.loads(run(["dvc", "metrics", "show", "--json"], repo).stdout)
    flat = json.dumps(shown)
    assert "heldout_mae" in flat and "width_w1" in flat


def test_a_second_repro_runs_nothing(repo):
    result = run(["dvc", "repro"], repo)
    assert "Running stage" not in result.stdout
    assert "up to date" in run(["dvc", "status"], repo).stdout


def test_a_changed_param_shows_in_params_diff(repo, small_params_raw):
    changed = json.loads(json.dumps(small_params_raw))
    changed["variants"]["book"]["train"]["learning_rate"] = 2.0e-3
    write_params(repo, changed)
    diff = run(["dvc", "params", "diff"], repo).stdout
    assert "variants.book.train.learning_rate" in diff
    assert "0.002" in diff
    assert "dataset.seed" not in diff
    write_params(repo, small_params_raw)


def test_exp_run_with_another_seed(repo, small_params_raw):
    before = json.loads((repo / "data/metrics/book.json").read_text())
    run(["dvc", "exp", "run", "-S", "dataset.seed=99"], repo)
    after = json.loads((repo / "data/metrics/book.json").read_text())
    assert yaml.safe_load((repo / "params.yaml").read_text())["dataset"]["seed"] == 99
    assert after["heldout_mae"] != before["heldout_mae"]
    assert "dataset.seed" in run(["dvc", "params", "diff"], repo).stdout


def test_a_bad_param_stops_the_stage_with_one_line(repo, small_params_raw):
    broken = json.loads(json.dumps(small_params_raw))
    del broken["dataset"]["n_test"]
    write_params(repo, broken)
    try:
        result = run([sys.executable, "pipeline/dataset.py"], repo, check=False)
    finally:
        write_params(repo, small_params_raw)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: params.yaml: missing key dataset.n_test"]
