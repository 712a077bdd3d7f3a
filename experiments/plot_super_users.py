"""Figure for experiments/super_users.toml: super-users or more help-desk staff?

Reads a finished sweep (never runs the model) and draws, against the share of involved
users who are super-users, one line per help-desk size: the longest wait for the desk,
mean frustration of live users, weeks from the start to 80 % adoption and net benefit.
Means over replicates with 95 % CIs.

    python experiments/plot_super_users.py results/super_users

writes results/super_users/figures/super_users.png (or --out FILE).
"""

from __future__ import annotations

from pathlib import Path

from environment import needs_environment

try:
    from matplotlib.figure import Figure

    from sim.analysis.factors import factor_figure
    from sim.analysis.folders import Results
    from sim.analysis.plots import figure_script
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

PANELS = {
    "peak_support_wait": "Longest wait for the desk (h)",
    "mean_frustration_live": "Mean frustration of live users",
    "weeks_to_80": "Weeks from the start to 80 % adoption",
    "net_benefit": "Net benefit (MSEK)",
}


def super_users_figure(results: Results) -> Figure:
    return factor_figure(
        results,
        x="support.super_user_share",
        line="support.staff",
        panels=PANELS,
        title="Big bang: super-users or more help-desk staff",
        xlabel="Super-users, share of involved users (10 % of all users)",
        line_title="Help-desk staff",
    )


def main(argv: list[str] | None = None) -> Path:
    return figure_script(argv, __doc__.splitlines()[0], "super_users", super_users_figure)


if __name__ == "__main__":
    main()
