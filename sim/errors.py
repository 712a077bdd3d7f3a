"""One exception for every problem with a user's input.

The command line turns an :class:`InputError` into a one-line message and exit status 2;
library callers can catch it like any other exception. :func:`did_you_mean` is the one
place that suggests the nearest valid name for a misspelt one, and :func:`shown` the one
place that makes a user's text safe to echo: whatever a file, key or value holds (a
newline, a NUL byte, ten megabytes), the message stays one line of bounded length.
"""

from __future__ import annotations

import difflib

MAX_SHOWN = 80
"""Longest key or value echoed in a message (characters, the cut marker included)."""

MAX_SOURCE = 200
"""Longest file name echoed at the start of a message."""

MAX_LINE = 500
"""Longest message of an :class:`InputError` (characters)."""

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: object, limit: int = MAX_SHOWN) -> str:
    r"""``text`` made safe to echo in a one-line message: characters that are not
    printable are escaped (a newline becomes ``\n``, a NUL byte ``\x00``), and text longer
    than ``limit`` keeps its start and end around a marker saying how long it was.

    >>> shown("a.b\nc")
    'a.b\\nc'
    >>> shown("k" * 1000 + "end", 40)
    'kkkkkkkkkkkkkk...kend (1,003 characters)'
    """
    raw = str(text)
    if len(raw) <= limit and raw.isprintable():
        return raw
    head, tail = _safe(raw[:limit]), _safe(raw[-limit:])
    if len(raw) <= limit and len(head) <= limit:
        return head
    note = f" ({len(raw):,} characters)"
    room = max(limit - len(note) - 3, 2)
    keep_tail = min(room // 4, len(tail))
    return head[: room - keep_tail] + "..." + tail[len(tail) - keep_tail :] + note


def _safe(text: str) -> str:
    return "".join(c if c.isprintable() else _ESCAPES.get(c) or repr(c)[1:-1] for c in text)


class InputError(Exception):
    """Bad input: a malformed or misspelt scenario key, a value out of range, a missing
    file, an impossible combination or an unwritable folder.

    ``str(error)`` is a single line that names the file (when there is one) and the key.
    """

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        self.source = source
        self.key = key
        self.detail = message
        parts = [shown(p, n) for p, n in ((source, MAX_SOURCE), (key, MAX_SHOWN)) if p]
        parts.append(shown(message, MAX_LINE - sum(len(p) + 2 for p in parts)))
        super().__init__(": ".join(parts))


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
