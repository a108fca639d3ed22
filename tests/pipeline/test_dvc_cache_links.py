"""With DVC's symlink cache an output in the workspace is a link into the cache: a stage
replaces it (as DVC does) and never writes through it into the cache."""

import copy
import hashlib
import sys

from .project import copy_project, run, write_params


def test_a_symlink_cache_keeps_its_files_when_stages_rerun(tmp_path, repo_root, small_params_raw):
    repo = copy_project(repo_root, tmp_path, small_params_raw)
    run(["git", "init", "-q"], repo)
    run([sys.executable, "-m", "dvc", "init", "-q"], repo)
    run([sys.executable, "-m", "dvc", "config", "cache.type", "symlink"], repo)
    run([sys.executable, "-m", "dvc", "repro", "check_params", "dataset"], repo)
    linked = [repo / "data" / "params_checked.txt", repo / "data" / "rectangles.h5"]
    assert all(path.is_symlink() for path in linked)
    cached = {path.resolve(): hashlib.md5(path.read_bytes()).hexdigest() for path in linked}

    changed = copy.deepcopy(small_params_raw)
    changed["dataset"]["seed"] += 1
    write_params(repo, changed)
    run([sys.executable, "-m", "dvc", "repro", "check_params", "dataset"], repo)

    # The cache's files are as they were: each still hashes to its own name.
    for path, digest in cached.items():
        assert hashlib.md5(path.read_bytes()).hexdigest() == digest
        assert path.parent.name + path.name == digest
