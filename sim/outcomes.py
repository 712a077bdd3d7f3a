"""What the model reports: the names of its per-step indicators and run-level outcomes.

The names here are the columns of ``timeseries.csv`` and the keys of a run's summary; the
experiment runner, the comparison tables and the plots all read them from here. This module
imports nothing heavy (no Mesa, NumPy or pandas), so code that only reads saved results or
prints help can use it. The model computes the values in :mod:`sim.model.indicators`.
"""

from __future__ import annotations

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

BETTER: dict[str, str] = {
    "final_adoption": "higher",
    "weeks_to_50": "lower",
    "weeks_to_80": "lower",
    "peak_frustration": "lower",
    "mean_frustration": "lower",
    "peak_p90_frustration": "lower",
    "peak_workaround": "lower",
    "final_workaround": "lower",
    "peak_productivity_loss": "lower",
    "final_productivity_loss": "lower",
    "hours_lost_per_user": "lower",
    "total_hours_lost": "lower",
    "total_cost": "lower",
    "postponements": "lower",
    "golives_despite_warnings": "lower",
    "halted": "lower",
    "halt_week": "higher",
    "first_golive_week": "lower",
    "last_golive_week": "lower",
    "waves_live": "higher",
    "left_share": "lower",
    "defects_found": "higher",
    "final_fit": "higher",
    "final_usability": "higher",
}
"""Which direction of each outcome is better ("lower" or "higher"), other things equal.

Used where conditions are ranked world by world (who beats the reference, who is best,
regret). Some outcomes are symptoms whose value depends on context: a postponement or a halt
can be good governance of a bad rollout, and a later halt (``halt_week``) or more defects
found by the end (``defects_found``: fewer left latent) is better only with the rest equal.
Every outcome in :data:`OUTCOMES` has a direction."""

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
