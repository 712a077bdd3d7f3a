"""Figure for experiments/rollout_shapes.toml: pilot, big bang or phased?

Reads a finished sweep (never runs the model) and draws, for each strategy, one line with
and one without learning from experience, one column per initial fit: peak and mean
frustration of live users, weeks from the start to 80 % adoption, net benefit and the
longest wait for the help desk. Means over replicates with 95 % CIs.

    python experiments/plot_rollout_shapes.py results/rollout_shapes

writes results/rollout_shapes/figures/rollout_shapes.png (or --out FILE).
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
    "peak_frustration_live": "Peak frustration of live users",
    "mean_frustration_live": "Mean frustration of live users",
    "weeks_to_80": "Weeks from the start to 80 % adoption",
    "net_benefit": "Net benefit (MSEK)",
    "peak_support_wait": "Longest wait for the desk (h)",
}
NAMES = {True: "learning from experience", False: "no learning from experience"}


def shapes_figure(results: Results) -> Figure:
    return factor_figure(
        results,
        x="rollout.strategy",
        line="learning.from_experience",
        facet="system.initial_fit",
        panels=PANELS,
        title="Pilot, big bang or phased",
        xlabel="Strategy",
        line_title="",
        facet_title="Initial fit:",
        names=NAMES,
    )


def main(argv: list[str] | None = None) -> Path:
    return figure_script(argv, __doc__.splitlines()[0], "rollout_shapes", shapes_figure)


if __name__ == "__main__":
    main()
