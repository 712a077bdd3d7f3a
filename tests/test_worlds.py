"""Decision tables over worlds, on hand-built runs whose statistics are known exactly."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import stats

from sim.analysis.worlds import (
    STATS,
    decision_table,
    format_decision,
    paired_differences,
    share_interval,
    world_means,
    worlds_figure,
)
from sim.errors import InputError
from sim.outcomes import BETTER, OUTCOMES

W = 10
LABELS = {0: "big_bang", 1: "phased", 2: "phased_gated"}


def _value(name: str, point: int, w: int) -> float:
    """total_cost (lower is better): the reference costs w, phased w + 1 in even worlds and
    w - 1 in odd ones, phased_gated always w + 0.5. final_adoption (higher is better):
    phased always 1 more than the reference, phased_gated 1 less."""
    if name == "total_cost":
        return [w, w + (1 if w % 2 == 0 else -1), w + 0.5][point]
    return [w, w + 1.0, w - 1.0][point]


def make_runs(replicates: int = 2) -> pd.DataFrame:
    rows = []
    for point, label in LABELS.items():
        for w in range(W):
            for r in range(replicates):
                noise = 0.25 if r % 2 == 0 else -0.25  # averages out exactly
                row = {"point": point, "condition": label, "rollout.strategy": label}
                row.update(world=w, replicate=r, status="ok")
                for name in ("total_cost", "final_adoption"):
                    row[name] = _value(name, point, w) + noise
                rows.append(row)
    return pd.DataFrame(rows)


FACTORS = ["rollout.strategy"]
REFERENCE = {"rollout.strategy": "big_bang"}


def _row(table, outcome, point) -> pd.Series:
    return table[(table["outcome"] == outcome) & (table["point"] == point)].iloc[0]


@pytest.fixture(scope="module")
def table():
    return decision_table(make_runs(), FACTORS, REFERENCE, ["total_cost", "final_adoption"])


def test_every_outcome_has_a_direction():
    assert set(BETTER) == set(OUTCOMES)
    assert set(BETTER.values()) <= {"lower", "higher"}


def test_world_means_average_replicates_within_worlds():
    means = world_means(make_runs(), ["total_cost"])
    assert len(means) == 3 * W
    assert (means["replicates"] == 2).all()
    got = means.set_index(["point", "world"])["total_cost"]
    assert got[(1, 3)] == 2.0 and got[(2, 4)] == 4.5


def test_shape_and_attrs(table):
    assert list(table.columns[:6]) == [
        "outcome",
        "better",
        "point",
        "condition",
        "rollout.strategy",
        "reference",
    ]
    assert list(table.columns[6:]) == list(STATS)
    assert len(table) == 2 * 3
    assert table.attrs["worlds"] == W and table.attrs["replicates"] == 2
    assert table.attrs["reference_point"] == 0


def test_distribution_across_worlds(table):
    ref = _row(table, "total_cost", 0)
    assert ref["median"] == 4.5
    assert ref["p05"] == pytest.approx(np.quantile(np.arange(W), 0.05))
    assert ref["p95"] == pytest.approx(np.quantile(np.arange(W), 0.95))
    assert ref["worlds"] == W
    assert math.isnan(ref["beats"]) and math.isnan(ref["diff_median"])


def test_paired_differences_and_wins_follow_the_direction(table):
    phased = _row(table, "total_cost", 1)
    assert phased["diff_p05"] == -1 and phased["diff_p95"] == 1 and phased["diff_mean"] == 0
    assert phased["beats"] == 0.5  # cheaper in the five odd worlds
    gated = _row(table, "total_cost", 2)
    assert gated["beats"] == 0.0 and gated["diff_median"] == 0.5
    assert gated["delta"] == pytest.approx(0.5 / np.std(np.arange(W), ddof=1))
    # final_adoption: higher is better, so +1 everywhere beats the reference everywhere.
    assert _row(table, "final_adoption", 1)["beats"] == 1.0
    assert _row(table, "final_adoption", 2)["beats"] == 0.0


def test_best_share_and_regret(table):
    best = {p: _row(table, "total_cost", p)["best"] for p in LABELS}
    assert best == {0: 0.5, 1: 0.5, 2: 0.0}
    gated = _row(table, "total_cost", 2)  # 0.5 behind in even worlds, 1.5 in odd ones
    assert gated["regret_median"] == 1.0
    assert gated["regret_p95"] == pytest.approx(1.5)
    assert _row(table, "final_adoption", 1)["best"] == 1.0
    assert _row(table, "final_adoption", 0)["regret_median"] == 1.0


def test_wilson_interval_matches_the_formula():
    k, n, z = 7, 20, stats.norm.ppf(0.975)
    centre = (k + z**2 / 2) / (n + z**2)
    half = z / (n + z**2) * math.sqrt(k * (n - k) / n + z**2 / 4)
    p, low, high = share_interval(k, n)
    assert p == 0.35
    assert low == pytest.approx(centre - half) and high == pytest.approx(centre + half)
    assert share_interval(10, 10)[2] == pytest.approx(1.0)
    assert all(math.isnan(v) for v in share_interval(0, 0))


def test_ties_are_not_wins():
    runs = make_runs()
    runs.loc[runs["point"] == 1, "total_cost"] = runs.loc[runs["point"] == 0, "total_cost"].values
    table = decision_table(runs, FACTORS, REFERENCE, ["total_cost"])
    row = _row(table, "total_cost", 1)
    assert row["beats"] == 0.0 and row["ties"] == W
    assert _row(table, "total_cost", 0)["best"] == 0.5  # every world shared by two


def test_failed_and_unreached_worlds_are_left_out_where_needed():
    runs = make_runs()
    gone = (runs["point"] == 2) & (runs["world"] == 0)
    runs.loc[gone, "status"] = "failed"  # no successful run of phased_gated in world 0
    runs.loc[(runs["point"] == 1) & (runs["world"] == 1), "total_cost"] = np.nan
    table = decision_table(runs, FACTORS, REFERENCE, ["total_cost"])
    assert _row(table, "total_cost", 2)["worlds"] == W - 1
    phased = _row(table, "total_cost", 1)
    assert phased["worlds"] == W - 1
    assert phased["beats"] == pytest.approx(4 / 9)  # odd worlds 3, 5, 7, 9 of nine
    # best and regret use the eight worlds where every condition is defined (2..9)
    assert _row(table, "total_cost", 0)["best"] == 0.5


def test_unknown_outcome_and_missing_columns_are_input_errors():
    with pytest.raises(InputError, match="did you mean 'total_cost'"):
        decision_table(make_runs(), FACTORS, REFERENCE, ["total_cots"])
    with pytest.raises(InputError, match="lacks column.*world"):
        decision_table(make_runs().drop(columns="world"), FACTORS, REFERENCE, ["total_cost"])


def test_markdown_says_what_the_intervals_mean(table):
    text = format_decision(table, "md")
    assert "not Monte Carlo error" in text and "Wilson" in text and "Glass's Δ" in text
    assert (
        "## total_cost: Total cost, scaled to the real organisation (MSEK; lower is better)" in text
    )
    lines = text.splitlines()
    phased = next(line for line in lines if line.startswith("| phased  "))
    assert "50 % [" in phased and "-1.00" in phased
    ref_line = next(line for line in lines if line.startswith("| big_bang"))
    assert " ref |" in ref_line


def test_csv_is_long_form_at_full_precision(table):
    back = pd.read_csv(io.StringIO(format_decision(table, "csv")))
    assert len(back) == 6 and set(back["outcome"]) == {"total_cost", "final_adoption"}
    gated = back[(back["outcome"] == "total_cost") & (back["point"] == 2)].iloc[0]
    assert gated["delta"] == pytest.approx(0.5 / np.std(np.arange(W), ddof=1), rel=1e-12)
    assert (back["level"] == 0.95).all()


def test_latex_rows_have_every_column(table):
    text = format_decision(table, "latex")
    body = [
        line for line in text.splitlines() if line.endswith("\\\\") and "multicolumn" not in line
    ]
    assert len(body) == 1 + 6
    assert all(line.count(" & ") == 6 for line in body)
    assert "\\toprule" in text and "phased\\_gated" in text and "$-$1.00" in text
    with pytest.raises(InputError, match="unknown format"):
        format_decision(table, "html")


def test_paired_differences_are_world_by_world():
    diffs = paired_differences(make_runs(), FACTORS, REFERENCE, "total_cost")
    assert list(diffs.columns) == [0, 1, 2] and len(diffs) == W
    assert (diffs[0] == 0).all() and (diffs[2] == 0.5).all()
    assert diffs.loc[3, 1] == -1 and diffs.loc[4, 1] == 1


def test_figure_shows_best_shares_and_differences(table):
    fig = worlds_figure(table, make_runs(), "total_cost")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    widths = [bar.get_width() for bar in fig.axes[0].patches]
    assert widths == [0.5, 0.5, 0.0]
    dots = [c.get_offsets()[:, 0] for c in fig.axes[1].collections]
    assert len(dots) == 2  # none for the reference
    assert sorted(dots[0]) == [-1.0] * 5 + [1.0] * 5 and set(dots[1]) == {0.5}
    with pytest.raises(InputError, match="no rows for outcome 'halted'"):
        worlds_figure(table, make_runs(), "halted")
