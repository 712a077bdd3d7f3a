"""The programme's accounts: costs, benefits and net benefit against the legacy baseline.

Every week the model books, scaled to the real organisation:

- **costs**: users' hours lost where work is worse than before the rollout, and users'
  hours in training, involvement, process-analysis workshops and (super-users) helping
  colleagues, each at the user's wage (the role's ``wage``, else ``costs.wage``); trainers;
  consultants; process analysts; help-desk staff (paid whether busy or not); replacing
  staff who leave; the new system (from the contract's start, or from the first go-live),
  the extra cost of running old and new side by side, and the legacy systems until the
  last user has moved;
- **benefits**: users' hours saved where work is better than before, at their wages;
- **net benefit**: what the programme is worth compared with staying on the legacy systems
  for the whole horizon, which pays the legacy systems every week and loses no hours:
  ``legacy_per_week + benefits - costs`` each week, discounted at ``costs.discount_rate``
  a year.

The **programme's spending** (``spend``, part of the costs) is what a programme budget
counts: trainers, consultants, process analysts, the help desk, the new system and dual
running; not users' time, replacing leavers or the legacy systems.

So a delay has a price (legacy running, forgone benefits) and a benefit has a value.
See docs/ODD.md, section 7.10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario


@dataclass
class Week:
    """What one week used, to be booked. User quantities are per agent (scaled up when
    booked); staff hours are real hours."""

    lost_hours: np.ndarray  # per user, against the baseline (negative: saved)
    wage: np.ndarray  # per user, SEK/h
    user_time: float = 0.0  # users' hours in training, involvement, workshops, helping, at wage
    trainee_hours: float = 0.0  # training delivered (trainers' hours)
    desk_hours: float = 0.0  # help-desk staff on duty
    analyst_hours: float = 0.0  # process analysts
    leavers: int = 0  # users who left this week (agents)
    any_live: bool = False
    all_live: bool = False


@dataclass
class Accounts:
    """Running totals in SEK (scaled to the real organisation) and agent-hours."""

    cost: float = 0.0
    spend: float = 0.0  # the programme's own spending (part of cost), as its budget counts
    benefit: float = 0.0
    net_benefit: float = 0.0  # discounted
    hours_lost: float = 0.0  # net agent-hours lost against the baseline (negative: saved)

    def book(self, scenario: Scenario, week: int, used: Week) -> None:
        """Book one week. (Sums of products are written out: a BLAS dot product of this
        size may start threads that spin on a busy machine.)"""
        c, scale = scenario.costs, scenario.population.scale
        lost = np.clip(used.lost_hours, 0.0, None)
        saved = np.clip(-used.lost_hours, 0.0, None)
        self.hours_lost += float(lost.sum() - saved.sum())
        consultants = scenario.consultants
        spend = used.trainee_hours * scale * c.trainer_rate
        spend += (consultants.count * consultants.hours_per_week + used.analyst_hours) * (
            c.consultant_rate
        )
        spend += used.desk_hours * c.helpdesk_rate
        if used.any_live or c.system_from == "contract":
            spend += c.system_per_week
        if used.any_live and not used.all_live:
            spend += c.dual_running_per_week
        cost = spend + (float((lost * used.wage).sum()) + used.user_time) * scale
        cost += used.leavers * c.replacement_per_leaver * scale
        if not used.all_live:
            cost += c.legacy_per_week
        benefit = float((saved * used.wage).sum()) * scale
        self.spend += spend
        self.cost += cost
        self.benefit += benefit
        self.net_benefit += discount(c.discount_rate, week) * (c.legacy_per_week + benefit - cost)


def discount(rate: float, week: int) -> float:
    """Discount factor of week ``week`` at annual rate ``rate`` (52 weeks a year)."""
    return (1.0 + rate) ** (-week / 52.0)
