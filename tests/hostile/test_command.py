"""The `shapegen` command's own hostile cases: what --png may replace, temporary files,
closed or failing standard streams, arguments past the arithmetic, non-finite weights, and
corrupt metrics beside a model for `shapegen info`."""

import json
import os
import subprocess

import pytest

from . import craft
from .conftest import record
from .harness import SHAPEGEN, run_capped, snapshot

LSTM_KERNEL = "layers/lstm/cell/vars/0"


@pytest.fixture
def model(models, tmp_path):
    """A rectangles model file in the case's folder."""
    path = tmp_path / "m.keras"
    path.write_bytes(models["mixture"])
    return path


def sample(*args: str) -> list[str]:
    return [SHAPEGEN, "sample", "m.keras", "-n", "2", *args]


PNG_TARGETS = {
    "a FIFO": (lambda path: craft.make_fifo(path), r"is a FIFO \(named pipe\); expected a regular"),
    "a copy of /dev/null": (
        lambda path: craft.make_device_copy(path, "/dev/null"),
        r"--png: .*: is a character device; expected a regular file or a new name",
    ),
    "a copy of /dev/full": (
        lambda path: craft.make_device_copy(path, "/dev/full"),
        r"is a character device",
    ),
    "a link to a file": (
        lambda path: craft.make_symlink(path, _kept(path.parent / "kept.png")),
        r"is a symbolic link \(to '.*kept\.png'\); expected a regular file or a new name",
    ),
    "a link to nowhere": (
        lambda path: craft.make_symlink(path, path.parent / "nowhere.png"),
        r"is a symbolic link",
    ),
    "a folder": (lambda path: path.mkdir(), r"is a folder; expected a regular file"),
}


def _kept(path):
    path.write_bytes(b"the user's own file")
    return path


@pytest.mark.parametrize("case", PNG_TARGETS, ids=list(PNG_TARGETS))
def test_png_never_replaces_what_is_not_a_regular_file(refuse, model, tmp_path, case):
    make, expected = PNG_TARGETS[case]
    make(tmp_path / "out.png")
    refuse(sample("--png", "out.png"), expected, names=["--png", "out.png"])


def test_png_writes_a_long_legal_name_and_cleans_only_its_own_temporary_files(model, tmp_path):
    users = [
        tmp_path / ".out.png.tmp-abc123.png",  # the pattern of shapegen's old temporary names
        tmp_path / f".out.png.{os.getpid()}-{'0' * 16}.shapegen-tmp.png",  # a live writer's
    ]
    for path in users:
        path.write_bytes(b"kept")
    stale = tmp_path / f".out.png.{2**22 + 7}-{'a' * 16}.shapegen-tmp.png"  # no such process
    stale.write_bytes(b"left by a killed writer")
    long_name = craft.long_file_name(250, ".png")
    for name in ("out.png", long_name):
        outcome = run_capped(sample("--png", name), tmp_path)
        record(f"--png {name[:20]}", outcome)
        assert outcome.returncode == 0, outcome.stderr
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
    assert all(path.read_bytes() == b"kept" for path in users)
    assert not stale.exists()
    assert not [
        path for path in tmp_path.iterdir() if ".shapegen-tmp" in path.name and path not in users
    ]


@pytest.mark.parametrize("name", craft.ODD_FILE_NAMES, ids=list(craft.ODD_FILE_NAMES))
def test_a_model_name_is_a_plain_title_in_the_png(models, tmp_path, name):
    path = tmp_path / craft.ODD_FILE_NAMES[name]
    path.write_bytes(models["categorical"])
    outcome = run_capped([SHAPEGEN, "sample", "--png", "out.png", "--", str(path)], tmp_path)
    record(f"title {name}", outcome)
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stderr == ""
    assert (tmp_path / "out.png").read_bytes().startswith(b"\x89PNG")


def _json_only(text: str):
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))


