"""The figures of the gallery and compare_framings stages, from generators and data.

The stages (pipeline/gallery.py, pipeline/compare_framings.py) read the models and data,
call these and write each figure; tests render the same figures from small models. Every
sampled figure draws from its own random generator seeded by gallery.sample_seed, so each is
reproducible on its own. Nothing here reads a file or imports TensorFlow.
"""

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from shapegen.config.params import GalleryParams
from shapegen.data.families import FAMILIES, ShapeBatch, parameter_label, unpadded
from shapegen.data.rectangles import nearest_rectangle_sizes, rectangle_errors, width_prefixes
from shapegen.evaluation.recognition import recognise, recognition_labels
from shapegen.figures.panels import (
    checkpoint_figure,
    nearest_rectangle_figure,
    overlay_figure,
    rectangle_grid_figure,
    shape_grid_figure,
    size_histogram_figure,
)
from shapegen.sampling.generator import Generator

PRIMED_FAMILIES = ("regular_polygon", "rotated_rectangle")
PRIMED_POINTS = 2
FRAMING_GIVEN_POINTS = 2
FRAMING_PREFIXES = 3  # test rotated rectangles completed, a column each


def deterministic(model: Generator) -> bool:
    """Whether the model draws the same shape every time: a point head (the chapter's)
    predicts the next point itself, whatever the seed and temperature."""
    return model.network.head == "point"


def _rng(params: GalleryParams) -> np.random.Generator:
    return np.random.default_rng(params.sample_seed)


def rectangles_gallery(
    variant: str,
    checkpoints: Mapping[int, Generator],
    model: Generator,
    train: np.ndarray,
    params: GalleryParams,
) -> dict[str, Figure]:
    """The gallery of a rectangles model, by file name: checkpoints, generated_vs_nearest,
    samples, size_histograms, temperature_strip and primed.

    A deterministic model draws one shape where a sampler overlays shapes_per_panel: its
    copies would be identical, and its temperature strip is one panel saying so.
    """
    temperature, inches = params.sample_temperature, params.panel_inches
    fixed = deterministic(model)
    per_panel = 1 if fixed else params.shapes_per_panel

    def drawn(generator: Generator, n: int, temperature: float) -> np.ndarray:
        return generator.generate_batch(n, _rng(params), temperature)[0]  # all have 4 corners

    figures = {}
    drawn_at = {
        updates: drawn(generator, per_panel, temperature)
        for updates, generator in checkpoints.items()
    }
    what = "the rectangle" if per_panel == 1 else f"{per_panel} rectangles"
    title = f"{variant}: {what} generated from [0, 0] after n training updates"
    figures["checkpoints.png"] = checkpoint_figure(drawn_at, inches, title)

    figures["generated_vs_nearest.png"] = _nearest_figure(
        variant, drawn(model, per_panel, temperature), inches
    )

    # A deterministic model has no temperature, and its samples would be copies of one.
    at = "deterministic" if fixed else f"temperature {temperature}"
    rows, cols = (1, 1) if fixed else (params.sample_grid_rows, params.sample_grid_cols)
    if fixed:
        title = f"{variant}: its one rectangle ({at})"
    else:
        title = f"{variant}: {rows * cols} rectangles generated from [0, 0] at {at}"
    figures["samples.png"] = rectangle_grid_figure(
        drawn(model, rows * cols, temperature), rows, cols, inches, title
    )

    many = drawn(model, params.histogram_samples, temperature)
    title = f"{variant}: sizes of generated rectangles ({at}) and of the data"
    figures["size_histograms.png"] = size_histogram_figure(
        many, train, params.histogram_bins, inches, title
    )

    if fixed:
        strip = [("a point head is deterministic", drawn(model, 1, temperature))]
        title = f"{variant}: the same rectangle at every temperature"
    else:
        strip = [
            (f"temperature {value:.0e}: {_size_spread(shapes)}", shapes)
            for value in params.temperature_strip
            for shapes in [drawn(model, per_panel, value)]
        ]
        title = f"{variant}: rectangles by temperature, and the spread of their sizes"
    figures["temperature_strip.png"] = overlay_figure(strip, inches, title)

    primed = [
        (
            f"given width {width}",
            model.complete_batch(
                width_prefixes(np.full(per_panel, width)), _rng(params), temperature
            )[0],
        )
        for width in params.primed_widths
    ]
    title = f"{variant}: completions of a given BL, BR ({at})"
    figures["primed.png"] = overlay_figure(primed, inches, title, prefix_corners=2)
    return figures


def _size_spread(rectangles: np.ndarray) -> str:
    """`sd of widths 0.015, heights 0.007`: what a temperature changes."""
    widths, heights = nearest_rectangle_sizes(rectangles)
    return f"sd of widths {widths.std():.3f}, heights {heights.std():.3f}"


def _nearest_figure(variant: str, rectangles: np.ndarray, inches: float) -> Figure:
    """One of the drawn rectangles over its nearest true one: the one with the longest short
    side, whose corners lie furthest apart (a thin one's markers would overlap), with the
    median error of all drawn beside its own."""
    errors = rectangle_errors(rectangles)
    widths, heights = nearest_rectangle_sizes(rectangles)
    shown = int(np.argmax(np.minimum(widths, heights)))
    if len(rectangles) == 1:
        which = "the rectangle it generates"
    else:
        which = (
            f"of {len(rectangles)} generated rectangles, the one with the longest short side "
            f"(median RMS corner error of the {len(rectangles)}: {np.median(errors):.4f})"
        )
    title = f"{variant}: {which}, over its nearest true rectangle"
    return nearest_rectangle_figure(rectangles[shown], float(errors[shown]), inches, title)


