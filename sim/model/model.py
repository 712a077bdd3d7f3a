"""The rollout model: a Mesa model of users, consultants and a programme board.

One step is one week. ``RolloutModel`` only builds the parts and calls them in order; each
actor's behaviour lives in its own module:

- the programme board and its schedule (go-lives, readiness, the pilot decision):
  :mod:`sim.model.board`;
- the consultants (defects, tickets, localisation, domain knowledge):
  :mod:`sim.model.consultants`;
- the system (fit, local misfits, usability, defects, testing): :mod:`sim.model.system`;
- process analysis before build: :mod:`sim.model.analysis`;
- user involvement over time and feedback: :mod:`sim.model.involvement`;
- training: :mod:`sim.model.training`;
- support (super-users, the help desk, hypercare): :mod:`sim.model.support`;
- the users (work, feel, accept or avoid, leave): :mod:`sim.model.users`;
- the accounts: :mod:`sim.model.accounts`; the weekly indicators: :mod:`sim.model.indicators`.

Population state lives in NumPy arrays (:mod:`sim.model.population`) and every process is
vectorised (:mod:`sim.model.processes`). docs/ODD.md describes the processes as built.
"""

from __future__ import annotations

import functools
import warnings

import mesa
import numpy as np
import pandas as pd

from sim.model import analysis, indicators, system, training, users
from sim.model import board as bd
from sim.model import processes as pr
from sim.model.accounts import Accounts, Week
from sim.model.agents import UserAgent
from sim.model.consultants import Consultant, ConsultantTeam, build_and_localise
from sim.model.involvement import Feedback
from sim.model.population import build_network, build_population
from sim.model.support import HelpDesk, live_super_users
from sim.outcomes import STEP_COLUMNS, role_columns
from sim.scenario import Scenario
from sim.seeding import fresh_seed


def _metric(model: RolloutModel, name: str) -> float:
    return model.metrics[name]


