"""The model's indicators: what is measured each week, per wave, and over a run.

:func:`weekly` computes the per-step indicators (the columns of ``timeseries.csv``; names
and meanings in :mod:`sim.outcomes`), :class:`WaveLog` follows each wave's users week by
week, and :func:`summarise` and :func:`wave_records` turn a finished run into its run-level
outcomes and per-wave records.

Measured fairly (docs/ODD.md, "Observation"): productivity against the legacy baseline
(zero before go-live, negative when work is better than before); frustration, workarounds
and satisfaction over the users exposed to the new system ("live") beside the
population-wide measures ("all"); adoption timing from the programme's start, the same
origin for every strategy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.model.population import UsageState
from sim.outcomes import OUTCOMES

if TYPE_CHECKING:
    from sim.model.model import RolloutModel

WAITING, LIVE, ADOPTED, WORKAROUND, LEFT = (int(s) for s in UsageState)
N_STATES = len(UsageState)
RECOVERY_TOLERANCE = 0.02
"""A wave has recovered when its share of hours lost is within this of the baseline."""
FINAL_WEEKS = 4
"""``final_*`` outcomes are means over the last this many weeks."""


def share(part: float, whole: float) -> float:
    """``part / whole``, or 0 when ``whole`` is 0."""
    return float(part / whole) if whole > 0 else 0.0


def p90(values: np.ndarray) -> float:
    """90th percentile with linear interpolation (as ``numpy.quantile``), by partial sort."""
    if values.size == 0:
        return 0.0
    pos = 0.9 * (values.size - 1)
    lo, hi = int(np.floor(pos)), int(np.ceil(pos))
    part = np.partition(values, (lo, hi))
    return float(part[lo] + (pos - lo) * (part[hi] - part[lo]))


def weekly(model: RolloutModel) -> dict[str, float]:
    """This week's indicators (see :data:`sim.outcomes.INDICATORS` and role columns)."""
    pop = model.population
    n_roles = len(pop.role_names)
    cell = pop.role * N_STATES + pop.state
    table = np.bincount(cell, minlength=n_roles * N_STATES).reshape(n_roles, N_STATES)
    f_sum = np.bincount(cell, weights=pop.frustration, minlength=table.size).reshape(table.shape)
    by_state, f_by_state = table.sum(axis=0), f_sum.sum(axis=0)
    n = pop.size
    present = n - by_state[LEFT]
    live = by_state[[LIVE, ADOPTED, WORKAROUND]].sum()
    unit_live = float(model.schedule.sizes[model.schedule.live_week >= 0].sum())
    prof_sum = np.bincount(pop.state, weights=pop.proficiency, minlength=N_STATES)
    role_size = np.maximum(table.sum(axis=1), 1)
    role_present = np.maximum(role_size - table[:, LEFT], 1)
    m = {
        "live_share": unit_live / n,
        "exposed_share": live / n,
        "adoption_rate": by_state[ADOPTED] / n,
        "workaround_rate": by_state[WORKAROUND] / n,
        "workaround_live": share(by_state[WORKAROUND], live),
        "left_share": by_state[LEFT] / n,
        "mean_frustration": share(f_by_state.sum() - f_by_state[LEFT], present),
        "frustration_live": share(f_by_state[[LIVE, ADOPTED, WORKAROUND]].sum(), live),
        "p90_frustration": p90(
            pop.frustration[pop.state != LEFT] if by_state[LEFT] else pop.frustration
        ),
        **model.work_indicators,
        **_attitudes(model, live_mask := _live_mask(model)),
        "open_defects": model.system.open_defects,
        "defects_found": model.system.defects_found,
        "support_backlog": model.desk.backlog,
        "support_wait": model.desk.wait,
        "peer_answered_share": share(model.desk.peer_answered, model.desk.raised),
        "cumulative_cost": model.accounts.cost / 1e6,
        "cumulative_benefit": model.accounts.benefit / 1e6,
        "net_benefit": model.accounts.net_benefit / 1e6,
        "waves_live": model.schedule.waves_live,
        "postponements": model.schedule.postponements,
        "halted": int(model.board.paused),
        "fit": model.system.fit,
        "local_misfit": float(model.system.misfit.remaining().mean()),
        "misfit_known": float(model.system.misfit.known_unit.mean()),
        "usability": model.system.usability,
        "knowledge": model.team.mean_knowledge,
        "mean_proficiency": share(prof_sum.sum() - prof_sum[LEFT], present),
    }
    per_role = {
        "adoption_rate": table[:, ADOPTED] / role_size,
        "mean_frustration": (f_sum.sum(axis=1) - f_sum[:, LEFT]) / role_present,
        "workaround_rate": table[:, WORKAROUND] / role_size,
        **_role_attitudes(model, n_roles, live_mask),
    }
    for col, values in per_role.items():
        for name, value in zip(pop.role_names, values.tolist(), strict=True):
            m[f"{col}.{name}"] = value
    return {k: float(v) for k, v in m.items()}


