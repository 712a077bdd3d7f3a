"""Support: super-users in the units, a help desk of fixed size, hypercare, consultants.

Live users raise tickets in proportion to the hours they lose (``tickets_per_hour_lost``).
In each unit, its live super-users answer what they can first (peer support the desk does
not have to give: ``super_user_hours`` a week each, resolving ``proficiency /
hours_per_ticket`` questions an hour). The rest go to one help desk: ``staff`` people,
plus ``hypercare_staff`` while any wave is in hypercare, paid from the first go-live
whether busy or not, each resolving ``hours_per_week / hours_per_ticket`` tickets a week;
consultants take the overflow they set hours aside for (:mod:`sim.model.consultants`). The
desk's capacity does not grow with the users live, so a big bang can swamp it.

Tickets queue: the wait is the within-week wait of a multi-server queue at the week's
utilisation (Sakasegawa's approximation of Erlang C, which grows steeply near saturation)
plus the time to clear the tickets carried over. Users whose questions wait a week or more
lose up to ``wait_penalty`` more (in proportion to the share of their unit's questions that
go to the desk). Super-users also coach their colleagues (``peer_learning``).
See docs/ODD.md, section 7.7.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import processes as pr

if TYPE_CHECKING:
    from sim.model.model import RolloutModel


WAIT_CAP_WEEKS = 52
"""Waits are reported up to a year of opening hours (a desk with no capacity waits for ever)."""


class HelpDesk:
    """The desk's queue and its week: tickets raised, answered by peers, served, waiting,
    the wait in hours and congestion (the wait in weeks of opening hours)."""

    def __init__(self):
        self.backlog = 0.0
        self.raised = 0.0
        self.peer_answered = 0.0
        self.served = 0.0
        self.wait = 0.0
        self.congestion = 0.0
        self.overflow = 0.0  # tickets beyond the staff's capacity this week
        self.staff_hours = 0.0  # desk staff hours paid this week

    def staff_on_duty(self, model: RolloutModel) -> float:
        """Desk staff this week: none before the first go-live; the desk, plus the
        hypercare team while any wave is in hypercare."""
        su, schedule = model.scenario.support, model.schedule
        if schedule.waves_live == 0:
            return 0.0
        hypercare = bool((schedule.hypercare_until > model.week).any())
        return su.staff + (su.hypercare_staff if hypercare else 0)

    def week(self, model: RolloutModel, on: np.ndarray, lost: np.ndarray) -> np.ndarray:
        """Serve this week's questions from the users ``on`` the system, who lose ``lost``
        hours each to the system; returns the multiplier waiting puts on each one's loss."""
        su, pop = model.scenario.support, model.population
        units, scale = model.scenario.population.units, model.scenario.population.scale
        lost_by_user = np.zeros(pop.size)
        lost_by_user[on] = lost
        expected = su.tickets_per_hour_lost * scale * pop.unit_sum(lost_by_user)
        raised = model.rng.poisson(expected).astype(float)
        peer_capacity = self.peer_capacity(model)
        answered = pr.peer_answers(raised, peer_capacity)
        self._serve(model, float((raised - answered).sum()))
        self.raised, self.peer_answered = float(raised.sum()), float(answered.sum())
        desk_share = 1.0 - np.minimum(
            np.divide(peer_capacity, expected, out=np.ones(units), where=expected > 0), 1.0
        )
        penalty = su.wait_penalty * min(self.congestion, 1.0) * desk_share
        return 1.0 + penalty[pop.unit[on]]

    def idle(self, model: RolloutModel) -> None:
        """A week with nobody on the system: nothing is asked; staff on duty are paid and
        serve what still waits."""
        self._serve(model, 0.0)
        self.raised = self.peer_answered = 0.0

    def _serve(self, model: RolloutModel, to_desk: float) -> None:
        """The desk's week with ``to_desk`` new tickets: staff (and consultants' second
        line) serve the queue; the rest waits."""
        su = model.scenario.support
        self.staff_hours = self.staff_on_duty(model) * su.hours_per_week
        staff_capacity = self.staff_hours / su.hours_per_ticket
        capacity = staff_capacity + model.team.ticket_capacity(su.hours_per_ticket)
        self.overflow = max(self.backlog + to_desk - staff_capacity, 0.0)
        self.backlog, self.served, wait = pr.desk_week(
            self.backlog, to_desk, capacity, su.hours_per_ticket, su.hours_per_week
        )
        self.wait = min(wait, WAIT_CAP_WEEKS * su.hours_per_week)
        self.congestion = self.wait / su.hours_per_week

    @staticmethod
    def peer_capacity(model: RolloutModel) -> np.ndarray:
        """Questions each unit's live super-users can answer this week (real numbers)."""
        su, pop = model.scenario.support, model.population
        units = model.scenario.population.units
        helping = live_super_users(model)
        if not helping.any():
            return np.zeros(units)
        per_unit = np.bincount(pop.unit[helping], weights=pop.proficiency[helping], minlength=units)
        return (
            per_unit * su.super_user_hours * model.scenario.population.scale / su.hours_per_ticket
        )


def live_super_users(model: RolloutModel) -> np.ndarray:
    """Super-users on the system (live or adopted): they help; others do not."""
    pop = model.population
    return pop.super_user & ((pop.state == pr.LIVE) | (pop.state == pr.ADOPTED))


def coach(model: RolloutModel, on: np.ndarray) -> None:
    """Super-users coach the live colleagues in their unit: each closes the share
    ``peer_learning * coverage`` of the gap to the mean proficiency of the unit's live
    super-users, with coverage ``min(1, super_user_span * super-users / live users)``."""
    su, pop = model.scenario.support, model.population
    helping = live_super_users(model)
    if su.peer_learning <= 0 or not helping.any():
        return
    units = model.scenario.population.units
    mentors = np.bincount(pop.unit[helping], minlength=units).astype(float)
    skill = np.bincount(pop.unit[helping], weights=pop.proficiency[helping], minlength=units)
    live = np.bincount(pop.unit[on], minlength=units)
    mentor = np.divide(skill, mentors, out=np.zeros(units), where=mentors > 0)
    coverage = np.minimum(
        su.super_user_span * np.divide(mentors, live, out=np.zeros(units), where=live > 0), 1.0
    )
    learners = on & ~pop.super_user
    u = pop.unit[learners]
    pop.proficiency[learners] = pr.coach(
        pop.proficiency[learners], mentor[u], coverage[u], su.peer_learning
    )
