"""User involvement over time: who takes part this week, and how much feedback reaches the
design.

Involvement is participation times responsiveness (He & King 2008; Bano & Zowghi 2015):
participants give feedback, and only the acted-upon share changes anything. Participation
can start late (``involvement.start_week``) and change when a unit goes live
(``involvement.participation_live``). Live users give feedback too, through their work:
with learning from experience (``learning.from_experience``), the acted-upon share of it
raises the consultants' knowledge. See docs/ODD.md, section 7.1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import processes as pr
from sim.model.population import UsageState

if TYPE_CHECKING:
    from sim.model.model import RolloutModel

WAITING, LEFT = int(UsageState.WAITING), int(UsageState.LEFT)


class Feedback:
    """This week's participants and feedback strengths (updated by :meth:`update`)."""

    def __init__(self, model: RolloutModel):
        self.model = model
        inv = model.scenario.involvement
        self.participation, self.responsiveness = inv.resolved
        self.participation_live = inv.participation_after_golive
        self.taking_part = np.zeros(model.population.size, dtype=bool)
        self.design = 0.0  # involved users' acted-upon feedback, 0-1
        self.live = 0.0  # live users' acted-upon feedback, 0-1
        self.update()

    def update(self) -> None:
        """Who takes part this week, and the feedback strengths that follow."""
        model, inv = self.model, self.model.scenario.involvement
        pop = model.population
        present = pop.state != LEFT
        n_present = max(np.count_nonzero(present), 1)
        waiting = pop.state == WAITING
        live = present & ~waiting
        if model.week < inv.start_week:
            self.taking_part = np.zeros(pop.size, dtype=bool)
            share = 0.0
        else:
            draw = pop.involvement_draw
            self.taking_part = (waiting & (draw < self.participation)) | (
                live & (draw < self.participation_live)
            )
            n_waiting = np.count_nonzero(waiting)
            share = (
                self.participation * n_waiting + self.participation_live * (n_present - n_waiting)
            ) / n_present
        r, saturation = self.responsiveness, inv.saturation
        self.design = pr.feedback_strength(share, r, saturation)
        if model.scenario.learning.from_experience:
            self.live = pr.feedback_strength(np.count_nonzero(live) / n_present, r, saturation)
        else:
            self.live = 0.0

    @property
    def to_consultants(self) -> float:
        """Feedback that teaches the consultants the domain: involved users' and, with
        learning from experience, live users' (``1 - (1 - design)(1 - live)``)."""
        return 1.0 - (1.0 - self.design) * (1.0 - self.live)

    def by_unit(self, live_units: np.ndarray) -> np.ndarray:
        """Acted-upon feedback from each unit this week, 0-1: from the unit's participation
        (before or after its go-live), saturating as in the design feedback; in a unit that
        is live (``live_units``), with learning from experience, every user reports through
        their work (tickets, complaints), as if all took part.

        The participation is the scenario's share, not the share of the unit's agents drawn
        to take part: an agent stands for ``population.scale`` people, so a unit of a few
        agents would otherwise have no reporter, or a large share, by the luck of a draw.
        """
        model = self.model
        inv, learning = model.scenario.involvement, model.scenario.learning
        if self.responsiveness <= 0:
            return np.zeros(live_units.size)
        if model.week < inv.start_week:
            share = np.zeros(live_units.size)
        else:
            share = np.where(live_units, self.participation_live, self.participation)
        if learning.from_experience:
            share = np.where(live_units, 1.0, share)
        return pr.feedback_strength(share, self.responsiveness, inv.saturation)
