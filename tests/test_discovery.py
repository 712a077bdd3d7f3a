"""Scenario discovery and its --where expressions: a planted rule must be found."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.analysis.discovery import (
    cases,
    discover,
    discover_runs,
    discovery_figure,
    format_discovery,
    world_inputs,
)
from sim.analysis.where import Ref, parse_where
from sim.errors import InputError

CONDITIONS = {0: "big_bang | low", 1: "phased | low"}
OUTCOMES = ["total_cost", "final_adoption", "halted"]


def planted(n: int = 600, seed: int = 1, flip: float = 0.0):
    """Worlds uniform on [0, 1]^3; the cases of interest are exactly x1 > 0.7 and x2 < 0.3
    (x3 cannot matter), with a share ``flip`` of labels flipped at random."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 3)), columns=["x1", "x2", "x3"])
    y = ((x["x1"] > 0.7) & (x["x2"] < 0.3)).to_numpy()
    noise = rng.uniform(size=n) < flip
    return x, y ^ noise


def test_a_planted_rule_is_found_as_one_box():
    x, y = planted()
    result = discover(x, y, seed=3)
    best = result.boxes.iloc[0]
    assert best["coverage"] == 1.0 and best["density"] == 1.0
    limits = result.limits[result.limits["box"] == 1].set_index("parameter")
    assert limits.loc["x1", "low"] == pytest.approx(0.7, abs=0.02)
    assert np.isnan(limits.loc["x1", "high"])
    assert limits.loc["x2", "high"] == pytest.approx(0.3, abs=0.02)
    assert not limits.loc["x3", "restricted"]
    assert result.importance.index[-1] == "x3" and result.importance["x3"] == 0
    assert result.interest == int(y.sum()) and result.worlds == 600


def test_a_planted_rule_survives_label_noise():
    """With 5 % of labels flipped, about a third of the cases of interest are noise spread
    over the whole cube, which no box can cover; the box must still be the planted one."""
    x, clean = planted(seed=2)
    _, y = planted(flip=0.05, seed=2)
    result = discover(x, y, seed=3)
    best = result.boxes.iloc[0]
    assert best["density"] > 0.9
    assert best["coverage"] >= 0.9 * (clean & y).sum() / y.sum()
    limits = result.limits.query("box == 1").set_index("parameter")
    assert limits.loc["x1", "low"] == pytest.approx(0.7, abs=0.03)
    assert limits.loc["x2", "high"] == pytest.approx(0.3, abs=0.03)
    assert not limits.loc["x3", "restricted"]


def test_discovery_is_reproducible_and_respects_undefined_worlds():
    x, y = planted(n=300)
    a, b = discover(x, y, seed=5), discover(x, y, seed=5)
    assert a.boxes.equals(b.boxes) and a.limits.equals(b.limits)
    defined = np.ones(300, bool)
    defined[:50] = False
    c = discover(x, y, defined, seed=5)
    assert c.worlds == 250 and c.undefined == 50 and c.interest == int(y[50:].sum())


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"max_depth": 0}, "--max-depth: must be at least 1"),
        ({"min_leaf": 0.6}, "--min-leaf: must be between 0 and 0.5"),
    ],
)
def test_bad_tree_settings(kwargs, expected):
    x, y = planted(n=100)
    with pytest.raises(InputError, match=expected):
        discover(x, y, **kwargs)


def test_nothing_to_separate_is_an_error():
    x, _ = planted(n=50)
    with pytest.raises(InputError, match="holds in no world"):
        discover(x, np.zeros(50, bool))
    with pytest.raises(InputError, match="holds in every world"):
        discover(x, np.ones(50, bool))


# --- --where ----------------------------------------------------------------------------


def _parse(text: str, conditions=CONDITIONS):
    return parse_where(text, OUTCOMES, conditions)


