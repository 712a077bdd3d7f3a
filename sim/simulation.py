"""One run of the model: simulate, summarise, write, describe.

This is the library behind ``sim run`` and the unit of work of every sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mesa
import pandas as pd

from sim.io import atomic_write, atomic_write_json, package_versions
from sim.scenario import Scenario
from sim.seeding import check_seed, fresh_seed


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run: per-step time series (step 0 included) and run-level summary."""

    scenario: Scenario
    seed: int
    steps: int
    timeseries: pd.DataFrame
    summary: dict


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
        return RunResult(model.scenario, seed, steps, model.timeseries(), model.summary())
    finally:
        release(model)


def release(model) -> None:
    """Let a finished model be garbage-collected.

    Mesa 3.3 keeps a reference to every model in ``Agent._ids`` (the per-model counters of
    agent ids; mesa/mesa#3179), so a process that runs many models would keep them all in
    memory. Forgetting the finished model's counter fixes that.
    """
    mesa.Agent._ids.pop(model, None)


def write_run(result: RunResult, out_dir: str | Path) -> None:
    """Write ``timeseries.csv`` and ``summary.json`` into ``out_dir`` (atomically)."""
    out = Path(out_dir)
    atomic_write(out / "timeseries.csv", lambda p: result.timeseries.to_csv(p, index=False))
    atomic_write_json(
        out / "summary.json",
        {
            "outcomes": result.summary,
            "seed": result.seed,
            "steps": result.steps,
            "versions": package_versions(),
            "scenario": result.scenario.model_dump(mode="json"),
        },
    )


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
        " after first go-live",
        f"  frustration peak / mean {s['peak_frustration']:.2f} / {s['mean_frustration']:.2f}",
        f"  peak workaround         {s['peak_workaround']:6.1%}",
        f"  peak productivity loss  {s['peak_productivity_loss']:6.1%} of system hours",
        f"  hours lost per user     {s['hours_lost_per_user']:.0f} h",
        f"  total cost              {s['total_cost']:.0f} MSEK",
        f"  go-lives / postponed    {s['waves_live']} of {sc.effective_waves} waves live, "
        f"{s['postponements']} postponement(s), "
        f"{s['golives_despite_warnings']} despite warnings",
        "  halted                  " + (f"yes, in week {s['halt_week']}" if s["halted"] else "no"),
        f"  staff who left          {s['left_share']:6.1%}",
    ]
    return "\n".join(lines)
