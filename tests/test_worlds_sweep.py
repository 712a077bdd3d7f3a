"""Sweeps over uncertain worlds, as a person runs them: experiment files with
``[uncertainties]`` and ``worlds = N``, the results folder, identical results whatever the
engine or an interruption, the decision tables and figures, and scenario discovery on a
real sweep. Tiny worlds: 120 users, 20 weeks, a handful of worlds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from sweep_helpers import (
    ROOT,
    SCENARIO,
    InterruptAfter,
    copy_folder,
    one_line_error,
    sim,
    worlds_text,
    write_worlds,
)

from sim.experiment import load_experiment, run_sweep
from sim.experiment.uncertainty import parse_uncertainties, world_seed
from sim.outcomes import OUTCOMES

KEYS = ["system.initial_fit", "training.hours_per_user", "system.latent_defects"]


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    """A finished sweep of the tiny experiment: 2 conditions x 4 worlds x 2 replicates."""
    folder = tmp_path_factory.mktemp("worlds")
    result = sim("sweep", write_worlds(folder), "--out", folder / "out", "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    return folder / "out"


# --- the results folder ------------------------------------------------------------------


def test_runs_csv_has_the_world_and_its_values(swept):
    runs = pd.read_csv(swept / "runs.csv")
    head = ["point", "condition", "rollout.strategy", "world", *KEYS, "replicate", "seed"]
    assert list(runs.columns) == [*head, "status", "error", *OUTCOMES]
    assert list(zip(runs.point, runs.world, runs.replicate, strict=True)) == [
        (p, w, r) for p in range(2) for w in range(4) for r in range(2)
    ]
    # Each world has one set of values, the same in every condition and replicate, and the
    # worlds differ; every condition meets the same seeds world by world.
    per_world = runs.groupby("world")[KEYS].nunique()
    assert (per_world == 1).all().all()
    assert runs.drop_duplicates("world")[KEYS].nunique().min() == 4
    assert list(runs.seed) == [
        world_seed(17, w, r) for w, r in zip(runs.world, runs.replicate, strict=True)
    ]
    by_condition = runs.pivot_table(index=["world", "replicate"], columns="point", values="seed")
    assert (by_condition[0] == by_condition[1]).all()
    # ...and they differ: the system varies between worlds, the runs between replicates.
    assert runs.groupby("point")["defects_found"].nunique().min() > 4


def test_manifest_records_the_uncertainties_and_the_sampled_worlds(swept):
    manifest = json.loads((swept / "manifest.json").read_text())
    expected = parse_uncertainties(tomllib.loads(worlds_text())["uncertainties"])
    assert manifest["uncertainties"] == {u.key: u.as_json() for u in expected}
    assert manifest["design"] == {
        "method": "latin_hypercube",
        "samples": 4,
        "worlds": 4,
        "seeding": "world",
    }
    runs = pd.read_csv(swept / "runs.csv").drop_duplicates("world")
    assert manifest["worlds"] == runs[["world", *KEYS]].to_dict("records")
    assert manifest["runs"] == 16 and manifest["counts"] == {"ok": 16, "failed": 0}
    ts = pd.read_parquet(swept / "timeseries.parquet")
    assert list(ts.columns[:4]) == ["point", "world", "replicate", "step"]
    assert len(ts) == 16 * 21


def test_an_experiment_of_worlds_alone_has_one_condition(tmp_path):
    text = worlds_text(worlds=3, replicates=1).replace(
        '[factors]\n"rollout.strategy" = ["big_bang", "phased"]\n', ""
    )
    text = text.replace('reference = { "rollout.strategy" = "big_bang" }\n', "")
    path = tmp_path / "alone.toml"
    path.write_text(text)
    experiment = load_experiment(path)
    assert [c.label for c in experiment.conditions] == ["default"]  # the scenario's name
    result = sim("sweep", path, "--out", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "3 sampled worlds" in result.output and "| default " in result.output
    runs = pd.read_csv(tmp_path / "out" / "runs.csv")
    assert list(runs.condition.unique()) == ["default"] and len(runs) == 3


# --- same results whatever the engine, after a kill, when extended ----------------------


@pytest.mark.slow
def test_jobs_dask_and_one_job_give_the_same_bytes(tmp_path, swept):
    experiment = load_experiment(write_worlds(tmp_path))
    run_sweep(experiment, tmp_path / "two", jobs=2, progress=False)
    run_sweep(experiment, tmp_path / "dask", jobs=2, engine="dask", progress=False)
    for name in ("two", "dask"):
        for file in ("runs.csv", "timeseries.parquet", "comparison.md", "comparison.csv"):
            assert (tmp_path / name / file).read_bytes() == (swept / file).read_bytes(), file


@pytest.mark.slow
def test_a_killed_sweep_over_worlds_resumes_to_the_same_results(tmp_path, swept):
    experiment = write_worlds(tmp_path, worlds=4, replicates=6)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "sweep", str(experiment), "--out", str(out)]
        + ["--jobs", "2"],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    journal = out / "journal.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _lines(journal) < 4:
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 4 <= _lines(journal) < 48, "the sweep was not killed part-way"
    result = sim("sweep", experiment, "--out", out, "--resume", "--jobs", "2", "-q")
    assert result.exit_code == 0, result.output
    run_sweep(load_experiment(experiment), tmp_path / "clean", jobs=1, progress=False)
    assert (out / "runs.csv").read_bytes() == (tmp_path / "clean" / "runs.csv").read_bytes()
    assert _lines(journal) == 48  # nothing run twice


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_more_replicates_run_only_the_new_runs_and_match_a_fresh_sweep(tmp_path, swept):
    out = copy_folder(swept, tmp_path / "out")
    bigger = write_worlds(tmp_path, replicates=3)
    result = sim("sweep", bigger, "--out", out, "--resume", "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    assert _lines(out / "journal.jsonl") == 24  # 16 kept, 8 new
    run_sweep(load_experiment(bigger), tmp_path / "fresh", jobs=1, progress=False)
    assert (out / "runs.csv").read_bytes() == (tmp_path / "fresh" / "runs.csv").read_bytes()


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("worlds = 4", "worlds = 5", "the worlds changed (a Latin hypercube of 4 worlds -> "),
        ("low = 0, high = 40", "low = 0, high = 30", "uncertainties.training.hours_per_user"),
    ],
)
def test_resume_refuses_other_worlds_in_one_line(tmp_path, swept, old, new, said):
    out = copy_folder(swept, tmp_path / "out")
    path = tmp_path / "changed.toml"
    path.write_text(worlds_text().replace(old, new))
    result = sim("sweep", path, "--out", out, "--resume", "--jobs", "1")
    assert one_line_error(result), result.output
    assert said in result.output and "would change finished runs" in result.output


def test_an_interrupted_sweep_over_worlds_is_compared_on_its_finished_runs(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            load_experiment(write_worlds(tmp_path)),
            out,
            jobs=1,
            progress=False,
            run_fn=InterruptAfter(11),
        )
    result = sim("compare", out, "--outcomes", "final_adoption")
    assert result.exit_code == 0, result.output
    assert "11 of 16 runs finished" in result.stderr
    assert result.stdout.startswith("# Conditions across plausible worlds\n\n4 sampled worlds")
    result = sim("plot", out, "--outcomes", "final_adoption", "-q")
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "worlds_final_adoption.png").is_file()


# --- the tables and figures over worlds --------------------------------------------------


def test_compare_prints_shares_of_worlds_paired_differences_and_regret(swept):
    result = sim("compare", swept, "--outcomes", "final_adoption,total_cost")
    assert result.exit_code == 0, result.output
    text = result.stdout
    titles = [line.split(":")[0] for line in text.splitlines() if line.startswith("## ")]
    assert titles == ["## final_adoption", "## total_cost"]
    assert "4 sampled worlds, up to 2 replicates" in text
    header = next(line for line in text.splitlines() if line.startswith("| rollout.strategy"))
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert cells == [
        "rollout.strategy",
        "across worlds",
        "diff",
        "beats ref",
        "best",
        "regret",
        "Δ",
    ]
    csv = sim("compare", swept, "--format", "csv", "--outcomes", "total_cost").stdout
    table = pd.read_csv(StringIO(csv))
    assert set(table.columns) >= {"beats", "beats_low", "beats_high", "best", "regret_median"}
    assert table["best"].sum() == pytest.approx(1.0)  # every world has a best condition
    phased = table[table["rollout.strategy"] == "phased"].iloc[0]
    assert phased["beats_low"] <= phased["beats"] <= phased["beats_high"]


def test_comparison_files_hold_the_decision_table(swept):
    md = (swept / "comparison.md").read_text()
    assert md.startswith("# Conditions across plausible worlds")
    csv = pd.read_csv(swept / "comparison.csv")
    assert list(csv["outcome"].unique())[0] == "final_adoption"
    adoption = csv[csv["outcome"] == "final_adoption"]
    assert list(adoption["point"]) == [0, 1] and adoption["worlds"].eq(4).all()


def test_wide_format_is_refused_for_worlds_and_latex_works(swept):
    result = sim("compare", swept, "--format", "wide")
    assert one_line_error(result) and "--format" in result.output
    latex = sim("compare", swept, "--format", "latex", "--outcomes", "total_cost")
    assert latex.exit_code == 0 and "\\begin{tabular}" in latex.stdout


def test_plot_draws_the_worlds_figure_per_outcome(tmp_path, swept):
    out = copy_folder(swept, tmp_path / "out")
    result = sim("plot", out, "--outcomes", "final_adoption,total_cost")
    assert result.exit_code == 0, result.output
    names = {p.name for p in (out / "figures").iterdir()}
    assert {"worlds_final_adoption.png", "worlds_total_cost.png", "main.png"} <= names


# --- scenario discovery on a real sweep ---------------------------------------------------

PLANTED = """\
[experiment]
name = "planted"
scenario = "{scenario}"
steps = 16
replicates = 1
worlds = 24
seed = 5

