"""The hostile-input suite's fixtures: template files, and `refuse`, which runs a case under
the caps and checks its refusal.

Every case runs as its own process, its memory capped (harness.MEMORY_BYTES) and killed
after harness.SECONDS. A refusal is exit status 2, one line on stderr naming the input, no
traceback and no bug-report hint (the readers' last line of defence is for what this suite
has not thought of), a message documented in docs/troubleshooting.md, and no file changed
but the one the command was asked to write. The session's summary says how many cases ran
and the most memory and time any took.
"""

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from shapegen.files.reading import BUG_HINT

from . import craft
from .harness import Outcome, assert_refused, changed, run_capped, snapshot

ROOT = Path(__file__).resolve().parents[2]
TROUBLESHOOTING = ROOT / "docs" / "troubleshooting.md"
_OUTCOMES: list[tuple[str, Outcome]] = []


@pytest.fixture(scope="session")
def models(tmp_path_factory) -> dict[str, bytes]:
    """A small valid .keras file of each kind: mixture (rectangles) and categorical (shapes)."""
    folder = tmp_path_factory.mktemp("templates")
    return {kind: craft.model_bytes(folder, kind) for kind in ("mixture", "categorical")}


def documented_messages() -> list[re.Pattern]:
    """Every message docs/troubleshooting.md quotes, `<...>` standing for any text."""
    patterns = []
    rows = [line for line in TROUBLESHOOTING.read_text().splitlines() if line.startswith("|")]
    for row in rows:
        for span in re.findall(r"``(.+?)``|`([^`]+)`", row):
            text = (span[0] or span[1]).strip().removeprefix("error: ")
            parts = re.split(r"<[^<>]+>", text)
            patterns.append(re.compile(".+".join(re.escape(part) for part in parts)))
    return patterns


_DOCUMENTED = documented_messages()


def is_documented(line: str) -> bool:
    message = line.removeprefix("error: ")
    return any(pattern.fullmatch(message) for pattern in _DOCUMENTED)


@pytest.fixture
def refuse(request, tmp_path):
    """refuse(argv, expected, cwd=tmp_path, names=(), env=None): run a case, check its
    refusal (module docstring); `expected` a regex its line must contain."""

    def check(
        argv: Sequence,
        expected: str,
        cwd: Path = tmp_path,
        names: Sequence[str] = (),
        env: dict | None = None,
        watched: Path | None = None,
    ) -> Outcome:
        before = snapshot(watched or cwd)
        outcome = run_capped(argv, cwd, env=env)
        _OUTCOMES.append((request.node.name, outcome))
        assert_refused(outcome, names=names)
        line = outcome.stderr.rstrip("\n")
        assert re.search(expected, line), line
        assert BUG_HINT not in line, line
        assert is_documented(line), f"not in docs/troubleshooting.md: {line}"
        assert changed(before, snapshot(watched or cwd)) == []
        return outcome

    return check


def record(name: str, outcome: Outcome) -> None:
    """Count a case that is not a refusal (a hostile name that works) in the summary."""
    _OUTCOMES.append((name, outcome))


def pytest_terminal_summary(terminalreporter) -> None:
    if not _OUTCOMES:
        return
    memory_name, memory = max(_OUTCOMES, key=lambda item: item[1].peak_rss_bytes)
    time_name, slowest = max(_OUTCOMES, key=lambda item: item[1].wall_seconds)
    terminalreporter.write_line(
        f"hostile inputs: {len(_OUTCOMES)} capped runs; most memory "
        f"{memory.peak_rss_bytes / 2**20:.0f} MiB ({memory_name}), longest "
        f"{slowest.wall_seconds:.2f} s ({time_name})"
    )
