"""The comparison of a sweep's results folder: read it, compare, write the tables.

``write_comparison(out_dir)`` is what a sweep calls when it has finished; ``sim compare``
calls :func:`compare_folder` and prints the table in the format asked for
(:func:`format_comparison`). A sweep over sampled worlds (``runs.csv`` has a ``world``
column) gets the decision table over worlds (:mod:`sim.analysis.worlds`); a factorial
sweep gets the table of means over replicates (:mod:`sim.analysis.tables`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.analysis.formatting import format_table
from sim.analysis.tables import compare_runs
from sim.errors import InputError
from sim.io import atomic_write_text, ensure_writable_dir
from sim.outcomes import OUTCOMES

RUNS_COLUMNS = ("point", "condition", "replicate", "status")
WORLD = "world"
"""The column of a world's number in ``runs.csv`` (as :data:`sim.experiment.uncertainty.WORLD`)."""
SENSITIVITY_METHODS = ("morris", "sobol")
_NA = ["", "nan", "NaN", "NA", "None", "null"]
"""Text read as a missing outcome value ("not reached"); factor values are kept as written."""


def read_runs(path: str | Path) -> pd.DataFrame:
    """Read a sweep's ``runs.csv``: factor values stay as written, empty outcome cells → NaN."""
    p = Path(path)
    if not p.is_file():
        raise InputError("not found (a sweep writes it)", source=str(p))
    try:
        runs = pd.read_csv(
            p,
            keep_default_na=False,
            na_values={name: _NA for name in OUTCOMES},
            dtype={"condition": str, "error": str},
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {' '.join(str(exc).split())}", source=str(p)) from None
    missing = [c for c in RUNS_COLUMNS if c not in runs.columns]
    if missing:
        raise InputError(f"no column {missing[0]!r}; not a sweep's run table", source=str(p))
    for column in ("point", "replicate", *([WORLD] if WORLD in runs.columns else [])):
        values = pd.to_numeric(runs[column], errors="coerce")
        if values.isna().any() or (values % 1 != 0).any():
            raise InputError(f"column {column!r} holds more than whole numbers", source=str(p))
        runs[column] = values.astype(int)
    return runs


def read_manifest(path: str | Path) -> dict:
    """Read a sweep's ``manifest.json`` and check it has ``factors`` and ``reference``."""
    p = Path(path)
    if not p.is_file():
        raise InputError("not found (a sweep writes it)", source=str(p))
    try:
        manifest = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}", source=str(p)) from None
    if not isinstance(manifest, dict):
        raise InputError("not a sweep's manifest (not a mapping)", source=str(p))
    for key in ("factors", "reference"):
        if not isinstance(manifest.get(key), dict):
            raise InputError("missing or not a mapping", source=str(p), key=key)
    return manifest


def compare_folder(
    out_dir: str | Path,
    runs: pd.DataFrame | None = None,
    manifest: dict | None = None,
    outcomes: list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """:func:`compare_runs` on a results folder, reading whatever is not passed in; for a
    sweep over worlds, :func:`sim.analysis.worlds.decision_table`."""
    folder = Path(out_dir)
    if runs is None or manifest is None:
        from sim.outdir import results_folder

        folder = results_folder(out_dir, what="no such results folder", key=None)
    if runs is None and manifest is None and not (folder / "manifest.json").exists():
        from sim.experiment.partial import load_partial
        from sim.outdir import inspect

        if inspect(folder).kind == "sensitivity":
            raise _not_a_sweep(folder, "unfinished")
        from sim.io import warn

        partial = load_partial(folder)
        if partial is not None:
            warn(partial.message)
            runs, manifest = partial.runs, partial.manifest
    runs = read_runs(folder / "runs.csv") if runs is None else runs
    manifest = read_manifest(folder / "manifest.json") if manifest is None else manifest
    method = (manifest.get("design") or {}).get("method")
    if method in SENSITIVITY_METHODS:
        raise _not_a_sweep(folder, method)
    factors = list(manifest["factors"])
    if WORLD in runs.columns:
        from sim.analysis.worlds import decision_table

        return decision_table(runs, factors, manifest["reference"], outcomes, level)
    return compare_runs(runs, factors, manifest["reference"], outcomes, level)


def _not_a_sweep(folder: Path, what: str) -> InputError:
    return InputError(
        f"holds a sensitivity analysis ({what}), whose sample points are not a sample of "
        "plausible worlds; its tables are sensitivity.md and sensitivity.csv",
        source=str(folder),
    )


def is_decision(table: pd.DataFrame) -> bool:
    """Is ``table`` a decision table over worlds (rather than a table of means)?"""
    return "worlds" in table.attrs


def format_comparison(table: pd.DataFrame, fmt: str = "md") -> str:
    """The table of :func:`compare_folder` as text: a table of means in any of
    :data:`sim.defaults.TABLE_FORMATS`, a decision table over worlds as ``md``, ``csv`` or
    ``latex``."""
    if not is_decision(table):
        return format_table(table, fmt)
    from sim.analysis.worlds import format_decision

    if fmt == "wide":
        raise InputError(
            "'wide' is for sweeps without worlds; use md, csv or latex", key="--format"
        )
    return format_decision(table, fmt)


def write_comparison(
    out_dir: str | Path,
    runs: pd.DataFrame | None = None,
    manifest: dict | None = None,
    outcomes: list[str] | None = None,
    level: float = 0.95,
) -> str:
    """Compare the conditions of the sweep in ``out_dir`` and write ``comparison.md`` and
    ``comparison.csv`` there (atomically). Returns the Markdown text.

    ``runs`` and ``manifest`` are read from ``runs.csv`` and ``manifest.json`` when not
    given. A sweep calls ``write_comparison(out_dir)`` when it has finished.
    """
    table = compare_folder(out_dir, runs, manifest, outcomes, level)
    folder = ensure_writable_dir(out_dir, key="out_dir")
    text = format_comparison(table, "md")
    atomic_write_text(folder / "comparison.md", text)
    atomic_write_text(folder / "comparison.csv", format_comparison(table, "csv"))
    return text
