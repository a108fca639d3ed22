"""After `dvc repro` (the end of `make repro`): are the outputs the committed bytes?

If dvc.lock is unchanged, every output is. Otherwise say why they may differ (params or
code changed since the commit, or a machine outside docs/reproducibility.md's contract),
which outputs changed, and which metrics moved and by how much, against their spread
across weight seeds (docs/results/seeds.json, written by `make seeds`).
"""

import json
import platform
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from shapegen import numerics, paths
from shapegen.evaluation.drift import changed_metrics, drift_lines

ROOT = Path(__file__).resolve().parents[1]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def stages(lock_text: str) -> dict[str, dict]:
    """A dvc.lock's stages by name."""
    return (YAML(typ="safe", pure=True).load(lock_text) or {}).get("stages", {})


def output_hashes(lock: dict[str, dict]) -> dict[str, str]:
    """Each output path of a dvc.lock's stages and its md5."""
    return {out["path"]: out.get("md5", "") for stage in lock.values() for out in stage["outs"]}


def changed_inputs(old: dict[str, dict], new: dict[str, dict]) -> list[str]:
    """The stages whose code, data files or params differ, as DVC recorded them; a dep
    that is another stage's output is left out (it moves with the machine)."""
    produced = set(output_hashes(new))

    def inputs(stage: dict) -> tuple:
        deps = {dep["path"]: dep.get("md5") for dep in stage.get("deps", [])}
        own = {
            path: md5
            for path, md5 in deps.items()
            if not any(path == out or path.startswith(f"{out}/") for out in produced)
        }
        return own, stage.get("params")

    return sorted(name for name, stage in new.items() if inputs(stage) != inputs(old.get(name, {})))


def inside_contract() -> bool:
    """Whether this machine is one the bytes are promised on: x86-64 with AVX2."""
    if platform.machine().lower() not in numerics.X86_64:
        return False
    try:
        return " avx2 " in Path("/proc/cpuinfo").read_text().replace("\n", " ")
    except OSError:
        return False


def main() -> None:
    try:
        committed = git("show", "HEAD:dvc.lock")
    except (OSError, subprocess.CalledProcessError):
        print("make repro: no committed dvc.lock to compare the outputs with (not a git clone)")
        return
    current = (ROOT / "dvc.lock").read_text()
    if current == committed:
        print("make repro: every output is the committed bytes (dvc.lock unchanged)")
        return
    old_stages, new_stages = stages(committed), stages(current)
    old, new = output_hashes(old_stages), output_hashes(new_stages)
    moved = sorted(path for path in new if old.get(path) != new[path])
    inputs = changed_inputs(old_stages, new_stages)
    if not moved:
        print(
            "make repro: every output is the committed bytes; dvc.lock records other code, "
            f"data or params for {len(inputs)} stages ({', '.join(inputs)})"
        )
        return
    print(f"make repro: {len(moved)} outputs differ from the commit: {', '.join(moved)}")
    if inputs:
        print(
            f"  the code, data or params of {len(inputs)} stages differ from the commit's "
            f"({', '.join(inputs)}): the outputs follow them"
        )
    elif inside_contract():
        print(
            "  with the committed params and code, on x86-64 with AVX2: on the commit's CPU "
            "model that is a bug, please report it; on another model the LSTM sequence models "
            "may differ yet (docs/reproducibility.md)"
        )
    else:
        print(
            f"  this machine ({platform.machine()}) is outside the byte-identical contract "
            "(docs/reproducibility.md): compare the metrics below with the seeds' spread"
        )
    diff = subprocess.run(
        [sys.executable, "-m", "dvc", "metrics", "diff", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if diff.returncode != 0:
        print(f"  dvc metrics diff failed: {diff.stderr.strip()}", file=sys.stderr)
        return
    spreads_file = ROOT / paths.SEEDS_RESULTS_FILE
    spreads = json.loads(spreads_file.read_text()) if spreads_file.exists() else {}
    lines = drift_lines(changed_metrics(json.loads(diff.stdout or "{}")), spreads)
    for line in lines or ["no metric changed"]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
