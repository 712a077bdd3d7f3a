"""The consultants: fixing defects, localising the system, and learning the domain.

Each week the team's productive hours (after Brooks' coordination overhead) go first to
fixing found defects, then to localisation, which raises the system's fit towards its
ceiling at a rate that grows with the team's domain knowledge. Acted-upon feedback from
involved users raises usability and the consultants' knowledge. See docs/ODD.md,
section 7.3.
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
    """The team's state: each consultant's domain knowledge and fixing in progress."""

    def __init__(self, scenario):
        c = scenario.consultants
        self.knowledge = np.full(c.count, c.initial_knowledge)
        self.fix_progress = 0.0

    @property
    def mean_knowledge(self) -> float:
        return float(self.knowledge.mean()) if self.knowledge.size else 0.0


def build_and_localise(model: RolloutModel) -> None:
    """One week of the consultants' work and of feedback reaching the design."""
    c, s = model.scenario.consultants, model.scenario.system
    team, system = model.team, model.system
    knowledge = team.mean_knowledge
    hours = pr.productive_hours(c.count, c.hours_per_week, c.coordination_overhead)
    fixed, team.fix_progress, used = pr.fix_defects(
        system.open_defects, team.fix_progress, hours * c.fix_share, knowledge, c.hours_per_fix
    )
    system.open_defects -= fixed
    consultant_weeks = (hours - used) / max(c.hours_per_week, 1e-9)
    system.fit = pr.approach(
        system.fit, s.fit_ceiling, c.localisation_rate * consultant_weeks * knowledge
    )
    system.usability = pr.approach(
        system.usability,
        s.usability_ceiling,
        model.scenario.involvement.usability_gain * model.feedback,
    )
    team.knowledge += c.knowledge_gain * model.feedback * (1.0 - team.knowledge)
    system.refresh(model.population.fit_offset)
