"""Fuzzing the inputs a person types: scenario files (random TOML: real and made-up keys,
every TOML type, nesting, inf, nan, huge integers, text with newlines and NUL bytes, and
text that is not TOML at all) and command-line arguments (`sim run`, `sim scenario
validate|show`, `--set`, `--seed`). Whatever the input: exit status 0 or 2, never a
traceback; on an error one line ``error: ...`` of bounded length and nothing written.

Bounded (a fixed number of examples, derandomized, no example database) so that it takes
seconds; every run of the model it makes is one week of 20 users.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import tomli_w
from click.testing import CliRunner, Result
from helpers import SCENARIOS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import cli
from sim.errors import MAX_LINE
from sim.scenario import flat_keys

DEFAULT = str(SCENARIOS / "default.toml")
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Appended to every `sim run`: whatever the fuzz chose, the model stays tiny.
SMALL = ["--steps", "1", "--set", "population.size=20", "--set", "population.units=4"]

KEYS = [k.replace("NAME", "professional") for k in flat_keys()]
text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(["", "\n", "a\nb", "\x00", "nan", "inf", "-inf", "true", "1e999", " "])
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -1e308, 5e-324, 0.5]),
)
plausible = st.one_of(  # values a scenario might hold, so that many inputs are valid
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["big_bang", "phased", "phased_gated", "low", "token", "high", "units"]),
)
leaves = st.one_of(plausible, numbers, st.booleans(), text)
values = st.one_of(
    plausible,
    leaves,
    st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=10,
    ),
)
keys = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(KEYS),
    st.sampled_from(["population", "meta", "run", "population.roles.x.share"]),
    text,
)


def nest(flat: dict[str, object]) -> dict:
    """A TOML table from dotted keys (a key that clashes with another is dropped)."""
    out: dict = {}
    for key, value in flat.items():
        parts = key.split(".")
        node = out
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            if parts[-1] not in node:
                node[parts[-1]] = value
    return out


def toml_text(flat: dict[str, object]) -> str:
    try:
        return tomli_w.dumps(nest(flat))
    except (TypeError, ValueError):  # a value tomli_w cannot write (e.g. mixed arrays)
        return tomli_w.dumps({"k": 1})


tables = st.dictionaries(keys, values, max_size=6).map(toml_text)
deep = st.integers(min_value=1, max_value=3000).flatmap(
    lambda n: st.sampled_from(["a = " + "[" * n + "]" * n, "[" + ".".join(["t"] * n) + "]"])
)
documents = st.one_of(tables, tables, tables, st.text(max_size=200), deep)


def check(result: Result, out: Path | None = None) -> None:
    """Exit 0 or 2, no traceback; an error is one bounded line and writes nothing."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stdout == ""
        line = result.stderr
        assert line.startswith("error: ") and line.endswith("\n"), line
        assert line.count("\n") == 1 and len(line) <= len("error: \n") + MAX_LINE
        assert out is None or not out.exists()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@FUZZ
@given(document=documents)
def test_scenario_files(document):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_text(document, encoding="utf-8")
        out = Path(tmp) / "out"
        check(invoke("scenario", "validate", str(path)))
        check(invoke("scenario", "show", str(path)))
        check(invoke("run", str(path), *SMALL, "--seed", "1", "--out", str(out)), out)


assignments = st.tuples(keys, values).map(lambda kv: f"{kv[0]}={_toml_value(kv[1])}")
set_values = st.one_of(assignments, assignments, assignments, st.text(max_size=40))


def _toml_value(value: object) -> str:
    try:
        return tomli_w.dumps({"v": value})[4:].strip()
    except (TypeError, ValueError):
        return str(value)


seeds = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["-1", str(2**63), str(2**63 - 1), "0", "1.5", "1e3", "", " 7 "]),
    text,
)


@FUZZ
@given(sets=st.lists(set_values, max_size=3), seed=seeds)
def test_command_line_arguments(sets, seed):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        options = [x for s in sets for x in ("--set", s)]
        check(invoke("scenario", "validate", DEFAULT, *options))
        check(invoke("scenario", "show", DEFAULT, *options))
        run = invoke("run", DEFAULT, *options, *SMALL, f"--seed={seed}", "--out", str(out))
        check(run, out)
