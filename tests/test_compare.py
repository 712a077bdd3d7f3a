"""Tests of the comparison statistics, tables, formats and the `sim compare` command."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from sim.analysis.comparison import compare_folder, read_runs, write_comparison
from sim.analysis.formatting import format_table
from sim.analysis.render import _LATEX_SPECIAL, decimals_for, latex_escape, number
from sim.analysis.stats import diff_ci, hedges_correction, hedges_g, mean_ci
from sim.analysis.tables import compare_runs, long_table
from sim.cli import cli
from sim.errors import InputError
from sim.outcomes import MAIN_OUTCOMES, OUTCOMES

FACTORS = ["rollout.strategy", "involvement.level"]
STRATEGIES = ["big_bang", "phased"]
LEVELS = ["low", "token", "high"]
REFERENCE = {"rollout.strategy": "big_bang", "involvement.level": "low"}


# --- statistics: oracles ------------------------------------------------------------


def test_mean_ci_matches_scipy_t_interval():
    x = np.array([2.1, 3.4, 1.9, 5.0, 4.2, 3.3, 2.8])
    m, lo, hi = mean_ci(x, 0.9)
    want = stats.t.interval(0.9, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert m == pytest.approx(x.mean())
    assert_allclose([lo, hi], want, rtol=1e-12)


def test_diff_ci_matches_scipy_welch_interval():
    rng = np.random.default_rng(11)
    x, y = rng.normal(1.0, 1.0, 12), rng.normal(0.0, 3.0, 30)
    d, lo, hi = diff_ci(x, y)
    ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert d == pytest.approx(x.mean() - y.mean())
    assert_allclose([lo, hi], [ci.low, ci.high], rtol=1e-10)


def test_hedges_g_hand_computed():
    # x: mean 2.5, s² = 5/3; y: mean 4, s² = 5/2; pooled s² = (3·5/3 + 4·5/2) / 7 = 15/7.
    # d = -1.5 / √(15/7); J(7) = Γ(3.5) / (√3.5 · Γ(3)) = 0.88820...
    x, y = [1, 2, 3, 4], [2, 3, 4, 5, 6]
    j7 = math.gamma(3.5) / (math.sqrt(3.5) * math.gamma(3.0))
    assert hedges_g(x, y) == pytest.approx(-1.5 / math.sqrt(15 / 7) * j7, rel=1e-12)
    assert hedges_g(x, y) == pytest.approx(-0.91014, abs=1e-5)


def test_hedges_correction_close_to_the_usual_approximation():
    for df in (5, 10, 58, 200):
        assert hedges_correction(df) == pytest.approx(1 - 3 / (4 * df - 1), abs=2e-3)
    assert hedges_correction(10_000) == pytest.approx(1.0, abs=1e-4)


def test_mean_ci_covers_true_mean_about_95_percent():
    rng = np.random.default_rng(2024)
    draws = rng.normal(3.0, 2.0, size=(2000, 20))
    _, lo, hi = mean_ci(draws, axis=1)  # one interval per row
    assert_allclose(lo[:3], [mean_ci(row)[1] for row in draws[:3]])
    cover = np.mean((lo <= 3.0) & (hi >= 3.0))
    assert 0.93 <= cover <= 0.97


def test_diff_ci_covers_true_difference_with_unequal_variances():
    rng = np.random.default_rng(7)
    xs = rng.normal(1.0, 0.5, size=(2000, 10))
    ys = rng.normal(0.0, 3.0, size=(2000, 25))
    cover = np.mean([lo <= 1.0 <= hi for _, lo, hi in map(diff_ci, xs, ys)])
    assert 0.93 <= cover <= 0.97


# --- statistics: edge cases and properties ---------------------------------------------


def test_nans_are_dropped_and_small_samples_give_nan_bounds():
    assert mean_ci([1.0, np.nan, 3.0]) == pytest.approx(mean_ci([1.0, 3.0]))
    m, lo, hi = mean_ci([4.0, np.nan])
    assert m == 4.0 and math.isnan(lo) and math.isnan(hi)
    assert all(math.isnan(v) for v in mean_ci([np.nan]))
    d, lo, hi = diff_ci([1.0, 2.0], [5.0])
    assert d == -3.5 and math.isnan(lo) and math.isnan(hi)


def test_hedges_g_degenerate_cases():
    assert hedges_g([1, 1, 1], [1, 1]) == 0.0
    assert math.isnan(hedges_g([1, 1, 1], [2, 2]))  # constant but different: undefined
    assert math.isnan(hedges_g([1, 2], []))
    assert math.isnan(hedges_g([1, 2], [3]))  # df = 1: correction undefined
    assert diff_ci([2, 2, 2], [1, 1]) == (1.0, 1.0, 1.0)


samples = st.lists(
    st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 3)), min_size=2, max_size=30
)


@given(samples)
def test_mean_ci_brackets_the_mean(x):
    m, lo, hi = mean_ci(x)
    assert lo <= m + 1e-9 and m <= hi + 1e-9
    assert mean_ci(x, 0.99)[1] <= lo + 1e-9  # a higher level gives a wider interval


@given(samples, samples)
def test_diff_and_g_are_antisymmetric(x, y):
    d, lo, hi = diff_ci(x, y)
    d2, lo2, hi2 = diff_ci(y, x)
    assert d == pytest.approx(-d2, abs=1e-9)
    assert lo == pytest.approx(-hi2, abs=1e-6) and hi == pytest.approx(-lo2, abs=1e-6)
    g = hedges_g(x, y)
    assert (math.isnan(g) and math.isnan(hedges_g(y, x))) or g == pytest.approx(-hedges_g(y, x))


# --- synthetic sweep results --------------------------------------------------------


def make_runs(replicates: int = 6, seed: int = 1) -> pd.DataFrame:
    """Six conditions; phased adopts more; 80 % sometimes not reached; two failed runs."""
    rng = np.random.default_rng(seed)
    rows = []
    point = 0
    for strategy in STRATEGIES:
        for level in LEVELS:
            for rep in range(replicates):
                base = 0.6 + 0.1 * (strategy == "phased") + 0.05 * LEVELS.index(level)
                row = {
                    "point": point,
                    "condition": f"{strategy} | {level}",
                    "rollout.strategy": strategy,
                    "involvement.level": level,
                    "replicate": rep,
                    "seed": 1000 * point + rep,
                    "status": "ok",
                    "error": "",
                }
                row.update({name: rng.normal(10.0, 2.0) for name in OUTCOMES})
                row["final_adoption"] = base + rng.normal(0, 0.03)
                row["total_cost"] = 800 + 40 * point + rng.normal(0, 20)
                row["weeks_to_80"] = rng.normal(30, 3) if rep % 3 else np.nan
                rows.append(row)
            point += 1
    runs = pd.DataFrame(rows)
    failed = (runs["point"] == 1) & (runs["replicate"] < 2)
    runs.loc[failed, "status"] = "failed"
    runs.loc[failed, "error"] = "ValueError: boom"
    runs.loc[failed, list(OUTCOMES)] = np.nan
    return runs


def make_manifest() -> dict:
    conditions = [
        {"point": i, "label": f"{s} | {lv}", "values": {FACTORS[0]: s, FACTORS[1]: lv}}
        for i, (s, lv) in enumerate((s, lv) for s in STRATEGIES for lv in LEVELS)
    ]
    return {
        "factors": {FACTORS[0]: STRATEGIES, FACTORS[1]: LEVELS},
        "reference": REFERENCE,
        "conditions": conditions,
    }


@pytest.fixture
def results_dir(tmp_path):
    folder = tmp_path / "sweep"
    folder.mkdir()
    make_runs().to_csv(folder / "runs.csv", index=False)
    (folder / "manifest.json").write_text(json.dumps(make_manifest()), encoding="utf-8")
    return folder


@pytest.fixture
def table():
    return compare_runs(make_runs(), FACTORS, REFERENCE)


# --- compare_runs -------------------------------------------------------------------


def test_one_row_per_condition_in_point_order(table):
    assert list(table["point"]) == list(range(6))
    assert list(table["rollout.strategy"]) == ["big_bang"] * 3 + ["phased"] * 3
    assert table.attrs["outcomes"] == list(MAIN_OUTCOMES)
    for name in MAIN_OUTCOMES:
        assert {f"{name}.mean", f"{name}.reached", f"{name}.diff_low", f"{name}.g"} <= set(
            table.columns
        )


def test_failed_runs_are_counted_and_left_out(table):
    runs = make_runs()
    assert list(table["runs"]) == [6, 4, 6, 6, 6, 6]
    assert list(table["failed"]) == [0, 2, 0, 0, 0, 0]
    ok = runs[(runs["point"] == 1) & (runs["status"] == "ok")]
    assert table.loc[1, "final_adoption.mean"] == pytest.approx(ok["final_adoption"].mean())


def test_not_reached_is_counted_and_means_use_reached_runs(table):
    runs = make_runs()
    # replicates 0 and 3 never reach 80 %; in point 1 replicate 0 also failed
    assert list(table["weeks_to_80.reached"]) == [4, 3, 4, 4, 4, 4]
    reached = runs.loc[runs["point"] == 0, "weeks_to_80"].dropna()
    assert table.loc[0, "weeks_to_80.mean"] == pytest.approx(reached.mean())
    assert (table["final_adoption.reached"] == table["runs"]).all()


def test_reference_row_and_differences(table):
    assert list(table["reference"]) == [True] + [False] * 5
    ref = table.loc[0]
    assert ref["final_adoption.diff"] == 0.0 and ref["final_adoption.g"] == 0.0
    assert math.isnan(ref["final_adoption.diff_low"])
    runs = make_runs()
    x = runs.loc[runs["point"] == 3, "final_adoption"]
    y = runs.loc[runs["point"] == 0, "final_adoption"]
    assert_allclose(
        table.loc[
            3, ["final_adoption.diff", "final_adoption.diff_low", "final_adoption.diff_high"]
        ].to_numpy(dtype=float),
        diff_ci(x, y),
    )
    assert table.loc[3, "final_adoption.g"] == pytest.approx(hedges_g(x, y))
    assert table.loc[3, "final_adoption.diff_low"] > 0  # phased adopts clearly more


def test_reference_given_with_other_point_and_numeric_factor():
    runs = make_runs()
    runs["population.size"] = np.where(runs["point"] % 2 == 0, 1000.0, 2000.0)
    ref = {**REFERENCE, "involvement.level": "token", "population.size": 2000}  # int vs float
    table = compare_runs(runs, [*FACTORS, "population.size"], ref, ["total_cost"])
    assert table.attrs["reference_point"] == 1
    assert table.loc[1, "total_cost.diff"] == 0.0


def test_unknown_outcome_suggests_nearest_name():
    with pytest.raises(
        InputError, match=r"unknown outcome 'weeks_to80' \(did you mean 'weeks_to_80'\?\)"
    ):
        compare_runs(make_runs(), FACTORS, REFERENCE, ["final_adoption", "weeks_to80"])


def test_reference_matching_no_condition_is_an_input_error():
    with pytest.raises(InputError, match="matches no condition"):
        compare_runs(make_runs(), FACTORS, {**REFERENCE, "involvement.level": "medium"})
    with pytest.raises(InputError, match="no value for factor"):
        compare_runs(make_runs(), FACTORS, {"rollout.strategy": "big_bang"})


def test_long_table_is_tidy(table):
    tidy = long_table(table)
    assert len(tidy) == 6 * len(MAIN_OUTCOMES)
    assert {"outcome", "mean", "low", "high", "reached", "diff", "g", "level"} <= set(tidy.columns)
    assert set(tidy["outcome"]) == set(MAIN_OUTCOMES)


# --- formats ------------------------------------------------------------------------


def test_rounding_by_magnitude():
    assert decimals_for([0.62, 0.71]) == 3
    assert decimals_for([35.2, 12.0]) == 1
    assert decimals_for([850.0]) == 0
    assert decimals_for([np.nan]) == 2
    assert number(-0.0001, 3) == "0.000" and number(0.12, 2, sign=True) == "+0.12"
    assert number(np.nan, 2) == "n/a"


def test_markdown_has_one_table_per_outcome_with_a_row_per_condition(table):
    md = format_table(table, "md")
    assert md.startswith("# Comparison of conditions")
    headings = re.findall(r"^## (\w+):", md, flags=re.M)
    assert headings == list(MAIN_OUTCOMES)
    block = md.split("## final_adoption:")[1].split("\n## ")[0]
    rows = [ln for ln in block.splitlines() if ln.startswith("|")]
    assert len(rows) == 2 + 6  # header, rule, one per condition
    assert re.search(r"\| big_bang\s+\| low\s+\| 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \|\s+ref \|", md)
    assert re.search(r"\| \+0\.\d{3} \[\+0\.\d{3}, \+0\.\d{3}\] \| \+\d\.\d\d \|", block)
    assert "reached" not in block.splitlines()[2]  # every run reaches final adoption
    assert max(map(len, md.splitlines())) <= 120  # fits a terminal


def test_markdown_shows_reached_counts_where_outcomes_can_be_missing(table):
    md = format_table(table, "md")
    block = md.split("## weeks_to_80:")[1].split("\n## ")[0]
    assert "reached" in block
    assert re.search(r"\| +3/4 \|", block) and re.search(r"\| +4/6 \|", block)


def test_markdown_table_rows_align(table):
    md = format_table(table, "md")
    block = md.split("## total_cost:")[1].split("\n## ")[0]
    rows = [ln for ln in block.splitlines() if ln.startswith("|")]
    assert len({len(ln) for ln in rows}) == 1


def test_csv_is_tidy_and_full_precision(table):
    text = format_table(table, "csv")
    back = pd.read_csv(pd.io.common.StringIO(text))
    assert len(back) == 6 * len(MAIN_OUTCOMES)
    got = back.query("outcome == 'final_adoption' and point == 2")["mean"].item()
    assert got == table.loc[2, "final_adoption.mean"]  # exact round trip


def test_latex_escaping():
    assert latex_escape("big_bang & 80 % | $x#{y}") == (r"big\_bang \& 80 \% \textbar{} \$x\#\{y\}")
    assert latex_escape(r"a\b~c^") == r"a\textbackslash{}b\textasciitilde{}c\textasciicircum{}"


def test_latex_tabular_structure(table):
    tex = format_table(table, "latex")
    assert "\\begin{tabular}{llrrrrr}" in tex and tex.rstrip().endswith("\\end{tabular}")
    assert tex.count("\\toprule") == 1 and tex.count("\\bottomrule") == 1
    assert "weeks\\_to\\_80" in tex and "big\\_bang" in tex
    body = [ln for ln in tex.splitlines() if ln.startswith(("big", "phased"))]
    assert len(body) == 6 * len(MAIN_OUTCOMES)
    assert all(ln.count(" & ") == 6 and ln.endswith("\\\\") for ln in body)
    assert "_" not in tex.replace("\\_", "")  # no unescaped underscores
    assert re.search(r"(?<!\\)%", tex.split("\n", 1)[1]) is None  # only the comment line


UNESCAPE = {v: k for k, v in _LATEX_SPECIAL.items()}
TOKEN = re.compile(r"\\text\w+\{\}|\\[&%$#_{}]|\$-\$|.", re.S)


def _unescape(cell: str) -> str:
    """The text a LaTeX cell typesets (the inverse of latex_escape, and $-$ is a minus)."""
    return "".join(UNESCAPE.get(t, "-" if t == "$-$" else t) for t in TOKEN.findall(cell))


def _unescaped(text: str, char: str) -> int:
    """How many times ``char`` occurs not preceded by a backslash."""
    return len(re.findall(rf"(?<!\\){re.escape(char)}", text))


def test_latex_is_well_formed_and_typesets_hostile_labels_verbatim():
    """What pdflatex would reject, checked without TeX (a TeX installation is too big for
    the test set-up): balanced braces, paired math, no stray comment or alignment
    characters, every row as wide as the column specification, and labels full of LaTeX's
    special characters typeset exactly as written."""
    hostile = "50% & #2_{x}^~|<> \\ $y$"
    runs = make_runs()
    runs["rollout.strategy"] = runs["rollout.strategy"].replace("phased", hostile)
    table = compare_runs(runs, FACTORS, REFERENCE, ["weeks_to_80", "total_cost"])
    tex = format_table(table, "latex")
    lines = tex.splitlines()
    spec = re.search(r"\\begin\{tabular\}\{(\w+)\}", tex).group(1)
    header, *body = lines[lines.index("\\toprule") + 1 : lines.index("\\bottomrule")]
    assert len(re.split(r"(?<!\\)&", header)) == len(spec)
    assert _unescaped(tex, "{") == _unescaped(tex, "}")
    assert _unescaped(tex, "$") % 2 == 0
    assert _unescaped("\n".join(lines[1:]), "%") == 0  # only the first line is a comment
    rows, labels = 0, set()
    for line in body:
        if line == "\\midrule":
            continue
        assert line.endswith(" \\\\"), line
        if line.startswith("\\multicolumn"):
            assert line.startswith(f"\\multicolumn{{{len(spec)}}}") and _unescaped(line, "&") == 0
            continue
        cells = re.split(r"(?<!\\)&", line.removesuffix(" \\\\"))
        assert len(cells) == len(spec), line
        rows += 1
        labels.add(_unescape(cells[0].strip()))
    assert rows == 2 * len(table)
    assert labels == {"big_bang", hostile}  # typeset exactly as written


def test_unknown_format_is_an_input_error(table):
    with pytest.raises(InputError, match="did you mean 'latex'"):
        format_table(table, "latx")


# --- files --------------------------------------------------------------------------


def test_write_comparison_writes_both_files(results_dir):
    text = write_comparison(results_dir)
    assert (results_dir / "comparison.md").read_text(encoding="utf-8") == text
    tidy = pd.read_csv(results_dir / "comparison.csv")
    assert len(tidy) == 6 * len(MAIN_OUTCOMES)
    assert not list(results_dir.glob(".*.tmp"))  # no temporary files left behind


def test_read_runs_keeps_not_reached_as_nan(results_dir):
    runs = read_runs(results_dir / "runs.csv")
    assert runs["weeks_to_80"].isna().sum() == 12 + 1  # 12 not reached, 1 more failed
    assert runs["condition"].iloc[0] == "big_bang | low"


def test_missing_manifest_or_runs_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such results folder"):
        compare_folder(tmp_path / "nope")
    with pytest.raises(InputError, match=r"runs\.csv: not found"):
        compare_folder(tmp_path)
    make_runs().to_csv(tmp_path / "runs.csv", index=False)
    with pytest.raises(InputError, match=r"manifest\.json: not found"):
        compare_folder(tmp_path)


# --- command line -------------------------------------------------------------------


def test_cli_prints_markdown(results_dir):
    result = CliRunner().invoke(cli, ["compare", str(results_dir)])
    assert result.exit_code == 0, result.output
    assert "## final_adoption:" in result.output
    assert result.output == format_table(compare_folder(results_dir), "md")


def test_cli_outcomes_comma_separated_or_repeated(results_dir):
    args = ["compare", str(results_dir), "--format", "csv"]
    one = CliRunner().invoke(cli, [*args, "--outcomes", "total_cost,weeks_to_50"])
    two = CliRunner().invoke(cli, [*args, "--outcomes", "total_cost", "--outcomes", "weeks_to_50"])
    assert one.exit_code == 0 and one.output == two.output
    tidy = pd.read_csv(pd.io.common.StringIO(one.output))
    assert list(dict.fromkeys(tidy["outcome"])) == ["total_cost", "weeks_to_50"]


def test_cli_level_and_latex(results_dir):
    result = CliRunner().invoke(
        cli, ["compare", str(results_dir), "--format", "latex", "--level", "0.9"]
    )
    assert result.exit_code == 0
    assert "90 \\% CI" in result.output and "\\begin{tabular}" in result.output


def test_cli_missing_folder_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["compare", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("error: no such results folder")
    assert "Traceback" not in result.output


def test_cli_unknown_outcome_is_a_one_line_error(results_dir):
    result = CliRunner().invoke(
        cli, ["compare", str(results_dir), "--outcomes", "peak_frustraton_live"]
    )
    assert result.exit_code == 2
    assert "did you mean 'peak_frustration_live'" in result.output


def test_wide_format_is_one_row_per_condition_with_the_reference_in_bold(table):
    text = format_table(table, "wide")
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    assert len(rows) == 2 + 6
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header == [*FACTORS, "runs", *MAIN_OUTCOMES]
    bold = [r for r in rows[2:] if "**" in r]
    assert len(bold) == 1 and "**big_bang**" in bold[0] and "**low**" in bold[0]
    # outcomes some runs did not reach show their reached counts
    assert re.search(r"\(3/4\)", text)
