"""The classroom dashboard without a browser: controls, the two-condition model, the
board's decisions, the views, and the page rendered with Solara's test renderer."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest
from helpers import SCENARIOS

from sim.dashboard import charts, controls, unitmap, words
from sim.dashboard.classroom import Classroom
from sim.errors import InputError
from sim.model.population import UsageState
from sim.outcomes import STEP_COLUMNS
from sim.scenario import load_scenario, schema

# Solara checks Mesa's SolaraViz for its rules of hooks when Mesa's page is imported and
# warns about one of Mesa's components; nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning")

# --- controls -----------------------------------------------------------------------------


def test_every_control_is_a_scenario_key_with_its_start_value_from_the_file(tmp_path):
    path = tmp_path / "class.toml"
    path.write_text(
        "[training]\ncapacity = 90\nhours_per_user = 24\n"
        '[rollout]\nstrategy = "big_bang"\n[involvement]\nlevel = "token"\n',
        encoding="utf-8",
    )
    base = load_scenario(path)
    params = controls.model_params(base, seed=7)
    assert params["base"] is base
    assert params["seed"]["value"] == "7"
    assert params["a_training_capacity"]["value"] == 90
    assert params["b_training_hours_per_user"]["value"] == 24
    assert params["a_involvement_level"]["value"] == "token"
    assert params["a_rollout_strategy"]["value"] == "big_bang"
    # condition B starts from the contrasting strategy
    assert params["b_rollout_strategy"]["value"] == "phased"
    for name, control, _ in controls.all_controls():
        assert controls.get_value(base, control.key) is not None, name
        assert params[name]["label"]


def test_choices_come_from_the_schema_so_a_new_strategy_appears(monkeypatch):
    base = load_scenario(SCENARIOS / "default.toml")
    params = controls.model_params(base, seed=1)
    assert params["a_rollout_strategy"]["values"] == list(schema.STRATEGIES)
    assert params["b_involvement_level"]["values"] == list(schema.INVOLVEMENT_PRESETS)
    monkeypatch.setattr(schema, "STRATEGIES", (*schema.STRATEGIES, "pilot"))
    assert "pilot" in controls.model_params(base, seed=1)["b_rollout_strategy"]["values"]


def test_contrasting_strategies_exist_in_the_schema():
    for strategy in [*controls.CONTRAST, *controls.CONTRAST.values(), controls.CONTRAST_DEFAULT]:
        assert strategy in schema.STRATEGIES


def test_ranges_come_from_the_schema_and_the_population_is_capped():
    base = load_scenario(SCENARIOS / "default.toml")
    params = controls.model_params(base, seed=1)
    hours = schema.Training.model_fields["hours_per_user"]
    assert params["a_training_hours_per_user"]["max"] == hours.metadata[-1].le
    # open above in the schema: a multiple of the schema's default
    default = schema.Training.model_fields["capacity"].default
    assert params["a_training_capacity"]["max"] == controls.UNBOUNDED_RANGE * default
    assert params["a_rollout_waves"]["max"] == base.population.units
    assert params["population_size"]["max"] == controls.CLASSROOM_MAX_USERS
    assert params["population_size"]["min"] >= base.population.units
    big = load_scenario(SCENARIOS / "default.toml", {"population.size": 50_000})
    assert controls.start_values(big)["population_size"] == controls.CLASSROOM_MAX_USERS


def test_a_case_file_with_its_own_involvement_keeps_it_as_a_choice():
    base = load_scenario(SCENARIOS / "millennium.toml")
    params = controls.model_params(base, seed=1)
    assert params["a_involvement_level"]["value"] == "custom"
    assert "custom" in params["a_involvement_level"]["values"]
    kept = controls.condition_scenario(base, "A", {})
    assert kept.involvement.resolved == base.involvement.resolved
    # choosing a preset drops the file's own participation and responsiveness
    high = controls.condition_scenario(base, "A", {"a_involvement_level": "high"})
    assert high.involvement.resolved == schema.INVOLVEMENT_PRESETS["high"]


def test_a_smaller_population_stands_for_the_same_organisation():
    base = load_scenario(SCENARIOS / "default.toml")
    sc = controls.condition_scenario(base, "A", {"population_size": 500})
    assert sc.population.size == 500
    assert sc.population.size * sc.population.scale == pytest.approx(
        base.population.size * base.population.scale
    )


@pytest.mark.parametrize("text", ["abc", "-1", "1.5", ""])
def test_a_bad_seed_is_a_clear_input_error(text):
    with pytest.raises(InputError, match="seed: expected a whole number"):
        controls.parse_seed(text)


# --- the two-condition model --------------------------------------------------------------


def test_moving_a_control_changes_that_conditions_scenario_only(small):
    base = small()
    start = controls.start_values(base)
    room = Classroom(base, 3, **{**start, "b_rollout_strategy": "phased_gated"})
    a, b = room.conditions
    assert a.scenario.rollout.strategy == base.rollout.strategy
    assert b.scenario.rollout.strategy == "phased_gated"
    room = Classroom(base, 3, **{**start, "a_training_capacity": 125.0})
    assert room.conditions[0].scenario.training.capacity == 125.0
    assert room.conditions[1].scenario.training.capacity == base.training.capacity


def test_both_conditions_start_from_the_same_people(small):
    room = Classroom(small(), 11)
    a, b = (c.model.population for c in room.conditions)
    assert (
        room.conditions[0].scenario.rollout.strategy != room.conditions[1].scenario.rollout.strategy
    )
    np.testing.assert_array_equal(a.role, b.role)
    np.testing.assert_array_equal(a.proficiency, b.proficiency)
    other = Classroom(small(), 12).conditions[0].model.population
    assert not np.array_equal(a.proficiency, other.proficiency)


def test_a_condition_runs_exactly_as_a_plain_model(small):
    from sim.simulation import simulate

    base = small()
    room = Classroom(base, 5)
    while room.running:
        room.step()
    assert room.week == base.run.steps
    alone = simulate(room.conditions[0].scenario, seed=5)
    shown = room.conditions[0].model.timeseries()
    np.testing.assert_allclose(shown["adoption_rate"], alone.timeseries["adoption_rate"])


def test_a_typing_slip_in_the_seed_box_runs_with_a_fresh_seed_and_says_so(small):
    room = Classroom(small(), "4x2")
    assert isinstance(room.seed, int)
    assert "expected a whole number from 0 up" in room.notice
    assert f"this run uses seed {room.seed}" in room.notice
    assert html.escape(room.notice) in words.week_html(room)
    assert Classroom(small(), " 42 ").seed == 42 and not Classroom(small(), 42).notice


def test_settings_that_make_no_valid_scenario_keep_the_start_and_say_why(small):
    base = small()
    room = Classroom(base, 1, a_rollout_waves=base.population.units + 1)
    assert room.conditions[0].scenario.rollout.waves == base.rollout.waves
    assert room.notice.startswith("Condition A: ") and "exceeds" in room.notice


def test_unknown_controls_are_refused(small):
    with pytest.raises(InputError, match="no such control"):
        Classroom(small(), 1, a_rollout_stratgy="big_bang")


def test_go_lives_are_logged_in_the_week_the_board_took_them(small):
    room = Classroom(small(), 2)
    while room.running:
        room.step()
    for condition in room.conditions:
        lives = [d for d in condition.decisions if d.kind == "go-live"]
        live_week = condition.model.schedule.live_week
        assert [d.week for d in lives] == sorted(live_week[live_week >= 0].tolist())
        assert [d.wave for d in lives] == list(range(len(lives)))
    phased = room.conditions[0]
    assert phased.scenario.effective_waves == len(phased.decisions) == 4
    assert "wave 2 of 4 goes live" in phased.decisions[1].text


def test_postponements_and_halts_are_logged(small):
    # an unready board postpones; a board that halts at the first frustration halts
    base = small(
        **{
            "governance.readiness_threshold": 1.0,
            "governance.schedule_pressure": 0.0,
            "governance.halt_frustration": 0.05,
            "governance.filtering": 0.0,
        }
    )
    room = Classroom(base, 4)
    while room.running:
        room.step()
    kinds = {d.kind for c in room.conditions for d in c.decisions}
    assert {"postpone", "go-live", "halt"} <= kinds
    for condition in room.conditions:
        model = condition.model
        postponed = [d for d in condition.decisions if d.kind == "postpone"]
        assert len(postponed) == model.schedule.postponements
        halts = [d for d in condition.decisions if d.kind == "halt"]
        if model.board.halt_week is not None:
            assert halts[0].week == model.board.halt_week


# --- the views ----------------------------------------------------------------------------


def _run(room: Classroom, weeks: int) -> Classroom:
    for _ in range(weeks):
        room.step()
    return room


def test_charts_show_both_conditions_week_by_week_with_the_decisions(small):
    room = _run(Classroom(small(), 6), 20)
    option = charts.chart_option(charts.CHARTS[0], room.conditions, room.horizon)
    names = [s["name"] for s in option["series"]]
    assert names == ["A adopted", "A in live units", "B adopted", "B in live units"]
    for series in option["series"]:
        assert len(series["data"]) == room.week + 1
    adopted = room.conditions[1].series("adoption_rate")
    assert option["series"][2]["data"][-1] == pytest.approx(100 * adopted[-1], abs=1e-3)
    marks = option["series"][0]["markLine"]["data"]
    assert [m["xAxis"] for m in marks] == [d.week for d in room.conditions[0].decisions]
    assert marks, "the first go-live (week 10) is marked"


def test_a_chart_line_the_model_does_not_report_is_left_out(small):
    room = _run(Classroom(small(), 6), 3)
    chart = charts.Chart(
        "Test", "-", (charts.Line("no_such_indicator", "x"), charts.Line("adoption_rate", "a"))
    )
    assert "no_such_indicator" not in STEP_COLUMNS
    option = charts.chart_option(chart, room.conditions, room.horizon)
    assert [s["name"] for s in option["series"]] == ["A a", "B a"]
    # the decisions go on the first line that is drawn
    assert "markLine" in option["series"][0]


def test_role_charts_have_a_line_per_role_and_condition(small):
    room = _run(Classroom(small(), 6), 3)
    option = charts.role_chart_option(charts.ROLE_CHARTS[1], room.conditions, room.horizon)
    roles = room.conditions[0].scenario.population.roles
    assert len(option["series"]) == 2 * len(roles)
    assert option["series"][0]["name"] == f"A {roles['professional'].label}"


def test_the_unit_map_shows_waves_going_live(small):
    room = Classroom(small(), 8)
    before = [unitmap.unit_states(c).state for c in room.conditions]
    assert all((s == 0).all() for s in before)
    _run(room, 12)  # past the first go-live (week 10)
    phased, big_bang = (unitmap.unit_states(c) for c in room.conditions)
    assert room.conditions[1].scenario.rollout.strategy == "big_bang"
    assert (big_bang.state != 0).all()
    first_wave = phased.wave == 0
    assert (phased.state[first_wave] != 0).all() and (phased.state[~first_wave] == 0).all()
    html = unitmap.unit_map_html(room.conditions)
    assert html.count('class="sim-unit"') == 2 * room.base.population.units
    assert len(re.findall(r'data-state="waiting"', html)) == int((phased.state == 0).sum())


def test_units_are_struggling_when_many_work_around(small):
    room = _run(Classroom(small(), 8), 12)
    condition = room.conditions[1]
    pop = condition.model.population
    pop.state[pop.unit == 0] = int(UsageState.WORKAROUND)
    pop.state[pop.unit == 1] = int(UsageState.ADOPTED)
    pop.frustration[pop.unit == 1] = 0.0
    units = unitmap.unit_states(condition)
    assert unitmap.UNIT_STATES[units.state[0]] == "struggling"
    assert unitmap.UNIT_STATES[units.state[1]] == "adopted"


def test_the_week_in_plain_words(small):
    room = Classroom(small(), 9)
    first = words.this_week(room.conditions[0])
    assert first.startswith("Week 0: preparing") and "next go-live planned for week 10" in first
    assert words.comparison(room.conditions) == ""
    _run(room, 14)
    phased = words.this_week(room.conditions[0])
    assert "1 of 4 waves live" in phased and "adopted" in phased
    # frustration and workarounds of the live users, not diluted by those still waiting
    live = room.conditions[0].model.metrics["frustration_live"]
    assert f"live users' frustration {live:.2f}" in phased
    assert "of live users working around" in phased
    assert "all units live" in words.this_week(room.conditions[1])
    assert words.comparison(room.conditions).startswith("So far:")
    _run(room, room.horizon)
    assert words.comparison(room.conditions).startswith("In the end:")
    log = words.decision_log(room.conditions)
    assert [e[1].week for e in log] == sorted((e[1].week for e in log), reverse=True)


# --- the page, rendered by Solara without a browser ---------------------------------------


@pytest.fixture
def page(small):
    """The dashboard's page for the small scenario, rendered in an app layout as the
    server does; yields a function that finds widgets."""
    import solara

    from sim.dashboard import app

    app.configure(small(), 3)
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    yield rc
    rc.close()


def _html(rc, marker: str) -> str:
    import solara.widgets

    found = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
    return next(h for h in found if marker in h)


def _charts(rc) -> list[dict]:
    """The charts' options, as sent to the browser."""
    from solara.components.echarts import EchartsWidget

    return [json.loads(w.option) for w in rc.find(EchartsWidget).widgets]


