"""The results tables and the seed results file."""

import json

from shapegen.evaluation.targets import shapes_misses, shapes_summary
from shapegen.reporting.results import shapes_results, write_seed_results


def test_a_figure_that_could_not_be_measured_misses_its_target():

    metrics = {
        "heldout_nll": 20.0,
        "invalid_fraction": 1.0,
        "family_tv": 1.0,
        "sides_tv": None,  # no polygon drawn
        "w1": {"rectangle": {"width": None}},
        "fit_error_p95": {"rectangle": None},
    }
    rows = {row[1]: row for row in shapes_results("tiny", metrics)}
    assert rows["`sides_tv`"][2:] == ["-", "<= 0.025", "**missed**"]
    assert rows["largest `w1`"][4] == "**missed**"
    assert {"sides_tv", "w1", "fit_error_p95"} <= set(shapes_misses(shapes_summary(metrics)))


def test_seed_results_keep_each_variants_scalar_metrics_and_the_other_variants(tmp_path):
    path = tmp_path / "seeds.json"
    runs = [{"width_w1": 0.004, "by_step": {"a": 1.0}}, {"width_w1": 0.005, "by_step": {}}]
    write_seed_results(path, {"mixture": runs})
    write_seed_results(path, {"families": [{"invalid_fraction": 0.008}]})
    assert json.loads(path.read_text()) == {
        "families": {"invalid_fraction": [0.008]},
        "mixture": {"width_w1": [0.004, 0.005]},
    }
