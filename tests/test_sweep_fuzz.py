"""Fuzzing the sweep's command line: generated experiment files and damaged results
folders never give a traceback, only exit status 0, 1 or 2 with one-line messages."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sweep_helpers import SCENARIO, sim

BASE = f"""\
[experiment]
name = "fuzz"
scenario = "{SCENARIO.as_posix()}"
steps = 3
replicates = 1
seed = 5
reference = {{ "rollout.strategy" = "phased" }}

[factors]
"rollout.strategy" = ["big_bang", "phased"]

[overrides]
"population.size" = 60
"population.units" = 4
"rollout.first_golive_week" = 1
"""

KEYS = [
    "rollout.strategy",
    "rollout.waves",
    "run.steps",
    "adoption.p",
    "involvement.level",
    "population.roles.x.share",
    "nosuch.key",
    "",
    "a.b.c.d",
]

scalars = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, 2, 3, -1, 2000, 2001]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["big_bang", "phased", "low", "high", "nan", "inf"]),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=5), scalars, max_size=2),
)


def toml(value) -> str:
    """A TOML literal for ``value`` (floats as TOML spells nan and inf)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml(str(k))} = {toml(v)}" for k, v in value.items()) + "}"


KEY_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
"""Keys without line breaks: quoting what error messages echo is the scenario loader's part
(issue 13, second half)."""


@st.composite
def experiments(draw) -> str:
    lines = BASE.splitlines()
    kind = draw(st.sampled_from(["value", "factor", "key", "delete", "insert", "duplicate"]))
    if kind == "value":
        i = draw(st.sampled_from([i for i, line in enumerate(lines) if " = " in line]))
        lines[i] = lines[i].split(" = ")[0] + " = " + toml(draw(values))
    elif kind == "factor":
        i = lines.index("[factors]") + 1
        key = draw(st.sampled_from(KEYS))
        lines[i] = f'"{key}" = ' + toml(draw(st.lists(scalars, min_size=0, max_size=3)))
    elif kind == "key":
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = toml(draw(KEY_TEXT)) + " = " + toml(draw(scalars))
    elif kind == "delete":
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif kind == "insert":
        junk = draw(
            st.sampled_from(
                ["[factors.x]", "a = [", "[[experiment]]", "x = 1", "\x00", "[overrides]"]
            )
        )
        lines.insert(draw(st.integers(0, len(lines))), junk)
    else:
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    return "\n".join(lines) + "\n"


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output,
        result.exception,
    )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        lines = result.output.strip().splitlines()
        assert lines and lines[-1].startswith("error: "), result.output
        assert all(line.startswith(("warning: ", "error: ")) for line in lines), result.output
        assert sum(line.startswith("error: ") for line in lines) == 1, result.output


FAST = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(text=experiments())
def test_generated_experiment_files_never_give_a_traceback(text):
    with tempfile.TemporaryDirectory() as tmp:
        exp = Path(tmp) / "exp.toml"
        exp.write_text(text, encoding="utf-8")
        result = sim("sweep", exp, "--out", Path(tmp) / "out", "--jobs", "1", "--max-runs", "4")
        no_traceback(result)


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    exp = folder / "exp.toml"
    exp.write_text(BASE.replace("replicates = 1", "replicates = 2"))
    assert sim("sweep", exp, "--out", folder / "out", "--jobs", "1").exit_code == 0
    return exp, folder / "out"


damages = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("bytes"), st.binary(max_size=40)),
    st.tuples(st.just("json"), values),
    st.tuples(st.just("delete"), st.none()),
    st.tuples(st.just("append"), st.binary(max_size=40)),
)


def damage(path: Path, how: str, arg) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: int(len(data) * arg)])
    elif how == "bytes":
        path.write_bytes(arg)
    elif how == "json":
        path.write_text(json.dumps(arg))
    elif how == "delete":
        path.unlink()
    else:
        path.write_bytes(data + arg)


TARGETS = (
    "manifest.json",
    "runs.csv",
    "timeseries.parquet",
    "journal.jsonl",
    "sweep.json",
    "sim-results.json",
    "parts",
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(TARGETS),
    how=damages,
    command=st.sampled_from(["compare", "resume", "export", "plot"]),
)
def test_damaged_results_folders_never_give_a_traceback(finished, target, how, command):
    exp, base = finished
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        shutil.copytree(base, out)
        if command == "plot" and target not in TARGETS[:3]:
            target = "runs.csv"  # plot reads only the final files; drawing intact ones is slow
        path = out / target
        if target == "parts":
            path = sorted(path.iterdir())[0]
        damage(path, *how)
        if command == "resume":
            result = sim("sweep", exp, "--out", out, "--jobs", "1", "--resume", "-q")
        elif command == "plot":
            result = sim("plot", out, "--format", "svg", "-q", "--out", Path(tmp) / "figures")
        else:
            result = sim(command, out)
        no_traceback(result)
