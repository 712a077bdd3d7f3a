"""What a newcomer meets first: `make demo` saying what it does, scripts that say how to run
them, one way of writing commands in the docs, and honest run times."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT

SCRIPTS = sorted([*ROOT.glob("experiments/plot_*.py"), *ROOT.glob("benchmarks/bench_*.py")])
DOCS = [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md")), *ROOT.glob("*/README.md")]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_says_what_each_install_phase_does(tmp_path):
    """The install takes minutes with pip quiet: each phase announces itself first."""
    venv = tmp_path / "venv"
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "demo", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    announced = [i for i, line in enumerate(lines) if line.startswith("echo ")]
    doing = [i for i, line in enumerate(lines) if not line.startswith("echo ")]
    assert len(announced) >= 3
    # every command but the final `touch` is preceded by a line that says what it does
    for i in doing:
        assert i - 1 in announced or lines[i].startswith("touch "), lines[i]
    text = " ".join(lines[i] for i in announced)
    for words in ("virtual environment", "pip", "install", "demo"):
        assert words in text


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scripts_without_the_environment_say_how_to_run_them(script):
    """Run by a Python without the project's packages (``-S``: no site-packages), every
    figure script and benchmark ends with one line that says how to run it, not a
    ModuleNotFoundError traceback."""
    done = subprocess.run(
        [sys.executable, "-S", str(script), "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode != 0
    err = done.stderr.strip()
    assert "Traceback" not in err and err.count("\n") == 0, err
    assert ".venv/bin/python" in err and "source .venv/bin/activate" in err


def test_docs_write_commands_one_way():
    """The README says once how to put `sim` on the path; commands everywhere are then
    written `sim ...` and `python ...`, never `.venv/bin/sim`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "source .venv/bin/activate" in readme
    assert readme.count(".venv/bin/sim") == 1  # where the convention is stated
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        assert path.name == "README.md" and path.parent == ROOT or ".venv/bin/sim" not in text
        assert not re.search(r"^\s*\.venv/bin/python", text, re.M), path


def test_experiment_times_are_measured_and_say_on_what():
    """Run times in experiments/README.md name the machine they were measured on."""
    text = (ROOT / "experiments" / "README.md").read_text(encoding="utf-8")
    times = re.findall(r"\d+ s\b", text)
    if times:
        assert re.search(r"on [^.]{0,40}(core|CPU)", text, re.I)
        assert "30 s." not in text  # the waves sweep took 75-127 s, not 30