[factors]
"rollout.strategy" = ["big_bang", "phased"]

[overrides]
"population.size" = 80
"population.units" = 4
"rollout.wave_interval_weeks" = 2
"governance.readiness_threshold" = 0.0
"governance.halt_frustration" = 1.0

[uncertainties]
"rollout.first_golive_week" = {{ distribution = "uniform", low = 2, high = 12 }}
"costs.wage" = {{ distribution = "uniform", low = 200, high = 900 }}
"training.hours_per_user" = {{ distribution = "uniform", low = 0, high = 40 }}
"""


def test_discover_finds_a_planted_rule_in_a_real_sweep(tmp_path):
    """A board that never waits goes live in the planned week, so "phased went live after
    week 8" holds exactly where the sampled first go-live week is above 8: the box must
    restrict that parameter alone, with full coverage and density."""
    path = tmp_path / "planted.toml"
    path.write_text(PLANTED.format(scenario=SCENARIO.as_posix()))
    out = tmp_path / "out"
    assert sim("sweep", path, "--out", out, "--jobs", "1", "-q").exit_code == 0
    result = sim("discover", out, "--where", "first_golive_week[phased] > 8", "--format", "csv")
    assert result.exit_code == 0, result.output
    limits = pd.read_csv(StringIO(result.stdout))
    box = limits[limits["box"] == 1].set_index("parameter")
    assert box.loc["rollout.first_golive_week", "restricted"]
    assert 8 <= box.loc["rollout.first_golive_week", "low"] < 9
    assert not box.loc[["costs.wage", "training.hours_per_user"], "restricted"].any()
    assert box["coverage"].iloc[0] == 1.0 and box["density"].iloc[0] == 1.0


# --- bad input: one line, exit status 2, nothing written ----------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '"training.hours_per_user" = {',
            '"training.hour_per_user" = {',
            "uncertainties.training.hour_per_user: unknown scenario key (did you mean "
            "'training.hours_per_user'?)",
        ),
        (
            "low = 0, high = 40",
            "low = 40, high = 40",
            "uncertainties.training.hours_per_user: empty range: low = high = 40",
        ),
        (
            "low = 0, high = 40",
            "low = 41, high = 40",
            "uncertainties.training.hours_per_user: inverted range: low 41 > high 40",
        ),
        (
            '"training.hours_per_user" = { distribution = "uniform", low = 0, high = 40 }',
            '"involvement.level" = { distribution = "uniform", low = 0, high = 1 }',
            "uncertainties.involvement.level: is not a number",
        ),
        ("worlds = 4", "worlds = 0", "experiment.worlds: must be at least 1 (got 0)"),
        ("worlds = 4", "worlds = 2.5", "experiment.worlds: must be a whole number (got 2.5)"),
        (
            '"system.initial_fit" = {',
            '"run.steps" = { distribution = "uniform", low = 5, high = 9 }\n"x.y" = {',
            "uncertainties.run.steps: can't be uncertain",
        ),
        (
            '"system.initial_fit" = {',
            '"rollout.first_golive_week" = { distribution = "uniform", low = 2, high = 9 }\n'
            '"system.initial_fit" = {',
            "uncertainties.rollout.first_golive_week: also set in [overrides]",
        ),
        (
            "low = 0.3, high = 0.85",
            "low = 0.85, high = 0.99",
            "uncertainties: world ",
        ),
        ("worlds = 4\n", "", "experiment.worlds: missing: an experiment with [uncertainties]"),
    ],
)
def test_bad_worlds_fail_in_one_line_and_write_nothing(tmp_path, old, new, expected):
    text = worlds_text().replace(old, new)
    assert text != worlds_text()
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "out"
    result = sim("sweep", path, "--out", out)
    assert one_line_error(result), result.output
    assert expected in result.output
    assert not out.exists()


def test_an_impossible_world_names_the_world_the_condition_and_the_rule(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(worlds_text(worlds=20).replace("high = 0.85", "high = 0.99"))
    result = sim("sweep", path, "--out", tmp_path / "out")
    assert one_line_error(result), result.output
    message = result.output
    assert "uncertainties: world " in message and "in condition 'big_bang'" in message
    assert (
        "initial_fit is above analysis.ceiling_without (the fit ceiling) "
        "(sampled system.initial_fit = 0.9" in message
    )
    assert "narrow the ranges so that every world is possible" in message


def test_worlds_and_runs_are_counted_before_anything_is_sampled(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(worlds_text(worlds=5000, replicates=3))
    result = sim("sweep", path, "--out", tmp_path / "out")
    assert one_line_error(result), result.output
    assert "30,000 runs (2 conditions x 5,000 worlds x 3 replicates)" in result.output


IMPOSSIBLE = """\
[experiment]
name = "x"
scenario = "{scenario}"
replicates = 2
worlds = 50
seed = 1

[factors]
"rollout.strategy" = ["big_bang", "phased"]
"involvement.level" = ["low", "high"]

[uncertainties]
"system.initial_fit" = {{ distribution = "uniform", low = 0.4, high = 0.95 }}
"training.hours_per_user" = {{ distribution = "uniform", low = 4, high = 32 }}
"""


def test_the_documented_impossible_world_is_the_real_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "experiments").mkdir()
    path = Path("experiments") / "x.toml"
    path.write_text(IMPOSSIBLE.format(scenario=SCENARIO.as_posix()))
    result = sim("sweep", path, "--out", "out")
    assert one_line_error(result), result.output
    doc = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    assert result.output.strip().removeprefix("error: ") in doc