@pytest.mark.parametrize(
    "weights",
    [
        craft.filled(LSTM_KERNEL, 3e38),  # finite, but far past any trained weight
        craft.filled("layers/step_dense/vars/0", 3e38),
        craft.filled("layers/step_dense/vars/1", -3e38),
    ],
    ids=["huge LSTM kernel", "huge head kernel", "huge head bias"],
)
@pytest.mark.parametrize("support", ["unit_square", "plane"])
def test_finite_weights_that_overflow_never_print_non_json(
    refuse, models, tmp_path, weights, support
):
    config = craft.config_of(models["mixture"])
    loss = ["compile_config", "loss", "config", "support"]
    text = craft.config_json_edit(config, loss, support).encode()
    crafted = craft.rezip(models["mixture"], replace={craft.CONFIG_MEMBER: text})
    (tmp_path / "m.keras").write_bytes(craft.with_weights(crafted, weights))
    outcome = run_capped(sample(), tmp_path)
    if outcome.returncode == 0:  # the arithmetic saturated: valid shapes, and no warning
        record("huge weights", outcome)
        assert outcome.stderr == ""
        _json_only(outcome.stdout)
    else:
        refuse(sample(), r"m\.keras: drew points that are not finite numbers")


@pytest.mark.parametrize("temperature", ["1e-300", "1e300", "1e-31", "2e30", "5e-324"])
def test_a_temperature_past_float32_is_refused_with_the_range(
    refuse, models, tmp_path, temperature
):
    (tmp_path / "m.keras").write_bytes(models["categorical"])
    refuse(
        sample("--temperature", temperature),
        r"--temperature: .* is outside the range the models' float32 arithmetic takes; expected "
        r"a number from 1e-30 to 1e\+30",
    )


@pytest.mark.parametrize("kind", ["mixture", "categorical"])
@pytest.mark.parametrize("temperature", ["1e-30", "1e30"])
def test_the_ends_of_the_temperature_range_draw_valid_shapes(models, tmp_path, kind, temperature):
    (tmp_path / "m.keras").write_bytes(models[kind])
    outcome = run_capped(sample("--temperature", temperature, "-n", "20"), tmp_path)
    record(f"temperature {temperature}", outcome)
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stderr == ""
    # Untrained, the models' shapes are anything: what matters is 20 of them, in JSON.
    assert len(_json_only(outcome.stdout)["shapes"]) == 20


def test_a_negative_given_point_is_named(refuse, model):
    refuse(
        sample("--given", "0,0", "--given", "-0.5,0"),
        r"--given: point 2 \(-0\.5, 0\.0\) lies outside the unit square",
    )


def test_closed_standard_output_is_one_line(refuse, model, tmp_path):
    command = " ".join(sample()) + " >&-"
    refuse(["/bin/sh", "-c", command], r"standard output is closed")


