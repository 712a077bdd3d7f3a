"""Scenario discovery: the boxes of uncertain parameters in which a case of interest happens.

Given the sampled worlds (their values of the uncertain parameters) and, per world, whether
a case of interest holds (e.g. "big bang beats phased on net benefit", written as a
:mod:`sim.analysis.where` expression), :func:`discover` fits a classification tree (CART,
Breiman et al. 1984, scikit-learn's :class:`~sklearn.tree.DecisionTreeClassifier`) and
turns each leaf into a box: a range on every parameter. For each box:

- **coverage**: the share of all cases of interest that lie inside the box;
- **density**: the share of the worlds inside the box that are cases of interest.

These are the measures of scenario discovery (Bryant & Lempert 2010; Lempert et al. 2006),
usually found with PRIM. A tree is used here because it comes from a well-kept library
(the PRIM packages are either unmaintained, GPL-licensed, or pull in a large workbench)
and because its leaves partition the worlds, so every box is simple to read. The tree
weighs the classes equally (``class_weight="balanced"``), so a rare case of interest still
draws splits; the boxes reported are the leaves whose density is above the share of
interest among all worlds, best first. A leaf must hold at least ``min_leaf`` of the
worlds, which keeps boxes from fitting single worlds.

References
----------
Breiman, L., Friedman, J. H., Olshen, R. A. & Stone, C. J. (1984). *Classification and
Regression Trees*. Wadsworth.
Lempert, R. J., Groves, D. G., Popper, S. W. & Bankes, S. C. (2006). A general, analytic
method for generating robust strategies and narrative scenarios. *Management Science*,
52(4), 514-528.
Bryant, B. P. & Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and Social
Change*, 77(1), 34-49.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.analysis.comparison import read_manifest, read_runs
from sim.analysis.render import (
    decimals_for,
    latex_table,
    markdown_table,
    number,
    percent,
)
from sim.analysis.where import Expression, parse_where
from sim.analysis.worlds import world_means
from sim.defaults import DISCOVERY_MAX_DEPTH, DISCOVERY_MIN_LEAF
from sim.errors import InputError
from sim.experiment.uncertainty import WORLD
from sim.outcomes import OUTCOMES

MAX_DEPTH, MIN_LEAF = DISCOVERY_MAX_DEPTH, DISCOVERY_MIN_LEAF


@dataclass(frozen=True)
class Discovery:
    """The result of :func:`discover`.

    ``boxes``: one row per box of interest, best first (``box`` numbered from 1, ``worlds``,
    ``interest``, ``coverage``, ``density``). ``limits``: one row per box and parameter
    with ``low`` (exclusive) and ``high`` (inclusive) limits, NaN where the box does not
    restrict that side, and ``restricted``. ``importance``: the tree's feature importance
    per parameter. ``ranges``: the observed ``min`` and ``max`` of each parameter.
    """

    boxes: pd.DataFrame
    limits: pd.DataFrame
    importance: pd.Series
    ranges: pd.DataFrame
    worlds: int
    interest: int
    undefined: int
    max_depth: int
    min_leaf: float
    seed: int
    where: str = ""


def discover(
    inputs: pd.DataFrame,
    interest,
    defined=None,
    *,
    max_depth: int = MAX_DEPTH,
    min_leaf: float = MIN_LEAF,
    seed: int = 0,
    where: str = "",
) -> Discovery:
    """Find boxes of ``inputs`` (one row per world, one numeric column per parameter) in
    which ``interest`` (a boolean per world) holds; worlds where ``defined`` is False are
    left out. ``seed`` fixes the tree's tie-breaking, so results are reproducible."""
    from sklearn.tree import DecisionTreeClassifier  # here: importing scikit-learn takes ~1 s

    interest = np.asarray(interest, dtype=bool)
    defined = np.ones(len(interest), bool) if defined is None else np.asarray(defined, bool)
    if len(inputs) != len(interest) or len(defined) != len(interest):
        raise ValueError("inputs, interest and defined must have one entry per world")
    x = inputs.loc[defined].astype(float)
    y = interest[defined]
    _check_cases(x, y, max_depth, min_leaf)
    tree = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=max(1, math.ceil(min_leaf * len(y))),
        class_weight="balanced",
        random_state=seed,
    ).fit(x.to_numpy(), y)
    leaf = tree.apply(x.to_numpy())
    bounds = _leaf_bounds(tree, list(x.columns))
    base = y.mean()
    rows = []
    for node in np.unique(leaf):
        inside = leaf == node
        k = int(y[inside].sum())
        rows.append(
            {
                "node": int(node),
                "worlds": int(inside.sum()),
                "interest": k,
                "coverage": k / y.sum(),
                "density": k / inside.sum(),
            }
        )
    boxes = pd.DataFrame(rows)
    boxes = boxes[boxes["density"] > base].sort_values(
        ["density", "coverage"], ascending=False, kind="stable", ignore_index=True
    )
    boxes.insert(0, "box", np.arange(1, len(boxes) + 1))
    limits = _limits(boxes, bounds, list(x.columns))
    return Discovery(
        boxes=boxes.drop(columns="node"),
        limits=limits,
        importance=pd.Series(tree.feature_importances_, index=x.columns).sort_values(
            ascending=False, kind="stable"
        ),
        ranges=pd.DataFrame({"min": x.min(), "max": x.max()}),
        worlds=int(len(y)),
        interest=int(y.sum()),
        undefined=int((~defined).sum()),
        max_depth=max_depth,
        min_leaf=min_leaf,
        seed=seed,
        where=where,
    )


