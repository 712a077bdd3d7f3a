"""Comparison tables: every condition of a sweep set against the reference condition.

A sweep leaves ``runs.csv`` (one row per run) and ``manifest.json`` (factors, reference
condition) in its results folder. :func:`compare_runs` turns the runs into one row per
condition with, for each outcome, the mean and its confidence interval, how many runs
reached the outcome, the difference from the reference condition with its Welch interval,
and Hedges' g; :func:`long_table` gives the same in tidy form. Reading a results folder and
writing the tables is :mod:`sim.analysis.comparison`. See ``docs/comparison.md``.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.stats import Bounds, diff_ci, finite, hedges_g, mean_ci
from sim.defaults import CONFIDENCE_LEVEL
from sim.errors import InputError, did_you_mean
from sim.outcomes import MAIN_OUTCOMES, OUTCOMES

STATS: tuple[str, ...] = ("mean", "low", "high", "reached", "diff", "diff_low", "diff_high", "g")
"""Per-outcome statistics; the table's columns are ``f"{outcome}.{stat}"``."""

BOUNDED_UNITS: dict[str, tuple[float, float]] = {"share": (0.0, 1.0), "0-1": (0.0, 1.0)}
"""Units (as :data:`sim.outcomes.OUTCOMES` gives them) of outcomes that cannot leave a
range; their intervals are cut at it (:mod:`sim.analysis.stats`)."""


def outcome_bounds(name: str) -> Bounds:
    """The range outcome ``name`` cannot leave, from its unit, or ``None``.

    >>> outcome_bounds("final_adoption"), outcome_bounds("total_cost")
    ((0.0, 1.0), None)
    """
    return BOUNDED_UNITS.get(OUTCOMES.get(name, ("", ""))[1])


def compare_runs(
    runs: pd.DataFrame,
    factors: list[str],
    reference: dict,
    outcomes: list[str] | None = None,
    level: float = CONFIDENCE_LEVEL,
) -> pd.DataFrame:
    """One row per condition (in ``point`` order) comparing ``outcomes`` with ``reference``.

    Columns: ``point``, ``condition`` (when ``runs`` has it), one per factor, ``runs``
    (successful runs), ``failed``, ``reference`` (True on the reference row), then
    ``f"{outcome}.{stat}"`` for each outcome and each stat in :data:`STATS`. Only runs with
    ``status == "ok"`` enter the statistics; NaN outcome cells ("not reached") are dropped
    and ``reached`` counts the rest. The reference row has ``diff == 0`` and ``g == 0``
    with NaN bounds. Intervals of bounded outcomes (shares, 0-1 scales) are cut at their
    bounds (:func:`outcome_bounds`). ``outcomes`` defaults to the main outcomes present in
    ``runs``.
    The factor list, outcomes, level and reference point are kept in ``table.attrs``.
    """
    outcomes = check_outcomes(runs, outcomes)
    _require_columns(runs, ["point", "status", *factors])
    ref_point = find_reference(runs, factors, reference)
    ok = runs[runs["status"] == "ok"]
    values = {name: _numeric(runs, name) for name in outcomes}
    ref_mask = ok["point"] == ref_point
    ref = {name: values[name][ok.index[ref_mask]] for name in outcomes}
    rows = []
    for point, group in runs.groupby("point", sort=True):
        ok_index = group.index[group["status"] == "ok"]
        row = _condition_columns(group, factors, len(ok_index), point == ref_point)
        for name in outcomes:
            stats = outcome_stats(
                values[name][ok_index], ref[name], point == ref_point, level, outcome_bounds(name)
            )
            row.update({f"{name}.{stat}": v for stat, v in stats.items()})
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs.update(
        factors=list(factors), outcomes=list(outcomes), level=level, reference_point=ref_point
    )
    return table


def outcome_stats(
    x, ref, is_reference: bool, level: float = CONFIDENCE_LEVEL, bounds: Bounds = None
) -> dict[str, float]:
    """The :data:`STATS` of one outcome in one condition (``x``) against the reference."""
    mean, low, high = mean_ci(x, level, bounds)
    if is_reference:
        diff, diff_low, diff_high, g = 0.0, math.nan, math.nan, 0.0
    else:
        diff, diff_low, diff_high = diff_ci(x, ref, level, bounds)
        g = hedges_g(x, ref)
    return {
        "mean": mean,
        "low": low,
        "high": high,
        "reached": int(finite(x).size),
        "diff": diff,
        "diff_low": diff_low,
        "diff_high": diff_high,
        "g": g,
    }


def _condition_columns(group: pd.DataFrame, factors: list[str], n_ok: int, is_ref: bool):
    first = group.iloc[0]
    row: dict = {"point": int(first["point"])}
    if "condition" in group.columns:
        row["condition"] = str(first["condition"])
    row.update({f: first[f] for f in factors})
    row.update(runs=n_ok, failed=len(group) - n_ok, reference=bool(is_ref))
    return row


def check_outcomes(
    runs: pd.DataFrame | None, outcomes: list[str] | None, key: str | None = None
) -> list[str]:
    """Validate requested outcome names against :data:`OUTCOMES` and the columns of ``runs``.

    ``None`` means the main outcomes that ``runs`` has (all main outcomes when ``runs`` is
    ``None``). An unknown name raises :class:`InputError` suggesting the nearest valid one.
    """
    if outcomes is None:
        chosen = [o for o in MAIN_OUTCOMES if runs is None or o in runs.columns]
        if not chosen:
            raise InputError("runs.csv has none of the main outcome columns", key=key)
        return chosen
    for name in outcomes:
        if name not in OUTCOMES:
            raise InputError(f"unknown outcome '{name}'{did_you_mean(name, OUTCOMES)}", key=key)
        if runs is not None and name not in runs.columns:
            raise InputError(f"outcome '{name}' is not a column of runs.csv", key=key)
    if not outcomes:
        raise InputError("no outcomes to compare", key=key)
    return list(dict.fromkeys(outcomes))


def find_reference(runs: pd.DataFrame, factors: list[str], reference: dict) -> int:
    """The ``point`` whose factor values equal ``reference`` (values compared as numbers
    when both sides are numeric, else as text, so ``1`` from JSON matches ``1.0`` in CSV)."""
    missing = [f for f in factors if f not in reference]
    if missing:
        raise InputError(f"reference condition has no value for factor(s) {', '.join(missing)}")
    conditions = runs.drop_duplicates("point").sort_values("point")
    for _, row in conditions.iterrows():
        if all(_same(row[f], reference[f]) for f in factors):
            return int(row["point"])
    wanted = ", ".join(f"{f}={reference[f]}" for f in factors)
    raise InputError(f"reference condition ({wanted}) matches no condition in runs.csv")


def _same(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _require_columns(runs: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        raise InputError(f"runs.csv lacks column(s) {', '.join(missing)}")


def _numeric(runs: pd.DataFrame, name: str) -> pd.Series:
    try:
        return pd.to_numeric(runs[name]).astype(float)
    except (TypeError, ValueError):
        raise InputError(f"outcome column '{name}' holds non-numeric values") from None


def long_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison in tidy form: one row per condition and outcome, one column per stat."""
    outcomes = table.attrs["outcomes"]
    ident = [c for c in table.columns if not any(c.startswith(f"{o}.") for o in outcomes)]
    parts = []
    for name in outcomes:
        part = table[ident].copy()
        part["outcome"] = name
        for stat in STATS:
            part[stat] = table[f"{name}.{stat}"]
        part["level"] = table.attrs["level"]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
