"""The report stage: generated regions come from the outputs, and `dvc repro` undoes a
hand edit inside one while keeping the authors' text around them."""

import shutil

from shapegen.reporting.regions import region_names

from .project import run


def test_the_report_fills_every_region_from_the_outputs(reproduced_project):
    readme = (reproduced_project / "README.md").read_text()
    assert region_names(readme) == ["variants", "repro", "sample", "info", "results", "tests"]
    assert '$ shapegen sample mixture -n 3 --seed 3\n{"model": "mixture"' in readme
    accuracy = (
        "`requested.<family>.conditional_accuracy` "
        "(rectangle / rotated_rectangle / regular_polygon)"
    )
    assert f"| families_conditional | {accuracy} |" in readme
    shapes = (reproduced_project / "docs" / "shapes.md").read_text()
    assert "`families_point` (no memory)" in shapes
    images = reproduced_project / "docs" / "images"
    gallery = reproduced_project / "data" / "gallery"
    assert (images / "mixture_samples.png").read_bytes() == (
        gallery / "mixture" / "samples.png"
    ).read_bytes()


def test_a_hand_edit_inside_a_region_is_undone_and_one_outside_kept(reproduced_project, tmp_path):
    repo = tmp_path / "project"
    shutil.copytree(reproduced_project, repo, symlinks=True)
    readme = repo / "README.md"
    committed = readme.read_text()
    end = "<!-- /generated: results -->"
    readme.write_text(committed.replace(end, "a hand edit\n" + end) + "\nAn author's line.\n")
    result = run(["dvc", "repro"], repo)
    assert "Running stage 'report'" in result.stdout
    assert readme.read_text() == committed + "\nAn author's line.\n"
    assert "Data and pipelines are up to date." in run(["dvc", "status"], repo).stdout
