"""A killed sweep leaves no process behind, SIGTERM is handled like Ctrl-C, and two
concurrent resumes give one run and one refusal. Real subprocesses; Linux (/proc)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sweep_helpers import ROOT, write_experiment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc"),
]


def sweep_process(exp: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(exp), "--out", str(out), *extra]
    return subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (zombies count as dead)."""
    found: set[int] = set()
    parents = {pid}
    changed = True
    while changed:
        changed = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in found:
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in parents and fields[0] != "Z":
                found.add(int(entry.name))
                parents.add(int(entry.name))
                changed = True
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def wait_for_runs(out: Path, proc: subprocess.Popen, n: int = 1) -> None:
    journal = out / "journal.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_bytes().count(b"\n") >= n:
            return
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.01)
    raise AssertionError("no run finished in time")


def wait_gone(pids: set[int], seconds: float = 15) -> set[int]:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive(pids)


@pytest.fixture
def experiment(tmp_path) -> Path:
    """40 runs of 2,000 users over 100 weeks: long enough to be caught while it runs (the
    tests stop it after its first run)."""
    replace = {
        '"population.size" = 150': '"population.size" = 2000',
        '"population.units" = 6': '"population.units" = 20',
        "steps = 20": "steps = 100",
    }
    return write_experiment(tmp_path, replicates=10, **replace)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_no_process_outlives_a_killed_sweep(tmp_path, experiment, sig):
    out = tmp_path / "out"
    proc = sweep_process(experiment, out, "--jobs", "2")
    try:
        wait_for_runs(out, proc)
        family = children(proc.pid)
        assert len(family) >= 3, family  # forkserver and two workers at least
        os.kill(proc.pid, sig)  # the main process only, not its group
        # Seconds on an idle machine; on a machine whose two cores run other test workers
        # and sweeps, stopping the workers and the forkserver once took over 30 s.
        code = proc.wait(timeout=90)
        assert not wait_gone(family), "processes left behind"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    if sig == signal.SIGTERM:
        err = proc.stderr.read().decode()
        assert code == 143, err
        assert "--resume" in err and "Traceback" not in err
        assert (out / "journal.jsonl").read_bytes().count(b"\n") >= 1  # finished runs kept


def test_two_concurrent_resumes_give_one_run_and_one_refusal(tmp_path, experiment):
    out = tmp_path / "out"
    first = sweep_process(experiment, out, "--jobs", "1", "--resume")
    try:
        wait_for_runs(out, first)
        second = sweep_process(experiment, out, "--jobs", "1", "--resume")
        code = second.wait(timeout=60)
        err = second.stderr.read().decode()
        assert first.poll() is None, "the first sweep ended too soon to test the lock"
        assert code == 2, err
        assert err.count("\n") == 1 and "in use" in err and "Traceback" not in err
        os.kill(first.pid, signal.SIGTERM)
        assert first.wait(timeout=60) == 143
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
    lines = (out / "journal.jsonl").read_text().splitlines()
    keys = [
        tuple(json.loads(line)[k] for k in ("condition", "world", "replicate")) for line in lines
    ]
    assert keys and len(keys) == len(set(keys))  # nothing run twice
