"""Results folders that are never overwritten, mixed or followed out of; sweeps that can be
extended and resumed from damaged state; clear refusals of experiments that would exhaust
the machine or be silently wrong (issue 13). Tiny experiments: 150 users, 20 weeks."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pandas as pd
import pytest
from sweep_helpers import (
    ROOT,
    SCENARIO,
    InterruptAfter,
    copy_folder,
    experiment_text,
    one_line_error,
    sim,
    write_experiment,
)

from sim.experiment import load_experiment, run_sweep
from sim.io import code_fingerprint

SMALL_RUN = ["--set", "population.size=150", "--set", "population.units=6", "--steps", "12"]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A finished tiny sweep (8 runs, one job), copied by the tests that damage it."""
    folder = tmp_path_factory.mktemp("base")
    exp = write_experiment(folder)
    result = sim("sweep", exp, "--out", folder / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return folder / "out"


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory) -> Path:
    """The tiny sweep stopped as if by Ctrl-C after 5 of its 8 runs (the reference has one)."""
    folder = tmp_path_factory.mktemp("interrupted")
    out = folder / "out"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            load_experiment(write_experiment(folder)),
            out,
            jobs=1,
            progress=False,
            run_fn=InterruptAfter(5),
        )
    return out


def resume(exp: Path, out: Path, *extra: str):
    return sim("sweep", exp, "--out", out, "--jobs", "1", "--resume", *extra)


# --- wording -----------------------------------------------------------------------------


def test_sweep_says_how_many_ran_in_this_session(tmp_path, base):
    exp = write_experiment(tmp_path)
    out = copy_folder(base, tmp_path / "out")
    result = resume(exp, out)
    assert result.exit_code == 0, result.output
    assert "8 runs (0 failed); 0 run in this session in " in result.output


# --- readable results (umask) ------------------------------------------------------------


def test_result_files_respect_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        exp = write_experiment(tmp_path, replicates=1)
        assert sim("sweep", exp, "--out", tmp_path / "s", "--jobs", "1").exit_code == 0
        assert (
            sim("run", SCENARIO, *SMALL_RUN, "--seed", "1", "--out", tmp_path / "r").exit_code == 0
        )
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "s").rglob("*") if p.is_file() and p.name != ".lock"]
    files += list((tmp_path / "r").iterdir())
    assert len(files) > 6
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


# --- no silent overwrite or mixing -------------------------------------------------------


def test_run_refuses_a_sweep_folder_even_with_force(tmp_path, base):
    out = copy_folder(base, tmp_path / "out")
    before = sorted(p.name for p in out.iterdir())
    for extra in ([], ["--force"]):
        result = sim("run", SCENARIO, *SMALL_RUN, "--seed", "1", "--out", out, *extra)
        assert one_line_error(result), result.output
        assert "sweep" in result.output
    assert sorted(p.name for p in out.iterdir()) == before


def test_run_refuses_another_run_unless_forced_and_repeats_the_same_one(tmp_path):
    out = tmp_path / "run"
    args = ["run", SCENARIO, *SMALL_RUN, "--seed", "1", "--out", out]
    assert sim(*args).exit_code == 0
    assert sim(*args).exit_code == 0  # the same run again: same results, allowed
    changed = sim(*args, "--set", "rollout.strategy=big_bang")
    assert one_line_error(changed) and "--force" in changed.output
    forced = sim(*args, "--set", "rollout.strategy=big_bang", "--force")
    assert forced.exit_code == 0, forced.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"]["rollout"]["strategy"] == "big_bang"


def test_run_refuses_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    for extra in ([], ["--force"]):
        result = sim("run", SCENARIO, *SMALL_RUN, "--seed", "1", "--out", tmp_path / "mine", *extra)
        assert one_line_error(result), result.output
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]


