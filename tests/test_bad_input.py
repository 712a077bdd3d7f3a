"""Bad scenario files and command-line arguments: one line of bounded length, exit status 2,
no traceback, nothing written; and no value the model cannot use passes validation."""

from __future__ import annotations

import math
import os

import pytest
from click.testing import CliRunner
from helpers import SCENARIOS

from sim.cli import cli
from sim.errors import MAX_LINE, InputError, shown
from sim.scenario import flat_keys, load_scenario, parse_assignment, schema_field
from sim.scenario.schema import LIMIT

DEFAULT = str(SCENARIOS / "default.toml")
TINY = ["--steps", "2", "--set", "population.size=40", "--set", "population.units=4"]


def refused(*args, cwd=None) -> str:
    """Run ``sim ARGS``: exit status 2, one line ``error: ...`` of bounded length, no traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 2, result.output
    message = result.output.rstrip("\n")
    assert message.startswith("error: "), message
    assert "\n" not in message and "Traceback" not in message
    assert len(message) <= len("error: ") + MAX_LINE
    return message


# --- what an error echoes ---------------------------------------------------------------


def test_shown_escapes_control_characters_and_cuts_long_text():
    assert shown("population.size") == "population.size"
    assert shown("a\nb\x00c") == "a\\nb\\x00c"
    long = shown("x" * 10_000_000, 60)
    assert len(long) <= 60 and long.endswith("(10,000,000 characters)")


def test_an_input_error_is_one_bounded_line_whatever_it_echoes():
    error = InputError("bad\nvalue " + "v" * 5000, source="f\n" * 3000, key="k\r\n" * 100)
    text = str(error)
    assert "\n" not in text and "\r" not in text
    assert len(text) <= MAX_LINE


def test_a_key_with_a_newline_gives_one_line():
    message = refused("scenario", "validate", DEFAULT, "--set", "adoption.p\nx=1")
    assert "adoption.p\\nx" in message and "unknown" in message


def test_a_huge_unknown_key_is_cut(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(f"[adoption]\n{'k' * 10_000_000} = 1\n")
    message = refused("scenario", "validate", path)
    assert "unknown key" in message and "(10,000,009 characters)" in message


def test_a_huge_value_is_cut():
    message = refused("scenario", "validate", DEFAULT, "--set", f'adoption.p="{"n" * 100_000}"')
    assert "adoption.p" in message and "characters)" in message


def test_usage_errors_of_the_command_line_are_cut_too():
    message = refused("run", DEFAULT, "--" + "x" * 100_000)
    assert "No such option" in message and "characters)" in message


# --- seeds ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["-1", str(2**63), str(2**64), "99999999999999999999999", "1.5"])
def test_a_seed_out_of_range_is_refused_in_one_line(seed):
    message = refused("run", DEFAULT, *TINY, "--seed", seed)
    assert "--seed" in message and "non-negative integer below 2**63" in message


def test_the_largest_seed_runs():
    result = CliRunner().invoke(cli, ["run", DEFAULT, *TINY, "--seed", str(2**63 - 1)])
    assert result.exit_code == 0, result.output
    assert f"seed {2**63 - 1}" in result.output


def test_validate_and_discover_check_their_seeds_too(tmp_path):
    assert "non-negative integer below 2**63" in refused("validate", "--quick", "--seed", "-5")
    assert "non-negative integer below 2**63" in refused("discover", tmp_path, "--seed", "-5")


def test_the_library_refuses_a_bad_seed():
    from sim.simulation import simulate

    with pytest.raises(InputError, match="non-negative integer below 2"):
        simulate(load_scenario(None, {"population.size": 40, "population.units": 4}), seed=-1)


# --- deep nesting, odd paths ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 1000 + "]" * 1000,
        "a = " + "{b = " * 1000 + "1" + "}" * 1000,
        "[" + ".".join(["a"] * 1000) + "]\nx = 1",
        "[adoption]\np = " + "[" * 100 + "]" * 100,
    ],
    ids=["arrays", "inline tables", "dotted table", "deep value"],
)
def test_deeply_nested_toml_is_refused_in_one_line(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text)
    assert "nested" in refused("scenario", "validate", path)
    with pytest.raises(InputError, match="nested"):
        load_scenario(path)


def test_a_deeply_nested_set_value_is_refused():
    value = "[" * 1000 + "]" * 1000
    assert "nested" in refused("scenario", "show", DEFAULT, "--set", f"adoption.p={value}")
    with pytest.raises(InputError, match="nested"):
        parse_assignment(f"adoption.p={value}")


def test_a_set_value_spanning_lines_is_not_split_into_two_keys():
    key, value = parse_assignment("adoption.p=0.1\nadoption.q=0.9")
    assert key == "adoption.p" and value == "0.1\nadoption.q=0.9"


@pytest.mark.parametrize(
    "name",
    ["nul", "loop", "long name", "long path"],
)
def test_odd_paths_are_refused_in_one_line(tmp_path, name):
    loop = tmp_path / "loop"
    if name == "loop":
        os.symlink(loop, loop)
    path = {
        "nul": str(tmp_path / "a\x00b.toml"),
        "loop": str(loop),
        "long name": str(tmp_path / ("a" * 5000)),
        "long path": str(tmp_path / "/".join(["abcdefghij"] * 500)),
    }[name]
    for command in (["scenario", "validate"], ["scenario", "show"], ["run"]):
        refused(*command, path)
    refused("run", DEFAULT, *TINY, "--out", path)
    refused("plot", path)
    with pytest.raises(InputError):
        load_scenario(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["loop"] if name == "loop" else [])


@pytest.mark.parametrize("name", ["nul", "loop", "long name"])
def test_an_experiments_odd_scenario_path_is_refused_in_one_line(tmp_path, name):
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    scenario = {"nul": "a\\u0000b", "loop": "loop", "long name": "a" * 5000}[name]
    experiment = tmp_path / "e.toml"
    experiment.write_text(
        f'[experiment]\nname = "x"\nscenario = "{scenario}"\nreplicates = 1\nseed = 1\n'
        '[factors]\n"adoption.p" = [0.1]\n'
    )
    assert "no such file" in refused("sweep", experiment, "--out", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_failed_run_writes_nothing(tmp_path):
    out = tmp_path / "out"
    refused("run", DEFAULT, *TINY, "--set", "adoption.p=inf", "--out", out)
    refused("run", DEFAULT, *TINY, "--seed", "-1", "--out", out)
    assert not out.exists()


# --- values the model cannot use --------------------------------------------------------


def numeric_keys() -> list[str]:
    return [k for k in flat_keys() if "NAME" not in k and _number_type(schema_field(k)) is not None]


def _number_type(field):
    import typing

    ann = field.annotation
    options = typing.get_args(ann) or (ann,)
    for kind in (int, float):
        if kind in options:
            return kind
    return None


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, "nan", "inf", True, False])
def test_non_finite_values_strings_and_booleans_are_not_numbers(value):
    for key in numeric_keys():
        with pytest.raises(InputError, match=key.replace(".", r"\.")):
            load_scenario(None, {key: value})


def test_steps_beyond_the_schema_bound_are_refused():
    from sim.defaults import MAX_STEPS

    assert "--steps" in refused("run", DEFAULT, *TINY, "--steps", str(MAX_STEPS + 1))
    assert "run.steps" in refused("run", DEFAULT, "--set", f"run.steps={MAX_STEPS + 1}")


def test_true_is_not_one_step():
    message = refused("run", DEFAULT, *TINY[2:], "--set", "run.steps=true")
    assert "run.steps" in message


@pytest.mark.parametrize("key", ["adoption.intercept", "costs.helpdesk_rate"])
@pytest.mark.parametrize("text", ["inf", "nan", '"nan"', "-inf", "+inf"])
def test_inf_and_nan_are_refused_on_the_command_line(key, text):
    assert key in refused("run", DEFAULT, *TINY, "--set", f"{key}={text}")


def test_every_number_has_a_finite_documented_range():
    """Every numeric parameter is bounded on both sides (at most :data:`LIMIT` in size), so
    no value that passes validation can overflow the model's arithmetic."""
    for key in numeric_keys():
        field = schema_field(key)
        bounds = {type(m).__name__: m for m in field.metadata}
        upper = bounds.get("Le") or bounds.get("Lt")
        lower = bounds.get("Ge") or bounds.get("Gt")
        assert upper is not None and lower is not None, key
        top = getattr(upper, "le", getattr(upper, "lt", None))
        bottom = getattr(lower, "ge", getattr(lower, "gt", None))
        assert -LIMIT <= bottom < top <= LIMIT, key


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("system.latent_defects", 2**63),
        ("system.latent_defects", 10**30),
        ("consultants.count", 10_000_000),
        ("consultants.count", 10**12),
        ("costs.helpdesk_rate", 1.7e308),
        ("population.scale", 1e300),
        ("adoption.intercept", -1e300),
        ("adoption.w_frustration", 1e300),
    ],
)
def test_values_too_large_for_the_model_are_refused(key, value):
    with pytest.raises(InputError, match=r"less than or equal|greater than or equal"):
        load_scenario(None, {key: value})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("meta.name", "a\nb", "one line of text"),
        ("meta.name", "n" * 81, "at most 80 characters"),
        ("meta.description", "x" * 1001, "at most 1000 characters"),
        ("population.roles.professional.label", "tab\there", "one line of text"),
    ],
)
def test_names_shown_in_tables_and_figures_are_one_short_line(key, value, message):
    with pytest.raises(InputError, match=message):
        load_scenario(None, {key: value})


