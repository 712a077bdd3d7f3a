"""The model as a whole: oracles, limiting cases, reproducibility and the flip of the lesson."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import SCENARIOS

from sim import RolloutModel
from sim.model.agents import Consultant, DecisionMaker, UserAgent
from sim.outcomes import ROLE_COLUMNS, STEP_COLUMNS
from sim.scenario import load_scenario
from sim.simulation import simulate

BASS = SCENARIOS / "reference" / "bass.toml"


def bass_map(p: float, q: float, steps: int) -> np.ndarray:
    f = np.zeros(steps + 1)
    for k in range(steps):
        f[k + 1] = f[k] + (1 - f[k]) * (1 - np.exp(-(p + q * f[k])))
    return f


@pytest.mark.parametrize(("p", "q"), [(0.03, 0.4), (0.1, 0.0), (0.05, 0.6), (0.2, 1.5)])
def test_bass_docking(p, q):
    """Mean adoption over replicates follows the discrete Bass map within 0.01 (N = 10,000)."""
    steps, replicates = 30, 16
    sc = load_scenario(BASS, {"adoption.p": p, "adoption.q": q})
    assert sc.population.size == 10_000
    runs = [
        simulate(sc, seed=s, steps=steps).timeseries["adoption_rate"] for s in range(replicates)
    ]
    mean = np.mean(runs, axis=0)
    np.testing.assert_allclose(mean, bass_map(p, q, steps), atol=0.01)


def test_q_zero_gives_exponential():
    sc = load_scenario(BASS, {"adoption.p": 0.05, "adoption.q": 0.0})
    runs = [simulate(sc, seed=s, steps=40).timeseries["adoption_rate"] for s in range(6)]
    t = np.arange(41)
    np.testing.assert_allclose(np.mean(runs, axis=0), 1 - np.exp(-0.05 * t), atol=0.01)


def test_defect_discovery_follows_goel_okumoto():
    """Under constant test effort and no live use, found defects ~ a (1 - exp(-b t))."""
    a, b = 2000, 0.05
    sc = load_scenario(
        overrides={
            "population.size": 100,
            "population.units": 4,
            "rollout.first_golive_week": 500,
            "system.latent_defects": a,
            "testing.start_week": 0,
            "testing.detection_rate": b,
            "testing.involvement_boost": 0.0,
            "run.steps": 60,
        }
    )
    found = np.mean([simulate(sc, seed=s).timeseries["defects_found"] for s in range(8)], axis=0)
    t = np.arange(61)
    np.testing.assert_allclose(found, a * (1 - np.exp(-b * t)), atol=0.02 * a)


def test_latent_defects_are_drawn_per_run_around_the_scenario_value(small):
    """Replicates differ in the system, not only in the users: the number of latent defects
    is Poisson with the scenario's value as its mean (Goel & Okumoto 1979), fixed by the
    seed; a system without defects stays without."""
    sc = small(**{"system.latent_defects": 400})
    counts = np.array([RolloutModel(sc, seed=s).system.latent_defects for s in range(200)])
    assert len(set(counts)) > 20
    assert abs(counts.mean() - 400) < 4 * np.sqrt(400 / 200)
    assert abs(counts.var(ddof=1) / 400 - 1) < 0.3  # Poisson: variance = mean
    assert (
        RolloutModel(sc, seed=3).system.latent_defects
        == RolloutModel(sc, seed=3).system.latent_defects
    )
    assert RolloutModel(small(**{"system.latent_defects": 0}), seed=3).system.latent_defects == 0


def test_same_seed_same_output_and_different_seed_differs(small):
    sc = small()
    a = simulate(sc, seed=7).timeseries
    b = simulate(sc, seed=7).timeseries
    c = simulate(sc, seed=8).timeseries
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_timeseries_has_step_zero_and_every_column(small):
    sc = small()
    ts = simulate(sc, seed=1, steps=12).timeseries
    assert ts["step"].tolist() == list(range(13))
    roles = list(sc.population.roles)
    expected = ["step", *STEP_COLUMNS, *(f"{c}.{r}" for c in ROLE_COLUMNS for r in roles)]
    assert list(ts.columns) == expected
    first = ts.iloc[0]
    assert (
        first["adoption_rate"] == 0 and first["live_share"] == 0 and first["cumulative_cost"] == 0
    )


def test_agents_are_mesa_agents_viewing_the_arrays(small):
    model = RolloutModel(small(), seed=3)
    users = model.agents_by_type[UserAgent]
    assert len(users) == 200
    assert len(model.agents_by_type[Consultant]) == model.scenario.consultants.count
    assert len(model.agents_by_type[DecisionMaker]) == 1
    user = next(iter(users))
    model.population.frustration[user.index] = 0.42
    assert user.frustration == pytest.approx(0.42)
    assert user.role in model.scenario.population.roles


def test_model_builds_from_defaults():
    model = RolloutModel(seed=1)
    model.step()
    assert model.steps == 1 and model.week == 1
    assert len(model.datacollector.get_model_vars_dataframe()) == 2


def test_zero_responsiveness_makes_participation_change_only_cost(small):
    few = simulate(
        small(
            **{
                "involvement.level": "custom",
                "involvement.participation": 0.05,
                "involvement.responsiveness": 0.0,
            }
        ),
        seed=5,
    ).timeseries
    many = simulate(
        small(
            **{
                "involvement.level": "custom",
                "involvement.participation": 0.6,
                "involvement.responsiveness": 0.0,
            }
        ),
        seed=5,
    ).timeseries
    money = ["cumulative_cost", "net_benefit"]  # participants' hours are paid for
    pd.testing.assert_frame_equal(few.drop(columns=money), many.drop(columns=money))
    assert many["cumulative_cost"].iloc[-1] > few["cumulative_cost"].iloc[-1]


def test_perfect_system_has_no_dip_beyond_the_learning_curve(small):
    perfect = {
        "system.initial_fit": 1.0,
        "analysis.ceiling_without": 1.0,
        "analysis.ceiling_with": 1.0,
        "system.initial_usability": 1.0,
        "system.usability_ceiling": 1.0,
        "system.latent_defects": 0,
        "system.unit_fit_sd": 0.0,
        "population.skill_sd": 0.0,
        "population.roles.professional.digital_skill": 1.0,
        "population.roles.support_staff.digital_skill": 1.0,
        "population.roles.administrator.digital_skill": 1.0,
        "system.interface_loss": 0.0,
        "system.productivity_gain": 0.0,
        "system.legacy_fit": 1.0,  # a perfect old system: the baseline is no loss at all
        "system.legacy_usability": 1.0,
    }
    ts = simulate(small(**perfect), seed=2).timeseries
    assert ts["productivity_loss"].max() == 0
    # against the legacy baseline a perfect system with a benefit is a pure gain
    gain = simulate(small(**{**perfect, "system.productivity_gain": 0.1}), seed=2).timeseries
    live = gain["live_share"] == 1
    np.testing.assert_allclose(gain.loc[live, "productivity_loss_live"], -0.1)
    # with imperfect proficiency only the learning curve remains, and it shrinks
    learning = simulate(
        small(
            **{
                **perfect,
                "training.hours_per_user": 0.0,
                "support.wait_penalty": 0.0,
                "workaround.enter_rate": 0.0,  # the learning curve alone, nobody bypasses
                "population.roles.professional.digital_skill": 0.5,
            }
        ),
        seed=2,
    ).timeseries
    loss = learning["productivity_loss"].to_numpy()
    ceiling = small().system.learning_loss * (1 - 0.5)  # learning_loss x (1 - skill)
    assert 0 < loss.max() <= ceiling + 1e-12
    assert loss[-1] < 0.5 * loss.max()  # learning by doing closes the gap


def test_pressure_and_filtering_send_unready_waves_live(small):
    unready = {
        "training.hours_per_user": 40,
        "training.capacity": 5,
        "governance.readiness_threshold": 0.8,
    }
    honest = simulate(
        small(**unready, **{"governance.schedule_pressure": 0.0, "governance.filtering": 0.0}),
        seed=1,
    ).summary
    pressed = simulate(
        small(**unready, **{"governance.schedule_pressure": 0.6, "governance.filtering": 0.6}),
        seed=1,
    ).summary
    assert honest["postponements"] > 0
    assert pressed["golives_despite_warnings"] > honest["golives_despite_warnings"]
    assert pressed["first_golive_week"] < honest["first_golive_week"]


def test_board_halts_when_frustration_explodes(small):
    s = simulate(
        small(
            **{
                "rollout.strategy": "big_bang",
                "system.initial_fit": 0.2,
                "system.latent_defects": 2000,
                "testing.start_week": 100,
                "governance.halt_frustration": 0.3,
                "governance.report_delay_weeks": 0,
            }
        ),
        seed=1,
    ).summary
    assert s["halted"] == 1
    assert s["halt_week"] is not None and s["halt_week"] - s["first_golive_week"] <= 4


def test_gated_rollout_waits_for_earlier_waves(small):
    rough = {
        "system.initial_fit": 0.45,
        "governance.filtering": 0.0,
        "rollout.gate_max_frustration": 0.15,
    }
    plain = simulate(small(**rough, **{"rollout.strategy": "phased"}), seed=4).summary
    gated = simulate(small(**rough, **{"rollout.strategy": "phased_gated"}), seed=4).summary
    assert gated["postponements"] > plain["postponements"]


def test_users_differ_within_roles_and_units_differ_in_fit(small):
    model = RolloutModel(small(), seed=1)
    pop = model.population
    professionals = pop.role == pop.role_names.index("professional")
    assert pop.proficiency[professionals].std() == pytest.approx(0.15, abs=0.03)
    assert pop.sensitivity[professionals].std() > 0.1
    # one fit offset per unit, shared by all its users
    for unit in range(5):
        assert np.unique(pop.fit_offset[pop.unit == unit]).size == 1
    flat = RolloutModel(
        small(
            **{
                "population.skill_sd": 0.0,
                "population.sensitivity_sd": 0.0,
                "system.unit_fit_sd": 0.0,
            }
        ),
        seed=1,
    ).population
    assert np.unique(flat.proficiency[professionals]).size == 1
    assert np.all(flat.fit_offset == 0)


def test_simulate_releases_its_model(small):
    import mesa

    sc = small(**{"run.steps": 2})
    before = len(mesa.Agent._ids)
    for seed in range(3):
        simulate(sc, seed=seed)
    assert len(mesa.Agent._ids) == before


def test_a_model_without_seed_draws_records_and_announces_one(small):
    with pytest.warns(UserWarning, match="no seed given"):
        model = RolloutModel(small(**{"run.steps": 3}))
    assert isinstance(model.seed, int)
    again = RolloutModel(small(**{"run.steps": 3}), seed=model.seed)
    np.testing.assert_array_equal(model.population.proficiency, again.population.proficiency)
