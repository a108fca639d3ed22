"""Stage report: the README's and docs' generated regions and pictures, from the outputs.

Rewrites every `<!-- generated: NAME -->` region of README.md and docs/shapes.md from
data/metrics/, the trained models (the `shapegen` command's own output) and
docs/results/speed.json (`make bench`), and copies the pictures the docs show into
docs/images/. Its outputs are committed: after `dvc repro`, `git status` shows whether
the committed docs were current, and a hand edit inside a region is undone.
"""

import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path

from shapegen import paths
from shapegen.cli import build_parser, run_info, run_sample
from shapegen.config.params import VariantParams
from shapegen.config.validation import load_params
from shapegen.evaluation.targets import shapes_summary
from shapegen.reporting.regions import (
    RESULTS_HEADER,
    code_block,
    markdown_table,
    rectangle_results,
    rectangles_table,
    reported_results,
    rewrite_regions,
    shapes_results,
    shapes_table,
)
from shapegen.stage import run_stage

# The pictures the docs show: docs/images/<name> from data/gallery/<source>.
PICTURES = {
    "mixture_samples.png": "mixture/samples.png",
    "families_conditional_samples.png": "families_conditional/samples.png",
    "book_checkpoints.png": "book/checkpoints.png",
    "mixture_primed.png": "mixture/primed.png",
    "mixture_size_histograms.png": "mixture/size_histograms.png",
    "mixture_temperature_strip.png": "mixture/temperature_strip.png",
    "training_rectangles.png": "training_rectangles.png",
    "training_shapes.png": "training_shapes.png",
    "framings_rotated_rectangles.png": "framings_rotated_rectangles.png",
    "families_checkpoints.png": "families/checkpoints.png",
}
# What each default variant draws, for the README's table of variants.
DRAWS = {
    "book": "the chapter's model: one rectangle, the same every time",
    "mixture": "rectangles of every size, sampled; completes given corners",
    "families": "rectangles, rotated rectangles and regular polygons; picks the family and the end",
    "families_conditional": "the same, of the family asked for",
    "families_point": "`families` without memory (the chapter's framing): the lesson",
}
SAMPLE_COMMANDS = (
    ["sample", "mixture", "-n", "3", "--seed", "3"],
    ["sample", "families_conditional", "--family", "regular_polygon", "-n", "2"],
)
INFO_COMMAND = ["info", "families_conditional"]


def read_metrics(variant: str) -> dict:
    return json.loads(paths.metrics_details_file(variant).read_text())


def headline(variant: VariantParams, metrics: dict) -> str:
    """The one figure a variant is known by."""
    if variant.model.head == "point":
        return f"width W1 {metrics['width_w1']:.3f} (it draws the median)"
    if variant.data == "rectangles":
        return f"width W1 {metrics['width_w1']:.4f}, invalid {metrics['invalid_fraction']:.0%}"
    summary = shapes_summary(metrics)
    text = f"{summary['invalid_fraction']:.2%} invalid"
    if summary["polygons_asked_invalid"] is not None:
        text += f"; polygons asked for {summary['polygons_asked_invalid']:.2%} invalid"
    return text


def results(name: str, variant: VariantParams, metrics: dict) -> list[list[str]]:
    """A variant's rows of the results table: against its targets, or as measured for a
    model that has none (the point head is deterministic; without memory is the lesson)."""
    if variant.model.head == "point":
        return reported_results(name, metrics, ["width_w1"])
    if variant.data == "rectangles":
        return rectangle_results(name, metrics)
    if variant.model.framing == "point":
        return reported_results(name, metrics, ["invalid_fraction"])
    return shapes_results(name, metrics)


def command_output(argv: list[str]) -> str:
    """`shapegen ARGV` and what it prints, as run from the project folder."""
    parser = build_parser()
    args = parser.parse_args(argv)
    with redirect_stdout(io.StringIO()):
        output = run_sample(args) if args.command == "sample" else run_info(args.model)
    return f"$ shapegen {' '.join(argv)}\n{output}"


def repro_text(speed: dict | None) -> str:
    """How long the whole pipeline took (`make bench`), and the disk its outputs take."""
    size = f"`data/` then holds {data_megabytes():.0f} MB, and DVC's cache a copy of it."
    if speed is None:
        return f"`make bench` has not timed `dvc repro` on this project yet; {size}"
    return (
        f"`dvc repro` of the whole pipeline took {speed['repro_seconds'] / 60:.1f} minutes "
        f"on {speed['machine']} (`make bench`); {size}"
    )


def data_megabytes() -> float:
    return sum(path.stat().st_size for path in Path("data").rglob("*") if path.is_file()) / 1e6


def main() -> None:
    params = load_params()
    variants = params.variants
    metrics = {name: read_metrics(name) for name in variants}
    rows = {name: results(name, variant, metrics[name]) for name, variant in variants.items()}
    speed_file = paths.SPEED_RESULTS_FILE
    speed = json.loads(speed_file.read_text()) if speed_file.exists() else None
    readme = {
        "variants": markdown_table(
            ("variant", "draws", "headline"),
            [
                [f"`{name}`", DRAWS.get(name, ""), headline(variant, metrics[name])]
                for name, variant in variants.items()
            ],
        ),
        "repro": repro_text(speed),
        "sample": code_block(
            "\n".join(command_output(argv) for argv in SAMPLE_COMMANDS if argv[1] in variants)
        ),
        "info": code_block(command_output(INFO_COMMAND) if INFO_COMMAND[1] in variants else ""),
        "results": markdown_table(RESULTS_HEADER, [row for of in rows.values() for row in of]),
    }
    rewrite_regions(paths.README_FILE, readme)

    columns = []
    for name, variant in variants.items():
        if variant.data != "shapes":
            continue
        earlier = paths.EARLIER_HEADS_DIR / f"{name}.json"
        if earlier.exists():  # the head this one replaced, as it measured
            columns.append((f"`{name}`, mixture heads", json.loads(earlier.read_text()), True))
        memory = " (no memory)" if variant.model.framing == "point" else ""
        columns.append((f"`{name}`{memory}", metrics[name], False))
    if columns:
        with_memory = [
            row
            for name, variant in variants.items()
            if variant.data == "shapes" and variant.model.framing == "sequence"
            for row in rows[name]
        ]
        rewrite_regions(
            paths.SHAPES_DOC,
            {
                "shapes-table": shapes_table(columns),
                "shapes-results": markdown_table(RESULTS_HEADER, with_memory),
            },
        )
    rectangles = {name: metrics[name] for name, v in variants.items() if v.data == "rectangles"}
    if rectangles:
        rewrite_regions(paths.MIXTURE_DOC, {"rectangles-metrics": rectangles_table(rectangles)})
    images = paths.DOCS_IMAGES_DIR
    images.mkdir(parents=True, exist_ok=True)
    for stale in {path.name for path in images.glob("*.png")} - set(PICTURES):
        (images / stale).unlink()
    for name, source in PICTURES.items():
        shutil.copyfile(paths.GALLERY_DIR / source, images / name)


if __name__ == "__main__":
    run_stage(main)
