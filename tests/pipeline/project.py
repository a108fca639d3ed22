"""Helpers for tests that run the stage scripts and DVC in a copy of the project."""

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

COPIED = ("src", "pipeline", "dvc.yaml", ".dvcignore", "README.md", "docs")
# The plot templates dvc.yaml names, the page `dvc plots show` fills, and the config that
# names that page; `dvc init` makes .dvc/, so they are copied after it.
TEMPLATES = Path(".dvc/plots")
DVC_CONFIG = Path(".dvc/config")
ROOT = Path(__file__).resolve().parents[2]


def run(
    command: list[str], cwd: Path, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run a command with this interpreter's environment first on PATH (and `env` added)."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DVC_NO_ANALYTICS": "1",
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        **(env or {}),
    }
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def write_params(repo: Path, raw: dict) -> None:
    (repo / "params.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))


def copy_project(repo_root: Path, destination: Path, params: dict) -> Path:
    """The project's code and pipeline in `destination`, with the given params."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = repo_root / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, destination / name)
    write_params(destination, params)
    return destination


def file_hashes(repo: Path) -> dict[str, str]:
    """sha256 of every file under the project's data/ folder."""
    return {
        str(path.relative_to(repo)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((repo / "data").rglob("*"))
        if path.is_file()
    }


def init_repository(repo: Path) -> None:
    """`git init`, `dvc init` and a first commit, as a user starts a project."""
    run(["git", "init", "-q"], repo)
    run(["dvc", "init", "-q"], repo)
    shutil.copytree(ROOT / TEMPLATES, repo / TEMPLATES)
    shutil.copy(ROOT / DVC_CONFIG, repo / DVC_CONFIG)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "project"], repo)


def commit_all(repo: Path, message: str) -> None:
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", message], repo)


# Edits of a params mapping, applied as edit(repo, params): the breakages of the
# bad-input and params-check tests.
def params_change(*keys: str, value) -> Callable:
    def change(repo: Path, params: dict) -> None:
        section = params
        for key in keys[:-1]:
            section = section[key]
        section[keys[-1]] = value

    return change


def params_delete(*keys: str) -> Callable:
    def delete(repo: Path, params: dict) -> None:
        section = params
        for key in keys[:-1]:
            section = section[key]
        del section[keys[-1]]

    return delete