def _check_cases(x: pd.DataFrame, y: np.ndarray, max_depth: int, min_leaf: float) -> None:
    if max_depth < 1:
        raise InputError(f"must be at least 1 (got {max_depth})", key="--max-depth")
    if not 0 < min_leaf < 0.5:
        raise InputError(f"must be between 0 and 0.5 (got {min_leaf:g})", key="--min-leaf")
    if x.shape[1] == 0:
        raise InputError("no uncertain parameters to search")
    if len(y) == 0:
        raise InputError("no world in which the expression is defined", key="--where")
    if y.all() or not y.any():
        which = "every" if y.all() else "no"
        raise InputError(f"the expression holds in {which} world ({len(y)})", key="--where")


def _leaf_bounds(tree, names: list[str]) -> dict[int, dict]:
    """For each leaf, ``{parameter: [low, high]}`` from the splits above it (NaN: open)."""
    t = tree.tree_
    out: dict[int, dict] = {}
    stack = [(0, {n: [math.nan, math.nan] for n in names})]
    while stack:
        node, box = stack.pop()
        left, right = t.children_left[node], t.children_right[node]
        if left == right:  # a leaf
            out[node] = box
            continue
        name, threshold = names[t.feature[node]], float(t.threshold[node])
        below = {k: list(v) for k, v in box.items()}
        below[name][1] = _tighter(below[name][1], threshold, min)
        above = {k: list(v) for k, v in box.items()}
        above[name][0] = _tighter(above[name][0], threshold, max)
        stack += [(left, below), (right, above)]
    return out


def _tighter(current: float, threshold: float, pick) -> float:
    return threshold if math.isnan(current) else pick(current, threshold)


def _limits(boxes: pd.DataFrame, bounds: dict[int, dict], names: list[str]) -> pd.DataFrame:
    rows = []
    for _, b in boxes.iterrows():
        for name in names:
            low, high = bounds[int(b["node"])][name]
            restricted = not (math.isnan(low) and math.isnan(high))
            rows.append(
                {
                    "box": int(b["box"]),
                    "parameter": name,
                    "low": low,
                    "high": high,
                    "restricted": restricted,
                }
            )
    columns = ["box", "parameter", "low", "high", "restricted"]
    return pd.DataFrame(rows, columns=columns)


# --- From runs --------------------------------------------------------------------------


def world_inputs(runs: pd.DataFrame, parameters: Sequence[str]) -> pd.DataFrame:
    """The uncertain values of each world (index ``world``), one column per parameter.

    A world's values must be the same in every run (every condition and replicate runs in
    the same world); anything else is an :class:`InputError`.
    """
    missing = [c for c in [WORLD, *parameters] if c not in runs.columns]
    if missing:
        raise InputError(f"runs.csv lacks column(s) {', '.join(missing)}")
    values = runs[[WORLD, *parameters]]
    varying = values.groupby(WORLD).nunique(dropna=False) > 1
    if varying.any().any():
        key = varying.any()[varying.any()].index[0]
        world = varying.index[varying[key]][0]
        raise InputError(f"world {world} has different values of '{key}' in different runs")
    out = values.groupby(WORLD, sort=True).first()
    for name in parameters:
        out[name] = pd.to_numeric(out[name], errors="coerce")
        if out[name].isna().any():
            raise InputError(f"column '{name}' of runs.csv holds non-numeric values")
    return out


def cases(runs: pd.DataFrame, expression: Expression) -> pd.DataFrame:
    """Per world (index ``world``): ``interest`` and ``defined`` for the expression, from
    the outcome means over the successful replicates of each condition in each world."""
    refs = expression.refs
    outcomes = list(dict.fromkeys(r.outcome for r in refs))
    means = world_means(runs, outcomes)
    worlds = np.sort(runs[WORLD].unique())
    values = {
        r: means[means["point"] == r.point].set_index(WORLD)[r.outcome].reindex(worlds).to_numpy()
        for r in refs
    }
    truth, defined = expression.evaluate(values)
    return pd.DataFrame({"interest": truth, "defined": defined}, index=pd.Index(worlds, name=WORLD))


