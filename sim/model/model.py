"""The rollout model: a Mesa model of users, consultants and a programme board.

One step is one week. Each week runs the nine processes of the conceptual model
(``docs/ODD.md`` describes them as built): decide, build and localise, test,
train, go live, work, feel, accept or avoid, account. Population state lives in NumPy
arrays (:mod:`sim.model.population`) and every process is vectorised
(:mod:`sim.model.processes`).
"""

from __future__ import annotations

import functools
import warnings

import mesa
import numpy as np
import pandas as pd

from sim.model import processes as pr
from sim.model.agents import Consultant, DecisionMaker, Report, UserAgent
from sim.model.indicators import summarise
from sim.model.population import UsageState, build_network, build_population
from sim.outcomes import STEP_COLUMNS, role_columns
from sim.scenario import Scenario
from sim.seeding import fresh_seed

WAITING, LIVE, ADOPTED, WORKAROUND, LEFT = pr.WAITING, pr.LIVE, pr.ADOPTED, pr.WORKAROUND, pr.LEFT


def _metric(model: RolloutModel, name: str) -> float:
    return model.metrics[name]


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 0.0


def _p90(values: np.ndarray, state: np.ndarray, left: int) -> float:
    """90th percentile (linear interpolation, as ``numpy.quantile``) of ``values`` over
    users who have not left (``left`` of them have)."""
    x = values if left == 0 else values[state != LEFT]
    if x.size == 0:
        return 0.0
    pos = 0.9 * (x.size - 1)
    lo, hi = int(np.floor(pos)), int(np.ceil(pos))
    part = np.partition(x, (lo, hi))
    return float(part[lo] + (pos - lo) * (part[hi] - part[lo]))


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
        self.population = build_population(sc, self.rng)
        self.network = build_network(sc, self.population.unit, self.rng)
        UserAgent.create_agents(self, sc.population.size, index=list(range(sc.population.size)))
        self.participation, self.responsiveness = sc.involvement.resolved
        self.voluntary = (~self.population.mandatory).astype(float)
        self.retention = pr.practice_retention(self.population.hours, sc.training.on_the_job)
        self._voice_cache: tuple[int, np.ndarray, np.ndarray] | None = None
        self.social_weight = sc.adoption.w_social * np.where(
            self.population.mandatory, 1.0, sc.adoption.voluntary_social
        )
        self.feedback = pr.feedback_strength(
            self.participation, self.responsiveness, sc.involvement.saturation
        )
        self._init_system()
        self._init_schedule()
        self.consultant_knowledge = np.full(sc.consultants.count, sc.consultants.initial_knowledge)
        self._refresh_derived()
        Consultant.create_agents(
            self, sc.consultants.count, index=list(range(sc.consultants.count))
        )
        self.board = DecisionMaker(self)
        self._init_accounts()
        self.metrics: dict[str, float] = {}
        columns = [*STEP_COLUMNS, *role_columns(self.population.role_names)]
        # Mesa's DataCollector through its public API: one model reporter per indicator,
        # each reading the indicators the model computes once a week (``self.metrics``).
        self.datacollector = mesa.DataCollector(
            model_reporters={c: functools.partial(_metric, name=c) for c in columns}
        )
        self._record()

    # --- set-up ------------------------------------------------------------------------
    def _init_system(self) -> None:
        s = self.scenario.system
        self.fit = s.initial_fit
        self.usability = s.initial_usability
        # The system's defect count is itself uncertain: in Goel & Okumoto's (1979) model the
        # defects eventually found are Poisson with mean a, so each run draws its own.
        self.latent_defects = int(self.rng.poisson(s.latent_defects))
        self.open_defects = 0
        self.defects_found = 0
        self.fix_progress = 0.0
        self.test_effort = 0.0  # cumulative Goel-Okumoto test exposure (sum of weekly b)

    def _init_schedule(self) -> None:
        r = self.scenario.rollout
        n_waves = self.scenario.effective_waves
        self.wave_planned = r.first_golive_week + np.arange(n_waves) * r.wave_interval_weeks
        self.wave_live_week = np.full(n_waves, -1)
        self.wave_postponed = np.zeros(n_waves, dtype=int)
        self.wave_sizes = np.bincount(self.population.wave, minlength=n_waves)
        self.hypercare_until = np.full(n_waves, -1)
        self.postponements = 0

    def _init_accounts(self) -> None:
        self.cost = 0.0  # SEK, scaled to the real organisation
        self.hours_lost_total = 0.0  # per-agent hours
        self.support_backlog = 0.0
        self.congestion = 0.0
        self.productivity_loss = 0.0

    # --- schedule helpers used by the board ----------------------------------------------
    @property
    def waves_live(self) -> int:
        return int((self.wave_live_week >= 0).sum())

    def next_wave(self) -> int | None:
        pending = np.flatnonzero(self.wave_live_week < 0)
        return int(pending[0]) if pending.size else None

    def postpone(self, wave: int, until: float, count: bool) -> None:
        """Move ``wave`` to week ``until`` and keep the planned spacing of later waves."""
        interval = self.scenario.rollout.wave_interval_weeks
        until = min(until, np.iinfo(np.int64).max // 4)
        shifted = until + np.arange(self.wave_planned.size - wave) * interval
        self.wave_planned[wave:] = np.maximum(self.wave_planned[wave:], shifted)
        if count:
            self.wave_postponed[wave] += 1
            self.postponements += 1

    def extend_hypercare(self, weeks: int) -> None:
        live = self.wave_live_week >= 0
        self.hypercare_until[live] = np.maximum(self.hypercare_until[live], self.week + weeks)

    def readiness(self, wave: int) -> tuple[float, float]:
        """Readiness of ``wave``, 0-1, as it is and as the board measures it.

        Both are the mean of four parts: skills, testing done, open defects below the board's
        tolerance, and fit. The true skills part is the users' mean proficiency; the board
        measures training delivered against the plan, so a plan with no training looks
        complete to it.
        """
        sc, pop = self.scenario, self.population
        members = (pop.wave == wave) & (pop.state != LEFT)
        target = sc.training.hours_per_user
        if not members.any():
            skills = delivered = 1.0
        else:
            skills = float(pop.proficiency[members].mean())
            delivered = (
                float(np.minimum(pop.trained[members] / target, 1.0).mean()) if target > 0 else 1.0
            )
        tested = pr.detection_probability(self.test_effort)
        defects = 1.0 - min(1.0, self.open_defects / sc.governance.max_open_defects)
        common = tested + defects + self.fit
        return (skills + common) / 4.0, (delivered + common) / 4.0

    def local_fit(self, users: np.ndarray | slice) -> np.ndarray:
        """Fit of the system to the processes of each user's unit (as of this week)."""
        return self.fit_by_user[users]

    # --- the week ------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one week."""
        wave = self.board.decide()
        self._build_and_localise()
        self._test()
        self._train()
        if wave is not None:
            self._go_live(wave)
        loss = self._work()
        self._feel(loss)
        self._accept_or_avoid()
        self._account()
        self.week += 1
        self._record()

    def _build_and_localise(self) -> None:
        c = self.scenario.consultants
        knowledge = self.knowledge
        hours = pr.productive_hours(c.count, c.hours_per_week, c.coordination_overhead)
        fixed, self.fix_progress, used = pr.fix_defects(
            self.open_defects, self.fix_progress, hours * c.fix_share, knowledge, c.hours_per_fix
        )
        self.open_defects -= fixed
        consultant_weeks = (hours - used) / max(c.hours_per_week, 1e-9)
        s = self.scenario.system
        self.fit = pr.approach(
            self.fit, s.fit_ceiling, c.localisation_rate * consultant_weeks * knowledge
        )
        self.usability = pr.approach(
            self.usability,
            s.usability_ceiling,
            self.scenario.involvement.usability_gain * self.feedback,
        )
        self.consultant_knowledge += (
            c.knowledge_gain * self.feedback * (1.0 - self.consultant_knowledge)
        )
        self._refresh_derived()

    def _refresh_derived(self) -> None:
        """Quantities derived once a week from the system's state: mean consultant
        knowledge and the fit each unit sees."""
        k = self.consultant_knowledge
        self.knowledge = float(k.mean()) if k.size else 0.0
        self.fit_by_user = np.clip(self.fit + self.population.fit_offset, 0.0, 1.0)

    def _test(self) -> None:
        t = self.scenario.testing
        rate = 0.0
        if self.week >= t.start_week:
            rate = t.detection_rate * (1.0 + t.involvement_boost * self.feedback)
            self.test_effort += rate
        counts = np.bincount(self.population.state, minlength=len(UsageState))
        rate += t.live_detection_rate * (counts[LIVE] + counts[ADOPTED]) / self.population.size
        found = int(self.rng.binomial(self.latent_defects, pr.detection_probability(rate)))
        self.latent_defects -= found
        self.open_defects += found
        self.defects_found += found

    def _train(self) -> None:
        tr, pop = self.scenario.training, self.population
        window_open = self.wave_planned - tr.window_weeks <= self.week
        self.trained_this_week = 0.0
        if not window_open.any() or tr.hours_per_user <= 0:
            return
        eligible = window_open[pop.wave] & (pop.state != LEFT)
        need = np.where(eligible, np.maximum(tr.hours_per_user - pop.trained, 0.0), 0.0)
        trainees = np.flatnonzero(need)
        given = pr.share_training(need[trainees], tr.capacity * pop.size / 100.0)
        pop.trained[trainees] += given
        pop.proficiency[trainees] = pr.train_proficiency(
            pop.proficiency[trainees], given, tr.effectiveness, tr.half_hours
        )
        self.trained_this_week = float(given.sum())

    def _go_live(self, wave: int) -> None:
        pop = self.population
        pop.state[(pop.wave == wave) & (pop.state == WAITING)] = LIVE
        self.wave_live_week[wave] = self.week
        self.hypercare_until[wave] = self.week + self.scenario.support.hypercare_weeks

    def _work(self) -> np.ndarray:
        """Lost share of each user's system hours this week (the productivity dip)."""
        sc, pop = self.scenario, self.population
        on = (pop.state == LIVE) | (pop.state == ADOPTED)
        bypass = (pop.state == WORKAROUND) & pop.mandatory
        loss = np.zeros(pop.size)
        self.tickets_served = 0.0
        if not (on.any() or bypass.any()):  # nobody on the new system yet
            self.productivity_loss = 0.0
            pop.lost_hours = loss
            return loss
        loss[on] = pr.time_loss(
            pop.proficiency[on],
            fit=self.local_fit(on),
            usability=self.usability,
            open_defects=self.open_defects,
            defect_loss=sc.system.defect_loss,
            misfit_loss=sc.system.misfit_loss,
            learning_loss=sc.system.learning_loss,
            usability_loss=sc.system.usability_loss,
        )
        su = sc.support
        new_tickets = float(self.rng.poisson(su.ticket_rate * loss.sum()))
        on_per_wave = np.bincount(pop.wave, weights=on, minlength=self.wave_sizes.size)
        in_hypercare = on_per_wave[self.hypercare_until > self.week].sum()
        capacity = (
            su.capacity / 100.0 * (on_per_wave.sum() + (su.hypercare_multiplier - 1) * in_hypercare)
        )
        self.support_backlog, self.tickets_served, self.congestion = pr.support_week(
            self.support_backlog, new_tickets, capacity
        )
        loss = np.minimum(loss * (1.0 + su.wait_penalty * min(self.congestion, 1.0)), 1.0)
        loss[bypass] = sc.workaround.workaround_loss
        pop.lost_hours = loss * pop.hours
        pop.proficiency[on] = pr.learn_by_doing(pop.proficiency[on], self.retention[on])
        working = pop.hours[on | bypass].sum()
        self.productivity_loss = float(pop.lost_hours.sum() / working) if working > 0 else 0.0
        return loss

    def _feel(self, loss: np.ndarray) -> None:
        f, pop = self.scenario.frustration, self.population
        stress = np.minimum(pop.sensitivity * f.stress_per_loss * loss, 1.0)
        adopted = pop.state == ADOPTED
        if not (stress.any() or pop.frustration.any()):  # calm: nothing to feel or spread
            self.peer_adopted = (
                self.network.neighbour_mean(adopted.astype(float)) if adopted.any() else 0.0
            )
            return
        present = pop.state != LEFT
        feeling = pr.update_frustration(pop.frustration, stress, f.rise, f.decay)
        voiced, heard = self._voices(present)
        pull = self.network.neighbour_mean(voiced * feeling)
        feeling = pr.contagion(feeling, pull, heard, f.contagion)
        pop.frustration = np.where(present, feeling, pop.frustration)
        # usage states do not change before the next process, so the adopted share of
        # colleagues is computed here, once
        self.peer_adopted = self.network.neighbour_mean(adopted.astype(float))

    def _voices(self, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Voice of present users and its mean over each user's colleagues; recomputed
        only when someone has left since the last call."""
        left = int(present.size - np.count_nonzero(present))
        if self._voice_cache is None or self._voice_cache[0] != left:
            voiced = self.population.voice * present
            self._voice_cache = (left, voiced, self.network.neighbour_mean(voiced))
        return self._voice_cache[1], self._voice_cache[2]

    def _accept_or_avoid(self) -> None:
        """Acceptance and the usage-state hazards, for users whose unit is live."""
        sc, pop = self.scenario, self.population
        on = np.flatnonzero((pop.state != WAITING) & (pop.state != LEFT))
        if on.size:
            # a slice when everyone is concerned: same values, no copies
            self._choose_usage(on if on.size < pop.size else slice(None))
        t = sc.turnover
        leaving = pop.can_leave & (pop.frustration > t.threshold) & (pop.state != LEFT)
        if leaving.any():
            pop.state[leaving & (self.rng.random(pop.size) < t.rate)] = LEFT

    def _choose_usage(self, on: np.ndarray | slice) -> None:
        sc, pop = self.scenario, self.population
        a, w = sc.adoption, sc.workaround
        frustration = pop.frustration[on]
        peer = np.broadcast_to(self.peer_adopted, (pop.size,))[on]
        usefulness = np.clip(
            self.local_fit(on) - sc.system.defect_loss * self.open_defects / 100, 0, 1
        )
        accept = pr.acceptance(
            usefulness=usefulness,
            ease=self.usability * pop.proficiency[on],
            social=peer,
            social_weight=self.social_weight[on],
            frustration=frustration,
            intercept=a.intercept,
            w_usefulness=a.w_usefulness,
            w_ease=a.w_ease,
            w_frustration=a.w_frustration,
        )
        pop.acceptance[on] = accept
        modifier = 1.0 - a.acceptance_weight + a.acceptance_weight * accept
        over = np.where(frustration > w.enter_threshold, w.enter_rate, 0.0)
        stay_away = self.voluntary[on] * (w.avoid_rate * (1.0 - accept))
        pop.state[on] = pr.transition(
            pop.state[on],
            self.rng.random(len(pop.state[on])),
            adopt=pr.adoption_hazard(modifier, a.p, a.q, peer),
            avoid=1.0 - (1.0 - over) * (1.0 - stay_away),
            give_up=over,
            come_back=np.where(frustration < w.exit_threshold, w.exit_rate * accept, 0.0),
        )

    def _account(self) -> None:
        sc, pop = self.scenario, self.population
        c, scale = sc.costs, sc.population.scale
        lost = float(pop.lost_hours.sum())
        self.hours_lost_total += lost
        participants = float((pop.involved & (pop.state == WAITING)).sum())
        user_hours = lost + self.trained_this_week + participants * sc.involvement.hours_per_week
        consultant_hours = sc.consultants.count * sc.consultants.hours_per_week
        week = user_hours * scale * c.wage + self.trained_this_week * scale * c.trainer_rate
        week += consultant_hours * c.consultant_rate + self.tickets_served * scale * c.support_rate
        if 0 < self.waves_live < self.wave_planned.size:
            week += c.dual_running_per_week
        if self.waves_live > 0:
            week += c.system_per_week
        self.cost += week

    # --- observation ---------------------------------------------------------------------
    def _record(self) -> None:
        """Compute this week's indicators, show them to the board and collect them."""
        pop, n_states = self.population, len(UsageState)
        n_roles = len(pop.role_names)
        cell = pop.role * n_states + pop.state
        size = n_roles * n_states
        table = np.bincount(cell, minlength=size).reshape(n_roles, n_states)
        f_sum = np.bincount(cell, weights=pop.frustration, minlength=size).reshape(table.shape)
        by_state, f_by_state = table.sum(axis=0), f_sum.sum(axis=0)
        present = pop.size - by_state[LEFT]
        on_system = by_state[[LIVE, ADOPTED, WORKAROUND]].sum()
        unit_live = float(self.wave_sizes[self.wave_live_week >= 0].sum())
        prof_sum = np.bincount(pop.state, weights=pop.proficiency, minlength=n_states)
        role_size = np.maximum(table.sum(axis=1), 1)
        role_present = np.maximum(role_size - table[:, LEFT], 1)
        m = {
            "live_share": unit_live / pop.size,
            "adoption_rate": by_state[ADOPTED] / pop.size,
            "workaround_rate": by_state[WORKAROUND] / pop.size,
            "left_share": by_state[LEFT] / pop.size,
            "mean_frustration": _share(f_by_state.sum() - f_by_state[LEFT], present),
            "p90_frustration": _p90(pop.frustration, pop.state, by_state[LEFT]),
            "productivity_loss": self.productivity_loss,
            "open_defects": self.open_defects,
            "defects_found": self.defects_found,
            "support_backlog": self.support_backlog * self.scenario.population.scale,
            "cumulative_cost": self.cost / 1e6,
            "waves_live": self.waves_live,
            "postponements": self.postponements,
            "halted": int(self.board.paused),
            "fit": self.fit,
            "usability": self.usability,
            "knowledge": self.knowledge,
            "mean_proficiency": _share(prof_sum.sum() - prof_sum[LEFT], present),
        }
        columns = {
            "adoption_rate": table[:, ADOPTED] / role_size,
            "mean_frustration": (f_sum.sum(axis=1) - f_sum[:, LEFT]) / role_present,
            "workaround_rate": table[:, WORKAROUND] / role_size,
        }
        for col, values in columns.items():
            for name, value in zip(pop.role_names, values.tolist(), strict=True):
                m[f"{col}.{name}"] = value
        self.metrics = {k: float(v) for k, v in m.items()}
        self.board.observe(
            Report(
                frustration_live=_share(f_by_state[[LIVE, ADOPTED, WORKAROUND]].sum(), on_system),
                # only users of live units can have adopted
                adoption_live=_share(by_state[ADOPTED], unit_live),
                congestion=float(min(self.congestion, 10.0)),
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
        live = self.wave_live_week[self.wave_live_week >= 0]
        scale = self.scenario.population.scale
        extra = {
            "first_golive_week": int(live.min()) if live.size else None,
            "last_golive_week": int(live.max()) if live.size == self.wave_live_week.size else None,
            "halt_week": self.board.halt_week,
            "golives_despite_warnings": self.board.despite_warnings,
            "hours_lost_per_user": self.hours_lost_total / self.population.size,
            "total_hours_lost": self.hours_lost_total * scale,
        }
        return summarise(self.timeseries(), extra)
