"""Figures that stay readable however many conditions a sweep has: readable condition
names, small multiples, a choice of conditions, a capped size; checked by what is plotted
(lines and their data, legend entries, panel titles) and by pixel size, for every shipped
experiment run as a tiny sweep."""

from __future__ import annotations

import itertools
import re
import struct
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from helpers import EXPERIMENTS  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from sim.analysis import plots  # noqa: E402
from sim.analysis.folders import Results, load_results  # noqa: E402
from sim.analysis.layout import (  # noqa: E402
    MAX_LINES,
    MAX_PANELS,
    VALUE_NAMES,
    factor_title,
    layout,
    parse_where,
    select,
)
from sim.cli import cli  # noqa: E402
from sim.demo import shrink  # noqa: E402
from sim.errors import InputError  # noqa: E402
from sim.experiment import load_experiment, run_sweep  # noqa: E402
from sim.outcomes import MAIN_OUTCOMES  # noqa: E402

MAX_PIXELS = (plots.MAX_INCHES[0] * plots.DPI, plots.MAX_INCHES[1] * plots.DPI)

# The tiny sweeps are made once, on the worker that runs this module.
pytestmark = pytest.mark.xdist_group("figures")


def fake(factors: dict[str, list]) -> Results:
    """Results of a sweep over ``factors`` with one step per condition (for layouts)."""
    combos = list(itertools.product(*factors.values()))
    conditions = [
        {"point": i, "label": " | ".join(map(str, c)), "values": dict(zip(factors, c, strict=True))}
        for i, c in enumerate(combos)
    ]
    manifest = {"factors": factors, "conditions": conditions, "replicates": 2}
    ts = pd.DataFrame({"point": range(len(combos)), "replicate": 0, "step": 0})
    labels = {c["point"]: c["label"] for c in conditions}
    return Results(None, "sweep", manifest, None, ts, labels, None)


# --- layouts ----------------------------------------------------------------------------


def test_few_conditions_are_lines_named_by_their_levels():
    lay = layout(fake({"rollout.strategy": ["big_bang", "phased"], "involvement.level": ["low"]}))
    assert not lay.faceted and lay.legend_title == "Condition"
    assert lay.line_names == ("Big bang", "Phased")  # a factor with one level says nothing
    assert lay.fixed == "low involvement"


def test_many_conditions_become_small_multiples_by_the_first_factor():
    waves = {"rollout.waves": [1, 2, 3, 4, 6, 8], "rollout.wave_interval_weeks": [4, 8, 13, 26]}
    lay = layout(fake(waves))
    assert [title for title, _ in lay.panels] == [f"waves = {n}" for n in (1, 2, 3, 4, 6, 8)]
    assert lay.line_names == ("4", "8", "13", "26")
    assert lay.legend_title == "wave interval weeks" and lay.panels_title == "waves"
    assert all(len(points) == 4 for _, points in lay.panels)
    assert lay.names[5] == "Waves = 2, wave interval weeks = 8"


def test_lines_combine_the_last_factors_up_to_eight():
    factors = {
        "rollout.strategy": ["big_bang", "phased", "phased_gated"],
        "involvement.responsiveness": [0.05, 0.8],
        "training.effectiveness": [0.3, 0.9],
        "system.fit_ceiling": [0.55, 0.85],
    }
    lay = layout(fake(factors))
    assert [t for t, _ in lay.panels] == ["Big bang", "Phased", "Phased, gated"]
    assert len(lay.line_names) == MAX_LINES
    assert lay.line_names[1] == "Responsiveness = 0.05, effectiveness = 0.3, fit ceiling = 0.85"


def test_too_many_conditions_are_refused_with_a_way_out():
    factors = {"adoption.p": [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1]}
    big = fake({**factors, "adoption.q": [0.1, 0.2, 0.3]})
    with pytest.raises(InputError, match="30 conditions over adoption.p, adoption.q are too many"):
        layout(big)
    with pytest.raises(InputError, match="--where"):
        layout(fake({"adoption.q": list(np.arange(1, 10) / 10)}))
    chosen = select(big, parse_where(["adoption.p=0.01,0.05,0.1"]))
    lay = layout(chosen)
    assert [t for t, _ in lay.panels] == ["p = 0.01", "p = 0.05", "p = 0.1"]
    assert lay.line_names == ("0.1", "0.2", "0.3")


