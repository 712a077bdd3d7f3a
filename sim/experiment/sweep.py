"""A whole sweep: prepare the results folder, run what is not done yet, write the results.

The folder holds ``sweep.json`` (written when the sweep starts: the experiment file's hash
and a fingerprint of every condition's scenario), ``journal.jsonl`` and ``parts/`` (the
crash-safe record of finished runs) and, at the end, ``runs.csv``, ``timeseries.parquet``,
``manifest.json`` and the comparison tables.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from tqdm import tqdm

from sim.analysis import write_comparison
from sim.errors import InputError
from sim.experiment.journal import JOURNAL, PARTS, Journal, write_part
from sim.experiment.results import (
    MANIFEST,
    RUNS,
    TIMESERIES,
    write_manifest,
    write_runs_csv,
    write_timeseries,
)
from sim.experiment.runner import RunFn, RunOutput, RunTask, open_engine, run_tasks
from sim.experiment.spec import Experiment
from sim.io import atomic_write_json, ensure_writable_dir
from sim.seeding import run_seed
from sim.simulation import simulate

STATE = "sweep.json"
COMPARISON = ("comparison.md", "comparison.csv")
OWN_FILES = (STATE, JOURNAL, RUNS, TIMESERIES, MANIFEST, *COMPARISON)


@dataclass(frozen=True)
class SweepResult:
    out_dir: Path
    counts: dict[str, int]
    executed: int
    wall_seconds: float
    markdown: str


def tasks(experiment: Experiment, done: Journal | None = None) -> Iterator[RunTask]:
    """Every run not yet in ``done``, condition by condition, replicate by replicate."""
    for condition in experiment.conditions:
        for replicate in range(experiment.replicates):
            if done is not None and (condition.point, replicate) in done:
                continue
            seed = run_seed(experiment.seed, condition.point, replicate)
            yield RunTask(condition.point, replicate, seed, experiment.steps, condition.scenario)


def run_sweep(
    experiment: Experiment,
    out_dir: str | Path,
    *,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    run_fn: RunFn = simulate,
    progress: bool = True,
) -> SweepResult:
    """Run ``experiment`` into ``out_dir`` and write the results (see the module docstring).

    Raises :class:`InputError` if the folder already holds results (unless ``resume`` or
    ``force``), or if ``resume`` finds a sweep of a different experiment.
    """
    out, state = prepare_folder(Path(out_dir), experiment, resume=resume, force=force)
    journal = Journal(out)
    (out / PARTS).mkdir(exist_ok=True)
    todo = experiment.n_runs - len(journal)
    start_wall, start = _now(), time.perf_counter()
    with (
        open_engine(engine, jobs, scheduler) as opened,
        journal,
        _progress_bar(experiment.n_runs, len(journal), len(journal.failed), progress) as bar,
    ):

        def on_done(output: RunOutput) -> None:
            if output.timeseries is not None:
                table = pa.Table.from_pandas(output.timeseries, preserve_index=False)
                write_part(out, output.point, output.replicate, table.replace_schema_metadata())
            journal.append(output.record())
            bar.update(1)
            if output.status != "ok":
                bar.set_postfix(failed=len(journal.failed), refresh=False)

        run_tasks(tasks(experiment, journal), opened.executor, opened.in_flight, on_done, run_fn)
    wall = time.perf_counter() - start
    timings = {
        "started": state["started"],
        "session_started": start_wall,
        "finished": _now(),
        "wall_seconds": round(wall, 3),
        "runs_executed": todo,
        "runs_per_second": round(todo / wall, 3) if wall > 0 else None,
    }
    counts = write_runs_csv(out, experiment, journal)
    write_timeseries(out, journal)
    write_manifest(
        out, experiment, counts=counts, timings=timings, engine=engine, jobs=opened.workers
    )
    markdown = write_comparison(out)
    return SweepResult(out, dict(counts), todo, wall, markdown)


def prepare_folder(
    out: Path, experiment: Experiment, *, resume: bool, force: bool
) -> tuple[Path, dict[str, Any]]:
    """Check the results folder and return it with the sweep's state (new or resumed)."""
    if resume and force:
        raise InputError("choose one of --resume and --force", key="--resume")
    state_path = out / STATE
    occupied = out.is_dir() and any(out.iterdir())
    if occupied and force:
        _remove_own_files(out)
    elif occupied and resume and state_path.is_file():
        return out, _resumable_state(state_path, experiment)
    elif occupied:
        what = "holds the results of a sweep" if state_path.is_file() else "is not empty"
        hint = (
            "; use --resume to continue it or --force to start afresh"
            if state_path.is_file()
            else "; choose a new folder"
        )
        raise InputError(f"'{out}' {what}{hint}", key="--out")
    ensure_writable_dir(out)
    state = {
        "experiment": experiment.name,
        "sha256": experiment.sha256,
        "fingerprint": experiment.fingerprint(),
        "runs": experiment.n_runs,
        "started": _now(),
    }
    atomic_write_json(state_path, state)
    return out, state


def _resumable_state(state_path: Path, experiment: Experiment) -> dict[str, Any]:
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {state_path}: {exc}", key="--resume") from None
    if state.get("sha256") != experiment.sha256:
        raise InputError(
            f"{experiment.path} changed since the sweep in '{state_path.parent}' started; "
            "use --force to start afresh",
            key="--resume",
        )
    if state.get("fingerprint") != experiment.fingerprint():
        raise InputError(
            f"the scenario {experiment.scenario_path} changed since the sweep in "
            f"'{state_path.parent}' started; use --force to start afresh",
            key="--resume",
        )
    return state


def _remove_own_files(out: Path) -> None:
    """--force: remove what a sweep writes, and nothing else."""
    for name in OWN_FILES:
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / PARTS, ignore_errors=True)


def _progress_bar(total: int, done: int, failed: int, enabled: bool) -> tqdm:
    return tqdm(
        total=total,
        initial=done,
        unit="run",
        desc="sweep",
        dynamic_ncols=True,
        disable=not (enabled and sys.stderr.isatty()),
        postfix={"failed": failed},
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
