"""The weekly mechanisms as small vectorised functions.

Each function takes plain numbers and NumPy arrays and returns new values, so every
mechanism can be tested on hand-built inputs. :class:`sim.model.model.RolloutModel` calls
them in the order of the weekly schedule in ``docs/ODD.md``: decide, build and localise,
test, train, go live, work, feel, accept or avoid, account.

References (full list in docs/ODD.md): Goel & Okumoto 1979 (defect discovery); Brooks 1975
(coordination overhead); Sakasegawa 1977 (waiting in a multi-server queue); Bass 1969
(adoption hazard); Davis 1989 and Venkatesh et al. 2003 (acceptance); Bosse et al. 2015
(emotion contagion); Repenning 2002 (hysteresis).
"""

from __future__ import annotations

import numpy as np

from sim.model.population import UsageState

WAITING, LIVE, ADOPTED, WORKAROUND, LEFT = (int(s) for s in UsageState)


# --- build and localise -------------------------------------------------------------------


def productive_hours(count: int, hours: float, overhead: float) -> float:
    """Consultant hours that produce work after coordination overhead (Brooks 1975).

    Each extra consultant costs every other one a share ``overhead`` of their time, so the
    team's productive share is ``1 / (1 + overhead * (count - 1))``: the team's hours level
    off at ``hours / overhead`` but never fall as it grows (Brooks' law that adding people
    to a late project makes it later is not modelled).
    """
    if count <= 0:
        return 0.0
    return count * hours / (1.0 + overhead * (count - 1))


def feedback_strength(participation, responsiveness: float, saturation: float):
    """How much user feedback reaches the design, 0-1 (a number, or an array of them).

    Contact grows with participation and saturates (a design team needs only so many
    users); only the share ``responsiveness`` of that feedback changes anything.
    """
    return (1.0 - np.exp(-participation / saturation)) * responsiveness


def approach(value: float, ceiling: float, rate: float) -> float:
    """Close the share ``rate`` (clipped to 0-1) of the gap up to ``ceiling``; a value
    already above the ceiling stays (localisation and feedback do not make a system worse)."""
    return value + min(max(rate, 0.0), 1.0) * max(ceiling - value, 0.0)


def localise_misfit(
    gaps: np.ndarray, hours: float, knowledge: float, hours_per_tenth: float
) -> tuple[np.ndarray, float]:
    """Localise known misfits (``gaps``, in fit points, one per unit or kind of unit) with
    up to ``hours`` consultant hours.

    Removing 0.1 of a misfit takes ``hours_per_tenth / knowledge`` hours (knowledge floored
    at 0.1); when the hours do not cover everything, every gap shrinks by the same share.
    Returns (gaps left, hours used).
    """
    need = float(gaps.sum()) * 10.0 * hours_per_tenth / max(knowledge, 0.1)
    if need <= 0 or hours <= 0:
        return gaps, 0.0
    done = min(1.0, hours / need)
    return gaps * (1.0 - done), done * need


def fix_defects(
    open_defects: int, progress: float, hours: float, knowledge: float, hours_per_fix: float
) -> tuple[int, float, float]:
    """Fix found defects with up to ``hours`` of consultant time.

    A fix takes ``hours_per_fix / knowledge`` hours (knowledge floored at 0.1); fractional
    progress carries over to the next week. Returns (fixed, new progress, hours used).
    """
    if open_defects <= 0 or hours <= 0:
        return 0, 0.0, 0.0
    per_fix = hours_per_fix / max(knowledge, 0.1)
    possible = progress + hours / per_fix
    if possible < open_defects:
        fixed = int(possible)
        return fixed, possible - fixed, hours
    return open_defects, 0.0, max(open_defects - progress, 0.0) * per_fix


# --- test and find defects ----------------------------------------------------------------


def detection_probability(rate):
    """Weekly probability that something latent is found at detection rate ``rate`` (a
    number or an array) (Goel & Okumoto 1979: found defects m(t) = a(1 - exp(-b t)) under
    constant effort)."""
    return 1.0 - np.exp(-np.maximum(rate, 0.0))


# --- train --------------------------------------------------------------------------------


def share_training(need: np.ndarray, capacity: float) -> np.ndarray:
    """Hours given to each user: all they need if capacity allows, else in proportion."""
    total = float(need.sum())
    if total <= capacity or total <= 0:
        return need.copy()
    return need * (capacity / total)


def train_in_order(need: np.ndarray, group: np.ndarray, order: np.ndarray, capacity: float):
    """Hours given to each user when trainers serve groups (waves) one after another in
    ``order`` (earliest go-live first), sharing within a group in proportion to need.

    ``group[i]`` is user i's group; ``order`` lists groups by priority. Returns the hours
    per user (same shape as ``need``).
    """
    given = np.zeros_like(need)
    per_group = np.bincount(group, weights=need, minlength=order.size)
    left = float(capacity)
    for g in order:
        if left <= 0:
            break
        if per_group[g] <= 0:
            continue
        members = group == g
        given[members] = share_training(need[members], left)
        left -= min(per_group[g], left)
    return given


