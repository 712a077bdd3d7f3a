"""Shared fixtures: small scenarios that run in milliseconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def small():
    """A small version of the default scenario (200 users, 10 units, 60 weeks)."""

    def make(**overrides):
        base = {
            "population.size": 200,
            "population.units": 10,
            "rollout.first_golive_week": 10,
            "rollout.wave_interval_weeks": 6,
            "run.steps": 60,
        }
        return load_scenario(SCENARIOS / "default.toml", {**base, **overrides})

    return make
