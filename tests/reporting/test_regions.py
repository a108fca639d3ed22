"""The generated regions of the README and docs, and what the docs may not say."""

import json
import re

import pytest

from shapegen.reporting.regions import markdown_table, region_names, replace_regions
from shapegen.reporting.results import write_seed_results

DOC = """# title
<!-- generated: one -->
old
<!-- /generated: one -->
text between
<!-- generated: two -->
<!-- /generated: two -->
"""


def test_a_region_is_replaced_and_the_rest_kept():
    new = replace_regions(DOC, {"one": "new\nlines\n"})
    assert "old" not in new
    assert "<!-- generated: one -->\nnew\nlines\n<!-- /generated: one -->" in new
    assert new.replace("new\nlines", "old") == DOC
    assert replace_regions(new, {"one": "old"}) == DOC  # and back


def test_an_empty_region_takes_content_and_others_stay():
    new = replace_regions(DOC, {"two": "filled"})
    assert "<!-- generated: two -->\nfilled\n<!-- /generated: two -->" in new
    assert "\nold\n" in new
    assert region_names(new) == ["one", "two"]


def test_a_missing_region_is_an_error_not_a_silent_skip():
    with pytest.raises(ValueError, match="no generated region named three"):
        replace_regions(DOC, {"three": "x"})


def test_markdown_tables_have_one_row_per_item():
    assert markdown_table(("a", "b"), [[1, 2], ["x", None]]).splitlines() == [
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "| x | None |",
    ]


def test_the_readme_is_short(repo_root):
    assert len((repo_root / "README.md").read_text().splitlines()) <= 250


def docs(repo_root):
    return [repo_root / "README.md", *sorted((repo_root / "docs").glob("*.md"))]


def test_no_doc_speaks_of_issue_numbers(repo_root):
    for path in docs(repo_root):
        found = re.findall(r"\bissues? \d+", path.read_text(), flags=re.IGNORECASE)
        assert not found, f"{path.name} mentions {found}"


def test_the_readme_has_the_regions_the_report_fills(repo_root):
    assert region_names((repo_root / "README.md").read_text()) == [
        "variants",
        "repro",
        "sample",
        "info",
        "results",
        "tests",
    ]


def test_every_doc_link_points_at_a_file(repo_root):
    for path in docs(repo_root):
        for target in re.findall(r"\]\(([^)#]+)\)", path.read_text()):
            if "://" not in target:
                assert (path.parent / target).exists(), f"{path.name} links to {target}"


def readme_messages(repo_root) -> list[str]:
    """The messages quoted in the README's Troubleshooting table."""
    text = (repo_root / "README.md").read_text()
    section = text[text.index("## Troubleshooting") : text.index("## Layout")]
    return [
        match.strip()
        for match in re.findall(r"^\| `+ ?(.+?) ?`+ \|", section, flags=re.MULTILINE)
        if match != "message"
    ]


def test_the_readme_quotes_the_messages_the_code_gives(repo_root, default_params_raw, tmp_path):
    import copy
    import os

    from shapegen.config.validation import parse_params
    from shapegen.errors import InputError
    from shapegen.sampling.loading import load_generator

    from ..models import generator_of, small_categorical_model

    def message(call) -> str:
        with pytest.raises((InputError, ValueError)) as raised:
            call()
        return str(raised.value)

    typo = copy.deepcopy(default_params_raw)
    typo["dataset"]["n_trian"] = typo["dataset"].pop("n_train")
    many = copy.deepcopy(default_params_raw)
    many["dataset"]["n_train"] = "many"
    project = tmp_path / "project"
    (project / "data" / "models" / "mixture").mkdir(parents=True)
    conditional = generator_of(small_categorical_model(conditional=True), tmp_path)
    conditional = type(conditional)(conditional.network, name="families_conditional")
    here = os.getcwd()
    os.chdir(project)
    try:
        missing = message(lambda: load_generator("mixture"))
    finally:
        os.chdir(here)
    actual = [
        message(lambda: parse_params(typo)),
        message(lambda: parse_params(many)),
        missing,
        message(lambda: conditional.check_family(None, 1, "--family")),
    ]
    quoted = readme_messages(repo_root)
    for text in actual:
        assert any(text.endswith(line) for line in quoted), f"README does not quote: {text}"
    assert re.search(r"training diverged: the loss is not finite at update N of M", quoted[-1])


def test_a_figure_that_could_not_be_measured_misses_its_target():
    from shapegen.evaluation.targets import shapes_misses, shapes_summary
    from shapegen.reporting.results import shapes_results

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
