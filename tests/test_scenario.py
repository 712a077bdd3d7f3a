"""Scenario files: defaults, overrides and one clear error for each kind of bad input."""

from __future__ import annotations

import pytest
from helpers import SCENARIOS

from sim.errors import InputError
from sim.scenario import (
    INVOLVEMENT_PRESETS,
    Scenario,
    flat_keys,
    load_scenario,
    parse_assignment,
    scenario_from_dict,
    scenario_to_toml,
)

REQUIRED_KEYS = [
    "population.size",
    "adoption.p",
    "adoption.q",
    "rollout.strategy",
    "involvement.level",
]


def test_required_dotted_keys_exist():
    keys = flat_keys()
    for key in REQUIRED_KEYS:
        assert key in keys


def test_defaults_without_a_file_equal_the_schema():
    assert load_scenario() == Scenario()


def test_shipped_scenarios_load():
    default = load_scenario(SCENARIOS / "default.toml")
    bass = load_scenario(SCENARIOS / "reference" / "bass.toml")
    assert default.meta.name == "default"
    assert len(default.population.roles) == 3
    assert bass.network.kind == "complete"
    assert bass.adoption.acceptance_weight == 0


def test_overrides_apply_and_are_validated():
    sc = load_scenario(
        SCENARIOS / "default.toml", {"population.size": 5000, "rollout.strategy": "big_bang"}
    )
    assert sc.population.size == 5000
    assert sc.effective_waves == 1


@pytest.mark.parametrize(
    ("level", "expected"), [(name, pair) for name, pair in INVOLVEMENT_PRESETS.items()]
)
def test_involvement_presets_resolve(level, expected):
    assert load_scenario(overrides={"involvement.level": level}).involvement.resolved == expected


def test_involvement_can_be_set_directly():
    sc = load_scenario(overrides={"involvement.level": "token", "involvement.responsiveness": 0.9})
    assert sc.involvement.resolved == (INVOLVEMENT_PRESETS["token"][0], 0.9)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"adoption.pp": 0.1}, "adoption.pp: unknown key (did you mean 'adoption.p'?)"),
        ({"adoption.enter_threshold": 0.1}, "did you mean 'workaround.enter_threshold'"),
        ({"population.size": -5}, "population.size: Input should be greater than or equal to 1"),
        ({"population.size": "many"}, "population.size: Input should be a valid integer"),
        ({"adoption.p": 7}, "adoption.p: Input should be less than or equal to 5"),
        ({"rollout.strategy": "bigbang"}, "rollout.strategy: Input should be 'big_bang'"),
        ({"rollout.waves": 50}, "rollout.waves (50) exceeds population.units (40)"),
        ({"population.roles.professional.share": 0.9}, "role shares must sum to 1"),
        ({"population.units": 5000}, "more units (5000) than users (2000)"),
        ({"workaround.exit_threshold": 0.9}, "exit_threshold must not exceed enter_threshold"),
        ({"involvement.level": "custom"}, "needs both participation and responsiveness"),
        ({"system.initial_fit": 0.95, "system.fit_ceiling": 0.9}, "initial_fit is above"),
    ],
)
def test_bad_values_give_one_line_errors_naming_the_key(overrides, fragment):
    with pytest.raises(InputError) as info:
        load_scenario(SCENARIOS / "default.toml", overrides)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    assert message.startswith(str(SCENARIOS / "default.toml"))


def test_big_bang_ignores_waves_but_phased_checks_them():
    assert (
        load_scenario(
            overrides={"rollout.strategy": "big_bang", "population.units": 2, "rollout.waves": 4}
        ).effective_waves
        == 1
    )


def test_missing_file_and_syntax_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[population\nsize = 3\n")
    with pytest.raises(InputError, match="TOML syntax error") as info:
        load_scenario(bad)
    assert "\n" not in str(info.value)


def test_value_where_a_table_is_expected():
    with pytest.raises(InputError, match="'population.size' is a value, not a table"):
        scenario_from_dict({"population": {"size": 3}}, {"population.size.x": 1})


def test_unknown_role_field_suggests_within_the_role():
    with pytest.raises(InputError, match="did you mean 'population.roles.professional.voice'"):
        load_scenario(SCENARIOS / "default.toml", {"population.roles.professional.voise": 1})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("population.size=5000", ("population.size", 5000)),
        ("adoption.p=0.1", ("adoption.p", 0.1)),
        ("rollout.strategy=big_bang", ("rollout.strategy", "big_bang")),
        ('meta.name="x y"', ("meta.name", "x y")),
        ("role.mandatory=false", ("role.mandatory", False)),
    ],
)
def test_parse_assignment(text, expected):
    assert parse_assignment(text) == expected


def test_parse_assignment_rejects_missing_equals():
    with pytest.raises(InputError, match="expected KEY=VALUE"):
        parse_assignment("population.size")


def test_show_round_trips(tmp_path):
    sc = load_scenario(SCENARIOS / "default.toml", {"involvement.level": "high"})
    path = tmp_path / "resolved.toml"
    path.write_text(scenario_to_toml(sc))
    assert load_scenario(path) == sc


def test_every_parameter_is_documented():
    def walk(model):
        for name, field in model.model_fields.items():
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, Scenario.__mro__[1]):
                yield from walk(ann)
            else:
                yield name, field

    for name, field in walk(Scenario):
        assert field.description, f"{name} has no description"


def test_overriding_a_default_role_field_keeps_the_other_roles():
    sc = load_scenario(overrides={"population.roles.support_staff.mandatory": False})
    assert set(sc.population.roles) == {"professional", "support_staff", "administrator"}
    assert sc.population.roles["support_staff"].mandatory is False
