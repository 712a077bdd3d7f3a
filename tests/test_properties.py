"""Invariants over random valid scenarios (property-based, Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import RolloutModel
from sim.model.population import UsageState
from sim.scenario import load_scenario

unit = st.floats(0.0, 1.0)
SURVEY = ("mean_rating", "satisfied_share", "dissatisfied_share")


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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_invariants_hold_every_week(case):
    scenario, seed = case
    model = RolloutModel(scenario, seed=seed)
    n = scenario.population.size
    for _ in range(30):
        model.step()
        pop = model.population
        counts = np.bincount(pop.state, minlength=len(UsageState))
        assert counts.sum() == n  # agents conserved across usage states
        for arr in (pop.frustration, pop.proficiency, pop.acceptance):
            assert np.all((arr >= 0) & (arr <= 1))
    ts = model.timeseries()
    survey = [c for c in ts.columns if c.split(".")[0] in SURVEY]
    assert not ts.drop(columns=survey).isna().any().any()
    # the survey asks live users only: no answer before anyone is live
    nobody_live = ts["live_share"] == 0
    assert ts.loc[nobody_live, ["satisfied_share", "dissatisfied_share"]].isna().all().all()
    shares = [
        c
        for c in ts.columns
        if c.split(".")[0]
        in (
            "live_share",
            "adoption_rate",
            "workaround_rate",
            "left_share",
            "mean_frustration",
            "p90_frustration",
            "fit",
            "usability",
        )
    ]
    assert ((ts[shares] >= 0) & (ts[shares] <= 1)).all().all()
    # against the legacy baseline: at most all hours lost, at most the full gain saved
    gain = scenario.system.productivity_gain
    assert ts["productivity_loss"].between(-gain - 1e-12, 1).all()
    assert (np.diff(ts["cumulative_cost"]) >= 0).all()
    assert (np.diff(ts["defects_found"]) >= 0).all()
    assert (ts["open_defects"] >= 0).all()
    assert (np.diff(ts["waves_live"]) >= 0).all()
    assert ts["waves_live"].iloc[-1] <= scenario.effective_waves
