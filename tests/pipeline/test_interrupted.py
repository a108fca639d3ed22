"""A stage killed while it writes leaves the previous output, and the next run recovers."""

import copy
import signal
import subprocess
import sys
import time
from pathlib import Path

from shapegen.data.rectangles_h5 import read_dataset

from .project import copy_project, run, write_params

DATASET = Path("data/rectangles.h5")
LEFTOVERS = ".rectangles.h5.*.shapegen-tmp*"  # shapegen.files.writing' temporary names


def test_a_stage_killed_mid_write_leaves_no_half_written_output(
    tmp_path, repo_root, small_params_raw
):
    repo = copy_project(repo_root, tmp_path, small_params_raw)
    run([sys.executable, "pipeline/dataset.py"], repo)
    previous = (repo / DATASET).read_bytes()

    # A large dataset takes long enough to write that the kill lands mid-write.
    big = copy.deepcopy(small_params_raw)
    big["dataset"]["n_train"] = 10_000_000
    write_params(repo, big)
    process = subprocess.Popen([sys.executable, "pipeline/dataset.py"], cwd=repo)
    deadline = time.monotonic() + 60
    temporary = []
    while time.monotonic() < deadline and process.poll() is None:
        temporary = [p for p in (repo / "data").glob(LEFTOVERS) if p.stat().st_size]
        if temporary and temporary[0].stat().st_size > 10_000_000:
            break
        time.sleep(0.002)
    assert process.poll() is None, "the stage finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert temporary, "the stage never started writing"
    assert (repo / DATASET).read_bytes() == previous  # the old output, untouched

    write_params(repo, small_params_raw)
    run([sys.executable, "pipeline/dataset.py"], repo)
    assert (repo / DATASET).read_bytes() == previous
    assert not list((repo / "data").glob(LEFTOVERS))  # the leftover is gone
    assert read_dataset(repo / DATASET).train.shape == (300, 4, 2)
