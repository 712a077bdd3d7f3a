"""Loading saved results: a sweep folder or a single-run folder, as one :class:`Results`.

A sweep folder holds ``manifest.json``, ``runs.csv`` and ``timeseries.parquet``; a
single-run folder (``sim run --out``) holds ``timeseries.csv`` and ``summary.json``. Both
load into the same shape, so the plots need not care which one they were given: a single
run becomes one condition (``point`` 0) with one replicate and no run table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import InputError
from sim.outcomes import ROLE_COLUMNS

SWEEP_FILES = ("manifest.json", "runs.csv", "timeseries.parquet")
RUN_FILES = ("timeseries.csv", "summary.json")


@dataclass(frozen=True)
class Role:
    """A user role as the plots show it: key, readable label, and mandatory use or not.

    ``mandatory`` is ``None`` when the results do not say (no scenario saved with them).
    """

    name: str
    label: str
    mandatory: bool | None

    @property
    def title(self) -> str:
        """``"Guardians (voluntary)"``, ``"Teachers (mandatory)"`` or just the label."""
        if self.mandatory is None:
            return self.label
        return f"{self.label} ({'mandatory' if self.mandatory else 'voluntary'})"


@dataclass(frozen=True)
class Results:
    """Saved results of a sweep (``kind == "sweep"``) or of one run (``kind == "run"``).

    ``timeseries`` always has ``point``, ``replicate`` and ``step`` columns (and ``world``
    in a sweep over worlds) and holds only successful runs; ``runs`` is the run table
    (``None`` for a single run); ``conditions`` maps each ``point`` to its label, in point
    order.
    """

    path: Path | None
    kind: str
    manifest: dict
    runs: pd.DataFrame | None
    timeseries: pd.DataFrame
    conditions: dict[int, str]
    scenario: dict | None

    @property
    def roles(self) -> list[Role]:
        """The roles in the time series, mandatory roles first, labelled from the scenario."""
        return roles_of(self.timeseries, self.scenario)

    @property
    def has_worlds(self) -> bool:
        """A sweep over sampled worlds (not a sensitivity design's sample points)?"""
        method = (self.manifest.get("design") or {}).get("method")
        return (
            self.runs is not None
            and "world" in self.runs.columns
            and method
            not in (
                "morris",
                "sobol",
            )
        )


def run_ids(frame: pd.DataFrame) -> list[str]:
    """The columns that tell one run of a condition from another: ``replicate``, and
    ``world`` first in a sweep over worlds."""
    return ["world", "replicate"] if "world" in frame.columns else ["replicate"]


def load_results(path: str | Path) -> Results:
    """Load a sweep folder or a single-run folder; :class:`InputError` if it is neither."""
    from sim.outdir import results_folder

    folder = results_folder(path)
    if (folder / "manifest.json").exists():
        return _load_sweep(folder)
    partial = _load_partial(folder)
    if partial is not None:
        return partial
    if (folder / "summary.json").exists() or (folder / "timeseries.csv").exists():
        return _load_run(folder)
    raise InputError(
        f"'{folder}' holds neither a sweep ({', '.join(SWEEP_FILES)}) "
        f"nor a run ({', '.join(RUN_FILES)})",
        key="DIR",
    )


def _require(folder: Path, names: tuple[str, ...]) -> None:
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise InputError(f"missing {', '.join(missing)} in '{folder}'", key="DIR")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read '{path}': {exc}", key="DIR") from None


def _load_partial(folder: Path) -> Results | None:
    """An unfinished sweep: its finished runs, with a warning (sim.experiment.partial)."""
    from sim.experiment.partial import load_partial
    from sim.io import warn

    partial = load_partial(folder)
    if partial is None:
        return None
    warn(partial.message)
    return _sweep_results(folder, partial.manifest, partial.runs, partial.timeseries())


def _load_sweep(folder: Path) -> Results:
    from sim.analysis.comparison import read_manifest, read_runs

    _require(folder, SWEEP_FILES)
    manifest = read_manifest(folder / "manifest.json")
    runs = read_runs(folder / "runs.csv")
    try:
        ts = pd.read_parquet(folder / "timeseries.parquet")
    except (OSError, ValueError) as exc:  # pyarrow's errors are ValueErrors or OSErrors
        raise InputError(
            f"cannot read: {type(exc).__name__}", source=str(folder / "timeseries.parquet")
        ) from None
    missing = [c for c in ("point", *run_ids(runs), "step") if c not in ts.columns]
    if missing:
        raise InputError(f"no column {missing[0]!r}", source=str(folder / "timeseries.parquet"))
    return _sweep_results(folder, manifest, runs, ts)


def _sweep_results(folder: Path, manifest: dict, runs: pd.DataFrame, ts: pd.DataFrame) -> Results:
    conditions = {int(c["point"]): str(c["label"]) for c in manifest.get("conditions", [])}
    for point, label in runs.groupby("point")["condition"].first().items():
        conditions.setdefault(int(point), str(label))
    ids = ["point", *run_ids(runs)]
    ok = runs.loc[runs["status"] == "ok", ids]
    ts = ts.merge(ok, on=ids, how="inner")
    ts = ts.sort_values([*ids, "step"], ignore_index=True)
    return Results(
        path=folder,
        kind="sweep",
        manifest=manifest,
        runs=runs,
        timeseries=ts,
        conditions=dict(sorted(conditions.items())),
        scenario=manifest.get("scenario"),
    )


def _load_run(folder: Path) -> Results:
    _require(folder, RUN_FILES)
    summary = _read_json(folder / "summary.json")
    ts = pd.read_csv(folder / "timeseries.csv")
    return run_results(ts, summary.get("scenario"), folder, label=summary.get("label"))


def run_results(
    timeseries: pd.DataFrame,
    scenario: Mapping | Any | None = None,
    path: Path | None = None,
    label: str | None = None,
) -> Results:
    """Wrap one run's time series (and optionally its resolved scenario) as :class:`Results`.

    ``scenario`` may be a dict as saved in ``summary.json`` or a :class:`sim.Scenario`.
    """
    if scenario is not None and hasattr(scenario, "model_dump"):
        scenario = scenario.model_dump(mode="json")
    if "step" not in timeseries.columns:
        raise InputError("the time series has no 'step' column", key="timeseries")
    ts = timeseries.assign(point=0, replicate=0)
    name = label or ((scenario or {}).get("meta") or {}).get("name") or "run"
    return Results(
        path=path,
        kind="run",
        manifest={},
        runs=None,
        timeseries=ts,
        conditions={0: str(name)},
        scenario=dict(scenario) if scenario is not None else None,
    )


def roles_of(timeseries: pd.DataFrame, scenario: Mapping | None) -> list[Role]:
    """Roles with per-role columns in ``timeseries``; labels and use from ``scenario``.

    Mandatory roles come first (in column order), then voluntary ones, then roles the
    scenario does not describe.
    """
    prefix = f"{ROLE_COLUMNS[0]}."
    names = [c[len(prefix) :] for c in timeseries.columns if c.startswith(prefix)]
    specs = ((scenario or {}).get("population") or {}).get("roles") or {}
    roles = []
    for name in names:
        spec = specs.get(name) or {}
        roles.append(Role(name, spec.get("label") or name, spec.get("mandatory")))
    order = {True: 0, False: 1, None: 2}
    return sorted(roles, key=lambda r: order[r.mandatory])
