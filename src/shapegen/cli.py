"""The `shapegen` command: draw shapes from a trained model, or describe one.

Starts without TensorFlow (shapegen.sampling runs the network in numpy). A user's
mistake is one line on stderr and exit status 2; output goes to stdout, figures to --png.
"""

import argparse
import contextlib
import csv
import json
import math
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from shapegen import paths
from shapegen.data.families import FAMILIES, MAX_POINTS
from shapegen.errors import InputError, one_line, say_error, shown
from shapegen.evaluation.recognition import (
    FIT_TOLERANCE,
    INVALID,
    Recognition,
    recognise,
    recognition_labels,
)
from shapegen.files.reading import (
    MAX_NUMBER_CHARS,
    decode_text,
    read_input,
    read_json_object,
    reading,
)
from shapegen.sampling.generator import check_count, check_temperature
from shapegen.sampling.loading import load_generator, model_path
from shapegen.sampling.network import Network

# A million shapes are 64 MB of points and about 100 MB of JSON: past that, a mistyped N
# would fill memory before anything is printed.
MAX_SHAPES = 1_000_000
# --png: the gallery's look (params.yaml's gallery section sets the pipeline's figures).
PNG_PANEL_INCHES = 2.0
PNG_DPI = 100
PNG_MAX_SHAPES = 100  # more panels than this are drawn as the first 100
# The metrics `info` shows: a JSON object of numbers (sections nest once), a TSV table.
METRICS_MAX_BYTES = 2**20
METRICS_MAX_DEPTH = 4

SAMPLE_EXAMPLES = """examples:
  shapegen sample mixture -n 16 --seed 3
  shapegen sample mixture -n 8 --given 0,0 --given 0.3,0 --format csv
  shapegen sample data/models/mixture/checkpoints/updates_00001000.keras --png early.png
  shapegen sample families -n 16 --png families.png
  shapegen sample families_conditional --family regular_polygon -n 16"""
INFO_EXAMPLES = """examples:
  shapegen info mixture
  shapegen info data/models/book/checkpoints/updates_00000100.keras"""
MODEL_HELP = (
    "a variant's name (its data/models/<variant>/model.keras, from the working directory) "
    "or the path of a .keras file shapegen wrote, checkpoints included"
)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (argparse prints the usage first)."""

    def error(self, message: str):
        say_error(f"{self.prog}: {message} (see --help)")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="shapegen",
        description="Draw shapes from a trained shapegen model, or describe one.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str, examples: str):
        # Each command takes MODEL first and shows its examples under --help.
        added = commands.add_parser(
            name,
            help=summary,
            description=description,
            epilog=examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        added.add_argument("model", metavar="MODEL", help=MODEL_HELP)
        return added

    sample = command(
        "sample",
        "draw shapes (JSON or CSV on stdout)",
        "Draw N shapes from a model, each fed its own points back, and print them. "
        "The same arguments print the same bytes.",
        SAMPLE_EXAMPLES,
    )
    sample.add_argument("-n", default="1", metavar="N", help="shapes to draw (default 1)")
    sample.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    sample.add_argument(
        "--temperature",
        default="1.0",
        metavar="T",
        help="below 1 favours the likeliest shapes; 1 is the model's own distribution (default)",
    )
    sample.add_argument(
        "--given",
        action="append",
        default=[],
        metavar="X,Y",
        help=(
            "a first point to keep, in order (repeatable); default: none (a rectangles model "
            "starts at 0,0, a shapes model draws its first point too)"
        ),
    )
    sample.add_argument(
        "--family",
        metavar="NAME",
        help=f"for a conditional shapes model: the family to draw ({', '.join(FAMILIES)})",
    )
    sample.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        help="json: one document, a shape per line (default); csv: a row per point",
    )
    sample.add_argument("--png", metavar="FILE", help="also draw the shapes as a grid to FILE")
    command(
        "info",
        "what a model is and how it scored",
        "Print a model's variant, framing, head, parameter count, updates trained and the "
        "pipeline's metrics of it, where computed.",
        INFO_EXAMPLES,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `shapegen` console script."""
    args = build_parser().parse_args(_values_attached(sys.argv[1:] if argv is None else argv))
    try:
        if sys.stdout is None:
            raise InputError(
                "standard output is closed (>&-); expected somewhere to print the shapes, "
                "e.g. > shapes.json"
            )
        output = run_sample(args) if args.command == "sample" else run_info(args.model)
    except InputError as error:
        say_error(str(error))
        raise SystemExit(2) from None
    except MemoryError:
        say_error("the shapes asked for need more memory than is available; expected fewer (-n)")
        raise SystemExit(2) from None
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:
        # `shapegen sample ... | head`: the reader left; no traceback for that.
        _silence_stdout()
        raise SystemExit(1) from None
    except OSError as error:
        # stdout cannot take the output (a full disk, /dev/full): one line, and no second
        # failure when Python flushes stdout at exit.
        _silence_stdout()
        say_error(f"standard output: {error.strerror or error}")
        raise SystemExit(1) from None


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# Options whose value may be a negative number: argparse takes `--given -0.5,0` for an
# option of its own (it only knows plain negative numbers such as -1 or -0.5).
_VALUE_OPTIONS = ("-n", "--seed", "--temperature", "--given")
_NEGATIVE_NUMBER = re.compile(r"-[0-9.]")


