"""``sweep.json``: the experiment as it was when a sweep's current session started.

It records what determines the finished runs (seed, steps, factors, overrides, the
resolved base scenario, and in a sweep over worlds the uncertainties and how the worlds
were drawn) so that ``--resume`` can say in one line what changed, and what an unfinished
folder holds (conditions, reference, replicates, worlds) so that ``sim plot`` and ``sim
compare`` can read the runs finished so far.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.experiment.design import describe
from sim.experiment.results import worlds_json
from sim.experiment.spec import Experiment, canonical
from sim.io import atomic_write_json, code_fingerprint, read_json

STATE = "sweep.json"
FORMAT = 2
KEYS = ("seed", "steps", "factors", "overrides", "scenario", "conditions", "replicates")


def write(out: Path, experiment: Experiment, *, started: str) -> dict[str, Any]:
    state = {
        "format": FORMAT,
        "experiment": experiment.name,
        "file": str(experiment.path),
        "scenario_file": str(experiment.scenario_path),
        "seed": experiment.seed,
        "steps": experiment.steps,
        "replicates": experiment.replicates,
        "factors": experiment.factors,
        "reference": experiment.reference,
        "overrides": experiment.overrides,
        "conditions": [c.as_json() for c in experiment.conditions],
        "runs": experiment.n_runs,
        "scenario": experiment.base.model_dump(mode="json"),
        "started": started,
        "code": code_fingerprint(),
        **worlds_json(experiment),
    }
    atomic_write_json(out / STATE, state)
    return state


def read(out: Path) -> dict[str, Any] | None:
    """The state in ``out``, or ``None`` if it is missing or damaged."""
    state = read_json(out / STATE)
    ok = (
        isinstance(state, dict)
        and state.get("format") == FORMAT
        and all(k in state for k in KEYS)
        and isinstance(state["factors"], dict)
        and isinstance(state["overrides"], dict)
        and isinstance(state["scenario"], dict)
        and isinstance(state["conditions"], list)
        and isinstance(state.get("uncertainties", {}), dict)
        and isinstance(state.get("worlds", []), list)
    )
    return state if ok else None


def changed(old: dict[str, Any], experiment: Experiment) -> str | None:
    """What changed since ``old`` that would change finished runs, in words, or ``None``."""
    if old["seed"] != experiment.seed:
        return f"experiment.seed changed ({old['seed']} -> {experiment.seed})"
    if old["steps"] != experiment.steps:
        return f"experiment.steps changed ({old['steps']} -> {experiment.steps})"
    before, now = set(old["factors"]), set(experiment.factors)
    if before != now:
        added, removed = sorted(now - before), sorted(before - now)
        parts = [
            f"added {', '.join(added)}" if added else "",
            f"removed {', '.join(removed)}" if removed else "",
        ]
        return f"the factors changed ({'; '.join(p for p in parts if p)})"
    diff = first_difference(old["overrides"], experiment.overrides, flat=True)
    if diff:
        return f"overrides.{diff} changed"
    diff = first_difference(old["scenario"], experiment.base.model_dump(mode="json"))
    if diff:
        return f"the scenario {experiment.scenario_path.name} changed: {diff}"
    return _worlds_changed(old, worlds_json(experiment))


def _worlds_changed(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """What changed in the uncertainties or the design of the worlds, or ``None``."""
    diff = first_difference(old.get("uncertainties", {}), new.get("uncertainties", {}), flat=True)
    if diff:
        return f"uncertainties.{diff} changed"
    before, after = old.get("design"), new.get("design")
    if canonical(before) != canonical(after):
        return f"the worlds changed ({describe(before)} -> {describe(after)})"
    return None


def first_difference(old: dict, new: dict, *, flat: bool = False, prefix: str = "") -> str | None:
    """``key (old -> new)`` for the first dotted key whose value differs, or ``None``."""
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key, "unset"), new.get(key, "unset")
        if canonical(a) == canonical(b):
            continue
        if not flat and isinstance(a, dict) and isinstance(b, dict):
            inner = first_difference(a, b, prefix=f"{prefix}{key}.")
            if inner:
                return inner
        return f"{prefix}{key} ({_short(a)} -> {_short(b)})"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
