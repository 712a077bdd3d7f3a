"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

Two steps, with the runs in between (done by the experiment runner):

1. :func:`sensitivity_design` draws the sample points in the unit cube with SALib's
   sampler (Morris trajectories, or Sobol' sequences in Saltelli's scheme) and maps them
   through each uncertainty's inverse CDF (:func:`sim.experiment.uncertainty.unit_to_values`),
   so the design and a sweep over worlds share one definition of every distribution.
   Every sample point is a world, numbered in the ``world`` column, and is run in every
   condition. Replicate ``r`` uses the same seed at every point and in every condition,
   :func:`sim.experiment.uncertainty.sample_seed` (common random numbers), so effects
   come from the parameters, not from different random draws.
2. :func:`outputs` averages the replicates of each condition at each sample point and picks
   one output per outcome (for one condition, or the paired difference between two
   conditions at the same point: "what drives the advantage of phased over big bang?");
   :func:`indices` analyses each output with SALib and returns a long table.

Morris (Morris 1991; μ* from Campolongo, Cariboni & Saltelli 2007): from ``r`` trajectories
of ``D + 1`` points, each parameter's elementary effects; ``mu_star`` is the mean absolute
effect (importance), ``sigma`` their standard deviation (interactions, non-linearity),
``mu_star_conf`` the half-width of a bootstrap interval of ``mu_star``. Effects are per unit
of probability (the design is on the unit cube), so ``mu_star`` is in the outcome's units
and comparable across parameters. Cost: ``r (D + 1)`` points; ``r`` = 10-20 trajectories
is usual (ten Broeke, van Voorn & Ligtenberg 2016).

