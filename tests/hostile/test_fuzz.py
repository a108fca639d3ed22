"""The readers fuzzed with hypothesis (tests/hostile/fuzz.py), each search in a process of
its own under the suite's memory cap and a time cap: every mutated file reads, or is
refused in one line that is not the bug-report fallback."""

import pytest

from . import craft
from .conftest import ROOT, record
from .harness import PYTHON, run_capped

# Examples per search. A file that reaches HDF5 costs a process of its own (the structure
# walk, shapegen.files.hdf5): about a tenth of a second an example.
EXAMPLES = {"archive": 300, "weights": 300, "config": 200, "data": 300, "params": 1000}


@pytest.fixture(scope="module")
def templates(models, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "model.keras").write_bytes(models["mixture"])
    craft.small_rectangles_file(folder / "rectangles.h5")
    return folder


@pytest.mark.parametrize("target", EXAMPLES)
def test_a_fuzzed_file_reads_or_is_refused_in_one_line(templates, target):
    command = [PYTHON, "-m", "tests.hostile.fuzz", target, str(EXAMPLES[target]), str(templates)]
    outcome = run_capped(command, ROOT, seconds=240)
    record(f"fuzz {target}", outcome)
    assert not outcome.timed_out, outcome.stderr[-3000:]
    assert outcome.returncode == 0, outcome.stderr[-5000:]
