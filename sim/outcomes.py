"""What the model reports: the names of its per-step indicators and run-level outcomes.

The names here are the columns of ``timeseries.csv`` and the keys of a run's summary; the
experiment runner, the comparison tables and the plots all read them from here. This module
imports nothing heavy (no Mesa, NumPy or pandas), so code that only reads saved results or
prints help can use it. The model computes the values in :mod:`sim.model.indicators`.
"""

from __future__ import annotations

INDICATORS: dict[str, tuple[str, str]] = {
    # Per-step columns (besides ``step``), in the order they are written: name ->
    # (description, unit). "Live" means users whose unit has gone live (and who have not
    # left); "all" measures include users still on the old system.
    "live_share": ("Share of users whose unit has gone live", "share"),
    "exposed_share": ("Share of users live on the new system (unit live, not left)", "share"),
    "adoption_rate": ("Share of users adopted (routine use)", "share"),
    "workaround_rate": ("Share of all users working around the system", "share"),
    "workaround_live": ("Share of live users working around the system", "share"),
    "left_share": ("Share of users who have left", "share"),
    "mean_frustration": ("Mean frustration of all present users", "0-1"),
    "frustration_live": ("Mean frustration of live users", "0-1"),
    "p90_frustration": ("90th percentile of frustration, all present users", "0-1"),
    "productivity_loss": (
        "Share of all present users' system hours lost against the legacy baseline "
        "(negative: a gain)",
        "signed share",
    ),
    "productivity_loss_live": (
        "Share of live users' system hours lost against the legacy baseline (negative: a gain)",
        "signed share",
    ),
    "mean_rating": ("Live users' mean rating of the system (SUS/100)", "0-1"),
    "satisfied_share": (
        "Share of live users satisfied (rating at or above the threshold)",
        "share",
    ),
    "dissatisfied_share": (
        "Share of live users dissatisfied (rating below the threshold)",
        "share",
    ),
    "exit_intention": (
        "Share of staff who can leave whose intention to leave is above the threshold",
        "share",
    ),
    "open_defects": ("Defects found and not yet fixed", "defects"),
    "defects_found": ("Defects found so far", "defects"),
    "support_backlog": ("Support tickets waiting, scaled to the real organisation", "tickets"),
    "support_wait": ("Wait for the help desk, in hours of its opening time", "h"),
    "peer_answered_share": (
        "Share of this week's questions answered by super-users in the unit",
        "share",
    ),
    "cumulative_cost": ("Costs so far, scaled to the real organisation", "MSEK"),
    "cumulative_benefit": ("Value of hours saved so far, scaled to the real organisation", "MSEK"),
    "net_benefit": (
        "Net benefit so far against staying on the legacy systems (discounted)",
        "MSEK",
    ),
    "waves_live": ("Waves live", "count"),
    "postponements": ("Go-lives postponed so far", "count"),
    "halted": ("Whether the board has halted the rollout this week (1) or not (0)", "0/1"),
    "fit": ("Fit of the system to local processes (before each unit's own offset)", "0-1"),
    "local_misfit": (
        "Mean over units of the local misfit still to localise (negative part of the offset)",
        "0-1",
    ),
    "misfit_known": ("Share of units whose own misfit the programme knows", "share"),
    "usability": ("Usability of the system (SUS/100)", "0-1"),
    "knowledge": ("Consultants' mean domain knowledge", "0-1"),
    "mean_proficiency": ("Mean proficiency of present users", "0-1"),
}
STEP_COLUMNS: tuple[str, ...] = tuple(INDICATORS)
"""Per-step columns (besides ``step``), in the order they are written."""

ROLE_COLUMNS: tuple[str, ...] = (
    "adoption_rate",
    "mean_frustration",
    "workaround_rate",
    "satisfied_share",
    "dissatisfied_share",
)
"""Per-role columns, one of each per role: ``f"{name}.{role}"``, over the role's users (the
satisfaction shares over its live users)."""

