"""`sim sensitivity` as a person uses it, on the real model: a parameter that cannot matter
ranks last, one that must matter ranks first; tables, figures, resumption and bad input.
Tiny runs: 100 users, 24 weeks, three uncertainties."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sweep_helpers import SCENARIO, copy_folder, one_line_error, sim

from sim.experiment.uncertainty import sample_seed

EXPERIMENT = """\
[experiment]
name = "drivers"
scenario = "{scenario}"
steps = 24
replicates = 2
seed = 9
reference = {{ "rollout.strategy" = "big_bang" }}

[factors]
"rollout.strategy" = ["big_bang", "phased"]

[overrides]
"population.size" = 100
"population.units" = 4
"rollout.first_golive_week" = 4
"rollout.wave_interval_weeks" = 3

[uncertainties]
"system.initial_fit" = {{ distribution = "uniform", low = 0.3, high = 0.85 }}
"training.hours_per_user" = {{ distribution = "uniform", low = 0, high = 40 }}
# Wages enter the cost accounts only: they cannot change who adopts.
"costs.wage" = {{ distribution = "uniform", low = 200, high = 900 }}
"""


def write(folder: Path, text: str = EXPERIMENT) -> Path:
    path = folder / "drivers.toml"
    path.write_text(text.format(scenario=SCENARIO.as_posix()))
    return path


def sensitivity(path: Path, out: Path, *args: str):
    return sim("sensitivity", path, "--out", out, "--jobs", "1", *args)


MORRIS = ["--method", "morris", "--samples", "4", "--outcomes", "final_adoption,total_cost"]
MORRIS += ["--difference", "phased, big_bang"]
"""Morris, 4 trajectories (16 points), both conditions and phased - big_bang."""


@pytest.fixture(scope="module")
def morris(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("morris")
    out = folder / "out"
    result = sensitivity(write(folder), out, *MORRIS)
    assert result.exit_code == 0, result.output
    return out


def indices(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "sensitivity.csv")


def test_the_wage_cannot_change_adoption_and_ranks_last_with_mu_star_zero(morris):
    table = indices(morris)
    adoption = table[table["outcome"] == "final_adoption"]
    for condition, part in adoption.groupby("condition"):
        assert part["parameter"].iloc[-1] == "costs.wage", condition
        assert part["mu_star"].iloc[-1] == 0.0 and part["sigma"].iloc[-1] == 0.0
        assert part["mu_star"].iloc[0] > 0.05  # fit or training: they must matter
        assert part["parameter"].iloc[0] != "costs.wage"
    assert set(adoption["condition"]) == {"big_bang", "phased", "phased - big_bang"}
    cost = table[(table["outcome"] == "total_cost") & (table["condition"] == "big_bang")]
    assert cost.set_index("parameter").loc["costs.wage", "mu_star"] > 1.0  # it does cost


def test_csv_is_long_form_and_markdown_is_printed_and_written(morris):
    table = indices(morris)
    assert list(table.columns) == [
        "condition",
        "outcome",
        "parameter",
        "mu_star",
        "mu_star_conf",
        "sigma",
        "mu",
    ]
    assert len(table) == 3 * 2 * 3  # outputs x outcomes x parameters
    md = (morris / "sensitivity.md").read_text()
    assert md.startswith("# Morris screening") and "16 sample points" in md
    assert "## final_adoption (phased - big_bang)" in md
    tex = (morris / "sensitivity.tex").read_text()
    assert "\\begin{tabular}" in tex and "$\\mu^*$" in tex
    names = sorted(p.name for p in (morris / "figures").iterdir())
    assert names == ["morris_final_adoption.png", "morris_total_cost.png"]


def test_the_runs_share_seeds_across_points_and_are_kept_like_a_sweep(morris):
    runs = pd.read_csv(morris / "runs.csv")
    assert len(runs) == 2 * 16 * 2 and set(runs["status"]) == {"ok"}
    assert list(runs["seed"]) == [sample_seed(9, r) for r in runs["replicate"]]
    manifest = json.loads((morris / "manifest.json").read_text())
    assert manifest["design"]["method"] == "morris" and manifest["design"]["worlds"] == 16
    assert list(manifest["uncertainties"]) == [
        "system.initial_fit",
        "training.hours_per_user",
        "costs.wage",
    ]
    assert json.loads((morris / "sim-results.json").read_text())["kind"] == "sensitivity"


def test_resume_of_a_finished_analysis_runs_nothing_and_gives_the_same_table(tmp_path, morris):
    out = copy_folder(morris, tmp_path / "out")
    result = sensitivity(write(tmp_path), out, *MORRIS, "--resume")
    assert result.exit_code == 0, result.output
    assert "0 run in this session" in result.output
    assert (out / "sensitivity.csv").read_bytes() == (morris / "sensitivity.csv").read_bytes()


def test_a_sensitivity_folder_is_not_a_sweep(tmp_path, morris):
    result = sim("compare", morris)
    assert one_line_error(result) and "holds a sensitivity analysis (morris)" in result.output
    text = EXPERIMENT.replace("seed = 9", "seed = 9\nworlds = 2")
    result = sim("sweep", write(tmp_path, text), "--out", morris)
    assert one_line_error(result) and "holds a sensitivity analysis, not a sweep" in result.output


def test_sobol_on_some_parameters_with_the_others_fixed(tmp_path):
    out = tmp_path / "out"
    result = sensitivity(
        write(tmp_path),
        out,
        "--method",
        "sobol",
        "--samples",
        "16",
        "--outcomes",
        "final_adoption",
        "--difference",
        "phased,big_bang",
        "--parameters",
        "system.initial_fit,costs.wage",
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns) == [
        "condition",
        "outcome",
        "parameter",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
    ]
    for _, part in table.groupby("condition"):
        assert list(part["parameter"]) == ["system.initial_fit", "costs.wage"]
        wage = part.set_index("parameter").loc["costs.wage"]
        assert wage["S1"] == 0.0 and wage["ST"] == 0.0
    runs = pd.read_csv(out / "runs.csv")
    assert "training.hours_per_user" not in runs.columns  # at the scenario's value
    assert len(runs) == 2 * 16 * (2 + 2) * 2  # conditions x N (D + 2) x replicates
    assert (out / "figures" / "sobol_final_adoption.png").is_file()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--method", "sobol", "--samples", "12"], "--samples: Sobol needs a power of two"),
        (["--method", "morris", "--outcomes", "final_adoptoin"], "did you mean 'final_adoption'"),
        (["--method", "morris", "--difference", "phase,big_bang"], "no condition 'phase'"),
        (["--method", "morris", "--difference", "phased"], "give two conditions"),
        (["--method", "morris", "--parameters", "costs.wages"], "did you mean 'costs.wage'"),
        (["--method", "morris", "--max-runs", "10"], "more than the limit of 10"),
        (["--method", "fast"], "'fast' is not one of 'morris', 'sobol'"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_written(tmp_path, args, expected):
    out = tmp_path / "out"
    result = sensitivity(write(tmp_path), out, *args)
    assert one_line_error(result), result.output
    assert expected in result.output
    assert not out.exists()


def test_an_experiment_without_uncertainties_is_refused(tmp_path):
    text = EXPERIMENT.split("[uncertainties]")[0]
    result = sensitivity(write(tmp_path, text), tmp_path / "out", "--method", "morris")
    assert one_line_error(result) and "has no [uncertainties] table" in result.output
