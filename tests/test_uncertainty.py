"""Uncertain worlds: parsing ``[uncertainties]``, inverse CDFs, Latin hypercubes, seeds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.errors import InputError
from sim.experiment.uncertainty import (
    WORLD,
    check_worlds,
    design_seed,
    latin_hypercube,
    parse_uncertainties,
    salib_problem,
    sample_seed,
    unit_to_values,
    world_overrides,
    world_seed,
)
from sim.seeding import run_seed

TABLE = {
    "training.hours_per_user": {"distribution": "uniform", "low": 4, "high": 32},
    "system.latent_defects": {"distribution": "log_uniform", "low": 100, "high": 1000},
    "system.initial_fit": {"distribution": "triangular", "low": 0.3, "mode": 0.6, "high": 0.8},
    "governance.filtering": {
        "distribution": "truncated_normal",
        "mean": 0.2,
        "sd": 0.1,
        "low": 0,
        "high": 0.6,
    },
    "support.hypercare_weeks": {
        "distribution": "choice",
        "values": [2, 6, 8],
        "weights": [1, 2, 1],
    },
    "population.roles.professional.voice": {"distribution": "uniform", "low": 0.2, "high": 0.9},
}


@pytest.fixture(scope="module")
def uncertainties():
    return parse_uncertainties(TABLE, source="x.toml")


def test_parse_keeps_order_and_marks_integer_keys(uncertainties):
    assert [u.key for u in uncertainties] == list(TABLE)
    integer = {u.key: u.integer for u in uncertainties}
    assert integer["system.latent_defects"] and integer["support.hypercare_weeks"]
    assert not integer["training.hours_per_user"] and not integer["system.initial_fit"]


def test_as_json_round_trips(uncertainties):
    again = parse_uncertainties({u.key: u.as_json() for u in uncertainties})
    assert again == uncertainties
    assert uncertainties[0].as_json() == {"distribution": "uniform", "low": 4, "high": 32}


def _error(table, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        parse_uncertainties(table, source="x.toml", **kwargs)
    text = str(info.value)
    assert "\n" not in text
    return text


U = {"distribution": "uniform", "low": 4, "high": 32}


@pytest.mark.parametrize(
    ("key", "spec", "expected"),
    [
        ("training.hour_per_user", U, "unknown scenario key (did you mean 'training.hours_"),
        ("rollout.strategy", U, "is not a number (one of 'big_bang'"),
        ("network.kind", U, "is not a number"),
        ("population.roles.professional.mandatory", U, "is not a number (bool)"),
        ("meta.name", U, "is not a number (str)"),
        ("system", U, "is a table of the scenario"),
        ("population.roles.professional", U, "is a table of the scenario"),
        ("training..hours", U, "malformed key"),
        ("training.hours_per_user", {**U, "high": 4}, "empty range: low = high = 4"),
        ("training.hours_per_user", {**U, "low": 40}, "inverted range: low 40 > high 32"),
        ("training.hours_per_user", {**U, "high": 300}, "above the key's maximum 200"),
        ("training.hours_per_user", {**U, "low": -1}, "below the key's minimum 0"),
        ("population.scale", {**U, "low": 0}, "must stay above 0"),
        ("training.hours_per_user", {**U, "distribution": "normal"}, "'truncated_normal'"),
        ("training.hours_per_user", {**U, "distribution": "unifrom"}, "did you mean 'uniform'"),
        ("training.hours_per_user", {**U, "distribution": "gamma"}, "one of uniform, log_"),
        ("training.hours_per_user", {"low": 4, "high": 32}, "missing 'distribution'"),
        ("training.hours_per_user", {**U, "lo": 1}, "unknown parameter 'lo' of uniform"),
        ("training.hours_per_user", {"distribution": "uniform", "low": 4}, "uniform needs high"),
        ("training.hours_per_user", {**U, "low": "4"}, "low must be a finite number"),
        ("training.hours_per_user", {**U, "low": True}, "low must be a finite number"),
        ("training.hours_per_user", {**U, "high": float("inf")}, "high must be a finite"),
        ("training.hours_per_user", 4, "must be an inline table"),
        ("training.window_weeks", {**U, "low": 4.5}, "low must be a whole number on an integer"),
        ("system.latent_defects", {**U, "distribution": "log_uniform", "low": 0}, "above 0"),
        (
            "system.initial_fit",
            {"distribution": "triangular", "low": 0.3, "mode": 0.9, "high": 0.8},
            "mode 0.9 is outside",
        ),
        (
            "system.initial_fit",
            {"distribution": "truncated_normal", "mean": 0.5, "sd": 0, "low": 0, "high": 1},
            "sd must be above 0",
        ),
        ("support.hypercare_weeks", {"distribution": "choice", "values": [2]}, "two values"),
        ("support.hypercare_weeks", {"distribution": "choice", "values": [2, 2]}, "repeat"),
        ("support.hypercare_weeks", {"distribution": "choice", "values": [2, 60]}, "maximum 52"),
        ("support.hypercare_weeks", {"distribution": "choice", "values": [2, 6.5]}, "whole"),
        (
            "support.hypercare_weeks",
            {"distribution": "choice", "values": [2, 6], "weights": [1]},
            "1 weights for 2 values",
        ),
        (
            "support.hypercare_weeks",
            {"distribution": "choice", "values": [2, 6], "weights": [-1, 2]},
            "weights must be >= 0",
        ),
    ],
)
def test_bad_uncertainty_is_one_line_naming_the_key(key, spec, expected):
    text = _error({key: spec})
    assert text.startswith(f"x.toml: uncertainties.{key}: ")
    assert expected in text


def test_bad_table_shapes():
    assert "uncertainties: must be a table" in _error([1, 2])
    assert "needs at least one uncertain key" in _error({})


def test_a_key_set_elsewhere_cannot_be_uncertain():
    text = _error({"training.hours_per_user": U}, fixed={"training.hours_per_user": "factors"})
    assert text == "x.toml: uncertainties.training.hours_per_user: also set in [factors]"


def test_optional_number_field_is_numeric():
    (u,) = parse_uncertainties({"involvement.participation": {**U, "low": 0.1, "high": 0.5}})
    assert not u.integer


@pytest.mark.parametrize(
    ("worlds", "expected"),
    [(0, "must be at least 1 (got 0)"), (-3, "at least 1"), (2.5, "whole"), (True, "whole")],
)
def test_bad_worlds(worlds, expected, uncertainties):
    with pytest.raises(InputError, match="experiment.worlds") as info:
        check_worlds(worlds, uncertainties, source="x.toml")
    assert expected in str(info.value)


def test_worlds_need_uncertainties(uncertainties):
    assert check_worlds(100, uncertainties) == 100
    with pytest.raises(InputError, match=r"needs an \[uncertainties\] table"):
        check_worlds(100, ())


# --- Inverse CDFs against SciPy's CDFs ---------------------------------------------------

ORACLE_CDF = {
    "training.hours_per_user": stats.uniform(4, 28).cdf,
    "system.initial_fit": stats.triang(0.6, loc=0.3, scale=0.5).cdf,
    "governance.filtering": stats.truncnorm(-2, 4, loc=0.2, scale=0.1).cdf,
    "population.roles.professional.voice": stats.uniform(0.2, 0.7).cdf,
}


def test_latin_hypercube_uses_every_stratum_once(uncertainties):
    """Each continuous value's probability falls in its own stratum [i/N, (i+1)/N)."""
    n = 50
    design = latin_hypercube(uncertainties, n, root=7)
    for key, cdf in ORACLE_CDF.items():
        p = np.sort(cdf(design[key].to_numpy()))
        strata = np.floor(p * n + 1e-9).astype(int)
        np.testing.assert_array_equal(strata, np.arange(n), err_msg=key)


