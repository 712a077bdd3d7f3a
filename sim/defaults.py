"""Defaults and choices that the command line shows, in a module that imports nothing.

The library modules that use these values import them from here, and so does the command
line, which therefore never restates them and can print its help without loading NumPy,
pandas, Mesa or matplotlib. Model parameters are not here: their defaults live in the
scenario schema (:mod:`sim.scenario.schema`), and outcome names in :mod:`sim.outcomes`.
"""

from __future__ import annotations

MAX_STEPS = 2000
"""Most weeks a run may simulate (``run.steps``, ``--steps``): nearly forty years."""

CONFIDENCE_LEVEL = 0.95
"""Confidence level of the intervals in comparison tables, figures and validation."""

TABLE_FORMATS: tuple[str, ...] = ("md", "wide", "csv", "latex")
"""Formats of a comparison table: Markdown report, one wide Markdown table, tidy CSV, LaTeX."""

FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
"""File formats of the figures."""

ENGINES: tuple[str, ...] = ("local", "dask")
"""Engines of a sweep: worker processes on this machine, or Dask distributed."""

MAX_RUNS = 20_000
"""Experiments with more runs are refused unless the user raises the limit
(``sim sweep --max-runs N``): about an hour of 2,000-user runs on 2 cores, a typo's worth
of caution before the machine is busy for a week."""

VALIDATION_ROOT_SEED = 20251125
"""Root seed of ``sim validate``; every run's seed derives from it (:mod:`sim.seeding`)."""

VALIDATION_REPLICATES = 20
"""Replicates per condition of a full ``sim validate``."""

VALIDATION_QUICK_REPLICATES = 3
"""Replicates per condition of ``sim validate --quick``."""

DEMO_OUT = "results/demo"
"""The folder ``sim demo`` writes into (and replaces)."""

DEMO_QUICK: dict = {"replicates": 3, "overrides": {"population.size": 400}}
"""``sim demo --quick``: 3 replicates of 400 users per condition. ``population.scale`` is
raised to match, so the agents still stand for the same real organisation and the totals
(hours, costs) stay comparable with the full demo."""

DISCOVERY_MAX_DEPTH = 3
"""Depth of the tree of ``sim discover``: boxes restrict at most three parameters."""

DISCOVERY_MIN_LEAF = 0.05
"""Smallest box of ``sim discover``, as a share of the worlds."""

SENSITIVITY_METHODS: tuple[str, ...] = ("morris", "sobol")
"""Methods of ``sim sensitivity``: Morris screening, Sobol indices (SALib)."""

SENSITIVITY_SAMPLES: dict[str, int] = {"morris": 10, "sobol": 256}
"""Default ``--samples`` of ``sim sensitivity``: Morris trajectories (10-20 is usual; ten
Broeke et al. 2016) and the Sobol base sample N (a power of two; several hundred for
stable indices)."""

DASHBOARD_HOST = "127.0.0.1"
"""``sim dashboard`` listens on the loopback address only, unless told otherwise."""
DASHBOARD_PORT = 8765
"""``sim dashboard``'s port (0: any free port)."""
DASHBOARD_SCENARIO = "default.toml"
"""The shipped scenario ``sim dashboard`` starts from when none is given."""