class RolloutModel(mesa.Model):
    """Rollout of an IT system to an organisation's users.

    Args:
        scenario: a validated :class:`~sim.scenario.Scenario` (defaults when ``None``).
        seed: seed of the model's random generator; all randomness comes from it. Without
            one, a fresh seed is drawn, recorded as ``model.seed`` and announced in a
            warning, so that the run can be repeated.
    """

    def __init__(self, scenario: Scenario | None = None, seed: int | None = None):
        if seed is None:
            seed = fresh_seed()
            warnings.warn(
                f"RolloutModel: no seed given; using seed {seed} (model.seed)", stacklevel=2
            )
        super().__init__(seed=seed)
        self.scenario = sc = scenario if scenario is not None else Scenario()
        self.seed = seed
        self.week = 0
        self.population = pop = build_population(sc, self.rng)
        self.network = build_network(sc, pop.unit, self.rng)
        UserAgent.create_agents(self, sc.population.size, index=list(range(sc.population.size)))
        self.voluntary = (~pop.mandatory).astype(float)
        self.retention = pr.practice_retention(pop.hours, sc.training.on_the_job)
        self.social_weight = sc.adoption.w_social * np.where(
            pop.mandatory, 1.0, sc.adoption.voluntary_social
        )
        self.training_plan = training.planned_hours(sc, pop)
        self.legacy_friction = pr.legacy_friction(
            fit=sc.system.legacy_fit,
            usability=sc.system.legacy_usability,
            misfit_loss=sc.system.misfit_loss,
            usability_loss=sc.system.usability_loss,
        )
        self.system = system.SystemState.initial(sc, pop, self.rng)
        self.team = ConsultantTeam(sc)
        Consultant.create_agents(
            self, sc.consultants.count, index=list(range(sc.consultants.count))
        )
        schedule = bd.Schedule(
            bd.planned_weeks(sc), np.bincount(pop.wave, minlength=sc.effective_waves)
        )
        self.board = bd.DecisionMaker(self, schedule)
        self.schedule = schedule
        self.desk = HelpDesk()
        self.feedback = Feedback(self)
        self.feelings = users.Feelings(self)
        self.accounts = Accounts()
        self.training_done = False
        self.left_this_week = 0
        self.work_indicators = users.QUIET
        self.wave_log = indicators.WaveLog(pop.wave, schedule.n_waves)
        self.metrics: dict[str, float] = {}
        columns = [*STEP_COLUMNS, *role_columns(pop.role_names)]
        self.datacollector = mesa.DataCollector(
            model_reporters={c: functools.partial(_metric, name=c) for c in columns}
        )
        self.running = sc.run.steps > 0
        self._record()

    # --- the week ------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one week. Past the scenario's horizon (``run.steps``) ``running`` is
        false, so Mesa's ``run_model()`` stops there; ``step()`` itself still works."""
        waves = self.board.decide()
        self.feedback.update()
        analysts, workshops = analysis.week(self)
        system.report_misfit(self)
        build_and_localise(self)
        system.test(self)
        trained, trainee_time = training.train(self)
        training.forget_while_waiting(self)
        for wave in waves:
            bd.go_live(self, wave)
        loss = users.work(self)
        # Working around is coping: it relieves part of the strain of the duplicate work
        # (workaround.relief), which is costed in full (lost hours) and lowers the rating.
        relief, pop = self.scenario.workaround.relief, self.population
        self.feelings.feel(np.where(pop.state == pr.WORKAROUND, (1.0 - relief) * loss, loss))
        users.accept_or_avoid(self)
        self._account(trained, trainee_time, analysts, workshops)
        self.week += 1
        self.running = self.week < self.scenario.run.steps
        self._record()

    def _account(
        self, trained: float, trainee_time: float, analysts: float, workshops: float
    ) -> None:
        """Book the week: users' time at their wages, staff hours, running costs."""
        sc, pop = self.scenario, self.population
        present = pop.state != pr.LEFT
        user_time = trainee_time
        user_time += sc.involvement.hours_per_week * float(
            pop.wage[self.feedback.taking_part].sum()
        )
        user_time += sc.support.super_user_hours * float(pop.wage[live_super_users(self)].sum())
        if workshops:
            user_time += workshops * float(pop.wage[present].sum())
        self.accounts.book(
            sc,
            self.week,
            Week(
                lost_hours=pop.lost_hours,
                wage=pop.wage,
                user_time=user_time,
                trainee_hours=trained,
                desk_hours=self.desk.staff_hours,
                analyst_hours=analysts,
                leavers=self.left_this_week,
                any_live=self.schedule.waves_live > 0,
                all_live=self.schedule.all_live,
            ),
        )

    # --- observation ---------------------------------------------------------------------
    def _record(self) -> None:
        """Compute this week's indicators, show them to the board and collect them."""
        self.metrics = m = indicators.weekly(self)
        self.wave_log.record(self)
        self.board.observe(
            bd.Report(
                frustration_live=m["frustration_live"],
                # only users of live units can have adopted
                adoption_live=indicators.share(
                    m["adoption_rate"] * self.population.size,
                    m["live_share"] * self.population.size,
                ),
                congestion=float(min(self.desk.congestion, 10.0)),
            )
        )
        self.datacollector.collect(self)

    # --- results -------------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """One row per step, step 0 (the initial state) included."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "step", np.arange(len(df)))
        return df

    def summary(self) -> dict:
        """Run-level outcomes (see :data:`sim.outcomes.OUTCOMES`)."""
        live_week = self.schedule.live_week
        live = live_week[live_week >= 0]
        scale = self.scenario.population.scale
        extra = {
            "first_golive_week": int(live.min()) if live.size else None,
            "last_golive_week": int(live.max()) if live.size == live_week.size else None,
            "halt_week": self.board.halt_week,
            "golives_despite_warnings": self.board.despite_warnings,
            "pilot_one_go": None
            if self.board.pilot_one_go is None
            else int(self.board.pilot_one_go),
            "hours_lost_per_user": self.accounts.hours_lost / self.population.size,
            "total_hours_lost": self.accounts.hours_lost * scale,
            "programme_spend": self.accounts.spend / 1e6,
        }
        return indicators.summarise(self.timeseries(), extra)

    def waves(self) -> list[dict]:
        """Per-wave records (see :data:`sim.outcomes.WAVE_FIELDS`)."""
        return indicators.wave_records(self)
