"""The README's commands run and print what the README shows."""

from __future__ import annotations

import os
import re
import shlex

from click.testing import CliRunner

from sim.cli import cli
from tests.conftest import ROOT

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def readme_examples() -> list[tuple[str, str]]:
    """(command, expected output) for every `$ sim ...` line in a console block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in BLOCK.findall(text):
        lines = block.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
        for k, i in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(lines)
            examples.append((lines[i][2:], "\n".join(lines[i + 1 : end]).rstrip()))
    return examples


def test_readme_has_examples():
    assert len(readme_examples()) >= 3


def test_readme_commands_print_what_the_readme_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    for command, expected in readme_examples():
        argv = shlex.split(command)
        assert argv[0] == "sim", command
        argv = [a.replace("results/", f"{tmp_path}{os.sep}") for a in argv[1:]]
        result = CliRunner().invoke(cli, argv)
        shown = result.output.rstrip()
        assert result.exit_code in (0, 2), (command, result.output)
        assert shown == expected, f"README out of date for: {command}\n{shown}"


def test_readme_python_example_runs(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed and 0.0 <= float(printed[-1]) <= 1.0