def training_starts(planned: np.ndarray, need: np.ndarray, capacity: float) -> np.ndarray:
    """The week each wave's training starts under a plan the trainers can deliver, just in
    time.

    Waves are trained one after another, earliest go-live first, and each must be finished
    by its planned go-live; scheduling backwards from the last wave gives the latest start
    that lets ``capacity`` trainee-hours a week reach every user (``need`` hours per wave).
    With no capacity a wave's start is its go-live (nothing can be delivered).
    """
    order = np.argsort(planned, kind="stable")
    start = np.array(planned, dtype=float)
    finish = np.inf
    for w in order[::-1]:
        finish = min(float(planned[w]), finish)
        weeks = np.ceil(need[w] / capacity) if capacity > 0 else 0.0
        start[w] = finish - weeks
        finish = start[w]
    return start


def forget(proficiency: np.ndarray, skill: np.ndarray, rate: float) -> np.ndarray:
    """Proficiency of users who do not practise: the part above their own skill (what
    training added) shrinks by ``rate`` a week (skill decay with non-use, Arthur et al. 1998)."""
    return skill + (proficiency - skill) * (1.0 - rate)


def train_proficiency(
    proficiency: np.ndarray, hours: np.ndarray, effectiveness: float, half_hours: float
) -> np.ndarray:
    """Proficiency after ``hours`` of training: each ``half_hours`` of effective training
    closes half of the remaining gap (an exponential learning curve)."""
    return 1.0 - (1.0 - proficiency) * np.exp2(-effectiveness * hours / half_hours)


def practice_retention(hours: np.ndarray, rate: float) -> np.ndarray:
    """Share of the proficiency gap that remains after a week of ``hours`` of use, when
    every 10 hours close the share ``rate`` of it."""
    return (1.0 - min(max(rate, 0.0), 1.0)) ** (hours / 10.0)


def learn_by_doing(proficiency: np.ndarray, retention: np.ndarray) -> np.ndarray:
    """Proficiency after a week of use (a learning curve that depends on practice):
    the gap shrinks to ``retention`` (see :func:`practice_retention`) of itself."""
    return 1.0 - (1.0 - proficiency) * retention


# --- work ---------------------------------------------------------------------------------


def realised_gain(gain: float, fit: float | np.ndarray, proficiency: np.ndarray) -> np.ndarray:
    """Share of system hours saved against the legacy baseline: the system's full ``gain``
    for a proficient user on a fully fitted system, scaled by fit x proficiency."""
    return gain * fit * proficiency


def time_loss(
    proficiency: np.ndarray,
    *,
    fit: float | np.ndarray,
    usability: float,
    open_defects: float,
    defect_loss: float,
    misfit_loss: float,
    learning_loss: float,
    usability_loss: float,
) -> np.ndarray:
    """Share of a live user's system hours lost to defects, misfit, usability and the
    learning curve (before waiting for support), clipped to 0-1."""
    shared = defect_loss * open_defects / 100.0 + misfit_loss * (1.0 - fit)
    shared += usability_loss * (1.0 - usability)
    return np.minimum(shared + learning_loss * (1.0 - proficiency), 1.0)


def legacy_friction(
    *, fit: float, usability: float, misfit_loss: float, usability_loss: float
) -> float:
    """Share of a (fully proficient) user's hours the legacy systems lose to misfit and poor
    usability: the baseline that the new system's frictions are measured against."""
    return misfit_loss * (1.0 - fit) + usability_loss * (1.0 - usability)


RHO_MAX = 0.95
"""Utilisation up to which the within-week wait follows the multi-server approximation;
beyond it, the tickets carried over into the next week dominate the wait."""


def queue_wait(utilisation: float, servers: float, service_hours: float) -> float:
    """Mean wait in the queue (hours) of a multi-server desk (M/M/c) at ``utilisation``
    with ``servers`` servers (not necessarily whole) and mean service time
    ``service_hours``: Sakasegawa's (1977) approximation of Erlang C,
    ``Wq = s * rho^(sqrt(2 (c + 1)) - 1) / (c (1 - rho))``, for 0 <= rho < 1. Waits grow
    steeply as utilisation nears 1, and a larger desk waits less at the same utilisation.
    """
    if utilisation <= 0 or servers <= 0:
        return 0.0
    rho = min(utilisation, RHO_MAX)
    return service_hours * rho ** (np.sqrt(2.0 * (servers + 1.0)) - 1.0) / (servers * (1.0 - rho))


