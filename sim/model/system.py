"""The system being rolled out: its fit to local processes, usability and defects.

The system is part of the model, not an agent. The fit a unit sees is the system's general
fit (raised towards its ceiling by the consultants' localisation) plus the unit's offset:
a part shared by units of the same kind (similar processes) and the unit's own part. A
negative offset is a local misfit; it stays until it is discovered (by analysing processes,
by involved users' reports, or when the unit goes live) and localised (the consultants'
work, :mod:`sim.model.consultants`). Usability rises with acted-upon feedback. Defects are
latent until found by testing or live use (Goel & Okumoto 1979), then open until fixed.
See docs/ODD.md, sections 7.3 and 7.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model import processes as pr
from sim.model.population import Population, UsageState

if TYPE_CHECKING:
    from sim.model.model import RolloutModel

LIVE, ADOPTED = int(UsageState.LIVE), int(UsageState.ADOPTED)
BY_ANALYSIS, BY_REPORT = -1, -2
"""How a kind's misfit was found when not by a wave's go-live (``Misfit.kind_found_by``)."""


class Misfit:
    """Each unit's offset from the system's fit, as it is now and as it was, and what the
    programme knows of it.

    ``kind_found_by[k]`` is the wave whose go-live revealed kind *k*'s shared misfit
    (:data:`BY_ANALYSIS`, :data:`BY_REPORT`, or -3 while unknown) and ``kind_found_week[k]``
    when.
    """

    def __init__(self, pop: Population):
        self.kind = pop.unit_kind
        self.unit_wave = np.zeros(self.kind.size, dtype=int)
        self.unit_wave[pop.unit] = pop.wave
        self.shared = pop.kind_offset.copy()
        self.own = pop.own_offset.copy()
        self.start = self.offset()
        self.known_kind = np.zeros(self.shared.size, dtype=bool)
        self.known_unit = np.zeros(self.own.size, dtype=bool)
        self.kind_found_by = np.full(self.shared.size, -3)
        self.kind_found_week = np.full(self.shared.size, -1)

    def offset(self) -> np.ndarray:
        """Each unit's current offset from the system's fit."""
        return self.shared[self.kind] + self.own

    def remaining(self) -> np.ndarray:
        """Each unit's misfit still to localise (the negative part of its offset)."""
        return np.maximum(-self.offset(), 0.0)

    def discover_units(self, units: np.ndarray) -> None:
        """The programme learns ``units``' own misfit."""
        self.known_unit[units] = True

    def discover_kinds(self, kinds: np.ndarray, week: int, by: np.ndarray | int) -> None:
        """The programme learns ``kinds``' shared misfit, in ``week``, ``by`` a wave's live
        users (its index), by analysis or by involved users' reports."""
        new = ~self.known_kind[kinds]
        self.known_kind[kinds[new]] = True
        self.kind_found_by[kinds[new]] = np.broadcast_to(by, kinds.shape)[new]
        self.kind_found_week[kinds[new]] = week

    def known_gaps(self) -> tuple[np.ndarray, np.ndarray]:
        """Known misfit still to localise: per kind (shared part) and per unit (own part)."""
        return (
            np.where(self.known_kind, np.maximum(-self.shared, 0.0), 0.0),
            np.where(self.known_unit, np.maximum(-self.own, 0.0), 0.0),
        )

    def set_gaps(self, kind_gap: np.ndarray, unit_gap: np.ndarray) -> None:
        """Localisation left these known gaps (the negative parts shrink towards 0)."""
        self.shared = np.where(self.known_kind & (self.shared < 0), -kind_gap, self.shared)
        self.own = np.where(self.known_unit & (self.own < 0), -unit_gap, self.own)


@dataclass
class SystemState:
    """The system's state; ``fit_by_user`` is derived (see :meth:`refresh`)."""

    fit: float
    usability: float
    latent_defects: int
    misfit: Misfit
    unit_of_user: np.ndarray
    open_defects: int = 0
    defects_found: int = 0
    test_effort: float = 0.0  # cumulative Goel-Okumoto test exposure (sum of weekly b)
    fit_by_user: np.ndarray | None = None

    @classmethod
    def initial(cls, scenario, pop: Population, rng: np.random.Generator) -> SystemState:
        s = scenario.system
        state = cls(
            fit=s.initial_fit,
            usability=s.initial_usability,
            # The defect count is itself uncertain: in Goel & Okumoto's (1979) model the
            # defects eventually found are Poisson with mean a, so each run draws its own.
            latent_defects=int(rng.poisson(s.latent_defects)),
            misfit=Misfit(pop),
            unit_of_user=pop.unit,
        )
        state.refresh()
        return state

    def refresh(self) -> None:
        """Recompute the fit each user sees: the general fit plus the unit's offset."""
        self.fit_by_user = np.clip(self.fit + self.misfit.offset()[self.unit_of_user], 0.0, 1.0)


def test(model: RolloutModel) -> None:
    """One week of defect discovery by structured testing and by live use."""
    t, system, pop = model.scenario.testing, model.system, model.population
    rate = 0.0
    if model.week >= t.start_week:
        rate = t.detection_rate * (1.0 + t.involvement_boost * model.feedback.design)
        system.test_effort += rate
    counts = np.bincount(pop.state, minlength=len(UsageState))
    rate += t.live_detection_rate * (counts[LIVE] + counts[ADOPTED]) / pop.size
    found = int(model.rng.binomial(system.latent_defects, pr.detection_probability(rate)))
    system.latent_defects -= found
    system.open_defects += found
    system.defects_found += found


def report_misfit(model: RolloutModel) -> None:
    """Users report misfit and the programme acts on it.

    A unit's own misfit is discovered with weekly probability ``1 - exp(-report_rate *
    feedback)``, the acted-upon feedback from its participants or, once it is live and with
    learning from experience, from all its users
    (:meth:`~sim.model.involvement.Feedback.by_unit`). A kind's shared misfit is
    discovered the same way with the mean feedback of its units, so the more of a kind's
    units are live, the sooner the programme learns how that kind of unit works. A kind
    found while some of its units are live is credited to the latest wave live.
    """
    misfit = model.system.misfit
    if misfit.known_unit.all() and misfit.known_kind.all():
        return
    rate = model.scenario.learning.report_rate
    unit_draw = model.rng.random(misfit.own.size)
    kind_draw = model.rng.random(misfit.shared.size)
    live = model.schedule.live_week[misfit.unit_wave] >= 0
    unit_feedback = model.feedback.by_unit(live)
    misfit.discover_units(
        np.flatnonzero(
            ~misfit.known_unit & (unit_draw < pr.detection_probability(rate * unit_feedback))
        )
    )
    kinds = misfit.shared.size
    per_kind = np.bincount(misfit.kind, minlength=kinds)
    kind_feedback = np.divide(
        np.bincount(misfit.kind, weights=unit_feedback, minlength=kinds),
        per_kind,
        out=np.zeros(kinds),
        where=per_kind > 0,
    )
    found = np.flatnonzero(
        ~misfit.known_kind & (kind_draw < pr.detection_probability(rate * kind_feedback))
    )
    if found.size:
        any_live = np.bincount(misfit.kind, weights=live, minlength=kinds)[found] > 0
        by = np.where(any_live, model.schedule.waves_live - 1, BY_REPORT)
        misfit.discover_kinds(found, model.week, by)
