"""Benchmark of sweeps as the user sees them: the whole ``sim sweep`` command.

1. Fixed cost: a sweep of one 2-week run of 100 users (start-up, workers, final tables)
   with ``--jobs 1`` and ``--jobs 2``, against the reference ``python -c "import mesa"``
   measured in the same run. Target: within about 1.5 s of the reference.
2. End-to-end parallel efficiency: 80 runs of 3,000 users over 156 weeks (2 x 2
   conditions x 20 replicates), the whole command with ``--jobs 1`` and ``--jobs 2``:
   efficiency T1 / (2 T2), target >= 0.8 on two free cores. The manifest's wall time of
   the run loop alone is shown beside it.
3. Memory: peak resident set size of a 2,000-run sweep of a tiny scenario against a
   200-run sweep: the main process (which streams results to disk) and the largest worker
   (as noted in the journal). Target: about the same.

Every timing is the median of several repetitions, each in a fresh process; the load
average before and after is printed, because on a shared machine it says how far to trust
the figures.

    python benchmarks/bench_sweep.py [--repeat N] [--replicates N] [--skip-fixed]
                                     [--skip-efficiency] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from environment import needs_environment

try:
    import sim  # noqa: F401  (the benchmark runs the project's `sim`)
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = (ROOT / "scenarios" / "default.toml").as_posix()

# Runs the CLI in-process, then reports its own peak RSS.
PROBE = """
import resource, sys
from sim.cli import main
try:
    sys.argv = ["sim", *sys.argv[1:]]
    main()
finally:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RSS {me}", file=sys.stderr)
"""

EXPERIMENT = """\
[experiment]
name = "{name}"
scenario = "{scenario}"
steps = {steps}
replicates = {replicates}
seed = 1

[factors]
"rollout.strategy" = {strategies}
"involvement.level" = {levels}

[overrides]
"population.size" = {size}
"population.units" = {units}
"""


def write_experiment(path: Path, **values) -> Path:
    defaults = {
        "name": path.stem,
        "scenario": SCENARIO,
        "strategies": '["big_bang", "phased"]',
        "levels": '["low", "high"]',
    }
    path.write_text(EXPERIMENT.format(**{**defaults, **values}))
    return path


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    return seconds, done.stderr


def sweep(experiment: Path, out: Path, jobs: int) -> dict:
    """Run one whole sweep command in a fresh process; its wall time, the manifest's run
    loop time and the peak memory of the main process and the largest worker (MiB)."""
    cmd = [sys.executable, "-c", PROBE, "sweep", str(experiment), "--out", str(out)]
    seconds, stderr = timed([*cmd, "--jobs", str(jobs), "--quiet"])
    rss = next(line for line in stderr.splitlines() if line.startswith("RSS "))
    with (out / "journal.jsonl").open() as fh:  # workers note their own peak
        worker = max(json.loads(line).get("peak_rss_mib") or 0.0 for line in fh)
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        "total": seconds,
        "runs": manifest["runs"],
        "loop": manifest["timings"]["wall_seconds"],
        "rss_main": int(rss.split()[1]) / 1024,  # Linux reports KiB
        "rss_worker": worker,
    }


def median_sweep(experiment: Path, tmp: Path, jobs: int, repeat: int) -> dict:
    results = [
        sweep(experiment, tmp / f"{experiment.stem}-{jobs}-{i}", jobs) for i in range(repeat)
    ]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def bench_fixed(tmp: Path, repeat: int) -> None:
    one = write_experiment(
        tmp / "one.toml",
        steps=2,
        replicates=1,
        strategies='["phased"]',
        levels='["low"]',
        size=100,
        units=4,
    )
    mesa = statistics.median(timed([sys.executable, "-c", "import mesa"])[0] for _ in range(repeat))
    j1 = median_sweep(one, tmp, 1, repeat)["total"]
    j2 = median_sweep(one, tmp, 2, repeat)["total"]
    print(f"fixed cost: one 2-week run of 100 users (median of {repeat})")
    print(f"  python -c 'import mesa'   {mesa:6.2f} s   (reference)")
    for jobs, total in ((1, j1), (2, j2)):
        print(f"  sim sweep --jobs {jobs}       {total:6.2f} s   reference + {total - mesa:5.2f} s")
    print("  target: within about 1.5 s of the reference")


def bench_efficiency(tmp: Path, repeat: int, replicates: int) -> None:
    exp = write_experiment(tmp / "eff.toml", steps=156, replicates=replicates, size=3000, units=40)
    one = median_sweep(exp, tmp, 1, repeat)
    two = median_sweep(exp, tmp, 2, repeat)
    identical = (tmp / "eff-1-0" / "runs.csv").read_bytes() == (
        tmp / "eff-2-0" / "runs.csv"
    ).read_bytes()
    print(f"end to end: {one['runs']} runs of 3,000 users over 156 weeks (median of {repeat})")
    for jobs, r in ((1, one), (2, two)):
        print(
            f"  --jobs {jobs}: whole command {r['total']:6.1f} s   run loop {r['loop']:6.1f} s"
            f"   {r['runs'] / r['total']:.2f} runs/s"
        )
    print(
        f"  parallel efficiency T1 / (2 T2): whole command {one['total'] / (2 * two['total']):.2f}"
        f"   (run loop {one['loop'] / (2 * two['loop']):.2f})   target >= 0.8"
    )
    print(f"  runs.csv identical for 1 and 2 workers: {identical}")


def bench_memory(tmp: Path) -> None:
    print("memory, tiny scenario (100 users, 20 weeks), 2 workers:")
    for replicates in (50, 500):
        exp = write_experiment(
            tmp / f"memory{replicates}.toml", steps=20, replicates=replicates, size=100, units=4
        )
        r = sweep(exp, tmp / f"memory{replicates}", 2)
        print(
            f"  {r['runs']:5d} runs: peak RSS main {r['rss_main']:6.1f} MiB, largest "
            f"worker {r['rss_worker']:6.1f} MiB, {r['runs'] / r['loop']:.1f} runs/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per timing")
    parser.add_argument(
        "--replicates", type=int, default=20, help="replicates per condition (4 conditions)"
    )
    parser.add_argument("--skip-fixed", action="store_true")
    parser.add_argument("--skip-efficiency", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {load()} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_fixed:
            bench_fixed(Path(tmp), args.repeat)
        if not args.skip_efficiency:
            bench_efficiency(Path(tmp), args.repeat, args.replicates)
        if not args.skip_memory:
            bench_memory(Path(tmp))
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
