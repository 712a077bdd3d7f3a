"""Regenerate the documentation that shows real program output.

Run after a change to the model or its defaults (it takes about a minute on two cores):

    python tools/refresh_docs.py

- ``docs/parameters.md`` from the schema and the case files (``python -m sim.docs``);
- the README's ``sim run`` example output;
- the README's demo table and ``docs/images/demo-main.png`` from a fresh ``sim demo``.

The README's console examples are checked by ``tests/test_readme.py``; the demo block is
checked for shape, since the full demo is too slow for the test suite.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SIM = [sys.executable, "-m", "sim.cli"]


def run(*args: str) -> str:
    return subprocess.run(
        [*SIM, *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.rstrip()


def replace_block(text: str, start: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no block {start} ... {end}")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text, count=1)


def main() -> None:
    params = subprocess.run(
        [sys.executable, "-m", "sim.docs"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    (ROOT / "docs" / "parameters.md").write_text(params, encoding="utf-8")
    text = README.read_text(encoding="utf-8")
    command = "sim run scenarios/default.toml --seed 42"
    output = run(*command.split()[1:])
    text = replace_block(
        text, "<!-- run:start -->", "<!-- run:end -->", f"```console\n$ {command}\n{output}\n```"
    )
    demo = run("demo")
    table = demo.split("\n\n")
    shutil.copyfile(
        ROOT / "results" / "demo" / "figures" / "main.png",
        ROOT / "docs" / "images" / "demo-main.png",
    )
    text = replace_block(
        text, "<!-- demo:start -->", "<!-- demo:end -->", "```text\n" + "\n\n".join(table) + "\n```"
    )
    README.write_text(text, encoding="utf-8")
    print("refreshed docs/parameters.md, README.md and docs/images/demo-main.png")


if __name__ == "__main__":
    main()
