"""Print why this Python cannot run shapegen, or nothing if it can.

The Makefile runs it with $(PYTHON) before creating .venv, so an unsupported Python stops
with one line instead of a failed install. It reads the supported versions from
pyproject.toml's requires-python (the one place they are written) and keeps to syntax that
old Pythons parse.
"""

import os
import re
import sys

PYPROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyproject.toml")


def supported_range(text):
    """(lowest, first unsupported) minor versions from `requires-python = ">=3.a,<3.b"`."""
    spec = re.search(r'^requires-python\s*=\s*"([^"]*)"', text, re.MULTILINE).group(1)
    lowest = re.search(r">=\s*3\.(\d+)", spec)
    above = re.search(r"<\s*3\.(\d+)", spec)
    return spec, int(lowest.group(1)), int(above.group(1))


def problem(version, text):
    spec, lowest, above = supported_range(text)
    major, minor = version[0], version[1]
    if major == 3 and lowest <= minor < above:
        return ""
    # str.format, not an f-string: this line must parse on Pythons older than 3.6.
    return (  # noqa: UP032
        "Python {0}.{1}.{2} ({3}) is not supported: shapegen runs on Python 3.{4} to 3.{5} "
        "(requires-python {6} in pyproject.toml); "
        "run make with PYTHON=python3.{4}, for example"
    ).format(version[0], version[1], version[2], sys.executable, lowest, above - 1, spec)


if __name__ == "__main__":
    with open(PYPROJECT) as file:
        message = problem(sys.version_info, file.read())
    if message:
        print(message)
