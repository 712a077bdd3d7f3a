"""Dose-response figure for experiments/training_capacity.toml.

Reads a finished sweep (never runs the model) and draws, against planned training hours
per user, one line per trainer capacity: peak frustration of live users, peak share of live
users in workaround, weeks from the start to 80 % adoption and net benefit against staying
on the legacy systems, each a mean over replicates with its 95 % confidence interval.

    python experiments/plot_training_capacity.py results/training_capacity

writes results/training_capacity/figures/training_capacity.png (or --out FILE).
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

HOURS, CAPACITY = "training.hours_per_user", "training.capacity"
PANELS = {
    "peak_frustration_live": "Peak frustration of live users (0-1)",
    "peak_workaround_live": "Peak share of live users in workaround",
    "weeks_to_80": "Weeks from the start to 80 % adoption",
    "net_benefit": "Net benefit (MSEK)",
}


def summary(results: Results, outcome: str) -> pd.DataFrame:
    """Mean and 95 % CI of ``outcome`` per condition, with the factor values as columns."""
    values = pd.DataFrame(
        [{"point": c["point"], **c["values"]} for c in results.manifest["conditions"]]
    )
    return outcome_summary(results.runs, outcome).merge(values, on="point")


def _panel(ax, data: pd.DataFrame, ylabel: str) -> None:
    for i, (capacity, rows) in enumerate(data.groupby(CAPACITY)):
        rows = rows.sort_values(HOURS)
        style = dict(color=COLOURS[i], marker=MARKERS[i], linestyle=LINESTYLES[i])
        full = rows["n"] == rows["runs"]
        some = rows["n"] > 0
        ax.errorbar(
            rows.loc[some, HOURS],
            rows.loc[some, "mean"],
            yerr=[
                rows.loc[some, "mean"] - rows.loc[some, "lo"],
                rows.loc[some, "hi"] - rows.loc[some, "mean"],
            ],
            capsize=3,
            label=f"{capacity:g} h/week per 100 users",
            **style,
        )
        part = some & ~full  # reached in only some runs: hollow marker
        ax.plot(
            rows.loc[part, HOURS],
            rows.loc[part, "mean"],
            "o",
            mfc="white",
            color=style["color"],
            ms=9,
        )
    ax.set_xlabel("Planned training per user (h)")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)


def training_figure(results: Results, axes=None) -> Figure:
    """Four panels against training hours, one line per trainer capacity."""
    if axes is None:
        fig = Figure(figsize=(18, 4.5), layout="constrained")
        axes = fig.subplots(1, len(PANELS), sharex=True)
    fig = axes[0].figure
    for ax, (outcome, ylabel) in zip(axes, PANELS.items(), strict=True):
        _panel(ax, summary(results, outcome), ylabel)
    threshold = (results.scenario or {}).get("workaround", {}).get("enter_threshold")
    if threshold is not None:
        axes[0].axhline(threshold, color="grey", linestyle=":", linewidth=1)
        axes[0].annotate(
            "workaround threshold",
            (0, threshold),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=8,
            color="grey",
        )
    axes[2].annotate(
        "missing point: 80 % never reached\nhollow: reached in some runs only",
        (0.98, 0.98),
        xycoords="axes fraction",
        ha="right",
        va="top",
        fontsize=8,
    )
    axes[0].legend(title="Trainer capacity", fontsize=8)
    n = results.manifest.get("replicates")
    fig.suptitle(f"Big bang: training hours and trainer capacity (mean and 95 % CI of {n} runs)")
    return fig


def main(argv: list[str] | None = None) -> Path:
    return figure_script(argv, __doc__.splitlines()[0], "training_capacity", training_figure)


if __name__ == "__main__":
    main()