def discover_runs(
    runs: pd.DataFrame,
    parameters: Sequence[str],
    where: str,
    *,
    max_depth: int = MAX_DEPTH,
    min_leaf: float = MIN_LEAF,
    seed: int = 0,
) -> tuple[Discovery, pd.DataFrame, pd.DataFrame]:
    """Parse ``where`` against the runs, find the cases and the boxes.

    Returns the :class:`Discovery`, the inputs per world and the cases per world (for
    figures)."""
    conditions = runs.drop_duplicates("point").set_index("point")["condition"].astype(str)
    outcomes = [c for c in OUTCOMES if c in runs.columns]
    expression = parse_where(where, outcomes, conditions.sort_index().to_dict())
    inputs = world_inputs(runs, parameters)
    found = cases(runs, expression).reindex(inputs.index)
    result = discover(
        inputs,
        found["interest"].to_numpy(),
        found["defined"].to_numpy(),
        max_depth=max_depth,
        min_leaf=min_leaf,
        seed=seed,
        where=where,
    )
    return result, inputs, found


def uncertain_parameters(manifest: dict, runs: pd.DataFrame) -> list[str]:
    """The uncertain parameters of a results folder: the keys of the manifest's
    ``uncertainties`` (as written by :meth:`Uncertainty.as_json`, keyed by dotted key), or,
    when the manifest has none, the dotted columns of ``runs.csv`` that are not factors."""
    declared = manifest.get("uncertainties")
    if isinstance(declared, dict) and declared:
        return list(declared)
    factors = set(manifest.get("factors") or {})
    return [c for c in runs.columns if "." in c and c not in factors]


def discover_folder(
    folder: str | Path,
    where: str,
    *,
    max_depth: int = MAX_DEPTH,
    min_leaf: float = MIN_LEAF,
    seed: int | None = None,
) -> tuple[Discovery, pd.DataFrame, pd.DataFrame]:
    """:func:`discover_runs` on a results folder (``runs.csv`` with a ``world`` column and
    one column per uncertain parameter, and ``manifest.json``). ``seed`` defaults to the
    experiment's seed in the manifest."""
    path = Path(folder)
    if not path.is_dir():
        raise InputError(f"no results folder '{path}'", key="DIR")
    manifest = read_manifest(path / "manifest.json")
    runs = read_runs(path / "runs.csv")
    if WORLD not in runs.columns:
        raise InputError(
            "runs.csv has no 'world' column: discovery needs a sweep over sampled worlds",
            source=str(path / "runs.csv"),
        )
    parameters = uncertain_parameters(manifest, runs)
    if seed is None:
        seed = int(manifest.get("seed") or 0)
    return discover_runs(runs, parameters, where, max_depth=max_depth, min_leaf=min_leaf, seed=seed)


# --- Tables -----------------------------------------------------------------------------


def box_text(limits: pd.DataFrame, box: int, decimals: dict[str, int]) -> str:
    """``a > 0.70; b <= 0.30`` for the restricted parameters of one box."""
    parts = []
    for _, r in limits[(limits["box"] == box) & limits["restricted"]].iterrows():
        d = decimals[r["parameter"]]
        low, high = r["low"], r["high"]
        if math.isnan(low):
            parts.append(f"{r['parameter']} <= {number(high, d)}")
        elif math.isnan(high):
            parts.append(f"{r['parameter']} > {number(low, d)}")
        else:
            parts.append(f"{number(low, d)} < {r['parameter']} <= {number(high, d)}")
    return "; ".join(parts) or "(everywhere)"


def _decimals(result: Discovery) -> dict[str, int]:
    return {name: decimals_for([row["min"], row["max"]]) for name, row in result.ranges.iterrows()}


def preamble(result: Discovery) -> list[str]:
    share = result.interest / result.worlds
    lines = []
    if result.where:
        lines.append(f"Cases of interest: {result.where}")
    lines += [
        f"{result.interest} of {result.worlds} worlds ({percent(share)}) are cases of "
        f"interest; {result.undefined} worlds left out (a value the expression needs is "
        "undefined there).",
        f"Boxes: leaves of a classification tree (CART, scikit-learn; depth <= "
        f"{result.max_depth}, each leaf >= {percent(result.min_leaf)} of the worlds, "
        f"seed {result.seed}) with a density above {percent(share)}.",
        "coverage: share of the cases of interest inside the box; density: share of the "
        "worlds inside the box that are cases of interest. Limits: low < x <= high.",
    ]
    return lines


