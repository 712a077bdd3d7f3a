"""The weekly mechanisms as small vectorised functions.

Each function takes plain numbers and NumPy arrays and returns new values, so every
mechanism can be tested on hand-built inputs. :class:`sim.model.model.RolloutModel` calls
them in the order of the weekly schedule in ``docs/ODD.md``: decide, build and localise,
test, train, go live, work, feel, accept or avoid, account.

References (full list in docs/ODD.md): Goel & Okumoto 1979 (defect discovery); Brooks 1975
(coordination overhead); Bass 1969 (adoption hazard); Davis 1989 and Venkatesh et al. 2003
(acceptance); Bosse et al. 2015 (emotion contagion); Repenning 2002 (hysteresis).
"""

from __future__ import annotations

import numpy as np

from sim.model.population import UsageState

WAITING, LIVE, ADOPTED, WORKAROUND, LEFT = (int(s) for s in UsageState)


# --- build and localise -------------------------------------------------------------------


def productive_hours(count: int, hours: float, overhead: float) -> float:
    """Consultant hours that produce work after coordination overhead (Brooks 1975).

    Each extra consultant costs every other one a share ``overhead`` of their time, so the
    team's productive share is ``1 / (1 + overhead * (count - 1))``.
    """
    if count <= 0:
        return 0.0
    return count * hours / (1.0 + overhead * (count - 1))


def feedback_strength(participation: float, responsiveness: float, saturation: float) -> float:
    """How much user feedback reaches the design, 0-1.

    Contact grows with participation and saturates (a design team needs only so many
    users); only the share ``responsiveness`` of that feedback changes anything.
    """
    return (1.0 - np.exp(-participation / saturation)) * responsiveness


def approach(value: float, ceiling: float, rate: float) -> float:
    """Close the share ``rate`` (clipped to 0-1) of the gap between ``value`` and ``ceiling``."""
    return value + min(max(rate, 0.0), 1.0) * (ceiling - value)


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


def detection_probability(rate: float) -> float:
    """Weekly probability that a latent defect is found at detection rate ``rate``
    (Goel & Okumoto 1979: found defects m(t) = a(1 - exp(-b t)) under constant effort)."""
    return 1.0 - np.exp(-max(rate, 0.0))


# --- train --------------------------------------------------------------------------------


def share_training(need: np.ndarray, capacity: float) -> np.ndarray:
    """Hours given to each user: all they need if capacity allows, else in proportion."""
    total = float(need.sum())
    if total <= capacity or total <= 0:
        return need.copy()
    return need * (capacity / total)


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


def support_week(backlog: float, new_tickets: float, capacity: float) -> tuple[float, float, float]:
    """One week of the support desk. Returns (backlog after, tickets served, congestion),
    where congestion is the remaining backlog in weeks of capacity (0 when capacity is 0
    and nothing waits, else at least the backlog's size relative to one ticket)."""
    queue = backlog + new_tickets
    served = min(queue, capacity)
    left = queue - served
    congestion = left / capacity if capacity > 0 else (np.inf if left > 0 else 0.0)
    return left, served, congestion


# --- feel ---------------------------------------------------------------------------------


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