def desk_week(
    backlog: float, arrivals: float, capacity: float, service_hours: float, open_hours: float
) -> tuple[float, float, float]:
    """One week of a help desk that can resolve ``capacity`` tickets a week, open
    ``open_hours`` hours with service time ``service_hours``.

    The queue is last week's ``backlog`` plus this week's ``arrivals``; up to ``capacity``
    are served and the rest are carried over. The wait (hours of opening time) is the
    within-week queueing wait at utilisation ``queue / capacity`` (:func:`queue_wait`,
    with ``capacity * service_hours / open_hours`` servers) plus the time to clear the
    tickets carried over (``carried / capacity`` weeks). Returns (backlog after, served,
    wait in hours); the wait is infinite when tickets wait at a desk with no capacity.
    """
    queue = backlog + arrivals
    if capacity <= 0:
        return queue, 0.0, (np.inf if queue > 0 else 0.0)
    served = min(queue, capacity)
    carried = queue - served
    servers = capacity * service_hours / open_hours
    wait = queue_wait(queue / capacity, servers, service_hours) + carried / capacity * open_hours
    return carried, served, float(wait)


def peer_answers(raised: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Questions answered within each unit by its super-users: as many as were raised,
    up to the unit's peer capacity."""
    return np.minimum(raised, capacity)


def coach(
    proficiency: np.ndarray, mentor: np.ndarray, coverage: np.ndarray, rate: float
) -> np.ndarray:
    """Proficiency after a week of coaching: each user closes the share ``rate * coverage``
    of the gap up to their ``mentor``'s proficiency (never lowered)."""
    return proficiency + rate * coverage * np.maximum(mentor - proficiency, 0.0)


# --- feel ---------------------------------------------------------------------------------


def rating_target(
    usefulness: np.ndarray | float,
    ease: np.ndarray,
    weight_usefulness: float,
    working_around: np.ndarray,
    penalty: float,
    bias: np.ndarray | float = 0.0,
) -> np.ndarray:
    """The rating a user would give the system after this week, 0-1: perceived usefulness
    and ease of use weighted as in the acceptance model (usefulness weighs more, Davis
    1989), less a penalty when the user works around the system (the work is done twice),
    shifted by the user's own ``bias`` (some users rate every system more critically)."""
    quality = weight_usefulness * usefulness + (1.0 - weight_usefulness) * ease
    return np.clip(quality - penalty * working_around + bias, 0.0, 1.0)


def follow(value: np.ndarray, target: np.ndarray, rate: float) -> np.ndarray:
    """A slow state (an attitude) moving the share ``rate`` of the way to ``target``."""
    return value + rate * (target - value)


def update_frustration(
    frustration: np.ndarray, stress: np.ndarray, rise: float, decay: float
) -> np.ndarray:
    """Move frustration towards stress: quickly when stress is higher, slowly when lower."""
    rate = np.where(stress > frustration, rise, decay)
    return frustration + rate * (stress - frustration)


def contagion(
    frustration: np.ndarray, pull: np.ndarray, weight: np.ndarray, strength: float
) -> np.ndarray:
    """Emotion contagion (Bosse et al. 2015): each user moves towards colleagues'
    frustration, each colleague weighted by their voice (expressiveness):
    ``F_i += strength * mean_j(v_j F_j) - strength * mean_j(v_j) F_i``, where ``pull`` and
    ``weight`` are those two colleague means."""
    return np.clip(frustration + strength * (pull - weight * frustration), 0.0, 1.0)


# --- accept or avoid ----------------------------------------------------------------------


def acceptance(
    *,
    usefulness: float | np.ndarray,
    ease: np.ndarray,
    social: np.ndarray | float,
    social_weight: np.ndarray,
    frustration: np.ndarray,
    intercept: float,
    w_usefulness: float,
    w_ease: float,
    w_frustration: float,
) -> np.ndarray:
    """TAM/UTAUT-style acceptance, 0-1: a logistic function of perceived usefulness, ease
    of use, social influence (weighted per user) and frustration (Davis 1989; Venkatesh et
    al. 2003)."""
    logit = intercept + w_usefulness * usefulness + w_ease * ease
    logit = logit + social_weight * social - w_frustration * frustration
    return 1.0 / (1.0 + np.exp(-logit))


def adoption_hazard(
    modifier: np.ndarray | float, p: float, q: float, peer_share: np.ndarray | float
) -> np.ndarray:
    """Weekly probability of moving from live to adopted: ``1 - exp(-m (p + q s))``, the
    discrete-time Bass hazard (Bass 1969) scaled by the acceptance modifier ``m``."""
    return 1.0 - np.exp(-modifier * (p + q * peer_share))


def transition(
    state: np.ndarray,
    draw: np.ndarray,
    *,
    adopt: np.ndarray,
    avoid: np.ndarray,
    give_up: np.ndarray,
    come_back: np.ndarray,
) -> np.ndarray:
    """New usage states from competing weekly hazards and one uniform draw per user.

    Live users go to workaround with probability ``avoid``, else adopt with ``adopt``;
    adopted users go to workaround with ``give_up``; users in workaround return to live
    with ``come_back``. Waiting and departed users do not change here.
    """
    new = state.copy()
    live = state == LIVE
    new[live & (draw < avoid)] = WORKAROUND
    new[live & (draw >= avoid) & (draw < avoid + (1.0 - avoid) * adopt)] = ADOPTED
    new[(state == ADOPTED) & (draw < give_up)] = WORKAROUND
    new[(state == WORKAROUND) & (draw < come_back)] = LIVE
    return new
