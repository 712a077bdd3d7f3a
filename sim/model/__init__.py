"""The rollout model: population arrays, weekly processes, agents and the Mesa model."""

from sim.model.model import RolloutModel
from sim.model.population import UsageState

__all__ = ["RolloutModel", "UsageState"]