def _values_attached(argv: Sequence[str]) -> list[str]:
    """argv with each value-taking option's negative value attached (`--given=-0.5,0`)."""
    attached: list[str] = []
    for arg in argv:
        previous = attached[-1] if attached else ""
        if previous in _VALUE_OPTIONS and _NEGATIVE_NUMBER.match(arg):
            attached[-1] = f"{previous}={arg}"
        else:
            attached.append(arg)
    return attached


def run_sample(args: argparse.Namespace) -> str:
    """The sample command's stdout; writes --png if asked."""
    n = check_count(_parse(int, args.n, "-n", "a whole number >= 1"), "-n")
    if n > MAX_SHAPES:
        raise InputError(f"-n: {n} shapes; expected at most {MAX_SHAPES:,} per call")
    seed = _parse(int, args.seed, "--seed", "a whole number >= 0")
    if seed < 0:
        raise InputError(f"--seed: {seed}; expected a whole number >= 0")
    temperature = check_temperature(
        _parse(float, args.temperature, "--temperature", "a positive finite number"),
        "--temperature",
    )
    png = _writable_path(args.png) if args.png else None
    generator = load_generator(args.model)
    # The generator's own checks, in the command's words: the same one-line messages.
    prefix = generator.check_prefix([_parse_point(text) for text in args.given], "--given")
    generator.check_family(args.family, n, "--family")
    shapes = generator.complete(prefix, n, seed=seed, temperature=temperature, family=args.family)
    recognition = recognised(shapes) if generator.data == "shapes" else None
    families = None if recognition is None else family_names(recognition)
    if png is not None:
        labels = None if recognition is None else recognition_labels(recognition)
        _write_png(png, png_figure(shapes, args.model, seed, temperature, labels))
    if args.format == "csv":
        return shapes_csv(shapes, families)
    return shapes_json(args.model, seed, temperature, shapes, families)


def recognised(shapes: list[np.ndarray]) -> Recognition:
    """What the recogniser makes of each shape, at the command's tolerance."""
    points = np.zeros((len(shapes), MAX_POINTS, 2))
    lengths = np.array([len(shape) for shape in shapes], dtype=int)
    for row, shape in enumerate(shapes):
        points[row, : len(shape)] = shape
    return recognise(points, lengths, FIT_TOLERANCE)


def family_names(recognition: Recognition) -> list[str]:
    """Each shape's family's name, or `invalid`."""
    return ["invalid" if f == INVALID else FAMILIES[f] for f in recognition.families]


def shapes_json(
    model: str,
    seed: int,
    temperature: float,
    shapes: list[np.ndarray],
    families: list[str] | None = None,
) -> str:
    """The JSON document of a sample: one shape per line, every float in full; with a
    shapes model, each shape's recognised family."""
    header = json.dumps({"model": model, "seed": seed, "temperature": temperature})
    if families is None:
        lines = [json.dumps({"points": shape.tolist()}) for shape in shapes]
    else:
        lines = [
            json.dumps({"points": shape.tolist(), "family": family})
            for shape, family in zip(shapes, families, strict=True)
        ]
    return header[:-1] + ', "shapes": [\n' + ",\n".join(lines) + "\n]}\n"


