"""A whole sweep: prepare the results folder, run what is not done yet, write the results.

The folder holds ``sim-results.json`` (the marker that makes it sim's results, see
:mod:`sim.outdir`), ``sweep.json`` (the experiment as it was when the current session
started: seed, steps, overrides, the resolved base scenario, the conditions),
``journal.jsonl`` and ``parts/`` (the crash-safe record of finished runs, see
:mod:`sim.experiment.journal`) and, at the end, ``runs.csv``, ``timeseries.parquet``,
``manifest.json`` and the comparison tables.

``--resume`` (``resume=True``) reuses every finished run whose identity and inputs are
unchanged, after checking its part, and runs only the rest, so an interrupted sweep
continues and an experiment with more replicates or levels runs only what is new. A change
that alters finished runs (seed, steps, overrides, factors, the scenario) is refused in one
line naming what changed.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.experiment import state as sweep_state
from sim.experiment.export import EXPORT, EXPORT_FILE
from sim.experiment.journal import JOURNAL, PART_PATTERN, PARTS, Journal, part_is_intact, write_part
from sim.experiment.results import (
    FINAL_FILES,
    write_manifest,
    write_runs_csv,
    write_timeseries,
)
from sim.experiment.runner import (
    RunFn,
    RunOutput,
    RunTask,
    check_engine,
    open_engine,
    run_tasks,
)
from sim.experiment.spec import Experiment, canonical, condition_worlds, sha256_text
from sim.experiment.state import STATE
from sim.io import code_fingerprint, ensure_writable_dir, shown, warn
from sim.outdir import (
    LOCK,
    check_force,
    inspect,
    lock_folder,
    mark,
    not_ours,
    now,
    refuse_links,
    remove_own,
)
from sim.seeding import run_seed

OWN_FILES = (STATE, JOURNAL, *FINAL_FILES)
OWN_SUBFOLDERS = {
    PARTS: rf"{PART_PATTERN}|p\d{{5}}-r\d{{5}}\.parquet",  # and parts of earlier versions
    EXPORT: re.escape(EXPORT_FILE),
}
Warn = Callable[[str], None]


@dataclass(frozen=True)
class SweepResult:
    out_dir: Path
    counts: dict[str, int]
    runs: int
    executed: int
    wall_seconds: float
    markdown: str

    def summary(self) -> str:
        """``16 runs (0 failed); 16 run in this session in 9.0 s``."""
        return (
            f"{self.runs} runs ({self.counts.get('failed', 0)} failed); {self.executed} run "
            f"in this session in {self.wall_seconds:.1f} s"
        )


def plan(experiment: Experiment) -> Iterator[RunTask]:
    """Every run of ``experiment`` in result order: condition, world, replicate."""
    for condition in experiment.conditions:
        for world, scenario, sha256 in condition_worlds(experiment, condition):
            for replicate in range(experiment.replicates):
                seed = run_seed_of(experiment, condition.seed_key, world, replicate)
                inputs = {"scenario": sha256, "steps": condition.steps, "seed": seed}
                yield RunTask(
                    point=condition.point,
                    key=(condition.key, world, replicate),
                    seed=seed,
                    steps=condition.steps,
                    scenario=scenario,
                    scenario_sha256=sha256,
                    inputs=sha256_text(canonical(inputs)),
                )


def run_seed_of(experiment: Experiment, condition: int, world: int, replicate: int) -> int:
    """A run's seed: from the condition's identity (``condition``, its key as an integer)
    and the replicate in a factorial sweep; from the world and the replicate alone, the same
    in every condition, when the experiment has worlds (:mod:`sim.experiment.design`)."""
    if experiment.worlds is None:
        return run_seed(experiment.seed, condition, replicate)
    return experiment.worlds.seed(experiment.seed, world, replicate)


def tasks(experiment: Experiment, done: Journal | None = None) -> Iterator[RunTask]:
    """Every run not yet in ``done``, in result order."""
    for task in plan(experiment):
        if done is None or task.key not in done:
            yield task


def run_sweep(
    experiment: Experiment,
    out_dir: str | Path,
    *,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    run_fn: RunFn | None = None,
    progress: bool = True,
    warn: Warn = warn,
    about: dict[str, Any] | None = None,
    kind: str = "sweep",
    extra_files: tuple[str, ...] = (),
) -> SweepResult:
    """Run ``experiment`` into ``out_dir`` and write the results (see the module docstring).

    Raises :class:`InputError` if the folder holds anything but a sweep of sim's (or, unless
    ``resume`` or ``force``, any results), if another process is writing to it, or if
    ``resume`` finds runs that the experiment would now make differently. ``about`` adds
    fields to the folder's marker (the demo marks its folder as such). ``kind`` is the
    folder's kind: ``sweep``, or ``sensitivity`` for a sensitivity design
    (:mod:`sim.experiment.sensitivity`, which writes its own tables, ``extra_files``,
    instead of the comparison).
    """
    if resume and force:
        raise InputError("choose one of --resume and --force", key="--resume")
    if experiment.uncertainties and experiment.worlds is None:
        raise InputError(
            "missing: an experiment with [uncertainties] needs worlds = N to be swept (sim "
            "sensitivity draws its own design)",
            source=str(experiment.path),
            key="experiment.worlds",
        )
    check_engine(engine, scheduler)  # bad options write nothing
    out = Path(out_dir)
    _check_occupant(out, experiment, kind, resume=resume, force=force)  # before writing
    created = not out.exists()
    ensure_writable_dir(out)
    undone = False
    try:
        with lock_folder(out):
            occupant = _check_occupant(out, experiment, kind, resume=resume, force=force)
            continuing = occupant.ours and not force
            if occupant.ours and force:
                check_force(out)
                remove_own(out, (*OWN_FILES, *extra_files), OWN_SUBFOLDERS)
            if not continuing:
                mark(out, kind, experiment=experiment.name, **(about or {}))
            try:
                return _session(
                    out,
                    experiment,
                    resume=continuing,
                    warn=warn,
                    jobs=jobs,
                    engine=engine,
                    scheduler=scheduler,
                    run_fn=run_fn,
                    progress=progress,
                    compare=kind == "sweep",
                )
            except InputError:
                # Refused before any run (a scheduler that cannot be reached): a new
                # folder is left as it was, not marked as holding results.
                if not continuing and not _has_runs(out):
                    remove_own(out, (*OWN_FILES, *extra_files), OWN_SUBFOLDERS)
                    undone = True
                raise
    finally:
        if undone and created:
            (out / LOCK).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                out.rmdir()


def _has_runs(out: Path) -> bool:
    journal = out / JOURNAL
    return journal.is_file() and journal.stat().st_size > 0


KINDS = {"sweep": "a sweep", "sensitivity": "a sensitivity analysis", "run": "a single run"}


def _check_occupant(out: Path, experiment: Experiment, kind: str, *, resume: bool, force: bool):
    occupant = inspect(out, legacy=(STATE, JOURNAL) if kind == "sweep" else ())
    if occupant.kind == "new":
        return occupant
    if occupant.kind == "foreign":
        raise not_ours(out)
    if occupant.kind not in (kind, "legacy"):
        held = KINDS.get(occupant.kind, f"results of another kind ({occupant.kind})")
        raise InputError(
            f"{shown(out)} holds {held}, not {KINDS[kind]}; choose another folder",
            key="--out",
        )
    held = occupant.marker.get("experiment")
    if force:
        return occupant
    if occupant.kind == "legacy":
        raise InputError(
            f"{shown(out)} holds a sweep written by an earlier version of sim; start afresh with "
            "--force or choose a new folder",
            key="--out",
        )
    if resume and held != experiment.name:
        raise InputError(
            f"{shown(out)} holds a sweep of experiment '{held}', not '{experiment.name}'; choose "
            "another folder, or --force to replace it",
            key="--out",
        )
    if not resume:
        raise InputError(
            f"{shown(out)} holds the results of a sweep of '{held}'; use --resume to continue or "
            "extend it, or --force to start afresh",
            key="--out",
        )
    return occupant


def _session(
    out: Path, experiment: Experiment, *, resume: bool, warn: Warn, compare: bool, **engine: Any
) -> SweepResult:
    refuse_links(out, [*OWN_FILES, *OWN_SUBFOLDERS])
    (out / PARTS).mkdir(exist_ok=True)
    old = sweep_state.read(out) if resume else None
    if resume and old is None and (out / STATE).exists():
        warn(f"{STATE} is damaged; every finished run is checked against the experiment instead")
    if old is not None:
        changed = sweep_state.changed(old, experiment)
        if changed:
            raise InputError(
                f"{changed} since the sweep in {shown(out)} started, which would change finished "
                "runs; use --force to start afresh or choose a new folder",
                key="--resume",
            )
    if old is not None and old.get("code", code_fingerprint()) != code_fingerprint():
        warn(
            f"the model's code changed since the sweep in {shown(out)} started (fingerprint "
            f"{old['code']} -> {code_fingerprint()}); its finished runs were made by the "
            "earlier code (use --force to run them all again)"
        )
    journal = Journal(out)
    todo = _check_journal(out, experiment, journal, warn)
    started = old.get("started") if old else None
    state = sweep_state.write(out, experiment, started=started or now())
    if todo:
        for name in FINAL_FILES:  # they describe the runs of an earlier session
            (out / name).unlink(missing_ok=True)
    start_wall, start = now(), time.perf_counter()
    executed, workers = _run(out, experiment, journal, todo, **engine)
    wall = time.perf_counter() - start
    timings = {
        "started": state["started"],
        "session_started": start_wall,
        "finished": now(),
        "wall_seconds": round(wall, 3),
        "runs_executed": executed,
        "runs_per_second": round(executed / wall, 3) if wall > 0 else None,
    }
    return _finish(out, experiment, journal, timings, executed, engine["engine"], workers, compare)


def _check_journal(out: Path, experiment: Experiment, journal: Journal, warn: Warn) -> int:
    """Check every recorded run against the experiment and its part; forget those whose
    part is missing or damaged. Returns how many runs are still to do."""
    if journal.ignored:
        warn(f"ignored {journal.ignored} damaged line(s) in {JOURNAL}; their runs run again")
    planned = 0
    damaged = []
    keys = set()
    with journal.reader() if len(journal) else contextlib.nullcontext() as read:
        for task in plan(experiment):
            planned += 1
            keys.add(task.key)
            if task.key not in journal:
                continue
            record = read(task.key)
            if record["inputs"] != task.inputs:
                raise InputError(
                    _changed_run(record, task, experiment.worlds is not None), key="--resume"
                )
            if record["status"] == "ok" and not part_is_intact(out, task.key, record["part"]):
                damaged.append(task.key)
    for key in damaged:
        journal.forget(key)
    if damaged:
        warn(f"{len(damaged)} finished run(s) have a missing or damaged part and run again")
    stray = sum(1 for key in journal.index if key not in keys)
    if stray:
        warn(f"{stray} finished run(s) in {JOURNAL} are not part of the experiment; left out")
    return planned - sum(1 for key in journal.index if key in keys)


def _changed_run(record: dict[str, Any], task: RunTask, worlds: bool) -> str:
    fields = [
        name
        for name, old, new in (
            ("seed", record.get("seed"), task.seed),
            ("steps", record.get("steps"), task.steps),
            ("scenario", record.get("scenario"), task.scenario_sha256),
        )
        if old != new
    ]
    what = " and ".join(fields) or "inputs"
    return (
        f"the finished run ({task.describe(worlds)}) was made with another {what}; use --force "
        "to start afresh or choose a new folder"
    )


def _run(
    out: Path,
    experiment: Experiment,
    journal: Journal,
    todo: int,
    *,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    run_fn: RunFn | None,
    progress: bool,
) -> tuple[int, int]:
    """Run what is not done; return how many runs this session executed, and on how many
    workers."""
    if not todo:
        return 0, 0
    executed = 0
    done = experiment.n_runs - todo
    with (
        open_engine(engine, jobs, scheduler) as opened,
        journal,
        _progress_bar(experiment.n_runs, done, journal.failed(), progress) as bar,
    ):

        def on_done(output: RunOutput) -> None:
            nonlocal executed
            part = None if output.part is None else write_part(out, output.key, output.part)
            journal.append(output.record(part))
            executed += 1
            if bar is not None:
                bar.update(1)
                if output.status != "ok":
                    bar.set_postfix(failed=journal.failed(), refresh=False)

        if opened.workers > 1:
            # Load what the final tables need while the workers start, not after the runs.
            import sim.analysis  # noqa: F401

        run_tasks(tasks(experiment, journal), opened.executor, opened.in_flight, on_done, run_fn)
    return executed, opened.workers


def _finish(
    out: Path,
    experiment: Experiment,
    journal: Journal,
    timings: dict[str, Any],
    executed: int,
    engine: str,
    workers: int,
    compare: bool = True,
) -> SweepResult:
    from sim.analysis import write_comparison

    counts = write_runs_csv(out, experiment, journal, plan(experiment))
    write_timeseries(out, journal, plan(experiment), worlds=experiment.worlds is not None)
    write_manifest(
        out,
        experiment,
        counts=counts,
        timings=timings,
        engine=engine,
        jobs=workers,
    )
    markdown = write_comparison(out) if compare else ""
    return SweepResult(
        out, dict(counts), experiment.n_runs, executed, timings["wall_seconds"], markdown
    )


def _progress_bar(total: int, done: int, failed: int, enabled: bool):
    if not (enabled and sys.stderr.isatty()):
        return contextlib.nullcontext()
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=done,
        unit="run",
        desc="sweep",
        dynamic_ncols=True,
        postfix={"failed": failed},
    )
