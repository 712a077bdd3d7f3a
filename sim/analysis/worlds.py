"""Decision tables over plausible worlds: how often, and by how much, a condition wins.

A sweep over worlds (see :mod:`sim.experiment.uncertainty`) runs every condition in the
same sampled worlds with the same seeds, so conditions are compared **world by world**.
:func:`world_means` averages the replicates of each condition within each world;
:func:`decision_table` then gives, per outcome and condition:

- the distribution across worlds of the condition's world means: median, 5 % and 95 %;
- the paired difference from the reference condition in the same world: median, 5 % and
  95 % across worlds, and its mean;
- ``delta``: the mean paired difference divided by the standard deviation *between
  worlds* of the reference condition's world means (Glass's Δ with the between-world
  spread; Glass 1976). It says how large the shift is against the variation between
  plausible organisations, not against Monte Carlo noise;
- ``beats``: the share of worlds in which the condition is better than the reference
  (strictly; ties are counted in ``ties``), with a Wilson score interval (Wilson 1927);
- ``best``: the share of worlds in which the condition is the best of all conditions
  (a tie shares the world equally);
- regret: how much worse the condition is than the best condition in the same world, in
  the outcome's units; its median and 95th percentile across worlds.

:func:`worlds_figure` draws, for one outcome, the share of worlds in which each condition
is best and the paired differences world by world (data: :func:`paired_differences`).

"Better" follows :data:`sim.outcomes.BETTER`. The 5-95 % ranges are the spread across the
sampled worlds, i.e. across the uncertainty about which organisation and system we are
in; they do not shrink with more worlds or replicates. The Wilson interval is the
uncertainty of a share estimated from a finite sample of worlds (treating them as a
random sample; a Latin hypercube is, if anything, more even, so it is conservative).

References
----------
Glass, G. V. (1976). Primary, secondary, and meta-analysis of research. *Educational
Researcher*, 5(10), 3-8.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. *Journal of the American Statistical Association*, 22(158), 209-212.
Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a binomial
proportion. *Statistical Science*, 16(2), 101-133. (Why Wilson rather than Wald.)
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.render import (
    decimals_for,
    latex_escape,
    latex_table,
    markdown_table,
    number,
    percent,
    spread,
)
from sim.analysis.tables import check_outcomes, find_reference
from sim.errors import InputError, did_you_mean
from sim.experiment.uncertainty import WORLD
from sim.outcomes import BETTER, OUTCOMES

if TYPE_CHECKING:  # matplotlib is loaded only to draw (sim compare never does)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.analysis.style import Style

QUANTILES = (0.05, 0.95)
"""The range shown across worlds: from the 5th to the 95th percentile."""

STATS: tuple[str, ...] = (
    "worlds",
    "median",
    "p05",
    "p95",
    "diff_median",
    "diff_p05",
    "diff_p95",
    "diff_mean",
    "delta",
    "beats",
    "beats_low",
    "beats_high",
    "ties",
    "best",
    "regret_median",
    "regret_p95",
)
"""Per outcome and condition, the columns of :func:`decision_table` after the identity."""


def world_means(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Mean of each outcome over the successful replicates of each condition in each world.

    ``runs`` needs ``point``, ``world``, ``status`` and the outcome columns. Returns one row
    per ``(point, world)`` with the outcome means (NaN where no replicate reached the
    outcome) and ``replicates``, the number of successful runs averaged.
    """
    _require(runs, ["point", WORLD, "status", *outcomes])
    ok = runs[runs["status"] == "ok"]
    values = ok[["point", WORLD]].copy()
    for name in outcomes:
        values[name] = pd.to_numeric(ok[name], errors="coerce").astype(float)
    grouped = values.groupby(["point", WORLD], sort=True)
    means = grouped[outcomes].mean()
    means["replicates"] = grouped.size()
    return means.reset_index()


