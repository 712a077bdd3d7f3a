"""Every experiment file validates; every figure script draws from a tiny sweep; sim demo."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import click
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.defaults import DEMO_QUICK
from sim.demo import quick_experiment, shrink
from sim.experiment import load_experiment, run_sweep
from sim.outcomes import OUTCOMES

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


@pytest.fixture(scope="module")
def tiny_sweeps(tmp_path_factory):
    """A tiny sweep of each experiment with a figure script, made on first use."""
    made: dict[str, Path] = {}

    def sweep(name: str) -> Path:
        if name not in made:
            full = load_experiment(ROOT / "experiments" / f"{name}.toml")
            tiny = {k: v for k, v in TINY.items() if k not in full.factors}  # factors stay
            experiment = shrink(full, replicates=2, steps=30, overrides=tiny)
            out = tmp_path_factory.mktemp(name)
            run_sweep(experiment, out, jobs=1, progress=False)
            made[name] = out
        return made[name]

    return sweep


def _means(results, outcome: str) -> pd.DataFrame:
    """Per condition, the mean of ``outcome`` over successful runs that reached it, with
    the factor values: computed here from runs.csv, independently of the scripts."""
    runs = results.runs[results.runs["status"] == "ok"]
    means = runs.groupby("point")[outcome].mean().rename("mean").reset_index()
    values = pd.DataFrame(
        [{"point": c["point"], **c["values"]} for c in results.manifest["conditions"]]
    )
    return means.merge(values, on="point").dropna(subset=["mean"])


def _plotted_points(ax) -> set[tuple[float, float]]:
    """(x, y) of every mean drawn with error bars on ``ax``."""
    points = set()
    for container in ax.containers:
        line = container.lines[0]
        points |= {(float(x), round(float(y), 9)) for x, y in zip(*line.get_data(), strict=True)}
    return points


# Each script: its figure function and the factor on the x axis of its line panels.
FIGURES = {
    "plot_training_capacity": ("training_figure", "training.hours_per_user"),
    "plot_waves": ("waves_figure", "rollout.waves"),
    "plot_pressure_x_filtering": ("pressure_figure", None),
    "plot_consultants": ("consultants_figure", "factors"),
    "plot_process_analysis": ("analysis_figure", "factors"),
    "plot_rollout_shapes": ("shapes_figure", "factors"),
    "plot_super_users": ("super_users_figure", "factors"),
}
"""Each script: its figure function and the factor on the x axis of its line panels
(``factors``: drawn by :func:`sim.analysis.factors.factor_figure`, checked panel by panel)."""


def _check_factor_figure(module, function: str, results) -> int:
    """The means drawn in each panel of a figure made by ``factor_figure``, against the
    means computed here, panel by panel (an outcome, and a level of the facet if any)."""
    from sim.analysis import factors

    seen = {}
    real = factors.factor_figure

    def spy(results, **kw):
        seen.update(kw)
        return real(results, **kw)

    module.factor_figure = spy
    try:
        fig = getattr(module, function)(results)
    finally:
        module.factor_figure = real
    x, facet, outcomes = seen["x"], seen.get("facet"), list(seen["panels"])
    grid = np.asarray(fig.axes).reshape(len(outcomes), -1) if facet else None
    conditions = results.manifest["conditions"]
    levels = list(dict.fromkeys(c["values"][facet] for c in conditions)) if facet else []
    checked = 0
    for i, outcome in enumerate(outcomes):
        means = _means(results, outcome)
        panels = (
            [(fig.axes[i], means)]
            if facet is None
            else [(grid[i, j], means[means[facet] == lv]) for j, lv in enumerate(levels)]
        )
        for ax, expected_means in panels:
            xs = list(dict.fromkeys(expected_means.sort_values("point")[x]))
            numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs)
            pos = {v: (float(v) if numeric else float(k)) for k, v in enumerate(xs)}
            expected = {
                (pos[a], round(float(b), 9))
                for a, b in zip(expected_means[x], expected_means["mean"], strict=True)
            }
            assert _plotted_points(ax) == expected, (outcome, ax.get_title())
            checked += 1
    return checked


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_plot_script_draws_the_means_of_its_sweep(script, tmp_path, tiny_sweeps):
    from sim.analysis.folders import load_results

    module = _script(script)
    out = tiny_sweeps(script.stem.removeprefix("plot_"))
    results = load_results(out)
    function, x = FIGURES[script.stem]
    if x == "factors":
        assert _check_factor_figure(module, function, results) >= 3
        x, axes, checked = None, [], 3
    else:
        fig = getattr(module, function)(results)
        axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
        checked = 0
    for ax, outcome in zip(axes, module.PANELS, strict=False):
        if outcome not in OUTCOMES:  # derived in the script (the waves' dual running)
            continue
        means = _means(results, outcome)
        if x is None:  # a heat map: pressure as rows, filtering as columns
            grid = means.pivot(
                index="governance.schedule_pressure", columns="governance.filtering", values="mean"
            )
            np.testing.assert_allclose(ax.images[0].get_array().filled(np.nan), grid.to_numpy())
        else:
            expected = {
                (float(a), round(float(b), 9)) for a, b in zip(means[x], means["mean"], strict=True)
            }
            assert _plotted_points(ax) == expected, outcome
        checked += 1
    assert checked >= 3
    # and the script's command line writes the figure and prints its path
    target = tmp_path / "figure.png"
    assert module.main([str(out), "--out", str(target)]) == target
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_script_reports_a_missing_folder_in_one_line(tmp_path):
    module = _script(SCRIPTS[0])
    with pytest.raises(click.UsageError, match="no results folder"):
        module.main([str(tmp_path / "missing")])


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
    assert quick.base.population.size == DEMO_QUICK["overrides"]["population.size"]
    assert quick.base.population.size * quick.base.population.scale == pytest.approx(people)
    assert quick.replicates == DEMO_QUICK["replicates"] < full.replicates


def test_waves_dual_running_counts_partial_weeks(tiny_sweeps):
    from sim.analysis.folders import load_results

    module = _script(ROOT / "experiments" / "plot_waves.py")
    experiment = load_experiment(ROOT / "experiments" / "waves.toml")
    results = load_results(tiny_sweeps("waves"))
    dual = module.dual_running(results).merge(
        pd.DataFrame([{"point": c.point, **c.values} for c in experiment.conditions]), on="point"
    )
    # Old and new systems run side by side from the first go-live until the last one, or
    # until the end of the run if some wave never went live: check against the model's own
    # summary of go-live weeks.
    runs = results.runs.set_index(["point", "replicate"])
    first = runs.loc[list(zip(dual["point"], dual["replicate"], strict=True)), "first_golive_week"]
    last = runs.loc[list(zip(dual["point"], dual["replicate"], strict=True)), "last_golive_week"]
    expected = last.fillna(30).to_numpy() - first.to_numpy()
    assert (dual["dual_weeks"].to_numpy() == expected).all()
    assert (dual.loc[dual["rollout.waves"] == 1, "dual_weeks"] == 0).all()
    assert (dual.loc[dual["rollout.waves"] > 1, "dual_weeks"] > 0).all()


@pytest.mark.xdist_group("quick_demo")
def test_sim_demo_quick_explains_its_own_results(quick_demo):
    folder, result = quick_demo
    out = folder / "results" / "demo"
    text = result.stdout
    figure = out / "figures" / "main.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Figure: results/demo/figures/main.png" in text
    assert "| rollout.strategy " in text  # the comparison table
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 6 * DEMO_QUICK["replicates"]
    labels = set(runs["condition"])
    explanation = text.split("figures/main.png", 1)[1]
    mentioned = {label for label in labels if f"'{label}'" in explanation}
    assert len(mentioned) >= 3
    # the numbers come from the results: the highest peak frustration is named
    means = runs.groupby("condition")["peak_frustration_live"].mean()
    assert f"live users: '{means.idxmax()}' ({means.max():.2f}" in explanation


def test_sim_demo_replaces_an_earlier_demo(tmp_path, monkeypatch):
    """An earlier demo's files in OUT are replaced, not refused (a short demo here)."""
    out = tmp_path / "demo"
    out.mkdir()
    (out / "runs.csv").write_text("left over from an earlier demo\n")
    marker = {"tool": "rollout-sim", "kind": "sweep", "experiment": "x", "demo": True}
    (out / "sim-results.json").write_text(json.dumps(marker))  # how sim marks a demo
    monkeypatch.setitem(DEMO_QUICK, "replicates", 1)
    monkeypatch.setitem(DEMO_QUICK, "overrides", {"population.size": 60})
    result = CliRunner().invoke(cli, ["demo", "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out / "runs.csv")["status"].eq("ok").all()
