"""The experiment runner: seeds, identical results across engines, crash safety, failures,
bad input. Experiments are tiny (200 users, 30 weeks) so the whole file runs in seconds."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sweep_fakes
from click.testing import CliRunner
from sweep_helpers import experiment_text

from sim.cli import cli
from sim.errors import InputError
from sim.experiment import load_experiment, run_seed, run_sweep, tasks
from sim.experiment.journal import Journal
from sim.experiment.runner import open_engine
from sim.outcomes import OUTCOMES

ROOT = Path(__file__).resolve().parents[1]

SIZES = {"steps": 30, "size": 200, "units": 8, "first": 5, "interval": 4}


def write_experiment(folder: Path, replicates: int = 3, text: str | None = None) -> Path:
    path = folder / "exp.toml"
    path.write_text(text or experiment_text(replicates, sizes=SIZES))
    return path


def sweep_cli(*args: str | Path):
    return CliRunner().invoke(cli, ["sweep", *map(str, args)])


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """A finished sweep of the tiny experiment with one job (in process)."""
    folder = tmp_path_factory.mktemp("clean")
    out = folder / "out"
    run_sweep(load_experiment(write_experiment(folder)), out, jobs=1, progress=False)
    return out


# --- seeds (derivation and pinning: tests/test_seeding.py) ------------------------------


def test_tasks_carry_derived_seeds_in_factorial_order(tmp_path):
    exp = load_experiment(write_experiment(tmp_path))
    got = [(t.point, t.replicate, t.seed) for t in tasks(exp)]
    keys = [c.seed_key for c in exp.conditions]
    assert got == [(p, r, run_seed(11, keys[p], r)) for p in range(4) for r in range(3)]
    assert [c.label for c in exp.conditions] == [
        "big_bang | low",
        "big_bang | high",
        "phased | low",
        "phased | high",
    ]
    assert exp.reference == {"rollout.strategy": "phased", "involvement.level": "low"}


# --- results -----------------------------------------------------------------------------


def test_runs_csv_layout(clean):
    runs = pd.read_csv(clean / "runs.csv", keep_default_na=False)
    assert list(runs.columns) == [
        "point",
        "condition",
        "rollout.strategy",
        "involvement.level",
        "replicate",
        "seed",
        "status",
        "error",
        *OUTCOMES,
    ]
    assert list(zip(runs.point, runs.replicate, strict=True)) == [
        (p, r) for p in range(4) for r in range(3)
    ]
    manifest = json.loads((clean / "manifest.json").read_text())
    keys = {c["point"]: int(c["key"], 16) for c in manifest["conditions"]}
    assert list(runs.seed) == [
        run_seed(11, keys[p], r) for p, r in zip(runs.point, runs.replicate, strict=True)
    ]
    assert set(runs.status) == {"ok"}
    ts = pd.read_parquet(clean / "timeseries.parquet")
    assert list(ts.columns[:3]) == ["point", "replicate", "step"]
    assert len(ts) == 12 * 31  # step 0 included
    manifest = pd.read_json(clean / "manifest.json", typ="series")
    assert manifest["counts"] == {"ok": 12, "failed": 0}
    assert manifest["reference_point"] == 2


@pytest.mark.slow
def test_jobs_and_engines_give_identical_results(tmp_path, clean):
    exp = load_experiment(write_experiment(tmp_path))
    run_sweep(exp, tmp_path / "two", jobs=2, progress=False)
    run_sweep(exp, tmp_path / "dask", jobs=2, engine="dask", progress=False)
    reference = (clean / "runs.csv").read_bytes()
    expected_ts = pd.read_parquet(clean / "timeseries.parquet")
    for name in ("two", "dask"):
        assert (tmp_path / name / "runs.csv").read_bytes() == reference
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / name / "timeseries.parquet"), expected_ts
        )


@pytest.mark.slow
def test_killed_sweep_resumes_to_identical_results(tmp_path):
    exp_path = write_experiment(tmp_path, replicates=8)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "sim.cli",
        "sweep",
        str(exp_path),
        "--out",
        str(out),
        "--jobs",
        "2",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    journal = out / "journal.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _lines(journal) < 3:
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _lines(journal)
    assert 3 <= done < 32, "the sweep was not killed part-way"
    assert not (out / "runs.csv").exists()
    with journal.open("ab") as fh:  # as if killed in the middle of writing a line
        fh.write(b'{"point":3,"replicate":7,"se')

    result = sweep_cli(exp_path, "--out", out, "--resume", "--jobs", "2")
    assert result.exit_code == 0, result.output
    run_sweep(load_experiment(exp_path), tmp_path / "clean", jobs=1, progress=False)
    assert (out / "runs.csv").read_bytes() == (tmp_path / "clean" / "runs.csv").read_bytes()
    keys = [(r["point"], r["replicate"]) for r in _csv(out / "runs.csv")]
    assert keys == sorted(set(keys)) and len(keys) == 32  # none lost, none duplicated
    assert _lines(journal) == 32  # the torn line was cut off, nothing run twice
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 32 * 31


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


@pytest.mark.parametrize("jobs", [1, 2])
def test_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, jobs):
    exp = load_experiment(write_experiment(tmp_path))
    result = run_sweep(
        exp, tmp_path / "out", jobs=jobs, progress=False, run_fn=sweep_fakes.fail_high_involvement
    )
    assert result.counts == {"ok": 6, "failed": 6}
    rows = _csv(tmp_path / "out" / "runs.csv")
    for row in rows:
        failed = row["involvement.level"] == "high"
        assert row["status"] == ("failed" if failed else "ok")
        if failed:
            assert row["error"] == (
                f"RuntimeError: injected failure for seed {row['seed']} second line"
            )
            assert all(row[name] == "" for name in OUTCOMES)
        else:
            assert row["error"] == "" and row["final_adoption"] != ""
    ts = pd.read_parquet(tmp_path / "out" / "timeseries.parquet")
    assert set(ts.point) == {0, 2}


def _record(condition: str, replicate: int, status: str) -> dict:
    record = {
        "condition": condition,
        "world": 0,
        "replicate": replicate,
        "seed": 1,
        "steps": 2,
        "inputs": "x",
        "status": status,
        "error": "" if status == "ok" else "x",
        "outcomes": {},
    }
    if status == "ok":
        record["part"] = {"bytes": 1, "sha256": "0" * 64}
    return record


def test_journal_ignores_a_torn_last_line(tmp_path):
    a, b = "a" * 16, "b" * 16
    with Journal(tmp_path) as journal:
        journal.append(_record(a, 1, "ok"))
        journal.append(_record(a, 0, "failed"))
    with (tmp_path / "journal.jsonl").open("ab") as fh:
        fh.write(b'{"condition": "bbbbbbbbbbbbbbbb", "repl')
    reopened = Journal(tmp_path)
    assert sorted(reopened.index) == [(a, 0, 0), (a, 0, 1)] and reopened.failed() == 1
    with reopened:
        reopened.append(_record(b, 0, "ok"))
    lines = (tmp_path / "journal.jsonl").read_text().splitlines()
    assert [json.loads(line)["condition"] for line in lines] == [a, a, b]  # torn line cut
    assert sorted(Journal(tmp_path).index) == [(a, 0, 0), (a, 0, 1), (b, 0, 0)]


# --- the results folder ------------------------------------------------------------------


def test_existing_results_are_refused_without_resume_or_force(tmp_path, clean):
    exp_path = write_experiment(tmp_path)
    before = (clean / "runs.csv").read_bytes()
    result = sweep_cli(exp_path, "--out", clean, "--jobs", "1")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "--resume" in result.output
    assert (clean / "runs.csv").read_bytes() == before


def test_resume_of_a_finished_sweep_changes_nothing_and_force_starts_afresh(tmp_path):
    exp_path = write_experiment(tmp_path)
    out = tmp_path / "out"
    assert sweep_cli(exp_path, "--out", out, "--jobs", "1").exit_code == 0
    before = (out / "runs.csv").read_bytes()
    assert sweep_cli(exp_path, "--out", out, "--jobs", "1", "--resume").exit_code == 0
    assert (out / "runs.csv").read_bytes() == before
    (out / "journal.jsonl").write_text("")
    result = sweep_cli(exp_path, "--out", out, "--jobs", "1", "--force")
    assert result.exit_code == 0, result.output
    assert (out / "runs.csv").read_bytes() == before
    assert _lines(out / "journal.jsonl") == 12


def test_resume_refuses_a_changed_experiment_file(tmp_path, clean):
    exp_path = write_experiment(tmp_path)
    out = tmp_path / "out"
    assert sweep_cli(exp_path, "--out", out, "--jobs", "1").exit_code == 0
    exp_path.write_text(exp_path.read_text().replace("seed = 11", "seed = 12"))
    result = sweep_cli(exp_path, "--out", out, "--resume")
    assert result.exit_code == 2
    assert result.output.startswith("error: --resume: ") and "changed" in result.output
    assert result.output.count("\n") == 1


# --- bad input ---------------------------------------------------------------------------

GOOD = experiment_text(2, sizes=SIZES)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "replicates = 2",
            "replicate = 2",
            "experiment.replicate: unknown key (did you mean 'replicates'?)",
        ),
        ('"high"]', '"medium"]', "factors.involvement.level: value 'medium' rejected"),
        (
            '"rollout.strategy"',
            '"rollout.stratgy"',
            "unknown key (did you mean 'rollout.strategy'?)",
        ),
        (
            '"involvement.level" = "low"',
            '"involvement.level" = "token"',
            "experiment.reference: 'token' is not a value of factor 'involvement.level'",
        ),
        ("default.toml", "missing.toml", "experiment.scenario: no such file"),
        ("seed = 11\n", "", "experiment.seed: missing required key"),
        ('"population.size" = 200', '"population.size" = -5', "overrides.population.size"),
        ("[overrides]", "[overides]", "overides: unknown table (did you mean 'overrides'?)"),
    ],
)
def test_bad_experiment_files_fail_in_one_line_and_write_nothing(tmp_path, old, new, expected):
    assert old in GOOD
    exp_path = write_experiment(tmp_path, text=GOOD.replace(old, new))
    out = tmp_path / "out"
    result = sweep_cli(exp_path, "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {exp_path}: ")
    assert expected in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists()


def test_unwritable_out_is_an_input_error(tmp_path):
    exp_path = write_experiment(tmp_path)
    (tmp_path / "file").write_text("")
    result = sweep_cli(exp_path, "--out", tmp_path / "file" / "out")
    assert result.exit_code == 2
    assert result.output.startswith("error: --out: cannot write")


def test_missing_dask_is_an_input_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(InputError, match="needs Dask distributed"), open_engine("dask", 1):
        pass


def test_scheduler_needs_the_dask_engine():
    with pytest.raises(InputError, match="--engine dask"), open_engine("local", 1, "tcp://x:1"):
        pass