def test_default_plot_folders_and_labels_name_the_overrides(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["run", SCENARIO, *SMALL_RUN, "--seed", "42", "--plot", "svg", "-q"]
    assert sim(*args).exit_code == 0
    assert sim(*args, "--set", "rollout.strategy=big_bang").exit_code == 0
    folders = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert len(folders) == 2, folders
    big = next(f for f in folders if "rollout.strategy=big_bang" in f)
    assert "42" in big
    from sim.analysis.folders import load_results

    labels = {f: load_results(tmp_path / "results" / f).conditions[0] for f in folders}
    assert "rollout.strategy=big_bang" in labels[big]
    assert len(set(labels.values())) == 2


def test_demo_refuses_another_experiments_sweep(tmp_path, base):
    out = copy_folder(base, tmp_path / "out")
    before = (out / "runs.csv").read_bytes()
    result = sim("demo", "--quick", "--out", out)
    assert one_line_error(result), result.output
    assert "--force" in result.output
    assert (out / "runs.csv").read_bytes() == before


# --- --force deletes only its own files, only in its own folders -------------------------


def test_force_never_deletes_in_a_folder_that_is_not_its_own(tmp_path):
    exp = write_experiment(tmp_path)
    u = tmp_path / "u"
    (u / "parts").mkdir(parents=True)
    (u / "parts" / "f").write_text("x")
    (u / "manifest.json").write_text("{}")
    result = sim("sweep", exp, "--out", u, "--force", "--jobs", "1")
    assert one_line_error(result), result.output
    assert (u / "parts" / "f").read_text() == "x"
    assert (u / "manifest.json").read_text() == "{}"


@pytest.mark.parametrize("where", ["cwd", "home"])
def test_force_never_deletes_in_the_current_or_home_folder(tmp_path, monkeypatch, where):
    exp = write_experiment(tmp_path)
    target = tmp_path / where
    target.mkdir()
    monkeypatch.chdir(target)
    monkeypatch.setenv("HOME", str(target))
    out = "." if where == "cwd" else str(target)
    assert sim("sweep", exp, "--out", out, "--jobs", "1").exit_code == 0  # empty: allowed
    result = sim("sweep", exp, "--out", out, "--jobs", "1", "--force")
    assert one_line_error(result), result.output
    assert (target / "runs.csv").is_file()


def test_force_deletes_only_what_the_sweep_wrote(tmp_path, base):
    exp = write_experiment(tmp_path)
    out = copy_folder(base, tmp_path / "out")
    (out / "notes.txt").write_text("mine")
    (out / "parts" / "mine.txt").write_text("mine too")
    result = sim("sweep", exp, "--out", out, "--jobs", "1", "--force")
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "parts" / "mine.txt").read_text() == "mine too"
    assert (out / "runs.csv").read_bytes() == (base / "runs.csv").read_bytes()


# --- symlinks and locks ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["parts", "journal.jsonl"])
def test_symlinks_inside_a_results_folder_are_refused(tmp_path, interrupted, name):
    exp = write_experiment(tmp_path)
    out = copy_folder(interrupted, tmp_path / "out")
    elsewhere = tmp_path / "elsewhere"
    real = out / name
    real.rename(elsewhere)
    real.symlink_to(elsewhere)
    before = {p.name: p.stat().st_size for p in elsewhere.rglob("*")} if elsewhere.is_dir() else {}
    before_bytes = None if elsewhere.is_dir() else elsewhere.read_bytes()
    result = resume(exp, out)
    assert one_line_error(result), result.output
    assert "link" in result.output
    if elsewhere.is_dir():
        assert {p.name: p.stat().st_size for p in elsewhere.rglob("*")} == before
    else:
        assert elsewhere.read_bytes() == before_bytes


def test_a_locked_folder_is_refused_in_one_line(tmp_path, interrupted):
    from sim.outdir import lock_folder

    exp = write_experiment(tmp_path)
    out = copy_folder(interrupted, tmp_path / "out")
    with lock_folder(out):
        result = resume(exp, out)
    assert one_line_error(result), result.output
    assert "in use" in result.output


# --- extending an experiment -------------------------------------------------------------


def fresh(tmp_path: Path, name: str, **kwargs) -> Path:
    exp = write_experiment(tmp_path, name=f"{name}.toml", **kwargs)
    out = tmp_path / f"fresh-{name}"
    assert sim("sweep", exp, "--out", out, "--jobs", "1").exit_code == 0
    return out


@pytest.mark.parametrize(
    ("kwargs", "new_runs"),
    [
        ({"replicates": 3}, 4),
        ({"levels": '["low", "token", "high"]'}, 4),
    ],
)
def test_extending_reuses_finished_runs_and_runs_only_what_is_new(tmp_path, base, kwargs, new_runs):
    exp = write_experiment(tmp_path, **kwargs)
    out = copy_folder(base, tmp_path / "out")
    result = resume(exp, out)
    assert result.exit_code == 0, result.output
    assert f"; {new_runs} run in this session" in result.output
    expected = fresh(tmp_path, "expected", **kwargs)
    assert (out / "runs.csv").read_bytes() == (expected / "runs.csv").read_bytes()
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "timeseries.parquet"),
        pd.read_parquet(expected / "timeseries.parquet"),
    )


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("seed = 11", "seed = 12", "experiment.seed"),
        ("steps = 20", "steps = 21", "experiment.steps"),
        ('"population.size" = 150', '"population.size" = 160', "overrides.population.size"),
    ],
)
def test_a_change_that_alters_finished_runs_is_refused_naming_the_field(
    tmp_path, base, old, new, field
):
    exp = tmp_path / "exp.toml"
    exp.write_text(experiment_text(**{old: new}))
    out = copy_folder(base, tmp_path / "out")
    result = resume(exp, out)
    assert one_line_error(result), result.output
    assert field in result.output and "changed" in result.output