def test_select_by_levels_and_by_point_or_label():
    results = fake({"rollout.waves": [1, 2, 4], "rollout.strategy": ["big_bang", "phased"]})
    one = select(results, {"rollout.waves": [4]})
    assert list(one.conditions) == [4, 5]
    assert layout(one).fixed == "waves = 4"
    assert list(select(results, conditions=["0", "2 | phased"]).conditions) == [0, 3]
    both = select(results, {"rollout.strategy": ["phased"]}, ["0", "1"])
    assert list(both.conditions) == [1]


@pytest.mark.parametrize(
    ("where", "conditions", "message"),
    [
        ({"rollout.wavs": [1]}, None, "not a factor of this sweep (did you mean 'rollout.waves'?)"),
        ({"rollout.waves": [3]}, None, "no condition has 3 (levels: 1, 2)"),
        (None, ["7"], "--conditions: no condition '7'"),
        ({"rollout.waves": [1]}, ["1"], "no condition matches"),
    ],
)
def test_select_refuses_what_matches_nothing(where, conditions, message):
    results = fake({"rollout.waves": [1, 2]})
    with pytest.raises(InputError, match=re.escape(message)):
        select(results, where, conditions)


def test_parse_where_reads_levels_as_toml():
    assert parse_where(["a.b=1,2.5,x", "a.c=true"]) == {"a.b": [1, 2.5, "x"], "a.c": [True]}
    for bad in ["a.b", "=1", "a.b="]:
        with pytest.raises(InputError, match="--where"):
            parse_where([bad])


# --- every shipped experiment, as a tiny sweep ------------------------------------------

SHIPPED = sorted(EXPERIMENTS.glob("*.toml"))
TINY = {"population.size": 40, "population.units": 8, "rollout.first_golive_week": 4}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny sweep of a shipped experiment (2 replicates of 40 users, 20 weeks), made on
    first use: its loaded results."""
    made: dict[str, Results] = {}

    def get(path: Path) -> Results:
        if path.stem not in made:
            experiment = load_experiment(path)
            extra = {k: v for k, v in TINY.items() if k not in experiment.factors}
            experiment = shrink(experiment, replicates=2, steps=20, overrides=extra)
            out = tmp_path_factory.mktemp(path.stem)
            run_sweep(experiment, out, jobs=1, progress=False)
            made[path.stem] = load_results(out)
        return made[path.stem]

    return get


@pytest.fixture(scope="module")
def drawn(tiny):
    """Every figure of a shipped experiment's tiny sweep, drawn once."""
    made: dict[str, dict] = {}

    def get(path: Path) -> dict:
        if path.stem not in made:
            made[path.stem] = plots.figures(tiny(path))
        return made[path.stem]

    return get


def pixels(fig) -> tuple[float, float]:
    w, h = fig.get_size_inches() * plots.DPI
    return round(w), round(h)


