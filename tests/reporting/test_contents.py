"""What the generated regions say: from the figures given, and a line when a run is missing."""

from shapegen.config.validation import load_params
from shapegen.reporting.contents import (
    headline,
    mixture_doc_regions,
    repro_text,
    suite_times_text,
    variant_results,
)


def test_the_tests_line_gives_both_suites_in_minutes_and_the_machine():
    text = suite_times_text({"test_fast_seconds": 174.0, "test_seconds": 636.0, "machine": "a CPU"})
    assert text == (
        "`make test-fast` took 2.9 minutes and `make test` 10.6 on a CPU (`make time-tests`)."
    )
    assert "has not timed" in suite_times_text(None)


def test_the_repro_line_says_when_make_bench_has_not_run():
    assert repro_text(None, 201.4).startswith("`make bench` has not timed")
    timed = repro_text({"repro_seconds": 330.0, "machine": "a CPU"}, 201.4)
    assert "5.5 minutes on a CPU" in timed and "201 MB" in timed


def test_a_variants_rows_follow_its_head(repo_root):
    params = load_params(repo_root / "params.yaml")
    book = params.variants["book"]
    assert headline(book, {"width_w1": 0.2507}) == "width W1 0.251 (it draws the median)"
    rows = variant_results("book", book, {"width_w1": 0.2507})
    assert [row[1:4] for row in rows] == [["`width_w1`", "0.2507", "reported"]]


def test_the_mixture_doc_needs_a_rectangles_variant(repo_root):
    params = load_params(repo_root / "params.yaml")
    shapes_only = type(params)(
        **{**params.__dict__, "variants": {"families": params.variants["families"]}}
    )
    assert mixture_doc_regions(shapes_only, {"families": {}}) is None
