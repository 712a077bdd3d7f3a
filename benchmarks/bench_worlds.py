"""Benchmark of the bookkeeping around uncertain worlds: it must be negligible next to the runs.

For 15 uncertainties, times sampling the designs (Latin hypercube of 100 worlds, Morris
with 10 trajectories, Sobol with N = 256), analysing them (every outcome for two conditions
and their paired difference), the decision table over worlds and scenario discovery. Each
figure is set against the runs the design needs, estimated from one model run (2,000 users,
156 weeks, the default scenario) measured in the same process, on two cores:

    share = analysis seconds / (runs x seconds per run / 2)

The outputs analysed are synthetic (analysis time does not depend on the values).

    python benchmarks/bench_worlds.py [--repeats N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from environment import needs_environment

try:
    import numpy as np
    import pandas as pd

    from sim.analysis.discovery import discover_runs
    from sim.analysis.sensitivity import indices, outputs, sensitivity_design
    from sim.analysis.worlds import decision_table
    from sim.experiment.uncertainty import latin_hypercube, parse_uncertainties
    from sim.outcomes import OUTCOMES
    from sim.scenario import load_scenario
    from sim.simulation import simulate
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

ROOT = Path(__file__).resolve().parents[1]
CORES = 2

U = "uniform"
UNCERTAINTIES = {
    "system.initial_fit": {"distribution": U, "low": 0.4, "high": 0.8},
    "system.initial_usability": {"distribution": U, "low": 0.4, "high": 0.75},
    "system.latent_defects": {"distribution": "log_uniform", "low": 100, "high": 1000},
    "system.unit_fit_sd": {"distribution": U, "low": 0.0, "high": 0.2},
    "training.hours_per_user": {"distribution": U, "low": 4, "high": 32},
    "training.effectiveness": {"distribution": "triangular", "low": 0.4, "mode": 0.8, "high": 1},
    "support.staff": {"distribution": U, "low": 12, "high": 75},
    "support.hypercare_weeks": {"distribution": "choice", "values": [2, 4, 6, 8]},
    "consultants.count": {"distribution": U, "low": 10, "high": 40},
    "adoption.q": {"distribution": U, "low": 0.2, "high": 0.6},
    "frustration.contagion": {"distribution": U, "low": 0.05, "high": 0.3},
    "workaround.enter_threshold": {"distribution": U, "low": 0.45, "high": 0.65},
    "governance.filtering": {
        "distribution": "truncated_normal",
        "mean": 0.2,
        "sd": 0.15,
        "low": 0,
        "high": 0.8,
    },
    "governance.schedule_pressure": {"distribution": U, "low": 0.0, "high": 0.7},
    "turnover.rate": {"distribution": "log_uniform", "low": 0.002, "high": 0.03},
}
CONDITIONS = {0: "big_bang | low", 1: "phased | low"}


def timed(fn, repeats: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def one_run_seconds() -> float:
    scenario = load_scenario(ROOT / "scenarios" / "default.toml", {"population.size": 2000})
    simulate(scenario, seed=0, steps=5)  # warm up imports and caches
    times = []
    for seed in range(3):
        start = time.perf_counter()
        simulate(scenario, seed=seed, steps=156)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def synthetic_runs(values: pd.DataFrame, conditions: int, replicates: int) -> pd.DataFrame:
    """One row per condition, world and replicate, with random outcomes."""
    rng = np.random.default_rng(0)
    n = len(values) * conditions * replicates
    runs = pd.DataFrame(
        {
            "point": np.repeat(np.arange(conditions), len(values) * replicates),
            "world": np.tile(np.repeat(values["world"].to_numpy(), replicates), conditions),
            "replicate": np.tile(np.arange(replicates), len(values) * conditions),
            "status": "ok",
        }
    )
    labels = {p: CONDITIONS.get(p, f"c{p}") for p in range(conditions)}
    runs.insert(1, "condition", runs["point"].map(labels))
    runs["rollout.strategy"] = runs["condition"]
    for name in OUTCOMES:
        runs[name] = rng.normal(size=n)
    return runs.merge(values, on="world")


def report(name: str, seconds: float, runs: int, per_run: float) -> None:
    share = seconds / (runs * per_run / CORES)
    print(f"  {name:<50} {seconds:8.3f} s   {runs:6d} runs   share {share:7.3%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    per_run = one_run_seconds()
    print(f"one run (2,000 users, 156 weeks): {per_run:.3f} s; shares are of the runs on 2 cores")
    uncertainties = parse_uncertainties(UNCERTAINTIES)
    r = args.repeats
    t, _ = timed(lambda: parse_uncertainties(UNCERTAINTIES), r)
    report("parse 15 uncertainties", t, 100 * 2, per_run)

    t, worlds = timed(lambda: latin_hypercube(uncertainties, 100, 1), r)
    report("Latin hypercube, 100 worlds", t, 100 * 2 * 10, per_run)
    runs = synthetic_runs(worlds, 6, 10)
    reference = {"rollout.strategy": CONDITIONS[0]}
    t, _ = timed(lambda: decision_table(runs, ["rollout.strategy"], reference, list(OUTCOMES)), r)
    report("decision table, 6 conditions x 100 worlds x 10 reps", t, 6000, per_run)
    where = "total_cost[big_bang | low] < total_cost[phased | low]"
    keys = list(UNCERTAINTIES)
    t, _ = timed(lambda: discover_runs(runs, keys, where), r)
    report("discovery over 100 worlds", t, 6000, per_run)

    for method, samples in (("morris", 10), ("sobol", 256)):
        t, design = timed(lambda m=method, s=samples: sensitivity_design(uncertainties, m, s, 1), r)
        n_runs = design.points * 2
        report(f"{method} design ({design.points} points)", t, n_runs, per_run)
        runs = synthetic_runs(design.values, 2, 1)

        def analyse(design=design, runs=runs):
            out = outputs(runs, design, list(OUTCOMES), 0)
            out += outputs(runs, design, list(OUTCOMES), 1)
            out += outputs(runs, design, list(OUTCOMES), 1, minus=0)
            return indices(design, out)

        t, _ = timed(analyse, r)
        report(f"{method} analysis, {3 * len(OUTCOMES)} outputs", t, n_runs, per_run)


if __name__ == "__main__":
    main()
