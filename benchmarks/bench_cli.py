"""Benchmark of the command line's start-up: `sim --help` against `python -c "import click"`.

Every command is a whole new process, timed from start to exit on the wall clock, as a
person at a terminal waits for it; the commands take turns, and each figure is the median
of the repeats. The reference, a Python process that imports click and nothing else, is
measured in the same run, so the ratio holds on other machines. Target: `sim --help`
within 3 times the reference. `sim --version` and `sim scenario validate` are shown too
(validating a scenario needs pydantic, but not NumPy, pandas, Mesa or matplotlib).

    python benchmarks/bench_cli.py [--repeats N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from environment import needs_environment

try:
    import sim  # noqa: F401  (the benchmark runs the project's `sim`)
except ModuleNotFoundError as missing:  # not run in the project's environment
    needs_environment(missing)

ROOT = Path(__file__).resolve().parents[1]
TARGET = 3.0


def sim_command() -> list[str]:
    """The installed `sim` console script beside this Python, else `python -m sim.cli`."""
    script = Path(sys.executable).with_name("sim")
    if script.is_file():
        return [str(script)]
    found = shutil.which("sim")
    return [found] if found else [sys.executable, "-m", "sim.cli"]


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="runs of each command")
    args = parser.parse_args(argv)
    sim = sim_command()
    commands = {
        'python -c "import click"': [sys.executable, "-c", "import click"],
        "sim --help": [*sim, "--help"],
        "sim --version": [*sim, "--version"],
        "sim scenario validate": [*sim, "scenario", "validate", "scenarios/default.toml"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache once
        wall(command)
    for _ in range(args.repeats):
        for name, command in commands.items():
            times[name].append(wall(command))
    medians = {name: statistics.median(t) for name, t in times.items()}
    reference = medians['python -c "import click"']
    print(f"start-up, whole process, wall clock (median of {args.repeats})")
    for name, seconds in medians.items():
        ratio = seconds / reference
        note = f"  (target <= {TARGET:g})" if name == "sim --help" else ""
        print(f"  {name:<26} {seconds * 1000:7.1f} ms  {ratio:5.2f} x reference{note}")
    return medians


if __name__ == "__main__":
    main()
