"""Figures of outcomes over an experiment's factors: one line per level of one factor,
against another, one panel per outcome (and per level of a third factor, if any).

The experiments' own figure scripts (``experiments/plot_*.py``) build on this. Like every
figure here it reads a finished sweep, never a live model; the numbers behind it come from
:func:`condition_summary` (mean and 95 % CI over replicates per condition, as in
:func:`sim.analysis.plots.outcome_summary`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.folders import Results
from sim.analysis.plots import outcome_summary
from sim.analysis.style import COLOURS, LINESTYLES, MARKERS


def condition_summary(results: Results, outcome: str) -> pd.DataFrame:
    """Mean and 95 % CI of ``outcome`` per condition, with the factor values as columns."""
    values = pd.DataFrame(
        [{"point": c["point"], **c["values"]} for c in results.manifest["conditions"]]
    )
    return outcome_summary(results.runs, outcome).merge(values, on="point")


def _label(value) -> str:
    return (
        f"{value:g}"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def _panel(ax, data: pd.DataFrame, x: str, line: str, names: Mapping) -> None:
    xs = list(dict.fromkeys(data.sort_values("point")[x]))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs)
    position = {v: (v if numeric else i) for i, v in enumerate(xs)}
    lines = list(dict.fromkeys(data.sort_values("point")[line]))
    for i, level in enumerate(lines):
        rows = data[(data[line] == level) & (data["n"] > 0)].copy()
        rows["x"] = rows[x].map(position)
        rows = rows.sort_values("x")
        ax.errorbar(
            rows["x"],
            rows["mean"],
            yerr=[rows["mean"] - rows["lo"], rows["hi"] - rows["mean"]],
            capsize=3,
            color=COLOURS[i % len(COLOURS)],
            marker=MARKERS[i % len(MARKERS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            label=names.get(level, _label(level)),
        )
    if not numeric:
        ax.set_xticks(range(len(xs)), [names.get(v, _label(v)) for v in xs])
    ax.grid(alpha=0.3)


def factor_figure(
    results: Results,
    *,
    x: str,
    line: str,
    panels: Mapping[str, str],
    title: str,
    xlabel: str,
    line_title: str,
    facet: str | None = None,
    facet_title: str = "",
    names: Mapping | None = None,
) -> Figure:
    """Outcomes (``panels``: outcome -> axis label) against factor ``x``, one line per
    level of factor ``line``; with ``facet``, one column of panels per level of it.
    ``names`` renames factor levels in ticks and legends."""
    names = dict(names or {})
    if facet is None:  # panels in two columns
        rows, cols = -(-len(panels) // 2), min(2, len(panels))
        cells = [(i // cols, i % cols, None) for i in range(len(panels))]
    else:  # one row per outcome, one column per level of the facet
        levels = list(dict.fromkeys(c["values"][facet] for c in results.manifest["conditions"]))
        rows, cols = len(panels), len(levels)
        cells = [(r, c, level) for r in range(rows) for c, level in enumerate(levels)]
    fig = Figure(figsize=(4.8 * cols, 3.3 * rows + 0.6), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    outcomes = list(panels)
    for r, c, level in cells:
        outcome = outcomes[r * cols + c] if facet is None else outcomes[r]
        data = condition_summary(results, outcome)
        ax = axes[r, c]
        _panel(ax, data if level is None else data[data[facet] == level], x, line, names)
        ax.set_ylabel(panels[outcome] if (facet is None or c == 0) else "")
        if level is not None and r == 0:
            ax.set_title(f"{facet_title} {names.get(level, _label(level))}".strip())
        ax.set_xlabel(xlabel)
    for ax in axes.ravel()[len(cells) :]:
        ax.axis("off")
    axes[0, 0].legend(title=line_title, fontsize=8)
    n = results.manifest.get("replicates")
    fig.suptitle(f"{title} (mean and 95 % CI of {n} runs)")
    return fig