def test_where_reads_outcomes_in_conditions_and_evaluates_with_numpy():
    e = _parse(
        "total_cost[big_bang | low] - total_cost[phased|low] > 2 * 1.5"
        " and not halted[big_bang | low] == 1"
    )
    a, b, h = Ref("total_cost", 0), Ref("total_cost", 1), Ref("halted", 0)
    assert e.refs == [a, b, h]
    values = {
        a: np.array([10.0, 10.0, 10.0, np.nan]),
        b: np.array([5.0, 9.0, 5.0, 5.0]),
        h: np.array([0.0, 0.0, 1.0, 0.0]),
    }
    truth, defined = e.evaluate(values)
    np.testing.assert_array_equal(truth, [True, False, False, False])
    np.testing.assert_array_equal(defined, [True, True, True, False])


def test_where_precedence_and_parentheses():
    x = Ref("total_cost", 0)
    values = {x: np.array([1.0, 2.0, 3.0])}
    one = {0: "only"}

    def evaluate(text: str) -> list[bool]:
        return _parse(text, one).evaluate(values)[0].tolist()

    # 'and' binds tighter than 'or': x < 2 or (x > 2 and x > 5)
    assert evaluate("total_cost < 2 or total_cost > 2 and total_cost > 5") == [True, False, False]
    assert evaluate("(total_cost < 2 or total_cost > 2) and total_cost > 5") == [False] * 3
    assert evaluate("(total_cost < 2 or total_cost > 2) and total_cost > 0") == [True, False, True]
    assert evaluate("-total_cost + 4 >= 2") == [True, True, False]
    assert evaluate("not not total_cost == 2") == [False, True, False]
    assert evaluate("total_cost / 0 > 1") == [True, True, True]
    assert evaluate("2 * (total_cost - 1) != 2") == [True, False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty expression"),
        ("total_cost[big_bang | low] > ", "ends too early at position 30"),
        (
            "total_cots[big_bang | low] > 1",
            "unknown outcome 'total_cots'; did you mean 'total_cost'",
        ),
        ("total_cost[big_bang] > 1", "unknown condition 'big_bang' (did you mean 'big_bang | low'"),
        ("total_cost[nothing] > 1", "conditions: big_bang | low; phased | low"),
        ("total_cost > 1", "say which condition, e.g. total_cost[big_bang | low]"),
        ("total_cost[phased | low]", "must be a comparison"),
        ("1 < total_cost[phased | low] < 3", "chained comparisons are not allowed"),
        ("__import__ > 1", "unknown outcome '__import__' at position 1"),
        ("__import__('os') > 1", 'unexpected character "\'" at position 12'),
        ("total_cost[phased | low].real > 1", "unexpected character '.' at position 25"),
        ("total_cost[phased | low] > 1; 2", "unexpected character ';'"),
        ("(total_cost[phased | low] > 1", "missing ')'"),
        ("total_cost[phased | low] > 1 and 3", "'and' needs comparisons on both sides"),
        ("(total_cost[phased | low] > 1) + 1 > 0", "'+' needs numbers on both sides"),
        ("not total_cost[phased | low]", "'not' needs a comparison"),
        ("(1 > 0) > (2 > 1)", "'>' compares numbers, not truths"),
        ("[phased | low] > 1", "must follow an outcome name"),
        ("total_cost[phased | low] > 1 1", "unexpected '1' at position 30"),
        ("(" * 60 + "1 > 0" + ")" * 60, "nested more than 50 levels"),
        ("1 > " + "1+" * 300 + "1", "longer than 500 characters"),
    ],
)
def test_bad_where_is_a_one_line_error(text, expected):
    with pytest.raises(InputError) as info:
        _parse(text)
    message = str(info.value)
    assert message.startswith("--where: ") and "\n" not in message
    assert expected in message


# --- From runs --------------------------------------------------------------------------


def make_runs(n: int = 200, replicates: int = 2, seed: int = 4) -> pd.DataFrame:
    """Two conditions in ``n`` worlds. Big bang costs less than phased exactly where
    training.hours_per_user > 20 and system.initial_fit < 0.5."""
    rng = np.random.default_rng(seed)
    hours = rng.uniform(4, 32, n)
    fit = rng.uniform(0.3, 0.8, n)
    defects = rng.integers(100, 1000, n)
    rows = []
    for w in range(n):
        wins = hours[w] > 20 and fit[w] < 0.5
        for r in range(replicates):
            for point, label in CONDITIONS.items():
                cost = 100.0 + (-5.0 if (point == 0) == wins else 5.0) + (r - 0.5)
                rows.append(
                    {
                        "point": point,
                        "condition": label,
                        "rollout.strategy": label.split()[0],
                        "world": w,
                        "replicate": r,
                        "status": "ok",
                        "total_cost": cost,
                        "training.hours_per_user": hours[w],
                        "system.initial_fit": fit[w],
                        "system.latent_defects": defects[w],
                    }
                )
    return pd.DataFrame(rows)


