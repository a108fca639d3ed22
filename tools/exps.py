"""`make exps`: the experiments beside their baseline, in at most 120 columns.

`dvc exp show` gives a column to every param, metric and dependency hash: about 200 here,
so at any terminal width every cell is an ellipsis. This reads the same data
(`dvc exp show --json`) and turns the table: a column per experiment, a row per param
that an experiment changed, then a row per headline metric (data/metrics/<variant>.json),
variant by variant. Run it from the project folder, after `dvc exp run`.
"""

import json
import math
import subprocess
import sys
from collections.abc import Iterator

WIDTH = 120
LABEL = 40  # the row labels' column
CELL = 12  # each experiment's column
MAX_COLUMNS = (WIDTH - LABEL) // CELL


def flat(values: dict, prefix: str = "") -> Iterator[tuple[str, object]]:
    """Nested params as (dotted key, value)."""
    for key, value in values.items():
        if isinstance(value, dict):
            yield from flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def columns(document: list) -> list[tuple[str, dict]]:
    """(name, data) of the baseline commit and of each experiment derived from it: the
    workspace row left out (it repeats the last experiment applied, or the baseline)."""
    found = []
    for entry in document:
        if entry["rev"] == "workspace" or not entry.get("data"):
            continue
        found.append((entry.get("name") or entry["rev"][:7], entry["data"]))
        for experiment in entry.get("experiments") or []:
            for rev in experiment.get("revs") or []:
                if rev.get("data"):
                    name = rev.get("name") or experiment.get("name") or rev["rev"][:7]
                    found.append((name, rev["data"]))
    return found


def params_of(data: dict) -> dict[str, object]:
    return {
        key: value
        for file in (data.get("params") or {}).values()
        for key, value in flat(file.get("data") or {})
    }


def metrics_of(data: dict) -> dict[str, object]:
    """`<variant> <metric>` -> value, from each headline metrics file."""
    found = {}
    for path, file in (data.get("metrics") or {}).items():
        variant = path.rsplit("/", 1)[-1].removesuffix(".json")
        for key, value in flat(file.get("data") or {}):
            found[f"{variant} {key}"] = value
    return found


def cell(value: object) -> str:
    if isinstance(value, float):
        text = "nan" if math.isnan(value) else f"{value:.4g}"
    else:
        text = "-" if value is None else str(value)
    return text if len(text) < CELL else text[: CELL - 2] + "~"


def table(named: list[tuple[str, dict]]) -> str:
    """The turned table of (name, data) columns, the baseline first."""
    shown, hidden = named[:MAX_COLUMNS], len(named) - MAX_COLUMNS
    params = [params_of(data) for _, data in shown]
    metrics = [metrics_of(data) for _, data in shown]
    changed = sorted(
        key
        for key in set().union(*params)
        if len({json.dumps(p.get(key), sort_keys=True) for p in params}) > 1
    )

    def row(label: str, cells: list[str]) -> str:
        label = label if len(label) < LABEL else "~" + label[-(LABEL - 2) :]
        return (label.ljust(LABEL) + "".join(c.rjust(CELL) for c in cells)).rstrip()

    lines = [row("", [cell(name) for name, _ in shown])]
    lines.append(row("params changed" if changed else "no param changed", []))
    lines += [row(f"  {key}", [cell(p.get(key)) for p in params]) for key in changed]
    lines.append(row("headline metrics", []))
    for key in sorted(set().union(*metrics), key=lambda k: (k.split()[0], k)):
        lines.append(row(f"  {key}", [cell(m.get(key)) for m in metrics]))
    if hidden > 0:
        lines.append(f"and {hidden} older experiments: `dvc exp show --csv` lists every one")
    return "\n".join(lines)


def main() -> int:
    result = subprocess.run(
        ["dvc", "exp", "show", "--no-pager", "--json"], capture_output=True, text=True
    )
    if result.returncode != 0:
        print(result.stderr.strip() or "dvc exp show failed", file=sys.stderr)
        return result.returncode
    named = columns(json.loads(result.stdout))
    if not named:
        print("no commit with experiments here: run `dvc repro` and commit, or `dvc exp run`")
        return 1
    print(table(named))
    return 0


if __name__ == "__main__":
    sys.exit(main())
