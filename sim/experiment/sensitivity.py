"""Sensitivity analysis of an experiment: a Morris or Sobol design, run by the sweep runner.

:func:`run_sensitivity` draws the design over the experiment's ``[uncertainties]``
(:func:`sim.analysis.sensitivity.sensitivity_design`), runs every condition at every sample
point through the same crash-safe runner as a sweep (:func:`sim.experiment.sweep.run_sweep`:
journal, ``--resume``, ``--jobs``, Dask), each sample point playing the part of a world,
and writes the indices and figures into the results folder:

- ``runs.csv``, ``timeseries.parquet``, ``manifest.json`` as for a sweep over worlds (the
  ``world`` column is the sample point);
- ``sensitivity.md``, ``sensitivity.csv`` (long form) and ``sensitivity.tex``;
- ``figures/morris_OUTCOME.png`` (μ* against σ) or ``figures/sobol_OUTCOME.png`` (S1 and
  ST), one panel per condition and for the paired difference.

Replicate ``r`` runs with the same seed at every sample point and in every condition
(:func:`sim.experiment.uncertainty.sample_seed`), and replicates are averaged per point,
so effects come from the parameters, not from different random draws. ``difference``
names two conditions ``(A, B)``: only they are run, and besides each of them the paired
difference A - B at every point is analysed ("what drives the advantage of phased over big
bang?"). ``parameters`` restricts the design to some of the uncertainties (the others keep
the scenario's values): Sobol on the few that a Morris screening found important.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.defaults import MAX_RUNS, SENSITIVITY_SAMPLES
from sim.errors import InputError
from sim.experiment.design import Worlds
from sim.experiment.spec import Condition, Experiment, with_worlds
from sim.experiment.sweep import SweepResult, run_sweep

TABLES = {"sensitivity.md": "md", "sensitivity.csv": "csv", "sensitivity.tex": "latex"}
"""The files :func:`run_sensitivity` writes besides the sweep's, and their formats."""


@dataclass(frozen=True)
class SensitivityResult:
    sweep: SweepResult
    markdown: str
    figures: list[Path]

    @property
    def out_dir(self) -> Path:
        return self.sweep.out_dir


def run_sensitivity(
    experiment: Experiment,
    out_dir: str | Path,
    method: str,
    samples: int | None = None,
    *,
    outcomes: Sequence[str] | None = None,
    difference: tuple[str, str] | None = None,
    parameters: Sequence[str] | None = None,
    max_runs: int = MAX_RUNS,
    **sweep: Any,
) -> SensitivityResult:
    """Run ``experiment`` at the sample points of a ``method`` design (``morris`` or
    ``sobol``; ``samples`` trajectories or base sample, default
    :data:`sim.defaults.SENSITIVITY_SAMPLES`) into ``out_dir`` and write the indices of
    ``outcomes`` (default: the main outcomes) for each condition and, with ``difference``
    ``(A, B)`` (condition labels or points), for A - B; ``parameters`` names the uncertain
    keys to vary (default: all). ``sweep`` goes to :func:`sim.experiment.sweep.run_sweep`
    (``jobs``, ``engine``, ``resume``...).

    Everything is checked before anything runs: the experiment's uncertainties, the
    outcomes, the conditions, the design's size against ``max_runs`` and every condition's
    scenario at every sample point.
    """
    from sim.analysis.sensitivity import sensitivity_design
    from sim.analysis.tables import check_outcomes

    if not experiment.uncertainties:
        raise InputError(
            "has no [uncertainties] table; sim sensitivity analyses uncertain parameters",
            source=str(experiment.path),
        )
    outcomes = check_outcomes(None, list(outcomes) if outcomes else None, key="--outcomes")
    if parameters:
        experiment = only_parameters(experiment, parameters)
    pair = None
    if difference is not None:
        experiment, pair = only_pair(experiment, difference)
    samples = SENSITIVITY_SAMPLES[method] if samples is None else samples
    design = sensitivity_design(experiment.uncertainties, method, samples, experiment.seed)
    _check_size(experiment, design.points, max_runs)
    worlds = Worlds(method, samples, design.values, seeding="sample")
    experiment = with_worlds(experiment, worlds)
    result = run_sweep(experiment, out_dir, kind="sensitivity", extra_files=tuple(TABLES), **sweep)
    markdown, figures = write_indices(result.out_dir, design, outcomes, pair)
    return SensitivityResult(result, markdown, figures)


