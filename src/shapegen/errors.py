"""The one exception type for mistakes a user can make (params, input files), and how a
value from a file is shown in its message."""

import contextlib
import re
import sys

# A value read from a file is shown in a message at most this long: a crafted file could
# hold megabytes in one value, and the message is one line of a terminal.
SHOWN_CHARS = 80
# Shown escaped, so that a message stays one line whatever a file or a file name holds.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class InputError(ValueError):
    """A user-caused problem, reported as one line without a traceback.

    The message says which input, what value was found and what was expected. A
    ValueError, so that Python callers of the API can catch it as the usual kind.
    """


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """repr(value) for a message: at most `limit` characters (the rest elided) and no
    line break or control character."""
    try:
        text = one_line(repr(value))
    except ValueError:  # an int past Python's limit on digits has no repr
        return f"a whole number of {value.bit_length():,} bits"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str) -> str:
    """A message as printed: control characters, line breaks and undecodable bytes of file
    names escaped."""
    return _CONTROL.sub(lambda match: ascii(match.group())[1:-1], text)


def say_error(message: str) -> None:
    """`error: <message>` as one line on stderr; nothing if stderr is closed or fails."""
    if sys.stderr is None:  # started with stderr closed (2>&-)
        return
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"error: {one_line(message)}\n")
        sys.stderr.flush()
