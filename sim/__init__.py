"""Stakeholder-involvement simulation of public-sector IT rollouts.

An agent-based model (on Mesa) of users, consultants and decision makers during the rollout
of a large IT system, built to compare big-bang and phased rollouts under low, token and
high user involvement. See ``docs/ODD.md`` for the model description.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rollout-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from sim.model import RolloutModel  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402

__all__ = ["RolloutModel", "Scenario", "__version__", "load_scenario"]
