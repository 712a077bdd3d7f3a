"""The consultants: fixing defects, answering tickets, localising, learning the domain.

Each week the team's productive hours (after Brooks' coordination overhead) go, in this
order, to:

1. fixing found defects (up to ``fix_share`` of the hours);
2. answering the tickets the help desk could not serve last week (second line, up to
   ``support_share``): a consultant hour resolves ``knowledge / hours_per_ticket`` tickets,
   so consultants who do not know the domain resolve few;
3. the process analysis while it lasts (``analysis.weeks``; no localisation before it ends);
4. localising known local misfits (of a kind of unit, or of one unit), hours in proportion
   to ``hours_per_misfit / knowledge``;
5. localising the system in general: fit approaches its ceiling (which the analysis
   raises) at a rate that grows with knowledge.

Acted-upon feedback raises usability (from involved users) and the consultants' domain
knowledge (from involved users, and with learning from experience from live users too).
See docs/ODD.md, section 7.3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model import processes as pr

if TYPE_CHECKING:
    from sim.model.model import RolloutModel


class Consultant(mesa.Agent):
    """One consultant: a view onto the team's knowledge array."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def knowledge(self) -> float:
        return float(self.model.team.knowledge[self.index])


class ConsultantTeam:
    """The team's state: each consultant's domain knowledge, fixing in progress, and the
    hours set aside this week for tickets."""

    def __init__(self, scenario):
        c = scenario.consultants
        self.knowledge = np.full(c.count, c.initial_knowledge)
        self.fix_progress = 0.0
        self.ticket_hours = 0.0

    @property
    def mean_knowledge(self) -> float:
        return float(self.knowledge.mean()) if self.knowledge.size else 0.0

    def ticket_capacity(self, hours_per_ticket: float) -> float:
        """Tickets the hours set aside this week resolve, at the team's knowledge."""
        return self.ticket_hours * self.mean_knowledge / hours_per_ticket


def build_and_localise(model: RolloutModel) -> None:
    """One week of the consultants' work and of feedback reaching the design."""
    sc = model.scenario
    c, team, system = sc.consultants, model.team, model.system
    knowledge = team.mean_knowledge
    hours = pr.productive_hours(c.count, c.hours_per_week, c.coordination_overhead)
    fixed, team.fix_progress, used = pr.fix_defects(
        system.open_defects, team.fix_progress, hours * c.fix_share, knowledge, c.hours_per_fix
    )
    system.open_defects -= fixed
    hours -= used
    team.ticket_hours = min(
        hours * c.support_share,
        model.desk.overflow * sc.support.hours_per_ticket / max(knowledge, 0.1),
    )
    hours -= team.ticket_hours
    if model.week >= sc.analysis.weeks:  # build starts after the process analysis
        hours -= _localise_known_misfit(model, hours, knowledge)
        system.fit = pr.approach(
            system.fit,
            sc.analysis.ceiling,
            c.localisation_rate * hours / max(c.hours_per_week, 1e-9) * knowledge,
        )
    feedback = model.feedback
    system.usability = pr.approach(
        system.usability,
        sc.system.usability_ceiling,
        sc.involvement.usability_gain * feedback.design,
    )
    team.knowledge += c.knowledge_gain * feedback.to_consultants * (1.0 - team.knowledge)
    system.refresh()


def _localise_known_misfit(model: RolloutModel, hours: float, knowledge: float) -> float:
    """Localise the misfits the programme knows of; returns the hours used."""
    misfit = model.system.misfit
    kind_gap, unit_gap = misfit.known_gaps()
    if not (kind_gap.any() or unit_gap.any()):
        return 0.0
    gaps, used = pr.localise_misfit(
        np.concatenate((kind_gap, unit_gap)),
        hours,
        knowledge,
        model.scenario.consultants.hours_per_misfit,
    )
    misfit.set_gaps(gaps[: kind_gap.size], gaps[kind_gap.size :])
    return used