def legend_texts(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    assert len(legends) == 1
    return [t.get_text().replace("\n", " ") for t in legends[0].get_texts()]


def drawn_panels(fig) -> list:
    return [ax for ax in fig.axes if ax.axison]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_figures_of_every_shipped_experiment_are_readable(path, tiny, drawn):
    results = tiny(path)
    lay = layout(results)
    experiment = load_experiment(path)
    assert len(lay.points) == len(experiment.conditions)
    shown = " ".join(
        [*lay.names.values(), *lay.line_names, *(t for t, _ in lay.panels), lay.legend_title]
    )
    for key, levels in experiment.factors.items():  # every factor named, never "1 | 4"
        if key in VALUE_NAMES:
            assert all(VALUE_NAMES[key][level] in shown for level in levels), key
        else:
            assert factor_title(key, list(experiment.factors)) in shown.lower(), key
    assert " | " not in shown

    figs = drawn(path)
    for name, fig in figs.items():
        w, h = pixels(fig)
        assert w <= MAX_PIXELS[0] and h <= MAX_PIXELS[1], (name, w, h)
        assert fig.get_suptitle(), name
        legend = legend_texts(fig)
        assert [x for x in legend if x != plots.GOLIVE_LABEL] == [
            n.replace("\n", " ") for n in lay.line_names
        ]
        assert len(lay.line_names) <= MAX_LINES and len(lay.panels) <= MAX_PANELS
        for ax in drawn_panels(fig):
            labelled = {line.get_label() for line in ax.get_lines()}
            assert len({x for x in labelled if not x.startswith("_")}) <= MAX_LINES

    # Every condition's mean adoption is drawn, in its panel, under its line's name.
    fig = figs["main"]
    ncols = len(lay.panels)
    adoption = plots.band(results.timeseries, "adoption_rate")
    for col, (title, points) in enumerate(lay.panels):
        ax = drawn_panels(fig)[col]
        assert ax.get_title().replace("\n", " ") == (title or "Adoption")
        for point in points:
            label = lay.line_names[lay.lines[point]]
            (line,) = [x for x in ax.get_lines() if x.get_label() == label]
            expected = adoption.loc[adoption["point"] == point, "mean"]
            assert_allclose(line.get_ydata(), expected)
    assert len(drawn_panels(fig)) == (2 * ncols if lay.faceted else 2)

    # The outcomes figure shows each condition's mean (as the tables do).
    outcome = MAIN_OUTCOMES[0]
    table = plots.outcome_summary(results.runs, outcome).set_index("point")
    ax = drawn_panels(figs["outcomes"])[0]
    if lay.faceted:  # a marker per condition at its mean
        marks = [line.get_ydata() for line in ax.get_lines() if line.get_label() == "_mean"]
    else:  # a white diamond per condition at its mean
        marks = [line.get_xdata() for line in ax.get_lines() if line.get_marker() == "D"]
    assert_allclose(sorted(np.concatenate(marks)), sorted(table["mean"].dropna()))


def test_saved_figures_have_the_pixel_size_they_promise(drawn, tmp_path):
    """The largest layout (waves: 6 panels x 5 rows) and the outcomes (once 9,840 pixels
    tall) saved as PNG: exactly the size the figure promises, within the cap."""
    figs = drawn(EXPERIMENTS / "waves.toml")
    for name in ("timeseries", "outcomes"):
        fig = figs[name]
        path = plots.save_figure(fig, tmp_path / f"{name}.png", "png")
        size = struct.unpack(">II", path.read_bytes()[16:24])
        assert size == pixels(fig), name
        assert size[0] <= MAX_PIXELS[0] and size[1] <= MAX_PIXELS[1], (name, size)


def test_sim_plot_where_and_conditions_choose_what_is_drawn(tiny, tmp_path):
    folder = tiny(EXPERIMENTS / "waves.toml").path
    out = tmp_path / "figs"
    args = ["plot", str(folder), "--where", "rollout.waves=4", "--out", str(out), "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "main.png",
        "outcomes.png",
        "roles.png",
        "timeseries.png",
    ]
    chosen = select(load_results(folder), parse_where(["rollout.waves=4"]))
    fig = plots.main_figure(chosen)
    assert "only waves = 4" in fig.get_suptitle()
    assert legend_texts(fig)[:4] == [f"Wave interval weeks = {n}" for n in (4, 8, 13, 26)]
    result = CliRunner().invoke(cli, ["plot", str(folder), "--conditions", "0,99"])
    assert result.exit_code == 2 and "--conditions: no condition '99'" in result.output
    result = CliRunner().invoke(cli, ["plot", str(folder), "--where", "rollout.waves=5"])
    assert result.exit_code == 2 and "no condition has 5" in result.output