def shapes_csv(shapes: list[np.ndarray], families: list[str] | None = None) -> str:
    """One row per point: shape, index, x, y (floats in full); with a shapes model, each
    point's row also names its shape's recognised family, as the JSON does."""
    rows = [["shape", "index", "x", "y"] + (["family"] if families is not None else [])]
    for number, shape in enumerate(shapes):
        family = [] if families is None else [families[number]]
        rows.extend(
            [number, index, repr(x), repr(y), *family]
            for index, (x, y) in enumerate(shape.tolist())
        )
    return "".join(",".join(map(str, row)) + "\n" for row in rows)


def run_info(model: str) -> str:
    """The info command's stdout: what the model is, and the pipeline's metrics of it."""
    path = model_path(model)
    network = load_generator(path).network
    variant = _variant_of(path)
    lines = [
        ("model", str(path)),
        ("variant", variant or "none (a file outside this project's data/models)"),
        ("framing", _framing_text(network.framing)),
        ("head", _head_text(network)),
        ("parameters", f"{network.n_parameters:,} (LSTM {network.units} units)"),
        ("updates trained", f"{network.train_updates:,}"),
    ]
    metrics_source, metrics = _metrics_of(variant, path, network.train_updates)
    lines.append(("metrics", metrics_source))
    lines.extend((f"  {name}", _number_text(value)) for name, value in metrics.items())
    # Names and values come from files too: printed escaped, on one line each.
    lines = [(one_line(label), one_line(value)) for label, value in lines]
    width = max(len(label) for label, _ in lines)
    return "".join(f"{label:<{width}}  {value}\n" for label, value in lines)


def _parse(kind: type, text: str, name: str, expected: str):
    try:
        return kind(text)
    except ValueError:
        raise InputError(f"{name}: {text!r} is not a number; expected {expected}") from None


def _parse_point(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(
            f"--given: {text!r} is not a point; expected X,Y: two numbers, e.g. --given 0.3,0"
        ) from None


def _writable_path(text: str) -> Path:
    """--png's path, checked before any work: a regular file or a new name, in a folder
    that exists and can be written."""
    from shapegen.files.writing import check_target

    if not text or text.endswith(os.sep):
        raise InputError(f"--png: {shown(text)} is not a file name; expected one, e.g. out.png")
    path = Path(text)
    folder = path.parent
    try:
        check_target(path)
    except InputError as error:
        raise InputError(f"--png: {error}") from None
    if not folder.is_dir():
        raise InputError(f"--png: {text}: folder {folder} does not exist; expected an existing one")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"--png: {text} cannot be written here (permission denied)")
    return path


def png_figure(
    shapes: list[np.ndarray],
    model: str,
    seed: int,
    temperature: float,
    labels: list[str] | None,
):
    """The --png figure: the first PNG_MAX_SHAPES shapes, each under its label (a
    rectangle's size; a shape's recognised family and parameters), titled with what
    drew them: the model, the seed and the temperature."""
    # matplotlib only when a figure is asked for: it is most of the start-up otherwise.
    from shapegen.figures.panels import rectangle_grid_figure, shape_grid_figure

    drawn = shapes[:PNG_MAX_SHAPES]
    cols = int(np.ceil(np.sqrt(len(drawn))))
    rows = int(np.ceil(len(drawn) / cols))
    shown = (
        f"{len(drawn)}" if len(drawn) == len(shapes) else f"the first {len(drawn)} of {len(shapes)}"
    )
    title = f"{_title_text(model)}: {shown} shapes, seed {seed}, temperature {temperature}"
    if labels is None:
        return rectangle_grid_figure(np.stack(drawn), rows, cols, PNG_PANEL_INCHES, title)
    return shape_grid_figure(drawn, labels[:PNG_MAX_SHAPES], rows, cols, PNG_PANEL_INCHES, title)


def _write_png(path: Path, figure) -> None:
    from shapegen.files.writing import write_figure

    try:
        write_figure(path, figure, PNG_DPI, replace_link=False)
    except InputError as error:
        raise InputError(f"--png: {error}") from None
    except OSError as error:
        raise InputError(f"--png: {path} could not be written ({error.strerror})") from None


