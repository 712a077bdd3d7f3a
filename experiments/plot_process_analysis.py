"""Figure for experiments/process_analysis.toml: does analysing processes first pay?

Reads a finished sweep (never runs the model) and draws, against the weeks of process
analysis before build, one line per planned go-live week, one column per fit ceiling
without analysis: the system's fit at the end, mean frustration of live users, weeks from
the start to 80 % adoption and net benefit. Means over replicates with 95 % CIs.

    python experiments/plot_process_analysis.py results/process_analysis

writes results/process_analysis/figures/process_analysis.png (or --out FILE).
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
    "final_fit": "Fit of the system at the end",
    "mean_frustration_live": "Mean frustration of live users",
    "weeks_to_80": "Weeks from the start to 80 % adoption",
    "net_benefit": "Net benefit (MSEK)",
}


def analysis_figure(results: Results) -> Figure:
    return factor_figure(
        results,
        x="analysis.weeks",
        line="rollout.first_golive_week",
        facet="analysis.ceiling_without",
        panels=PANELS,
        title="Process analysis before build",
        xlabel="Weeks of process analysis (26 = complete)",
        line_title="First go-live (week)",
        facet_title="Fit ceiling without analysis:",
    )


def main(argv: list[str] | None = None) -> Path:
    return figure_script(argv, __doc__.splitlines()[0], "process_analysis", analysis_figure)


if __name__ == "__main__":
    main()
