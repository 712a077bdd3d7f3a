"""Morris screening and Sobol indices against functions whose sensitivities are known."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from numpy.testing import assert_allclose

from sim.analysis.sensitivity import (
    Output,
    design_size,
    format_indices,
    indices,
    morris_figure,
    outputs,
    sensitivity_design,
    sobol_figure,
)
from sim.errors import InputError
from sim.experiment.uncertainty import Choice, Uncertainty, Uniform, parse_uncertainties


def _uniform(key: str, low: float, high: float) -> Uncertainty:
    return Uncertainty(key, Uniform(low, high))


LINEAR = (_uniform("a", 0, 1), _uniform("b", 0, 10), _uniform("dummy", -5, 5))


def test_morris_on_a_linear_function_gives_the_exact_effects():
    """y = 3a + 0.2b: effects per unit of probability are 3 * 1 and 0.2 * 10; the dummy
    parameter cannot matter: it ranks last with mu_star exactly 0."""
    design = sensitivity_design(LINEAR, "morris", 10, root=1)
    x = design.values
    y = 3 * x["a"] + 0.2 * x["b"]
    table = indices(design, [Output("c", "y", y.to_numpy())])
    assert list(table["parameter"]) == ["a", "b", "dummy"]
    assert_allclose(table["mu_star"], [3.0, 2.0, 0.0], atol=1e-9)
    assert_allclose(table["sigma"], [0.0, 0.0, 0.0], atol=1e-9)
    assert table["mu_star_conf"].iloc[2] == 0.0


def test_morris_separates_interactions_from_plain_effects():
    """y = a * b: both matter and their effects vary with the other (sigma > 0); the
    dummy is last with mu_star 0."""
    design = sensitivity_design(LINEAR, "morris", 20, root=2)
    x = design.values
    table = indices(design, [Output("c", "y", (x["a"] * x["b"]).to_numpy())])
    assert table["parameter"].iloc[-1] == "dummy"
    assert table["mu_star"].iloc[-1] == 0.0
    top = table.set_index("parameter")
    assert top.loc["a", "mu_star"] > 1 and top.loc["b", "mu_star"] > 1
    assert top.loc["a", "sigma"] > 0.2 * top.loc["a", "mu_star"]


ISHIGAMI = tuple(_uniform(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3))


def _ishigami(x: pd.DataFrame, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x1, x2, x3 = (x[c].to_numpy() for c in ("x1", "x2", "x3"))
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def _ishigami_indices(a: float = 7.0, b: float = 0.1):
    """Analytic first-order and total indices of the Ishigami function (Ishigami & Homma
    1990; Sobol' & Levitan 1999)."""
    pi4 = math.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_sobol_indices_of_the_ishigami_function():
    design = sensitivity_design(ISHIGAMI, "sobol", 2048, root=3)
    assert design.points == 2048 * 5
    table = indices(design, [Output("c", "ishigami", _ishigami(design.values))])
    table = table.set_index("parameter").loc[["x1", "x2", "x3"]]
    s1, st = _ishigami_indices()
    assert_allclose(table["S1"], s1, atol=0.04)
    assert_allclose(table["ST"], st, atol=0.04)
    assert (table["S1_conf"] < 0.1).all() and (table["ST_conf"] < 0.1).all()


def test_designs_are_reproducible_from_the_seed():
    a = sensitivity_design(LINEAR, "morris", 5, root=7)
    b = sensitivity_design(LINEAR, "morris", 5, root=7)
    c = sensitivity_design(LINEAR, "morris", 5, root=8)
    assert a.values.equals(b.values) and not a.values.equals(c.values)
    assert list(a.values.columns) == ["world", "a", "b", "dummy"]
    assert a.points == design_size("morris", 5, 3) == 20
    s = sensitivity_design(LINEAR, "sobol", 8, root=7)
    assert s.values.equals(sensitivity_design(LINEAR, "sobol", 8, root=7).values)
    assert s.points == design_size("sobol", 8, 3) == 40
    assert design_size("sobol", 8, 3, second_order=True) == 64


def test_designs_map_through_the_distributions():
    (hours,) = parse_uncertainties(
        {"support.hypercare_weeks": {"distribution": "uniform", "low": 2, "high": 8}}
    )
    mix = (hours, Uncertainty("c", Choice((1.0, 5.0))))
    design = sensitivity_design(mix, "morris", 4, root=1)
    assert design.values["support.hypercare_weeks"].dtype == np.int64
    assert set(design.values["support.hypercare_weeks"]) <= set(range(2, 9))
    assert set(design.values["c"]) <= {1.0, 5.0}


@pytest.mark.parametrize(
    ("method", "samples", "expected"),
    [
        ("sobol", 100, "power of two (got 100; try 128)"),
        ("sobol", 1, "power of two"),
        ("morris", 1, "at least 2 trajectories"),
        ("fast", 8, "unknown method 'fast'"),
    ],
)
def test_bad_design_arguments(method, samples, expected):
    with pytest.raises(InputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        sensitivity_design(LINEAR, method, samples, root=1)


# --- From runs: replicates averaged, paired differences ----------------------------------


def _runs(design, replicates: int = 2) -> pd.DataFrame:
    """Two conditions: big_bang's cost depends on a only; phased's is big bang's plus
    5 * dummy, so the advantage of phased over big bang depends on dummy alone."""
    rows = []
    for _, x in design.values.iterrows():
        for r in range(replicates):
            noise = 0.5 if r % 2 == 0 else -0.5
            base = 10 * x["a"] + noise
            for point, label, cost in ((0, "big_bang", base), (1, "phased", base + 5 * x["dummy"])):
                rows.append(
                    {
                        "point": point,
                        "condition": label,
                        "world": int(x["world"]),
                        "replicate": r,
                        "status": "ok",
                        "total_cost": cost,
                    }
                )
    return pd.DataFrame(rows)


def test_outputs_average_replicates_and_pair_conditions():
    design = sensitivity_design(LINEAR, "morris", 10, root=4)
    runs = _runs(design)
    (single,) = outputs(runs, design, ["total_cost"], point=0)
    assert_allclose(single.y, 10 * design.values["a"])
    assert single.condition == "big_bang"
    (paired,) = outputs(runs, design, ["total_cost"], point=1, minus=0)
    assert paired.condition == "phased - big_bang"
    table = indices(design, [single, paired])
    own = table[table["condition"] == "big_bang"]
    assert own["parameter"].iloc[0] == "a" and own["mu_star"].iloc[0] == pytest.approx(10)
    diff = table[table["condition"] == "phased - big_bang"]
    assert diff["parameter"].iloc[0] == "dummy"
    assert diff["mu_star"].iloc[0] == pytest.approx(50)
    assert_allclose(diff["mu_star"].iloc[1:], 0, atol=1e-9)


def test_undefined_or_constant_outputs_are_skipped_with_a_reason():
    design = sensitivity_design(LINEAR, "sobol", 8, root=4)
    runs = _runs(design)
    runs.loc[(runs["world"] == 3) & (runs["point"] == 0), "status"] = "failed"
    out = outputs(runs, design, ["total_cost"], point=0)
    flat = Output("c", "flat", np.ones(design.points))
    table = indices(design, [*out, flat])
    assert table.empty
    skipped = table.attrs["skipped"]
    assert skipped["total_cost (big_bang)"] == f"undefined at 1 of {design.points} sample points"
    assert skipped["flat (c)"] == "constant over the design"
    assert "Skipped flat (c): constant over the design." in format_indices(table, "md")
    with pytest.raises(InputError, match="no condition with point 5"):
        outputs(runs, design, ["total_cost"], point=5)


# --- Tables and figures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def morris_table():
    design = sensitivity_design(LINEAR, "morris", 10, root=5)
    runs = _runs(design)
    return indices(
        design,
        outputs(runs, design, ["total_cost"], 0)
        + outputs(runs, design, ["total_cost"], 1, minus=0),
    )


@pytest.fixture(scope="module")
def sobol_table():
    design = sensitivity_design(ISHIGAMI, "sobol", 64, root=5)
    return indices(design, [Output("c", "total_cost", _ishigami(design.values))])


def test_csv_is_long_form_with_the_documented_columns(morris_table, sobol_table):
    morris = pd.read_csv(io.StringIO(format_indices(morris_table, "csv")))
    assert list(morris.columns) == [
        "condition",
        "outcome",
        "parameter",
        "mu_star",
        "mu_star_conf",
        "sigma",
        "mu",
    ]
    assert len(morris) == 2 * 3
    sobol = pd.read_csv(io.StringIO(format_indices(sobol_table, "csv")))
    assert list(sobol.columns) == [
        "condition",
        "outcome",
        "parameter",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
    ]
    assert_allclose(sobol["ST"], sobol_table["ST"], rtol=1e-12)


def test_markdown_and_latex(morris_table, sobol_table):
    md = format_indices(morris_table, "md")
    assert md.startswith("# Morris screening") and "10 trajectories of 3 parameters" in md
    assert "## total_cost (phased - big_bang): Total cost" in md
    dummies = [line for line in md.splitlines() if line.startswith("| dummy")]
    assert dummies[0].split("|")[2].strip() == "0.0 ± 0.0"
    assert dummies[1].split("|")[2].strip().startswith("50.0 ±")
    assert "S1: share of the output's variance" in format_indices(sobol_table, "md")
    tex = format_indices(sobol_table, "latex")
    body = [
        line for line in tex.splitlines() if line.endswith("\\\\") and "multicolumn" not in line
    ]
    assert len(body) == 1 + 3 and all(line.count(" & ") == 2 for line in body)
    with pytest.raises(InputError, match="unknown format"):
        format_indices(sobol_table, "html")


def test_figures_show_the_table(morris_table, sobol_table):
    fig = morris_figure(morris_table, "total_cost", "phased - big_bang")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert texts == {"a", "b", "dummy"}
    x = ax.lines[0].get_xdata()
    assert_allclose(sorted(x), sorted(morris_table.iloc[3:]["mu_star"]))
    with pytest.raises(InputError, match="say which condition"):
        morris_figure(morris_table, "total_cost")
    fig = sobol_figure(sobol_table, "total_cost")
    bars = fig.axes[0].patches
    assert len(bars) == 6
    widths = sorted(b.get_width() for b in bars)
    assert_allclose(widths, sorted([*sobol_table["S1"], *sobol_table["ST"]]))