def test_a_changed_scenario_file_is_refused_naming_the_key(tmp_path, base):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO.read_text())
    text = experiment_text().replace(SCENARIO.as_posix(), scenario.as_posix())
    exp = tmp_path / "exp.toml"
    exp.write_text(text)
    out = tmp_path / "out"
    assert sim("sweep", exp, "--out", out, "--jobs", "1").exit_code == 0
    text = SCENARIO.read_text()
    assert "\np = 0.08" in text
    scenario.write_text(text.replace("\np = 0.08", "\np = 0.02"))
    result = resume(exp, out)
    assert one_line_error(result), result.output
    assert "adoption.p" in result.output


# --- damaged state -----------------------------------------------------------------------


def _journal_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]


def _damage_journal(out: Path, change) -> None:
    lines = _journal_lines(out)
    change(lines)
    (out / "journal.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))


def _part(out: Path) -> Path:
    return sorted((out / "parts").glob("*.parquet"))[0]


DAMAGES = {
    "point 999": lambda out: _damage_journal(out, lambda ls: ls.append({**ls[0], "point": 999})),
    "point -1": lambda out: _damage_journal(out, lambda ls: ls.append({**ls[0], "point": -1})),
    "no status": lambda out: _damage_journal(out, lambda ls: ls[1].pop("status")),
    "unknown run": lambda out: _damage_journal(
        out, lambda ls: ls.append({**ls[0], "replicate": 77})
    ),
    "garbage line": lambda out: (out / "journal.jsonl").open("a").write("[1, 2]\nnot json\n"),
    "deleted part": lambda out: _part(out).unlink(),
    "truncated part": lambda out: _part(out).write_bytes(_part(out).read_bytes()[:100]),
    "sweep.json [1, 2]": lambda out: (out / "sweep.json").write_text("[1, 2]"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_resume_recovers_damaged_state(tmp_path, base, interrupted, damage):
    exp = write_experiment(tmp_path)
    out = copy_folder(interrupted, tmp_path / "out")
    DAMAGES[damage](out)
    result = resume(exp, out)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert (out / "runs.csv").read_bytes() == (base / "runs.csv").read_bytes()
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "timeseries.parquet"), pd.read_parquet(base / "timeseries.parquet")
    )


@pytest.mark.parametrize("damage", ["deleted part", "truncated part"])
def test_resume_warns_about_and_reruns_a_damaged_part_of_a_finished_sweep(tmp_path, base, damage):
    exp = write_experiment(tmp_path)
    out = copy_folder(base, tmp_path / "out")
    DAMAGES[damage](out)
    result = resume(exp, out)
    assert result.exit_code == 0, result.output
    assert "missing or damaged" in result.output
    assert "; 1 run in this session" in result.output
    assert (out / "runs.csv").read_bytes() == (base / "runs.csv").read_bytes()


# --- interrupted sweeps: plot and compare ------------------------------------------------


def test_compare_and_plot_work_on_an_interrupted_sweep_with_a_warning(tmp_path, interrupted):
    out = copy_folder(interrupted, tmp_path / "out")
    compared = sim("compare", out, "--format", "csv")
    assert compared.exit_code == 0, compared.output
    assert "incomplete" in compared.output and "--resume" in compared.output
    plotted = sim("plot", out, "--format", "svg")
    assert plotted.exit_code == 0, plotted.output
    assert "incomplete" in plotted.output and "--resume" in plotted.output
    assert (out / "figures" / "timeseries.svg").is_file()


DAMAGED_FILES = {
    "runs.csv binary": ("runs.csv", b"\xff\xfe\x00garbage"),
    "runs.csv empty": ("runs.csv", b""),
    "runs.csv columns": ("runs.csv", b"a,b\n1,2\n"),
    "runs.csv ragged": ("runs.csv", b'point,condition\n1,"x\n2'),
    "manifest list": ("manifest.json", b"[1, 2]"),
    "manifest no conditions": ("manifest.json", b'{"factors": {}, "reference": {}}'),
    "manifest binary": ("manifest.json", b"\xff\xfe"),
    "timeseries truncated": ("timeseries.parquet", b"PAR1\x00\x00"),
    "timeseries csv": ("timeseries.parquet", b"a,b\n1,2\n"),
}


@pytest.mark.parametrize(
    ("command", "damage"),
    [
        (command, damage)
        for command in ("plot", "compare")
        for damage in sorted(DAMAGED_FILES)
        if not (command == "plot" and damage == "manifest no conditions")  # draws: slow
    ],
)
def test_plot_and_compare_on_damaged_folders_fail_in_one_line(tmp_path, base, damage, command):
    out = copy_folder(base, tmp_path / "out")
    name, data = DAMAGED_FILES[damage]
    (out / name).write_bytes(data)
    args = ["--format", "svg"] if command == "plot" else []
    result = sim(command, out, *args)
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if result.exit_code == 2:
        assert one_line_error(result), result.output


# --- clear errors ------------------------------------------------------------------------


def test_run_on_an_experiment_file_and_sweep_on_a_scenario_say_which_command(tmp_path):
    ran = sim("run", ROOT / "experiments" / "waves.toml")
    assert one_line_error(ran) and "use `sim sweep`" in ran.output
    swept = sim("sweep", SCENARIO, "--out", tmp_path / "out")
    assert one_line_error(swept) and "use `sim run`" in swept.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["garbage://x", "tcp://[::1"])