def decision_table(
    runs: pd.DataFrame,
    factors: list[str],
    reference: dict,
    outcomes: list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """The decision table over worlds, in long form: one row per outcome and condition.

    Columns: ``outcome``, ``better``, ``point``, ``condition`` (when ``runs`` has it), one
    per factor, ``reference`` (True on the reference row), then :data:`STATS`. On the
    reference row the paired statistics and ``beats`` are NaN. ``level`` is the
    confidence level of the Wilson interval of ``beats``. Worlds in which an outcome is
    undefined for a condition (failed runs, never reached) are left out of the statistics
    that need it: of the paired ones when the condition or the reference lacks it, of
    ``best`` and regret when any condition lacks it. ``attrs`` keeps the factors,
    outcomes, level, reference point, and the numbers of worlds and replicates.
    """
    outcomes = check_outcomes(runs, outcomes)
    for name in outcomes:
        if name not in BETTER:
            raise InputError(
                f"unknown outcome with a direction '{name}'{did_you_mean(name, BETTER)}"
            )
    ref_point = find_reference(runs, factors, reference)
    means = world_means(runs, outcomes)
    labels = _condition_labels(runs, factors)
    rows = []
    for name in outcomes:
        matrix = means.pivot(index=WORLD, columns="point", values=name)
        matrix = matrix.reindex(columns=labels.index)
        for point, columns in outcome_stats(matrix, ref_point, BETTER[name], level).items():
            ident = {"outcome": name, "better": BETTER[name], **labels.loc[point].to_dict()}
            rows.append({**ident, "reference": point == ref_point, **columns})
    table = pd.DataFrame(rows)
    table.attrs.update(
        factors=list(factors),
        outcomes=list(outcomes),
        level=level,
        reference_point=ref_point,
        worlds=int(means[WORLD].nunique()),
        replicates=int(means["replicates"].max()) if len(means) else 0,
    )
    return table


def outcome_stats(
    matrix: pd.DataFrame, ref_point: int, better: str, level: float = 0.95
) -> dict[int, dict[str, float]]:
    """:data:`STATS` of one outcome for each condition.

    ``matrix`` has one row per world and one column per condition's ``point`` (world means,
    NaN where undefined); ``better`` is ``"lower"`` or ``"higher"``.
    """
    x = matrix.to_numpy(dtype=float)
    sign = 1.0 if better == "higher" else -1.0
    complete = ~np.isnan(x).any(axis=1)
    score = sign * x[complete]
    best_score = score.max(axis=1, initial=-np.inf) if len(score) else np.empty(0)
    is_best = score == best_score[:, None]
    best_share = is_best / is_best.sum(axis=1, keepdims=True)
    regret = best_score[:, None] - score
    ref = x[:, list(matrix.columns).index(ref_point)]
    ref_sd = _sd(ref)
    out = {}
    for j, point in enumerate(matrix.columns):
        col = x[:, j]
        row = {"worlds": int(np.sum(~np.isnan(col)))}
        row["median"], row["p05"], row["p95"] = _median_range(col)
        row.update(_paired(col, ref, sign, ref_sd, level, point == ref_point))
        row["best"] = float(best_share[:, j].mean()) if len(score) else math.nan
        row["regret_median"], _, row["regret_p95"] = _median_range(regret[:, j])
        out[int(point)] = row
    return out


def _paired(col, ref, sign: float, ref_sd: float, level: float, is_ref: bool) -> dict:
    if is_ref:
        keys = ("diff_median", "diff_p05", "diff_p95", "diff_mean", "delta")
        return {
            **dict.fromkeys(keys, math.nan),
            "beats": math.nan,
            "beats_low": math.nan,
            "beats_high": math.nan,
            "ties": math.nan,
        }
    d = col - ref
    d = d[~np.isnan(d)]
    row = dict(zip(("diff_median", "diff_p05", "diff_p95"), _median_range(d), strict=True))
    row["diff_mean"] = float(d.mean()) if d.size else math.nan
    row["delta"] = row["diff_mean"] / ref_sd if ref_sd > 0 else math.nan
    wins = int(np.sum(sign * d > 0))
    row["beats"], row["beats_low"], row["beats_high"] = share_interval(wins, d.size, level)
    row["ties"] = int(np.sum(d == 0))
    return row


def share_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """``k / n`` with its Wilson score interval (Wilson 1927; Brown et al. 2001), via SciPy."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    return (k / n, float(ci.low), float(ci.high))


def _median_range(a) -> tuple[float, float, float]:
    a = np.asarray(a, dtype=float)
    a = a[~np.isnan(a)]
    if a.size == 0:
        return (math.nan, math.nan, math.nan)
    q = np.quantile(a, [0.5, *QUANTILES])
    return (float(q[0]), float(q[1]), float(q[2]))


def _sd(a) -> float:
    a = np.asarray(a, dtype=float)
    a = a[~np.isnan(a)]
    return float(a.std(ddof=1)) if a.size >= 2 else math.nan


def _condition_labels(runs: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    columns = ["point", *(["condition"] if "condition" in runs.columns else []), *factors]
    first = runs.drop_duplicates("point").sort_values("point")[columns]
    return first.set_index("point", drop=False)


def _require(runs: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        raise InputError(f"runs.csv lacks column(s) {', '.join(missing)}")


# --- Formatting -------------------------------------------------------------------------


def format_decision(table: pd.DataFrame, fmt: str = "md") -> str:
    """The decision table as ``md`` (a report), ``csv`` (long form, full precision) or
    ``latex`` (a booktabs tabular)."""
    formats = {"md": decision_markdown, "csv": decision_csv, "latex": decision_latex}
    if fmt not in formats:
        raise InputError(f"unknown format '{fmt}'{did_you_mean(fmt, formats)}")
    return formats[fmt](table)


def decision_csv(table: pd.DataFrame) -> str:
    """Long form: one row per outcome and condition, one column per statistic."""
    return table.assign(level=table.attrs["level"]).to_csv(index=False)


HEADER = ("across worlds", "diff", "beats ref", "best", "regret", "Δ")


def preamble(table: pd.DataFrame) -> list[str]:
    """What the table's numbers mean (the same words in Markdown and, as a comment, LaTeX),
    in lines short enough to read in a terminal."""
    a = table.attrs
    ref = table[table["reference"]].iloc[0]
    labels = _label_columns(table)
    ref_text = ", ".join(f"{c} = {ref[c]}" for c in labels)
    level = f"{a['level'] * 100:g} %"
    return [
        f"{a['worlds']} sampled worlds, up to {a['replicates']} replicates per condition in "
        "each (averaged within the world).",
        f"Reference: {ref_text}.",
        "The ranges are the spread across plausible worlds (what we do not know about the",
        "organisation and the system), not Monte Carlo error: they do not shrink with more runs.",
        "across worlds: median [5 %, 95 %] of the condition's world means.",
        "diff: the condition minus the reference in the same world; median [5 %, 95 %].",
        "beats ref: share of worlds in which the condition is better than the reference",
        f"[{level} Wilson interval of that share, from {a['worlds']} worlds].",
        "best: share of worlds in which the condition is the best of all (ties shared).",
        "regret: how much worse than the best condition in the same world; median (95th pct).",
        "Δ: mean paired difference / SD between worlds of the reference (Glass's Δ; not the",
        "SD between replicates).",
    ]


def _label_columns(table: pd.DataFrame) -> list[str]:
    return list(table.attrs["factors"]) or ["condition"]


def _cells(part: pd.DataFrame) -> list[list[str]]:
    """The displayed statistics of one outcome, one row per condition."""
    dec = decimals_for(part[["median", "p05", "p95"]].to_numpy())
    rows = []
    for _, r in part.iterrows():
        across = spread(r["median"], r["p05"], r["p95"], dec)
        regret = f"{number(r['regret_median'], dec)} ({number(r['regret_p95'], dec)})"
        if r["reference"]:
            paired = ["ref", "", ""]
        else:
            beats = f"{percent(r['beats'])} [{percent(r['beats_low'])}, {percent(r['beats_high'])}]"
            paired = [
                spread(r["diff_median"], r["diff_p05"], r["diff_p95"], dec, sign=True),
                beats,
                number(r["delta"], 2, sign=True),
            ]
        rows.append([across, paired[0], paired[1], percent(r["best"]), regret, paired[2]])
    return rows


def _title(name: str, better: str) -> str:
    text, unit = OUTCOMES.get(name, (name, ""))
    return f"{text} ({unit}; {better} is better)" if unit else f"{text} ({better} is better)"


def decision_markdown(table: pd.DataFrame) -> str:
    """A Markdown report: the preamble, then one table per outcome."""
    labels = _label_columns(table)
    lines = ["# Conditions across plausible worlds", "", *preamble(table)]
    for name, part in table.groupby("outcome", sort=False):
        rows = [
            [*map(str, r[labels]), *cells]
            for (_, r), cells in zip(part.iterrows(), _cells(part), strict=True)
        ]
        right = [False] * len(labels) + [True] * len(HEADER)
        title = f"## {name}: {_title(name, part['better'].iloc[0])}"
        lines += ["", title, "", *markdown_table([*labels, *HEADER], rows, right)]
    return "\n".join(lines) + "\n"


def decision_latex(table: pd.DataFrame) -> str:
    """A booktabs tabular, one block per outcome; the preamble goes in a comment above."""
    labels = _label_columns(table)
    header = [latex_escape(c) for c in labels]
    header += ["Across worlds", "Difference", "Beats ref.", "Best", "Regret", r"$\Delta$"]
    blocks = []
    for name, part in table.groupby("outcome", sort=False):
        better = part["better"].iloc[0]
        title = f"\\textit{{{latex_escape(name)}}}: {latex_escape(_title(name, better))}"
        rows = [
            [*map(str, r[labels]), *cells]
            for (_, r), cells in zip(part.iterrows(), _cells(part), strict=True)
        ]
        blocks.append((title, rows))
    return latex_table(header, blocks, "l" * len(labels) + "r" * len(HEADER), preamble(table))


# --- Figures ----------------------------------------------------------------------------


def paired_differences(
    runs: pd.DataFrame, factors: list[str], reference: dict, outcome: str
) -> pd.DataFrame:
    """Per world (rows) and condition (columns, by ``point``), the condition's world mean of
    ``outcome`` minus the reference's in the same world; NaN where either is undefined."""
    ref_point = find_reference(runs, factors, reference)
    matrix = world_means(runs, [outcome]).pivot(index=WORLD, columns="point", values=outcome)
    return matrix.sub(matrix[ref_point], axis=0)


def worlds_figure(
    table: pd.DataFrame,
    runs: pd.DataFrame,
    outcome: str,
    axes: Sequence[Axes] | None = None,
    names: Mapping[int, str] | None = None,
    styles: Mapping[int, Style] | None = None,
) -> Figure:
    """Two panels for one outcome: the share of worlds in which each condition is best
    (left), and each condition's paired difference from the reference across worlds, one
    dot per world with the median and the 5-95 % range (right). ``names`` and ``styles``
    (by ``point``) default to the condition's label and :func:`condition_style`."""
    from matplotlib.figure import Figure

    from sim.analysis.style import condition_style

    part = table[table["outcome"] == outcome]
    if part.empty:
        raise InputError(f"no rows for outcome '{outcome}' in the table")
    if axes is None:
        fig = Figure(figsize=(11, min(0.5 * len(part) + 2, 11)), layout="constrained")
        axes = fig.subplots(1, 2)
    fig = axes[0].figure
    labels = part["condition" if "condition" in part else "point"].astype(str)
    if names is not None:
        labels = part["point"].map(names)
    names = [
        f"{v} (reference)" if ref else str(v)
        for v, ref in zip(labels, part["reference"], strict=True)
    ]
    y = np.arange(len(part))[::-1]
    styles = [(styles or {}).get(p) or condition_style(p) for p in part["point"]]
    axes[0].barh(
        y,
        part["best"],
        color=[s.color for s in styles],
        hatch=None,
        edgecolor="black",
        linewidth=0.5,
    )
    for bar, style in zip(axes[0].patches, styles, strict=True):
        bar.set_hatch(style.hatch)
    axes[0].set_yticks(y, names)
    axes[0].set_xlim(0, 1)
    axes[0].set_xlabel("Share of worlds in which the condition is best")
    diffs = paired_differences(runs, table.attrs["factors"], _reference(table), outcome)
    rng = np.random.default_rng(0)  # jitter only
    for yi, point, style, row in zip(y, part["point"], styles, part.itertuples(), strict=True):
        d = diffs[point].dropna().to_numpy()
        if row.reference or d.size == 0:
            continue
        axes[1].scatter(
            d,
            yi + rng.uniform(-0.2, 0.2, d.size),
            s=8,
            alpha=0.5,
            color=style.color,
            marker=style.marker,
        )
        axes[1].plot([row.diff_p05, row.diff_p95], [yi, yi], color="black", linewidth=1.5)
        axes[1].plot([row.diff_median], [yi], marker="D", color="white", markeredgecolor="black")
    axes[1].axvline(0, color="black", linewidth=0.8)
    axes[1].set_yticks(y, [""] * len(y))  # the same rows as the left panel, named there
    for ax in axes:  # the same rows in both panels
        ax.set_ylim(-0.6, len(part) - 0.4)
    better = part["better"].iloc[0]
    text, unit = OUTCOMES.get(outcome, (outcome, ""))
    label = f"{text}: difference from the reference ({unit}; {better} is better)"
    axes[1].set_xlabel(textwrap.fill(label, 40))
    fig.suptitle(f"{outcome} across {table.attrs['worlds']} worlds", fontsize=11)
    return fig


def _reference(table: pd.DataFrame) -> dict:
    row = table[table["reference"]].iloc[0]
    return {f: row[f] for f in table.attrs["factors"]}
