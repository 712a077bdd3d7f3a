"""Stand-in for `sim sweep` on this branch: run an experiment file's full factor grid and
print mean outcomes with 95 % CIs as a Markdown table.

    .venv/bin/python experiments/counterfactuals.py experiments/millennium_counterfactuals.toml

Seeds: ``SeedSequence(seed, spawn_key=(point, replicate))`` per run, as the sweep runner
does. Once `sim sweep` exists, prefer it; this script only reads the same file format.
"""

from __future__ import annotations

import itertools
import sys
import tomllib
from pathlib import Path

import numpy as np

from sim.run import simulate
from sim.scenario import load_scenario
from sim.validation import mean_ci, run_seed

OUTCOMES = (
    "final_adoption",
    "mean_frustration",
    "peak_workaround",
    "hours_lost_per_user",
    "total_cost",
    "halted",
)


def grid(factors: dict[str, list]) -> list[dict]:
    keys = list(factors)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*factors.values())]


def run_experiment(path: Path) -> str:
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    exp = spec["experiment"]
    scenario_path = (path.parent / exp["scenario"]).resolve()
    points = grid(spec["factors"])
    rows = [
        "| " + " | ".join([*spec["factors"], *OUTCOMES]) + " |",
        "|" + "---|" * (len(spec["factors"]) + len(OUTCOMES)),
    ]
    for index, point in enumerate(points):
        scenario = load_scenario(scenario_path, {**spec.get("overrides", {}), **point})
        runs = [
            simulate(scenario, seed=run_seed(exp["seed"], index, r), steps=exp["steps"]).summary
            for r in range(exp["replicates"])
        ]
        cells = [str(v) for v in point.values()]
        for name in OUTCOMES:
            m, lo, hi = mean_ci(np.array([s[name] for s in runs], dtype=float))
            cells.append(f"{m:.3g} [{lo:.3g}, {hi:.3g}]")
        if point == exp["reference"]:
            cells[0] = f"**{cells[0]}** (real)"
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"## {arg}\n")
        print(run_experiment(Path(arg)))
        print()
