"""The command line: `sim run`, `sim scenario`, version and help, and bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import ROOT, SCENARIOS

from sim import __version__
from sim.cli import cli

DEFAULT = str(SCENARIOS / "default.toml")
SMALL = ["--set", "population.size=150", "--set", "population.units=10", "--steps", "30"]


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


HEAVY = ("mesa", "matplotlib", "scipy", "pandas", "pyarrow", "numpy", "tqdm")
PROBE = """
import sys
from click.testing import CliRunner
from sim.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
assert result.exit_code == 0, result.output
print(" ".join(sorted(m for m in {heavy} if m in sys.modules)))
"""


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["--version"], ["run", "--help"], ["scenario", "validate", DEFAULT]],
    ids=lambda a: " ".join(a) or "import",
)
def test_start_up_loads_no_heavy_library(args):
    """`sim --help`, `--version` and `sim scenario validate` load neither Mesa nor NumPy,
    pandas, scipy, pyarrow or matplotlib (a fresh interpreter for each)."""
    code = (
        PROBE.format(heavy=HEAVY)
        if args
        else f"import sys, sim.cli; print(' '.join(sorted(m for m in {HEAVY} if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded: {done.stdout.strip()}"


def test_the_probe_sees_heavy_libraries():
    """The check above can fail: a command that runs the model loads Mesa and NumPy."""
    code = PROBE.format(heavy=HEAVY)
    args = ["run", DEFAULT, "--seed", "1", *SMALL, "--quiet"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert {"mesa", "numpy", "pandas"} <= set(done.stdout.split())


def test_every_command_is_registered_by_name():
    from sim.cli import COMMANDS

    assert cli.list_commands(None) == list(COMMANDS)
    for name in COMMANDS:
        assert cli.get_command(None, name).name == name
    assert cli.get_command(None, "nope") is None
    assert "No such command 'nope'" in bad(["nope"])


def test_version_and_help():
    assert __version__ in invoke("--version").output
    out = invoke("--help").output
    for command in ("run", "scenario"):
        assert command in out


def test_run_prints_a_summary():
    result = invoke("run", DEFAULT, "--seed", "3", *SMALL)
    assert result.exit_code == 0
    assert "final adoption" in result.output
    assert "seed 3, 30 weeks" in result.output


def test_run_writes_timeseries_and_summary(tmp_path):
    out = tmp_path / "run"
    result = invoke("run", DEFAULT, "--seed", "3", *SMALL, "--out", str(out))
    assert result.exit_code == 0
    ts = pd.read_csv(out / "timeseries.csv")
    assert ts["step"].tolist() == list(range(31))
    for col in (
        "live_share",
        "adoption_rate",
        "workaround_rate",
        "mean_frustration",
        "p90_frustration",
        "productivity_loss",
        "open_defects",
        "support_backlog",
        "cumulative_cost",
        "waves_live",
        "postponements",
        "adoption_rate.professional",
        "mean_frustration.administrator",
    ):
        assert col in ts.columns
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3
    assert summary["scenario"]["population"]["size"] == 150
    assert summary["versions"]["mesa"].startswith("3.3")
    assert re.fullmatch(r"[0-9a-f]{16}", summary["versions"]["rollout-sim code"])
    assert summary["outcomes"]["final_adoption"] == pytest.approx(ts["adoption_rate"].iloc[-1])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_same_seed_gives_identical_files(tmp_path):
    for name in ("a", "b"):
        invoke("run", DEFAULT, "--seed", "11", *SMALL, "--out", str(tmp_path / name))
    assert (tmp_path / "a/timeseries.csv").read_bytes() == (
        tmp_path / "b/timeseries.csv"
    ).read_bytes()
    invoke("run", DEFAULT, "--seed", "12", *SMALL, "--out", str(tmp_path / "c"))
    assert (tmp_path / "a/timeseries.csv").read_bytes() != (
        tmp_path / "c/timeseries.csv"
    ).read_bytes()


def test_run_without_seed_records_the_one_it_drew(tmp_path):
    invoke("run", DEFAULT, *SMALL, "--out", str(tmp_path))
    seed = json.loads((tmp_path / "summary.json").read_text())["seed"]
    again = tmp_path / "again"
    invoke("run", DEFAULT, *SMALL, "--seed", str(seed), "--out", str(again))
    assert (tmp_path / "timeseries.csv").read_bytes() == (again / "timeseries.csv").read_bytes()


def test_scenario_validate_show_and_keys():
    assert invoke("scenario", "validate", DEFAULT).output.startswith("ok: ")
    shown = invoke("scenario", "show", DEFAULT, "--set", "adoption.p=0.2").output
    assert "[adoption]" in shown and "p = 0.2" in shown
    keys = invoke("scenario", "keys").output.split()
    assert "population.size" in keys and "population.roles.NAME.share" in keys


def test_scenario_keys_long_gives_meaning_unit_range_and_default():
    from sim.scenario import flat_keys
    from sim.scenario.schema import Population

    text = invoke("scenario", "keys", "--long").output
    blocks = text.strip().split("\n\n")
    assert [b.split()[0] for b in blocks] == flat_keys()
    size = next(b for b in blocks if b.startswith("population.size "))
    field = Population.model_fields["size"]
    assert f"default {field.default}" in size and "agents" in size and ">= 1" in size
    assert field.description in " ".join(size.split())


def bad(args, tmp_path=None):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message.startswith("error: ")
    assert "\n" not in message
    assert "Traceback" not in result.output
    return message


def test_bad_inputs_exit_2_with_one_line(tmp_path):
    assert "unknown key (did you mean 'adoption.p'?)" in bad(
        ["run", DEFAULT, "--set", "adoption.pp=1"]
    )
    assert "population.size" in bad(["run", DEFAULT, "--set", "population.size=-3"])
    assert "no such file" in bad(["run", str(tmp_path / "missing.toml")])
    broken = tmp_path / "broken.toml"
    broken.write_text("[rollout\n")
    assert "TOML syntax error" in bad(["scenario", "validate", str(broken)])
    assert "expected KEY=VALUE" in bad(["run", DEFAULT, "--set", "oops"])
    assert "exceeds population.units" in bad(["run", DEFAULT, "--set", "rollout.waves=99"])


def test_unwritable_out_is_refused(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):  # root writes anywhere: refuse the write instead

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("sim.io.tempfile.NamedTemporaryFile", refuse)
    message = bad(["run", DEFAULT, *SMALL, "--out", str(locked / "x")])
    assert "cannot write to" in message and "Permission denied" in message


def test_out_that_is_a_file_is_refused_before_running(tmp_path):
    target = tmp_path / "file"
    target.write_text("keep me")
    assert "is a file" in bad(["run", DEFAULT, *SMALL, "--out", str(target)])
    assert "cannot write" in bad(["run", DEFAULT, *SMALL, "--out", str(target / "sub")])
    assert target.read_text() == "keep me"


def test_console_script_is_installed():
    exe = shutil.which("sim") or str(ROOT / ".venv" / "bin" / "sim")
    proc = subprocess.run(
        [exe, "run", DEFAULT, "--set", "adoption.q=abc"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "adoption.q" in proc.stderr


def test_run_plot_writes_figures(tmp_path):
    out = tmp_path / "plotted"
    result = invoke("run", DEFAULT, "--seed", "2", *SMALL, "--out", str(out), "--plot")
    assert result.exit_code == 0, result.output
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert "main.png" in figures and "timeseries.png" in figures
    assert f"wrote {out / 'figures' / 'main.png'}" in result.output
    assert (out / "figures" / "main.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_plot_without_out_uses_a_seeded_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", DEFAULT, "--seed", "9", *SMALL, "--plot", "svg", "-q")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "results" / "run-9-default-population.size=150-population.units=10"
    assert (folder / "figures" / "main.svg").is_file()
