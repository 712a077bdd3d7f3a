"""Analysis of saved results: summary statistics, comparison tables and plots.

Everything here reads result files (``runs.csv``, ``manifest.json``); nothing runs a model.
The names below are loaded on first use (PEP 562), so importing one module of the package
(say :mod:`sim.analysis.stats`) does not load the others (and matplotlib with them).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "compare_folder": "sim.analysis.comparison",
    "write_comparison": "sim.analysis.comparison",
    "format_table": "sim.analysis.formatting",
    "diff_ci": "sim.analysis.stats",
    "hedges_g": "sim.analysis.stats",
    "mean_ci": "sim.analysis.stats",
    "compare_runs": "sim.analysis.tables",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'sim.analysis' has no attribute '{name}'")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
