"""A project reproduced once per test session, for tests that go through DVC to copy."""

from pathlib import Path

import pytest

from .project import commit_all, copy_project, init_repository, run


@pytest.fixture(scope="session")
def reproduced_project(tmp_path_factory, repo_root, small_params_raw) -> Path:
    """The project with small params in git + DVC, `dvc repro` run and committed.

    Shared: a test that changes anything copies it first (shutil.copytree).
    """
    repo = copy_project(
        repo_root, tmp_path_factory.mktemp("reproduced") / "project", small_params_raw
    )
    init_repository(repo)
    run(["dvc", "repro"], repo)
    commit_all(repo, "reproduced")
    return repo
