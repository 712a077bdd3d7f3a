"""Process analysis before build (the article's first lesson).

For ``analysis.weeks`` weeks from the start, process analysts and staff (workshops,
interviews) analyse how each kind of unit works, and the consultants analyse with them
instead of localising. The analysis raises the fit localisation can reach
(``analysis.ceiling``, between ``ceiling_without`` and ``ceiling_with`` by its completeness,
``weeks / full_weeks``), and when it ends each kind of unit's shared misfit is known with
probability equal to its completeness, so it can be localised before any go-live.
See docs/ODD.md, section 7.3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.system import BY_ANALYSIS

if TYPE_CHECKING:
    from sim.model.model import RolloutModel


def week(model: RolloutModel) -> tuple[float, float]:
    """One week of the analysis; returns (analyst hours, hours per user in workshops)."""
    a = model.scenario.analysis
    if model.week >= a.weeks:
        return 0.0, 0.0
    if model.week == a.weeks - 1:
        _finish(model)
    analysts = a.analysts * model.scenario.consultants.hours_per_week
    return analysts, a.staff_hours / a.full_weeks


def _finish(model: RolloutModel) -> None:
    """The analysis ends: each kind's shared misfit is known with probability equal to the
    analysis's completeness."""
    misfit = model.system.misfit
    covered = model.rng.random(misfit.shared.size) < model.scenario.analysis.completeness
    misfit.discover_kinds(np.flatnonzero(covered), model.week, BY_ANALYSIS)
