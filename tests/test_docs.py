"""What the README and docs/ must be: short, current, linked, quoting the real messages."""

import re
from pathlib import Path

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


def test_the_readme_quotes_the_messages_the_code_prints(repo_root, default_params_raw, tmp_path):
    """Each message in the README's table is the line the stage or the command prints on
    stderr, its `error: ` prefix included, run as a user runs them."""
    import copy
    import os
    import subprocess
    import sys

    import yaml

    from shapegen.files.keras_archive import save_model

    from .small_models import small_categorical_model

    def stderr_of(folder, *command) -> str:
        environment = {**os.environ, "PYTHONPATH": str(repo_root / "src")}
        result = subprocess.run(
            command, cwd=folder, env=environment, capture_output=True, text=True, check=False
        )
        assert result.returncode == 2, result.stderr
        return result.stderr.strip()

    def check_params_with(name, params) -> str:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "params.yaml").write_text(yaml.safe_dump(params))
        script = repo_root / "pipeline" / "check_params.py"
        return stderr_of(folder, sys.executable, str(script))

    typo = copy.deepcopy(default_params_raw)
    typo["dataset"]["n_trian"] = typo["dataset"].pop("n_train")
    many = copy.deepcopy(default_params_raw)
    many["dataset"]["n_train"] = "many"
    untrained = tmp_path / "untrained"
    (untrained / "data" / "models" / "mixture").mkdir(parents=True)
    project = tmp_path / "project"
    model = project / "data" / "models" / "families_conditional" / "model.keras"
    save_model(small_categorical_model(conditional=True), model)
    command = Path(sys.executable).parent / "shapegen"
    printed = [
        check_params_with("typo", typo),
        check_params_with("many", many),
        stderr_of(untrained, str(command), "sample", "mixture"),
        stderr_of(project, str(command), "sample", "families_conditional"),
    ]
    quoted = readme_messages(repo_root)
    for line in printed:
        assert line in quoted, f"README does not quote, as printed: {line}"
    assert re.fullmatch(
        r"error: training diverged: the loss is not finite at update N of M .*", quoted[-1]
    )


def test_every_source_path_a_doc_names_is_there(repo_root):
    # Module paths are written from the project folder (src/shapegen/...), as a user types
    # them; a module named within its folder's own context (`config/params.py`) is not a path.
    roots = ("src/", "tests/", "pipeline/", "tools/", "benchmarks/")
    for path in docs(repo_root):
        for name in re.findall(r"`([\w./-]+\.py)`", path.read_text()):
            assert not name.startswith("shapegen/"), f"{path.name}: write src/{name}"
            if name.startswith(roots):
                assert (repo_root / name).is_file(), f"{path.name}: {name} is not there"


def test_the_readmes_commands_write_nothing_into_the_repository(repo_root):
    import subprocess

    outputs = re.findall(r"--png (\S+)", (repo_root / "README.md").read_text())
    assert outputs
    for output in outputs:
        path = Path(output)
        if path.is_absolute() and not path.is_relative_to(repo_root):
            continue
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", output], cwd=repo_root, check=False
        ).returncode
        assert ignored == 0, f"README: `--png {output}` writes into the repository"


def test_every_picture_the_report_copies_is_shown_by_a_doc(repo_root):
    from shapegen.reporting.contents import PICTURES

    shown = " ".join(path.read_text() for path in docs(repo_root))
    for name in PICTURES:
        assert f"images/{name})" in shown, f"docs/images/{name} is shown by no document"


GLOSSARY_TERMS = ("W1", "TV", "framing", "primed", "floor", "teacher-forced", "recognis")


def test_the_readme_points_at_the_glossary_before_it_uses_a_term(repo_root):
    readme = (repo_root / "README.md").read_text()
    glossary = (repo_root / "docs" / "glossary.md").read_text()
    pointer = readme.index("The field's words")
    assert "(docs/glossary.md)" in readme[pointer : pointer + 200]
    for term in GLOSSARY_TERMS:
        first = re.search(rf"\b{re.escape(term)}", readme)
        assert first is None or first.start() >= pointer, f"README uses {term} before the glossary"
        assert re.search(rf"^\*\*{re.escape(term)}", glossary, flags=re.MULTILINE | re.IGNORECASE)


def test_the_layout_names_every_benchmark_no_make_target_runs(repo_root):
    readme = (repo_root / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    makefile = (repo_root / "Makefile").read_text()
    for script in sorted((repo_root / "benchmarks").glob("*.py")):
        run_by_make = f"benchmarks/{script.name}" in makefile
        assert run_by_make or script.name in layout, f"README's Layout omits {script.name}"
