"""What DVC shows a user of this project, measured on the committed, reproduced pipeline.

Prints the width of `dvc metrics show`, the seconds of a team's round trip through a
local-folder DVC remote (`dvc push` from a clone of this repository, then in a second clone
`dvc pull`, `dvc status` and a `dvc repro` that runs nothing) and, after one
`dvc exp run -S evaluate.seed=3` there (about 2 minutes: the evaluate stages), the widths of
`dvc exp show --only-changed` (as wide as its cells, on a terminal that wide) and of
`dvc exp diff`. Run after `make repro` with everything committed
(`python benchmarks/dvc_views.py`).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# exp show draws a rich table that shrinks to the terminal: measured on a very wide one.
WIDE = {"COLUMNS": "100000"}


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[str, float]:
    """stdout of a command that must succeed, and its wall seconds."""
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DVC_NO_ANALYTICS": "1",
        **(env or {}),
    }
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout, seconds


def widest(text: str) -> int:
    """The longest line, rules of box characters (drawn as wide as the terminal) aside."""
    return max(len(line.rstrip()) for line in text.splitlines() if set(line.strip()) != {"─"})


def main() -> None:
    table, _ = run(["dvc", "metrics", "show"], ROOT)
    print(f"dvc_metrics_show_columns={widest(table)}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        origin, storage = folder / "origin.git", folder / "storage"
        run(["git", "clone", "-q", "--bare", str(ROOT), str(origin)], folder)
        first = folder / "first"
        run(["git", "clone", "-q", str(origin), str(first)], folder)
        # The first clone takes its outputs from this checkout's cache, as the user who
        # ran the pipeline has them.
        run(["dvc", "cache", "dir", str(ROOT / ".dvc" / "cache")], first)
        run(["dvc", "checkout", "-q"], first)
        run(["dvc", "remote", "add", "-d", "storage", str(storage)], first)
        _, push = run(["dvc", "push"], first)
        print(f"dvc_push_seconds={push:.1f}")
        stored = sum(path.stat().st_size for path in storage.rglob("*") if path.is_file())
        print(f"remote_megabytes={stored / 1e6:.1f}")
        second = folder / "second"
        run(["git", "clone", "-q", str(origin), str(second)], folder)
        run(["dvc", "remote", "add", "-d", "storage", str(storage)], second)
        _, pull = run(["dvc", "pull"], second)
        print(f"dvc_pull_seconds={pull:.1f}")
        status, status_seconds = run(["dvc", "status"], second)
        print(f"dvc_status_seconds={status_seconds:.1f} ({status.strip()})")
        repro, repro_seconds = run(["dvc", "repro"], second)
        ran = repro.count("Running stage")
        print(f"dvc_repro_noop_seconds={repro_seconds:.1f} (stages run: {ran})")
        _, experiment = run(["dvc", "exp", "run", "-n", "seed3", "-S", "evaluate.seed=3"], first)
        print(f"dvc_exp_run_seconds={experiment:.1f}")
        shown, _ = run(["dvc", "exp", "show", "--only-changed", "--no-pager"], first, WIDE)
        print(f"dvc_exp_show_only_changed_columns={widest(shown)}")
        # The README's narrowed view: the mixture's figures only.
        drop = "params.yaml|conditional_accuracy|data/metrics/families"
        narrowed, _ = run(
            ["dvc", "exp", "show", "--only-changed", "--no-pager", "--drop", drop], first, WIDE
        )
        print(f"dvc_exp_show_mixture_columns={widest(narrowed)}")
        diff, _ = run(["dvc", "exp", "diff", "HEAD", "seed3"], first)
        print(f"dvc_exp_diff_columns={widest(diff)}")


if __name__ == "__main__":
    main()
