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
from collections.abc import Sequence
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
from sim.analysis.stats import Bounds, mean_ci
from sim.analysis.style import Style, condition_style
from sim.analysis.tables import BOUNDED_UNITS, check_outcomes, outcome_bounds
from sim.defaults import CONFIDENCE_LEVEL, FIGURE_FORMATS
from sim.errors import InputError, did_you_mean
from sim.io import atomic_write, ensure_writable_dir
from sim.outcomes import MAIN_OUTCOMES, OUTCOMES, ROLE_COLUMNS

# Per-step columns the figures show: column -> (panel title, axis label, unit). Per-role
# columns (``adoption_rate.teacher``) take the entry of their first part.
SERIES_LABELS: dict[str, tuple[str, str, str]] = {
    "adoption_rate": ("Adoption", "Users adopted", "share"),
    "workaround_rate": ("Workarounds", "Users in workaround", "share"),
    "productivity_loss": ("Productivity loss", "System hours lost", "share"),
    "mean_frustration": ("Mean frustration", "Mean frustration", "0-1"),
    "p90_frustration": ("Frustration, 90th percentile", "90th pct. frustration", "0-1"),
}
TIMESERIES_PANELS = tuple(SERIES_LABELS)
MAIN_PANELS = ("adoption_rate", "mean_frustration")
WEEK_LABEL = "Week"
FONT = {"title": 11, "label": 10, "tick": 9, "legend": 9}


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
    parts = []
    for point, ts in timeseries.groupby("point", sort=True):
        wide = ts.set_index(["step", *ids])[column].unstack(ids).sort_index()
        mean, lo, hi = mean_ci(wide.to_numpy(), level, series_bounds(column), axis=1)
        parts.append(
            pd.DataFrame(
                {
                    "point": point,
                    "step": wide.index.to_numpy(),
                    "n": wide.notna().sum(axis=1).to_numpy(),
                    "mean": mean,
                    "sd": wide.std(axis=1).to_numpy(),
                    "lo": lo,
                    "hi": hi,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def golive_weeks(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Go-live weeks per condition: for each wave ``k``, the median over replicates of the
    first step at which ``waves_live >= k``, and the share of replicates (``reached``)
    in which wave ``k`` went live at all.

    The median is robust to the odd replicate whose go-live the board postponed.
    """
    rows = []
    ids = run_ids(timeseries)
    for point, ts in timeseries.groupby("point"):
        firsts: dict[int, list[int]] = {}
        for _, run in ts.sort_values("step").groupby(ids):
            waves = run["waves_live"].to_numpy(dtype=float)
            steps = run["step"].to_numpy()
            for k in range(1, int(np.nanmax(waves, initial=0)) + 1):
                firsts.setdefault(k, []).append(int(steps[np.argmax(waves >= k)]))
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


def _grid(n: int, ncols: int, panel: tuple[float, float], **kw) -> tuple[Figure, list, list]:
    """A constrained-layout figure with ``n`` panels; returns (figure, panels, spare cells)."""
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows), layout="constrained")
    cells = list(fig.subplots(nrows, ncols, squeeze=False, **kw).ravel())
    return fig, cells[:n], cells[n:]


def _decorate(
    ax: Axes, title: str = "", xlabel: str = "", ylabel: str = "", scale: float = 1.0
) -> None:
    ax.set_title(title, fontsize=FONT["title"] * scale, pad=9)
    ax.set_xlabel(xlabel, fontsize=FONT["label"] * scale)
    ax.set_ylabel(ylabel, fontsize=FONT["label"] * scale)
    ax.tick_params(labelsize=FONT["tick"] * scale)
    ax.grid(True, color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)


def _handle(point: int, box: bool = False):
    s = condition_style(point)
    line = Line2D(
        [],
        [],
        color=s.color,
        linestyle=s.linestyle,
        marker=s.marker,
        markeredgecolor="black",
        markeredgewidth=0.5,
    )
    if not box:
        return line
    patch = Patch(facecolor=s.color, alpha=0.45, hatch=s.hatch, edgecolor="black")
    return (
        patch,
        Line2D(
            [],
            [],
            color=s.color,
            marker=s.marker,
            linestyle="none",
            markeredgecolor="black",
            markeredgewidth=0.5,
        ),
    )


def _legend(
    fig: Figure,
    results: Results,
    own: bool,
    first: Axes,
    spare: list,
    box: bool = False,
    scale: float = 1.0,
    title: str = "Condition",
) -> None:
    """One legend entry per condition: in a spare cell, below the panels, or (on axes the
    caller gave) in the first panel. Spare cells without a legend are removed."""
    handles = [_handle(p, box) for p in results.conditions]
    kw = {
        "title": title,
        "fontsize": FONT["legend"] * scale,
        "title_fontsize": FONT["legend"] * scale,
        "handler_map": {tuple: HandlerTuple(ndivide=None)},
        "handlelength": 3.5,
    }
    labels = list(results.conditions.values())
    if not own:
        first.legend(handles, labels, **kw)
    elif spare:
        spare[0].axis("off")
        spare[0].legend(handles, labels, loc="center", frameon=False, **kw)
    else:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 3), **kw)
    for ax in spare[1:]:
        fig.delaxes(ax)


def _mark_golive(ax: Axes, weeks: pd.DataFrame, style: Style) -> None:
    """A thin vertical line and a marker on the top edge at each go-live week reached in
    at least half of the replicates."""
    top = blended_transform_factory(ax.transData, ax.transAxes)
    for week in weeks.loc[weeks["reached"] >= 0.5, "week"]:
        ax.axvline(
            week,
            color=style.color,
            linestyle=style.linestyle,
            linewidth=0.8,
            alpha=0.55,
            label="_golive",
        )
        ax.plot(
            [week],
            [1.0],
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


def _draw_series(
    ax: Axes,
    results: Results,
    column: str,
    level: float,
    golive: pd.DataFrame | None,
    scale: float = 1.0,
) -> None:
    """Mean line (labelled with the condition) and confidence band for each condition."""
    data = band(results.timeseries, column, level)
    points = list(results.conditions)
    for i, (point, label) in enumerate(results.conditions.items()):
        d = data[data["point"] == point]
        if d.empty:
            continue
        s = condition_style(point)
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
            markevery=(i * every // len(points), every),
            label=label,
        )
        if d["n"].max() > 1:
            ax.fill_between(
                d["step"], d["lo"], d["hi"], color=s.color, alpha=0.18, linewidth=0, label="_band"
            )
        if golive is not None:
            _mark_golive(ax, golive[golive["point"] == point], s)


def _floor_at_zero(axes, columns) -> None:
    """Start every y axis at 0 (all series are shares, 0-1 scores or counts); adoption
    always spans 0-1. Done after drawing, so rows with shared y axes see all their data."""
    for ax, column in zip(axes, columns, strict=True):
        if column.startswith("adoption_rate"):
            ax.set_ylim(0, 1.02)
        else:
            ax.set_ylim(bottom=0)


def _golive_or_none(results: Results) -> pd.DataFrame | None:
    if "waves_live" not in results.timeseries.columns:
        return None
    return golive_weeks(results.timeseries)


# --- figures --------------------------------------------------------------------------


def timeseries_figure(
    results: Results,
    columns: Sequence[str] = TIMESERIES_PANELS,
    level: float = CONFIDENCE_LEVEL,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """Figure 1: one panel per column (adoption, workarounds, productivity loss, mean and
    90th-percentile frustration), each condition's across-replicate mean with its
    ``level`` confidence band, and go-live weeks marked."""
    own = axes is None
    if own:
        fig, axes, spare = _grid(len(columns), 3, (3.8, 2.9))
    else:
        fig, spare = axes[0].figure, []
    golive = _golive_or_none(results)
    for ax, column in zip(axes, columns, strict=True):
        title, ylabel = series_labels(column)
        _draw_series(ax, results, column, level, golive)
        _decorate(ax, title, WEEK_LABEL, ylabel)
    _floor_at_zero(axes, columns)
    _legend(fig, results, own, axes[0], spare)
    return fig


def roles_figure(
    results: Results,
    columns: Sequence[str] = ROLE_COLUMNS,
    level: float = CONFIDENCE_LEVEL,
    axes: np.ndarray | None = None,
) -> Figure:
    """Figure 2: per-role time series, one row per column and one column per role
    (mandatory roles first; voluntary roles on a grey background), y axes shared per row
    so mandatory and voluntary users compare directly."""
    roles = results.roles
    if not roles:
        raise InputError("the time series has no per-role columns", key="roles")
    own = axes is None
    if own:
        fig = Figure(figsize=(3.4 * len(roles), 2.6 * len(columns) + 0.9), layout="constrained")
        axes = fig.subplots(len(columns), len(roles), squeeze=False, sharex=True, sharey="row")
    else:
        axes = np.asarray(axes).reshape(len(columns), len(roles))
        fig = axes[0, 0].figure
    golive = _golive_or_none(results)
    for r, column in enumerate(columns):
        title, ylabel = series_labels(column)
        for c, role in enumerate(roles):
            ax = axes[r, c]
            _draw_series(ax, results, f"{column}.{role.name}", level, golive)
            if role.mandatory is False:
                ax.set_facecolor("0.95")
            _decorate(
                ax,
                role.title if r == 0 else "",
                WEEK_LABEL if r == len(columns) - 1 else "",
                ylabel if c == 0 else "",
            )
    _floor_at_zero(axes.ravel(), [col for col in columns for _ in roles])
    _legend(fig, results, own, axes[0, 0], [])
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
    ax: Axes, results: Results, outcome: str, level: float, rng: np.random.Generator
) -> None:
    """Horizontal box per condition (first condition on top) with the jittered runs, the
    mean and its confidence interval, and the numbers written beside the panel."""
    values = outcome_values(results.runs, outcome)
    table = outcome_summary(results.runs, outcome, level).set_index("point")
    right = blended_transform_factory(ax.transAxes, ax.transData)
    n = len(results.conditions)
    for i, point in enumerate(results.conditions):
        y = n - 1 - i
        s = condition_style(point)
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
        ax.errorbar(
            row["mean"],
            y,
            xerr=[[row["mean"] - row["lo"]], [row["hi"] - row["mean"]]],
            fmt="D",
            color="black",
            markerfacecolor="white",
            capsize=3,
            zorder=4,
        )
        text = f"{_fmt(row['mean'])} [{_fmt(row['lo'])}, {_fmt(row['hi'])}]"
        if row["n"] < row["runs"]:
            text += f"  n={int(row['n'])}/{int(row['runs'])}"
        ax.text(1.02, y, text, transform=right, va="center", fontsize=FONT["tick"])
    ax.set_ylim(-0.6, n - 0.4)


def outcomes_figure(
    results: Results,
    outcomes: Sequence[str] = MAIN_OUTCOMES,
    level: float = CONFIDENCE_LEVEL,
    axes: Sequence[Axes] | None = None,
    seed: int = 0,
) -> Figure:
    """Figure 3: the distribution of each run-level outcome per condition (boxes, the
    jittered runs, the mean as a white diamond with its ``level`` CI), and
    ``mean [lo, hi]`` beside each box.

    Failed runs are left out; runs that never reached a value (NaN) are counted in
    ``n=reached/runs``. ``seed`` drives the jitter only.
    """
    if results.runs is None:
        raise InputError("outcome distributions need a sweep (runs.csv)", key="DIR")
    check_outcomes(results.runs, list(outcomes), key="--outcomes")
    rng = np.random.default_rng(seed)
    own = axes is None
    n_cond = len(results.conditions)
    if own:
        fig, axes, spare = _grid(len(outcomes), 2, (5.6, 0.45 * n_cond + 1.5))
    else:
        fig, spare = axes[0].figure, []
    labels = list(results.conditions.values())
    for i, (ax, outcome) in enumerate(zip(axes, outcomes, strict=True)):
        _draw_outcome(ax, results, outcome, level, rng)
        description, unit = OUTCOMES[outcome]
        _decorate(ax, xlabel=textwrap.fill(f"{description} ({unit})", 48))
        ax.set_yticks(
            range(n_cond - 1, -1, -1), labels if (i % 2 == 0 or not own) else [""] * n_cond
        )
        ax.grid(False, axis="y")
    title = f"Condition\n(\u25c7 mean with {level:.0%} CI)"
    _legend(fig, results, own, axes[0], spare, box=True, title=title)
    return fig


def main_figure(
    results: Results, level: float = CONFIDENCE_LEVEL, axes: Sequence[Axes] | None = None
) -> Figure:
    """The main figure for a talk or a classroom: adoption and mean frustration per
    condition, with confidence bands and go-live weeks, in large type."""
    scale = 1.3
    own = axes is None
    if own:
        fig = Figure(figsize=(11, 5), layout="constrained")
        axes = fig.subplots(1, len(MAIN_PANELS), sharex=True)
    else:
        fig = axes[0].figure
    golive = _golive_or_none(results)
    for ax, column in zip(axes, MAIN_PANELS, strict=True):
        title, ylabel = series_labels(column)
        _draw_series(ax, results, column, level, golive, scale)
        _decorate(ax, title, WEEK_LABEL, ylabel, scale)
    _floor_at_zero(axes, MAIN_PANELS)
    _legend(fig, results, own, axes[0], [], scale=scale)
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
    atomic_write(target, lambda tmp: fig.savefig(tmp, format=fmt, dpi=200))
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
    and the paired differences from the reference world by world."""
    from sim.analysis.worlds import decision_table, worlds_figure

    factors = list(results.manifest.get("factors") or {})
    reference = results.manifest.get("reference") or {}
    table = decision_table(results.runs, factors, reference, list(outcomes), level)
    return {f"worlds_{name}": worlds_figure(table, results.runs, name) for name in outcomes}


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
) -> list[Path]:
    """Load a sweep or run folder and write its figures (default: ``results_dir/figures``)."""
    results = load_results(results_dir)
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
