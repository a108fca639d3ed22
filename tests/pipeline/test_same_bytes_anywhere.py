"""The train stage writes the same bytes whatever the machine lets it use: one core or
every core, and a user's own XLA settings (shapegen/numerics.py pins what would differ).

The default shapes models, trained for a few hundred updates: their 128- and 256-wide
layers are where the number of threads reached the rounding (a 10-unit LSTM hid it).
"""

import copy
import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

from .project import copy_project, run

UPDATES = 200
# name: (command prefix, environment added)
MACHINES = {
    "every core": ([], {}),
    "one core": (["taskset", "-c", "0"], {}),
    "a user's XLA_FLAGS and thread count": (
        [],
        {
            "XLA_FLAGS": "--xla_cpu_enable_fast_math=false --xla_cpu_max_isa=SSE4_2",
            "TF_NUM_INTRAOP_THREADS": "1",
        },
    ),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory, repo_root, default_params_raw) -> Path:
    raw = copy.deepcopy(default_params_raw)
    raw["shapes"].update(n_train=64 * UPDATES, n_test=200)
    for variant in raw["variants"].values():
        variant["train"].update(
            checkpoints=[UPDATES // 2, UPDATES], loss_window=50, loss_log_every=10
        )
    repo = copy_project(repo_root, tmp_path_factory.mktemp("anywhere") / "project", raw)
    for stage in ("check_params", "shapes"):
        run([sys.executable, f"pipeline/{stage}.py"], repo, env={"PYTHONPATH": "src"})
    return repo


def trained_bytes(repo: Path, variant: str, prefix: list[str], env: dict[str, str]) -> dict:
    """md5 of every file the train stage writes, run as DVC runs it but for `prefix`."""
    shutil.rmtree(repo / "data" / "models" / variant, ignore_errors=True)
    command = [*prefix, sys.executable, "pipeline/train.py", variant]
    run(command, repo, env={"PYTHONPATH": "src", **env})
    written = [*(repo / "data" / "models" / variant).rglob("*.keras")]
    written.append(repo / "data" / "plots" / variant / "train_loss.tsv")
    return {
        str(path.relative_to(repo)): hashlib.md5(path.read_bytes()).hexdigest()
        for path in sorted(written)
    }


@pytest.mark.skipif(
    shutil.which("taskset") is None or len(os.sched_getaffinity(0)) < 2,
    reason="needs taskset and two cores to compare one core with several",
)
@pytest.mark.parametrize("variant", ["families_point", "families"])
def test_the_train_stage_writes_the_same_bytes_on_one_core_and_on_every_core(project, variant):
    written = {
        machine: trained_bytes(project, variant, prefix, env)
        for machine, (prefix, env) in MACHINES.items()
    }
    assert len(written["every core"]) == 4  # the model, its two checkpoints, the loss
    for machine, files in written.items():
        assert files == written["every core"], machine
