"""Benchmark of `sim sensitivity` as the user sees it: a Morris screening end to end.

The issue's target: Morris screening of 15 uncertainties (10 trajectories, 2,000 users,
156 weeks) for two conditions should finish in a few minutes on 2 cores, with sampling,
bookkeeping and analysis negligible next to the runs.

1. The whole command, in a fresh process: ``sim sensitivity`` on the 17 uncertainties of
   ``experiments/robustness.toml`` with ``--method morris --samples 10`` and
   ``--difference 'phased | high,big_bang | high'`` (two conditions, 180 sample points),
   one replicate per point (``--replicates`` to change), ``--jobs 2``: 360 runs.
2. The reference, measured in the same run: one model run of the same size in this
   process (median of three), from which the ideal time of the runs on the cores used is
   ``runs x seconds per run / jobs``. The ratio wall / ideal says how much the command
   adds to the runs themselves (start-up, workers, journal, final files, analysis).
3. The parts that are not runs, timed in this process: the design and the check of every
   condition's scenario at every point, the bookkeeping of the run plan, and the analysis
   of the finished folder (indices, tables, figures), each as a share of the wall time.

The load average before and after is printed: on a shared machine it says how far to
trust the figures.

    python benchmarks/bench_sensitivity.py [--jobs N] [--replicates N] [--samples N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from environment import needs_environment

try:
    import tomli_w

    import sim  # noqa: F401
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

ROOT = Path(__file__).resolve().parents[1]
ROBUSTNESS = ROOT / "experiments" / "robustness.toml"
PAIR = ("phased | high", "big_bang | high")


def experiment_file(folder: Path, replicates: int) -> Path:
    """``robustness.toml`` with ``replicates`` replicates and absolute paths."""
    data = tomllib.loads(ROBUSTNESS.read_text(encoding="utf-8"))
    head = data["experiment"]
    head["scenario"] = (ROBUSTNESS.parent / head["scenario"]).resolve().as_posix()
    head["replicates"] = replicates
    path = folder / "screening.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def one_run_seconds(experiment) -> float:
    from sim.simulation import simulate

    condition = experiment.conditions[0]
    simulate(condition.scenario, seed=0, steps=5)  # imports and caches
    times = []
    for seed in range(3):
        start = time.perf_counter()
        simulate(condition.scenario, seed=seed, steps=condition.steps)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def whole_command(path: Path, out: Path, args) -> float:
    command = [sys.executable, "-m", "sim.cli", "sensitivity", str(path), "--out", str(out)]
    command += ["--method", "morris", "--samples", str(args.samples), "--jobs", str(args.jobs)]
    command += ["--difference", ",".join(PAIR), "-q"]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - start


def parts(path: Path, out: Path, samples: int) -> dict[str, float]:
    """Seconds of the work around the runs, done again in this process."""
    from sim.analysis.sensitivity import sensitivity_design
    from sim.experiment import load_experiment, plan
    from sim.experiment.design import Worlds
    from sim.experiment.sensitivity import only_pair, write_indices
    from sim.experiment.spec import with_worlds
    from sim.outcomes import MAIN_OUTCOMES

    timings = {}
    start = time.perf_counter()
    experiment, pair = only_pair(load_experiment(path), PAIR)
    design = sensitivity_design(experiment.uncertainties, "morris", samples, experiment.seed)
    experiment = with_worlds(experiment, Worlds("morris", samples, design.values, "sample"))
    timings["design, and every scenario checked"] = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(4):  # the sweep walks its plan about four times
        sum(1 for _ in plan(experiment))
    timings["run plan, walked four times"] = time.perf_counter() - start
    start = time.perf_counter()
    write_indices(out, design, list(MAIN_OUTCOMES), pair)
    timings["analysis: indices, tables, figures"] = time.perf_counter() - start
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--replicates", type=int, default=1)
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()
    from sim.experiment import load_experiment

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = experiment_file(Path(tmp), args.replicates)
        experiment = load_experiment(path)
        per_run = one_run_seconds(experiment)
        points = args.samples * (len(experiment.uncertainties) + 1)
        runs = 2 * points * args.replicates
        wall = whole_command(path, Path(tmp) / "out", args)
        ideal = runs * per_run / args.jobs
        print(
            f"Morris screening: {len(experiment.uncertainties)} uncertainties, "
            f"{args.samples} trajectories ({points} points), 2 conditions, "
            f"{args.replicates} replicate(s): {runs} runs of 2,000 users x 156 weeks"
        )
        print(f"  one run (reference, this process)       {per_run:8.3f} s")
        print(f"  runs alone on {args.jobs} cores (ideal)          {ideal:8.1f} s")
        print(f"  sim sensitivity, whole command, --jobs {args.jobs} {wall:8.1f} s")
        print(f"  whole command / ideal                  {wall / ideal:8.2f} x")
        for name, seconds in parts(path, Path(tmp) / "out", args.samples).items():
            print(f"  {name:<38} {seconds:8.3f} s  ({seconds / wall:6.1%} of the wall time)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
