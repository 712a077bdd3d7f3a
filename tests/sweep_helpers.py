"""Small experiments, results folders and run functions shared by the sweep-safety tests."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

from sim.cli import cli
from sim.simulation import simulate

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "default.toml"

TINY = """\
[experiment]
name = "tiny"
scenario = "{scenario}"
steps = {steps}
replicates = {replicates}
seed = 11
reference = {{ "rollout.strategy" = "phased", "involvement.level" = "low" }}

[factors]
"rollout.strategy" = ["big_bang", "phased"]
"involvement.level" = {levels}

[overrides]
"population.size" = {size}
"population.units" = {units}
"rollout.first_golive_week" = {first}
"rollout.wave_interval_weeks" = {interval}
"""
SIZES = {"steps": 20, "size": 150, "units": 6, "first": 4, "interval": 3}
"""150 users, 20 weeks: a run takes a few tens of milliseconds."""


def experiment_text(
    replicates: int = 2,
    levels: str = '["low", "high"]',
    sizes: dict[str, int] | None = None,
    **replace: str,
) -> str:
    """The tiny experiment; ``replace`` maps text to replace (``{"seed = 11": "seed = 12"}``)."""
    text = TINY.format(
        scenario=SCENARIO.as_posix(), replicates=replicates, levels=levels, **(sizes or SIZES)
    )
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def write_experiment(folder: Path, name: str = "exp.toml", **kwargs) -> Path:
    path = folder / name
    path.write_text(experiment_text(**kwargs))
    return path


def sim(*args: str | Path, input: str | None = None):
    """``sim ARGS`` through click's runner; exceptions are kept in the result."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def one_line_error(result) -> bool:
    """Exit status 2 with a single line starting with 'error: ' and no traceback."""
    lines = result.output.strip().splitlines()
    return (
        result.exit_code == 2
        and len(lines) == 1
        and lines[0].startswith("error: ")
        and "Traceback" not in result.output
    )


def copy_folder(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


class InterruptAfter:
    """A run function that behaves like Ctrl-C after ``n`` runs (one job, in process)."""

    def __init__(self, n: int):
        self.left = n

    def __call__(self, scenario, seed, steps):
        if self.left <= 0:
            raise KeyboardInterrupt
        self.left -= 1
        return simulate(scenario, seed, steps)


def python() -> str:
    return sys.executable


WORLDS = """\
[experiment]
name = "worlds"
scenario = "{scenario}"
steps = 20
replicates = {replicates}
worlds = {worlds}
seed = 17
reference = {{ "rollout.strategy" = "big_bang" }}

[factors]
"rollout.strategy" = ["big_bang", "phased"]

[overrides]
"population.size" = 120
"population.units" = 6
"rollout.first_golive_week" = 4
"rollout.wave_interval_weeks" = 3

[uncertainties]
"system.initial_fit" = {{ distribution = "uniform", low = 0.3, high = 0.85 }}
"training.hours_per_user" = {{ distribution = "uniform", low = 0, high = 40 }}
"system.latent_defects" = {{ distribution = "log_uniform", low = 50, high = 800 }}
"""
"""A sweep over worlds: 2 conditions of 120 users for 20 weeks in ``worlds`` worlds."""


def worlds_text(worlds: int = 4, replicates: int = 2) -> str:
    """The tiny experiment over worlds."""
    return WORLDS.format(scenario=SCENARIO.as_posix(), worlds=worlds, replicates=replicates)


def write_worlds(folder: Path, worlds: int = 4, replicates: int = 2) -> Path:
    path = folder / "worlds.toml"
    path.write_text(worlds_text(worlds, replicates))
    return path
