"""Every experiment file validates; every figure script draws from a tiny sweep; sim demo."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.demo import QUICK, quick_experiment, shrink
from sim.experiment import load_experiment, run_sweep

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.toml"))
SCRIPTS = sorted((ROOT / "experiments").glob("plot_*.py"))
TINY = {"population.size": 100, "rollout.first_golive_week": 6}


def _script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _experiment_of(script: Path) -> Path:
    return script.with_name(script.stem.removeprefix("plot_") + ".toml")


def test_there_are_experiments_and_scripts():
    names = {p.stem for p in EXPERIMENTS}
    assert {"training_capacity", "pressure_x_filtering", "waves"} <= names
    assert all(_experiment_of(s).is_file() for s in SCRIPTS)


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_experiment_validates(path):
    experiment = load_experiment(path)  # builds and validates every condition's scenario
    assert experiment.conditions and experiment.replicates >= 1
    assert any(c.values == experiment.reference for c in experiment.conditions)
    for condition in experiment.conditions:
        for key, value in condition.values.items():
            section, name = key.split(".")
            assert getattr(getattr(condition.scenario, section), name) == value


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_plot_script_draws_from_a_tiny_sweep(script, tmp_path):
    experiment = shrink(
        load_experiment(_experiment_of(script)), replicates=2, steps=30, overrides=TINY
    )
    out = tmp_path / "sweep"
    run_sweep(experiment, out, jobs=1, progress=False)
    target = tmp_path / "figure.png"
    path = _script(script).main([str(out), "--out", str(target)])
    assert path == target and target.stat().st_size > 10_000
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_shrink_rebuilds_every_condition():
    experiment = load_experiment(ROOT / "experiments" / "waves.toml")
    small = shrink(experiment, replicates=2, steps=30, overrides=TINY)
    assert (small.replicates, small.steps, small.n_runs) == (2, 30, 2 * len(experiment.conditions))
    assert small.overrides["population.size"] == 100
    assert all(c.scenario.population.size == 100 for c in small.conditions)
    assert [c.values for c in small.conditions] == [c.values for c in experiment.conditions]
    with pytest.raises(Exception, match="factor"):
        shrink(experiment, overrides={"rollout.waves": 2})


def test_quick_demo_represents_the_same_organisation():
    full = load_experiment(ROOT / "experiments" / "rollout_x_involvement.toml")
    quick = quick_experiment(full)
    people = full.base.population.size * full.base.population.scale
    assert quick.base.population.size == QUICK["overrides"]["population.size"]
    assert quick.base.population.size * quick.base.population.scale == pytest.approx(people)
    assert quick.replicates == QUICK["replicates"] < full.replicates


def test_waves_dual_running_counts_partial_weeks(tmp_path):
    module = _script(ROOT / "experiments" / "plot_waves.py")
    experiment = shrink(
        load_experiment(ROOT / "experiments" / "waves.toml"), replicates=1, steps=40, overrides=TINY
    )
    run_sweep(experiment, tmp_path, jobs=1, progress=False)
    from sim.analysis.results import load_results

    results = load_results(tmp_path)
    dual = module.dual_running(results).merge(
        pd.DataFrame([{"point": c.point, **c.values} for c in experiment.conditions]), on="point"
    )
    # Old and new systems run side by side from the first go-live until the last one, or
    # until the end of the run if some wave never went live: check against the model's own
    # summary of go-live weeks.
    runs = results.runs.set_index(["point", "replicate"])
    first = runs.loc[list(zip(dual["point"], dual["replicate"], strict=True)), "first_golive_week"]
    last = runs.loc[list(zip(dual["point"], dual["replicate"], strict=True)), "last_golive_week"]
    expected = last.fillna(experiment.steps).to_numpy() - first.to_numpy()
    assert (dual["dual_weeks"].to_numpy() == expected).all()
    assert (dual.loc[dual["rollout.waves"] == 1, "dual_weeks"] == 0).all()
    assert (dual.loc[dual["rollout.waves"] > 1, "dual_weeks"] > 0).all()


def test_sim_demo_quick(tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "runs.csv").write_text("left over from an earlier demo\n")  # replaced, not refused
    marker = {"tool": "rollout-sim", "kind": "sweep", "experiment": "x", "demo": True}
    (out / "sim-results.json").write_text(json.dumps(marker))
    result = CliRunner().invoke(cli, ["demo", "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = result.output
    figure = out / "figures" / "main.png"
    assert figure.stat().st_size > 10_000 and str(figure) in text
    assert "| rollout.strategy | involvement.level |" in text  # the comparison table
    runs = pd.read_csv(out / "runs.csv")
    labels = set(runs["condition"])
    explanation = text.split(str(figure), 1)[1]
    mentioned = {label for label in labels if f"'{label}'" in explanation}
    assert len(mentioned) >= 3
    # the numbers come from the results: the highest peak frustration is named
    means = runs.groupby("condition")["peak_frustration"].mean()
    assert f"Highest peak frustration: '{means.idxmax()}' ({means.max():.2f}" in explanation
