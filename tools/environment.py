"""What a figure script or benchmark says when it is run outside the project's environment.

The scripts in ``experiments/`` and ``benchmarks/`` import NumPy, pandas, matplotlib and
``sim``, which live in ``.venv/`` (made by ``make demo``). Run with another Python they
would end in a ``ModuleNotFoundError`` traceback; instead each wraps its imports::

    from environment import needs_environment  # stdlib only: always importable

    try:
        import pandas as pd
    except ModuleNotFoundError as missing:
        needs_environment(missing)

``experiments/environment.py`` and ``benchmarks/environment.py`` are links to this file,
so the script's own folder (first on ``sys.path``) provides it.
"""

from __future__ import annotations

import sys
from typing import NoReturn


def needs_environment(missing: ModuleNotFoundError) -> NoReturn:
    """Exit with one line naming the missing module and how to run the script."""
    raise SystemExit(
        f"error: {missing}: run this with the project's Python, .venv/bin/python "
        f"{sys.argv[0]}, or after source .venv/bin/activate (make demo creates .venv)"
    )