def test_log_uniform_is_uniform_in_log():
    (u,) = parse_uncertainties(
        {"training.hours_per_user": {"distribution": "log_uniform", "low": 2, "high": 200}}
    )
    q = np.array([0.0, 0.25, 0.5, 1.0])
    np.testing.assert_allclose(u.ppf(q), [2, 2 * 100**0.25, 20, 200], rtol=1e-12)


def test_integer_uniform_gives_every_integer_the_same_chance():
    (u,) = parse_uncertainties({"support.hypercare_weeks": {**U, "low": 2, "high": 5}})
    x = u.ppf((np.arange(400) + 0.5) / 400)
    assert x.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(x)[2:], [100, 100, 100, 100])
    assert u.ppf(0.0) == 2 and u.ppf(1.0) == 5


def test_integer_log_uniform_stays_in_range_and_is_integer(uncertainties):
    u = uncertainties[1]
    x = u.ppf(np.linspace(0, 1, 1001))
    assert x.dtype == np.int64 and x.min() == 100 and x.max() == 1000
    assert np.median(x) == pytest.approx(np.sqrt(100 * 1000), abs=1)


def test_choice_follows_its_weights(uncertainties):
    u = uncertainties[4]
    x = u.ppf((np.arange(400) + 0.5) / 400)
    values, counts = np.unique(x, return_counts=True)
    np.testing.assert_array_equal(values, [2, 6, 8])
    np.testing.assert_array_equal(counts, [100, 200, 100])
    assert u.ppf(0.0) == 2 and u.ppf(1.0) == 8


