"""The README's table of the shapes variants' metrics, written from the pipeline's outputs.

`python tools/shapes_table.py` (after `dvc repro`) replaces the lines between the README's
`<!-- shapes-table -->` and `<!-- /shapes-table -->` with the table made from
data/metrics/details/<variant>.json, beside the mixture heads' metrics that came before
(docs/results/mixture-heads/<variant>.json: the pipeline's files at commit 8f98b10, copied
with `git show`); `--check` exits 1 if the README differs from it. No number in the table
is typed by hand.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN, END = "<!-- shapes-table -->", "<!-- /shapes-table -->"
VARIANTS = ("families", "families_conditional", "families_point")
OLD_HEADS = "docs/results/mixture-heads"
# The table's columns: (heading, where its metrics are, the variant).
COLUMNS = (
    ("`families`, mixture heads", OLD_HEADS, "families"),
    ("`families`", "data/metrics/details", "families"),
    ("`families_conditional`, mixture heads", OLD_HEADS, "families_conditional"),
    ("`families_conditional`", "data/metrics/details", "families_conditional"),
    ("`families_point` (no memory)", "data/metrics/details", "families_point"),
)
FAMILIES = ("rectangle", "rotated_rectangle", "regular_polygon")


def _number(value, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _largest_w1(w1: dict) -> str:
    name, value = max(
        (
            (f"{family} {parameter}", value)
            for family, of in w1.items()
            for parameter, value in of.items()
        ),
        key=lambda item: -1 if item[1] is None else item[1],
    )
    return f"{_number(value)} ({name})"


def table(root: Path) -> str:
    """The Markdown table of the shapes variants' metrics, targets in brackets."""
    metrics = [
        json.loads((root / folder / f"{name}.json").read_text()) for _, folder, name in COLUMNS
    ]
    # A density's NLL (the mixture heads') and a softmax's over bins are not on one scale.
    metrics = [
        {**m, "heldout_nll": None} if folder == OLD_HEADS else m
        for (_, folder, _), m in zip(COLUMNS, metrics, strict=True)
    ]
    ours = {
        name: m
        for (_, folder, name), m in zip(COLUMNS, metrics, strict=True)
        if folder != OLD_HEADS
    }
    floor, old = ours["families"], metrics[0]
    rows = [
        ("`invalid_fraction` (<= 0.01)", lambda m: _number(m["invalid_fraction"], 4), "0"),
        (
            "`family_share` rect / rotated / polygon",
            lambda m: " / ".join(_number(m["family_share"][f]) for f in FAMILIES),
            "",
        ),
        (
            "`family_tv` (<= 0.02)",
            lambda m: _number(m["family_tv"], 4),
            _number(floor["family_tv_floor"], 4),
        ),
        (
            "`fit_error_p95` rect / rotated / polygon (<= 0.01)",
            lambda m: " / ".join(_number(m["fit_error_p95"][f], 4) for f in FAMILIES),
            "0",
        ),
        ("largest `w1` (<= 0.02)", lambda m: _largest_w1(m["w1"]), _largest_w1(floor["w1_floor"])),
        (
            "`sides_tv` (<= 0.025)",
            lambda m: _number(m["sides_tv"], 4),
            _number(floor["sides_tv_floor"], 4),
        ),
        (
            "`conditional_accuracy_by_family` rect / rotated / polygon (>= 0.99 / 0.99 / 0.97)",
            lambda m: (
                " / ".join(_number(m["conditional_accuracy_by_family"][f]) for f in FAMILIES)
                if "conditional_accuracy_by_family" in m
                else ""
            ),
            "1",
        ),
        (
            "polygons asked for: `requested.regular_polygon.invalid_fraction` (<= 0.03)",
            lambda m: (
                _number(m["requested"]["regular_polygon"]["invalid_fraction"], 4)
                if "requested" in m
                else ""
            ),
            "0",
        ),
        (
            "`heldout_nll` (nats per shape; the mixture heads' is a density's: not comparable)",
            lambda m: _number(m["heldout_nll"], 2),
            "",
        ),
    ]
    lines = [
        f"Measured by `dvc repro` with the default params ({floor['n_generated']:,} shapes drawn "
        "at temperature 1 against the test split; the mixture heads': "
        f"{old['n_generated']:,} shapes, issue 11's models; `families_point`'s NLL is per move; "
        "the last column: the dataset's own process, `*_floor`):",
        "",
        "| metric | " + " | ".join(heading for heading, _, _ in COLUMNS) + " | a perfect sampler |",
        "|---" * (len(COLUMNS) + 2) + "|",
    ]
    for label, cell, perfect in rows:
        lines.append(f"| {label} | " + " | ".join(cell(m) for m in metrics) + f" | {perfect} |")
    return "\n".join(lines)


def with_table(text: str, made: str) -> str:
    begin, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:begin] + "\n" + made + "\n" + text[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the README is stale")
    args = parser.parse_args()
    current = README.read_text(encoding="utf-8")
    wanted = with_table(current, table(ROOT))
    if args.check:
        if current != wanted:
            print(
                "README.md's shapes table is stale: run `python tools/shapes_table.py`",
                file=sys.stderr,
            )
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
