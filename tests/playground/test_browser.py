"""The playground page in a real browser, offline: headless Chromium (Debian's `chromium`)
driven by the pinned playwright-core (tests/playground/package.json; `npm ci` there)
through tests/playground/browser.mjs, on a page written from small models as the stage
writes it. Fails on any console error or warning, on any request that fails or leaves
the file system, and on a model whose grid draws nothing."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from shapegen.playground.export import page_files

from .conftest import TOLERANCE, require

HERE = Path(__file__).parent
CHROMIUM = "chromium"
GRID = 64  # the page's default number of shapes in its grid
COMPLETIONS = 12


def write_page(folder: Path, payload: dict) -> Path:
    """The page as the playground stage writes it: its files and models.js."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in page_files(payload["models"], TOLERANCE).items():
        (folder / name).write_bytes(data)
    return folder / "index.html"


def test_the_page_works_offline_for_every_model(payload, tmp_path, capsys):
    node = require("node", "runs the browser test")
    chromium = require(CHROMIUM, "runs the browser test (apt-get install chromium)")
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        if os.environ.get("CI"):
            pytest.fail("playwright-core is not installed: run `npm ci` in tests/playground")
        pytest.skip("playwright-core is not installed (`npm ci` in tests/playground)")
    models = {name: entry for name, entry in payload["models"].items() if name != "mixture_point"}
    page = write_page(tmp_path / "playground", {**payload, "models": models})
    screenshot = tmp_path / "playground.png"
    result = subprocess.run(
        [node, str(HERE / "browser.mjs"), str(page), str(screenshot), chromium],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=HERE,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == []
    assert report["requests"] == []
    assert list(report["models"]) == list(models)
    for name, drawn in report["models"].items():
        assert drawn["cells"] == GRID, name
        assert drawn["drawn_cells"] > 0, f"{name}: the grid draws nothing"
        assert drawn["description"], name
    assert report["given"] == "0.3,0.2; 0.6,0.25; 0.65,0.55"
    assert report["completions"] == COMPLETIONS
    assert report["steps"] and report["step_summary"].startswith("Drawn: ")
    assert report["completion_note"].startswith(f"The {COMPLETIONS} completions, as the recogniser")
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    with capsys.disabled():
        times = ", ".join(
            f"{name} {drawn['draw_ms']:.0f}" for name, drawn in report["models"].items()
        )
        print(f"\nplayground: ms per draw of {GRID} shapes (small models): {times}")
