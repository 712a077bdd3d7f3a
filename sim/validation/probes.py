"""Measurements the per-step time series does not hold: per-wave frustration.

The check that phasing without learning between waves does not protect (pattern 6 in
``docs/ODD.md``, section 1) compares waves with one another, so it follows each wave's
users through the run.
"""

from __future__ import annotations

import numpy as np

from sim.model import RolloutModel, UsageState
from sim.scenario import Scenario


def wave_peak_frustration(scenario: Scenario, seed: int, window: int = 12) -> np.ndarray:
    """Peak mean frustration of each wave's present users in its first ``window`` weeks
    live (NaN for a wave that never went live)."""
    model = RolloutModel(scenario, seed=seed)
    pop = model.population
    n_waves = scenario.effective_waves
    peaks = np.full(n_waves, np.nan)
    for _ in range(scenario.run.steps):
        model.step()
        present = pop.state != UsageState.LEFT
        for w in range(n_waves):
            live_week = model.wave_live_week[w]
            if live_week < 0 or model.week - live_week > window:
                continue
            members = (pop.wave == w) & present
            if members.any():
                value = float(pop.frustration[members].mean())
                peaks[w] = value if np.isnan(peaks[w]) else max(peaks[w], value)
    return peaks
