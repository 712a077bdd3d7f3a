"""Figure for experiments/consultants.toml: consultants or internal builders?

Reads a finished sweep (never runs the model) and draws, against the size of the build
team, one line per initial domain knowledge, one column per hourly rate: the system's fit
at the end, mean frustration of live users, total cost and net benefit. Means over
replicates with 95 % CIs.

    python experiments/plot_consultants.py results/consultants

writes results/consultants/figures/consultants.png (or --out FILE).
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
    "total_cost": "Total cost (MSEK)",
    "net_benefit": "Net benefit (MSEK)",
}


def consultants_figure(results: Results) -> Figure:
    return factor_figure(
        results,
        x="consultants.count",
        line="consultants.initial_knowledge",
        facet="costs.consultant_rate",
        panels=PANELS,
        title="Build team: size, domain knowledge and price",
        xlabel="People in the build team",
        line_title="Domain knowledge at the start",
        facet_title="SEK per hour:",
    )


def main(argv: list[str] | None = None) -> Path:
    return figure_script(argv, __doc__.splitlines()[0], "consultants", consultants_figure)


if __name__ == "__main__":
    main()
