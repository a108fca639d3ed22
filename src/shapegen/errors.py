"""The one exception type for mistakes a user can make (params, input files)."""


class InputError(ValueError):
    """A user-caused problem, reported as one line without a traceback.

    The message says which input, what value was found and what was expected. A
    ValueError, so that Python callers of the API can catch it as the usual kind.
    """
