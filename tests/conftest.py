"""Shared fixtures: the repository root and small, fast params."""

import copy
import importlib.util
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository this test suite belongs to."""
    return ROOT


@pytest.fixture(scope="session")
def default_params_raw() -> dict:
    """params.yaml as committed, parsed but not validated."""
    return yaml.safe_load((ROOT / "params.yaml").read_text())


@pytest.fixture(scope="session")
def small_params_raw(default_params_raw) -> dict:
    """The committed params scaled down so a whole pipeline runs in seconds (copy to change)."""
    raw = copy.deepcopy(default_params_raw)
    raw["dataset"].update(n_train=300, n_test=200)
    raw["shapes"].update(n_train=300, n_test=200)
    raw["evaluate"]["n_generated"] = 500
    # The learning curve's checkpoints scored like the final model: the last row equals it.
    raw["evaluate"].update(shapes_n_generated=500, shapes_curve_n=500)
    raw["gallery"].update(train_grid_rows=2, train_grid_cols=3)
    for variant in raw["variants"].values():
        variant["train"].update(checkpoints=[100, 300], loss_window=50, loss_log_every=10)
        if variant["data"] == "shapes":
            variant["model"]["units"] = 8
            variant["model"]["categorical"].update(bins=21, embedding_units=4, hidden_units=8)
            variant["train"].update(passes=1, shapes_per_update=1)
    return raw


def load_tool(name: str):
    """The script tools/<name>.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
