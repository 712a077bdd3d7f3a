"""The programme board and the schedule it owns.

The board (:class:`DecisionMaker`) holds the go-live schedule (:class:`Schedule`), reads
delayed and filtered reports of the organisation, measures each wave's readiness as it can
(:func:`readiness`), and decides each week whether the waves that are due go live or are
postponed, whether to extend hypercare, and whether to halt. A culture of silence removes
the share ``filtering`` of bad news; schedule pressure lowers the readiness demanded
(Repenning 2002; KPMG review of Millennium 2025). See docs/ODD.md, section 7.2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model import processes as pr
from sim.model.population import UsageState

if TYPE_CHECKING:
    from sim.model.model import RolloutModel

WAITING, LIVE, LEFT = int(UsageState.WAITING), int(UsageState.LIVE), int(UsageState.LEFT)
FAR = np.iinfo(np.int64).max // 4
"""A week beyond any horizon: where a final halt moves the waves still to come."""


@dataclass
class Report:
    """What the board sees of one week: means over users whose unit is live."""

    frustration_live: float = 0.0
    adoption_live: float = 0.0
    congestion: float = 0.0


class Schedule:
    """The waves' plan and record: planned week, go-live week (-1 before), postponements,
    end of hypercare, and readiness at go-live, one entry per wave."""

    def __init__(self, planned: np.ndarray, sizes: np.ndarray):
        n = planned.size
        self.planned = np.asarray(planned, dtype=np.int64).copy()
        self.first_plan = self.planned.copy()
        self.live_week = np.full(n, -1)
        self.postponed = np.zeros(n, dtype=int)
        self.sizes = np.asarray(sizes)
        self.hypercare_until = np.full(n, -1)
        self.readiness = np.full((n, 2), np.nan)  # (true, measured) at go-live
        self.postponements = 0

    @property
    def n_waves(self) -> int:
        return int(self.planned.size)

    @property
    def waves_live(self) -> int:
        return int((self.live_week >= 0).sum())

    @property
    def all_live(self) -> bool:
        return self.waves_live == self.n_waves

    def next_wave(self) -> int | None:
        """The first wave not yet live, or ``None``."""
        pending = np.flatnonzero(self.live_week < 0)
        return int(pending[0]) if pending.size else None

    def postpone(self, wave: int, until: float, count: bool) -> None:
        """Move ``wave`` to week ``until``; later waves keep their planned offsets from it."""
        until = min(until, FAR)
        shifted = until + (self.planned[wave:] - self.planned[wave])
        self.planned[wave:] = np.maximum(self.planned[wave:], shifted)
        if count:
            self.postponed[wave] += 1
            self.postponements += 1

    def extend_hypercare(self, week: int, weeks: int) -> None:
        """Hypercare of every live wave lasts at least until ``week + weeks``."""
        live = self.live_week >= 0
        self.hypercare_until[live] = np.maximum(self.hypercare_until[live], week + weeks)


def planned_weeks(scenario) -> np.ndarray:
    """Wave *w* is planned ``first_golive_week + w * wave_interval_weeks`` weeks from the start."""
    r = scenario.rollout
    return r.first_golive_week + np.arange(scenario.effective_waves) * r.wave_interval_weeks


def readiness(model: RolloutModel, wave: int) -> tuple[float, float]:
    """Readiness of ``wave``, 0-1, as it is and as the board measures it.

    Both are the mean of four parts: skills, testing done, open defects below the board's
    tolerance, and fit. The true skills part is the users' mean proficiency; the board
    measures training delivered against the plan, so a plan with no training looks
    complete to it.
    """
    sc, pop = model.scenario, model.population
    members = (pop.wave == wave) & (pop.state != LEFT)
    target = sc.training.hours_per_user
    if not members.any():
        skills = delivered = 1.0
    else:
        skills = float(pop.proficiency[members].mean())
        delivered = (
            float(np.minimum(pop.trained[members] / target, 1.0).mean()) if target > 0 else 1.0
        )
    system = model.system
    tested = pr.detection_probability(system.test_effort)
    defects = 1.0 - min(1.0, system.open_defects / sc.governance.max_open_defects)
    common = tested + defects + system.fit
    return (skills + common) / 4.0, (delivered + common) / 4.0


def go_live(model: RolloutModel, wave: int) -> None:
    """The wave's waiting users become live; its readiness is recorded; hypercare starts."""
    pop, schedule = model.population, model.schedule
    schedule.readiness[wave] = readiness(model, wave)
    pop.state[(pop.wave == wave) & (pop.state == WAITING)] = LIVE
    schedule.live_week[wave] = model.week
    schedule.hypercare_until[wave] = model.week + model.scenario.support.hypercare_weeks


