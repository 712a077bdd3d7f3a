"""Reading a sweep that has not finished: the runs done so far, from the journal and parts.

An interrupted sweep has ``sweep.json``, ``journal.jsonl`` and ``parts/`` but not yet the
final files. :func:`load_partial` gives ``sim plot`` and ``sim compare`` the same run
table, manifest and time series that the finished sweep would have for those runs, and a
one-line message saying that the sweep is incomplete and how to continue it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import InputError
from sim.experiment import state as sweep_state
from sim.experiment.journal import JOURNAL, PARTS, Journal, part_is_intact, part_path
from sim.io import shown
from sim.outcomes import OUTCOMES
from sim.outdir import inspect, refuse_links


@dataclass(frozen=True)
class Partial:
    """The finished runs of an unfinished sweep, shaped like a finished sweep's files."""

    folder: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    parts: list[tuple[Path, dict[str, int]]]  # (part, its identity columns), successful runs
    done: int
    total: int

    @property
    def message(self) -> str:
        experiment = self.manifest.get("file") or "EXPERIMENT"
        return (
            f"{shown(self.folder)} holds an incomplete sweep ({self.done} of {self.total} runs "
            f"finished); showing the finished runs. Continue it with `sim sweep {experiment} "
            f"--out {self.folder} --resume`"
        )

    def timeseries(self) -> pd.DataFrame:
        """Every successful finished run's time series, with ``point``, (``world``) and
        ``replicate``."""
        import pyarrow.parquet as pq

        frames = []
        for path, ids in self.parts:
            frame = pq.read_table(path).to_pandas()
            for i, (name, value) in enumerate(ids.items()):
                frame.insert(i, name, value)
            frames.append(frame)
        if not frames:
            raise InputError(
                f"{shown(self.folder)} holds an incomplete sweep with no successful run yet; "
                f"continue it with --resume",
                key="DIR",
            )
        return pd.concat(frames, ignore_index=True)


def load_partial(folder: str | Path) -> Partial | None:
    """The finished runs in ``folder`` if it holds an unfinished sweep, else ``None``."""
    out = Path(folder)
    if inspect(out).kind != "sweep" or (out / "manifest.json").exists():
        return None
    refuse_links(out, [sweep_state.STATE, JOURNAL, PARTS], key="DIR")
    state = sweep_state.read(out)
    if state is None:
        raise InputError(
            f"{shown(out)} holds an incomplete sweep whose sweep.json is damaged; continue it with "
            "`sim sweep EXPERIMENT --out DIR --resume`",
            key="DIR",
        )
    journal = Journal(out)
    factors = list(state["factors"])
    worlds = state.get("worlds") or [{"world": 0}]
    keys = [k for k in worlds[0] if k != "world"]
    has_worlds = "design" in state
    rows, parts = [], []
    if len(journal):
        with journal.reader() as read:
            for condition in state["conditions"]:
                for world in worlds:
                    for replicate in range(state["replicates"]):
                        key = (condition["key"], world["world"], replicate)
                        if key not in journal:
                            continue
                        record = read(key)
                        if record["status"] == "ok" and not part_is_intact(
                            out, key, record["part"]
                        ):
                            continue
                        shown_world = world if has_worlds else {}
                        rows.append(_row(condition, factors, shown_world, replicate, record))
                        if record["status"] == "ok":
                            ids = {"point": condition["point"], **_world_id(shown_world)}
                            parts.append((part_path(out, key), {**ids, "replicate": replicate}))
    ids = ["world", *keys] if has_worlds else []
    columns = ["point", "condition", *factors, *ids, "replicate", "seed", "status", "error"]
    runs = pd.DataFrame(rows, columns=[*columns, *OUTCOMES])
    for name in OUTCOMES:
        runs[name] = pd.to_numeric(runs[name], errors="coerce")
    manifest = _manifest(state, runs)
    return Partial(out, manifest, runs, parts, len(rows), state["runs"])


def _world_id(world: dict[str, Any]) -> dict[str, int]:
    return {"world": world["world"]} if world else {}


def _row(
    condition: dict, factors: list[str], world: dict, replicate: int, record: dict
) -> dict[str, Any]:
    values = condition.get("values") or {}
    outcomes = record.get("outcomes") or {}
    return {
        "point": condition["point"],
        "condition": condition["label"],
        **{name: values.get(name) for name in factors},
        **world,
        "replicate": replicate,
        "seed": record["seed"],
        "status": record["status"],
        "error": record.get("error", ""),
        **{name: outcomes.get(name) for name in OUTCOMES},
    }


def _manifest(state: dict[str, Any], runs: pd.DataFrame) -> dict[str, Any]:
    reference = state.get("reference") or {}
    point = next((c["point"] for c in state["conditions"] if c.get("values") == reference), 0)
    counts = runs["status"].value_counts().to_dict()
    return {
        "experiment": state.get("experiment"),
        "file": state.get("file"),
        "factors": state["factors"],
        "reference": reference,
        "reference_point": point,
        "conditions": state["conditions"],
        "overrides": state["overrides"],
        "steps": state["steps"],
        "replicates": state["replicates"],
        "seed": state["seed"],
        "runs": state["runs"],
        "counts": {"ok": counts.get("ok", 0), "failed": counts.get("failed", 0)},
        "complete": False,
        "scenario": state["scenario"],
        **{k: state[k] for k in ("uncertainties", "design", "worlds") if k in state},
    }