def _shapes_and_labels(
    points: np.ndarray, lengths: np.ndarray, tolerance: float
) -> tuple[list[np.ndarray], list[str]]:
    found = recognise(points, lengths, tolerance)
    return unpadded(points, lengths), recognition_labels(found)


def _first_of_family(test: ShapeBatch, family: str) -> int:
    return int(np.flatnonzero(test.families == FAMILIES.index(family))[0])


def shapes_gallery(
    variant: str,
    checkpoints: Mapping[int, Generator],
    model: Generator,
    test: ShapeBatch,
    params: GalleryParams,
    tolerance: float,
) -> dict[str, Figure]:
    """The gallery of a shapes model, by file name: samples.png (a row per family asked
    of a conditional model), primed.png (completions of the first two points of a test
    polygon and a test rotated rectangle), checkpoints.png (a row per checkpoint). Every
    drawn shape is labelled as `tolerance` recognises it."""
    temperature, inches = params.sample_temperature, params.panel_inches
    rows, cols = params.sample_grid_rows, params.sample_grid_cols
    conditional = model.network.conditional
    figures = {}
    if conditional:
        families = np.repeat(np.arange(len(FAMILIES)), cols)
        rows, row_labels = len(FAMILIES), list(FAMILIES)
        title = f"{variant}: {cols} shapes asked for each family, a row each, "
    else:
        families, row_labels = None, None
        title = f"{variant}: {rows * cols} shapes, "
    title += f"temperature {temperature}, labelled as recognised"
    points, lengths = model.generate_batch(rows * cols, _rng(params), temperature, families)
    figures["samples.png"] = shape_grid_figure(
        *_shapes_and_labels(points, lengths, tolerance), rows, cols, inches, title, row_labels
    )

    primed, truths = [], []
    for family in PRIMED_FAMILIES:
        row = _first_of_family(test, family)
        label = f"{family}\n{parameter_label(FAMILIES.index(family), test.parameters[row])}"
        completions = model.complete(
            test.points[row, :PRIMED_POINTS],
            params.shapes_per_panel,
            seed=_rng(params),
            temperature=temperature,
            family=family if conditional else None,
        )
        primed.append((label, completions))
        truths.append(test.points[row, : test.lengths[row]])
    asked = "each asked for its test shape's family, " if conditional else ""
    title = (
        f"{variant}: completions of a test shape's first two points "
        f"({asked}temperature {temperature})"
    )
    figures["primed.png"] = overlay_figure(
        primed,
        inches,
        title,
        prefix_corners=PRIMED_POINTS,
        truths=truths,
        truth_label="the test shape",
    )

    shapes, labels = [], []
    asked = np.arange(cols) % len(FAMILIES) if conditional else None
    for generator in checkpoints.values():
        drawn, drawn_lengths = generator.generate_batch(cols, _rng(params), temperature, asked)
        these, their_labels = _shapes_and_labels(drawn, drawn_lengths, tolerance)
        shapes.extend(these)
        labels.extend(their_labels)
    title = f"{variant}: shapes drawn after n training updates, a row per checkpoint"
    if conditional:
        title += f", the columns asking for {', '.join(FAMILIES)} in turn"
    figures["checkpoints.png"] = shape_grid_figure(
        shapes,
        labels,
        len(checkpoints),
        cols,
        inches,
        title,
        [f"{updates:,} updates" for updates in checkpoints],
    )
    return figures


def framings_figure(
    models: Sequence[tuple[str, str, Generator]], test: ShapeBatch, params: GalleryParams
) -> Figure:
    """The first two corners of the first test rotated rectangles, completed by each model
    (framing, variant name, generator), a row per model."""
    family = FAMILIES.index("rotated_rectangle")
    rows = np.flatnonzero(test.families == family)[:FRAMING_PREFIXES]
    panels, row_labels = [], []
    for index, (framing, variant, model) in enumerate(models):
        asked = FAMILIES[family] if model.network.conditional else None
        row_labels.append(f"{variant}\n({framing} framing)")
        for row in rows:
            # The columns are the test rectangles: the first row's titles name them.
            label = parameter_label(family, test.parameters[row]) if index == 0 else ""
            completions = model.complete(
                test.points[row, :FRAMING_GIVEN_POINTS],
                params.shapes_per_panel,
                seed=params.sample_seed,
                temperature=params.sample_temperature,
                family=asked,
            )
            panels.append((label, completions))
    title = (
        f"Rotated rectangles of the test split, two corners given, {params.shapes_per_panel} "
        f"completions each (temperature {params.sample_temperature}): with memory (top), "
        "without (bottom)"
    )
    truths = [test.points[row, : test.lengths[row]] for _ in models for row in rows]
    return overlay_figure(
        panels,
        params.panel_inches,
        title,
        prefix_corners=FRAMING_GIVEN_POINTS,
        columns=FRAMING_PREFIXES,
        row_labels=row_labels,
        truths=truths,
        truth_label="the test rectangle",
        counted=False,
    )
