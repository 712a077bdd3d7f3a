"""The worked example of experiments/README.md ("How sure are we?") runs as written, on a
tiny form of experiments/robustness.toml (100 users, 30 weeks, a few worlds, small
designs), so a renamed option, condition or parameter in it fails here."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import tomli_w
from helpers import EXPERIMENTS, ROBUSTNESS_EXPERIMENT, sim

README = (EXPERIMENTS / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## How sure are we?")[1].split("\n## ")[0]
COMMANDS = re.findall(r"^\$ (sim .+)$", SECTION, re.M)
SMALL_SAMPLES = {"morris": "2", "sobol": "4"}


def tiny(folder: Path) -> Path:
    data = tomllib.loads(ROBUSTNESS_EXPERIMENT.read_text(encoding="utf-8"))
    head = data["experiment"]
    head["scenario"] = (EXPERIMENTS / head["scenario"]).resolve().as_posix()
    head.update(worlds=12, replicates=1, steps=30)
    data["overrides"].update(
        {
            "population.size": 100,
            "population.units": 4,
            "rollout.first_golive_week": 6,
            "rollout.wave_interval_weeks": 3,
        }
    )
    path = folder / "robustness.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A tiny robustness.toml and its sweep in ``results/robustness``."""
    folder = tmp_path_factory.mktemp("worked")
    path = tiny(folder)
    result = sim("sweep", path, "--out", folder / "results" / "robustness", "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    return folder


def test_the_worked_example_has_its_three_steps():
    kinds = [shlex.split(c)[1] for c in COMMANDS]
    assert kinds == ["sensitivity", "sensitivity", "discover"]
    assert "--method morris" in COMMANDS[0] and "--method sobol" in COMMANDS[1]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(shlex.split(c)[1:3]))
def test_worked_example_command_runs(command, folder):
    argv = shlex.split(command)[1:]
    argv = [str(folder / "robustness.toml") if a.endswith("robustness.toml") else a for a in argv]
    argv = [str(folder / a) if a.startswith("results/") else a for a in argv]
    if argv[0] == "sensitivity":
        method = argv[argv.index("--method") + 1]
        if "--samples" in argv:
            argv[argv.index("--samples") + 1] = SMALL_SAMPLES[method]
        else:
            argv += ["--samples", SMALL_SAMPLES[method]]
        argv += ["--jobs", "1", "-q"]
    result = sim(*argv)
    if argv[0] == "discover" and result.exit_code == 2:
        # A dozen tiny worlds may hold no case of interest: the expression was still
        # parsed and evaluated against the real conditions and outcomes.
        assert "--where: the expression holds in" in result.output, result.output
        return
    assert result.exit_code == 0, result.output
