"""What the model reports: per-step indicators and run-level outcomes.

The names here are the columns of ``timeseries.csv`` and the keys of a run's summary; the
experiment runner, the comparison tables and the plots all read them from here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Per-step columns (besides ``step``), in the order they are written.
STEP_COLUMNS: tuple[str, ...] = (
    "live_share",
    "adoption_rate",
    "workaround_rate",
    "left_share",
    "mean_frustration",
    "p90_frustration",
    "productivity_loss",
    "open_defects",
    "defects_found",
    "support_backlog",
    "cumulative_cost",
    "waves_live",
    "postponements",
    "halted",
    "fit",
    "usability",
    "knowledge",
    "mean_proficiency",
)
# Per-role columns, one of each per role: f"{name}.{role}".
ROLE_COLUMNS: tuple[str, ...] = ("adoption_rate", "mean_frustration", "workaround_rate")

# Run-level outcomes: name -> (description, unit). ``None`` in a summary means "not reached".
OUTCOMES: dict[str, tuple[str, str]] = {
    "final_adoption": ("Share of users adopted at the end", "share"),
    "weeks_to_50": ("Weeks from first go-live to 50 % adoption", "weeks"),
    "weeks_to_80": ("Weeks from first go-live to 80 % adoption", "weeks"),
    "peak_frustration": ("Highest weekly mean frustration", "0-1"),
    "mean_frustration": ("Mean frustration from first go-live to the end", "0-1"),
    "peak_p90_frustration": ("Highest weekly 90th percentile of frustration", "0-1"),
    "peak_workaround": ("Highest weekly share in workaround", "share"),
    "final_workaround": ("Share in workaround at the end", "share"),
    "peak_productivity_loss": ("Highest weekly share of system hours lost", "share"),
    "final_productivity_loss": ("Share of system hours lost, mean of the last 4 weeks", "share"),
    "hours_lost_per_user": ("Hours lost per user over the run", "h/user"),
    "total_hours_lost": ("Hours lost, scaled to the real organisation", "h"),
    "total_cost": ("Total cost, scaled to the real organisation", "MSEK"),
    "postponements": ("Go-lives postponed by the board", "count"),
    "golives_despite_warnings": ("Waves sent live below the unpressured readiness bar", "count"),
    "halted": ("Whether the board halted the rollout (1) or not (0)", "0/1"),
    "halt_week": ("Week of the first halt", "week"),
    "first_golive_week": ("Week of the first go-live", "week"),
    "last_golive_week": ("Week the last wave went live", "week"),
    "waves_live": ("Waves live at the end", "count"),
    "left_share": ("Share of users who left", "share"),
    "defects_found": ("Defects found by the end", "defects"),
    "final_fit": ("Fit of the system at the end", "0-1"),
    "final_usability": ("Usability at the end", "0-1"),
}

MAIN_OUTCOMES: tuple[str, ...] = (
    "final_adoption",
    "weeks_to_80",
    "peak_frustration",
    "mean_frustration",
    "peak_workaround",
    "hours_lost_per_user",
    "total_cost",
)
"""The outcomes a comparison table shows unless asked for others."""


def role_columns(role_names: list[str]) -> list[str]:
    return [f"{col}.{role}" for col in ROLE_COLUMNS for role in role_names]


def weeks_to(series: np.ndarray, level: float, start_step: int | None) -> float | None:
    """Steps from ``start_step`` until ``series`` first reaches ``level`` (None if never)."""
    if start_step is None:
        return None
    hits = np.flatnonzero(series[start_step:] >= level)
    return float(hits[0]) if hits.size else None


def summarise(ts: pd.DataFrame, extra: dict) -> dict:
    """Run-level outcomes from the time series and the model's own counters (``extra``)."""
    first = extra["first_golive_week"]
    after = ts.iloc[first + 1 :] if first is not None else ts
    adoption = ts["adoption_rate"].to_numpy()
    out = {
        "final_adoption": float(adoption[-1]),
        "weeks_to_50": weeks_to(adoption, 0.5, first),
        "weeks_to_80": weeks_to(adoption, 0.8, first),
        "peak_frustration": float(ts["mean_frustration"].max()),
        "mean_frustration": float(after["mean_frustration"].mean()) if len(after) else 0.0,
        "peak_p90_frustration": float(ts["p90_frustration"].max()),
        "peak_workaround": float(ts["workaround_rate"].max()),
        "final_workaround": float(ts["workaround_rate"].iloc[-1]),
        "peak_productivity_loss": float(ts["productivity_loss"].max()),
        "final_productivity_loss": float(ts["productivity_loss"].iloc[-4:].mean()),
        "total_cost": float(ts["cumulative_cost"].iloc[-1]),
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