def _live_mask(model: RolloutModel) -> np.ndarray:
    state = model.population.state
    return (state == LIVE) | (state == ADOPTED) | (state == WORKAROUND)


def _attitudes(model: RolloutModel, live: np.ndarray) -> dict[str, float]:
    """Survey measures: live users' ratings, and staff's intention to leave."""
    pop, a = model.population, model.scenario.attitude
    staff = pop.can_leave & (pop.state != LEFT)
    above = np.count_nonzero(pop.intention[staff] > model.scenario.turnover.threshold)
    intending = share(above, np.count_nonzero(staff))
    if not live.any():
        return {
            "mean_rating": np.nan,
            "satisfied_share": np.nan,
            "dissatisfied_share": np.nan,
            "exit_intention": intending,
        }
    rating = pop.rating[live]
    return {
        "mean_rating": float(rating.mean()),
        "satisfied_share": float(np.count_nonzero(rating >= a.satisfied_threshold) / rating.size),
        "dissatisfied_share": float(
            np.count_nonzero(rating < a.dissatisfied_threshold) / rating.size
        ),
        "exit_intention": intending,
    }


def _role_attitudes(model: RolloutModel, n_roles: int, live: np.ndarray) -> dict[str, np.ndarray]:
    pop, a = model.population, model.scenario.attitude
    role = pop.role[live]
    rating = pop.rating[live]
    count = np.bincount(role, minlength=n_roles).astype(float)
    count[count == 0] = np.nan
    satisfied = np.bincount(role, weights=rating >= a.satisfied_threshold, minlength=n_roles)
    dissatisfied = np.bincount(role, weights=rating < a.dissatisfied_threshold, minlength=n_roles)
    return {"satisfied_share": satisfied / count, "dissatisfied_share": dissatisfied / count}


class WaveLog:
    """Each wave's users, week by week: mean loss share, mean frustration, adopted share."""

    def __init__(self, wave: np.ndarray, n_waves: int):
        self.n_waves = n_waves
        self.size = np.bincount(wave, minlength=n_waves)
        self._sum = _group_sum(wave, n_waves)
        self.loss: list[np.ndarray] = []
        self.frustration: list[np.ndarray] = []
        self.adopted: list[np.ndarray] = []

    def record(self, model: RolloutModel) -> None:
        k = self.n_waves
        if not (model.schedule.live_week >= 0).any():  # nothing to follow yet
            zeros = np.zeros(k)
            self.loss.append(zeros)
            self.frustration.append(zeros)
            self.adopted.append(zeros)
            return
        pop, total = model.population, self._sum
        present = (pop.state != LEFT).astype(float)
        count, hours = total(present), total(pop.hours * present)
        lost, frustration = total(pop.lost_hours * present), total(pop.frustration * present)
        adopted = total((pop.state == ADOPTED).astype(float))
        self.loss.append(np.divide(lost, hours, out=np.zeros(k), where=hours > 0))
        self.frustration.append(np.divide(frustration, count, out=np.zeros(k), where=count > 0))
        self.adopted.append(np.divide(adopted, self.size, out=np.zeros(k), where=self.size > 0))


def _group_sum(group: np.ndarray, k: int):
    """A function summing an array per group: a segment sum when groups are contiguous
    blocks in order (as the population builds waves), else a weighted bincount."""
    if group.size and np.all(np.diff(group) >= 0) and np.all(np.bincount(group, minlength=k) > 0):
        starts = np.searchsorted(group, np.arange(k))
        return lambda x: np.add.reduceat(x, starts)
    return lambda x: np.bincount(group, weights=x, minlength=k)


