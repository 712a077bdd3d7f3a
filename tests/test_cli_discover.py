"""`sim discover` as a person uses it: a results folder in, a table (and a figure) out.

Through the ``sim`` group, so errors go through its one-line, exit-status-2 handling.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import cli
from tests.test_discovery import PARAMETERS, WHERE, make_runs

GROUP = cli


@pytest.fixture()
def results(tmp_path):
    folder = tmp_path / "robustness"
    folder.mkdir()
    make_runs().to_csv(folder / "runs.csv", index=False)
    manifest = {
        "experiment": "robustness",
        "factors": {"rollout.strategy": ["big_bang", "phased"]},
        "reference": {"rollout.strategy": "big_bang"},
        "seed": 11,
        "uncertainties": {
            "training.hours_per_user": {"distribution": "uniform", "low": 4, "high": 32},
            "system.initial_fit": {"distribution": "uniform", "low": 0.3, "high": 0.8},
            "system.latent_defects": {"distribution": "log_uniform", "low": 100, "high": 1000},
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(GROUP, ["discover", *args])


def test_discover_prints_the_box(results):
    result = run(str(results), "--where", WHERE)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Scenario discovery")
    assert "seed 11" in result.output  # the experiment's seed by default
    box = next(line for line in result.output.splitlines() if re.match(r"\|\s*1\s*\|", line))
    cells = [c.strip() for c in box.strip("|").split("|")]
    assert cells[3:5] == ["100 %", "100 %"]  # coverage, density
    assert "training.hours_per_user >" in box and "system.initial_fit <=" in box


def test_discover_csv_and_figure(results, tmp_path):
    figure = tmp_path / "figs" / "box.png"
    result = run(str(results), "--where", WHERE, "--format", "csv", "--figure", str(figure))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output))
    assert set(table["parameter"]) == set(PARAMETERS)
    first = table[table["box"] == 1].iloc[0]
    assert first["coverage"] >= 0.9 and first["density"] >= 0.9
    assert figure.stat().st_size > 10_000
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_without_manifest_uncertainties_the_dotted_non_factor_columns_are_used(results):
    manifest = json.loads((results / "manifest.json").read_text())
    del manifest["uncertainties"]
    (results / "manifest.json").write_text(json.dumps(manifest))
    result = run(str(results), "--where", WHERE, "--format", "csv", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(io.StringIO(result.output))["parameter"]) == set(PARAMETERS)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--where", "total_cost[big_bang] > 1"], "error: --where: unknown condition 'big_bang'"),
        (["--where", "total_cost[big_bang | low] > 1e9"], "holds in no world"),
        (["--where", WHERE, "--figure", "box.gif"], "error: --figure: must end in .png"),
        (["--where", WHERE, "--box", "7", "--figure", "FIG"], "error: --box: no box 7"),
        (["--where", WHERE, "--min-leaf", "0.7"], "--min-leaf"),
        ([], "Missing option '--where'"),
    ],
)
def test_bad_input_is_one_line_with_status_2(results, tmp_path, args, expected):
    figure = tmp_path / "x.png"
    result = run(str(results), *[str(figure) if a == "FIG" else a for a in args])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not figure.exists()


def test_a_folder_without_worlds_is_refused(results, tmp_path):
    runs = pd.read_csv(results / "runs.csv").drop(columns="world")
    runs.to_csv(results / "runs.csv", index=False)
    result = run(str(results), "--where", WHERE)
    assert result.exit_code == 2
    assert "no 'world' column" in result.output
    missing = run(str(tmp_path / "nothing"), "--where", WHERE)
    assert missing.exit_code == 2 and "no results folder" in missing.output


def test_the_documented_error_is_the_real_one(results):
    result = run(str(results), "--where", "total_cost[big_bang] > 1")
    doc = (Path(__file__).resolve().parents[1] / "docs" / "experiments.md").read_text("utf-8")
    assert result.exit_code == 2
    assert result.output.strip() in doc
