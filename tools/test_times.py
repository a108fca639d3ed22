"""How long the test suites take here: `make test-fast` and `make test`, each run and timed,
into docs/results/test_times.json. The report stage (`dvc repro`) writes the README's line
from it, as it writes the pipeline's time from `make bench`'s docs/results/speed.json.

`make time-tests`; a suite that fails stops it and nothing is written.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shapegen import paths  # noqa: E402
from shapegen.reporting.results import machine_description  # noqa: E402

SUITES = {"test_fast_seconds": ["make", "test-fast"], "test_seconds": ["make", "test"]}


def main() -> int:
    times = {}
    for key, command in SUITES.items():
        start = time.perf_counter()
        if subprocess.run(command, cwd=ROOT).returncode != 0:
            print(f"{' '.join(command)} failed: nothing written", file=sys.stderr)
            return 1
        times[key] = round(time.perf_counter() - start, 1)
    times["machine"] = machine_description()
    path = ROOT / paths.TEST_TIMES_FILE
    path.write_text(json.dumps(times, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{paths.TEST_TIMES_FILE}: {times}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
