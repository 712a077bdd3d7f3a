"""Paths and small helpers shared by the tests (importable as ``helpers``: pyproject.toml
puts ``tests/`` and ``tools/`` on the test path, so plain ``pytest`` works too)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from sim.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
EXPERIMENTS = ROOT / "experiments"
MAIN_EXPERIMENT = EXPERIMENTS / "rollout_x_involvement.toml"
ROBUSTNESS_EXPERIMENT = EXPERIMENTS / "robustness.toml"


def sim(*args: str | Path) -> Result:
    """``sim ARGS`` through click's test runner (stdout and stderr kept apart)."""
    return CliRunner().invoke(cli, [str(a) for a in args])
