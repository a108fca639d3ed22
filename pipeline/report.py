"""Stage report: the README's and docs' generated regions and pictures, from the outputs.

Rewrites every `<!-- generated: NAME -->` region of README.md, docs/shapes.md and
docs/mixture.md from data/metrics/, the trained models (the `shapegen` command's own
output), docs/results/speed.json (`make bench`) and docs/results/test_times.json
(`make time-tests`), and copies the pictures the docs show into docs/images/. Its
outputs are committed: after `dvc repro`, `git status` shows whether the committed docs
were current, and a hand edit inside a region is undone.
"""

import shutil
from pathlib import Path

from shapegen import paths
from shapegen.config.validation import load_params
from shapegen.files.reading import read_json_object
from shapegen.reporting.contents import (
    PICTURES,
    RESULT_PICTURES,
    mixture_doc_regions,
    readme_regions,
    shapes_doc_regions,
)
from shapegen.reporting.regions import rewrite_regions
from shapegen.stage import run_stage

# The JSON files it reads: metrics and results the pipeline and `make bench` wrote.
JSON_MAX_BYTES = 2**20
JSON_MAX_DEPTH = 8


def read_json(path: Path) -> dict:
    return read_json_object(path, "results file", JSON_MAX_BYTES, JSON_MAX_DEPTH)


def data_megabytes() -> float:
    return sum(path.stat().st_size for path in Path("data").rglob("*") if path.is_file()) / 1e6


def main() -> None:
    params = load_params()
    metrics = {name: read_json(paths.metrics_details_file(name)) for name in params.variants}
    speed, test_times = (
        read_json(path) if path.exists() else None
        for path in (paths.SPEED_RESULTS_FILE, paths.TEST_TIMES_FILE)
    )
    readme = readme_regions(params, metrics, speed, test_times, data_megabytes())
    rewrite_regions(paths.README_FILE, readme)

    earlier = {
        name: read_json(paths.EARLIER_HEADS_DIR / f"{name}.json")
        for name in params.variants
        if (paths.EARLIER_HEADS_DIR / f"{name}.json").exists()
    }
    shapes = shapes_doc_regions(params, metrics, earlier)
    if shapes is not None:
        rewrite_regions(paths.SHAPES_DOC, shapes)
    rectangles = mixture_doc_regions(params, metrics)
    if rectangles is not None:
        rewrite_regions(paths.MIXTURE_DOC, rectangles)

    images = paths.DOCS_IMAGES_DIR
    images.mkdir(parents=True, exist_ok=True)
    for stale in {path.name for path in images.glob("*.png")} - {*PICTURES, *RESULT_PICTURES}:
        (images / stale).unlink()
    for name, source in PICTURES.items():
        shutil.copyfile(paths.GALLERY_DIR / source, images / name)
    # A screenshot `make playground-shot` took: copied where there is one.
    for name, source in RESULT_PICTURES.items():
        if (paths.PLAYGROUND_SCREENSHOT_FILE.parent / source).is_file():
            shutil.copyfile(paths.PLAYGROUND_SCREENSHOT_FILE.parent / source, images / name)


if __name__ == "__main__":
    run_stage(main)
