"""The final files of a sweep, written from the journal and the parts, one run at a time.

``runs.csv`` and ``timeseries.parquet`` depend only on the journal's content and the
experiment, never on the order in which runs finished, so an interrupted, resumed or
extended sweep gives the same bytes as one that ran straight through. In a sweep over
worlds both have a ``world`` column, and ``runs.csv`` one column per uncertain key with the
world's value; ``manifest.json`` records the uncertainties and the sampled worlds.
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
WORLD_ID_COLUMNS = ("point", "world", "replicate")
"""The identity columns of ``timeseries.parquet``: with worlds, the world too."""
ROW_GROUP_ROWS = 100_000
ROW_GROUP_PARTS = 64


def runs_header(experiment: Experiment) -> list[str]:
    worlds = experiment.worlds
    return [
        "point",
        "condition",
        *experiment.factors,
        *([] if worlds is None else ["world", *worlds.keys]),
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
    worlds = experiment.worlds
    world = (
        []
        if worlds is None
        else [str(record["world"]), *map(_cell, worlds.overrides(record["world"]).values())]
    )
    return [
        str(record["point"]),
        condition.label,
        *(_cell(v) for v in condition.values.values()),
        *world,
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


def write_timeseries(
    out_dir: Path, journal: Journal, plan: Iterable[RunTask], *, worlds: bool = False
) -> None:
    """Stream the parts of successful runs into one Parquet file, in run order, with the
    columns ``point``, (``world``, when the experiment has worlds) ``replicate``, then the
    time series.

    Parts are gathered into row groups of at most ``ROW_GROUP_PARTS`` runs (and about
    ``ROW_GROUP_ROWS`` rows), so memory holds one row group however many runs there are.
    """
    import pyarrow.parquet as pq

    runs = ok_runs(journal, plan)
    schema = _schema(out_dir, runs, WORLD_ID_COLUMNS if worlds else ID_COLUMNS)

    def write(tmp: Path) -> None:
        with pq.ParquetWriter(tmp, schema) as writer:
            for batch in read_parts(out_dir, runs, schema):
                writer.write_table(batch)

    atomic_write(out_dir / TIMESERIES, write)


def read_parts(out_dir: Path, runs: list[RunTask], schema: pa.Schema):
    """The parts of ``runs`` with their identity columns, in batches of about
    ``ROW_GROUP_ROWS`` rows; :class:`InputError` if one cannot be read."""
    import pyarrow as pa

    batch: list[pa.Table] = []
    rows = 0
    for task in runs:
        table = _read_part(out_dir, task, worlds="world" in schema.names)
        ids = {"point": task.point, "world": task.key[1], "replicate": task.replicate}
        batch.append(_conform(table, ids, schema))
        rows += table.num_rows
        if rows >= ROW_GROUP_ROWS or len(batch) >= ROW_GROUP_PARTS:
            yield pa.concat_tables(batch)
            batch, rows = [], 0
    if batch:
        yield pa.concat_tables(batch)


def _read_part(out_dir: Path, task: RunTask, *, schema_only: bool = False, worlds: bool = False):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = part_path(out_dir, task.key)
    try:
        return pq.read_schema(path) if schema_only else pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(
            f"the part of run ({task.describe(worlds)}) is missing or damaged "
            f"({type(exc).__name__}); run the sweep again with --resume to redo it",
            source=str(path),
        ) from None


def _schema(out_dir: Path, runs: list[RunTask], id_columns: tuple[str, ...]) -> pa.Schema:
    """The identity columns, then the union of the parts' columns (read one at a time)."""
    import pyarrow as pa

    ids = [pa.field(name, pa.int64()) for name in id_columns]
    merged = pa.schema([pa.field("step", pa.int64())])
    worlds = "world" in id_columns
    for i, task in enumerate(runs):
        part = _read_part(out_dir, task, schema_only=True, worlds=worlds).remove_metadata()
        merged = part if i == 0 else pa.unify_schemas([merged, part], promote_options="permissive")
    return pa.schema(ids + list(merged))


def _conform(table: pa.Table, ids: dict[str, int], schema: pa.Schema) -> pa.Table:
    """``table`` with the identity columns of ``schema`` filled from ``ids`` and every other
    column cast to the schema's type (or null where the part lacks it)."""
    import pyarrow as pa

    n = table.num_rows
    columns = []
    for f in schema:
        if f.name in ids and f.name not in table.column_names:
            columns.append(pa.array([ids[f.name]] * n, pa.int64()))
        elif f.name in table.column_names:
            columns.append(table[f.name].cast(f.type))
        else:
            columns.append(pa.nulls(n, f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def worlds_json(experiment: Experiment) -> dict[str, Any]:
    """The uncertainties (as their tables are written), how the worlds were drawn and every
    world's values, for the manifest and ``sweep.json``; nothing without worlds."""
    if experiment.worlds is None:
        return {}
    return {
        "uncertainties": {u.key: u.as_json() for u in experiment.uncertainties},
        "design": experiment.worlds.as_json(),
        "worlds": experiment.worlds.table_json(),
    }


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
        **worlds_json(experiment),
    }
    atomic_write_json(out_dir / MANIFEST, manifest)
    return manifest
