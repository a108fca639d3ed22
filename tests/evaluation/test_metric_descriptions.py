"""docs/metrics.md: every figure the evaluate stage writes is described, and nothing else."""

import json

from shapegen.config.validation import load_params
from shapegen.evaluation.metric_descriptions import (
    METRICS,
    flat_keys,
    metrics_reference,
    pattern_of,
)


def test_the_committed_reference_is_current(repo_root):
    assert (repo_root / "docs" / "metrics.md").read_text() == metrics_reference(), (
        "docs/metrics.md is stale: run `make docs`"
    )


def test_every_committed_figure_is_described_and_every_description_is_a_figure(repo_root):
    params = load_params(repo_root / "params.yaml")
    seen = {kind: set() for kind in METRICS}
    for name, variant in params.variants.items():
        details = json.loads((repo_root / "data/metrics/details" / f"{name}.json").read_text())
        keys = {pattern_of(key) for key in flat_keys(details)}
        assert keys <= set(METRICS[variant.data]), f"{name}: {keys - set(METRICS[variant.data])}"
        seen[variant.data] |= keys
    for kind, described in METRICS.items():
        assert seen[kind] == set(described), f"{kind}: {set(described) - seen[kind]}"


def test_keys_are_generalised_by_family_parameter_and_step():
    assert pattern_of("w1.regular_polygon.radius") == "w1.<family>.<parameter>"
    assert pattern_of("heldout_mae_by_step.br_to_tr") == "heldout_mae_by_step.<step>"
    assert pattern_of("invalid_fraction") == "invalid_fraction"
