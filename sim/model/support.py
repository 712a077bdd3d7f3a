"""Support: the help desk that answers live users' tickets.

Live users raise tickets in proportion to the time they lose; the desk answers up to its
capacity each week and the rest wait. Waiting adds to the time lost. See docs/ODD.md,
section 7.7.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import processes as pr

if TYPE_CHECKING:
    from sim.model.model import RolloutModel


class HelpDesk:
    """The desk's queue: tickets waiting, served this week, and congestion (the backlog in
    weeks of capacity)."""

    def __init__(self):
        self.backlog = 0.0
        self.served = 0.0
        self.congestion = 0.0

    def week(self, model: RolloutModel, friction: np.ndarray, on: np.ndarray) -> float:
        """Serve this week's tickets from users with ``friction`` (users ``on`` the system);
        returns the multiplier that waiting puts on their friction."""
        su, pop, schedule = model.scenario.support, model.population, model.schedule
        new_tickets = float(model.rng.poisson(su.ticket_rate * friction.sum()))
        on_per_wave = np.bincount(pop.wave, weights=on, minlength=schedule.n_waves)
        in_hypercare = on_per_wave[schedule.hypercare_until > model.week].sum()
        capacity = (
            su.capacity / 100.0 * (on_per_wave.sum() + (su.hypercare_multiplier - 1) * in_hypercare)
        )
        self.backlog, self.served, self.congestion = pr.support_week(
            self.backlog, new_tickets, capacity
        )
        return 1.0 + su.wait_penalty * min(self.congestion, 1.0)
