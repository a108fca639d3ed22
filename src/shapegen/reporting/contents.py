"""What each generated region of README.md, docs/shapes.md and docs/mixture.md says, from a
run's params, metrics and timings, and the pictures the docs show (the report stage,
pipeline/report.py, reads the outputs and writes these)."""

import io
from collections.abc import Mapping
from contextlib import redirect_stdout

from shapegen.cli import build_parser, run_info, run_sample
from shapegen.config.params import Params, VariantParams
from shapegen.config.variants import DRAWS
from shapegen.evaluation.targets import shapes_summary
from shapegen.reporting.regions import code_block, markdown_table
from shapegen.reporting.results import (
    RESULTS_HEADER,
    rectangle_results,
    rectangles_table,
    reported_results,
    shapes_results,
    shapes_table,
)

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
    "how_it_works.png": "how_it_works.png",
    "framings_rotated_rectangles.png": "framings_rotated_rectangles.png",
    "families_checkpoints.png": "families/checkpoints.png",
}
# The pictures the docs show that no stage draws: docs/images/<name> from docs/results/.
RESULT_PICTURES = {"playground.png": "playground.png"}
SAMPLE_COMMANDS = (
    ["sample", "mixture", "-n", "3", "--seed", "3"],
    ["sample", "families_conditional", "--family", "regular_polygon", "-n", "2"],
)
INFO_COMMAND = ["info", "families_conditional"]


def headline(variant: VariantParams, metrics: Mapping) -> str:
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


def variant_results(name: str, variant: VariantParams, metrics: Mapping) -> list[list[str]]:
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


def repro_text(speed: Mapping | None, data_megabytes: float) -> str:
    """How long the whole pipeline took (`make bench`), and the disk its outputs take."""
    size = f"`data/` then holds {data_megabytes:.0f} MB, and DVC's cache a copy of it."
    if speed is None:
        return f"`make bench` has not timed `dvc repro` on this project yet; {size}"
    return (
        f"`dvc repro` of the whole pipeline took {speed['repro_seconds'] / 60:.1f} minutes "
        f"on {speed['machine']} (`make bench`); {size}"
    )


def suite_times_text(test_times: Mapping | None) -> str:
    """How long the test suites took (`make time-tests`)."""
    if test_times is None:
        return "`make time-tests` has not timed the suites on this project yet."
    return (
        f"`make test-fast` took {test_times['test_fast_seconds'] / 60:.1f} minutes and "
        f"`make test` {test_times['test_seconds'] / 60:.1f} on {test_times['machine']} "
        "(`make time-tests`)."
    )


def readme_regions(
    params: Params,
    metrics: Mapping[str, Mapping],
    speed: Mapping | None,
    test_times: Mapping | None,
    data_megabytes: float,
) -> dict[str, str]:
    """README.md's regions: the variants, the pipeline's and the tests' times, the
    command's output, the results against the targets."""
    variants = params.variants
    rows = [
        row
        for name, variant in variants.items()
        for row in variant_results(name, variant, metrics[name])
    ]
    return {
        "variants": markdown_table(
            ("variant", "draws", "headline"),
            [
                [f"`{name}`", DRAWS.get(name, ""), headline(variant, metrics[name])]
                for name, variant in variants.items()
            ],
        ),
        "repro": repro_text(speed, data_megabytes),
        "tests": suite_times_text(test_times),
        "sample": code_block(
            "\n".join(command_output(argv) for argv in SAMPLE_COMMANDS if argv[1] in variants)
        ),
        "info": code_block(command_output(INFO_COMMAND) if INFO_COMMAND[1] in variants else ""),
        "results": markdown_table(RESULTS_HEADER, rows),
    }


def shapes_doc_regions(
    params: Params, metrics: Mapping[str, Mapping], earlier_heads: Mapping[str, Mapping]
) -> dict[str, str] | None:
    """docs/shapes.md's regions (None without a shapes variant): each shapes model beside
    the head it replaced (earlier_heads: variant -> that head's metrics, as it measured),
    and the results of those with memory."""
    columns = []
    for name, variant in params.variants.items():
        if variant.data != "shapes":
            continue
        if name in earlier_heads:
            columns.append((f"`{name}`, mixture heads", earlier_heads[name], True))
        memory = " (no memory)" if variant.model.framing == "point" else ""
        columns.append((f"`{name}`{memory}", metrics[name], False))
    if not columns:
        return None
    with_memory = [
        row
        for name, variant in params.variants.items()
        if variant.data == "shapes" and variant.model.framing == "sequence"
        for row in variant_results(name, variant, metrics[name])
    ]
    return {
        "shapes-table": shapes_table(columns),
        "shapes-results": markdown_table(RESULTS_HEADER, with_memory),
    }


def mixture_doc_regions(params: Params, metrics: Mapping[str, Mapping]) -> dict[str, str] | None:
    """docs/mixture.md's region (None without a rectangles variant): the rectangles
    variants' figures side by side."""
    rectangles = {
        name: metrics[name]
        for name, variant in params.variants.items()
        if variant.data == "rectangles"
    }
    return {"rectangles-metrics": rectangles_table(rectangles)} if rectangles else None