def test_roles_are_few_and_plainly_named():
    """Every role adds three columns to every time series and a column of panels to the
    roles figure: 2,000 roles of share 0 were accepted."""
    roles = {f"r{i}": {"share": 0.0} for i in range(2000)}
    roles["r0"]["share"] = 1.0
    with pytest.raises(InputError, match="population: at most 10 roles"):
        load_scenario(None, {"population.roles": roles})
    for name in ["a.b", "x\ny", "", "naïve role"]:
        with pytest.raises(InputError, match="role name"):
            load_scenario(None, {"population.roles": {name: {"share": 1.0}}})
    ok = load_scenario(None, {"population.roles": {"lärare-2": {"share": 1.0}}})
    assert list(ok.population.roles) == ["lärare-2"]


def test_the_largest_accepted_values_run_and_give_finite_outcomes():
    """Every numeric parameter at its upper bound, then at its lower bound (one at a time,
    in a tiny model): the run finishes, with finite totals, and NumPy warns of nothing
    (no overflow). Before the bounds, ``consultants.count = 1e9`` alone took 8 GB."""
    import warnings

    from sim.simulation import simulate

    base = {
        "population.size": 40,
        "population.units": 4,
        "rollout.first_golive_week": 1,
        "rollout.wave_interval_weeks": 1,
        "testing.start_week": 0,
    }
    tried, ran = 0, 0
    for key in numeric_keys():
        if key == "population.size":
            continue  # a million agents run, but slowly: not in a unit test
        for meta in schema_field(key).metadata:
            value = getattr(meta, "le", getattr(meta, "ge", None))
            if value is None:
                continue
            tried += 1
            try:
                scenario = load_scenario(None, {**base, key: value})
            except InputError:
                continue  # impossible together with another value (e.g. more units than users)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                result = simulate(scenario, seed=1, steps=12)
            ran += 1
            for name in ("total_cost", "total_hours_lost", "hours_lost_per_user"):
                assert math.isfinite(result.summary[name]), (key, value, name)
    assert ran >= 0.8 * tried