@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"], ids=["closed", "failing"])
def test_a_closed_or_failing_standard_error_still_exits_2(model, tmp_path, redirect):
    before = snapshot(tmp_path)
    result = subprocess.run(
        ["/bin/sh", "-c", " ".join(sample("--temperature", "0")) + f" {redirect}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "")
    assert snapshot(tmp_path) == before


METRICS = {
    "metrics not JSON": ("metrics", b"{heldout", r"data/metrics/v\.json: not valid JSON"),
    "metrics NaN": ("metrics", b'{"heldout_nll": NaN}', r"holds the number NaN"),
    "metrics nested deep": ("metrics", b"[" * 100_000, r"JSON nested 100,000 levels deep"),
    "metrics a list": ("metrics", b"[1, 2]", r"holds \[1, 2\]; expected a JSON object"),
    "metrics a string value": (
        "metrics",
        b'{"heldout_nll": "low"}',
        r"heldout_nll' is 'low'; expected a number or null",
    ),
    "metrics a FIFO": ("metrics", None, r"data/metrics/v\.json: is a FIFO"),
    "curve without train_updates": (
        "curve",
        b"a\tb\n1\t2\n",
        r"learning_curve\.tsv: header \['a', 'b'\]; expected a train_updates column",
    ),
    "curve a short row": (
        "curve",
        b"train_updates\tx\n100\n",
        r"line 2 has 1 cells; expected 2",
    ),
    "curve not a number": (
        "curve",
        b"train_updates\tx\n100\tinf\n",
        r"line 2: 'inf'; expected a finite number",
    ),
    "curve updates fractional": (
        "curve",
        b"train_updates\tx\n100.5\t1\n",
        r"line 2: train_updates 100\.5; expected a whole number",
    ),
    "curve not UTF-8": ("curve", b"\xff\xfe", r"not UTF-8 text \(byte 0\); expected a TSV table"),
    "curve of 4 million rows": (
        "curve",
        b"train_updates\n" + b"100\n" * 4_000_000,
        r"learning_curve\.tsv: [0-9,]+ bytes; expected a learning curve of at most 1,048,576",
    ),
    "curve a cell of 200,000 characters": (
        "curve",
        b"train_updates\tx\n100\t" + b"1" * 200_000 + b"\n",
        r"learning_curve\.tsv: not a TSV table \('field larger than field limit",
    ),
    "metrics a string of escaped quotes": (
        "metrics",
        b'"' + b'\\"' * 40_000,
        r"data/metrics/v\.json: not valid JSON at line 1",
    ),
}


@pytest.mark.parametrize("case", METRICS, ids=list(METRICS))
def test_info_refuses_corrupt_metrics_beside_a_model(refuse, models, tmp_path, case):
    which, content, expected = METRICS[case]
    folder = tmp_path / "data" / "models" / "v"
    (folder / "checkpoints").mkdir(parents=True)
    (folder / "model.keras").write_bytes(models["mixture"])
    checkpoint = folder / "checkpoints" / "updates_00000100.keras"
    checkpoint.write_bytes(models["mixture"])
    if which == "metrics":
        target, model = tmp_path / "data" / "metrics" / "v.json", "v"
    else:
        target, model = tmp_path / "data" / "plots" / "v" / "learning_curve.tsv", str(checkpoint)
    target.parent.mkdir(parents=True)
    if content is None:
        craft.make_fifo(target)
    else:
        target.write_bytes(content)
    refuse([SHAPEGEN, "info", model], expected)


def test_names_and_values_from_files_are_printed_escaped(models, tmp_path):
    folder = tmp_path / "data" / "models" / "v"
    folder.mkdir(parents=True)
    (folder / "model.keras").write_bytes(models["mixture"])
    metrics = tmp_path / "data" / "metrics" / "v.json"
    metrics.parent.mkdir(parents=True)
    metrics.write_bytes(b'{"\\ud800": 1, "\\u001b[2Jred": 2, "a\\nerror: injected": 3}')
    outcome = run_capped([SHAPEGEN, "info", "v"], tmp_path)
    record("escaped metrics", outcome)
    assert outcome.returncode == 0, outcome.stderr
    assert "\x1b" not in outcome.stdout and "\nerror:" not in outcome.stdout
    assert r"\ud800" in outcome.stdout and r"a\nerror: injected" in outcome.stdout


def test_a_loop_of_links_for_data_models_is_no_variant(models, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "models").symlink_to("models")
    (tmp_path / "m.keras").write_bytes(models["mixture"])
    outcome = run_capped([SHAPEGEN, "info", "m.keras"], tmp_path)
    record("models loop", outcome)
    assert outcome.returncode == 0, outcome.stderr
    assert "variant" in outcome.stdout and "none" in outcome.stdout


def test_a_png_name_ending_in_a_slash_is_refused(refuse, model):
    refuse(sample("--png", "out.png/"), r"--png: 'out\.png/' is not a file name")
