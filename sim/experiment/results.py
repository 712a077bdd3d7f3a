"""The final files of a sweep, written from the journal and the parts, one run at a time.

``runs.csv`` and ``timeseries.parquet`` depend only on the journal's content and the
experiment, never on the order in which runs finished, so an interrupted, resumed or
extended sweep gives the same bytes as one that ran straight through.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import InputError
from sim.experiment.journal import Journal, part_path
from sim.experiment.spec import Experiment
from sim.io import atomic_write, atomic_write_json, package_versions
from sim.outcomes import OUTCOMES

if TYPE_CHECKING:
    import pyarrow as pa

    from sim.experiment.runner import RunTask

RUNS = "runs.csv"
TIMESERIES = "timeseries.parquet"
MANIFEST = "manifest.json"
COMPARISON = ("comparison.md", "comparison.csv")
FINAL_FILES = (RUNS, TIMESERIES, MANIFEST, *COMPARISON)
ID_COLUMNS = ("point", "replicate")
ROW_GROUP_ROWS = 100_000
ROW_GROUP_PARTS = 64


def runs_header(experiment: Experiment) -> list[str]:
    return [
        "point",
        "condition",
        *experiment.factors,
        "replicate",
        "seed",
        "status",
        "error",
        *OUTCOMES,
    ]


def write_runs_csv(
    out_dir: Path, experiment: Experiment, journal: Journal, plan: Iterable[RunTask]
) -> Counter:
    """One row per finished run of ``plan`` (in its order); returns the counts by status."""
    counts: Counter = Counter()

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(runs_header(experiment))
            for record in finished_records(journal, plan):
                counts[record["status"]] += 1
                writer.writerow(run_row(experiment, record))

    atomic_write(out_dir / RUNS, write)
    return counts


def finished_records(journal: Journal, plan: Iterable[RunTask]):
    """The journal lines of the runs of ``plan`` that are done, in ``plan``'s order, each
    with the run's current ``point``."""
    if not len(journal):
        return
    with journal.reader() as read:
        for task in plan:
            if task.key in journal:
                yield {**read(task.key), "point": task.point}


def run_row(experiment: Experiment, record: dict[str, Any]) -> list[str]:
    condition = experiment.conditions[record["point"]]
    outcomes = record.get("outcomes") or {}
    return [
        str(record["point"]),
        condition.label,
        *(_cell(v) for v in condition.values.values()),
        str(record["replicate"]),
        str(record["seed"]),
        record["status"],
        record.get("error", ""),
        *(_cell(outcomes.get(name)) for name in OUTCOMES),
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def ok_runs(journal: Journal, plan: Iterable[RunTask]) -> list[RunTask]:
    """The successful runs of ``plan``, in its order."""
    return [t for t in plan if journal.status.get(t.key) == "ok"]


def write_timeseries(out_dir: Path, journal: Journal, plan: Iterable[RunTask]) -> None:
    """Stream the parts of successful runs into one Parquet file, in run order.

    Parts are gathered into row groups of at most ``ROW_GROUP_PARTS`` runs (and about
    ``ROW_GROUP_ROWS`` rows), so memory holds one row group however many runs there are.
    """
    import pyarrow.parquet as pq

    runs = ok_runs(journal, plan)
    schema = _schema(out_dir, runs)

    def write(tmp: Path) -> None:
        with pq.ParquetWriter(tmp, schema) as writer:
            for batch in read_parts(out_dir, runs, schema):
                writer.write_table(batch)

    atomic_write(out_dir / TIMESERIES, write)


def read_parts(out_dir: Path, runs: list[RunTask], schema: pa.Schema):
    """The parts of ``runs`` with their ``point`` and ``replicate``, in batches of about
    ``ROW_GROUP_ROWS`` rows; :class:`InputError` if one cannot be read."""
    import pyarrow as pa

    batch: list[pa.Table] = []
    rows = 0
    for task in runs:
        table = _read_part(out_dir, task)
        batch.append(_conform(table, task.point, task.replicate, schema))
        rows += table.num_rows
        if rows >= ROW_GROUP_ROWS or len(batch) >= ROW_GROUP_PARTS:
            yield pa.concat_tables(batch)
            batch, rows = [], 0
    if batch:
        yield pa.concat_tables(batch)


def _read_part(out_dir: Path, task: RunTask, *, schema_only: bool = False):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = part_path(out_dir, task.key)
    try:
        return pq.read_schema(path) if schema_only else pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(
            f"the part of run (condition {task.point}, replicate {task.replicate}) is "
            f"missing or damaged ({type(exc).__name__}); run the sweep again with --resume "
            "to redo it",
            source=str(path),
        ) from None


def _schema(out_dir: Path, runs: list[RunTask]) -> pa.Schema:
    """``point``, ``replicate``, then the union of the parts' columns (read one at a time)."""
    import pyarrow as pa

    ids = [pa.field(name, pa.int64()) for name in ID_COLUMNS]
    merged = pa.schema([pa.field("step", pa.int64())])
    for i, task in enumerate(runs):
        part = _read_part(out_dir, task, schema_only=True).remove_metadata()
        merged = part if i == 0 else pa.unify_schemas([merged, part], promote_options="permissive")
    return pa.schema(ids + list(merged))


def _conform(table: pa.Table, point: int, replicate: int, schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    n = table.num_rows
    columns = []
    for f in schema:
        if f.name == "point":
            columns.append(pa.array([point] * n, pa.int64()))
        elif f.name == "replicate":
            columns.append(pa.array([replicate] * n, pa.int64()))
        elif f.name in table.column_names:
            columns.append(table[f.name].cast(f.type))
        else:
            columns.append(pa.nulls(n, f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def write_manifest(
    out_dir: Path,
    experiment: Experiment,
    *,
    counts: Counter,
    timings: dict[str, Any],
    engine: str,
    jobs: int,
) -> dict[str, Any]:
    """Everything needed to know what was run, with what, and how fast."""
    manifest = {
        "experiment": experiment.name,
        "description": experiment.description,
        "file": str(experiment.path.resolve()),
        "sha256": experiment.sha256,
        "text": experiment.text,
        "scenario_file": str(experiment.scenario_path),
        "factors": experiment.factors,
        "reference": experiment.reference,
        "reference_point": next(
            c.point for c in experiment.conditions if c.values == experiment.reference
        ),
        "conditions": [c.as_json() for c in experiment.conditions],
        "overrides": experiment.overrides,
        "steps": experiment.steps,
        "replicates": experiment.replicates,
        "seed": experiment.seed,
        "runs": experiment.n_runs,
        "counts": {"ok": counts.get("ok", 0), "failed": counts.get("failed", 0)},
        "engine": engine,
        "jobs": jobs,
        "timings": timings,
        "versions": package_versions(),
        "scenario": experiment.base.model_dump(mode="json"),
        "files": {"runs": RUNS, "timeseries": TIMESERIES},
    }
    atomic_write_json(out_dir / MANIFEST, manifest)
    return manifest
