"""The dependency lock: one universal constraints.txt, checked for every supported platform.

    python tools/pins.py lock    # resolve pyproject.toml's pins for every platform at once
    python tools/pins.py check   # resolve them again per platform and Python, wheels only

pip's `--platform` evaluates environment markers for the machine it runs on, so it cannot
tell whether a lock installs elsewhere; uv resolves for a target platform and Python
without having them. `check` passes when, for each supported platform and each Python that
requires-python admits, every package resolves to a wheel for that platform and is pinned
by constraints.txt. It needs the package index.
"""

import concurrent.futures
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = "constraints.txt"
# Where TensorFlow 2.21 publishes wheels and shapegen's Makefile runs (uv's target names).
PLATFORMS = {
    "Linux x86_64": "x86_64-unknown-linux-gnu",
    "Linux aarch64": "aarch64-unknown-linux-gnu",
    "macOS arm64": "aarch64-apple-darwin",
}
# Published as source only, and pure Python (it builds without a compiler anywhere):
# antlr4-python3-runtime 4.9.3, which hydra-core 1.3 pins; DVC parses `exp run -S` with it.
SOURCE_ONLY = ("antlr4-python3-runtime",)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")


def python_versions() -> list[str]:
    """Every 3.x that pyproject.toml's requires-python admits."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    spec = SpecifierSet(project["requires-python"])
    return [f"3.{minor}" for minor in range(30) if f"3.{minor}" in spec]


def wheel_options() -> list[str]:
    options = ["--only-binary", ":all:"]
    for name in SOURCE_ONLY:
        options += ["--no-binary", name]
    return options


def compile_command(*options: str) -> list[str]:
    uv = Path(sys.executable).with_name("uv")
    return [str(uv), "pip", "compile", "pyproject.toml", "--extra", "dev", *options]


def lock() -> None:
    lowest = python_versions()[0]
    command = compile_command("--universal", "--python-version", lowest, *wheel_options())
    subprocess.run([*command, "-o", LOCK], cwd=ROOT, check=True)


def pins(text: str) -> set[tuple[str, str]]:
    """(name, version) of every `name==version` line, markers ignored."""
    found = set()
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found.add((canonicalize_name(match.group(1)), match.group(2)))
    return found


def check_one(target: str, version: str, locked: set[tuple[str, str]]) -> str:
    """'' if the pins resolve for this platform and Python, else why not."""
    command = compile_command(
        "--python-platform", target, "--python-version", version, *wheel_options(),
        "-c", LOCK, "--no-header", "--no-annotate",
    )  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        return f"does not resolve ({lines[-1] if lines else 'uv failed'})"
    unpinned = sorted(f"{name}=={v}" for name, v in pins(result.stdout) - locked)
    if unpinned:
        return f"not pinned by {LOCK}: {', '.join(unpinned)}"
    return ""


def check() -> int:
    locked = pins((ROOT / LOCK).read_text())
    runs = [(platform, version) for platform in PLATFORMS for version in python_versions()]
    # Each resolution waits on the index, not the CPU: run them side by side.
    with concurrent.futures.ThreadPoolExecutor(len(runs)) as pool:
        problems = pool.map(lambda run: check_one(PLATFORMS[run[0]], run[1], locked), runs)
    passed = 0
    for (platform, version), problem in zip(runs, problems, strict=True):
        passed += not problem
        outcome = problem or f"resolves; wheels only (source: {', '.join(SOURCE_ONLY)})"
        print(f"{platform}, Python {version}: {outcome}")
    print(f"pins_resolved={passed}/{len(runs)}")
    return 0 if passed == len(runs) else 1


if __name__ == "__main__":
    commands = {"lock": lambda: lock() or 0, "check": check}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        print(f"usage: python tools/pins.py {{{','.join(commands)}}}", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(commands[sys.argv[1]]())
