"""The `shapegen` command, run as users run it: the installed console script."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from shapegen.files.keras_archive import save_model
from shapegen.model import build_model

from .small_models import small_categorical_model, small_mixture_model

SHAPEGEN = Path(sys.executable).parent / "shapegen"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A folder laid out as the pipeline leaves it: two trained variants and one's metrics."""
    folder = tmp_path_factory.mktemp("cli")
    save_model(small_mixture_model(seed=1), folder / "data/models/tiny/model.keras")
    save_model(build_model(5, 1.0e-3, seed=0), folder / "data/models/pointy/model.keras")
    metrics = folder / "data/metrics/tiny.json"
    metrics.parent.mkdir(parents=True)
    metrics.write_text(json.dumps({"heldout_mae": 0.25, "by_step": {"first": 0.5}}))
    return folder


def info_lines(stdout: str) -> dict[str, str]:
    """`shapegen info`'s output as {label: value}."""
    pairs = (re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in stdout.splitlines())
    return {pair[0]: pair[1] for pair in pairs}


def shapegen(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SHAPEGEN), *args], cwd=project, capture_output=True, text=True, check=False
    )


def test_the_same_arguments_print_the_same_bytes(project):
    first = shapegen(project, "sample", "tiny", "-n", "16", "--seed", "3")
    again = shapegen(project, "sample", "tiny", "-n", "16", "--seed", "3")
    other = shapegen(project, "sample", "tiny", "-n", "16", "--seed", "4")
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout != other.stdout
    document = json.loads(first.stdout)
    assert (document["model"], document["seed"], document["temperature"]) == ("tiny", 3, 1.0)
    assert len(document["shapes"]) == 16
    for shape in document["shapes"]:
        assert len(shape["points"]) == 4 and shape["points"][0] == [0.0, 0.0]
        assert all(0 <= value <= 1 for point in shape["points"] for value in point)


def test_given_points_are_kept_exactly_in_json_and_csv(project):
    args = ("sample", "tiny", "-n", "3", "--given", "0,0", "--given", "0.3,0")
    document = json.loads(shapegen(project, *args).stdout)
    assert all(shape["points"][:2] == [[0.0, 0.0], [0.3, 0.0]] for shape in document["shapes"])
    rows = shapegen(project, *args, "--format", "csv").stdout.splitlines()
    assert rows[0] == "shape,index,x,y" and len(rows) == 1 + 3 * 4
    assert rows[1:3] == ["0,0,0.0,0.0", "0,1,0.3,0.0"]
    points = [[float(row.split(",")[2]), float(row.split(",")[3])] for row in rows[1:5]]
    assert points == document["shapes"][0]["points"]


def test_csv_names_each_shapes_family_as_json_does(tmp_path):
    save_model(small_categorical_model(conditional=True, seed=2), tmp_path / "shapes.keras")
    args = ("sample", "shapes.keras", "-n", "5", "--family", "regular_polygon", "--seed", "1")
    document = json.loads(shapegen(tmp_path, *args).stdout)
    rows = shapegen(tmp_path, *args, "--format", "csv").stdout.splitlines()
    assert rows[0] == "shape,index,x,y,family"
    families = {int(row.split(",")[0]): row.split(",")[4] for row in rows[1:]}
    shapes = document["shapes"]
    # An untrained model may end a shape before its first point: no row to carry it.
    assert families == {i: shape["family"] for i, shape in enumerate(shapes) if shape["points"]}
    assert families
    counts = [sum(row.startswith(f"{i},") for row in rows[1:]) for i in range(5)]
    assert counts == [len(shape["points"]) for shape in document["shapes"]]


def test_a_path_to_a_model_file_works_from_anywhere(project, tmp_path):
    copy = tmp_path / "elsewhere.keras"
    shutil.copy(project / "data/models/pointy/model.keras", copy)
    result = shapegen(tmp_path, "sample", str(copy), "-n", "2")
    shapes = json.loads(result.stdout)["shapes"]
    assert shapes[0] == shapes[1]  # a point head is deterministic
    info = info_lines(shapegen(tmp_path, "info", str(copy)).stdout)
    assert info["variant"] == "none (a file outside this project's data/models)"
    assert info["framing"].startswith("point (the chapter")
    assert info["parameters"] == "172 (LSTM 5 units)"  # 4 x 5 x (2 + 5 + 1) + 5 x 2 + 2


def test_png_draws_the_shapes_byte_stable(project, tmp_path):
    for name in ("a.png", "b.png"):
        result = shapegen(project, "sample", "tiny", "-n", "5", "--png", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "a.png").read_bytes()[:8] == PNG_SIGNATURE
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_info_describes_the_model_and_its_metrics(project):
    result = shapegen(project, "info", "tiny")
    assert result.returncode == 0, result.stderr
    info = info_lines(result.stdout)
    assert info["model"] == "data/models/tiny/model.keras"
    assert info["variant"] == "tiny"
    assert info["framing"].startswith("sequence")
    assert info["head"].startswith("mixture of 2 Gaussians, truncated to the unit square")
    assert info["updates trained"] == "0"
    assert info["metrics"] == "data/metrics/tiny.json"
    assert (info["heldout_mae"], info["by_step.first"]) == ("0.25", "0.5")
    pointy = info_lines(shapegen(project, "info", "pointy").stdout)
    assert pointy["metrics"].startswith("not computed yet (data/metrics/pointy.json")


