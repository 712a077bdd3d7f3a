"""Tests of the figures: the data behind each one, then smoke tests and the CLI.

The results folders are fabricated here (synthetic but plausible: S-shaped adoption after
each go-live, a frustration hump at go-live), so no model is run.
"""

from __future__ import annotations

import dataclasses
import json

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from scipy import stats  # noqa: E402

from sim.analysis import plots  # noqa: E402
from sim.analysis.folders import load_results, run_results  # noqa: E402
from sim.cli import cli  # noqa: E402
from sim.defaults import FIGURE_FORMATS  # noqa: E402
from sim.errors import InputError  # noqa: E402
from sim.outcomes import MAIN_OUTCOMES, OUTCOMES, ROLE_COLUMNS, STEP_COLUMNS  # noqa: E402

# --- fabricated results -----------------------------------------------------------------

ROLES = {
    "teacher": {"label": "Teachers", "mandatory": True, "share": 0.3, "ceiling": 0.95},
    "guardian": {"label": "Guardians", "mandatory": False, "share": 0.5, "ceiling": 0.6},
    "pupil": {"label": "Pupils", "mandatory": True, "share": 0.2, "ceiling": 0.9},
}
CONDITIONS = [("big_bang", "low"), ("big_bang", "high"), ("phased", "low"), ("phased", "high")]
# The conditions as the figures name them (factor levels in words, not identifiers).
NAMES = [
    "Big bang, low involvement",
    "Big bang, high involvement",
    "Phased, low involvement",
    "Phased, high involvement",
]
GOLIVES = {"big_bang": [10], "phased": [10, 20, 30]}
STEPS = 52
# Per-replicate shift of the phased go-lives: the median shift over replicates is 0.
SHIFTS = (0, -1, 1, 0, 0)


def _run_series(
    strategy: str, involvement: str, replicate: int, rng, roles=tuple(ROLES)
) -> pd.DataFrame:
    t = np.arange(STEPS + 1, dtype=float)
    golives = [
        w + (SHIFTS[replicate] if strategy == "phased" and w > 10 else 0) for w in GOLIVES[strategy]
    ]
    share = 1 / len(golives)
    waves = sum((t > g).astype(float) for g in golives)  # live during week g: from step g + 1
    live = sum(share * (t >= g) for g in golives)
    pain = 0.5 if involvement == "low" else 0.25
    hump = sum(pain * share * (t >= g) * np.exp(-np.clip(t - g, 0, None) / 6) for g in golives)
    adoption = sum(share / (1 + np.exp(-(t - g - 6) / 2.5)) for g in golives)
    noise = rng.normal(0, 0.01, (4, t.size))
    cols = {
        "step": t.astype(int),
        "live_share": live,
        "adoption_rate": np.clip(adoption + noise[0], 0, 1),
        "workaround_rate": np.clip(0.4 * hump + noise[1], 0, 1),
        "mean_frustration": np.clip(hump + 0.05 + noise[2], 0, 1),
        "frustration_live": np.clip(1.5 * hump + 0.05 + noise[2], 0, 1),
        "workaround_live": np.clip(0.6 * hump + noise[1], 0, 1),
        "dissatisfied_share": np.clip(0.8 * hump + noise[2], 0, 1),
        "p90_frustration": np.clip(1.6 * hump + 0.1 + noise[3], 0, 1),
        "productivity_loss": 0.3 * hump,
        "waves_live": waves,
        "cumulative_cost": 2.0 * t,
    }
    for name in STEP_COLUMNS:
        cols.setdefault(name, np.zeros(t.size))
    for role in roles:
        spec = ROLES[role]
        cols[f"adoption_rate.{role}"] = spec["ceiling"] * cols["adoption_rate"]
        cols[f"mean_frustration.{role}"] = cols["mean_frustration"] * (1.2 - spec["ceiling"])
        cols[f"workaround_rate.{role}"] = cols["workaround_rate"] * (1 - spec["ceiling"] / 2)
        cols[f"dissatisfied_share.{role}"] = cols["dissatisfied_share"] * (1.1 - spec["ceiling"])
        for name in ROLE_COLUMNS:
            cols.setdefault(f"{name}.{role}", np.zeros(t.size))
    return pd.DataFrame(cols)


