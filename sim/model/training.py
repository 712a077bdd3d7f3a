"""Training: who is trained when, by trainers of finite capacity.

Each user has a planned number of hours (:func:`planned_hours`): the role's own hours if the
scenario sets them, else the hours of the user's wave, else ``training.hours_per_user``;
super-users get ``support.super_user_training_hours`` more. Each wave is trained before its
planned go-live. Trainers deliver at most
``training.capacity`` trainee-hours a week per 100 users of the organisation and serve the
wave that goes live first before the next (earliest due first). With plan ``capacity`` a
wave's training starts as late as lets the trainers reach all its users by its go-live,
planned backwards from the last wave (just in time, so little is forgotten), and a big bang
is not under-trained by its plan; with plan ``fixed`` it starts ``window_weeks`` before
go-live whatever the trainers can deliver.
Users who wait on the old system after training lose part of what they learnt (skill decay
with non-use, Arthur et al. 1998).
See docs/ODD.md, section 7.5.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import processes as pr
from sim.model.population import Population, UsageState

if TYPE_CHECKING:
    from sim.model.model import RolloutModel

WAITING, LEFT = int(UsageState.WAITING), int(UsageState.LEFT)


def capacity_per_week(model: RolloutModel) -> float:
    """Trainee-hours the trainers can deliver in one week."""
    tr = model.scenario.training
    return tr.capacity * model.population.size / 100.0


def planned_hours(scenario, pop: Population) -> np.ndarray:
    """Training planned for each user: role hours, else wave hours, else the default; plus
    the super-users' extra hours."""
    tr = scenario.training
    if tr.hours_by_wave is not None:
        plan = np.asarray(tr.hours_by_wave, dtype=float)[pop.wave]
    else:
        plan = np.full(pop.size, tr.hours_per_user)
    roles = [scenario.population.roles[name] for name in pop.role_names]
    own = np.array([np.nan if r.training_hours is None else r.training_hours for r in roles])
    plan = np.where(np.isnan(own[pop.role]), plan, own[pop.role])
    return plan + scenario.support.super_user_training_hours * pop.super_user


def hours_needed(model: RolloutModel) -> np.ndarray:
    """Training hours each user still needs to reach the plan (0 for users who left)."""
    pop = model.population
    need = np.maximum(model.training_plan - pop.trained, 0.0)
    return np.where(pop.state != LEFT, need, 0.0)


def start_weeks(model: RolloutModel, need: np.ndarray) -> np.ndarray:
    """The week each wave's training starts, from the current (possibly postponed) plan,
    given each user's remaining ``need``."""
    tr = model.scenario.training
    planned = model.schedule.planned
    if tr.plan == "fixed":
        return planned - tr.window_weeks
    per_wave = np.bincount(model.population.wave, weights=need, minlength=planned.size)
    return pr.training_starts(planned, per_wave, capacity_per_week(model))


def train(model: RolloutModel) -> tuple[float, float]:
    """One week of training; returns the trainee-hours delivered and the trainees' time
    at their wages (agent scale, SEK)."""
    tr, pop = model.scenario.training, model.population
    if model.training_done:
        return 0.0, 0.0
    need = hours_needed(model)
    if not need.any():
        model.training_done = True  # nobody needs more (users do not lose trained hours)
        return 0.0, 0.0
    open_waves = start_weeks(model, need) <= model.week
    if not open_waves.any():
        return 0.0, 0.0
    need = np.where(open_waves[pop.wave], need, 0.0)
    trainees = np.flatnonzero(need)
    if trainees.size == 0:
        return 0.0, 0.0
    order = np.argsort(model.schedule.planned, kind="stable")
    given = pr.train_in_order(need[trainees], pop.wave[trainees], order, capacity_per_week(model))
    pop.trained[trainees] += given
    pop.proficiency[trainees] = pr.train_proficiency(
        pop.proficiency[trainees], given, tr.effectiveness, tr.half_hours
    )
    return float(given.sum()), float((given * pop.wage[trainees]).sum())


def forget_while_waiting(model: RolloutModel) -> None:
    """Users still on the old system lose part of what training added (no practice)."""
    sc, pop = model.scenario, model.population
    if sc.training.forgetting <= 0:
        return
    waiting = (pop.state == WAITING) & (pop.proficiency > pop.skill)
    if waiting.any():
        pop.proficiency[waiting] = pr.forget(
            pop.proficiency[waiting], pop.skill[waiting], sc.training.forgetting
        )
