"""The programme board and the schedule it owns.

The board (:class:`DecisionMaker`) holds the go-live schedule (:class:`Schedule`), reads
delayed and filtered reports of the organisation, measures each wave's readiness as it can
(:func:`readiness`), and decides each week whether the waves that are due go live or are
postponed, whether to extend hypercare, and whether to halt. A culture of silence removes
the share ``filtering`` of bad news; schedule pressure lowers the readiness demanded
(Repenning 2002; KPMG review of Millennium 2025).

With the ``pilot`` strategy the rest of the organisation is planned to go live in one go
``pilot_weeks`` after the pilot; when that date comes the board decides, on its report of
the pilot (the only live units), whether to keep that plan or to phase the rest
(:meth:`DecisionMaker.decide_after_pilot`). See docs/ODD.md, section 7.2.
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
        self.misfit = np.full((n, 2), np.nan)  # mean misfit of the units (start, go-live)
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
    """Wave *w* is planned ``first_golive_week + w * wave_interval_weeks`` weeks from the
    start; with a pilot, every later wave is planned ``pilot_weeks`` after the pilot (the
    rest in one go, unless the board decides otherwise)."""
    r = scenario.rollout
    if r.strategy == "pilot":
        rest = np.full(scenario.effective_waves - 1, r.first_golive_week + r.pilot_weeks)
        return np.concatenate(([r.first_golive_week], rest))
    return r.first_golive_week + np.arange(scenario.effective_waves) * r.wave_interval_weeks


def readiness(model: RolloutModel, wave: int) -> tuple[float, float]:
    """Readiness of ``wave``, 0-1, as it is and as the board measures it.

    Both are the mean of four parts: skills, testing done, open defects below the board's
    tolerance, and fit (the mean fit the wave's users will meet: the system's general fit
    plus their units' offsets, so local misfit localised for them counts). The true skills
    part is the users' mean proficiency; the board measures training delivered against the
    plan, so a plan with no training looks complete to it.
    """
    sc, pop, system = model.scenario, model.population, model.system
    members = (pop.wave == wave) & (pop.state != LEFT)
    if not members.any():
        skills = delivered = 1.0
        fit = system.fit
    else:
        skills = float(pop.proficiency[members].mean())
        target = model.training_plan[members]
        done = np.divide(pop.trained[members], target, out=np.ones(target.size), where=target > 0)
        delivered = float(np.minimum(done, 1.0).mean())
        fit = float(system.fit_by_user[members].mean())
    tested = pr.detection_probability(system.test_effort)
    defects = 1.0 - min(1.0, system.open_defects / sc.governance.max_open_defects)
    common = tested + defects + fit
    return (skills + common) / 4.0, (delivered + common) / 4.0


def go_live(model: RolloutModel, wave: int) -> None:
    """The wave's waiting users become live; its readiness and its units' remaining misfit
    are recorded; hypercare starts. (From now on, with learning from experience, all its
    users report its misfit: :func:`sim.model.system.report_misfit`.)"""
    pop, schedule, misfit = model.population, model.schedule, model.system.misfit
    schedule.readiness[wave] = readiness(model, wave)
    units = np.flatnonzero(misfit.unit_wave == wave)
    at_start = np.maximum(-misfit.start[units], 0.0).mean()
    schedule.misfit[wave] = (at_start, misfit.remaining()[units].mean())
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
        self.pilot_one_go: bool | None = None  # the decision after a pilot

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
    def decide(self) -> list[int]:
        """Apply the rollout policy for this week; return the waves to go live (usually
        none or one; a pilot's rest in one go is several waves on the same week)."""
        model, schedule = self.model, self.schedule
        rep = self.reported()
        if schedule.waves_live > 0:
            self._supervise(rep)
        going: list[int] = []
        for wave in range(schedule.n_waves):
            if schedule.live_week[wave] >= 0 or wave in going:
                continue
            if schedule.planned[wave] > model.week:
                break
            if self.paused:
                schedule.postpone(wave, until=self.paused_until, count=False)
                break
            if self._pilot_pending(wave):
                self.decide_after_pilot(rep)
            if not self._go(wave, rep):
                break
            going.append(wave)
        return going

    def _go(self, wave: int, rep: Report) -> bool:
        """Whether the due ``wave`` goes live now; if not, it is postponed."""
        model, g, schedule = self.model, self.model.scenario.governance, self.schedule
        true_ready, measured = readiness(model, wave)
        shown_ready = measured + g.filtering * (1 - measured)
        bar = g.readiness_threshold * (1 - g.schedule_pressure)
        forced = schedule.postponed[wave] >= g.max_postponements
        if forced or (self._gate_open(rep) and shown_ready >= bar):
            self.despite_warnings += int(true_ready < g.readiness_threshold)
            return True
        schedule.postpone(wave, until=model.week + g.postpone_weeks, count=True)
        return False

    def _pilot_pending(self, wave: int) -> bool:
        return (
            self.model.scenario.rollout.strategy == "pilot"
            and wave == 1
            and self.pilot_one_go is None
        )

    def decide_after_pilot(self, rep: Report) -> None:
        """The pilot has been live for its evaluation period: if the reported frustration
        of live users is at most ``gate_max_frustration`` and their reported adoption at
        least ``gate_min_adoption``, the rest goes live in one go as planned; otherwise the
        board phases it, one wave every ``wave_interval_weeks`` from now on."""
        r, schedule = self.model.scenario.rollout, self.schedule
        self.pilot_one_go = (
            rep.frustration_live <= r.gate_max_frustration
            and rep.adoption_live >= r.gate_min_adoption
        )
        if not self.pilot_one_go:
            rest = np.arange(schedule.n_waves - 1)
            schedule.planned[1:] = schedule.planned[1] + rest * r.wave_interval_weeks

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