def _outcomes(ts: pd.DataFrame) -> dict:
    a = ts["adoption_rate"].to_numpy()
    hits = np.flatnonzero(a[10:] >= 0.8)
    out = {name: 0.0 for name in OUTCOMES}
    out.update(
        final_adoption=a[-1],
        weeks_to_80=float(hits[0]) if hits.size else np.nan,
        peak_frustration_live=ts["frustration_live"].max(),
        mean_frustration_live=ts["frustration_live"].iloc[11:].mean(),
        peak_workaround_live=ts["workaround_live"].max(),
        final_dissatisfied=ts["dissatisfied_share"].iloc[-4:].mean(),
        net_benefit=-ts["cumulative_cost"].iloc[-1] / 2,
        hours_lost_per_user=400 * ts["productivity_loss"].sum(),
        total_cost=ts["cumulative_cost"].iloc[-1],
    )
    return out


def make_sweep(
    folder,
    replicates: int = 3,
    failed=((2, 0),),
    seed: int = 7,
    n_conditions: int = 4,
    roles=tuple(ROLES),
):
    """Write a sweep folder (``n_conditions`` of CONDITIONS, ``roles`` of ROLES):
    manifest.json, runs.csv, timeseries.parquet.

    ``failed`` lists (point, replicate) pairs marked failed; their time series are still
    written (partly), to check that loading drops them.
    """
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    conditions, runs, series = [], [], []
    for point, (strategy, involvement) in enumerate(CONDITIONS[:n_conditions]):
        label = f"{strategy} | {involvement}"
        values = {"rollout.strategy": strategy, "involvement.level": involvement}
        conditions.append({"point": point, "label": label, "values": values})
        for rep in range(replicates):
            ts = _run_series(strategy, involvement, rep, rng, roles)
            row = {
                "point": point,
                "condition": label,
                **values,
                "replicate": rep,
                "seed": 1000 * point + rep,
                "status": "ok",
                "error": "",
            }
            if (point, rep) in failed:
                row.update(status="failed", error="RuntimeError: boom")
                row.update(dict.fromkeys(OUTCOMES, np.nan))
                ts = ts.iloc[:20]
            else:
                row.update(_outcomes(ts))
            runs.append(row)
            series.append(ts.assign(point=point, replicate=rep))
    roles = {
        k: {
            "label": ROLES[k]["label"],
            "mandatory": ROLES[k]["mandatory"],
            "share": ROLES[k]["share"],
        }
        for k in roles
    }
    manifest = {
        "factors": {
            "rollout.strategy": ["big_bang", "phased"],
            "involvement.level": ["low", "high"],
        },
        "reference": {"rollout.strategy": "big_bang", "involvement.level": "low"},
        "conditions": conditions,
        "steps": STEPS,
        "replicates": replicates,
        "scenario": {"meta": {"name": "school"}, "population": {"roles": roles}},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    pd.DataFrame(runs).to_csv(folder / "runs.csv", index=False)
    ts = pd.concat(series, ignore_index=True)
    ts = ts[
        ["point", "replicate", "step", *[c for c in ts if c not in ("point", "replicate", "step")]]
    ]
    ts.to_parquet(folder / "timeseries.parquet", index=False)
    return folder


def make_run(folder, seed: int = 3, roles=("teacher", "guardian")):
    """Write a single-run folder: timeseries.csv and summary.json."""
    folder.mkdir(parents=True, exist_ok=True)
    ts = _run_series("phased", "high", 0, np.random.default_rng(seed), roles)
    ts.to_csv(folder / "timeseries.csv", index=False)
    roles = {k: {"label": ROLES[k]["label"], "mandatory": ROLES[k]["mandatory"]} for k in roles}
    summary = {
        "outcomes": _outcomes(ts),
        "seed": seed,
        "steps": STEPS,
        "scenario": {"meta": {"name": "school"}, "population": {"roles": roles}},
    }
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    return make_sweep(tmp_path_factory.mktemp("sweep"))


@pytest.fixture(scope="module")
def sweep(sweep_dir):
    return load_results(sweep_dir)


@pytest.fixture(scope="module")
def figs(sweep):
    """Every sweep figure, drawn once for the module (the tests only read them)."""
    return plots.figures(sweep)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    return load_results(make_run(tmp_path_factory.mktemp("run")))


def legend_labels(fig: Figure) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    assert len(legends) == 1
    return [t.get_text() for t in legends[0].get_texts()]


def condition_lines(ax, label: str):
    return [line for line in ax.get_lines() if line.get_label() == label]


# --- loading ----------------------------------------------------------------------------


def test_load_sweep_drops_failed_runs_and_labels_roles(sweep):
    assert sweep.kind == "sweep"
    assert sweep.conditions == {i: f"{s} | {v}" for i, (s, v) in enumerate(CONDITIONS)}
    pairs = set(zip(sweep.timeseries["point"], sweep.timeseries["replicate"], strict=True))
    assert (2, 0) not in pairs and len(pairs) == 4 * 3 - 1
    assert [r.name for r in sweep.roles] == ["teacher", "pupil", "guardian"]
    assert [r.title for r in sweep.roles] == [
        "Teachers (mandatory)",
        "Pupils (mandatory)",
        "Guardians (voluntary)",
    ]


def test_roles_fall_back_to_the_key_without_a_scenario():
    ts = pd.DataFrame({"step": [0, 1], "adoption_rate.nurse": [0.0, 0.1]})
    (role,) = run_results(ts).roles
    assert (role.name, role.label, role.mandatory, role.title) == ("nurse", "nurse", None, "nurse")


def test_missing_folder_and_missing_file_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no results folder"):
        load_results(tmp_path / "nope")
    make_sweep(tmp_path / "s", replicates=2)
    (tmp_path / "s" / "runs.csv").unlink()
    with pytest.raises(InputError, match="missing runs.csv"):
        load_results(tmp_path / "s")


# --- data behind the figures ------------------------------------------------------------


def test_band_matches_a_hand_computed_t_interval_cut_at_the_bounds(sweep):
    b = plots.band(sweep.timeseries, "mean_frustration")
    ts = sweep.timeseries
    cut = 0
    for point, step in [(0, 12), (2, 21), (3, 40), (3, 0)]:
        x = ts.loc[(ts["point"] == point) & (ts["step"] == step), "mean_frustration"].to_numpy()
        half = stats.t.ppf(0.975, x.size - 1) * np.std(x, ddof=1) / np.sqrt(x.size)
        row = b[(b["point"] == point) & (b["step"] == step)].iloc[0]
        assert row["n"] == x.size
        # mean frustration is a 0-1 scale: the interval is cut at 0 and 1
        expected = np.clip([x.mean() - half, x.mean() + half], 0, 1)
        cut += x.mean() - half < 0
        assert_allclose([row["mean"], row["lo"], row["hi"]], [x.mean(), *expected], rtol=1e-12)
    assert cut >= 1  # the oracle covered a cut interval
    assert (b["lo"].dropna() >= 0).all() and (b["hi"].dropna() <= 1).all()
    # The failed run (point 2, replicate 0) is not in the band.
    assert set(b.loc[b["point"] == 2, "n"]) == {2}


def test_band_oracle_on_two_values_and_single_replicate():
    ts = pd.DataFrame(
        {"point": [0, 0, 1], "replicate": [0, 1, 0], "step": [0, 0, 0], "x": [1.0, 3.0, 5.0]}
    )
    b = plots.band(ts, "x", level=0.95).set_index("point")
    # mean 2, sd sqrt(2), n 2: half-width t(0.975, 1) * sqrt(2) / sqrt(2) = 12.7062...
    assert_allclose([b.loc[0, "lo"], b.loc[0, "hi"]], [2 - 12.706204736, 2 + 12.706204736])
    assert b.loc[1, "mean"] == 5.0 and np.isnan(b.loc[1, "lo"]) and np.isnan(b.loc[1, "hi"])
    with pytest.raises(InputError, match="no column 'y'"):
        plots.band(ts, "y")


def test_golive_weeks_are_the_median_over_replicates(tmp_path):
    results = load_results(make_sweep(tmp_path / "s", replicates=5, failed=()))
    g = plots.golive_weeks(results.timeseries)
    assert g.loc[g["point"] == 0, ["wave", "week", "reached"]].values.tolist() == [[1, 10, 1.0]]
    assert g.loc[g["point"] == 2, "week"].tolist() == [10, 20, 30]


def test_golive_marks_agree_with_the_models_golive_weeks():
    """The model counts weeks from 0 and records a wave that goes live during week w as
    ``first_golive_week = w``; the time series shows it live from step w + 1 (the state
    after week w). The marks must say w, as the outcome and the scenario do."""
    from sim.scenario import load_scenario
    from sim.simulation import simulate

    scenario = load_scenario(
        None,
        {
            "population.size": 80,
            "population.units": 4,
            "rollout.first_golive_week": 6,
            "rollout.wave_interval_weeks": 3,
            "governance.schedule_pressure": 1.0,
        },
    )
    result = simulate(scenario, seed=3, steps=20)
    marks = plots.golive_weeks(result.timeseries.assign(point=0, replicate=0))
    assert marks["week"].tolist()[0] == result.summary["first_golive_week"] == 6
    assert marks["week"].tolist()[-1] == result.summary["last_golive_week"]
    assert len(marks) == 4


def test_golive_weeks_report_a_wave_reached_by_few_replicates():
    waves = [[0, 0, 1, 1], [0, 0, 1, 2], [0, 0, 1, 1]]
    ts = pd.DataFrame(
        {
            "point": 0,
            "replicate": np.repeat([0, 1, 2], 4),
            "step": np.tile(np.arange(4), 3),
            "waves_live": np.ravel(waves),
        }
    )
    g = plots.golive_weeks(ts)
    assert g[["wave", "week"]].values.tolist() == [[1, 1], [2, 2]]
    assert_allclose(g["reached"], [1.0, 1 / 3])


def test_outcome_data_excludes_failed_runs_and_counts_not_reached(sweep):
    values = plots.outcome_values(sweep.runs, "final_adoption")
    assert len(values) == 11 and not values["value"].isna().any()
    assert values.loc[values["point"] == 2, "replicate"].tolist() == [1, 2]
    table = plots.outcome_summary(sweep.runs, "final_adoption").set_index("point")
    x = values.loc[values["point"] == 2, "value"].to_numpy()
    half = stats.t.ppf(0.975, 1) * np.std(x, ddof=1) / np.sqrt(2)
    assert_allclose(
        table.loc[2, ["mean", "lo", "hi"]].astype(float),
        [x.mean(), max(x.mean() - half, 0), min(x.mean() + half, 1)],  # a share: cut at 0, 1
    )
    assert (table["runs"].tolist(), table["n"].tolist()) == ([3, 3, 2, 3], [3, 3, 2, 3])


def test_unknown_outcome_suggests_the_nearest(sweep):
    with pytest.raises(InputError, match="did you mean 'final_adoption'"):
        plots.outcomes_figure(sweep, ["final_adopton"])
    with pytest.raises(InputError, match="--outcomes: outcome 'final_adoption' is not a column"):
        runs = sweep.runs.drop(columns="final_adoption")
        plots.outcomes_figure(dataclasses.replace(sweep, runs=runs), ["final_adoption"])


# --- figures ----------------------------------------------------------------------------


def test_timeseries_figure_shows_band_means_and_golives(sweep, figs):
    fig = figs["timeseries"]
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == len(plots.TIMESERIES_PANELS) == 6
    assert all(ax.get_xlabel() == "Week" and ax.get_ylabel() for ax in panels)
    assert legend_labels(fig) == [*NAMES, plots.GOLIVE_LABEL]
    adoption = plots.band(sweep.timeseries, "adoption_rate")
    (line,) = condition_lines(panels[0], "Phased, low involvement")
    assert_allclose(line.get_ydata(), adoption.loc[adoption["point"] == 2, "mean"])
    golive_x = {
        x
        for line in panels[0].get_lines()
        if line.get_label() == "_golive"
        for x in line.get_xdata()
    }
    assert golive_x == {10, 20, 30}
    assert "Weekly indicators" in fig.get_suptitle()


def test_roles_figure_plots_each_roles_own_columns(sweep, figs):
    fig = figs["roles"]
    grid = np.asarray(fig.axes).reshape(len(plots.ROLE_PANELS), 3)
    assert [ax.get_title() for ax in grid[0]] == [r.title for r in sweep.roles]
    assert all(ax.get_ylabel() for ax in grid[:, 0]) and all(ax.get_xlabel() for ax in grid[-1])
    for r, column in enumerate(plots.ROLE_PANELS):
        for c, role in enumerate(sweep.roles):
            expected = plots.band(sweep.timeseries, f"{column}.{role.name}")
            (line,) = condition_lines(grid[r, c], "Big bang, high involvement")
            assert_allclose(line.get_ydata(), expected.loc[expected["point"] == 1, "mean"])
    assert legend_labels(fig) == [*NAMES, plots.GOLIVE_LABEL]
    assert to_hex(grid[0, 2].get_facecolor()) != to_hex(grid[0, 0].get_facecolor())


def test_outcomes_figure_annotates_mean_and_ci(sweep, figs):
    fig = figs["outcomes"]
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == len(MAIN_OUTCOMES)
    assert all(ax.get_xlabel() for ax in panels)
    assert legend_labels(fig) == NAMES
    assert [t.get_text() for t in panels[0].get_yticklabels()] == NAMES
    table = plots.outcome_summary(sweep.runs, MAIN_OUTCOMES[0]).set_index("point")
    texts = [t.get_text() for t in panels[0].texts]
    row = table.loc[0]
    assert texts[0] == f"{row['mean']:.2f} [{row['lo']:.2f}, {row['hi']:.2f}]"
    jitter = [c.get_offsets()[:, 0] for c in panels[0].collections if isinstance(c, PathCollection)]
    assert sorted(np.concatenate(jitter)) == pytest.approx(
        sorted(plots.outcome_values(sweep.runs, MAIN_OUTCOMES[0])["value"])
    )


def test_outcome_jitter_is_seeded(sweep):
    def offsets(seed):
        fig = plots.outcomes_figure(sweep, outcomes=["total_cost"], seed=seed)
        return np.concatenate([c.get_offsets()[:, 1] for c in fig.axes[0].collections])

    assert_allclose(offsets(1), offsets(1))
    assert not np.allclose(offsets(1), offsets(2))


def test_main_figure_has_two_labelled_panels_a_title_and_a_golive_legend(sweep, figs):
    fig = figs["main"]
    assert [ax.get_title() for ax in fig.axes] == ["Adoption", "Frustration of live users"]
    assert all(ax.get_xlabel() == "Week" and ax.get_ylabel() for ax in fig.axes)
    assert legend_labels(fig) == [*NAMES, plots.GOLIVE_LABEL]
    assert "Adoption and mean frustration: mean of 3 runs per condition" in fig.get_suptitle()


def test_figures_draw_on_given_axes(sweep):
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert plots.main_figure(sweep, axes=axes) is fig
    assert axes[0].get_legend() is not None and len(axes[0].get_lines()) > 4


def test_each_condition_has_one_style_in_every_figure(sweep, figs):
    figures = [figs["timeseries"], figs["roles"], figs["main"]]
    for point, label in enumerate(NAMES):
        style = plots.condition_style(point)
        for fig in figures:
            lines = [line for ax in fig.axes for line in condition_lines(ax, label)]
            assert lines
            for line in lines:
                assert to_hex(line.get_color()) == to_hex(style.color)
                assert line.get_marker() == style.marker
    boxes = plots.outcomes_figure(sweep, ["total_cost"]).axes[0].patches
    assert [b.get_hatch() or "" for b in boxes] == [
        plots.condition_style(p).hatch for p in sweep.conditions
    ]
    styles = {(s.color, str(s.linestyle), s.marker) for s in map(plots.condition_style, range(8))}
    assert len(styles) == 8


def test_single_run_figures_have_one_line_and_no_band(single):
    fig = plots.timeseries_figure(single)
    panel = fig.axes[0]
    assert [line.get_label() for line in panel.get_lines() if line.get_label()[0] != "_"] == [
        "school"
    ]
    assert not [c for c in panel.collections if c.get_label() == "_band"]
    with pytest.raises(InputError, match="need a sweep"):
        plots.outcomes_figure(single)


@pytest.mark.parametrize("fmt", FIGURE_FORMATS)
def test_save_figure_writes_each_format(figs, tmp_path, fmt):
    path = plots.save_figure(figs["main"], tmp_path / f"main.{fmt}", fmt)
    head = path.read_bytes()[:8]
    assert {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[fmt] in head
    assert [p.name for p in tmp_path.iterdir()] == [f"main.{fmt}"]  # no temporary left


def test_plot_run_from_a_dataframe(tmp_path):
    ts = _run_series("big_bang", "low", 0, np.random.default_rng(0))
    ts = ts.drop(columns=[c for c in ts if c.endswith((".guardian", ".pupil"))])
    roles = {"teacher": {"label": "Teachers", "mandatory": True}}
    paths = plots.plot_run(ts, tmp_path / "fig", "svg", scenario={"population": {"roles": roles}})
    assert [p.name for p in paths] == ["timeseries.svg", "roles.svg", "main.svg"]
    assert "Teachers (mandatory)" in (tmp_path / "fig" / "roles.svg").read_text()


# --- command line -----------------------------------------------------------------------


def test_cli_writes_sweep_figures_and_prints_paths(tmp_path):
    small = make_sweep(
        tmp_path / "small", replicates=2, failed=(), n_conditions=2, roles=("teacher", "guardian")
    )
    out = tmp_path / "figs"
    result = CliRunner().invoke(
        cli, ["plot", str(small), "--out", str(out), "--outcomes", "total_cost", "--format", "svg"]
    )
    assert result.exit_code == 0, result.output
    names = ["timeseries.svg", "roles.svg", "outcomes.svg", "main.svg"]
    assert result.output.splitlines() == [str(out / n) for n in names]
    outcomes_svg = (out / "outcomes.svg").read_text()
    assert OUTCOMES["total_cost"][0] in outcomes_svg
    assert OUTCOMES["final_adoption"][0] not in outcomes_svg


def test_cli_on_a_run_folder_defaults_to_figures_subfolder(tmp_path):
    run_dir = make_run(tmp_path / "run")
    result = CliRunner().invoke(cli, ["plot", str(run_dir), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (run_dir / "figures").iterdir()) == [
        "main.pdf",
        "roles.pdf",
        "timeseries.pdf",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "no results folder"),
        (["SWEEP", "--outcomes", "peak_frustraton_live"], "did you mean 'peak_frustration_live'"),
    ],
)
def test_cli_input_errors_are_one_line_and_exit_2(sweep_dir, tmp_path, args, message):
    args = [
        str(sweep_dir) if a == "SWEEP" else str(tmp_path / a) if a == "nowhere" else a for a in args
    ]
    result = CliRunner().invoke(cli, ["plot", *args])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and message in result.output
