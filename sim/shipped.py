"""Where the shipped scenario and experiment files are.

In a source checkout or an editable install they are the repository's ``scenarios/`` and
``experiments/``; a wheel (``pip install .``) carries the same files inside the package, as
``sim/data/scenarios`` and ``sim/data/experiments`` (see ``setup.py``). Both keep the two
folders side by side, so an experiment's ``scenario = "../scenarios/default.toml"`` works
in either.
"""

from __future__ import annotations

from pathlib import Path

from sim.errors import InputError

PACKAGE = Path(__file__).resolve().parent
MAIN_EXPERIMENT = "rollout_x_involvement.toml"
"""The main experiment, the one ``sim demo`` runs."""


def shipped_root() -> Path:
    """The folder that holds the shipped ``scenarios/`` and ``experiments/``."""
    for root in (PACKAGE / "data", PACKAGE.parent):
        if (root / "scenarios" / "default.toml").is_file():
            return root
    raise InputError("the shipped scenarios are missing; reinstall rollout-sim")


def scenarios_dir() -> Path:
    """The shipped scenarios: ``default.toml``, the two cases, ``reference/bass.toml``."""
    return shipped_root() / "scenarios"


def experiments_dir() -> Path:
    """The shipped experiment files (and the scripts that draw their extra figures)."""
    return shipped_root() / "experiments"


def main_experiment() -> Path:
    """The main experiment file (big bang or phased x low, token or high involvement)."""
    return experiments_dir() / MAIN_EXPERIMENT
