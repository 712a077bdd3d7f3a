"""Analysis of saved results: summary statistics, comparison tables and plots.

Everything here reads result files (``runs.csv``, ``manifest.json``); nothing runs a model.
"""

from sim.analysis.comparison import compare_folder, write_comparison
from sim.analysis.formatting import format_table
from sim.analysis.stats import diff_ci, hedges_g, mean_ci
from sim.analysis.tables import compare_runs

__all__ = [
    "compare_folder",
    "compare_runs",
    "diff_ci",
    "format_table",
    "hedges_g",
    "mean_ci",
    "write_comparison",
]
