"""Uncertain worlds with the real model: common random numbers and a parameter that cannot
matter. Tiny scenarios (100 users, 30 weeks) keep this quick."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis.sensitivity import indices, outputs, sensitivity_design
from sim.analysis.worlds import decision_table
from sim.experiment.uncertainty import (
    latin_hypercube,
    parse_uncertainties,
    sample_seed,
    world_overrides,
    world_seed,
)
from sim.scenario import scenario_from_dict
from sim.simulation import simulate

ROOT = 5
TINY = {
    "population.size": 100,
    "population.units": 4,
    "rollout.first_golive_week": 4,
    "rollout.wave_interval_weeks": 3,
    "run.steps": 30,
}
UNCERTAIN = {
    "system.initial_fit": {"distribution": "uniform", "low": 0.3, "high": 0.85},
    "training.hours_per_user": {"distribution": "uniform", "low": 0, "high": 40},
    # Wages only enter the cost accounts: they cannot change adoption.
    "costs.wage": {"distribution": "uniform", "low": 200, "high": 900},
}
CONDITIONS = {0: {"rollout.strategy": "big_bang"}, 1: {"rollout.strategy": "phased"}}


def run_design(
    values: pd.DataFrame, conditions: dict, replicates: int = 1, seed=world_seed
) -> pd.DataFrame:
    """Every condition in every world, with ``seed(ROOT, world, r)``; one row per run."""
    rows = []
    for world in values["world"]:
        over = world_overrides(values, world)
        for point, factor in conditions.items():
            scenario = scenario_from_dict({}, {**TINY, **over, **factor})
            for r in range(replicates):
                result = simulate(scenario, seed=seed(ROOT, world, r))
                row = {"point": point, "condition": factor["rollout.strategy"], **factor}
                row |= {"world": world, "replicate": r, "status": "ok", **over}
                rows.append(row | result.summary)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def uncertainties():
    return parse_uncertainties(UNCERTAIN)


def test_common_random_numbers_make_a_no_op_difference_exactly_zero(uncertainties):
    """Two conditions that differ only in the wage meet the same draws in each world, so
    their adoption is identical world by world, while the worlds themselves differ."""
    worlds = latin_hypercube(uncertainties[:2], 6, ROOT)
    conditions = {0: {"rollout.strategy": "phased"}, 1: {"rollout.strategy": "phased"}}
    runs = run_design(worlds, conditions, replicates=2)
    runs.loc[runs["point"] == 1, "condition"] = "phased, paid more"
    table = decision_table(runs, [], {}, ["final_adoption", "peak_frustration_live"])
    other = table[~table["reference"]].set_index("outcome")
    assert (other["diff_p05"] == 0).all() and (other["diff_p95"] == 0).all()
    assert (other["ties"] == 6).all() and (other["beats"] == 0).all()
    ref = table[table["reference"]].set_index("outcome")
    assert ref.loc["final_adoption", "p95"] > ref.loc["final_adoption", "p05"]


def test_morris_on_the_model_ranks_the_wage_last_for_adoption(uncertainties):
    """With the same seeds at every sample point, the wage's elementary effects on adoption
    are exactly zero (it only enters the accounts), for each condition and for the paired
    difference; the system's fit and training matter, and the wage matters for the cost."""
    design = sensitivity_design(uncertainties, "morris", 4, ROOT)
    runs = run_design(design.values, CONDITIONS, seed=lambda root, _, r: sample_seed(root, r))
    found = indices(
        design,
        outputs(runs, design, ["final_adoption", "total_cost"], 0)
        + outputs(runs, design, ["final_adoption"], 1, minus=0),
    )
    adoption = found[(found["outcome"] == "final_adoption") & (found["condition"] == "big_bang")]
    assert adoption["parameter"].iloc[-1] == "costs.wage"
    assert adoption["mu_star"].iloc[-1] == 0.0
    assert adoption["mu_star"].iloc[0] > 0.01
    paired = found[found["condition"] == "phased - big_bang"]
    assert paired.set_index("parameter").loc["costs.wage", "mu_star"] == 0.0
    cost = found[(found["outcome"] == "total_cost")].set_index("parameter")
    assert cost.loc["costs.wage", "mu_star"] > 0
