"""One exception for every problem with a user's input.

The command line turns an :class:`InputError` into a one-line message and exit status 2;
library callers can catch it like any other exception. :func:`did_you_mean` is the one
place that suggests the nearest valid name for a misspelt one.
"""

from __future__ import annotations

import difflib


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


def nearest(word: str, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (``difflib``'s ratio at least ``cutoff``), or None.

    >>> nearest("adoption.pp", ["adoption.p", "adoption.q"])
    'adoption.p'
    >>> nearest("xyz", ["adoption.p"]) is None
    True
    """
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, candidates, cutoff: float = 0.6) -> str:
    """``" (did you mean 'x'?)"`` for the candidate nearest to ``word``, or ``""``: the
    tail of every "unknown ..." message.

    >>> "unknown format 'latx'" + did_you_mean("latx", ["md", "csv", "latex"])
    "unknown format 'latx' (did you mean 'latex'?)"
    """
    best = nearest(word, candidates, cutoff)
    return f" (did you mean '{best}'?)" if best else ""
