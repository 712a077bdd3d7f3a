"""Benchmark of the sweep runner: parallel efficiency, throughput and flat memory.

1. The main experiment (experiments/rollout_x_involvement.toml) with 1 and 2 workers: wall
   time of the runs, parallel efficiency T1 / (2 T2) (target >= 0.8 on two free cores) and
   runs per second.
2. Peak memory (maximum resident set size) of a 2,000-run sweep of a tiny scenario against
   a 200-run sweep of the same: the main process (which streams results to disk) and the
   largest worker (as noted in the journal). Target: about the
   same, since finished runs are streamed to disk and never held.

Each sweep runs in a fresh process (``python -m sim.cli sweep``), so timings include
nothing of this script; "runs wall" is the manifest's wall time of the run loop, "total"
adds start-up (imports, workers) and writing the final files.

    python benchmarks/bench_sweep.py [--replicates N] [--skip-main] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
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
MAIN = ROOT / "experiments" / "rollout_x_involvement.toml"

# Runs the CLI in-process, then reports its own peak RSS.
PROBE = """
import resource, sys
from sim.cli import cli
try:
    cli(sys.argv[1:], prog_name="sim", standalone_mode=False)
finally:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"RSS {me} {kids}", file=sys.stderr)
"""

TINY = """\
[experiment]
name = "memory"
scenario = "{scenario}"
steps = 20
replicates = {replicates}
seed = 1

[factors]
"rollout.strategy" = ["big_bang", "phased"]
"involvement.level" = ["low", "high"]

[overrides]
"population.size" = 100
"population.units" = 4
"rollout.first_golive_week" = 4
"rollout.wave_interval_weeks" = 3
"""


def sweep(experiment: Path, out: Path, jobs: int) -> dict:
    """Run one sweep in a fresh process; return its timings and peak memory (MiB)."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            "sweep",
            str(experiment),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    total = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"sweep failed:\n{done.stderr}")
    rss = next(line for line in done.stderr.splitlines() if line.startswith("RSS "))
    me = int(rss.split()[1]) / 1024  # Linux reports KiB
    with (out / "journal.jsonl").open() as fh:  # workers note their own peak
        worker = max(json.loads(line).get("peak_rss_mib") or 0.0 for line in fh)
    manifest = json.loads((out / "manifest.json").read_text())
    timings = manifest["timings"]
    return {
        "runs": manifest["runs"],
        "wall": timings["wall_seconds"],
        "total": total,
        "rate": timings["runs_per_second"],
        "rss_main": me,
        "rss_worker": worker,
    }


def bench_main(tmp: Path, replicates: int | None) -> None:
    experiment = MAIN
    if replicates is not None:
        experiment = tmp / "main.toml"
        text = MAIN.read_text().replace('"../scenarios/', f'"{ROOT.as_posix()}/scenarios/')
        experiment.write_text(text.replace("replicates = 30", f"replicates = {replicates}"))
    one = sweep(experiment, tmp / "main1", 1)
    two = sweep(experiment, tmp / "main2", 2)
    identical = (tmp / "main1" / "runs.csv").read_bytes() == (
        tmp / "main2" / "runs.csv"
    ).read_bytes()
    print(f"main experiment: {one['runs']} runs (2,000 users, 156 weeks)")
    for jobs, r in ((1, one), (2, two)):
        print(
            f"  {jobs} worker(s): runs wall {r['wall']:7.1f} s   total {r['total']:7.1f} s"
            f"   {r['rate']:.2f} runs/s"
        )
    print(
        f"  parallel efficiency (runs wall): {one['wall'] / (2 * two['wall']):.2f}"
        f"   (total: {one['total'] / (2 * two['total']):.2f})   target >= 0.8"
    )
    print(f"  runs.csv identical for 1 and 2 workers: {identical}")


def bench_memory(tmp: Path) -> None:
    print("memory, tiny scenario (100 users, 20 weeks), 2 workers:")
    for replicates in (50, 500):
        path = tmp / f"memory{replicates}.toml"
        path.write_text(
            TINY.format(
                scenario=(ROOT / "scenarios/default.toml").as_posix(), replicates=replicates
            )
        )
        r = sweep(path, tmp / f"memory{replicates}", 2)
        print(
            f"  {r['runs']:5d} runs: peak RSS main {r['rss_main']:6.1f} MiB, largest "
            f"worker {r['rss_worker']:6.1f} MiB, {r['rate']:.1f} runs/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--replicates",
        type=int,
        default=None,
        help="replicates per condition of the main experiment (default: 30)",
    )
    parser.add_argument("--skip-main", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_main:
            bench_main(Path(tmp), args.replicates)
        if not args.skip_memory:
            bench_memory(Path(tmp))


if __name__ == "__main__":
    main()
