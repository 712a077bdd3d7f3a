"""The classroom demo: run the main experiment, draw its main figure, say what it shows.

``sim demo`` runs ``experiments/rollout_x_involvement.toml`` (big bang vs phased, crossed
with low, token and high involvement) into its own folder, writes the comparison table and
the main figure (adoption and frustration per condition), and explains the figure in
plain words. Every number in the explanation is read from the saved results, never
written into the code.

``quick=True`` shrinks the experiment (fewer replicates, fewer users) so that a live run
in a classroom takes seconds; the conditions, seed and weekly processes stay the same.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.defaults import DEMO_OUT, DEMO_QUICK
from sim.errors import InputError
from sim.experiment import Experiment, load_experiment, run_sweep
from sim.experiment.spec import with_changes
from sim.io import ensure_writable_dir, shown
from sim.outdir import inspect
from sim.shipped import main_experiment


@dataclass(frozen=True)
class DemoResult:
    out_dir: Path
    markdown: str
    figure: Path
    explanation: list[str]
    runs: int
    seconds: float


shrink = with_changes
"""A smaller copy of an experiment: other replicates, steps or extra overrides
(:func:`sim.experiment.spec.with_changes`)."""


def quick_experiment(experiment: Experiment) -> Experiment:
    """``experiment`` at classroom size (:data:`sim.defaults.DEMO_QUICK`), representing the
    same people."""
    pop = experiment.base.population
    size = DEMO_QUICK["overrides"]["population.size"]
    scale = pop.scale * pop.size / size
    overrides = {**DEMO_QUICK["overrides"], "population.scale": scale}
    return shrink(experiment, replicates=DEMO_QUICK["replicates"], overrides=overrides)


def run_demo(
    out_dir: str | Path = DEMO_OUT,
    *,
    quick: bool = False,
    jobs: int | None = None,
    experiment_path: str | Path | None = None,
    progress: bool = False,
    force: bool = False,
) -> DemoResult:
    """Run the main experiment into ``out_dir`` (replacing an earlier demo there), write
    the comparison and ``figures/main.png``, and explain the figure.

    Any other results in ``out_dir`` are refused, unless ``force`` and they are a sweep's
    (see :mod:`sim.outdir`)."""
    from sim.analysis.folders import load_results
    from sim.analysis.plots import main_figure, save_figure

    path = main_experiment() if experiment_path is None else Path(experiment_path)
    if not path.is_file():
        raise InputError(f"the demo needs {path}, which is missing")
    experiment = load_experiment(path)
    if quick:
        experiment = quick_experiment(experiment)
        # Starting worker processes takes longer than the quick runs themselves.
        jobs = jobs or 1
    occupant = inspect(Path(out_dir))
    earlier_demo = occupant.kind == "sweep" and occupant.marker.get("demo") is True
    if occupant.kind == "sweep" and not (earlier_demo or force):
        held = occupant.marker.get("experiment")
        raise InputError(
            f"{shown(out_dir)} holds a sweep of '{held}', not a demo; use --force to replace it "
            "or choose another folder",
            key="--out",
        )
    start = time.perf_counter()
    sweep = run_sweep(
        experiment,
        out_dir,
        jobs=jobs,
        force=earlier_demo or force,
        progress=progress,
        about={"demo": True},
    )
    results = load_results(sweep.out_dir)
    folder = ensure_writable_dir(sweep.out_dir / "figures")
    figure = save_figure(main_figure(results), folder / "main.png", "png")
    lines = explain(results.runs, experiment)
    return DemoResult(
        sweep.out_dir, sweep.markdown, figure, lines, experiment.n_runs, time.perf_counter() - start
    )


# --- the explanation --------------------------------------------------------------------


EXPLAINED = (
    "weeks_to_80",
    "peak_frustration_live",
    "peak_workaround_live",
    "final_adoption",
    "net_benefit",
    "final_dissatisfied",
)


def _means(runs: pd.DataFrame) -> pd.DataFrame:
    """Per condition label: mean outcomes over successful runs, and how many reached 80 %."""
    ok = runs[runs["status"] == "ok"]
    grouped = ok.groupby("condition", sort=False)
    table = grouped[list(EXPLAINED)].mean()
    table["reached_80"] = grouped["weeks_to_80"].count()
    table["runs"] = grouped.size()
    return table


def _weeks(row: pd.Series) -> str:
    if row["reached_80"] == 0:
        return "never, in any run"
    text = f"week {row['weeks_to_80']:.0f} from the programme's start"
    if row["reached_80"] < row["runs"]:
        text += f" (in the {row['reached_80']:.0f} of {row['runs']:.0f} runs that got there)"
    return text


def explain(runs: pd.DataFrame, experiment: Experiment) -> list[str]:
    """Four to seven plain sentences on what the main figure and table show, from ``runs``."""
    m = _means(runs)
    n_reps = experiment.replicates
    size = experiment.base.population.size
    lines = [
        f"Left panel: share of users who have adopted the system, week by week; right panel: "
        f"the mean frustration of users whose unit has gone live (0 = calm, 1 = furious). One "
        f"line per condition, the mean of {n_reps} runs of {size} users each; the shaded band "
        f"is its 95 % confidence interval (Monte Carlo precision of that mean, not "
        f"uncertainty about the world)."
    ]
    reached = m[m["reached_80"] > 0]
    if len(reached):
        # Rank by the mean over runs that got there, but a condition where every run got
        # there beats one where only some did.
        order = reached.assign(all_=reached["reached_80"] == reached["runs"])
        best = order.sort_values(["all_", "weeks_to_80"], ascending=[False, True]).index[0]
        lines.append(f"First to 80 % adoption: '{best}', {_weeks(m.loc[best])}.")
    never = m.index[m["reached_80"] == 0].tolist()
    if never:
        lines.append(f"Never reached 80 %: {', '.join(repr(c) for c in never)}.")
    hi, lo = m["peak_frustration_live"].idxmax(), m["peak_frustration_live"].idxmin()
    lines.append(
        f"Highest peak frustration of live users: '{hi}' "
        f"({m.loc[hi, 'peak_frustration_live']:.2f}, with up to "
        f"{m.loc[hi, 'peak_workaround_live']:.0%} of live users working around the system); "
        f"lowest: '{lo}' ({m.loc[lo, 'peak_frustration_live']:.2f})."
    )
    best, worst = m["net_benefit"].idxmax(), m["net_benefit"].idxmin()
    lines.append(
        f"Net benefit over the {experiment.steps} weeks, against staying on the old systems "
        f"(hours saved and legacy costs avoided, minus every cost): best '{best}' "
        f"({m.loc[best, 'net_benefit']:,.0f} MSEK), worst '{worst}' "
        f"({m.loc[worst, 'net_benefit']:,.0f} MSEK)."
    )
    sad = m["final_dissatisfied"].idxmax() if m["final_dissatisfied"].notna().any() else None
    if sad is not None and m.loc[sad, "final_dissatisfied"] >= 0.05:
        lines.append(
            f"Most dissatisfied users at the end: '{sad}' "
            f"({m.loc[sad, 'final_dissatisfied']:.0%} of live users rate the system below "
            f"'acceptable')."
        )
    lines.extend(_token_vs_low(m, experiment))
    return lines


def _token_vs_low(m: pd.DataFrame, experiment: Experiment) -> list[str]:
    """Token against low involvement, with every other factor held fixed."""
    key = "involvement.level"
    levels = experiment.factors.get(key, [])
    if "token" not in levels or "low" not in levels:
        return []
    parts = []
    for c in experiment.conditions:
        if c.values[key] != "token":
            continue
        twin = next(d.label for d in experiment.conditions if d.values == {**c.values, key: "low"})
        if c.label not in m.index or twin not in m.index:
            continue
        mine, theirs = m.loc[c.label], m.loc[twin]
        diff = mine["peak_frustration_live"] - theirs["peak_frustration_live"]
        parts.append(
            f"'{c.label}' peaked at {mine['peak_frustration_live']:.2f} against "
            f"{theirs['peak_frustration_live']:.2f} for '{twin}' ({_verdict(diff)}), "
            f"net benefit {mine['net_benefit'] - theirs['net_benefit']:+,.0f} MSEK"
        )
    if not parts:
        return []
    return [
        "Token involvement (many users consulted, little acted upon) against low: "
        + "; ".join(parts)
        + "."
    ]


def _verdict(diff: float) -> str:
    if math.isnan(diff) or abs(diff) < 0.02:
        return "about the same"
    return "worse" if diff > 0 else "better"