Sobol (Sobol' 2001; estimators of Saltelli et al. 2010): ``S1`` is the share of the
output's variance due to the parameter alone, ``ST`` the share it takes part in, with
interactions; ``ST - S1`` measures interactions. ``*_conf`` are bootstrap half-widths.
Cost: ``N (D + 2)`` points without second-order indices (``N (2D + 2)`` with them), ``N`` a
power of two, at least several hundred for stable indices.

References
----------
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics*, 33(2), 161-174.
Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. *Environmental Modelling & Software*, 22(10),
1509-1518.
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. *Mathematics and Computers in Simulation*, 55(1-3), 271-280.
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S. (2010).
Variance based sensitivity analysis of model output. *Computer Physics Communications*,
181(2), 259-270.
ten Broeke, G., van Voorn, G. & Ligtenberg, A. (2016). Which sensitivity analysis method
should I use for my agent-based model? *Journal of Artificial Societies and Social
Simulation*, 19(1), 5.
Herman, J. & Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. *Journal of Open Source Software*, 2(9), 97.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.analysis.render import (
    decimals_for,
    latex_escape,
    latex_table,
    markdown_table,
    number,
)
from sim.analysis.worlds import world_means
from sim.defaults import SENSITIVITY_METHODS
from sim.errors import InputError
from sim.experiment.uncertainty import (
    WORLD,
    Uncertainty,
    design_seed,
    salib_problem,
    unit_to_values,
)
from sim.outcomes import OUTCOMES

METHODS = SENSITIVITY_METHODS
MORRIS_LEVELS = 4
"""Grid levels of the Morris design (4 is the usual choice; Saltelli et al. 2008)."""
RESAMPLES = {"morris": 1000, "sobol": 100}
"""Bootstrap resamples for the confidence intervals of the indices. Sobol uses SALib's
default of 100: its bootstrap re-evaluates every estimator on ``N x resamples`` draws and
costs about a second per output at N = 256 with 1,000."""

COLUMNS = {
    "morris": ("mu_star", "mu_star_conf", "sigma", "mu"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}
"""The index columns of each method's table, after ``condition``, ``outcome``, ``parameter``."""


@dataclass(frozen=True)
class Design:
    """A sensitivity design: the unit-cube points and the parameter values they map to.

    ``values`` has the column ``world`` (the sample point's number) and one column per
    dotted key; ``unit`` holds the same points in ``[0, 1]^D`` (what SALib analyses).
    ``samples`` is the number of Morris trajectories or the Sobol base sample ``N``.
    """

    method: str
    uncertainties: tuple[Uncertainty, ...]
    samples: int
    root: int
    unit: np.ndarray
    values: pd.DataFrame
    second_order: bool = False

    @property
    def problem(self) -> dict:
        return salib_problem(self.uncertainties)

    @property
    def points(self) -> int:
        return len(self.unit)


def design_size(method: str, samples: int, parameters: int, second_order: bool = False) -> int:
    """Sample points of a design: ``r (D + 1)`` for Morris, ``N (D + 2)`` for Sobol
    (``N (2D + 2)`` with second-order indices)."""
    if method == "morris":
        return samples * (parameters + 1)
    return samples * (2 * parameters + 2 if second_order else parameters + 2)


def sensitivity_design(
    uncertainties: Sequence[Uncertainty],
    method: str,
    samples: int,
    root: int,
    *,
    second_order: bool = False,
) -> Design:
    """Draw a Morris or Sobol design, reproducible from the experiment's root seed.

    ``samples`` is the number of Morris trajectories (at least 2) or the Sobol base sample
    ``N`` (a power of two). Raises :class:`InputError` naming ``--samples`` or
    ``--method`` for bad values.
    """
    uncertainties = tuple(uncertainties)
    _check_method(method)
    problem = salib_problem(uncertainties)
    seed = design_seed(root, method)
    if method == "morris":
        if samples < 2:
            raise InputError(
                f"Morris needs at least 2 trajectories (got {samples})", key="--samples"
            )
        unit = morris_sample.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        if samples < 2 or samples & (samples - 1):
            better = 2 ** max(1, round(math.log2(max(samples, 1))))
            raise InputError(
                f"Sobol needs a power of two (got {samples}; try {better})", key="--samples"
            )
        unit = sobol_sample.sample(problem, samples, calc_second_order=second_order, seed=seed)
    values = unit_to_values(uncertainties, unit)
    values.insert(0, WORLD, np.arange(len(values)))
    return Design(method, uncertainties, samples, root, unit, values, second_order)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise InputError(f"unknown method '{method}'; use {' or '.join(METHODS)}", key="--method")


# --- Outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """One model output to analyse: a value per sample point (``world``), in order."""

    condition: str
    outcome: str
    y: np.ndarray


def outputs(
    runs: pd.DataFrame,
    design: Design,
    outcomes: Sequence[str],
    point: int,
    minus: int | None = None,
) -> list[Output]:
    """Per outcome, the mean over replicates at each sample point for condition ``point``,
    or, with ``minus``, the paired difference ``point - minus`` at each sample point.

    ``runs`` has ``point``, ``condition``, ``world``, ``status`` and the outcome columns.
    A sample point with no successful run, or where no replicate reached the outcome,
    leaves the output undefined (NaN) there; :func:`indices` reports such outputs as
    skipped rather than guessing.
    """
    means = world_means(runs, list(outcomes))
    labels = runs.drop_duplicates("point").set_index("point")["condition"].astype(str)
    for p in (point, minus):
        if p is not None and p not in labels.index:
            raise InputError(f"no condition with point {p} in the runs")
    label = labels[point] if minus is None else f"{labels[point]} - {labels[minus]}"
    points = [point] if minus is None else [point, minus]
    worlds = pd.Index(range(design.points), name=WORLD)
    out = []
    for name in outcomes:
        table = means.pivot(index=WORLD, columns="point", values=name)
        y = table.reindex(index=worlds, columns=points).to_numpy(dtype=float)
        out.append(Output(label, name, y[:, 0] if minus is None else y[:, 0] - y[:, 1]))
    return out


# --- Indices ----------------------------------------------------------------------------


def indices(design: Design, results: Sequence[Output], level: float = 0.95) -> pd.DataFrame:
    """The sensitivity indices of every output, in long form.

    Columns: ``condition``, ``outcome``, ``parameter`` and :data:`COLUMNS` of the design's
    method; rows sorted by importance (``mu_star`` or ``ST``) within each output. An output
    that is undefined at some sample point, or constant (Sobol indices are then
    undefined), is left out and listed in ``attrs["skipped"]`` with the reason. The
    bootstrap is seeded from the design's root seed, so the table is reproducible.
    """
    names = [u.key for u in design.uncertainties]
    columns = COLUMNS[design.method]
    key = columns[0] if design.method == "morris" else columns[2]
    rows, skipped = [], {}
    for out in results:
        y = np.asarray(out.y, dtype=float)
        reason = _unusable(y, design)
        if reason:
            skipped[f"{out.outcome} ({out.condition})"] = reason
            continue
        found = _analyse(design, y, level)
        values = {c: np.asarray(found[c], dtype=float) for c in columns}
        for i in np.argsort(-values[key], kind="stable"):
            row = {"condition": out.condition, "outcome": out.outcome, "parameter": names[i]}
            rows.append(row | {c: float(values[c][i]) for c in columns})
    table = pd.DataFrame(rows, columns=["condition", "outcome", "parameter", *columns])
    table.attrs.update(
        method=design.method,
        samples=design.samples,
        points=design.points,
        parameters=len(design.uncertainties),
        level=level,
        skipped=skipped,
    )
    return table


def _unusable(y: np.ndarray, design: Design) -> str | None:
    if y.shape != (design.points,):
        return f"{y.size} values for {design.points} sample points"
    missing = int(np.isnan(y).sum())
    if missing:
        return f"undefined at {missing} of {design.points} sample points"
    if design.method == "sobol" and np.ptp(y) == 0:
        return "constant over the design"
    return None


def _analyse(design: Design, y: np.ndarray, level: float) -> dict:
    seed = design_seed(design.root, f"{design.method}-bootstrap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if design.method == "morris":
            return morris_analyze.analyze(
                design.problem,
                design.unit,
                y,
                num_resamples=RESAMPLES[design.method],
                conf_level=level,
                num_levels=MORRIS_LEVELS,
                seed=seed,
            )
        return sobol_analyze.analyze(
            design.problem,
            y,
            calc_second_order=design.second_order,
            num_resamples=RESAMPLES[design.method],
            conf_level=level,
            seed=seed,
        )


# --- Tables -----------------------------------------------------------------------------


def format_indices(table: pd.DataFrame, fmt: str = "md") -> str:
    """The indices as ``md`` (a report), ``csv`` (long form, full precision) or ``latex``."""
    formats = {"md": indices_markdown, "csv": indices_csv, "latex": indices_latex}
    if fmt not in formats:
        raise InputError(f"unknown format '{fmt}'; use one of {', '.join(formats)}")
    return formats[fmt](table)


def indices_csv(table: pd.DataFrame) -> str:
    """Long form: one row per output and parameter."""
    return table.to_csv(index=False)


def preamble(table: pd.DataFrame) -> list[str]:
    """What the table's numbers mean, in lines short enough to read in a terminal."""
    a = table.attrs
    level = f"{a['level'] * 100:g} %"
    if a["method"] == "morris":
        lines = [
            f"Morris screening: {a['samples']} trajectories of {a['parameters']} parameters, "
            f"{a['points']} sample points",
            "(replicates averaged at each, with the same seeds at every point).",
            "mu_star: mean absolute elementary effect, in the outcome's units for a move across",
            "the parameter's distribution (importance); sigma: their spread (interactions or",
            f"non-linearity); ± the half-width of a {level} bootstrap interval of mu_star.",
        ]
    else:
        lines = [
            f"Sobol indices: base sample N = {a['samples']}, {a['parameters']} parameters, "
            f"{a['points']} sample points",
            "(replicates averaged at each, with the same seeds at every point).",
            "S1: share of the output's variance due to the parameter alone; ST: share it takes",
            f"part in, interactions included; ± the half-width of a {level} bootstrap interval.",
            "Sample-based: small negative values mean zero.",
        ]
    lines += [f"Skipped {k}: {v}." for k, v in a["skipped"].items()]
    return lines


def _display(part: pd.DataFrame, method: str) -> list[list[str]]:
    if method == "morris":
        dec = decimals_for(part[["mu_star", "sigma"]].to_numpy())
        return [
            [
                r["parameter"],
                f"{number(r['mu_star'], dec)} ± {number(r['mu_star_conf'], dec)}",
                number(r["sigma"], dec),
            ]
            for _, r in part.iterrows()
        ]
    return [
        [
            r["parameter"],
            f"{number(r['S1'], 2)} ± {number(r['S1_conf'], 2)}",
            f"{number(r['ST'], 2)} ± {number(r['ST_conf'], 2)}",
        ]
        for _, r in part.iterrows()
    ]


HEADERS = {"morris": ("parameter", "mu_star", "sigma"), "sobol": ("parameter", "S1", "ST")}


def _title(outcome: str, condition: str) -> str:
    text, unit = OUTCOMES.get(outcome, (outcome, ""))
    return f"{outcome} ({condition}): {text}" + (f" ({unit})" if unit else "")


def indices_markdown(table: pd.DataFrame) -> str:
    """A Markdown report: the preamble, then one table per output, most important first."""
    method = table.attrs["method"]
    name = "Morris screening" if method == "morris" else "Sobol indices"
    lines = [f"# {name}", "", *preamble(table)]
    for (condition, outcome), part in table.groupby(["condition", "outcome"], sort=False):
        rows = _display(part, method)
        lines += ["", f"## {_title(outcome, condition)}", ""]
        lines += markdown_table(HEADERS[method], rows, [False, True, True])
    return "\n".join(lines) + "\n"


def indices_latex(table: pd.DataFrame) -> str:
    """A booktabs tabular, one block per output."""
    method = table.attrs["method"]
    header = (
        ["Parameter", r"$\mu^*$", r"$\sigma$"]
        if method == "morris"
        else ["Parameter", "$S_1$", "$S_T$"]
    )
    blocks = [
        (latex_escape(_title(outcome, condition)), _display(part, method))
        for (condition, outcome), part in table.groupby(["condition", "outcome"], sort=False)
    ]
    return latex_table(header, blocks, "lrr", preamble(table))


# --- Figures ----------------------------------------------------------------------------


def _one_output(table: pd.DataFrame, outcome: str, condition: str | None) -> pd.DataFrame:
    part = table[table["outcome"] == outcome]
    conditions = list(dict.fromkeys(part["condition"]))
    if not conditions:
        raise InputError(f"no indices for outcome '{outcome}'")
    if condition is None:
        if len(conditions) > 1:
            raise InputError(f"say which condition: one of {', '.join(conditions)}")
        condition = conditions[0]
    part = part[part["condition"] == condition]
    if part.empty:
        raise InputError(f"no indices for '{outcome}' in condition '{condition}'")
    return part


def morris_figure(
    table: pd.DataFrame, outcome: str, condition: str | None = None, ax: Axes | None = None
) -> Figure:
    """μ* against σ for one output, each point labelled with its parameter, with the
    bootstrap interval of μ* as a horizontal bar and the line σ = μ* (above it, effects
    depend strongly on the other parameters)."""
    part = _one_output(table, outcome, condition)
    fig, ax = _figure(ax, (6.0, 4.5))
    ax.errorbar(
        part["mu_star"],
        part["sigma"],
        xerr=part["mu_star_conf"],
        fmt="o",
        color="#0072B2",
        ecolor="#999999",
        capsize=2,
    )
    for _, r in part.iterrows():
        ax.annotate(
            r["parameter"],
            (r["mu_star"], r["sigma"]),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=8,
        )
    top = float(max(part["mu_star"].max(), part["sigma"].max(), 0) * 1.1) or 1.0
    ax.plot([0, top], [0, top], linestyle="--", color="#999999", linewidth=0.8)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("μ* (mean absolute elementary effect)")
    ax.set_ylabel("σ (spread of elementary effects)")
    ax.set_title(f"{outcome} ({part['condition'].iloc[0]})", fontsize=11)
    return fig


def sobol_figure(
    table: pd.DataFrame, outcome: str, condition: str | None = None, ax: Axes | None = None
) -> Figure:
    """S1 and ST for one output as paired horizontal bars with their bootstrap intervals,
    most important parameter at the top."""
    part = _one_output(table, outcome, condition).iloc[::-1]
    fig, ax = _figure(ax, (6.0, 0.4 * len(part) + 1.5))
    y = np.arange(len(part))
    ax.barh(
        y + 0.2,
        part["S1"],
        height=0.4,
        xerr=part["S1_conf"],
        color="#0072B2",
        label="S1 (alone)",
        capsize=2,
    )
    ax.barh(
        y - 0.2,
        part["ST"],
        height=0.4,
        xerr=part["ST_conf"],
        color="#D55E00",
        hatch="///",
        label="ST (with interactions)",
        capsize=2,
    )
    ax.set_yticks(y, part["parameter"])
    ax.set_xlabel("Share of variance")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"{outcome} ({part['condition'].iloc[0]})", fontsize=11)
    return fig


def _figure(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.subplots()