def test_bad_scheduler_addresses_fail_in_one_line(tmp_path, address):
    exp = write_experiment(tmp_path)
    result = sim(
        "sweep", exp, "--out", tmp_path / "out", "--engine", "dask", "--scheduler", address
    )
    assert one_line_error(result), result.output
    assert "--scheduler" in result.output


def test_a_scheduler_that_cannot_be_reached_leaves_no_results_folder(tmp_path, monkeypatch):
    """A well-formed address whose scheduler does not answer (or an unusable transport)
    fails when the client connects, after the folder was prepared: the new folder is
    removed, so the next command is not told it holds a sweep."""
    import distributed

    def unreachable(*args, **kwargs):
        raise OSError("Timed out trying to connect")

    monkeypatch.setattr(distributed, "Client", unreachable)
    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    args = ("sweep", exp, "--out", out, "--engine", "dask")
    result = sim(*args, "--scheduler", "tcp://127.0.0.1:9")
    assert one_line_error(result) and "cannot connect to" in result.output, result.output
    assert not out.exists()
    # a folder that existed keeps only what it had
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = sim(*args, "--scheduler", "tcp://127.0.0.1:9")
    assert one_line_error(result), result.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_malformed_scheduler_address_never_reaches_a_dask_client(tmp_path, monkeypatch):
    """A client that fails half-way through its start may block the process later, when
    it is collected: a malformed address is refused before any client exists."""
    import distributed

    def no_client(*args, **kwargs):
        raise AssertionError("a Client was created for a malformed address")

    monkeypatch.setattr(distributed, "Client", no_client)
    exp = write_experiment(tmp_path)
    for address in ("garbage://x", "tcp://[::1"):
        result = sim(
            "sweep", exp, "--out", tmp_path / "out", "--engine", "dask", "--scheduler", address
        )
        assert one_line_error(result) and "cannot connect to" in result.output, result.output
        assert not (tmp_path / "out").exists()  # bad input writes nothing


# --- experiments that would exhaust the machine or be silently wrong ---------------------


def test_huge_replicates_are_refused(tmp_path):
    exp = tmp_path / "exp.toml"
    exp.write_text(
        experiment_text(**{"replicates = 2": "replicates = 100000000000000000000000000000"})
    )
    result = sim("sweep", exp, "--out", tmp_path / "out")
    assert one_line_error(result), result.output
    assert "replicates" in result.output


def test_huge_factorials_are_refused_at_once_unless_confirmed(tmp_path):
    levels = ", ".join(str(0.1 * i) for i in range(10))
    factors = "\n".join(
        f'"{key}" = [{levels}]'
        for key in (
            "adoption.p",
            "adoption.q",
            "training.effectiveness",
            "involvement.responsiveness",
            "system.fit_ceiling",
            "governance.filtering",
        )
    )
    text = experiment_text().split("[factors]")[0].replace("reference = {", "# {")
    exp = tmp_path / "exp.toml"
    exp.write_text(text + "[factors]\n" + factors + "\n")
    start = time.perf_counter()
    result = sim("sweep", exp, "--out", tmp_path / "out")
    assert time.perf_counter() - start < 5
    assert one_line_error(result), result.output
    assert "--max-runs" in result.output and "2,000,000" in result.output
    small = tmp_path / "small.toml"
    small.write_text(experiment_text(replicates=3))
    refused = sim("sweep", small, "--out", tmp_path / "o", "--max-runs", "11")
    assert one_line_error(refused) and "12 runs" in refused.output


