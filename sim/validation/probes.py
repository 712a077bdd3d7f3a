"""Measurements the per-step time series does not hold: individual users.

Two checks compare the model with findings measured across individual users (the
involvement-satisfaction correlation of the meta-analyses; burnout odds). They follow the
users of a run through the model itself; results are cached in the validation context like
ordinary runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import RolloutModel, UsageState
from sim.scenario import Scenario
from sim.simulation import release

LIVE_STATES = (UsageState.LIVE, UsageState.ADOPTED, UsageState.WORKAROUND)


@dataclass(frozen=True)
class UserProbe:
    """What one run says about its users."""

    final_rating: np.ndarray
    """Ratings of the system by the users live at the end (0-1)."""
    frustration_after_golive: np.ndarray
    """Live users' frustration in each of the first weeks after the first go-live, one
    row per week (users not live that week are NaN)."""


def probe_users(scenario: Scenario, seed: int, weeks: int = 26) -> UserProbe:
    """Run ``scenario`` with ``seed`` to its horizon, following individual users."""
    model = RolloutModel(scenario, seed=seed)
    pop = model.population
    rows = []
    try:
        while model.running:
            model.step()
            first = model.schedule.live_week[model.schedule.live_week >= 0]
            if first.size and len(rows) < weeks:
                live = np.isin(pop.state, LIVE_STATES)
                rows.append(np.where(live, pop.frustration, np.nan))
        live = np.isin(pop.state, LIVE_STATES)
        return UserProbe(pop.rating[live].copy(), np.array(rows))
    finally:
        release(model)


def burnout_share(probe: UserProbe, level: float, week: int) -> float:
    """Share of live users whose frustration is at least ``level`` in week ``week`` after
    the first go-live (a cross-sectional survey, as burnout surveys are)."""
    rows = probe.frustration_after_golive
    if rows.shape[0] < week:
        return 0.0
    values = rows[week - 1]
    values = values[~np.isnan(values)]
    return float(np.mean(values >= level)) if values.size else 0.0
