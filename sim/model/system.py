"""The system being rolled out: its fit to local processes, usability and defects.

The system is part of the model, not an agent. Its fit is a general level (raised by the
consultants' localisation) plus each unit's own offset; its usability rises with acted-upon
feedback; its defects are latent until found by testing or live use (Goel & Okumoto 1979),
then open until the consultants fix them. See docs/ODD.md, sections 7.3 and 7.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model import processes as pr
from sim.model.population import UsageState

if TYPE_CHECKING:
    from sim.model.model import RolloutModel

LIVE, ADOPTED = int(UsageState.LIVE), int(UsageState.ADOPTED)


@dataclass
class SystemState:
    """The system's state; ``fit_by_user`` is derived (see :meth:`refresh`)."""

    fit: float
    usability: float
    latent_defects: int
    open_defects: int = 0
    defects_found: int = 0
    test_effort: float = 0.0  # cumulative Goel-Okumoto test exposure (sum of weekly b)
    fit_by_user: np.ndarray | None = None

    @classmethod
    def initial(cls, scenario) -> SystemState:
        s = scenario.system
        return cls(
            fit=s.initial_fit, usability=s.initial_usability, latent_defects=s.latent_defects
        )

    def refresh(self, fit_offset: np.ndarray) -> None:
        """Recompute the fit each user sees: the general fit plus the unit's offset."""
        self.fit_by_user = np.clip(self.fit + fit_offset, 0.0, 1.0)


def test(model: RolloutModel) -> None:
    """One week of defect discovery by structured testing and by live use."""
    t, system, pop = model.scenario.testing, model.system, model.population
    rate = 0.0
    if model.week >= t.start_week:
        rate = t.detection_rate * (1.0 + t.involvement_boost * model.feedback)
        system.test_effort += rate
    counts = np.bincount(pop.state, minlength=len(UsageState))
    rate += t.live_detection_rate * (counts[LIVE] + counts[ADOPTED]) / pop.size
    found = int(model.rng.binomial(system.latent_defects, pr.detection_probability(rate)))
    system.latent_defects -= found
    system.open_defects += found
    system.defects_found += found