class DecisionMaker(mesa.Agent):
    """The programme board: holds the schedule, reads delayed and filtered reports, and
    decides at each planned go-live whether to go or postpone, adds support, and halts."""

    def __init__(self, model, schedule: Schedule):
        super().__init__(model)
        self.schedule = schedule
        self.history: list[Report] = []
        self.paused_until: float = -1
        self.halt_week: int | None = None
        self.despite_warnings = 0

    # --- sensing ---------------------------------------------------------------------
    def observe(self, report: Report) -> None:
        self.history.append(report)

    def reported(self) -> Report:
        """The delayed, filtered report: bad news shrunk, good news inflated."""
        g = self.model.scenario.governance
        if not self.history:
            return Report()
        true = self.history[max(0, len(self.history) - 1 - g.report_delay_weeks)]
        f = g.filtering
        return Report(
            frustration_live=true.frustration_live * (1 - f),
            adoption_live=true.adoption_live + f * (1 - true.adoption_live),
            congestion=true.congestion * (1 - f),
        )

    @property
    def paused(self) -> bool:
        return self.model.week < self.paused_until

    # --- deciding --------------------------------------------------------------------
    def decide(self) -> int | None:
        """Apply the rollout policy for this week; return the wave to go live, if any."""
        model, g, schedule = self.model, self.model.scenario.governance, self.schedule
        rep = self.reported()
        if schedule.waves_live > 0:
            self._supervise(rep)
        wave = schedule.next_wave()
        if wave is None or schedule.planned[wave] > model.week:
            return None
        if self.paused:
            schedule.postpone(wave, until=self.paused_until, count=False)
            return None
        true_ready, measured = readiness(model, wave)
        shown_ready = measured + g.filtering * (1 - measured)
        bar = g.readiness_threshold * (1 - g.schedule_pressure)
        forced = schedule.postponed[wave] >= g.max_postponements
        if forced or (self._gate_open(rep) and shown_ready >= bar):
            self.despite_warnings += int(true_ready < g.readiness_threshold)
            return wave
        schedule.postpone(wave, until=model.week + g.postpone_weeks, count=True)
        return None

    def _gate_open(self, rep: Report) -> bool:
        r = self.model.scenario.rollout
        if r.strategy != "phased_gated" or self.schedule.waves_live == 0:
            return True
        return (
            rep.frustration_live <= r.gate_max_frustration
            and rep.adoption_live >= r.gate_min_adoption
        )

    def _supervise(self, rep: Report) -> None:
        """After go-live: add hypercare when support is swamped; halt when frustration
        reported from live units reaches the halt level."""
        model, g = self.model, self.model.scenario.governance
        if rep.congestion > 1.0:
            self.schedule.extend_hypercare(model.week, weeks=1)
        if not self.paused and rep.frustration_live >= g.halt_frustration:
            self.paused_until = model.week + g.pause_weeks if g.pause_weeks > 0 else np.inf
            if self.halt_week is None:
                self.halt_week = model.week
            self.schedule.extend_hypercare(model.week, model.scenario.support.hypercare_weeks)
