"""Stage check_params: validate the whole of params.yaml before any stage can touch an output.

DVC deletes a stage's outputs before it runs the stage's command, and runs no stage whose
listed params did not change. This stage depends on the whole file, so any edit runs it
first; every other stage depends on its output, whose bytes never change, so a valid edit
reruns only the stages whose params changed.
"""

from shapegen import paths
from shapegen.config.params import PARAMS_FILE
from shapegen.config.validation import load_params
from shapegen.files.writing import write_bytes
from shapegen.stage import run_stage

CHECKED = (
    f"{PARAMS_FILE} passed pipeline/check_params.py. Every stage depends on this file, so\n"
    "that DVC runs the check first; its bytes are the same for every valid params file.\n"
)


def main() -> None:
    load_params()
    write_bytes(paths.PARAMS_CHECK_FILE, CHECKED.encode())
    print(f"{PARAMS_FILE}: valid")


if __name__ == "__main__":
    run_stage(main)
