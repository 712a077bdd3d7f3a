"""Figure for experiments/waves.toml: how many waves, how far apart?

Reads a finished sweep (never runs the model) and draws, against the number of waves, one
line per interval between waves: peak frustration of live users, peak share of live users
working around the system, weeks from the programme's start to 80 % adoption, net benefit
against staying on the legacy systems, and the cost of dual running (old and new systems
side by side while some but not all waves are live, counted from the saved weekly
``waves_live``). Means over replicates with 95 % CIs.

    python experiments/plot_waves.py results/waves

writes results/waves/figures/waves.png (or --out FILE).
"""

from __future__ import annotations

from pathlib import Path

from environment import needs_environment

try:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.analysis.folders import Results
    from sim.analysis.plots import figure_script, outcome_summary
    from sim.analysis.style import COLOURS, LINESTYLES, MARKERS
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

WAVES, INTERVAL = "rollout.waves", "rollout.wave_interval_weeks"
DUAL = "dual_running_cost"
PANELS = {
    "peak_frustration_live": "Peak frustration of live users (0-1)",
    "peak_workaround_live": "Peak share of live users in workaround",
    "weeks_to_80": "Weeks from the start to 80 % adoption",
    "net_benefit": "Net benefit (MSEK)",
    DUAL: "Dual-running cost (MSEK)",
}


def _values(results: Results) -> pd.DataFrame:
    return pd.DataFrame(
        [{"point": c["point"], **c["values"]} for c in results.manifest["conditions"]]
    )


def dual_running(results: Results) -> pd.DataFrame:
    """Per successful run: weeks in which some but not all waves were live, and their
    cost at the scenario's ``costs.dual_running_per_week`` (MSEK), as the model counts it."""
    waves = _values(results).set_index("point")[WAVES]
    per_week = results.scenario["costs"]["dual_running_per_week"] / 1e6
    ts = results.timeseries[results.timeseries["step"] > 0]
    partial = (ts["waves_live"] > 0) & (ts["waves_live"] < ts["point"].map(waves))
    weeks = partial.groupby([ts["point"], ts["replicate"]]).sum().rename("dual_weeks")
    out = weeks.reset_index()
    out[DUAL] = out["dual_weeks"] * per_week
    return out


def summary(results: Results, outcome: str) -> pd.DataFrame:
    """Mean and 95 % CI of ``outcome`` per condition, with the factor values as columns."""
    runs = results.runs
    if outcome == DUAL:
        runs = runs[["point", "condition", "replicate", "status"]].merge(
            dual_running(results), on=["point", "replicate"]
        )
    return outcome_summary(runs, outcome).merge(_values(results), on="point")


def _panel(ax, data: pd.DataFrame, ylabel: str) -> None:
    for i, (interval, rows) in enumerate(data.groupby(INTERVAL)):
        rows = rows[rows["n"] > 0].sort_values(WAVES)
        ax.errorbar(
            rows[WAVES],
            rows["mean"],
            yerr=[rows["mean"] - rows["lo"], rows["hi"] - rows["mean"]],
            capsize=3,
            color=COLOURS[i],
            marker=MARKERS[i],
            linestyle=LINESTYLES[i],
            label=f"{interval:g} weeks apart",
        )
    ax.set_xlabel("Number of waves (1 = big bang)")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)


def waves_figure(results: Results, axes=None) -> Figure:
    """Five panels against the number of waves, one line per interval; legend in the sixth."""
    if axes is None:
        fig = Figure(figsize=(14, 8), layout="constrained")
        axes = fig.subplots(2, 3, sharex=True).ravel()
    fig = axes[0].figure
    for ax, (outcome, ylabel) in zip(axes, PANELS.items(), strict=False):
        _panel(ax, summary(results, outcome), ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    if len(axes) > len(PANELS):
        spare = axes[len(PANELS)]
        spare.axis("off")
        spare.legend(handles, labels, title="Interval between waves", loc="center")
    else:
        axes[0].legend(fontsize=8)
    n = results.manifest.get("replicates")
    fig.suptitle(f"Number and spacing of waves (mean and 95 % CI of {n} runs)")
    return fig


def main(argv: list[str] | None = None) -> Path:
    return figure_script(argv, __doc__.splitlines()[0], "waves", waves_figure)


if __name__ == "__main__":
    main()
