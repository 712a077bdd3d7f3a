"""Figures from saved results: time series per condition and per role, outcome distributions.

Every figure is built from a results folder (see :mod:`sim.analysis.folders`), never from a
live model. The numbers behind each figure come from small data functions (:func:`band`,
:func:`golive_weeks`, :func:`outcome_values`, :func:`outcome_summary`) that are tested on
their own. Plot functions take ``ax=None``/``axes=None`` and return the figure; they use
:class:`matplotlib.figure.Figure` directly, so no pyplot state is created or leaked.

Each condition keeps one style in every figure (colour, line style, marker, hatch, chosen
by its ``point``; :mod:`sim.analysis.style`), so the figures read the same in colour and in
black and white. The colours are the colour-blind-safe palette of Okabe & Ito (2008).

Confidence intervals are Student t intervals of the mean across replicates
(:func:`sim.analysis.stats.mean_ci`), cut at the bounds of shares and 0-1 scales.

References
----------
Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from sim.analysis.folders import Results, load_results, run_ids, run_results
from sim.analysis.layout import Layout, layout, select
from sim.analysis.stats import Bounds, mean_ci
from sim.analysis.style import Style, condition_style
from sim.analysis.tables import BOUNDED_UNITS, check_outcomes, outcome_bounds
from sim.defaults import CONFIDENCE_LEVEL, FIGURE_FORMATS
from sim.errors import InputError, did_you_mean
from sim.io import atomic_write, ensure_writable_dir
from sim.outcomes import MAIN_OUTCOMES, OUTCOMES

# Per-step columns the figures show: column -> (panel title, axis label, unit). Per-role
# columns (``adoption_rate.teacher``) take the entry of their first part.
SERIES_LABELS: dict[str, tuple[str, str, str]] = {
    "adoption_rate": ("Adoption", "Users adopted", "share"),
    "workaround_rate": ("Workarounds, all users", "Users in workaround", "share"),
    "workaround_live": ("Workarounds, live users", "Live users in workaround", "share"),
    "productivity_loss": (
        "Productivity against the old systems",
        "Hours lost (< 0: saved)",
        "signed share",
    ),
    "productivity_loss_live": (
        "Productivity of live users",
        "Hours lost (< 0: saved)",
        "signed share",
    ),
    "mean_frustration": ("Mean frustration, all users", "Mean frustration", "0-1"),
    "frustration_live": ("Frustration of live users", "Mean frustration", "0-1"),
    "p90_frustration": ("Frustration, 90th percentile", "90th pct. frustration", "0-1"),
    "satisfied_share": ("Satisfied live users", "Satisfied", "share"),
    "dissatisfied_share": ("Dissatisfied live users", "Dissatisfied", "share"),
    "exit_intention": ("Staff intending to leave", "Intending to leave", "share"),
    "net_benefit": ("Net benefit so far", "Net benefit", "MSEK"),
}
TIMESERIES_PANELS = (
    "adoption_rate",
    "frustration_live",
    "workaround_live",
    "productivity_loss",
    "dissatisfied_share",
    "net_benefit",
)
ROLE_PANELS = ("adoption_rate", "mean_frustration", "workaround_rate", "dissatisfied_share")
MAIN_PANELS = ("adoption_rate", "frustration_live")
SIGNED = ("productivity_loss", "productivity_loss_live", "net_benefit")
"""Series that can be negative (gains against the legacy baseline): no floor at 0."""
WEEK_LABEL = "Week"
FONT = {"title": 11, "label": 10, "tick": 9, "legend": 9}
MAX_INCHES = (16.0, 11.0)
"""Largest figure (width, height) in inches: at :data:`DPI` at most 3,200 x 2,200 pixels."""
DPI = 200
"""Resolution of saved raster figures."""
MIN_WIDTH = 10.0
"""Narrowest figure of small multiples (inches), so that the legend below fits."""


# --- the data behind the figures ------------------------------------------------------


def series_labels(column: str) -> tuple[str, str]:
    """Panel title and axis label (with unit) of a per-step column."""
    title, label, unit = SERIES_LABELS.get(column.split(".")[0], (column, column, ""))
    return title, f"{label} ({unit})" if unit else label


def series_bounds(column: str) -> Bounds:
    """The range a per-step column cannot leave (shares, 0-1 scales), or ``None``."""
    entry = SERIES_LABELS.get(column.split(".")[0])
    return BOUNDED_UNITS.get(entry[2]) if entry else None


def band(timeseries: pd.DataFrame, column: str, level: float = CONFIDENCE_LEVEL) -> pd.DataFrame:
    """Per condition (``point``) and ``step``: ``n``, ``mean``, ``sd`` and the t-based
    ``level`` confidence band ``lo``-``hi`` of ``column`` across replicates
    (:func:`sim.analysis.stats.mean_ci`, cut at the column's bounds if it has any). In a
    sweep over worlds the runs of every world and replicate are pooled.

    NaN values are left out of ``n``; with one replicate the band is NaN.
    """
    if column not in timeseries.columns:
        raise InputError(f"no column '{column}' in the time series", key="column")
    ids = run_ids(timeseries)
    wide = timeseries.set_index(["point", "step", *ids])[column].unstack(ids)
    wide = wide.sort_index()
    values = wide.to_numpy(dtype=float)
    mean, lo, hi = mean_ci(values, level, series_bounds(column), axis=1)
    index = wide.index
    return pd.DataFrame(
        {
            "point": index.get_level_values("point").to_numpy(),
            "step": index.get_level_values("step").to_numpy(),
            "n": wide.notna().sum(axis=1).to_numpy(),
            "mean": mean,
            "sd": wide.std(axis=1).to_numpy(),
            "lo": lo,
            "hi": hi,
        }
    )


def golive_weeks(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Go-live weeks per condition: for each wave ``k``, the median over replicates of the
    week in which wave ``k`` went live, and the share of replicates (``reached``) in which
    it went live at all.

    Weeks are counted as the model counts them (``first_golive_week``): a wave that goes
    live during week ``w`` shows in the time series from step ``w + 1`` (the state after
    that week), so the week is the first step with ``waves_live >= k``, minus one. The
    median is robust to the odd replicate whose go-live the board postponed.
    """
    rows = []
    ids = run_ids(timeseries)
    for point, ts in timeseries.groupby("point"):
        firsts: dict[int, list[int]] = {}
        for _, run in ts.sort_values("step").groupby(ids):
            waves = run["waves_live"].to_numpy(dtype=float)
            steps = run["step"].to_numpy()
            for k in range(1, int(np.nanmax(waves, initial=0)) + 1):
                firsts.setdefault(k, []).append(int(steps[np.argmax(waves >= k)]) - 1)
        n_reps = ts.groupby(ids).ngroups
        for k, weeks in sorted(firsts.items()):
            rows.append((int(point), k, float(np.median(weeks)), len(weeks) / n_reps))
    return pd.DataFrame(rows, columns=["point", "wave", "week", "reached"])


def outcome_values(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """One row per successful run: ``point``, ``condition``, ``replicate``, ``value``.

    Failed runs are left out; NaN values ("not reached") are kept.
    """
    ok = runs[runs["status"] == "ok"]
    return ok[["point", "condition", "replicate", outcome]].rename(columns={outcome: "value"})


def outcome_summary(
    runs: pd.DataFrame, outcome: str, level: float = CONFIDENCE_LEVEL
) -> pd.DataFrame:
    """Per condition: ``runs`` (successful), ``n`` (value reached), ``mean``, ``lo``, ``hi``
    (t-based ``level`` interval), as a comparison table shows them."""
    values = outcome_values(runs, outcome)
    rows = []
    for (point, condition), group in values.groupby(["point", "condition"], sort=True):
        mean, lo, hi = mean_ci(group["value"], level, outcome_bounds(outcome))
        rows.append((point, condition, len(group), int(group["value"].notna().sum()), mean, lo, hi))
    return pd.DataFrame(rows, columns=["point", "condition", "runs", "n", "mean", "lo", "hi"])


# --- drawing helpers ------------------------------------------------------------------


def _figure(
    nrows: int, ncols: int, panel: tuple[float, float], extra: float = 0.0, **kw
) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure of ``nrows`` x ``ncols`` panels of about ``panel``
    inches (plus ``extra`` inches of height for titles and legends), shrunk to fit
    :data:`MAX_INCHES`; returns the figure and a 2-D array of axes."""
    width, height = panel[0] * ncols, panel[1] * nrows + extra
    fit = min(1.0, MAX_INCHES[0] / width, MAX_INCHES[1] / height)
    # whole pixels at DPI, so a saved raster figure has exactly the size it promises
    size = (np.floor(width * fit * DPI) / DPI, np.floor(height * fit * DPI) / DPI)
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.subplots(nrows, ncols, squeeze=False, **kw)


def _decorate(
    ax: Axes, title: str = "", xlabel: str = "", ylabel: str = "", scale: float = 1.0
) -> None:
    ax.set_title(title, fontsize=FONT["title"] * scale, pad=9)
    ax.set_xlabel(xlabel, fontsize=FONT["label"] * scale)
    ax.set_ylabel(ylabel, fontsize=FONT["label"] * scale)
    ax.tick_params(labelsize=FONT["tick"] * scale)
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) if text else text


def _handle(index: int, box: bool = False):
    s = condition_style(index)
    edge = {"markeredgecolor": "black", "markeredgewidth": 0.5}
    line = Line2D([], [], color=s.color, linestyle=s.linestyle, marker=s.marker, **edge)
    if not box:
        return line
    patch = Patch(facecolor=s.color, alpha=0.45, hatch=s.hatch, edgecolor="black")
    return (patch, Line2D([], [], color=s.color, marker=s.marker, linestyle="none", **edge))


GOLIVE_LABEL = "Go-live of a wave (median week)"
"""Legend entry of the go-live marks (a thin line and a marker on the top edge)."""


def _golive_handle() -> Line2D:
    return Line2D([], [], color="0.35", linestyle="none", marker="|", markersize=12, mew=1.2)


def _legend(
    fig: Figure,
    lay: Layout,
    own: bool,
    first: Axes,
    spare: Sequence[Axes] = (),
    box: bool = False,
    scale: float = 1.0,
    title: str | None = None,
    golive: bool = False,
) -> None:
    """One legend entry per line (a condition, or in small multiples a combination of the
    line factors' levels) and one for the go-live marks: in a spare cell, below the
    panels, or (on axes the caller gave) in the first panel. Spare cells without a legend
    are removed."""
    handles = [_handle(i, box) for i in range(len(lay.line_names))]
    labels = [_wrap(name, 46) for name in lay.line_names]
    if golive:
        handles.append(_golive_handle())
        labels.append(GOLIVE_LABEL)
    kw = {
        "title": _wrap(title or lay.legend_title, 40),
        "fontsize": FONT["legend"] * scale,
        "title_fontsize": FONT["legend"] * scale,
        "handler_map": {tuple: HandlerTuple(ndivide=None)},
        "handlelength": 3.5,
    }
    if not own:
        first.legend(handles, labels, **kw)
    elif spare:
        spare[0].axis("off")
        spare[0].legend(handles, labels, loc="center", frameon=False, **kw)
    else:
        # As many columns as fit across the figure (an entry: handle, gap, longest line).
        longest = max(len(line) for label in labels for line in label.split("\n"))
        entry = longest * FONT["legend"] * scale * 0.55 / 72 + 0.9
        ncols = max(1, min(len(labels), 4, int(fig.get_figwidth() // entry)))
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, **kw)
    for ax in spare[1:]:
        fig.delaxes(ax)


def _title(fig: Figure, results: Results, lay: Layout, what: str, scale: float = 1.0) -> None:
    """The figure's title: the experiment's question (or the scenario's name), what is
    shown, and the factors a choice of conditions held fixed."""
    head = results.manifest.get("description") or results.manifest.get("experiment") or ""
    if results.kind == "run":
        head = next(iter(results.conditions.values()), "")
    width = int(fig.get_figwidth() * 11 / scale)
    lines = [_wrap(str(head), width)] if head else []
    lines.append(_wrap(what + (f"; only {lay.fixed}" if lay.fixed else ""), width))
    fig.suptitle("\n".join(lines), fontsize=FONT["title"] * scale)


def _what(results: Results, shown: str, level: float) -> str:
    """``"Adoption and mean frustration: mean of 30 runs per condition with its 95 % CI"``."""
    if results.kind == "run":
        return f"{shown}: one run"
    n = results.manifest.get("replicates")
    runs = f"{n} runs" if n else "the runs"
    return f"{shown}: mean of {runs} per condition, band: {level:.0%} CI"


def _mark_golive(ax: Axes, weeks: pd.DataFrame, style: Style) -> bool:
    """A thin vertical line and a marker on the top edge at each go-live week reached in
    at least half of the replicates (the markers are one line labelled ``_golive``);
    whether any was drawn."""
    marked = weeks.loc[weeks["reached"] >= 0.5, "week"].to_numpy()
    if not marked.size:
        return False
    top = blended_transform_factory(ax.transData, ax.transAxes)
    ax.vlines(
        marked,
        0,
        1,
        transform=top,
        colors=style.color,
        linestyles=style.linestyle,
        linewidth=0.8,
        alpha=0.55,
        label="_golive_lines",
    )
    ax.plot(
        marked,
        np.ones(marked.size),
        transform=top,
        marker=style.marker,
        color=style.color,
        markeredgecolor="black",
        markeredgewidth=0.5,
        markersize=6,
        clip_on=False,
        linestyle="none",
        label="_golive",
    )
    return True


def _draw_series(
    ax: Axes,
    data: pd.DataFrame,
    lay: Layout,
    points: Sequence[int],
    golive: pd.DataFrame | None,
    scale: float = 1.0,
) -> bool:
    """Mean line and confidence band (``data``, from :func:`band`) for each of
    ``points``, labelled with its line's name; returns whether go-live marks were drawn."""
    names = lay.line_names
    marked = False
    for point in points:
        d = data[data["point"] == point]
        if d.empty:
            continue
        i = lay.lines[point]
        s = condition_style(i)
        every = max(1, len(d) // 8)
        ax.plot(
            d["step"],
            d["mean"],
            color=s.color,
            linestyle=s.linestyle,
            linewidth=1.6 * scale,
            marker=s.marker,
            markersize=4.5 * scale,
            markeredgecolor="black",
            markeredgewidth=0.5,
            markevery=(i * every // len(names), every),
            label=names[i],
        )
        if d["n"].max() > 1:
            ax.fill_between(
                d["step"], d["lo"], d["hi"], color=s.color, alpha=0.18, linewidth=0, label="_band"
            )
        if golive is not None:
            marked |= _mark_golive(ax, golive[golive["point"] == point], s)
    return marked


def _floor_at_zero(axes, columns) -> None:
    """Start every y axis at 0 (all series are shares, 0-1 scores or counts); adoption
    always spans 0-1. Done after drawing, so rows with shared y axes see all their data."""
    for ax, column in zip(axes, columns, strict=True):
        if column.startswith("adoption_rate"):
            ax.set_ylim(0, 1.02)
        elif column.split(".")[0] not in SIGNED:
            ax.set_ylim(bottom=0)


def _golive_or_none(results: Results) -> pd.DataFrame | None:
    if "waves_live" not in results.timeseries.columns:
        return None
    return golive_weeks(results.timeseries)


def _given(axes, n: int) -> list[Axes]:
    flat = list(np.asarray(axes, dtype=object).ravel())
    if len(flat) != n:
        raise InputError(f"this figure needs {n} axes, got {len(flat)}", key="axes")
    return flat


def _series_grid(
    results: Results,
    rows: Sequence[tuple[str, str]],
    level: float,
    axes,
    panel: tuple[float, float],
    scale: float = 1.0,
) -> tuple[Figure, Layout, bool]:
    """Small multiples of time series: one row per ``(column, row title)``, one column
    per panel of the layout (the same y range along a row). Titles go on the top row, axis
    labels on the left column and the bottom row. Returns the figure, the layout and
    whether go-live marks were drawn.

    The axes' ranges are set before drawing and autoscaling is off: with dozens of panels,
    Matplotlib's autoscaling of shared axes after every band costs quadratic time."""
    lay = layout(results)
    ncols = len(lay.panels)
    if axes is None:
        width = max(panel[0], MIN_WIDTH / ncols)  # room for the legend below
        fig, grid = _figure(len(rows), ncols, (width, panel[1]), 1.6)
    else:
        grid = np.asarray(_given(axes, len(rows) * ncols), dtype=object).reshape(len(rows), ncols)
        fig = grid[0, 0].figure
    golive = _golive_or_none(results)
    steps = results.timeseries["step"]
    weeks = (float(steps.min()), float(steps.max())) if len(steps) else (0.0, 1.0)
    pad = 0.03 * (weeks[1] - weeks[0] or 1.0)
    marked = False
    for r, (column, row_title) in enumerate(rows):
        data = band(results.timeseries, column, level)
        bottom, top = _y_range(column, data)
        for c, (title, points) in enumerate(lay.panels):
            ax = grid[r, c]
            ax.set_xlim(weeks[0] - pad, weeks[1] + pad)
            ax.set_ylim(bottom, top)
            ax.set_autoscale_on(False)
            marked |= _draw_series(ax, data, lay, points, golive, scale)
            _decorate(
                ax,
                _wrap(title, 30) if r == 0 else "",
                WEEK_LABEL if r == len(rows) - 1 else "",
                _row_label(column, row_title) if c == 0 else "",
                scale,
            )
            # Rows are short: their labels read across, so neighbours cannot overlap.
            ax.yaxis.label.set(rotation=0, ha="right", va="center")
            ax.tick_params(labelbottom=r == len(rows) - 1, labelleft=c == 0)
    return fig, lay, marked


def _y_range(column: str, data: pd.DataFrame) -> tuple[float, float]:
    """The y axis of ``column``: 0 to 1.02 for adoption; else from 0 (or, for a series that
    can be negative, a little below its lowest mean or band) to a little above its
    highest."""
    if column.startswith("adoption_rate"):
        return 0.0, 1.02
    values = data[["mean", "lo", "hi"]].to_numpy()
    highest = np.nanmax(values, initial=0.0)
    lowest = np.nanmin(values, initial=0.0) if column.split(".")[0] in SIGNED else 0.0
    span = (highest - lowest) or 0.05
    bottom = lowest - 0.08 * span if lowest < 0 else 0.0
    return float(bottom), float(highest + 0.08 * span if highest > 0 else bottom + span)


def _series_panels(
    axes: Sequence[Axes],
    results: Results,
    lay: Layout,
    columns: Sequence[str],
    level: float,
    scale: float = 1.0,
) -> bool:
    """One panel per column, every condition in it, titled with the series; returns
    whether go-live marks were drawn."""
    golive = _golive_or_none(results)
    marked = False
    for ax, column in zip(axes, columns, strict=True):
        title, ylabel = series_labels(column)
        data = band(results.timeseries, column, level)
        marked |= _draw_series(ax, data, lay, lay.points, golive, scale)
        _decorate(ax, title, WEEK_LABEL, _wrap(ylabel, int(26 * 1.3 / scale)), scale)
    _floor_at_zero(axes, columns)
    return marked


def _row_label(column: str, row_title: str) -> str:
    """The y label of a row of small multiples: the series' label, or for a role
    ``"Teachers"`` over the series' short title and unit."""
    if not row_title:
        return _wrap(series_labels(column)[1], 16)
    title, _, unit = SERIES_LABELS.get(column.split(".")[0], (column, "", ""))
    return f"{_wrap(row_title, 16)}\n{_wrap(f'{title.lower()} ({unit})', 16)}"


# --- figures --------------------------------------------------------------------------


def timeseries_figure(
    results: Results,
    columns: Sequence[str] = TIMESERIES_PANELS,
    level: float = CONFIDENCE_LEVEL,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """Figure 1: the weekly series (adoption, live users' frustration and workarounds,
    productivity against the old systems, dissatisfied live users, net benefit so far),
    each condition's across-replicate mean with its ``level`` confidence band, and go-live
    weeks marked.

    With few conditions, one panel per column, one line per condition; with many, small
    multiples (:mod:`sim.analysis.layout`): one row per column, one panel per level of the
    facet factors, one line per level of the line factors."""
    lay = layout(results)
    if lay.faceted:
        fig, lay, marked = _series_grid(
            results, [(c, "") for c in columns], level, axes, (2.6, 1.8)
        )
        own = axes is None
        first, spare = fig.axes[0], []
    else:
        own = axes is None
        if own:
            ncols = min(3, len(columns))
            nrows = -(-len(columns) // ncols)
            fig, grid = _figure(nrows, ncols, (3.8, 2.9), 0.9)
            cells = list(grid.ravel())
            axes, spare = cells[: len(columns)], cells[len(columns) :]
        else:
            axes, spare = _given(axes, len(columns)), []
            fig = axes[0].figure
        marked = _series_panels(axes, results, lay, columns, level)
        first = axes[0]
    _legend(fig, lay, own, first, spare, golive=marked)
    if own:
        _title(fig, results, lay, _what(results, "Weekly indicators", level))
    return fig


def roles_figure(
    results: Results,
    columns: Sequence[str] = ROLE_PANELS,
    level: float = CONFIDENCE_LEVEL,
    axes: np.ndarray | None = None,
) -> Figure:
    """Figure 2: per-role time series, one row per column and one column per role
    (mandatory roles first; voluntary roles on a grey background), y axes shared per row
    so mandatory and voluntary users compare directly. With many conditions (small
    multiples), one row per column and role and one panel per level of the facet
    factors."""
    roles = results.roles
    if not roles:
        raise InputError("the time series has no per-role columns", key="roles")
    own = axes is None
    lay = layout(results)
    if lay.faceted:
        rows = [(f"{column}.{role.name}", role.label) for column in columns for role in roles]
        fig, lay, marked = _series_grid(results, rows, level, axes, (2.5, 1.35))
        _legend(fig, lay, own, fig.axes[0], golive=marked)
        if own:
            _title(fig, results, lay, _what(results, "Weekly indicators by role", level))
        return fig
    if own:
        fig, axes = _figure(len(columns), len(roles), (3.4, 2.6), 1.8, sharex=True, sharey="row")
    else:
        axes = np.asarray(_given(axes, len(columns) * len(roles)), dtype=object)
        axes = axes.reshape(len(columns), len(roles))
        fig = axes[0, 0].figure
    golive = _golive_or_none(results)
    marked = False
    for r, column in enumerate(columns):
        _, ylabel = series_labels(column)
        for c, role in enumerate(roles):
            ax = axes[r, c]
            data = band(results.timeseries, f"{column}.{role.name}", level)
            marked |= _draw_series(ax, data, lay, lay.points, golive)
            if role.mandatory is False:
                ax.set_facecolor("0.95")
            _decorate(
                ax,
                role.title if r == 0 else "",
                WEEK_LABEL if r == len(columns) - 1 else "",
                _wrap(ylabel, 26) if c == 0 else "",
            )
    _floor_at_zero(axes.ravel(), [col for col in columns for _ in roles])
    _legend(fig, lay, own, axes[0, 0], golive=marked)
    if own:
        _title(fig, results, lay, _what(results, "Weekly indicators by role", level))
    return fig


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"


# Matplotlib 3.10 replaced boxplot's ``vert`` by ``orientation``; the project allows 3.8.
_HORIZONTAL = (
    {"orientation": "horizontal"}
    if "orientation" in inspect.signature(Axes.boxplot).parameters
    else {"vert": False}
)


def _draw_outcome(
    ax: Axes,
    results: Results,
    lay: Layout,
    outcome: str,
    level: float,
    rng: np.random.Generator,
) -> None:
    """Horizontal box per condition (first condition on top) with the jittered runs, the
    mean and its confidence interval, and the numbers written beside the panel."""
    values = outcome_values(results.runs, outcome)
    table = outcome_summary(results.runs, outcome, level).set_index("point")
    right = blended_transform_factory(ax.transAxes, ax.transData)
    n = len(lay.points)
    for i, point in enumerate(lay.points):
        y = n - 1 - i
        s = condition_style(lay.lines[point])
        data = values.loc[values["point"] == point, "value"].dropna().to_numpy()
        if data.size == 0:
            ax.text(1.02, y, "not reached", transform=right, va="center", fontsize=FONT["tick"])
            continue
        box = ax.boxplot(
            [data],
            positions=[y],
            widths=0.6,
            patch_artist=True,
            showfliers=False,
            medianprops={"color": "black"},
            **_HORIZONTAL,
        )
        box["boxes"][0].set(facecolor=s.color, alpha=0.45, hatch=s.hatch, edgecolor="black")
        ax.scatter(
            data,
            y + rng.uniform(-0.18, 0.18, data.size),
            marker=s.marker,
            color=s.color,
            edgecolors="black",
            linewidths=0.5,
            s=22,
            zorder=3,
        )
        row = table.loc[point]
        _mean_with_ci(ax, row["mean"], y, row["lo"], row["hi"], horizontal=True)
        text = f"{_fmt(row['mean'])} [{_fmt(row['lo'])}, {_fmt(row['hi'])}]"
        if row["n"] < row["runs"]:
            text += f"  n={int(row['n'])}/{int(row['runs'])}"
        ax.text(1.02, y, text, transform=right, va="center", fontsize=FONT["tick"])
    ax.set_ylim(-0.6, n - 0.4)


def _mean_with_ci(ax: Axes, mean, at, lo, hi, horizontal: bool, **kw) -> None:
    """The mean as a white diamond with its confidence interval as error bars."""
    err = [[mean - lo], [hi - mean]]
    x, y = (mean, at) if horizontal else (at, mean)
    style = {"fmt": "D", "color": "black", "markerfacecolor": "white", "capsize": 3, "zorder": 4}
    ax.errorbar(x, y, **({"xerr": err} if horizontal else {"yerr": err}), **{**style, **kw})


def _draw_effects(ax: Axes, results: Results, lay: Layout, outcome: str, level: float) -> None:
    """Small multiples of an outcome: the panels' levels along x, one line per line
    level with the mean and its confidence interval at each x (slightly dodged so the
    intervals do not hide each other). A hollow marker: not every run reached the value."""
    table = outcome_summary(results.runs, outcome, level).set_index("point")
    n_lines = len(lay.line_names)
    for i in range(n_lines):
        s = condition_style(i)
        xs, means = [], []
        for x, (_, points) in enumerate(lay.panels):
            point = next((p for p in points if lay.lines[p] == i), None)
            if point is None or point not in table.index or table.loc[point, "n"] == 0:
                continue
            row = table.loc[point]
            at = x + (i - (n_lines - 1) / 2) * min(0.08, 0.6 / n_lines)
            full = row["n"] == row["runs"]
            _mean_with_ci(
                ax,
                row["mean"],
                at,
                row["lo"],
                row["hi"],
                horizontal=False,
                color=s.color,
                marker=s.marker,
                markeredgecolor="black",
                markerfacecolor=s.color if full else "white",
                fmt="none",
            )
            ax.plot(
                [at],
                [row["mean"]],
                linestyle="none",
                marker=s.marker,
                color=s.color,
                markeredgecolor="black",
                markeredgewidth=0.5,
                zorder=5,
                markerfacecolor=s.color if full else "white",
                label="_mean",
            )
            xs.append(at)
            means.append(row["mean"])
        ax.plot(
            xs, means, color=s.color, linestyle=s.linestyle, linewidth=1.2, label=lay.line_names[i]
        )
    ticks = [_wrap(name, 16) for name in lay.panel_names]
    ax.set_xticks(range(len(lay.panels)), ticks)
    ax.set_xlim(-0.5, len(lay.panels) - 0.5)


def outcomes_figure(
    results: Results,
    outcomes: Sequence[str] = MAIN_OUTCOMES,
    level: float = CONFIDENCE_LEVEL,
    axes: Sequence[Axes] | None = None,
    seed: int = 0,
) -> Figure:
    """Figure 3: each run-level outcome per condition. With few conditions, its
    distribution (boxes, the jittered runs, the mean as a white diamond with its
    ``level`` CI) and ``mean [lo, hi]`` beside each box; with many (small multiples), the
    mean and its CI of each condition, the facet factors' levels along x and one line per
    level of the line factors.

    Failed runs are left out; runs that never reached a value (NaN) are counted in
    ``n=reached/runs`` (hollow markers in small multiples). ``seed`` drives the jitter only.
    """
    if results.runs is None:
        raise InputError("outcome distributions need a sweep (runs.csv)", key="DIR")
    check_outcomes(results.runs, list(outcomes), key="--outcomes")
    lay = layout(results)
    rng = np.random.default_rng(seed)
    own = axes is None
    n_rows = len(lay.points)
    ncols = 3 if len(outcomes) > 4 else 2
    if own:
        panel = (4.6, 3.0) if lay.faceted else (4.6, 0.32 * n_rows + 1.3)
        fig, grid = _figure(-(-len(outcomes) // ncols), min(ncols, len(outcomes)), panel, 1.8)
        cells = list(grid.ravel())
        axes, spare = cells[: len(outcomes)], cells[len(outcomes) :]
    else:
        axes, spare = _given(axes, len(outcomes)), []
        fig = axes[0].figure
    names = [_wrap(lay.names[p], 30) for p in lay.points]
    for i, (ax, outcome) in enumerate(zip(axes, outcomes, strict=True)):
        description, unit = OUTCOMES[outcome]
        if lay.faceted:
            _draw_effects(ax, results, lay, outcome, level)
            _decorate(ax, ylabel=_wrap(f"{description} ({unit})", 34))
            ax.set_xlabel(_wrap(lay.panels_title, 40), fontsize=FONT["label"])
            ax.grid(False, axis="x")
            continue
        _draw_outcome(ax, results, lay, outcome, level, rng)
        _decorate(ax, xlabel=_wrap(f"{description} ({unit})", 48))
        first_in_row = i % ncols == 0 or not own
        ax.set_yticks(range(n_rows - 1, -1, -1), names if first_in_row else [""] * n_rows)
        ax.grid(False, axis="y")
    if lay.faceted:
        title = None
        _legend(fig, lay, own, axes[0], spare)
    else:
        title = f"Condition\n(\u25c7 mean with {level:.0%} CI)"
        _legend(fig, lay, own, axes[0], spare, box=True, title=title)
    if own:
        _title(
            fig,
            results,
            lay,
            _what(results, "Outcomes of each run", level).split(", band")[0]
            + f", with its {level:.0%} CI",
        )
    return fig


def main_figure(
    results: Results, level: float = CONFIDENCE_LEVEL, axes: Sequence[Axes] | None = None
) -> Figure:
    """The main figure for a talk or a classroom: adoption and mean frustration per
    condition, with confidence bands and go-live weeks, in large type, titled with the
    experiment's question. With many conditions, small multiples (one row each)."""
    scale = 1.3
    own = axes is None
    lay = layout(results)
    if lay.faceted:
        rows = [(c, "") for c in MAIN_PANELS]
        fig, lay, marked = _series_grid(results, rows, level, axes, (2.9, 2.4), scale=1.0)
        first = fig.axes[0]
    else:
        if own:
            fig, grid = _figure(1, len(MAIN_PANELS), (5.5, 4.2), 1.6, sharex=True)
            axes = list(grid.ravel())
        else:
            axes = _given(axes, len(MAIN_PANELS))
            fig = axes[0].figure
        marked = _series_panels(axes, results, lay, MAIN_PANELS, level, scale)
        first = axes[0]
    _legend(fig, lay, own, first, scale=1.0 if lay.faceted else scale, golive=marked)
    if own:
        what = _what(results, "Adoption and mean frustration", level)
        _title(fig, results, lay, what, scale=1.0 if lay.faceted else 1.15)
    return fig


# --- writing --------------------------------------------------------------------------


def _check_format(fmt: str) -> None:
    if fmt not in FIGURE_FORMATS:
        hint = did_you_mean(fmt, FIGURE_FORMATS) or f"; use one of {', '.join(FIGURE_FORMATS)}"
        raise InputError(f"unknown format '{fmt}'{hint}", key="--format")


def save_figure(fig: Figure, path: str | Path, fmt: str) -> Path:
    """Save ``fig`` to ``path`` atomically (a reader never sees half a file)."""
    _check_format(fmt)
    target = Path(path)
    atomic_write(target, lambda tmp: fig.savefig(tmp, format=fmt, dpi=DPI))
    return target


def figures(
    results: Results, outcomes: Sequence[str] | None = None, level: float = CONFIDENCE_LEVEL
) -> dict[str, Figure]:
    """Every figure that ``results`` supports, by file stem: ``timeseries``, ``roles``
    (when there are per-role columns), ``outcomes`` (sweeps only), ``main`` and, for a
    sweep over sampled worlds, ``worlds_OUTCOME`` for each outcome
    (:func:`sim.analysis.worlds.worlds_figure`)."""
    out = {"timeseries": timeseries_figure(results, level=level)}
    if results.roles:
        out["roles"] = roles_figure(results, level=level)
    if results.runs is not None:
        out["outcomes"] = outcomes_figure(results, outcomes or MAIN_OUTCOMES, level=level)
    out["main"] = main_figure(results, level=level)
    if results.has_worlds:
        out.update(worlds_figures(results, outcomes or MAIN_OUTCOMES, level))
    return out


def worlds_figures(
    results: Results, outcomes: Sequence[str], level: float = CONFIDENCE_LEVEL
) -> dict[str, Figure]:
    """``worlds_OUTCOME``: per outcome, the share of worlds in which each condition is best
    and the paired differences from the reference world by world
    (:func:`sim.analysis.worlds.worlds_figure`), the conditions named and styled as in the
    other figures. When the chosen conditions leave the reference out, the first of them
    is the reference."""
    from sim.analysis.layout import condition_values
    from sim.analysis.worlds import decision_table, worlds_figure

    lay = layout(results)
    factors = list(results.manifest.get("factors") or {})
    reference = results.manifest.get("reference") or {}
    values = condition_values(results)
    if values and reference not in [values[p] for p in lay.points]:
        reference = values[lay.points[0]]
    table = decision_table(results.runs, factors, reference, list(outcomes), level)
    names = {p: _wrap(lay.names[p], 30) for p in lay.points}
    styles = {p: condition_style(lay.lines[p]) for p in lay.points}
    out = {}
    for name in outcomes:
        fig, grid = _figure(1, 2, (5.5, 0.45 * len(lay.points) + 1.2), 1.8)
        worlds_figure(table, results.runs, name, list(grid[0]), names, styles)
        _legend(fig, lay, True, grid[0][0])
        what = f"{OUTCOMES[name][0]}: across {table.attrs['worlds']} sampled worlds"
        _title(fig, results, lay, what)
        out[f"worlds_{name}"] = fig
    return out


def write_figures(
    results: Results, out_dir: str | Path, fmt: str = "png", outcomes: Sequence[str] | None = None
) -> list[Path]:
    """Draw every figure for ``results`` and write them into ``out_dir``; return the paths."""
    _check_format(fmt)
    if outcomes:
        check_outcomes(results.runs, list(outcomes), key="--outcomes")
    drawn = figures(results, outcomes)
    folder = ensure_writable_dir(out_dir)
    return [save_figure(fig, folder / f"{name}.{fmt}", fmt) for name, fig in drawn.items()]


def plot_results(
    results_dir: str | Path,
    out_dir: str | Path | None = None,
    fmt: str = "png",
    outcomes: Sequence[str] | None = None,
    where: Mapping[str, Sequence] | None = None,
    conditions: Sequence[str] | None = None,
) -> list[Path]:
    """Load a sweep or run folder and write its figures (default: ``results_dir/figures``),
    of the conditions chosen by ``where`` and ``conditions`` (see
    :func:`sim.analysis.layout.select`)."""
    results = select(load_results(results_dir), where, conditions)
    return write_figures(results, out_dir or Path(results_dir) / "figures", fmt, outcomes)


def plot_run(
    source: str | Path | pd.DataFrame, out_dir: str | Path, fmt: str = "png", *, scenario=None
) -> list[Path]:
    """Write the figures of one run: ``source`` is a run folder (``timeseries.csv`` and
    ``summary.json``) or the run's time-series DataFrame. ``scenario`` (a
    :class:`sim.Scenario` or its dict) labels the roles when a DataFrame is given.
    Single runs have no bands and no outcome distributions."""
    if isinstance(source, pd.DataFrame):
        results = run_results(source, scenario)
    else:
        results = load_results(source)
    return write_figures(results, out_dir, fmt)


def figure_script(argv: list[str] | None, description: str, name: str, draw) -> Path:
    """Command line of an experiment's extra-figure script: read a sweep folder, draw
    ``draw(results)`` and save it as ``DIR/figures/NAME.png`` (or ``--out``); returns
    the path. With ``argv=None`` it reads the process's arguments and exits when done,
    as a script does; with a list it returns (so tests and notebooks can call it)."""
    import click

    @click.command(help=description)
    @click.argument("results_dir", metavar="DIR", type=click.Path(file_okay=False))
    @click.option(
        "--out",
        type=click.Path(dir_okay=False),
        default=None,
        help=f"Figure file (default: DIR/figures/{name}.png; format from its suffix).",
    )
    def command(results_dir: str, out: str | None) -> Path:
        target = Path(out or Path(results_dir) / "figures" / f"{name}.png")
        try:
            results = load_results(results_dir)
            ensure_writable_dir(target.parent)
            path = save_figure(draw(results), target, target.suffix.lstrip(".") or "png")
        except InputError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(str(path))
        return path

    return command.main(args=argv, prog_name=f"{name} figure", standalone_mode=argv is None)