def test_a_factor_on_run_steps_gives_each_condition_its_own_steps(tmp_path):
    text = experiment_text(replicates=1).replace("steps = 20\n", "")
    text = text.replace('"involvement.level" = ["low", "high"]', '"run.steps" = [5, 9]')
    text = text.replace('"involvement.level" = "low"', '"run.steps" = 5')
    exp = tmp_path / "exp.toml"
    exp.write_text(text)
    result = sim("sweep", exp, "--out", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    ts = pd.read_parquet(tmp_path / "out" / "timeseries.parquet")
    runs = pd.read_csv(tmp_path / "out" / "runs.csv")
    last = ts.groupby("point")["step"].max().to_dict()
    steps = runs.set_index("point")["run.steps"].to_dict()
    assert last == steps and sorted(set(steps.values())) == [5, 9]
    both = tmp_path / "both.toml"
    both.write_text(text.replace("replicates = 1", "replicates = 1\nsteps = 7"))
    refused = sim("sweep", both, "--out", tmp_path / "o2")
    assert one_line_error(refused) and "run.steps" in refused.output


@pytest.mark.parametrize(
    ("factor", "levels"),
    [
        ("rollout.waves", "[2, 2.0]"),
        ("rollout.waves", "[true, 1]"),
        ("adoption.p", "[0.01, nan]"),
    ],
)
def test_equivalent_duplicate_and_nan_levels_are_refused(tmp_path, factor, levels):
    text = experiment_text().replace(
        '"involvement.level" = ["low", "high"]', f'"{factor}" = {levels}'
    )
    text = text.replace('"involvement.level" = "low"', f'"{factor}" = 2')
    exp = tmp_path / "exp.toml"
    exp.write_text(text.replace("reference = {", "# {"))
    result = sim("sweep", exp, "--out", tmp_path / "out")
    assert one_line_error(result), result.output
    assert f"factors.{factor}" in result.output


# --- export ------------------------------------------------------------------------------


def test_export_writes_the_time_series_as_csv(tmp_path, base):
    out = copy_folder(base, tmp_path / "out")
    result = sim("export", out)
    assert result.exit_code == 0, result.output
    path = out / "export" / "timeseries.csv"
    assert str(path) in result.output
    table = pd.read_csv(path)
    ts = pd.read_parquet(base / "timeseries.parquet")
    assert len(table) == len(ts)
    assert list(table.columns[:6]) == [
        "point",
        "condition",
        "rollout.strategy",
        "involvement.level",
        "replicate",
        "step",
    ]
    assert table["adoption_rate"].tolist() == pytest.approx(ts["adoption_rate"].tolist())


@pytest.mark.parametrize("kind", ["long", "loop"])
@pytest.mark.parametrize("command", ["plot", "compare", "export", "sweep"])
def test_impossible_paths_fail_in_one_short_line(tmp_path, kind, command):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    path = {"long": "x" * 5000, "loop": str(tmp_path / "a" / "c")}[kind]
    if command == "sweep":
        result = sim("sweep", write_experiment(tmp_path), "--out", path)
    else:
        result = sim(command, path)
    assert one_line_error(result), result.output
    assert len(result.output) < 300


def test_resuming_after_the_code_changed_says_so(tmp_path, monkeypatch):
    """Runs made by earlier code are kept on --resume, but not silently: the state records
    the code's fingerprint and a resume by other code warns."""
    import sim.experiment.sweep as sweep_module

    exp = write_experiment(tmp_path)
    out = tmp_path / "out"
    first = sim("sweep", exp, "--out", out, "--max-runs", "100000", "-q")
    assert first.exit_code == 0, first.output
    state = json.loads((out / "sweep.json").read_text())
    assert state["code"] == code_fingerprint()
    same = sim("sweep", exp, "--out", out, "--resume", "-q")
    assert "code changed" not in same.output
    monkeypatch.setattr(sweep_module, "code_fingerprint", lambda: "0123456789abcdef")
    other = sim("sweep", exp, "--out", out, "--resume", "-q")
    assert other.exit_code == 0, other.output
    assert f"fingerprint {state['code']} -> 0123456789abcdef" in other.output
