"""One exception for every problem with a user's input.

The command line turns an :class:`InputError` into a one-line message and exit status 2;
library callers can catch it like any other exception.
"""


class InputError(Exception):
    """Bad input: a malformed or misspelt scenario key, a value out of range, a missing
    file, an impossible combination or an unwritable folder.

    ``str(error)`` is a single line that names the file (when there is one) and the key.
    """

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        self.source = source
        self.key = key
        self.detail = message
        parts = [p for p in (source, key) if p]
        super().__init__(": ".join([*parts, message]))
