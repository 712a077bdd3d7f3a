"""The users' week: work, feel, accept or avoid, and perhaps leave.

Users are rows of the population arrays (:mod:`sim.model.population`); each function here
updates all of them at once with the small mechanisms of :mod:`sim.model.processes`.
See docs/ODD.md, sections 7.7-7.9.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import indicators, support
from sim.model import processes as pr
from sim.model.population import usefulness_weight

if TYPE_CHECKING:
    from sim.model.model import RolloutModel

WAITING, LIVE, ADOPTED, WORKAROUND, LEFT = pr.WAITING, pr.LIVE, pr.ADOPTED, pr.WORKAROUND, pr.LEFT
QUIET = {"productivity_loss": 0.0, "productivity_loss_live": 0.0}


def work(model: RolloutModel) -> np.ndarray:
    """Each user's share of system hours lost this week against the legacy baseline
    (the productivity dip; negative where work is better than before). Sets the users'
    hours lost and the week's productivity indicators."""
    sc, pop = model.scenario, model.population
    on = (pop.state == LIVE) | (pop.state == ADOPTED)
    bypass = (pop.state == WORKAROUND) & pop.mandatory
    loss = np.zeros(pop.size)
    pop.lost_hours = loss
    if not on.any():
        model.desk.idle(model)
    if not (on.any() or bypass.any()):  # nobody on the new system yet: the baseline
        model.work_indicators = QUIET
        return loss
    s = sc.system
    fit = model.system.fit_by_user[on]
    friction = pr.time_loss(
        pop.proficiency[on],
        fit=fit,
        usability=model.system.usability,
        open_defects=model.system.open_defects,
        defect_loss=s.defect_loss,
        misfit_loss=s.misfit_loss,
        learning_loss=s.learning_loss,
        usability_loss=s.usability_loss,
    )
    present = pop.state != LEFT
    waiting_share = np.count_nonzero(pop.state == WAITING) / max(np.count_nonzero(present), 1)
    friction = np.minimum(friction + s.interface_loss * waiting_share, 1.0)
    if on.any():
        # problems the old systems did not have raise questions
        excess = np.clip(friction - model.legacy_friction, 0.0, None)
        waiting_for_help = model.desk.week(model, on, excess * pop.hours[on])
        friction = np.minimum(friction * waiting_for_help, 1.0)
    gain = pr.realised_gain(s.productivity_gain, fit, pop.proficiency[on])
    loss[on] = friction - model.legacy_friction - gain
    loss[bypass] = sc.workaround.workaround_loss
    pop.lost_hours = loss * pop.hours
    pop.proficiency[on] = pr.learn_by_doing(pop.proficiency[on], model.retention[on])
    support.coach(model, on)
    live = on | (pop.state == WORKAROUND)
    model.work_indicators = {
        "productivity_loss": indicators.share(pop.lost_hours.sum(), pop.hours[present].sum()),
        "productivity_loss_live": indicators.share(
            pop.lost_hours[live].sum(), pop.hours[on | bypass].sum()
        ),
    }
    return loss


