"""Every command in the README runs, and what the README shows is what it prints.

Each command line of every code block is collected; each kind of command has a check
below (an unknown kind fails :func:`test_every_readme_command_has_a_check`). Commands that
would take minutes run in a small form: the sweep with fewer replicates (the session's
``main_sweep``), the sweep over worlds with fewer worlds (``worlds_sweep``), validation in
its quick mode. Shown output must match a fresh run exactly (only the demo's elapsed
seconds may differ); the table over worlds, made from the full sweep, must have the
structure of the small sweep's and say that it comes from the file's worlds and
replicates. When the model changes, regenerate it with ``python tools/refresh_docs.py``.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from helpers import MAIN_EXPERIMENT, ROBUSTNESS_EXPERIMENT, ROOT, sim
from refresh_docs import DEMO_EXAMPLE, REFRESH, ROBUSTNESS_EXAMPLE, RUN_EXAMPLE

from sim.analysis.comparison import compare_folder
from sim.analysis.formatting import format_table
from sim.validation.patterns import DEVIATIONS

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)
STALE = f"README.md is out of date; run `{REFRESH}`"


def readme_commands() -> list[tuple[str, str | None]]:
    """``(command, shown output)`` for every command in the README's code blocks: in
    ``console`` blocks the lines after ``$ ``, with the lines up to the next ``$ `` as
    output; in other shell blocks every line, without output (``None``)."""
    commands = []
    for kind, body in BLOCK.findall(README):
        lines = body.splitlines()
        if kind == "console":
            starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
            for k, i in enumerate(starts):
                end = starts[k + 1] if k + 1 < len(starts) else len(lines)
                commands.append((lines[i][2:], "\n".join(lines[i + 1 : end]).rstrip()))
        elif kind in ("", "sh", "shell", "bash"):
            for line in lines:
                command = line.split("#")[0].strip()
                if command:
                    commands.append((command, None))
    return commands


COMMANDS = readme_commands()


def kind(command: str) -> str:
    """``sim run``, ``sim scenario validate``...; commands on the sweep over worlds are of
    their own kind (``sim sweep (worlds)``), checked against a small sweep over worlds."""
    words = command.split()
    name = " ".join(words[:3] if words[:2] == ["sim", "scenario"] else words[:2])
    return f"{name} (worlds)" if "robustness" in command else name


def test_every_readme_command_has_a_check():
    kinds = {kind(c) for c, _ in COMMANDS}
    assert kinds <= set(CHECKS), f"README commands without a check: {kinds - set(CHECKS)}"
    assert {"sim run", "sim sweep", "sim compare", "sim plot", "sim validate", "sim demo"} <= kinds


def check_make(command, shown, tmp_path):
    """`make demo` and `make test` are the Makefile's targets (running them here would run
    this suite inside itself); what they run is checked by the other commands."""
    target = command.split()[1]
    assert re.search(rf"^{target}:", (ROOT / "Makefile").read_text(), re.M), command


def check_run(command, shown, tmp_path):
    argv = [a.replace("results/", f"{tmp_path}/") for a in shlex.split(command)[1:]]
    result = sim(*argv)
    if shown is not None and result.exit_code == 2:  # a shown error message
        assert result.output.rstrip() == shown, STALE
        return
    assert result.exit_code == 0, result.output
    if shown is not None:
        assert result.stdout.rstrip() == shown, f"{STALE} (the output of `{command}`)"
    else:
        assert "final adoption" in result.stdout
    if "--seed" not in argv:  # a fresh seed is drawn and reported
        assert re.search(r"^seed \d+, \d+ weeks$", result.stdout, re.M)
    if "--out" in argv:
        out = tmp_path / argv[argv.index("--out") + 1].rsplit("/", 1)[-1]
        assert (out / "timeseries.csv").is_file() and (out / "summary.json").is_file()


def check_scenario(command, shown, tmp_path):
    result = sim(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip() == shown, STALE


def check_sweep(command, shown, tmp_path, main_sweep):
    argv = shlex.split(command)
    assert argv[2] == MAIN_EXPERIMENT.relative_to(ROOT).as_posix()
    assert argv[3:] == ["--out", "results/rollout_x_involvement"]
    out, result = main_sweep  # the same command on a small form of the same file
    assert result.exit_code == 0
    for name in ("runs.csv", "timeseries.parquet", "manifest.json", "comparison.md"):
        assert (out / name).is_file(), name


def check_compare(command, shown, tmp_path, main_sweep):
    out, _ = main_sweep
    argv = [str(out) if a.startswith("results/") else a for a in shlex.split(command)[1:]]
    result = sim(*argv)
    assert result.exit_code == 0, result.output
    outcomes = argv[argv.index("--outcomes") + 1].split(",")
    expected = format_table(compare_folder(out, outcomes=outcomes), argv[-1])
    assert result.stdout == expected
    assert "\\begin{tabular}" in result.stdout and "weeks\\_to\\_80" in result.stdout


def check_plot(command, shown, tmp_path, main_sweep):
    out, _ = main_sweep
    result = sim("plot", out, "--quiet")
    assert result.exit_code == 0, result.output
    names = {p.name for p in (out / "figures").iterdir()}
    assert {"timeseries.png", "roles.png", "outcomes.png", "main.png"} <= names


def check_worlds_sweep(command, shown, tmp_path, worlds_sweep):
    argv = shlex.split(command)
    assert argv[2] == ROBUSTNESS_EXPERIMENT.relative_to(ROOT).as_posix()
    assert argv[3:] == ["--out", "results/robustness"]
    out, result = worlds_sweep  # the same command on a small form of the same file
    assert result.exit_code == 0
    runs = (out / "runs.csv").read_text(encoding="utf-8").splitlines()
    assert ",world," in runs[0] and (out / "comparison.md").is_file()


def structure(text: str) -> list[str]:
    """``text`` with every number replaced by ``N`` and the padding of table cells
    removed: what a table says, whatever the values in it."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"[-+]?\d[\d,]*(\.\d+)?", "N", line)
        line = re.sub(r"\s*\|\s*", "|", re.sub(r"-{3,}", "---", line))
        lines.append(re.sub(r"\s+", " ", line).strip())
    return lines


