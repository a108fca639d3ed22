"""Speed of shapegen against the chapter's loop, measured in one run on this machine.

Run with `make bench`. Prints a table and, as its last line,
`train_speedup=<x> generate_speedup=<y>` (per update and per rectangle), and writes the
table into docs/performance.md (its headline figures into docs/results/speed.json, which
the report stage reads). Start-up figures
and the shapes variants' stages are measured against `python -c "import tensorflow"` in
the same run (wall times on these machines vary 2x from run to run; ratios much less).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shapegen import paths
from shapegen.config.validation import load_params
from shapegen.data.rectangles_h5 import make_dataset, write_dataset
from shapegen.files.keras_archive import save_model
from shapegen.reporting.regions import markdown_table, rewrite_regions
from shapegen.reporting.results import machine_description
from shapegen.sampling.loading import load_generator
from shapegen.training.chapter import chapter_model, fit_one_rectangle_at_a_time, generate_rectangle
from shapegen.training.loop import train_variant

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("src", "pipeline", "dvc.yaml", "params.yaml", ".dvcignore", "README.md", "docs")
TARGETS = {  # issues 3 and 10's targets on a 2-core CPU machine
    "train_seconds": 1.5,
    "generate_seconds": 0.1,
    "dataset_seconds": 3.0,
    "repro_seconds": 45.0,  # the chapter's stages: the rectangles' (issue 3)
}
# Issue 10's start-up targets, as fractions of `import tensorflow` in the same run (the
# stages' one on the rectangles' stages, for which it was set).
SAMPLE_COMMAND_TO_TF_IMPORT = 0.5
STAGES_BUT_TRAIN_TO_TF_IMPORT = 3.0
# Issue 18's targets, as multiples of `import tensorflow` in the same run: each shapes
# variant's train stage (the point framing's, without memory, cheaper), each shapes
# evaluate stage, and the whole `dvc repro --force`.
SHAPES_TRAIN_TO_TF_IMPORT = {"sequence": 25.0, "point": 12.0}
SHAPES_EVALUATE_TO_TF_IMPORT = 5.0
REPRO_TO_TF_IMPORT = 85.0
SAMPLE_COMMAND = ["shapegen", "sample", "mixture", "-n", "16", "--format", "json"]
TF_IMPORT_COMMAND = [sys.executable, "-c", "import tensorflow"]
STARTUP_RUNS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter-updates", type=int, default=200)
    parser.add_argument("--chapter-rectangles", type=int, default=20)
    parser.add_argument("--generated", type=int, default=10_000)
    parser.add_argument("--dataset-size", type=int, default=1_000_000)
    parser.add_argument(
        "--skip-repro", action="store_true", help="skip `dvc repro --force` and the start-up"
    )
    return parser.parse_args()


def seconds(function, *args):
    """Wall seconds of one call, and its result."""
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def median_wall_seconds(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Median wall time of STARTUP_RUNS fresh processes running `command`."""
    times = []
    for _ in range(STARTUP_RUNS):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_repro() -> tuple[dict[str, float], float, dict[str, float]]:
    """`dvc repro --force` of the default pipeline in a fresh copy: seconds per stage and in
    all; then, in that project, the cold start of `shapegen sample` and of TensorFlow."""
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        for name in PROJECT_FILES:
            source = ROOT / name
            copy = shutil.copytree if source.is_dir() else shutil.copy
            copy(source, repo / name)
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "DVC_NO_ANALYTICS": "1",
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.invalid",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        }
        for command in (["git", "init", "-q"], ["dvc", "init", "-q"]):
            subprocess.run(command, cwd=repo, env=env, check=True)
        stages: dict[str, float] = {}
        started = time.perf_counter()
        process = subprocess.Popen(
            ["dvc", "repro", "--force"],
            cwd=repo,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        current, since = None, started
        for line in process.stdout:
            if line.startswith("Running stage '"):
                now = time.perf_counter()
                if current is not None:
                    stages[current] = now - since
                current, since = line.split("'")[1], now
        if process.wait() != 0:
            raise SystemExit("dvc repro --force failed")
        total = time.perf_counter() - started
        stages[current] = time.perf_counter() - since
        startup = {
            "tf_import": median_wall_seconds(TF_IMPORT_COMMAND, repo, env),
            "sample_command": median_wall_seconds(SAMPLE_COMMAND, repo, env),
        }
        return stages, total, startup


def on_rectangles(stage: str, params) -> bool:
    """Whether a stage is one of those issues 3 and 10 set their targets on: the params
    check, the datasets' stage and figure, and the rectangles variants' stages."""
    if "@" in stage:
        return params.variants[stage.split("@")[1]].data == "rectangles"
    return stage in ("check_params", "dataset", "dataset_gallery")


def main() -> None:
    args = parse_args()
    params = load_params(ROOT / "params.yaml")
    book = params.variants["book"]
    dataset = make_dataset(params.dataset.seed, params.dataset.n_train, params.dataset.n_test)
    rows: list[tuple[str, str]] = []

    # The chapter: one model.fit per rectangle, one model.predict per point.
    model = chapter_model(book.model.units)
    fit_one_rectangle_at_a_time(model, dataset.train[:5])  # Keras' first-call set-up
    elapsed, _ = seconds(fit_one_rectangle_at_a_time, model, dataset.train[: args.chapter_updates])
    chapter_update = elapsed / args.chapter_updates
    rows.append(("chapter: model.fit per rectangle", f"{1e3 * chapter_update:.1f} ms per update"))
    generate_rectangle(model)
    elapsed, _ = seconds(
        lambda: [generate_rectangle(model) for _ in range(args.chapter_rectangles)]
    )
    chapter_rectangle = elapsed / args.chapter_rectangles
    rows.append(
        ("chapter: model.predict per point", f"{1e3 * chapter_rectangle:.1f} ms per rectangle")
    )

    # shapegen's compiled trainer on the default updates, compilation included.
    n_updates = len(dataset.train) * book.train.passes
    train_seconds, (model, result) = seconds(train_variant, book, dataset.train)
    ours_update = train_seconds / n_updates
    rows.append(
        (
            f"shapegen: train {n_updates:,} updates",
            f"{train_seconds:.2f} s wall (compile {result.compile_seconds:.2f} s, "
            f"updates {result.update_seconds:.2f} s = "
            f"{1e6 * result.update_seconds / n_updates:.1f} us per update)",
        )
    )

    # Generation runs the trained network in numpy (shapegen.sampling.rectangle_generator),
    # read from its file.
    mixture = params.variants["mixture"]
    _, (mixture_model, _) = seconds(train_variant, mixture, dataset.train)
    generators = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, trained in (("book", model), ("mixture", mixture_model)):
            save_model(trained, Path(folder) / f"{name}.keras")
            generators[name] = load_generator(Path(folder) / f"{name}.keras")
    rng = np.random.default_rng(0)
    generate_seconds = {}
    for name, generator in generators.items():
        cold, _ = seconds(generator.generate_batch, args.generated, rng, 1.0)
        warm, _ = seconds(generator.generate_batch, args.generated, rng, 1.0)
        generate_seconds[name] = cold
        rows.append(
            (
                f"shapegen: generate {args.generated:,} rectangles ({name}, numpy)",
                f"{cold:.3f} s first call, {warm:.3f} s after",
            )
        )
    cold_seconds = max(generate_seconds.values())

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rectangles.h5"
        dataset_seconds, _ = seconds(
            lambda: write_dataset(path, make_dataset(1, args.dataset_size, params.dataset.n_test))
        )
        size_mb = path.stat().st_size / 1e6
    rows.append(
        (
            f"dataset stage: {args.dataset_size:,} rectangles",
            f"{dataset_seconds:.2f} s, {size_mb:.1f} MB",
        )
    )

    rectangles_repro_seconds = None
    startup_checks = []
    if not args.skip_repro:
        stages, total_seconds, startup = time_repro()
        for stage, stage_seconds in stages.items():
            rows.append((f"dvc repro --force: {stage}", f"{stage_seconds:.1f} s"))
        rows.append(("dvc repro --force: total", f"{total_seconds:.1f} s"))
        chapter = {stage: value for stage, value in stages.items() if on_rectangles(stage, params)}
        rectangles_repro_seconds = sum(chapter.values())
        rows.append(
            ("dvc repro --force: the rectangles' stages", f"{rectangles_repro_seconds:.1f} s")
        )
        but_train = sum(value for stage, value in chapter.items() if not stage.startswith("train@"))
        tf_import = startup["tf_import"]
        rows.append(("dvc repro --force: the rectangles' stages but train@*", f"{but_train:.1f} s"))
        rows.append(('`python -c "import tensorflow"` (median of 5)', f"{tf_import:.2f} s"))
        rows.append(
            (f"`{' '.join(SAMPLE_COMMAND)}` (median of 5)", f"{startup['sample_command']:.2f} s")
        )
        startup_checks = [
            (
                "sample command / import tensorflow",
                startup["sample_command"] / tf_import,
                SAMPLE_COMMAND_TO_TF_IMPORT,
            ),
            (
                "rectangles' stages but train@* / import tensorflow",
                but_train / tf_import,
                STAGES_BUT_TRAIN_TO_TF_IMPORT,
            ),
        ]
        for stage, value in stages.items():
            if on_rectangles(stage, params) or "@" not in stage:
                continue
            kind, variant = stage.split("@")
            if kind == "train":
                target = SHAPES_TRAIN_TO_TF_IMPORT[params.variants[variant].model.framing]
            elif kind == "evaluate":
                target = SHAPES_EVALUATE_TO_TF_IMPORT
            else:
                continue
            startup_checks.append((f"{stage} / import tensorflow", value / tf_import, target))
        startup_checks.append(
            ("dvc repro --force / import tensorflow", total_seconds / tf_import, REPRO_TO_TF_IMPORT)
        )

    train_speedup = chapter_update / ours_update
    generate_speedup = chapter_rectangle / (cold_seconds / args.generated)
    rows.append(("speed-up per update (wall incl. compile)", f"{train_speedup:,.0f}x"))
    rows.append(("speed-up per generated rectangle (first call)", f"{generate_speedup:,.0f}x"))

    checks = {
        "train_seconds": train_seconds,
        "generate_seconds": cold_seconds,
        "dataset_seconds": dataset_seconds,
        "repro_seconds": rectangles_repro_seconds,
    }
    for name, value in checks.items():
        if value is not None:
            verdict = "met" if value <= TARGETS[name] else "MISSED"
            rows.append((f"target {name} <= {TARGETS[name]}", f"{value:.2f} {verdict}"))
    for name, ratio, target in startup_checks:
        verdict = "met" if ratio <= target else "MISSED"
        rows.append((f"target {name} <= {target}", f"{ratio:.2f} {verdict}"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    machine = machine_description()
    rewrite_regions(
        ROOT / paths.PERFORMANCE_DOC,
        {"speed": f"`make bench` on {machine}:\n\n" + markdown_table(("measured", "figure"), rows)},
    )
    if not args.skip_repro:
        (ROOT / paths.SPEED_RESULTS_FILE).write_text(
            json.dumps(
                {
                    "machine": machine,
                    "repro_seconds": total_seconds,
                    "tf_import_seconds": tf_import,
                    "train_speedup": train_speedup,
                    "chapter_update_seconds": chapter_update,
                },
                indent=2,
            )
            + "\n"
        )
    print(f"train_speedup={train_speedup:.0f} generate_speedup={generate_speedup:.0f}")


if __name__ == "__main__":
    main()
