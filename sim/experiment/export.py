"""Time series as CSV, for people who use spreadsheets: ``sim export DIR``.

One row per run and week: ``point``, ``condition``, one column per factor, (``world`` in a
sweep over worlds,) ``replicate``, ``step`` and then every weekly indicator, as in
``timeseries.parquet``. Written in row
groups, so memory stays flat however many runs there are; an unfinished sweep exports its
finished runs, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.experiment.partial import load_partial
from sim.experiment.results import MANIFEST, TIMESERIES
from sim.io import atomic_write, read_json, shown, warn
from sim.outdir import refuse_links, results_folder

EXPORT = "export"
EXPORT_FILE = "timeseries.csv"


def default_target(folder: Path) -> Path:
    return folder / EXPORT / EXPORT_FILE


def export_csv(folder: str | Path, target: str | Path | None = None) -> Path:
    """Write the sweep in ``folder`` as CSV (default ``folder/export/timeseries.csv``)."""
    folder = results_folder(folder)
    manifest, frames = _source(folder)
    factors = list(manifest.get("factors") or {})
    info = {
        int(c["point"]): (c.get("label", ""), c.get("values") or {})
        for c in manifest.get("conditions") or []
    }
    if target is None:
        refuse_links(folder, [EXPORT])
        (folder / EXPORT).mkdir(exist_ok=True)
        target = default_target(folder)
    target = Path(target)

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            for i, frame in enumerate(frames):
                _with_conditions(frame, factors, info).to_csv(fh, header=i == 0, index=False)

    atomic_write(target, write)
    return target


def _source(folder: Path) -> tuple[dict, Iterator[pd.DataFrame]]:
    manifest = read_json(folder / MANIFEST)
    if isinstance(manifest, dict):
        return manifest, _parquet_frames(folder / TIMESERIES)
    partial = load_partial(folder)
    if partial is None:
        raise InputError(f"{shown(folder)} holds no sweep (no {MANIFEST})", key="DIR")
    warn(partial.message)
    return partial.manifest, iter([partial.timeseries()])


def _parquet_frames(path: Path) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(path)
        for batch in reader.iter_batches():
            yield batch.to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"cannot read: {type(exc).__name__}", source=str(path)) from None


def _with_conditions(frame: pd.DataFrame, factors: list[str], info: dict) -> pd.DataFrame:
    if "point" not in frame.columns:
        raise InputError("the time series has no 'point' column", key="DIR")
    points = frame["point"].astype(int)
    front = {"point": points, "condition": points.map(lambda p: info.get(p, ("", {}))[0])}
    for name in factors:
        front[name] = points.map(lambda p, n=name: info.get(p, ("", {}))[1].get(n))
    rest = frame.drop(columns=["point"])
    return pd.concat([pd.DataFrame(front), rest], axis=1)