def only_pair(experiment: Experiment, names: tuple[str, str]) -> tuple[Experiment, tuple[int, int]]:
    """The experiment with only conditions A and B (``names``: labels or points), A as
    point 0 and B, the reference, as point 1; and the points ``(0, 1)``."""
    a, b = (find_condition(experiment.conditions, name) for name in names)
    if a.key == b.key:
        raise InputError(f"names the same condition twice ('{a.label}')", key="--difference")
    conditions = tuple(dataclasses.replace(c, point=i) for i, c in enumerate((a, b)))
    return dataclasses.replace(experiment, conditions=conditions, reference=dict(b.values)), (0, 1)


def only_parameters(experiment: Experiment, keys: Sequence[str]) -> Experiment:
    """The experiment with only the uncertainties of ``keys`` (in the file's order)."""
    from sim.errors import did_you_mean

    known = [u.key for u in experiment.uncertainties]
    for key in keys:
        if key not in known:
            hint = did_you_mean(key, known) or f"; uncertain keys: {', '.join(known)}"
            raise InputError(f"'{key}' is not in [uncertainties]{hint}", key="--parameters")
    chosen = tuple(u for u in experiment.uncertainties if u.key in keys)
    return dataclasses.replace(experiment, uncertainties=chosen, worlds=None)


def _normal(label: str) -> str:
    return re.sub(r"\s*\|\s*", " | ", label.strip())


def find_condition(conditions: Sequence[Condition], name: str) -> Condition:
    """The condition whose label is ``name`` (spaces around ``|`` do not matter) or whose
    point is the number ``name``; :class:`InputError` naming ``--difference`` otherwise."""
    from sim.errors import did_you_mean

    labels = {_normal(c.label): c for c in conditions}
    if _normal(name) in labels:
        return labels[_normal(name)]
    if name.strip().isdigit() and int(name) < len(conditions):
        return conditions[int(name)]
    raise InputError(
        f"no condition '{name}'{did_you_mean(_normal(name), list(labels))}; conditions: "
        + ", ".join(f"'{c.label}'" for c in conditions),
        key="--difference",
    )


def _check_size(experiment: Experiment, points: int, max_runs: int) -> None:
    runs = len(experiment.conditions) * points * experiment.replicates
    if runs > max_runs:
        raise InputError(
            f"{runs:,} runs ({len(experiment.conditions)} conditions x {points:,} sample points "
            f"x {experiment.replicates} replicates) is more than the limit of {max_runs:,}; "
            f"if you mean it, add --max-runs {runs}",
            source=str(experiment.path),
        )


def write_indices(
    out_dir: Path, design, outcomes: Sequence[str], pair: tuple[int, int] | None
) -> tuple[str, list[Path]]:
    """Analyse the runs in ``out_dir`` (each condition, and A - B for ``pair``) and write
    the tables and figures; returns the Markdown and the figures' paths."""
    from sim.analysis.comparison import read_runs
    from sim.analysis.sensitivity import format_indices, indices, outputs
    from sim.io import atomic_write_text

    runs = read_runs(out_dir / "runs.csv")
    found = []
    for point in sorted(runs["point"].unique()):
        found += outputs(runs, design, outcomes, int(point))
    if pair is not None:
        found += outputs(runs, design, outcomes, pair[0], minus=pair[1])
    table = indices(design, found)
    texts = {name: format_indices(table, fmt) for name, fmt in TABLES.items()}
    for name, text in texts.items():
        atomic_write_text(out_dir / name, text)
    return texts["sensitivity.md"], write_figures(out_dir, table, design.method)


def write_figures(out_dir: Path, table, method: str) -> list[Path]:
    """One figure per outcome, a panel per condition (and difference), into ``figures/``."""
    from matplotlib.figure import Figure

    from sim.analysis.plots import save_figure
    from sim.analysis.sensitivity import morris_figure, sobol_figure
    from sim.io import ensure_writable_dir

    draw = morris_figure if method == "morris" else sobol_figure
    folder = ensure_writable_dir(out_dir / "figures")
    paths = []
    for outcome, part in table.groupby("outcome", sort=False):
        conditions = list(dict.fromkeys(part["condition"]))
        n = len(conditions)
        height = 4.5 if method == "morris" else 0.4 * part["parameter"].nunique() + 1.5
        fig = Figure(figsize=(6.0 * n, height), layout="constrained")
        for ax, condition in zip(fig.subplots(1, n, squeeze=False)[0], conditions, strict=True):
            draw(table, outcome, condition, ax=ax)
        paths.append(save_figure(fig, folder / f"{method}_{outcome}.png", "png"))
    return paths
