"""Stakeholder-involvement simulation of public-sector IT rollouts.

An agent-based model (on Mesa) of users, consultants and decision makers during the rollout
of a large IT system, built to compare big-bang and phased rollouts under low, token and
high user involvement. See ``docs/ODD.md`` for the model description.

The names below are loaded on first use (PEP 562), so ``import sim`` is quick and code that
only reads saved results or prints help never loads Mesa::

    from sim import RolloutModel, load_scenario
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model import RolloutModel
    from sim.scenario import Scenario, load_scenario

_LAZY = {
    "RolloutModel": "sim.model",
    "Scenario": "sim.scenario",
    "load_scenario": "sim.scenario",
}

__all__ = ["RolloutModel", "Scenario", "__version__", "load_scenario"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("rollout-sim")
        except PackageNotFoundError:  # running from a source tree without installation
            value = "0.0.0+unknown"
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'sim' has no attribute '{name}'")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