def test_design_is_reproducible_and_depends_on_the_seed(uncertainties):
    a = latin_hypercube(uncertainties, 20, root=1)
    b = latin_hypercube(uncertainties, 20, root=1)
    c = latin_hypercube(uncertainties, 20, root=2)
    assert a.equals(b)
    assert not a["training.hours_per_user"].equals(c["training.hours_per_user"])
    assert list(a.columns) == [WORLD, *TABLE]
    np.testing.assert_array_equal(a[WORLD], np.arange(20))
    assert a["system.latent_defects"].dtype == np.int64


def test_world_overrides_are_plain_numbers(uncertainties):
    design = latin_hypercube(uncertainties, 5, root=1)
    over = world_overrides(design, 3)
    assert list(over) == list(TABLE)
    assert type(over["system.latent_defects"]) is int
    assert type(over["training.hours_per_user"]) is float
    assert over["system.initial_fit"] == design.loc[3, "system.initial_fit"]
    with pytest.raises(KeyError):
        world_overrides(design, 9)


def test_salib_problem_is_the_unit_cube_and_maps_through_the_same_ppf(uncertainties):
    problem = salib_problem(uncertainties)
    assert problem["names"] == list(TABLE) and problem["num_vars"] == len(TABLE)
    assert problem["bounds"] == [[0.0, 1.0]] * len(TABLE)
    unit = np.full((1, len(TABLE)), 0.5)
    values = unit_to_values(uncertainties, unit)
    assert values.loc[0, "training.hours_per_user"] == 18.0
    assert values.loc[0, "support.hypercare_weeks"] == 6
    with pytest.raises(ValueError, match="columns"):
        unit_to_values(uncertainties, np.zeros((2, 3)))


def test_world_seeds_are_condition_free_distinct_and_apart_from_run_seeds():
    seeds = {world_seed(11, w, r) for w in range(30) for r in range(5)}
    assert len(seeds) == 150
    assert all(0 <= s < 2**63 for s in seeds)
    assert world_seed(11, 3, 2) == world_seed(11, 3, 2)
    assert world_seed(11, 3, 2) != world_seed(12, 3, 2)
    assert seeds.isdisjoint({run_seed(11, p, r) for p in range(30) for r in range(5)})
    assert design_seed(11, "worlds") != design_seed(11, "morris")


def test_sample_seeds_depend_on_the_replicate_only():
    seeds = [sample_seed(11, r) for r in range(20)]
    assert len(set(seeds)) == 20 and all(0 <= s < 2**63 for s in seeds)
    assert seeds[3] == sample_seed(11, 3) != sample_seed(12, 3)
    assert set(seeds).isdisjoint({world_seed(11, w, r) for w in range(20) for r in range(20)})


# --- The documentation shows true input and output -------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "experiments.md"


def test_documented_table_parses():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[uncertainties\]\n.*?)```", text, re.S).group(1)
    parsed = parse_uncertainties(tomllib.loads(block)["uncertainties"])
    names = [u.distribution.name for u in parsed]
    assert names == ["uniform", "log_uniform", "triangular", "truncated_normal", "choice"]


@pytest.mark.parametrize(
    ("key", "spec"),
    [
        ("training.hour_per_user", U),
        ("rollout.strategy", U),
        ("training.hours_per_user", {**U, "low": 40}),
        ("training.hours_per_user", {**U, "high": 320}),
        ("governance.filtering", {**U, "distribution": "normal", "low": 0, "high": 0.5}),
    ],
)
def test_documented_errors_are_the_real_ones(key, spec):
    with pytest.raises(InputError) as info:
        parse_uncertainties({key: spec}, source="experiments/x.toml")
    assert str(info.value) in DOC.read_text(encoding="utf-8")


def test_documented_worlds_error_is_the_real_one(uncertainties):
    with pytest.raises(InputError) as info:
        check_worlds(0, uncertainties, source="experiments/x.toml")
    assert str(info.value) in DOC.read_text(encoding="utf-8")
