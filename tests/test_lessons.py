"""The seed article's lessons as mechanisms (issue 10): rollout shapes, roles that differ,
a finite and priced help desk, super-users, learning from experience, process analysis
first, and involvement over time.

Each test pins one mechanism on hand-chosen inputs; the learning-from-experience test
checks not only that later waves fare better but that the gap is what the earlier waves
revealed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.errors import InputError
from sim.model import RolloutModel
from sim.model import processes as pr
from sim.model.system import BY_ANALYSIS
from sim.scenario import load_scenario
from sim.simulation import simulate

DEFAULT = Path(__file__).resolve().parents[1] / "scenarios" / "default.toml"
SMALL = {"population.size": 400, "population.units": 20, "run.steps": 80}


def scenario(**overrides):
    return load_scenario(DEFAULT, {**SMALL, **overrides})


def run_to(model: RolloutModel, week: int) -> RolloutModel:
    while model.week < week:
        model.step()
    return model


# --- rollout shapes ----------------------------------------------------------------------


def test_wave_shares_give_waves_of_those_sizes():
    sc = scenario(**{"rollout.wave_shares": [0.1, 0.3, 0.6]})
    assert sc.effective_waves == 3
    model = RolloutModel(sc, seed=1)
    units = np.bincount(model.system.misfit.unit_wave)
    np.testing.assert_array_equal(units, [2, 6, 12])
    users = np.bincount(model.population.wave)
    np.testing.assert_allclose(users / users.sum(), [0.1, 0.3, 0.6])
    result = simulate(sc, seed=1)
    assert [w["size"] for w in result.waves] == users.tolist()
    assert [w["golive_week"] for w in result.waves] == [52, 64, 76]


def test_equal_waves_are_the_old_blocks_of_units():
    # floor(u * W / U) for every unit u, also when units do not divide evenly
    for units, waves in ((40, 4), (177, 4), (23, 5)):
        sc = load_scenario(overrides={"population.units": units, "rollout.waves": waves})
        expected = np.bincount(np.arange(units) * waves // units)
        assert sc.rollout.units_per_wave(units) == expected.tolist()


@pytest.mark.parametrize(
    ("shares", "fragment"),
    [
        ([0.5, 0.6], "rollout.wave_shares: shares must sum to 1, not 1.1"),
        ([], "rollout.wave_shares: needs at least one share"),
        ([0.0, 1.0], "rollout.wave_shares.0: Input should be greater than 0"),
        ([0.52, 0.02, 0.46], "rollout.wave_shares: wave 1 gets none of the 20 units"),
    ],
)
def test_bad_wave_shares_give_one_line_errors(shares, fragment):
    with pytest.raises(InputError) as info:
        load_scenario(DEFAULT, {**SMALL, "rollout.wave_shares": shares})
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_a_pilot_of_five_percent_of_units_then_the_rest_runs():
    sc = scenario(**{"rollout.strategy": "pilot", "rollout.pilot_share": 0.05, "run.steps": 100})
    result = simulate(sc, seed=3)
    waves = result.waves
    assert waves[0]["size"] == pytest.approx(0.05 * sc.population.size)  # 1 unit of 20
    assert sum(w["size"] for w in waves) == sc.population.size
    assert all(w["golive_week"] is not None for w in waves)
    assert waves[0]["golive_week"] == sc.rollout.first_golive_week
    assert result.summary["pilot_one_go"] in (0, 1)
    assert result.timeseries["live_share"].iloc[-1] == 1.0


def _pilot(**overrides):
    sc = scenario(
        **{
            "rollout.strategy": "pilot",
            "rollout.pilot_share": 0.1,
            "governance.readiness_threshold": 0.0,
            "governance.halt_frustration": 1.0,
            "governance.filtering": 0.0,
            "governance.report_delay_weeks": 0,
            "run.steps": 100,
            **overrides,
        }
    )
    return simulate(sc, seed=4)


def test_after_a_good_pilot_the_rest_goes_live_in_one_go():
    result = _pilot(**{"rollout.gate_max_frustration": 1.0, "rollout.gate_min_adoption": 0.0})
    assert result.summary["pilot_one_go"] == 1
    rest = {w["golive_week"] for w in result.waves[1:]}
    assert rest == {52 + 12}  # one go, pilot_weeks after the pilot


def test_after_a_disappointing_pilot_the_board_phases_the_rest():
    result = _pilot(**{"rollout.gate_max_frustration": 0.0, "rollout.gate_min_adoption": 1.0})
    assert result.summary["pilot_one_go"] == 0
    weeks = [w["golive_week"] for w in result.waves[1:]]
    assert weeks == [64, 76, 88]  # from the planned date, one wave every 12 weeks


def test_the_pilot_decision_reads_the_board_s_report():
    sc = scenario(**{"rollout.strategy": "pilot"})
    model = RolloutModel(sc, seed=5)
    board, r = model.board, sc.rollout
    from sim.model.board import Report

    board.decide_after_pilot(Report(frustration_live=r.gate_max_frustration, adoption_live=0.5))
    assert board.pilot_one_go is True
    board.pilot_one_go = None
    board.decide_after_pilot(Report(frustration_live=0.36, adoption_live=0.9))
    assert board.pilot_one_go is False
    assert np.diff(board.schedule.planned[1:]).tolist() == [12, 12]


def test_a_later_wave_can_have_half_the_training_of_an_earlier_one():
    sc = scenario(
        **{
            "rollout.waves": 2,
            "training.hours_by_wave": [16.0, 8.0],
            "training.capacity": 400,
            "training.forgetting": 0.0,
        }
    )
    model = RolloutModel(sc, seed=6)
    trained = {}
    while model.week <= 64:
        for w in np.flatnonzero(model.schedule.planned == model.week):
            trained[int(w)] = model.population.trained[model.population.wave == w].mean()
        model.step()
    assert trained == {0: pytest.approx(16.0), 1: pytest.approx(8.0)}


def test_hours_by_wave_needs_one_value_per_wave():
    with pytest.raises(InputError, match="training.hours_by_wave has 2 values for 4 wave"):
        scenario(**{"training.hours_by_wave": [8.0, 4.0]})


# --- roles that differ -------------------------------------------------------------------


def test_roles_have_their_own_training_hours_and_wage():
    sc = scenario(
        **{
            "population.roles.professional.training_hours": 24.0,
            "population.roles.support_staff.wage": 0.0,
            "training.hours_by_wave": [10.0, 10.0, 10.0, 10.0],
        }
    )
    model = RolloutModel(sc, seed=7)
    pop = model.population
    role = np.array(pop.role_names)[pop.role]
    np.testing.assert_array_equal(model.training_plan[role == "professional"], 24.0)
    np.testing.assert_array_equal(model.training_plan[role != "professional"], 10.0)  # wave
    np.testing.assert_array_equal(pop.wage[role == "support_staff"], 0.0)
    np.testing.assert_array_equal(pop.wage[role == "administrator"], sc.costs.wage)  # default


def test_uncosted_time_is_counted_in_hours_but_not_in_money():
    base = {"rollout.strategy": "big_bang", "population.roles.support_staff.wage": 0.0}
    free = RolloutModel(scenario(**base), seed=8)
    run_to(free, 56)
    pop = free.population
    before = free.accounts.cost
    free.step()
    lost = np.clip(pop.lost_hours, 0, None)
    staff = np.array(pop.role_names)[pop.role] == "support_staff"
    assert lost[staff].sum() > 0  # they lose hours...
    week_cost = free.accounts.cost - before
    # ...which cost nothing: the week's cost of lost hours is the other roles' hours only
    sc = free.scenario
    others = float(lost[~staff] @ pop.wage[~staff]) * sc.population.scale
    fixed = sc.consultants.count * sc.consultants.hours_per_week * sc.costs.consultant_rate
    fixed += free.desk.staff_hours * sc.costs.helpdesk_rate + sc.costs.system_per_week
    assert week_cost == pytest.approx(others + fixed + _user_time(free), rel=1e-9)


def _user_time(model) -> float:
    """The week's users' time in involvement (no training after go-live here), in SEK."""
    sc, pop = model.scenario, model.population
    return (
        sc.involvement.hours_per_week
        * float(pop.wage @ model.feedback.taking_part)
        * sc.population.scale
    )


# --- a help desk of fixed size -----------------------------------------------------------


def test_queue_wait_follows_erlang_c_near_saturation():
    def erlang_c_wait(rho, servers, service):
        a = rho * servers
        b = 1.0
        for k in range(1, servers + 1):
            b = a * b / (k + a * b)
        waiting = b / (1 - rho * (1 - b))
        return waiting * service / (servers - a)

    for servers in (1, 5, 31):
        for rho in (0.9, 0.95):  # where waits matter, the approximation is within 10 %
            exact = erlang_c_wait(rho, servers, 0.25)
            assert pr.queue_wait(rho, servers, 0.25) == pytest.approx(exact, rel=0.1)
    waits = [pr.queue_wait(rho, 10, 0.25) for rho in (0.5, 0.7, 0.9, 0.95)]
    assert waits == sorted(waits) and waits[-1] > 10 * waits[0]  # steep near saturation
    assert pr.queue_wait(0.9, 40, 0.25) < pr.queue_wait(0.9, 4, 0.25)  # pooling


def test_doubling_the_arrivals_at_a_fixed_desk_lengthens_queue_and_wait():
    one = pr.desk_week(0.0, 900.0, 1000.0, 0.25, 40.0)
    two = pr.desk_week(0.0, 1800.0, 1000.0, 0.25, 40.0)
    assert two[0] > one[0] == 0  # a queue carried over
    assert two[2] > one[2] > 0  # a longer wait


def _desk_run(scale: float, staff: int):
    sc = scenario(
        **{
            "rollout.strategy": "big_bang",
            "population.scale": scale,
            "support.staff": staff,
            "support.hypercare_staff": 0,
        }
    )
    return simulate(sc, seed=9).timeseries


def test_doubling_the_users_live_at_fixed_staff_lengthens_queue_and_wait():
    """The same agents standing for twice as many people raise twice the tickets; the desk
    does not grow with them (the old model's capacity per live user did)."""
    one = _desk_run(10.0, 12)
    two = _desk_run(20.0, 12)
    after = slice(53, 80)
    assert two["support_backlog"].iloc[after].mean() > 2 * one["support_backlog"].iloc[after].mean()
    assert two["support_wait"].iloc[after].mean() > one["support_wait"].iloc[after].mean()
    # with twice the staff, twice the users wait as before (the desk scales, not the users)
    twice = _desk_run(20.0, 24)
    assert twice["support_wait"].iloc[after].mean() < two["support_wait"].iloc[after].mean()


def test_more_staff_costs_more_even_when_idle():
    perfect = {
        "rollout.strategy": "big_bang",
        "system.initial_fit": 1.0,
        "analysis.ceiling_without": 1.0,
        "analysis.ceiling_with": 1.0,
        "system.unit_fit_sd": 0.0,
        "system.initial_usability": 1.0,
        "system.usability_ceiling": 1.0,
        "system.latent_defects": 0,
        "system.interface_loss": 0.0,
        "population.skill_sd": 0.0,
        "population.roles.professional.digital_skill": 1.0,
        "population.roles.support_staff.digital_skill": 1.0,
        "population.roles.administrator.digital_skill": 1.0,
        "support.hypercare_staff": 0,
    }
    small = simulate(scenario(**perfect, **{"support.staff": 5}), seed=10)
    large = simulate(scenario(**perfect, **{"support.staff": 45}), seed=10)
    assert small.timeseries["support_backlog"].max() == 0  # nobody asks anything
    sc = large.scenario
    weeks_open = sc.run.steps - sc.rollout.first_golive_week
    extra = 40 * sc.support.hours_per_week * sc.costs.helpdesk_rate * weeks_open / 1e6
    assert large.summary["total_cost"] - small.summary["total_cost"] == pytest.approx(extra)


def test_hypercare_staff_are_extra_for_a_period_and_paid():
    sc = scenario(**{"rollout.strategy": "big_bang", "support.hypercare_weeks": 4})
    model = run_to(RolloutModel(sc, seed=11), 52)
    assert model.desk.staff_on_duty(model) == 0  # nothing live yet: no desk
    model.step()  # go-live week
    su = sc.support
    assert model.desk.staff_hours == (su.staff + su.hypercare_staff) * su.hours_per_week
    run_to(model, 52 + 4 + 1)
    assert model.schedule.hypercare_until.max() == 52 + 4  # the desk kept up: not extended
    assert model.desk.staff_hours == su.staff * su.hours_per_week


def test_a_big_bang_swamps_a_desk_that_phases_do_not():
    waits = {
        s: simulate(scenario(**{"rollout.strategy": s, "support.staff": 6}), seed=12).summary[
            "peak_support_wait"
        ]
        for s in ("big_bang", "phased")
    }
    assert waits["big_bang"] > 2 * waits["phased"]


def test_consultants_resolve_tickets_in_proportion_to_their_knowledge():
    from sim.model.consultants import ConsultantTeam

    sc = scenario(**{"consultants.initial_knowledge": 0.2})
    team = ConsultantTeam(sc)
    team.ticket_hours = 100.0
    assert team.ticket_capacity(0.25) == pytest.approx(100 * 0.2 / 0.25)
    team.knowledge[:] = 0.8
    assert team.ticket_capacity(0.25) == pytest.approx(100 * 0.8 / 0.25)


def test_consultants_who_know_the_domain_shorten_the_queue():
    base = {
        "rollout.strategy": "big_bang",
        "support.staff": 4,
        "support.hypercare_staff": 0,
        "consultants.support_share": 1.0,
        "consultants.fix_share": 0.0,
    }
    novices = simulate(scenario(**base, **{"consultants.initial_knowledge": 0.1}), seed=13)
    experts = simulate(scenario(**base, **{"consultants.initial_knowledge": 0.9}), seed=13)
    after = slice(53, 80)
    assert (
        experts.timeseries["support_backlog"].iloc[after].mean()
        < novices.timeseries["support_backlog"].iloc[after].mean()
    )


# --- super-users -------------------------------------------------------------------------


def test_super_users_are_involved_users_trained_more():
    sc = scenario(
        **{
            "involvement.level": "high",
            "support.super_user_share": 0.5,
            "support.super_user_training_hours": 20.0,
        }
    )
    model = RolloutModel(sc, seed=14)
    pop = model.population
    assert pop.super_user.any()
    assert not (pop.super_user & ~pop.involved).any()
    assert pop.super_user.sum() / pop.involved.sum() == pytest.approx(0.5, abs=0.15)
    np.testing.assert_allclose(
        model.training_plan[pop.super_user], sc.training.hours_per_user + 20.0
    )
    np.testing.assert_allclose(model.training_plan[~pop.super_user], sc.training.hours_per_user)


def test_peer_answers_and_coaching_by_hand():
    np.testing.assert_array_equal(
        pr.peer_answers(np.array([5.0, 0.0, 9.0]), np.array([3.0, 2.0, 20.0])), [3, 0, 9]
    )
    after = pr.coach(
        np.array([0.2, 0.9, 0.5]), mentor=np.array([0.8, 0.8, 0.8]),
        coverage=np.array([1.0, 1.0, 0.5]), rate=0.1,
    )  # fmt: skip
    np.testing.assert_allclose(after, [0.26, 0.9, 0.515])  # never lowered


def test_super_users_answer_what_the_desk_would_have_to_and_spread_proficiency():
    base = {
        "rollout.strategy": "big_bang",
        "involvement.level": "high",
        "support.staff": 4,
        "support.hypercare_staff": 0,
    }
    without = RolloutModel(scenario(**base), seed=15)
    with_su = RolloutModel(scenario(**base, **{"support.super_user_share": 0.5}), seed=15)
    to_desk = {id(without): 0.0, id(with_su): 0.0}
    while with_su.week < 64:
        for model in (without, with_su):
            model.step()
            to_desk[id(model)] += model.desk.raised - model.desk.peer_answered
    assert with_su.metrics["peer_answered_share"] > 0.1
    assert without.metrics["peer_answered_share"] == 0
    assert to_desk[id(with_su)] < 0.8 * to_desk[id(without)]
    others = ~with_su.population.super_user
    assert (
        with_su.population.proficiency[others].mean()
        > without.population.proficiency[others].mean()
    )


# --- learning from experience ------------------------------------------------------------

LEARNING = {
    "population.size": 400,
    "population.units": 8,
    "population.unit_kinds": 4,
    "network.across_degree": 0.0,  # no contagion or peer influence between units
    "system.unit_fit_sd": 0.25,
    "system.misfit_shared": 0.9,
    "system.latent_defects": 0,
    "system.interface_loss": 0.0,
    "consultants.localisation_rate": 0.0,  # no general localisation: no calendar learning
    "involvement.level": "custom",
    "involvement.participation": 0.0,  # no reports before go-live
    "involvement.responsiveness": 0.8,
    "learning.report_rate": 2.0,  # live units' misfit is reported within weeks
    "training.capacity": 400,
    "training.forgetting": 0.0,  # trained at different times, users still start equal
    "support.wait_penalty": 0.0,
    "governance.readiness_threshold": 0.0,
    "governance.halt_frustration": 1.0,
    "rollout.first_golive_week": 20,
    "run.steps": 45,
}
LATER = 40
"""The later wave's go-live week, and the big bang's."""


def _later_units_at_golive(strategy: str, learn: bool) -> dict:
    """Step to the week the later wave (units 4-7) goes live; return its users' loss that
    week and the state of its units' misfit."""
    overrides = {**LEARNING, "learning.from_experience": learn, "rollout.strategy": strategy}
    if strategy == "phased":
        overrides |= {"rollout.waves": 2, "rollout.wave_interval_weeks": LATER - 20}
    else:
        overrides["rollout.first_golive_week"] = LATER
    model = run_to(RolloutModel(load_scenario(DEFAULT, overrides), seed=16), LATER)
    misfit = model.system.misfit
    before = misfit.offset().copy()
    proficiency = model.population.proficiency.copy()
    model.step()  # the go-live week
    pop = model.population
    later = pop.unit >= 4
    return {
        "loss": pop.lost_hours[later].sum() / pop.hours[later].sum(),
        "fit": model.system.fit_by_user[later],
        "hours": pop.hours[later],
        # a user's loss falls by (misfit_loss + productivity_gain x proficiency) per unit
        # of fit (docs/ODD.md, 7.7); proficiency before this week's learning by doing
        "per_fit": model.scenario.system.misfit_loss
        + model.scenario.system.productivity_gain * proficiency[later],
        "offset": before[4:],
        "own": misfit.own[4:].copy(),
        "start_own": pop.own_offset[4:],
        "found_by": misfit.kind_found_by.copy(),
        "found_week": misfit.kind_found_week.copy(),
        "start": misfit.start[4:],
    }


def test_without_learning_from_experience_later_waves_are_no_better_off():
    phased = _later_units_at_golive("phased", learn=False)
    big_bang = _later_units_at_golive("big_bang", learn=False)
    assert phased["loss"] == pytest.approx(big_bang["loss"], abs=1e-12)
    np.testing.assert_array_equal(phased["offset"], phased["start"])  # nothing was fixed


def test_with_learning_from_experience_later_waves_gain_from_what_earlier_ones_revealed():
    phased = _later_units_at_golive("phased", learn=True)
    big_bang = _later_units_at_golive("big_bang", learn=True)
    assert phased["loss"] < big_bang["loss"] - 0.01
    # the mechanism: the first wave (units 0-3, one of each kind) revealed its kinds'
    # shared misfit before the later wave went live...
    assert (phased["found_by"] == 0).all()
    assert (phased["found_week"] < LATER).all()
    # ...which was localised for units that had not gone live: their own parts untouched,
    # their shared parts fixed
    np.testing.assert_array_equal(phased["own"], phased["start_own"])
    assert np.maximum(-phased["offset"], 0).sum() < np.maximum(-phased["start"], 0).sum()
    # the big bang's units met their misfit unfixed: nothing had been live to reveal it
    np.testing.assert_array_equal(big_bang["offset"], big_bang["start"])
    # and the whole gap in lost time is the fit those fixes bought
    fit_gap = phased["fit"] - big_bang["fit"]
    assert (fit_gap >= 0).all() and fit_gap.mean() > 0
    hours = phased["hours"]
    explained = float((hours * phased["per_fit"] * fit_gap).sum() / hours.sum())
    assert big_bang["loss"] - phased["loss"] == pytest.approx(explained, rel=1e-9)


def test_localising_known_misfit_takes_consultant_hours():
    gaps = np.array([0.1, 0.05, 0.0])
    # 0.15 of misfit = 1.5 tenths x 200 h at full knowledge = 300 h
    left, used = pr.localise_misfit(gaps, hours=150.0, knowledge=1.0, hours_per_tenth=200.0)
    np.testing.assert_allclose(left, [0.05, 0.025, 0.0])
    assert used == pytest.approx(150.0)
    left, used = pr.localise_misfit(gaps, hours=1e6, knowledge=0.5, hours_per_tenth=200.0)
    np.testing.assert_allclose(left, 0.0)
    assert used == pytest.approx(600.0)  # half the knowledge, twice the hours


def test_a_kind_s_misfit_is_found_once_for_every_unit_of_the_kind():
    model = RolloutModel(scenario(**{"population.unit_kinds": 4}), seed=17)
    misfit = model.system.misfit
    misfit.discover_kinds(np.array([1]), week=3, by=0)
    misfit.discover_kinds(np.array([1, 2]), week=5, by=BY_ANALYSIS)
    assert misfit.known_kind.tolist() == [False, True, True, False]
    assert misfit.kind_found_by[1:3].tolist() == [0, BY_ANALYSIS]  # the first finder stays
    assert misfit.kind_found_week[1:3].tolist() == [3, 5]
    kind_gap, unit_gap = misfit.known_gaps()
    assert (kind_gap[[0, 3]] == 0).all() and not unit_gap.any()
    misfit.set_gaps(np.zeros_like(kind_gap), unit_gap)
    units_of_kind_1 = misfit.kind == 1
    assert (misfit.offset()[units_of_kind_1] >= misfit.own[units_of_kind_1]).all()


def test_learning_from_experience_raises_consultants_knowledge_from_live_users():
    base = {"rollout.strategy": "big_bang", "involvement.level": "high"}
    on = run_to(RolloutModel(scenario(**base), seed=18), 70)
    off = run_to(RolloutModel(scenario(**base, **{"learning.from_experience": False}), seed=18), 70)
    assert on.feedback.live > 0 and off.feedback.live == 0
    assert on.team.mean_knowledge > off.team.mean_knowledge


# --- process analysis first --------------------------------------------------------------


def test_analysis_raises_the_ceiling_by_its_completeness():
    sc = scenario(**{"analysis.weeks": 13, "analysis.full_weeks": 26})
    a = sc.analysis
    assert a.completeness == 0.5
    assert a.ceiling == pytest.approx(
        a.ceiling_without + 0.5 * (a.ceiling_with - a.ceiling_without)
    )
    assert scenario().analysis.ceiling == scenario().analysis.ceiling_without


def test_analysis_delays_build_costs_time_and_money_and_reveals_kinds():
    quiet = {"analysis.ceiling_without": 0.7, "learning.report_rate": 0.0}  # no reports
    plain = RolloutModel(scenario(**quiet), seed=19)
    analysed = RolloutModel(scenario(**quiet, **{"analysis.weeks": 26}), seed=19)
    run_to(plain, 26)
    run_to(analysed, 26)
    sc = analysed.scenario
    assert analysed.system.fit == sc.system.initial_fit  # no localisation while analysing
    assert plain.system.fit > sc.system.initial_fit
    misfit = analysed.system.misfit
    assert misfit.known_kind.all() and (misfit.kind_found_by == BY_ANALYSIS).all()  # complete
    a, pop = sc.analysis, analysed.population
    analysts = a.analysts * sc.consultants.hours_per_week * sc.costs.consultant_rate * 26
    workshops = a.staff_hours * float(pop.wage.sum()) * sc.population.scale
    extra = analysed.accounts.cost - plain.accounts.cost
    assert extra == pytest.approx(analysts + workshops, rel=1e-9)
    # after the analysis, localisation reaches for the higher ceiling
    run_to(plain, 156)
    run_to(analysed, 156)
    assert analysed.system.fit > plain.system.fit


def test_old_scenarios_fit_ceiling_is_read_as_the_ceiling_without_analysis():
    with pytest.warns(DeprecationWarning, match="analysis.ceiling_without"):
        old = load_scenario(overrides={"system.fit_ceiling": 0.8})
    assert old.analysis.ceiling_without == 0.8
    assert old.analysis.ceiling == 0.8
    with pytest.raises(InputError, match="same parameter"), pytest.warns(DeprecationWarning):
        load_scenario(overrides={"system.fit_ceiling": 0.8, "analysis.ceiling_without": 0.8})


@pytest.mark.parametrize(
    ("key", "replacement"),
    [
        ("support.capacity", "support.staff"),
        ("support.hypercare_multiplier", "support.hypercare_staff"),
        ("support.ticket_rate", "support.tickets_per_hour_lost"),
        ("costs.support_rate", "costs.helpdesk_rate"),
    ],
)
def test_replaced_keys_say_what_replaced_them(key, replacement):
    with pytest.raises(InputError) as info:
        load_scenario(DEFAULT, {key: 1.0})
    message = str(info.value)
    assert f"{key}: no longer exists: replaced by {replacement}" in message
    assert "\n" not in message


# --- involvement over time ---------------------------------------------------------------


def test_participation_can_start_late_and_change_at_golive():
    sc = scenario(
        **{
            "rollout.strategy": "big_bang",
            "involvement.level": "custom",
            "involvement.participation": 0.3,
            "involvement.responsiveness": 0.8,
            "involvement.start_week": 30,
            "involvement.participation_live": 0.1,
        }
    )
    model = RolloutModel(sc, seed=20)
    run_to(model, 29)
    assert not model.feedback.taking_part.any() and model.feedback.design == 0
    run_to(model, 40)
    pop = model.population
    assert model.feedback.taking_part.mean() == pytest.approx(0.3, abs=0.06)
    run_to(model, 60)  # everyone live since week 52
    part = model.feedback.taking_part
    assert part.mean() == pytest.approx(0.1, abs=0.04)
    assert not (part & (pop.involvement_draw >= 0.1)).any()  # the same people, fewer of them
    assert model.feedback.design == pytest.approx(
        pr.feedback_strength(0.1, 0.8, sc.involvement.saturation), rel=0.05
    )
