"""A non-editable install works: a wheel built from the sources, installed into a fresh
virtual environment, runs ``sim demo --quick`` from an unrelated folder.

To stay quick and offline the wheel is built without build isolation and installed
without dependencies; the fresh environment reaches the test environment's packages
(Mesa, NumPy, ...) through a ``.pth`` file, but not its editable copy of ``sim``: a
``.pth`` file is only read in a site directory, so the editable install's hook is not.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from helpers import ROOT

SOURCES = ("sim", "scenarios", "experiments", "pyproject.toml", "setup.py", "README.md", "LICENSE")


def run(*argv, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_the_quick_demo(tmp_path):
    src = tmp_path / "src"  # a copy, so that building writes nothing into the repository
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp_path, src, cwd=src)
    (wheel,) = tmp_path.glob("rollout_sim-*.whl")

    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    purelib = sysconfig.get_path("purelib", vars={"base": str(env), "platbase": str(env)})
    Path(purelib, "test-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    run(*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel, cwd=tmp_path)

    where = run(
        python, "-c", "import sim.shipped as s; print(s.__file__, s.scenarios_dir())", cwd=tmp_path
    )
    assert all(part.startswith(str(env)) for part in where.stdout.split()), where.stdout
    demo = run(env / "bin" / "sim", "demo", "--quick", "--out", tmp_path / "demo", cwd=tmp_path)
    assert "| rollout.strategy " in demo.stdout and "Highest peak frustration" in demo.stdout
    assert (tmp_path / "demo" / "figures" / "main.png").stat().st_size > 0
