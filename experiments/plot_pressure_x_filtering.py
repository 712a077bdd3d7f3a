"""Heat maps for experiments/pressure_x_filtering.toml.

Reads a finished sweep (never runs the model) and draws, over schedule pressure (rows)
and filtering of bad news (columns), the mean over replicates of: waves sent live despite
warnings, postponements, peak share of live users in workaround and peak frustration of live users.

    python experiments/plot_pressure_x_filtering.py results/pressure_x_filtering

writes results/pressure_x_filtering/figures/pressure_x_filtering.png (or --out FILE).
"""

from __future__ import annotations

from pathlib import Path

from environment import needs_environment

try:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.analysis.folders import Results
    from sim.analysis.plots import figure_script, outcome_summary
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

PRESSURE, FILTERING = "governance.schedule_pressure", "governance.filtering"
PANELS = {
    "golives_despite_warnings": "Waves live despite warnings",
    "postponements": "Go-lives postponed",
    "peak_workaround_live": "Peak share of live users in workaround",
    "peak_frustration_live": "Peak frustration of live users (0-1)",
}


def grid(results: Results, outcome: str) -> pd.DataFrame:
    """Mean of ``outcome`` per condition, pressure as rows and filtering as columns."""
    values = pd.DataFrame(
        [{"point": c["point"], **c["values"]} for c in results.manifest["conditions"]]
    )
    table = outcome_summary(results.runs, outcome).merge(values, on="point")
    return table.pivot(index=PRESSURE, columns=FILTERING, values="mean").sort_index()


def _fmt(v: float) -> str:
    if np.isnan(v):
        return "-"
    return f"{v:.1f}" if abs(v) >= 1 else f"{v:.2f}"


def _heatmap(ax, table: pd.DataFrame, title: str) -> None:
    data = table.to_numpy(dtype=float)
    image = ax.imshow(data, origin="lower", cmap="cividis", aspect="auto")
    ax.figure.colorbar(image, ax=ax, shrink=0.85)
    middle = np.nanmin(data) + 0.5 * (np.nanmax(data) - np.nanmin(data))
    for (i, j), v in np.ndenumerate(data):
        colour = "black" if v > middle else "white"
        ax.text(
            j,
            i,
            _fmt(v),
            ha="center",
            va="center",
            color=colour,
            fontsize=8,
        )
    ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
    ax.set_xlabel("Filtering of bad news (culture of silence)")
    ax.set_ylabel("Schedule pressure")
    ax.set_title(title)


def pressure_figure(results: Results, axes=None) -> Figure:
    """Four heat maps (2 x 2), one per outcome in :data:`PANELS`."""
    if axes is None:
        fig = Figure(figsize=(11, 8.5), layout="constrained")
        axes = fig.subplots(2, 2).ravel()
    fig = axes[0].figure
    for ax, (outcome, title) in zip(axes, PANELS.items(), strict=True):
        _heatmap(ax, grid(results, outcome), title)
    n = results.manifest.get("replicates")
    fig.suptitle(f"Schedule pressure x filtered reporting (mean of {n} runs per cell)")
    return fig


def main(argv: list[str] | None = None) -> Path:
    return figure_script(argv, __doc__.splitlines()[0], "pressure_x_filtering", pressure_figure)


if __name__ == "__main__":
    main()
