"""The programme's accounts: costs, benefits and net benefit against the legacy baseline.

Every week the model books, scaled to the real organisation:

- **costs**: users' hours lost where work is worse than before the rollout, users' hours in
  training and involvement, trainers, consultants, support tickets, replacing staff who
  leave, the new system (from the contract's start, or from the first go-live), the extra
  cost of running old and new side by side, and the legacy systems until the last user
  has moved;
- **benefits**: users' hours saved where work is better than before;
- **net benefit**: what the programme is worth compared with staying on the legacy systems
  for the whole horizon, which pays the legacy systems every week and loses no hours:
  ``legacy_per_week + benefits - costs`` each week, discounted at ``costs.discount_rate``
  a year.

So a delay has a price (legacy running, forgone benefits) and a benefit has a value.
See docs/ODD.md, section 7.10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario


@dataclass
class Accounts:
    """Running totals in SEK (scaled to the real organisation) and agent-hours."""

    cost: float = 0.0
    benefit: float = 0.0
    net_benefit: float = 0.0  # discounted
    hours_lost: float = 0.0  # net agent-hours lost against the baseline (negative: saved)

    def book(
        self,
        scenario: Scenario,
        week: int,
        *,
        lost_hours: np.ndarray,
        training_hours: float,
        involvement_hours: float,
        tickets: float,
        leavers: int,
        any_live: bool,
        all_live: bool,
    ) -> None:
        """Book one week. ``lost_hours`` are per-user hours lost against the baseline
        (negative where work is better than before)."""
        c, scale = scenario.costs, scenario.population.scale
        lost = float(np.clip(lost_hours, 0.0, None).sum())
        saved = float(np.clip(-lost_hours, 0.0, None).sum())
        self.hours_lost += lost - saved
        user_hours = lost + training_hours + involvement_hours
        cost = user_hours * scale * c.wage + training_hours * scale * c.trainer_rate
        cost += (
            scenario.consultants.count * scenario.consultants.hours_per_week * (c.consultant_rate)
        )
        cost += (tickets * c.support_rate + leavers * c.replacement_per_leaver) * scale
        if any_live or c.system_from == "contract":
            cost += c.system_per_week
        if any_live and not all_live:
            cost += c.dual_running_per_week
        if not all_live:
            cost += c.legacy_per_week
        benefit = saved * scale * c.wage
        self.cost += cost
        self.benefit += benefit
        self.net_benefit += discount(c.discount_rate, week) * (c.legacy_per_week + benefit - cost)


def discount(rate: float, week: int) -> float:
    """Discount factor of week ``week`` at annual rate ``rate`` (52 weeks a year)."""
    return (1.0 + rate) ** (-week / 52.0)
