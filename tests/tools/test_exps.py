"""`make exps`: the turned table of experiments, from `dvc exp show --json`'s shape."""

import pytest

from ..conftest import load_tool


@pytest.fixture(scope="module")
def exps():
    return load_tool("exps")


def data(seed: int, width_w1: float) -> dict:
    return {
        "params": {"params.yaml": {"data": {"evaluate": {"seed": seed}, "dataset": {"seed": 1}}}},
        "metrics": {"data/metrics/mixture.json": {"data": {"width_w1": width_w1}}},
    }


DOCUMENT = [
    {"rev": "workspace", "name": None, "data": data(3, 0.5), "experiments": None},
    {
        "rev": "a" * 40,
        "name": "main",
        "data": data(2, 0.004456),
        "experiments": [
            {
                "name": f"exp-{n}",
                "revs": [
                    {"rev": f"{n}" * 40, "name": f"exp-{n}", "data": data(2 + n, 0.004 + n / 1000)}
                ],
            }
            for n in range(1, 10)
        ],
    },
]


def test_a_column_per_experiment_a_row_per_changed_param_and_headline_metric(exps):
    shown = exps.table(exps.columns(DOCUMENT)).splitlines()
    assert max(len(line) for line in shown) <= exps.WIDTH
    assert shown[0].split() == ["main", *(f"exp-{n}" for n in range(1, exps.MAX_COLUMNS))]
    seed = next(line for line in shown if line.strip().startswith("evaluate.seed"))
    assert seed.split()[1:] == [str(2 + n) for n in range(exps.MAX_COLUMNS)]
    assert not any("dataset.seed" in line for line in shown)  # unchanged
    width = next(line for line in shown if line.strip().startswith("mixture width_w1"))
    assert width.split()[2] == "0.004456"
    assert shown[-1].startswith(f"and {10 - exps.MAX_COLUMNS} older experiments")