PARAMETERS = ["training.hours_per_user", "system.initial_fit", "system.latent_defects"]
WHERE = "total_cost[big_bang | low] < total_cost[phased | low]"


def test_discovery_from_runs_finds_where_big_bang_wins():
    runs = make_runs()
    result, inputs, found = discover_runs(runs, PARAMETERS, WHERE, seed=1)
    assert len(inputs) == 200 and list(inputs.columns) == PARAMETERS
    best = result.boxes.iloc[0]
    assert best["coverage"] >= 0.9 and best["density"] >= 0.9
    limits = result.limits.query("box == 1").set_index("parameter")
    assert limits.loc["training.hours_per_user", "low"] == pytest.approx(20, abs=1.5)
    assert limits.loc["system.initial_fit", "high"] == pytest.approx(0.5, abs=0.03)
    assert not limits.loc["system.latent_defects", "restricted"]
    assert found["interest"].sum() == result.interest


def test_cases_average_replicates_and_leave_out_failed_worlds():
    runs = make_runs(n=20)
    runs.loc[(runs["world"] == 3) & (runs["point"] == 1), "status"] = "failed"
    expression = parse_where(WHERE, ["total_cost"], CONDITIONS)
    found = cases(runs, expression)
    assert not found.loc[3, "defined"] and not found.loc[3, "interest"]
    assert found["defined"].sum() == 19


def test_world_inputs_must_agree_across_runs():
    runs = make_runs(n=10)
    runs.loc[5, "system.initial_fit"] = 0.99
    with pytest.raises(InputError, match="world 1 has different values of 'system.initial_fit'"):
        world_inputs(runs, PARAMETERS)
    with pytest.raises(InputError, match="lacks column"):
        world_inputs(runs.drop(columns="world"), PARAMETERS)


@pytest.fixture(scope="module")
def found():
    return discover_runs(make_runs(), PARAMETERS, WHERE, seed=1)


def test_tables(found):
    result = found[0]
    md = format_discovery(result, "md")
    assert f"Cases of interest: {WHERE}" in md
    assert "coverage: share of the cases of interest inside the box" in md
    line = next(row for row in md.splitlines() if re.match(r"\|\s*1\s*\|", row))
    hours = re.search(r"training\.hours_per_user > ([\d.]+)", line)
    fit = re.search(r"system\.initial_fit <= ([\d.]+)", line)
    assert float(hours.group(1)) == pytest.approx(20, abs=1.5)
    assert float(fit.group(1)) == pytest.approx(0.5, abs=0.03)
    csv = pd.read_csv(io.StringIO(format_discovery(result, "csv")))
    assert {"box", "parameter", "low", "high", "restricted", "coverage", "density"} <= set(
        csv.columns
    )
    assert len(csv) == len(result.boxes) * len(PARAMETERS)
    tex = format_discovery(result, "latex")
    assert "\\toprule" in tex and "training.hours\\_per\\_user" in tex


def test_figure_draws_the_box(found):
    result, inputs, cases_ = found
    fig = discovery_figure(result, inputs, cases_)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    scatter = fig.axes[1]
    (rect,) = scatter.patches
    limits = result.limits.query("box == 1").set_index("parameter")
    names = [scatter.get_xlabel(), scatter.get_ylabel()]
    assert set(names) == {"training.hours_per_user", "system.initial_fit"}
    x_low = limits.loc[names[0], "low"]
    if np.isnan(x_low):
        x_low = inputs[names[0]].min()
    assert rect.get_x() == pytest.approx(x_low)
    hits = scatter.collections[1].get_offsets()
    assert len(hits) == result.interest
    with pytest.raises(InputError, match="no box 9"):
        discovery_figure(result, inputs, cases_, box=9)