def wave_records(model: RolloutModel) -> list[dict]:
    """One record per wave (see :data:`sim.outcomes.WAVE_FIELDS`)."""
    log = model.wave_log
    loss, frustration = np.array(log.loss), np.array(log.frustration)
    adopted = np.array(log.adopted)
    records = []
    for w in range(log.n_waves):
        week = int(model.schedule.live_week[w])
        record = {
            "wave": w,
            "size": int(model.schedule.sizes[w]),
            "planned_week": int(model.schedule.first_plan[w]),
            "golive_week": week if week >= 0 else None,
            "peak_loss": None,
            "weeks_to_recover": None,
            "peak_frustration": None,
            "weeks_to_80": None,
            "readiness": None,
            "readiness_measured": None,
            "misfit_at_start": None,
            "misfit_at_golive": None,
        }
        if week >= 0:
            record["readiness"], record["readiness_measured"] = (
                float(v) for v in model.schedule.readiness[w]
            )
            record["misfit_at_start"], record["misfit_at_golive"] = (
                float(v) for v in model.schedule.misfit[w]
            )
            after = slice(week + 1, None)  # row t holds the state after week t - 1
            wave_loss = loss[after, w]
            peak_at = int(np.argmax(wave_loss)) if wave_loss.size else 0
            record["peak_loss"] = float(wave_loss.max()) if wave_loss.size else 0.0
            recovered = np.flatnonzero(wave_loss[peak_at:] <= RECOVERY_TOLERANCE)
            if recovered.size:
                record["weeks_to_recover"] = int(peak_at + recovered[0] + 1)
            record["peak_frustration"] = float(frustration[after, w].max(initial=0.0))
            hits = np.flatnonzero(adopted[after, w] >= 0.8)
            if hits.size:
                record["weeks_to_80"] = int(hits[0] + 1)
        records.append(record)
    return records


def weeks_to(series: np.ndarray, level: float) -> float | None:
    """Steps from the programme's start until ``series`` first reaches ``level``."""
    hits = np.flatnonzero(series >= level)
    return float(hits[0]) if hits.size else None


def _exposed_mean(ts: pd.DataFrame, column: str) -> float:
    """Mean of a live-users measure over live user-weeks: each week weighted by the users
    exposed that week, so weeks when only a first small wave is live count for less."""
    weights = ts["exposed_share"].to_numpy()
    total = weights.sum()
    return float((ts[column].to_numpy() * weights).sum() / total) if total > 0 else 0.0


def _final(ts: pd.DataFrame, column: str) -> float | None:
    values = ts[column].iloc[-FINAL_WEEKS:].to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


def summarise(ts: pd.DataFrame, extra: dict) -> dict:
    """Run-level outcomes from the time series and the model's own counters (``extra``)."""
    first = extra["first_golive_week"]
    after = ts.iloc[first + 1 :] if first is not None else ts.iloc[0:0]
    adoption = ts["adoption_rate"].to_numpy()
    out = {
        "final_adoption": float(adoption[-1]),
        "weeks_to_50": weeks_to(adoption, 0.5),
        "weeks_to_80": weeks_to(adoption, 0.8),
        "peak_frustration_live": float(ts["frustration_live"].max()),
        "mean_frustration_live": _exposed_mean(after, "frustration_live"),
        "peak_frustration_all": float(ts["mean_frustration"].max()),
        "mean_frustration_all": float(after["mean_frustration"].mean()) if len(after) else 0.0,
        "peak_p90_frustration": float(ts["p90_frustration"].max()),
        "peak_workaround_live": float(ts["workaround_live"].max()),
        "peak_workaround_all": float(ts["workaround_rate"].max()),
        "final_workaround": _final(ts, "workaround_rate"),
        "peak_productivity_loss_live": float(ts["productivity_loss_live"].max()),
        "final_productivity_loss": _final(ts, "productivity_loss"),
        "peak_support_wait": float(ts["support_wait"].max()),
        "total_cost": float(ts["cumulative_cost"].iloc[-1]),
        "total_benefit": float(ts["cumulative_benefit"].iloc[-1]),
        "net_benefit": float(ts["net_benefit"].iloc[-1]),
        "final_satisfied": _final(ts, "satisfied_share"),
        "final_dissatisfied": _final(ts, "dissatisfied_share"),
        "final_exit_intention": _final(ts, "exit_intention"),
        "postponements": int(ts["postponements"].iloc[-1]),
        "halted": int(ts["halted"].max()),
        "waves_live": int(ts["waves_live"].iloc[-1]),
        "left_share": float(ts["left_share"].iloc[-1]),
        "defects_found": int(ts["defects_found"].iloc[-1]),
        "final_fit": float(ts["fit"].iloc[-1]),
        "final_usability": float(ts["usability"].iloc[-1]),
    }
    out.update(extra)
    return {name: out[name] for name in OUTCOMES}