def _title_text(model: str) -> str:
    """The model argument as a figure title shows it: its undecodable bytes and control
    characters escaped, a `$` literal (matplotlib would read `$...$` as mathtext)."""
    return one_line(model).replace("$", r"\$")


def _variant_of(path: Path) -> str | None:
    """The variant whose folder under data/models holds the file, if any."""
    try:
        relative = path.resolve().relative_to(paths.MODELS_DIR.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop of links
        return None
    return relative.parts[0] if len(relative.parts) > 1 else None


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        return False


def _metrics_of(variant: str | None, path: Path, updates: int) -> tuple[str, dict]:
    """Where the pipeline's metrics of this model are, and their values (flat)."""
    if variant is None:
        return "none (the pipeline scores the models of its variants)", {}
    if _same_file(path, paths.model_file(variant)):
        source = paths.metrics_file(variant)
        if not source.exists():
            return f"not computed yet ({source}: run `dvc repro`)", {}
        metrics = read_json_object(source, "metrics file", METRICS_MAX_BYTES, METRICS_MAX_DEPTH)
        with reading(source, "metrics file"):
            return str(source), _flat(metrics, str(source))
    curve = paths.learning_curve_file(variant)
    if curve.exists():
        with reading(curve, "learning curve"):
            row = _curve_row(curve, updates)
        if row is not None:
            return f"{curve} (the checkpoint's row)", row
    return f"none for this checkpoint ({curve} has no row of {updates:,} updates)", {}


def _curve_row(curve: Path, updates: int) -> dict | None:
    """The learning curve's row of `updates`, every row read checked: every value a finite
    number, train_updates whole."""
    data = read_input(curve, "learning curve", METRICS_MAX_BYTES)
    lines = decode_text(data, str(curve), "a TSV table").splitlines()
    try:
        return _row_of(curve, csv.reader(lines, delimiter="\t"), updates)
    except csv.Error as error:
        raise InputError(f"{curve}: not a TSV table ({shown(str(error))})") from None


def _row_of(curve: Path, reader: Iterator[list[str]], updates: int) -> dict | None:
    header = next(reader, [])
    if "train_updates" not in header:
        raise InputError(f"{curve}: header {shown(header)}; expected a train_updates column")
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise InputError(
                f"{curve}: line {number} has {len(cells)} cells; expected {len(header)}"
            )
        row = dict(zip(header, (_finite(cell, curve, number) for cell in cells), strict=True))
        if not float(row["train_updates"]).is_integer():
            raise InputError(
                f"{curve}: line {number}: train_updates {row['train_updates']!r}; expected a "
                "whole number"
            )
        row["train_updates"] = int(row["train_updates"])
        if row["train_updates"] == updates:
            return row
    return None


def _finite(cell: str, source: Path, line: int) -> float:
    try:
        value = float(cell) if len(cell) <= MAX_NUMBER_CHARS else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(f"{source}: line {line}: {shown(cell)}; expected a finite number")
    return value


def _flat(values: dict, source: str, prefix: str = "") -> dict:
    """A metrics object's numbers (or nulls: a metric with nothing to measure) by dotted
    name; InputError for anything else."""
    flat = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flat(value, source, f"{prefix}{key}."))
        elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            flat[f"{prefix}{key}"] = value
        else:
            name = shown(f"{prefix}{key}")
            raise InputError(f"{source}: {name} is {shown(value)}; expected a number or null")
    return flat


def _number_text(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4g}"
    return f"{int(value):,}" if isinstance(value, int | float) else str(value)


def _framing_text(framing: str) -> str:
    if framing == "point":
        return "point (the chapter: each point on its own, no memory between corners)"
    return "sequence (each shape one sequence: the LSTM carries its state from corner to corner)"


def _head_text(network: Network) -> str:
    if network.head == "categorical":
        given = "asked for a family" if network.conditional else "picks the family itself"
        return (
            f"categorical: each coordinate of a move a softmax over {network.bins} bins, the "
            f"end a class of its own ({given}, each head with a ReLU layer of "
            f"{network.hidden_units})"
        )
    if network.mixture is None:
        return "point (the next point itself, MAE; deterministic)"
    spec = network.mixture
    support = "truncated to the unit square" if spec.support == "unit_square" else "unbounded"
    return f"mixture of {spec.n_components} Gaussians, {support} (sampled at a temperature)"


if __name__ == "__main__":
    main()
