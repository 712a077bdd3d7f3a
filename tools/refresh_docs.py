"""Regenerate everything that shows real program output, in one command:

    python tools/refresh_docs.py

Run it after any change to the model or its defaults (about two minutes on two cores).
It rewrites

- ``docs/parameters.md`` from the schema and the case files (``python -m sim.docs``);
- the README's ``sim run`` example and its ``sim demo --quick`` block;
- ``docs/images/demo-main.png`` from a full ``sim demo`` (the figure the README shows);
- the README's table over worlds (:data:`ROBUSTNESS_EXAMPLE`, "How sure are we?") and
  ``docs/images/robustness.png``, from a full sweep of ``experiments/robustness.toml``
  (about a minute on two cores);
- the golden files in ``tests/golden/``: one small run's time series
  (:data:`GOLDEN_RUN`) and the comparison table of a small sweep of the main experiment
  (:func:`small_experiment`).

The tests (``tests/test_readme.py``, ``tests/test_golden.py``) repeat the same runs
and fail, naming this command, when what they get differs from what is committed. The
definitions of those runs live here, so the tool and the tests cannot drift apart.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GOLDEN = ROOT / "tests" / "golden"
SIM = [sys.executable, "-m", "sim.cli"]
REFRESH = "python tools/refresh_docs.py"
"""The command that regenerates every file this tool writes (quoted by failing tests)."""

RUN_EXAMPLE = "sim run scenarios/default.toml --seed 42"
"""The run whose output the README shows between ``<!-- run:start -->`` and ``run:end``."""

DEMO_EXAMPLE = "sim demo --quick"
"""The demo whose output the README shows between ``<!-- demo:start -->`` and ``demo:end``."""

GOLDEN_RUN = [
    "run",
    "scenarios/default.toml",
    "--seed",
    "7",
    "--steps",
    "20",
    "--set",
    "population.size=120",
    "--set",
    "population.units=6",
    "--set",
    "rollout.first_golive_week=4",
    "--set",
    "rollout.wave_interval_weeks=3",
]
"""``sim`` arguments of the golden run (``tests/golden/run.csv`` is its time series)."""

SMALL_REPLICATES = 3
"""Replicates of the small form of an experiment (the README's sweep, the golden table)."""

ROBUSTNESS = "experiments/robustness.toml"
ROBUSTNESS_OUTCOMES = "hours_lost_per_user,peak_frustration_live,net_benefit"
ROBUSTNESS_EXAMPLE = f"sim compare results/robustness --outcomes {ROBUSTNESS_OUTCOMES}"
"""The table over worlds the README shows between ``<!-- robustness:start -->`` and
``robustness:end``, from a full sweep of :data:`ROBUSTNESS`."""
ROBUSTNESS_FIGURE = "net_benefit"
"""The outcome of the worlds figure the README shows (``docs/images/robustness.png``)."""
SMALL_WORLDS = 6
"""Worlds of the small form of an experiment over worlds (one replicate each)."""


def small_experiment(path: str | Path, folder: str | Path) -> Path:
    """Write a small form of the experiment file ``path`` into ``folder``: the same
    conditions, scenario and seed with :data:`SMALL_REPLICATES` replicates (an experiment
    over worlds: :data:`SMALL_WORLDS` worlds of one replicate), so a sweep of it takes
    seconds. Returns the new file's path (same file name)."""
    source = Path(path).resolve()
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    head = data["experiment"]
    head["scenario"] = (source.parent / head["scenario"]).resolve().as_posix()
    head["replicates"] = SMALL_REPLICATES
    if "worlds" in head:
        head["worlds"], head["replicates"] = SMALL_WORLDS, 1
    target = Path(folder) / source.name
    target.write_text(tomli_w.dumps(data), encoding="utf-8")
    return target


def sim(*args: str, cwd: Path = ROOT) -> str:
    """Run ``sim ARGS`` in a fresh process and return what it printed on stdout."""
    done = subprocess.run([*SIM, *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.rstrip()


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no block {start} ... {end}")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text, count=1)


def refresh_readme() -> None:
    text = README.read_text(encoding="utf-8")
    output = sim(*RUN_EXAMPLE.split()[1:])
    text = replace_block(text, "run", f"```console\n$ {RUN_EXAMPLE}\n{output}\n```")
    with tempfile.TemporaryDirectory() as tmp:
        output = sim(*DEMO_EXAMPLE.split()[1:], cwd=Path(tmp))  # writes tmp/results/demo
        text = replace_block(text, "demo", f"```console\n$ {DEMO_EXAMPLE}\n{output}\n```")
        README.write_text(text, encoding="utf-8")
        sim("demo", "--out", f"{tmp}/full")
        shutil.copyfile(Path(tmp) / "full/figures/main.png", ROOT / "docs/images/demo-main.png")


def refresh_robustness() -> None:
    """The README's table over worlds and its figure, from a full sweep of ROBUSTNESS."""
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/robustness"
        sim("sweep", ROBUSTNESS, "--out", out, "--quiet")
        output = sim(*ROBUSTNESS_EXAMPLE.replace("results/robustness", out).split()[1:])
        block = f"```console\n$ {ROBUSTNESS_EXAMPLE}\n{output}\n```"
        text = replace_block(README.read_text(encoding="utf-8"), "robustness", block)
        README.write_text(text, encoding="utf-8")
        sim("plot", out, "--outcomes", ROBUSTNESS_FIGURE, "--quiet")
        figure = Path(out) / "figures" / f"worlds_{ROBUSTNESS_FIGURE}.png"
        shutil.copyfile(figure, ROOT / "docs/images/robustness.png")


def refresh_golden() -> None:
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sim(*GOLDEN_RUN, "--out", f"{tmp}/run", "--quiet")
        shutil.copyfile(Path(tmp) / "run" / "timeseries.csv", GOLDEN / "run.csv")
        experiment = small_experiment(ROOT / "experiments/rollout_x_involvement.toml", tmp)
        sim("sweep", str(experiment), "--out", f"{tmp}/sweep", "--jobs", "1", "--quiet")
        shutil.copyfile(Path(tmp) / "sweep" / "comparison.md", GOLDEN / "comparison.md")


def main() -> None:
    params = subprocess.run(
        [sys.executable, "-m", "sim.docs"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    (ROOT / "docs" / "parameters.md").write_text(params, encoding="utf-8")
    refresh_readme()
    refresh_robustness()
    refresh_golden()
    print(
        "refreshed docs/parameters.md, README.md, docs/images/demo-main.png, "
        "docs/images/robustness.png, tests/golden/"
    )


if __name__ == "__main__":
    main()