@pytest.mark.parametrize("command", [(), ("sample",), ("info",)])
def test_help_shows_an_example(project, command):
    result = shapegen(project, *command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: {' '.join(['shapegen', *command])}")
    assert ("examples:" in result.stdout) == bool(command)


BAD = {
    "unknown variant": (("sample", "tiney"), r"^error: tiney: no such model file, .*pointy, tiny$"),
    "missing file": (("sample", "gone.keras"), r"^error: gone\.keras: model file not found"),
    "not a model": (
        ("sample", "notes.keras"),
        r"^error: notes\.keras: not a zip archive .*; expected a model file",
    ),
    "n zero": (("sample", "tiny", "-n", "0"), r"^error: -n: 0 is not a number of shapes"),
    "n negative": (("sample", "tiny", "-n", "-3"), r"^error: -n: -3 is not a number of shapes"),
    "n not whole": (("sample", "tiny", "-n", "2.5"), r"^error: -n: '2\.5' is not a number"),
    "n too many": (("sample", "tiny", "-n", "10000001"), r"^error: -n: 10000001 shapes; expected"),
    "seed negative": (("sample", "tiny", "--seed", "-1"), r"^error: --seed: -1; expected"),
    "seed text": (("sample", "tiny", "--seed", "x"), r"^error: --seed: 'x' is not a number"),
    "temperature 0": (("sample", "tiny", "--temperature", "0"), r"^error: --temperature: 0\.0"),
    "temperature nan": (("sample", "tiny", "--temperature", "nan"), r"^error: --temperature: nan"),
    "temperature inf": (("sample", "tiny", "--temperature", "inf"), r"^error: --temperature: inf"),
    "temperature text": (
        ("sample", "tiny", "--temperature", "hot"),
        r"^error: --temperature: 'hot'",
    ),
    "given outside": (
        ("sample", "tiny", "--given", "0,0", "--given", "1.2,0"),
        r"^error: --given: point 2 \(1\.2, 0\.0\) lies outside the unit square",
    ),
    "given malformed": (("sample", "tiny", "--given", "0.3"), r"^error: --given: '0\.3' is not a"),
    "given three numbers": (("sample", "tiny", "--given", "0,0,0"), r"^error: --given: '0,0,0'"),
    "given too many": (
        ("sample", "tiny", *["--given", "0,0"] * 5),
        r"^error: --given: 5 points; this model may be given at most 4$",
    ),
    "png folder missing": (
        ("sample", "tiny", "--png", "no/such/folder/x.png"),
        r"^error: --png: no/such/folder/x\.png: folder no/such/folder does not exist",
    ),
    "png is a folder": (
        ("sample", "tiny", "--png", "data"),
        r"^error: --png: data: is a folder; expected a regular file",
    ),
    "bad format": (("sample", "tiny", "--format", "xml"), r"^error: shapegen sample: argument"),
    "no command": ((), r"^error: shapegen: the following arguments are required: COMMAND"),
    "unknown command": (("draw",), r"^error: shapegen: argument COMMAND: invalid choice"),
    "info of nothing": (("info", "nothing"), r"^error: nothing: no such model file"),
    "given away from the origin": (
        ("sample", "tiny", "--given", "0.5,0.5"),
        r"^error: --given: the first point is \(0\.5, 0\.5\); a rectangle of this model starts "
        r"at the origin .* expected 0,0 first$",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_argument_is_one_line_and_exit_status_2(project, case):
    (project / "notes.keras").write_text("my notes")
    args, expected = BAD[case]
    before = sorted(path for path in project.rglob("*"))
    result = shapegen(project, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert re.search(expected, lines[0]), lines[0]
    assert sorted(path for path in project.rglob("*")) == before


def test_a_variants_folder_names_its_model(project):
    by_folder = shapegen(project, "sample", "data/models/tiny", "-n", "3", "--seed", "1")
    by_name = shapegen(project, "sample", "tiny", "-n", "3", "--seed", "1")
    assert by_folder.returncode == 0, by_folder.stderr
    assert json.loads(by_folder.stdout)["shapes"] == json.loads(by_name.stdout)["shapes"]


def test_a_variant_outside_a_project_folder_says_where_to_run(tmp_path):
    result = shapegen(tmp_path, "sample", "mixture")
    assert result.returncode == 2 and result.stdout == ""
    assert re.fullmatch(
        r"error: mixture: no data/models/ here to find a variant in; expected to run in the "
        r"project's folder, or a \.keras file's path\n",
        result.stderr,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this platform")
def test_an_output_that_cannot_be_written_is_one_line(project):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(SHAPEGEN), "sample", "tiny", "-n", "5"],
            cwd=project,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["error: standard output: No space left on device"]


def test_every_option_of_every_command_has_help():
    from shapegen.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, command in commands.items():
        for action in command._actions:
            assert action.help, (name, action.option_strings or action.dest)


def test_the_png_names_its_seed_and_each_shapes_family_and_parameters():
    from shapegen.cli import png_figure, recognised
    from shapegen.data.families import draw_shapes, unpadded
    from shapegen.evaluation.recognition import recognition_labels

    batch = draw_shapes(np.random.default_rng(4), 6, np.ones(3))
    shapes = unpadded(batch.points, batch.lengths)
    figure = png_figure(shapes, "families", 3, 0.5, recognition_labels(recognised(shapes)))
    assert "seed 3, temperature 0.5" in figure.get_suptitle()
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert len(texts) == 6 and all("\n" in text and "=" in text for text in texts), texts
    rectangles = png_figure([shapes[0][:4]] * 2, "mixture", 0, 1.0, None)
    assert "seed 0" in rectangles.get_suptitle()
    assert all("w=" in text.get_text() for text in rectangles.axes[0].texts)
