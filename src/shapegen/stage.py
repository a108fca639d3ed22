"""What every stage script shares: its command line and one-line errors for user mistakes."""

import argparse
import sys
from collections.abc import Callable

import shapegen
from shapegen.errors import InputError, say_error
from shapegen.numerics import check_pinned


def run_stage(main: Callable[[], None]) -> None:
    """Run a stage; a user's mistake prints one line to stderr and exits with status 2.

    Anything else is a bug in shapegen and keeps its traceback. The numerics must have
    been pinned before numpy or TensorFlow loaded; a setting of the user's that the pin
    replaced is said on stderr.
    """
    check_pinned(shapegen.LOADED_BEFORE_PIN)
    for note in shapegen.NUMERICS_NOTES if sys.stderr is not None else ():
        print(f"note: {note} (byte-identical outputs: docs/reproducibility.md)", file=sys.stderr)
    try:
        main()
    except InputError as error:
        say_error(str(error))
        raise SystemExit(2) from None


def parse_variant(description: str) -> str:
    """The variant name given as the stage script's one argument."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("variant", help="a key under `variants` in params.yaml")
    return parser.parse_args().variant
