"""What the README and docs/ must be: short, current, linked, quoting the real messages."""

import re

import pytest

from shapegen.reporting.regions import region_names


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

    from .small_models import generator_of, small_categorical_model

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