def check_worlds_compare(command, shown, tmp_path, worlds_sweep):
    """The README shows the table of the full sweep over worlds: it must come from the
    file's worlds and replicates and read like the table of the small sweep made now."""
    assert command == ROBUSTNESS_EXAMPLE
    out, _ = worlds_sweep
    argv = [str(out) if a.startswith("results/") else a for a in shlex.split(command)[1:]]
    result = sim(*argv)
    assert result.exit_code == 0, result.output
    head = tomllib.loads(ROBUSTNESS_EXPERIMENT.read_text(encoding="utf-8"))["experiment"]
    full = f"{head['worlds']} sampled worlds, up to {head['replicates']} replicates "
    assert shown.splitlines()[2].startswith(full), STALE
    assert structure(shown) == structure(result.stdout.rstrip()), STALE


def check_worlds_plot(command, shown, tmp_path, worlds_sweep):
    out, _ = worlds_sweep
    result = sim("plot", out, "--quiet", "--outcomes", "net_benefit")
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "worlds_net_benefit.png").is_file()


def check_validate(command, shown, tmp_path, quick_validation):
    assert command.split() == ["sim", "validate", "--quick"]
    result, checks = quick_validation
    assert result.exit_code == 0, result.output
    known = len(DEVIATIONS)  # documented limitations: reported, and never fail the command
    assert re.search(
        rf"\n\d+ passed, 0 failed(, \d+ inconclusive)?, {known} known deviations", result.stdout
    ), result.stdout


def check_demo(command, shown, tmp_path, quick_demo):
    assert command == DEMO_EXAMPLE
    _, result = quick_demo

    def steady(text: str) -> str:  # the elapsed time is the one thing that may differ
        return re.sub(r" runs in \d+\.\d s;", " runs in N s;", text)

    assert steady(result.stdout.rstrip()) == steady(shown), STALE


def check_dashboard(command, shown, tmp_path):
    """`sim dashboard` serves until stopped: here its options and scenario are checked and
    serving is left out (tests/test_dashboard_browser.py serves it and drives a browser)."""
    import sim.cli.dashboard as dashboard

    served = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dashboard, "serve", lambda base, **options: served.append((base, options)))
        result = sim(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    (base, options), *_ = served
    assert options["host"] == "127.0.0.1"
    scenario = next((a for a in shlex.split(command)[2:] if a.endswith(".toml")), None)
    assert base.meta.name == (Path(scenario).stem if scenario else "default")


CHECKS = {
    "make demo": check_make,
    "make test": check_make,
    "sim run": check_run,
    "sim scenario validate": check_scenario,
    "sim sweep": check_sweep,
    "sim compare": check_compare,
    "sim plot": check_plot,
    "sim validate": check_validate,
    "sim demo": check_demo,
    "sim dashboard": check_dashboard,
    "sim sweep (worlds)": check_worlds_sweep,
    "sim compare (worlds)": check_worlds_compare,
    "sim plot (worlds)": check_worlds_plot,
}
SESSION = {check_sweep: "main_sweep", check_compare: "main_sweep", check_plot: "main_sweep"}
SESSION |= dict.fromkeys(
    (check_worlds_sweep, check_worlds_compare, check_worlds_plot), "worlds_sweep"
)
SESSION |= {check_validate: "quick_validation", check_demo: "quick_demo"}


def _param(command: str, shown: str | None):
    fixture = SESSION.get(CHECKS.get(kind(command)))
    marks = [pytest.mark.xdist_group(fixture)] if fixture else []
    return pytest.param(command, shown, id=command, marks=marks)


@pytest.mark.parametrize(("command", "shown"), [_param(c, s) for c, s in COMMANDS])
def test_readme_command(command, shown, tmp_path, request):
    check = CHECKS[kind(command)]
    fixture = SESSION.get(check)
    args = (request.getfixturevalue(fixture),) if fixture else ()
    check(command, shown, tmp_path, *args)


def test_readme_shows_the_run_and_demo_that_refresh_docs_makes():
    shown = {c for c, out in COMMANDS if out}
    assert RUN_EXAMPLE in shown and DEMO_EXAMPLE in shown and ROBUSTNESS_EXAMPLE in shown


def test_readme_python_example_runs(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed and 0.0 <= float(printed[-1]) <= 1.0