class Feelings:
    """Frustration and its contagion between colleagues (Bosse et al. 2015), with the
    voices of present users cached until someone leaves."""

    def __init__(self, model: RolloutModel):
        self.model = model
        self.peer_adopted: np.ndarray | float = 0.0
        self._voice_cache: tuple[int, np.ndarray, np.ndarray] | None = None

    def feel(self, loss: np.ndarray) -> None:
        """Frustration moves towards the stress of this week's ``loss`` and spreads."""
        model = self.model
        f, pop, network = model.scenario.frustration, model.population, model.network
        stress = np.clip(pop.sensitivity * f.stress_per_loss * loss, 0.0, 1.0)
        adopted = pop.state == ADOPTED
        if not (stress.any() or pop.frustration.any()):  # calm: nothing to feel or spread
            self.peer_adopted = (
                network.neighbour_mean(adopted.astype(float)) if adopted.any() else 0.0
            )
            return
        present = pop.state != LEFT
        feeling = pr.update_frustration(pop.frustration, stress, f.rise, f.decay)
        voiced, heard = self._voices(present)
        pull = network.neighbour_mean(voiced * feeling)
        feeling = pr.contagion(feeling, pull, heard, f.contagion)
        pop.frustration = np.where(present, feeling, pop.frustration)
        # usage states do not change before the next process, so the adopted share of
        # colleagues is computed here, once
        self.peer_adopted = network.neighbour_mean(adopted.astype(float))

    def _voices(self, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Voice of present users and its mean over each user's colleagues; recomputed
        only when someone has left since the last call."""
        left = int(present.size - np.count_nonzero(present))
        if self._voice_cache is None or self._voice_cache[0] != left:
            voiced = self.model.population.voice * present
            self._voice_cache = (left, voiced, self.model.network.neighbour_mean(voiced))
        return self._voice_cache[1], self._voice_cache[2]


def accept_or_avoid(model: RolloutModel) -> None:
    """Acceptance, lasting attitudes and the usage-state hazards for users whose unit
    is live; then staff whose intention to leave is high may leave."""
    sc, pop = model.scenario, model.population
    on = np.flatnonzero((pop.state != WAITING) & (pop.state != LEFT))
    if on.size:
        # a slice when everyone is concerned: same values, no copies
        _choose_usage(model, on if on.size < pop.size else slice(None))
    t = sc.turnover
    present = pop.state != LEFT
    # intention follows lasting strain, not one bad week (Bernerth et al. 2011)
    pop.intention = np.where(
        present & pop.can_leave,
        pr.follow(pop.intention, pop.frustration, sc.attitude.rate),
        pop.intention,
    )
    leaving = pop.can_leave & (pop.intention > t.threshold) & present
    model.left_this_week = 0
    if leaving.any():
        gone = leaving & (model.rng.random(pop.size) < t.rate)
        pop.state[gone] = LEFT
        model.left_this_week = int(np.count_nonzero(gone))


def _choose_usage(model: RolloutModel, on: np.ndarray | slice) -> None:
    sc, pop, system = model.scenario, model.population, model.system
    a, w = sc.adoption, sc.workaround
    frustration = pop.frustration[on]
    peer = np.broadcast_to(model.feelings.peer_adopted, (pop.size,))[on]
    usefulness = np.clip(
        system.fit_by_user[on] - sc.system.defect_loss * system.open_defects / 100, 0, 1
    )
    ease = system.usability * pop.proficiency[on]
    accept = pr.acceptance(
        usefulness=usefulness,
        ease=ease,
        social=peer,
        social_weight=model.social_weight[on],
        frustration=frustration,
        intercept=a.intercept,
        w_usefulness=a.w_usefulness,
        w_ease=a.w_ease,
        w_frustration=a.w_frustration,
    )
    pop.acceptance[on] = accept
    state = pop.state[on]
    weight = usefulness_weight(sc)
    experienced = pr.rating_target(
        usefulness,
        ease,
        weight,
        state == WORKAROUND,
        sc.attitude.workaround_penalty,
        pop.rating_bias[on],
    )
    pop.rating[on] = pr.follow(pop.rating[on], experienced, sc.attitude.rate)
    modifier = 1.0 - a.acceptance_weight + a.acceptance_weight * accept
    over = np.where(frustration > w.enter_threshold, w.enter_rate, 0.0)
    stay_away = model.voluntary[on] * (w.avoid_rate * (1.0 - accept))
    pop.state[on] = pr.transition(
        state,
        model.rng.random(len(state)),
        adopt=pr.adoption_hazard(modifier, a.p, a.q, peer),
        avoid=1.0 - (1.0 - over) * (1.0 - stay_away),
        give_up=over,
        come_back=np.where(frustration < w.exit_threshold, w.exit_rate * accept, 0.0),
    )