# Run-level outcomes: name -> (description, unit). ``None`` in a summary means "not reached".
OUTCOMES: dict[str, tuple[str, str]] = {
    "final_adoption": ("Share of users adopted at the end", "share"),
    "weeks_to_50": ("Weeks from the programme's start to 50 % adoption", "weeks"),
    "weeks_to_80": ("Weeks from the programme's start to 80 % adoption", "weeks"),
    "peak_frustration_live": ("Highest weekly mean frustration of live users", "0-1"),
    "mean_frustration_live": ("Mean frustration of live users over live user-weeks", "0-1"),
    "peak_frustration_all": ("Highest weekly mean frustration of all present users", "0-1"),
    "mean_frustration_all": (
        "Mean frustration of all present users, from the first go-live to the end",
        "0-1",
    ),
    "peak_p90_frustration": ("Highest weekly 90th percentile of frustration", "0-1"),
    "peak_workaround_live": ("Highest weekly share of live users working around", "share"),
    "peak_workaround_all": ("Highest weekly share of all users working around", "share"),
    "final_workaround": ("Share of all users working around, mean of the last 4 weeks", "share"),
    "peak_productivity_loss_live": (
        "Highest weekly share of live users' system hours lost against the baseline",
        "signed share",
    ),
    "final_productivity_loss": (
        "Share of all users' system hours lost against the baseline, mean of the last 4 weeks "
        "(negative: a gain)",
        "signed share",
    ),
    "hours_lost_per_user": (
        "Net hours lost per user against the legacy baseline (negative: saved)",
        "h/user",
    ),
    "total_hours_lost": ("Net hours lost, scaled to the real organisation", "h"),
    "total_cost": ("Total cost, scaled to the real organisation", "MSEK"),
    "programme_spend": (
        "The programme's own spending (trainers, consultants, analysts, help desk, the new "
        "system, dual running), as its budget counts it; part of the total cost",
        "MSEK",
    ),
    "total_benefit": ("Value of hours saved, scaled to the real organisation", "MSEK"),
    "net_benefit": (
        "Net benefit against staying on the legacy systems over the horizon (discounted)",
        "MSEK",
    ),
    "final_satisfied": ("Share of live users satisfied, mean of the last 4 weeks", "share"),
    "final_dissatisfied": ("Share of live users dissatisfied, mean of the last 4 weeks", "share"),
    "final_exit_intention": (
        "Share of staff intending to leave, mean of the last 4 weeks",
        "share",
    ),
    "postponements": ("Go-lives postponed by the board", "count"),
    "golives_despite_warnings": ("Waves sent live below the unpressured readiness bar", "count"),
    "pilot_one_go": (
        "After a pilot, the rest went live in one go (1) or was phased (0); None: no decision",
        "0/1",
    ),
    "peak_support_wait": ("Longest weekly wait for the help desk", "h"),
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
    "peak_frustration_live": "lower",
    "mean_frustration_live": "lower",
    "peak_frustration_all": "lower",
    "mean_frustration_all": "lower",
    "peak_p90_frustration": "lower",
    "peak_workaround_live": "lower",
    "peak_workaround_all": "lower",
    "final_workaround": "lower",
    "peak_productivity_loss_live": "lower",
    "final_productivity_loss": "lower",
    "hours_lost_per_user": "lower",
    "total_hours_lost": "lower",
    "total_cost": "lower",
    "programme_spend": "lower",
    "total_benefit": "higher",
    "net_benefit": "higher",
    "final_satisfied": "higher",
    "final_dissatisfied": "lower",
    "final_exit_intention": "lower",
    "postponements": "lower",
    "golives_despite_warnings": "lower",
    "pilot_one_go": "higher",
    "peak_support_wait": "lower",
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
    "peak_frustration_live",
    "mean_frustration_live",
    "peak_workaround_live",
    "final_dissatisfied",
    "hours_lost_per_user",
    "total_cost",
    "net_benefit",
)
"""The outcomes a comparison table shows unless asked for others."""

WAVE_FIELDS: dict[str, tuple[str, str]] = {
    "wave": ("Wave number, from 0 in planned order", "-"),
    "size": ("Users in the wave at the start", "users"),
    "planned_week": ("Planned go-live week at the start", "week"),
    "golive_week": ("Week the wave went live (None: never)", "week"),
    "peak_loss": ("Highest weekly share of the wave's system hours lost", "share"),
    "weeks_to_recover": (
        "Weeks from go-live until the wave's loss is back within 2 points of the baseline",
        "weeks",
    ),
    "peak_frustration": ("Highest weekly mean frustration of the wave's present users", "0-1"),
    "weeks_to_80": ("Weeks from the wave's go-live to 80 % adoption within the wave", "weeks"),
    "readiness": ("The wave's true readiness at go-live (skills, testing, defects, fit)", "0-1"),
    "readiness_measured": (
        "The wave's readiness as the board measured it at go-live, before filtering",
        "0-1",
    ),
    "misfit_at_start": ("Mean local misfit of the wave's units at the start", "0-1"),
    "misfit_at_golive": (
        "Mean local misfit of the wave's units at go-live (after what was localised before)",
        "0-1",
    ),
}
"""Per-wave records in a run's ``summary.json`` (under ``waves``)."""


def role_columns(role_names: list[str]) -> list[str]:
    return [f"{col}.{role}" for col in ROLE_COLUMNS for role in role_names]
