"""One run of the model: simulate, summarise, write, describe.

This is the library behind ``sim run`` and the unit of work of every sweep.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import pandas as pd

from sim.errors import InputError
from sim.io import (
    atomic_write,
    atomic_write_json,
    ensure_writable_dir,
    package_versions,
    shown,
)
from sim.outdir import check_force, inspect, mark, not_ours, refuse_links, remove_own
from sim.scenario import Scenario
from sim.seeding import check_seed, fresh_seed

RUN_FILES = ("timeseries.csv", "summary.json")
MAX_FOLDER_NAME = 96


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run: per-step time series (step 0 included) and run-level summary."""

    scenario: Scenario
    seed: int
    steps: int
    timeseries: pd.DataFrame
    summary: dict
    waves: list[dict] = field(default_factory=list)


def simulate(
    scenario: Scenario | None = None, seed: int | None = None, steps: int | None = None
) -> RunResult:
    """Run ``scenario`` for ``steps`` weeks (default ``run.steps``) with ``seed``.

    A missing seed is drawn from fresh entropy and recorded in the result.
    """
    from sim.model import RolloutModel

    seed = fresh_seed() if seed is None else check_seed(seed, key="seed")
    model = RolloutModel(scenario=scenario, seed=seed)
    try:
        steps = model.scenario.run.steps if steps is None else int(steps)
        for _ in range(steps):
            model.step()
        return RunResult(
            model.scenario, seed, steps, model.timeseries(), model.summary(), model.waves()
        )
    finally:
        release(model)


def release(model) -> None:
    """Let a finished model be garbage-collected.

    Mesa 3.3 keeps a reference to every model in ``Agent._ids`` (the per-model counters of
    agent ids; mesa/mesa#3179), so a process that runs many models would keep them all in
    memory. Forgetting the finished model's counter fixes that.
    """
    mesa.Agent._ids.pop(model, None)


def write_run(result: RunResult, out_dir: str | Path, label: str | None = None) -> None:
    """Write ``timeseries.csv`` and ``summary.json`` into ``out_dir`` (atomically).

    ``label`` names what was run (the scenario and its overrides) in figures."""
    out = Path(out_dir)
    atomic_write(out / "timeseries.csv", lambda p: result.timeseries.to_csv(p, index=False))
    summary = {
        "outcomes": result.summary,
        "waves": result.waves,
        "seed": result.seed,
        "steps": result.steps,
        "versions": package_versions(),
        "scenario": result.scenario.model_dump(mode="json"),
    }
    if label:
        summary["label"] = label
    atomic_write_json(out / "summary.json", summary)


# --- the run's folder --------------------------------------------------------------------


def run_label(scenario_path: str | Path | None, overrides: dict[str, Any]) -> str:
    """``default, rollout.strategy=big_bang``: the scenario file and the overrides."""
    stem = Path(scenario_path).stem if scenario_path else "defaults"
    return ", ".join([stem, *(f"{k}={_text(v)}" for k, v in overrides.items())])


def default_run_folder(
    scenario_path: str | Path | None, seed: int, overrides: dict[str, Any]
) -> Path:
    """``results/run-42-default-rollout.strategy=big_bang``: named after what was run, so
    runs with the same seed and different overrides get folders of their own (a long name
    is cut and ends with a short hash of the whole)."""
    stem = Path(scenario_path).stem if scenario_path else "defaults"
    name = "-".join([f"run-{seed}", stem, *(f"{k}={_text(v)}" for k, v in overrides.items())])
    name = re.sub(r"[^A-Za-z0-9._=+-]", "_", name)
    if len(name) > MAX_FOLDER_NAME:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{name[: MAX_FOLDER_NAME - 9]}-{digest}"
    return Path("results") / name


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def run_identity(scenario: Scenario, seed: int, steps: int | None) -> str:
    """A hash of what determines a run's results."""
    steps = scenario.run.steps if steps is None else int(steps)
    data = {"scenario": scenario.model_dump(mode="json"), "seed": seed, "steps": steps}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def prepare_run_folder(out: Path, identity: str, label: str, *, force: bool = False) -> Path:
    """Make ``out`` ready for one run's files: new or empty, or holding the same run (its
    files are rewritten identically); with ``force``, another run's results are replaced.
    A sweep's folder or one sim did not write is refused (see :mod:`sim.outdir`)."""
    occupant = inspect(out)
    if occupant.kind == "foreign":
        raise not_ours(out)
    if occupant.ours and occupant.kind != "run":
        raise InputError(
            f"{shown(out)} holds the results of a sweep (sim sweep), not of one run; choose "
            "another folder",
            key="--out",
        )
    refuse_links(out, [*RUN_FILES, "figures"])
    if occupant.kind == "run" and occupant.marker.get("identity") != identity:
        if not force:
            held = occupant.marker.get("label", "another run")
            raise InputError(
                f"{shown(out)} holds another run ({held}); use --force to replace it or choose "
                "another folder",
                key="--out",
            )
        check_force(out)
        remove_own(out, RUN_FILES, {})
    ensure_writable_dir(out)
    if occupant.kind != "run" or occupant.marker.get("identity") != identity:
        mark(out, "run", identity=identity, label=label)
    return out


def _share(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def format_summary(result: RunResult) -> str:
    """A short, readable summary of one run for the terminal."""
    s = result.summary
    sc = result.scenario

    def weeks(v):
        return "not reached" if v is None else f"{v:.0f} weeks"

    p, r = sc.involvement.resolved
    lines = [
        f"{sc.meta.name}: {sc.population.size} users in {sc.population.units} units, "
        f"{sc.rollout.strategy} rollout ({sc.effective_waves} wave(s)), "
        f"{sc.involvement.level} involvement (participation {p:.2f}, responsiveness {r:.2f})",
        f"seed {result.seed}, {result.steps} weeks",
        "",
        f"  final adoption          {s['final_adoption']:6.1%}",
        f"  time to 50 % / 80 %     {weeks(s['weeks_to_50'])} / {weeks(s['weeks_to_80'])}"
        " from the start",
        f"  frustration of live users, peak / mean  "
        f"{s['peak_frustration_live']:.2f} / {s['mean_frustration_live']:.2f}",
        f"  peak workaround (live)  {s['peak_workaround_live']:6.1%}",
        f"  peak productivity loss  {s['peak_productivity_loss_live']:6.1%} of live users' hours",
        f"  dissatisfied at the end {_share(s['final_dissatisfied'])} of live users",
        f"  net hours lost per user {s['hours_lost_per_user']:.0f} h (negative: saved)",
        f"  total cost              {s['total_cost']:.0f} MSEK",
        f"  net benefit             {s['net_benefit']:.0f} MSEK against staying on the old systems",
        f"  go-lives / postponed    {s['waves_live']} of {sc.effective_waves} waves live, "
        f"{s['postponements']} postponement(s), "
        f"{s['golives_despite_warnings']} despite warnings",
        "  halted                  " + (f"yes, in week {s['halt_week']}" if s["halted"] else "no"),
        f"  staff who left          {s['left_share']:6.1%}",
    ]
    return "\n".join(lines)
