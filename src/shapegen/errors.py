"""The one exception type for mistakes a user can make (params, input files)."""


class InputError(Exception):
    """A user-caused problem, reported as one line without a traceback.

    The message says which input, what value was found and what was expected.
    """
