"""Invariants over random valid scenarios (property-based, Hypothesis), and an oracle for
the weekly 90th percentile of frustration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim import RolloutModel
from sim.model import processes as pr
from sim.model.indicators import p90
from sim.model.population import UsageState
from sim.scenario import load_scenario

WAITING, LEFT = int(UsageState.WAITING), int(UsageState.LEFT)
unit = st.floats(0.0, 1.0)
SURVEY = ("mean_rating", "satisfied_share", "dissatisfied_share")
# Per-step columns that are shares of users or 0-1 scores.
BOUNDED = (
    "live_share",
    "exposed_share",
    "adoption_rate",
    "workaround_rate",
    "workaround_live",
    "left_share",
    "mean_frustration",
    "frustration_live",
    "p90_frustration",
    "fit",
    "usability",
)


@st.composite
def scenarios(draw):
    units = draw(st.integers(1, 12))
    strategy = draw(st.sampled_from(["big_bang", "phased", "phased_gated"]))
    overrides = {
        "population.size": draw(st.integers(max(units, 20), 150)),
        "population.units": units,
        "network.kind": draw(st.sampled_from(["units", "complete"])),
        "network.within_degree": draw(st.floats(0.0, 12.0)),
        "rollout.strategy": strategy,
        "rollout.waves": draw(st.integers(1, units)),
        "rollout.first_golive_week": draw(st.integers(0, 15)),
        "rollout.wave_interval_weeks": draw(st.integers(1, 8)),
        "involvement.level": draw(st.sampled_from(["low", "high", "token"])),
        "system.latent_defects": draw(st.integers(0, 800)),
        "system.initial_fit": draw(st.floats(0.0, 0.9)),
        "training.hours_per_user": draw(st.floats(0.0, 60.0)),
        "training.capacity": draw(st.floats(0.0, 200.0)),
        "governance.filtering": draw(unit),
        "governance.schedule_pressure": draw(unit),
        "governance.pause_weeks": draw(st.integers(0, 20)),
        "frustration.contagion": draw(unit),
        "adoption.p": draw(st.floats(0.0, 1.0)),
        "adoption.q": draw(st.floats(0.0, 2.0)),
        "turnover.rate": draw(st.floats(0.0, 0.3)),
        "population.roles.support_staff.mandatory": draw(st.booleans()),
    }
    return load_scenario(overrides=overrides), draw(st.integers(0, 2**32 - 1))


def check_week(model: RolloutModel, before: np.ndarray) -> None:
    """The invariants of one week; ``before`` is the usage state a week earlier."""
    pop = model.population
    state = pop.state
    # every user is in one of the five usage states
    assert state.min() >= 0 and state.max() < len(UsageState)
    # leaving is for good
    assert np.all(state[before == LEFT] == LEFT)
    # a user waits only while the user's wave is not live, and does nothing else then
    live = model.schedule.live_week[pop.wave] >= 0
    assert not np.any((state == WAITING) & live)
    assert np.all((state == WAITING) | (state == LEFT) | live)
    for arr in (pop.frustration, pop.proficiency, pop.acceptance):
        assert np.all((arr >= 0) & (arr <= 1))


def check_roles(model: RolloutModel) -> None:
    """Per-role columns add up to the overall ones, over role sizes from the scenario."""
    sc, ts = model.scenario, model.timeseries()
    names = list(sc.population.roles)
    sizes = np.bincount(model.population.role, minlength=len(names))
    shares = np.array([sc.population.roles[r].share for r in names])
    assert sizes.sum() == sc.population.size
    assert np.all(np.abs(sizes - shares / shares.sum() * sc.population.size) < 1)
    for column in ("adoption_rate", "workaround_rate"):
        per_role = sum(ts[f"{column}.{r}"] * size for r, size in zip(names, sizes, strict=True))
        np.testing.assert_allclose(per_role, ts[column] * sc.population.size, atol=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_invariants_hold_every_week(case):
    scenario, seed = case
    model = RolloutModel(scenario, seed=seed)
    for _ in range(30):
        before = model.population.state.copy()
        model.step()
        check_week(model, before)
    check_roles(model)
    ts = model.timeseries()
    survey = [c for c in ts.columns if c.split(".")[0] in SURVEY]
    assert not ts.drop(columns=survey).isna().any().any()
    # the survey asks live users only: no answer before anyone is live
    nobody_live = ts["live_share"] == 0
    assert ts.loc[nobody_live, ["satisfied_share", "dissatisfied_share"]].isna().all().all()
    shares = [c for c in ts.columns if c.split(".")[0] in BOUNDED]
    assert ((ts[shares] >= 0) & (ts[shares] <= 1)).all().all()
    # against the legacy baseline: at most all hours lost, at most the old systems' own
    # frictions and the full benefit saved
    sy = scenario.system
    best = sy.productivity_gain + pr.legacy_friction(
        fit=sy.legacy_fit,
        usability=sy.legacy_usability,
        misfit_loss=sy.misfit_loss,
        usability_loss=sy.usability_loss,
    )
    assert ts["productivity_loss"].between(-best - 1e-12, 1).all()
    assert (np.diff(ts["cumulative_cost"]) >= 0).all()
    assert (np.diff(ts["defects_found"]) >= 0).all()
    assert (ts["open_defects"] >= 0).all()
    assert (np.diff(ts["waves_live"]) >= 0).all()
    assert ts["waves_live"].iloc[-1] <= scenario.effective_waves
    left = ts["left_share"].to_numpy()
    assert (np.diff(left) >= 0).all()  # LEFT is absorbing, so its share never falls


def test_the_week_invariants_catch_a_broken_model(small):
    """The checks above can fail: a user who comes back after leaving, or who uses the
    system before the user's wave is live, is caught."""
    model = RolloutModel(small(), seed=1)
    check_week(model, model.population.state.copy())  # a sound week passes
    before = model.population.state.copy()
    before[1] = LEFT
    with pytest.raises(AssertionError):  # user 1 back from LEFT
        check_week(model, before)
    assert model.schedule.waves_live == 0
    model.population.state[0] = int(UsageState.ADOPTED)
    with pytest.raises(AssertionError):  # adopted before going live
        check_week(model, model.population.state.copy())


@given(
    arrays(np.float64, st.integers(1, 60), elements=st.floats(0, 1)),
    st.data(),
)
def test_p90_matches_numpy_quantile_over_users_present(values, data):
    state = data.draw(arrays(np.int8, values.size, elements=st.integers(0, len(UsageState) - 1)))
    present = values[state != LEFT]
    got = p90(values[state != LEFT])
    expected = float(np.quantile(present, 0.9)) if present.size else 0.0
    assert got == pytest.approx(expected, abs=1e-12)