def format_discovery(result: Discovery, fmt: str = "md") -> str:
    """The boxes as ``md`` (a report), ``csv`` (long form: one row per box and parameter)
    or ``latex``."""
    formats = {"md": discovery_markdown, "csv": discovery_csv, "latex": discovery_latex}
    if fmt not in formats:
        raise InputError(f"unknown format '{fmt}'; use one of {', '.join(formats)}")
    return formats[fmt](result)


def discovery_csv(result: Discovery) -> str:
    table = result.limits.merge(result.boxes, on="box")
    table["min"] = table["parameter"].map(result.ranges["min"])
    table["max"] = table["parameter"].map(result.ranges["max"])
    table["importance"] = table["parameter"].map(result.importance)
    return table.to_csv(index=False)


def _rows(result: Discovery) -> list[list[str]]:
    decimals = _decimals(result)
    return [
        [
            str(b.box),
            str(b.worlds),
            str(b.interest),
            percent(b.coverage),
            percent(b.density),
            box_text(result.limits, b.box, decimals),
        ]
        for b in result.boxes.itertuples()
    ]


HEADER = ("box", "worlds", "of interest", "coverage", "density", "limits")


def discovery_markdown(result: Discovery) -> str:
    lines = ["# Scenario discovery", "", *preamble(result), ""]
    lines += markdown_table(HEADER, _rows(result), [True] * 5 + [False])
    importance = ", ".join(f"{k} {v:.2f}" for k, v in result.importance.items() if v > 0)
    lines += ["", f"Parameter importance in the tree: {importance or 'none'}."]
    return "\n".join(lines) + "\n"


def discovery_latex(result: Discovery) -> str:
    header = ["Box", "Worlds", "Of interest", "Coverage", "Density", "Limits"]
    return latex_table(header, [(None, _rows(result))], "rrrrrl", preamble(result))


# --- Figure -----------------------------------------------------------------------------


def discovery_figure(
    result: Discovery,
    inputs: pd.DataFrame,
    found: pd.DataFrame,
    box: int = 1,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """Two panels for one box: its limits on each parameter's observed range (left), and
    the worlds on the two most important parameters, cases of interest marked, with the
    box drawn (right)."""
    if box not in set(result.boxes["box"]):
        raise InputError(f"no box {box} (there are {len(result.boxes)})", key="--box")
    if axes is None:
        fig = Figure(figsize=(11, 0.35 * len(result.ranges) + 3), layout="constrained")
        axes = fig.subplots(1, 2, width_ratios=[1, 1.2])
    fig = axes[0].figure
    _draw_limits(axes[0], result, box)
    _draw_scatter(axes[1], result, inputs, found, box)
    return fig


def _box_limits(result: Discovery, box: int) -> pd.DataFrame:
    """The box's limits with open sides filled by the observed range."""
    part = result.limits[result.limits["box"] == box].set_index("parameter")
    low = part["low"].fillna(result.ranges["min"])
    high = part["high"].fillna(result.ranges["max"])
    return pd.DataFrame({"low": low, "high": high, "restricted": part["restricted"]})


def _draw_limits(ax: Axes, result: Discovery, box: int) -> None:
    limits = _box_limits(result, box)
    span = (result.ranges["max"] - result.ranges["min"]).replace(0, 1)
    low = ((limits["low"] - result.ranges["min"]) / span).clip(0, 1)
    high = ((limits["high"] - result.ranges["min"]) / span).clip(0, 1)
    names = list(limits.index)[::-1]
    y = np.arange(len(names))
    ax.barh(y, 1, color="#EEEEEE", edgecolor="#999999")
    colours = ["#D55E00" if limits.loc[n, "restricted"] else "#BBBBBB" for n in names]
    ax.barh(y, (high - low)[names], left=low[names], color=colours, height=0.5)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 1)
    ax.set_xlabel("Position in the sampled range (0 = min, 1 = max)")
    row = result.boxes[result.boxes["box"] == box].iloc[0]
    ax.set_title(
        f"Box {box}: coverage {percent(row['coverage'])}, density {percent(row['density'])}",
        fontsize=11,
    )


def _draw_scatter(ax: Axes, result: Discovery, inputs, found, box: int) -> None:
    names = list(result.importance.index[:2])
    if len(names) < 2:
        names = [names[0], names[0]]
    x, y = inputs[names[0]], inputs[names[1]]
    ok = found["defined"].to_numpy()
    hit = found["interest"].to_numpy() & ok
    ax.scatter(x[ok & ~hit], y[ok & ~hit], s=12, color="#999999", label="other worlds")
    ax.scatter(x[hit], y[hit], s=16, color="#D55E00", marker="^", label="cases of interest")
    limits = _box_limits(result, box)
    (x0, x1), (y0, y1) = (limits.loc[n, ["low", "high"]] for n in names)
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="black", lw=1.5))
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.legend(loc="best", fontsize=8)
    ax.set_title("Worlds on the two most important parameters", fontsize=11)
