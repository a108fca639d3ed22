"""Generated regions of the README and docs/: every figure a run produced reaches them
through here, never by hand.

A region is the text between `<!-- generated: NAME -->` and `<!-- /generated: NAME -->`.
The report stage (pipeline/report.py) rewrites the regions that come from the pipeline's
outputs; `make bench` and `make seeds` rewrite those in docs/performance.md. Text outside
the regions is the authors'; inside, a hand edit is undone by the next run.
"""

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from shapegen.errors import InputError
from shapegen.files.writing import write_bytes

BEGIN, END = "<!-- generated: {} -->", "<!-- /generated: {} -->"
_REGION = re.compile(r"<!-- generated: ([a-z0-9-]+) -->\n(.*?)<!-- /generated: \1 -->", re.DOTALL)


def region_names(text: str) -> list[str]:
    """The names of the generated regions in a text, in order."""
    return [match.group(1) for match in _REGION.finditer(text)]


def replace_regions(text: str, contents: Mapping[str, str]) -> str:
    """The text with each named region's inside replaced; ValueError for a name the text
    has no region of (a region is never silently dropped)."""
    missing = sorted(set(contents) - set(region_names(text)))
    if missing:
        raise ValueError(f"no generated region named {', '.join(missing)}")

    def replaced(match: re.Match) -> str:
        name = match.group(1)
        if name not in contents:
            return match.group(0)
        inside = contents[name].strip("\n")
        return f"{BEGIN.format(name)}\n{inside}\n{END.format(name)}"

    return _REGION.sub(replaced, text)


def rewrite_regions(path: Path, contents: Mapping[str, str]) -> bool:
    """Rewrite the named regions of a file in place; True if it changed. InputError if
    the file lacks a region (its markers were edited away)."""
    text = path.read_text(encoding="utf-8")
    try:
        new = replace_regions(text, contents)
    except ValueError as error:
        raise InputError(
            f"{path}: {error}; restore its <!-- generated: NAME --> and "
            "<!-- /generated: NAME --> lines (git checkout) and run again"
        ) from None
    if new != text:
        write_bytes(path, new.encode("utf-8"))
    return new != text


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; cells as str()."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def code_block(text: str, language: str = "") -> str:
    """A fenced code block."""
    return f"```{language}\n{text.rstrip()}\n```"