def test_the_page_steps_both_conditions_and_redraws_every_view(page):
    import ipyvuetify as v

    from sim.dashboard.app import RENDER_INTERVAL

    assert 'data-week="0"' in _html(page, "sim-this-week")
    options = _charts(page)
    assert len(options) == len(charts.CHARTS) + len(charts.ROLE_CHARTS)
    assert all(len(s["data"]) == 1 for c in options for s in c["series"])
    step = page.find(v.Btn, children=["Step"]).widget
    for _ in range(6):
        step.click()
    weeks = 6 * RENDER_INTERVAL  # weeks a frame
    assert f'data-week="{weeks}"' in _html(page, "sim-this-week")
    assert f"Week {weeks} of 60" in _html(page, "sim-this-week")
    assert all(len(s["data"]) == weeks + 1 for c in _charts(page) for s in c["series"])
    tiles = _html(page, "sim-unit-map")
    assert 'data-state="waiting"' in tiles and re.search(r'data-state="(live|struggling)"', tiles)
    assert "wave 1 of 4 goes live" in _html(page, "sim-decisions")


def test_moving_a_control_then_reset_changes_the_models_scenario(page):
    import ipyvuetify as v

    assert "B: big_bang, low involvement" in _html(page, "sim-this-week")
    page.find(v.Select, label="B · strategy").widget.v_model = "phased_gated"
    page.find(v.Slider, label="A · trainer capacity").widget.v_model = 120
    page.find(v.Btn, children=["Step"]).widget.click()
    page.find(v.Btn, children=["Reset"]).widget.click()
    shown = _html(page, "sim-this-week")
    assert 'data-week="0"' in shown
    assert "B: phased_gated, low involvement" in shown
    assert "per 100 users 120 trainer hours" in shown
    assert shown.count("per 100 users 60 trainer hours") == 1  # condition B keeps its own


def test_the_page_offers_no_code_console(page):
    import ipyvuetify as v

    titles = [w.children for w in page.find(v.CardTitle).widgets]
    assert titles and not any("Console" in str(t) for t in titles)


@pytest.mark.parametrize("units", [1, 10, 40, 100, 177, 400])
def test_the_unit_map_fits_its_box_for_any_number_of_units(units):
    columns, height, gap = unitmap.tile_grid(units)
    rows = -(-units // columns)
    assert 4 <= height <= 18
    assert rows * (height + gap) <= unitmap.MAP_HEIGHT + gap or height == 4
    assert columns >= rows


def test_every_chart_is_valid_json_before_anyone_is_live(small):
    """Weeks with no live user have no rating (NaN in the model): the page gets a gap
    (null), because a NaN makes the browser reject the whole message."""
    room = _run(Classroom(small(), 6), 3)
    assert np.isnan(room.conditions[0].series("dissatisfied_share")[0])
    options = [charts.chart_option(c, room.conditions, room.horizon) for c in charts.CHARTS]
    options += [
        charts.role_chart_option(c, room.conditions, room.horizon) for c in charts.ROLE_CHARTS
    ]
    text = json.dumps(options, allow_nan=False)  # raises on NaN
    assert "null" in text
