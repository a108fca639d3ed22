import pytest

from shapegen.evaluation.drift import changed_metrics, drift_lines, seed_spread

DIFF = {
    "data/metrics/families.json": {
        "invalid_fraction": {"old": 0.0081, "new": 0.0085, "diff": 0.0004},
        "heldout_nll": {"old": 13.885, "new": 13.885, "diff": 0.0},
    },
    "data/metrics/book.json": {"width_w1": {"old": 0.25, "new": 0.26, "diff": 0.01}},
}


def test_seed_spread_is_the_sample_standard_deviation():
    assert seed_spread([1.0, 2.0, 3.0]) == pytest.approx(1.0)
    assert seed_spread([1.0]) is None


def test_changed_metrics_leaves_out_the_unchanged_in_file_order():
    assert changed_metrics(DIFF) == [
        ("data/metrics/book.json", "width_w1", 0.25, 0.26),
        ("data/metrics/families.json", "invalid_fraction", 0.0081, 0.0085),
    ]


def test_a_metric_is_measured_against_its_seed_spread_where_there_is_one():
    spreads = {"families": {"invalid_fraction": [0.0080, 0.0090, 0.0100]}}
    lines = drift_lines(changed_metrics(DIFF), spreads)
    assert lines[0] == "book width_w1: 0.25 -> 0.26 (+0.01)"
    assert lines[1] == (
        "families invalid_fraction: 0.0081 -> 0.0085 (+0.0004), "
        "0.40 x the sd across weight seeds (make seeds), 0.001"
    )


def test_a_metric_added_or_removed_is_named_without_arithmetic():
    added = {"data/metrics/mixture.json": {"width_w1": {"old": None, "new": 0.004}}}
    assert drift_lines(changed_metrics(added), {}) == ["mixture width_w1: None -> 0.004"]
