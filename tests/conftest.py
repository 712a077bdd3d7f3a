"""Shared fixtures: small scenarios that run in milliseconds, and the runs several tests
read (each made once per test session; tests that share one are in the same
``xdist_group``, so ``pytest -n 2 --dist loadgroup`` runs it once)."""

from __future__ import annotations

import pytest
from helpers import MAIN_EXPERIMENT, ROBUSTNESS_EXPERIMENT, SCENARIOS
from helpers import sim as sim_cli
from refresh_docs import small_experiment

from sim.scenario import load_scenario


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


def _small_sweep(tmp_path_factory, experiment_file, name: str):
    folder = tmp_path_factory.mktemp(name)
    experiment = small_experiment(experiment_file, folder)
    out = folder / experiment_file.stem
    result = sim_cli("sweep", experiment, "--out", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    return out, result


@pytest.fixture(scope="session")
def main_sweep(tmp_path_factory):
    """The README's ``sim sweep experiments/rollout_x_involvement.toml --out ...`` in its
    small form (fewer replicates, :func:`refresh_docs.small_experiment`), run once:
    ``(results folder, CLI result)``."""
    return _small_sweep(tmp_path_factory, MAIN_EXPERIMENT, "main_sweep")


@pytest.fixture(scope="session")
def worlds_sweep(tmp_path_factory):
    """The README's ``sim sweep experiments/robustness.toml --out ...`` in its small form
    (a few worlds of one replicate, :func:`refresh_docs.small_experiment`), run once:
    ``(results folder, CLI result)``."""
    return _small_sweep(tmp_path_factory, ROBUSTNESS_EXPERIMENT, "worlds_sweep")


@pytest.fixture(scope="session")
def quick_demo(tmp_path_factory):
    """``sim demo --quick`` run once in a fresh folder (so it prints ``results/demo``):
    ``(working folder, CLI result)``."""
    folder = tmp_path_factory.mktemp("quick_demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        result = sim_cli("demo", "--quick")
    assert result.exit_code == 0, result.output
    return folder, result


@pytest.fixture(scope="session")
def quick_validation():
    """``sim validate --quick`` run once: ``(CLI result, the CheckResults it printed)``."""
    import sim.validation

    checked = []

    def run_and_keep(ctx, checks=None):
        checked.extend(run_validation(ctx, checks))
        return checked

    run_validation = sim.validation.run_validation
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sim.validation, "run_validation", run_and_keep)
        result = sim_cli("validate", "--quick")
    return result, checked
