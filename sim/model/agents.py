"""The model's Mesa agents.

Users and consultants are thin views onto the model's arrays: their behaviour runs in
vectorised weekly processes (:mod:`sim.model.processes`), and an agent object lets a user
of the library inspect one individual. The programme board (:class:`DecisionMaker`) is a
real behavioural agent: it reads delayed, filtered reports and decides on go-lives.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.model.population import UsageState


class UserAgent(mesa.Agent):
    """One user (clinician, teacher, guardian...): a view onto row ``index`` of the arrays."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def role(self) -> str:
        pop = self.model.population
        return pop.role_names[pop.role[self.index]]

    @property
    def unit(self) -> int:
        return int(self.model.population.unit[self.index])

    @property
    def state(self) -> UsageState:
        return UsageState(int(self.model.population.state[self.index]))

    @property
    def frustration(self) -> float:
        return float(self.model.population.frustration[self.index])

    @property
    def proficiency(self) -> float:
        return float(self.model.population.proficiency[self.index])

    @property
    def involved(self) -> bool:
        return bool(self.model.population.involved[self.index])


class Consultant(mesa.Agent):
    """One external consultant: a view onto the team's knowledge array."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def knowledge(self) -> float:
        return float(self.model.consultant_knowledge[self.index])


@dataclass
class Report:
    """What the board sees of one week: means over users whose unit is live."""

    frustration_live: float = 0.0
    adoption_live: float = 0.0
    congestion: float = 0.0


class DecisionMaker(mesa.Agent):
    """The programme board: holds the schedule, reads delayed and filtered reports, and
    decides at each planned go-live whether to go or postpone, adds support, and halts.

    A culture of silence removes the share ``filtering`` of bad news; schedule pressure
    lowers the readiness demanded (Repenning 2002; KPMG review of Millennium 2025).
    """

    def __init__(self, model):
        super().__init__(model)
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
        model, g = self.model, self.model.scenario.governance
        rep = self.reported()
        if model.waves_live > 0:
            self._supervise(rep)
        wave = model.next_wave()
        if wave is None or model.wave_planned[wave] > model.week:
            return None
        if self.paused:
            model.postpone(wave, until=self.paused_until, count=False)
            return None
        true_ready = model.readiness(wave)
        shown_ready = true_ready + g.filtering * (1 - true_ready)
        bar = g.readiness_threshold * (1 - g.schedule_pressure)
        forced = model.wave_postponed[wave] >= g.max_postponements
        if self._gate_open(rep) and (shown_ready >= bar or forced):
            self.despite_warnings += int(true_ready < g.readiness_threshold)
            return wave
        model.postpone(wave, until=model.week + g.postpone_weeks, count=True)
        return None

    def _gate_open(self, rep: Report) -> bool:
        r = self.model.scenario.rollout
        if r.strategy != "phased_gated" or self.model.waves_live == 0:
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
            model.extend_hypercare(weeks=1)
        if not self.paused and rep.frustration_live >= g.halt_frustration:
            self.paused_until = model.week + g.pause_weeks if g.pause_weeks > 0 else np.inf
            if self.halt_week is None:
                self.halt_week = model.week
            model.extend_hypercare(weeks=model.scenario.support.hypercare_weeks)
