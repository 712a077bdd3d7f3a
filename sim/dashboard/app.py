"""The dashboard's page: Mesa's SolaraViz running a :class:`Classroom`, with custom views.

Mesa's SolaraViz gives the play, pause, step and reset buttons, the speed settings and the
controls (from :func:`sim.dashboard.controls.model_params`); the views are custom Solara
components, since the model keeps its users in NumPy arrays rather than on a Mesa grid:
the week in plain words, the units as tiles, the board's decisions, and ECharts line
charts (drawn by the browser, so a redraw costs the server little).

Moving a control takes effect at the next Reset, as in every SolaraViz app.

``sim dashboard`` serves this module (:mod:`sim.dashboard.server`); it calls
:func:`configure` first with the scenario from the command line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reacton
import solara
import traitlets
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from solara.components.echarts import EchartsWidget

from sim.dashboard import charts, unitmap, words
from sim.dashboard.classroom import Classroom
from sim.dashboard.controls import model_params, start_values
from sim.scenario import Scenario
from sim.seeding import fresh_seed

TITLE = "Rollout classroom: two conditions side by side"
PLAY_INTERVAL_MS = 101
"""Pause between frames while playing (Mesa's "play interval"; its slider moves in steps of
10 from 1 ms). With :data:`RENDER_INTERVAL` it sets the pace: about 20 weeks a second,
a three-year run in under ten seconds; the slider goes faster or slower."""
RENDER_INTERVAL = 3
"""Weeks simulated per frame (Mesa's "render interval", odd numbers on its slider).
Drawing, not the model, limits the speed, so a frame shows three weeks rather than one;
``benchmarks/bench_dashboard.py`` measures both."""
CHART_HEIGHT = "330px"
CSS = """
/* Show every slider's value, not only while it is dragged, and leave room for it. */
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.v-navigation-drawer .v-input__slider { margin-top: 26px; }
"""


@dataclass
class _Start:
    base: Scenario | None = None
    seed: int | None = None


_start = _Start()


def configure(base: Scenario, seed: int | None = None) -> int:
    """Set the scenario and seed every new page starts from; returns the seed (a fresh
    one when ``seed`` is None)."""
    _start.base = base
    _start.seed = fresh_seed() if seed is None else int(seed)
    return _start.seed


def _start_scenario() -> tuple[Scenario, int]:
    if _start.base is None:
        configure(Scenario())
    return _start.base, _start.seed


# --- views ------------------------------------------------------------------------------
# Each view is a Solara component of the Classroom that reads the frame number from FRAME.
# (Mesa would subscribe every plain view function to its frame counter, and each one
# would redraw the whole page after every frame; this way the page is redrawn once.)

FRAME = solara.create_context(0)
"""The number of Mesa's current frame, provided by :func:`Page` to the views."""


def _view(name: str, draw: Callable[[Classroom], Any]):
    """A view component named ``name`` that draws the Classroom with ``draw`` whenever the
    frame number changes."""

    def view(model: Classroom):
        solara.use_context(FRAME)
        return draw(model)

    view.__name__ = view.__qualname__ = name
    # reacton's own decorator: Solara's would try to read this function's source to check
    # its hooks, and warn that it cannot
    return reacton.component(view)


def _html(make: Callable[[Classroom], str]) -> Callable[[Classroom], Any]:
    return lambda model: solara.HTML(tag="div", unsafe_innerHTML=make(model))


class _Echarts(EchartsWidget):
    """Solara's ECharts widget, given its option as JSON text.

    Solara's renderer looks for components inside every value it is given, so a chart's
    option, a nest of lists, costs it one visit per number on every redraw (most of a
    frame's time); text is a single value. The text becomes the option again only when it
    is sent to the browser.
    """

    option = traitlets.Unicode("{}").tag(sync=True, to_json=lambda text, _: json.loads(text))


def _figure(option: dict):
    return _Echarts.element(
        option=json.dumps(option),
        attributes={"style": f"height: {CHART_HEIGHT}; width: 100%", "class": "sim-chart"},
        responsive=True,
    )


ThisWeek = _view("ThisWeek", _html(words.week_html))
UnitMap = _view("UnitMap", _html(lambda m: unitmap.unit_map_html(m.conditions)))
Decisions = _view("Decisions", _html(lambda m: words.decisions_html(m.conditions)))


def _chart(chart: charts.Chart | charts.RoleChart):
    make = charts.role_chart_option if isinstance(chart, charts.RoleChart) else charts.chart_option
    return _view(
        chart.title.replace(" ", ""),
        lambda m: _figure(make(chart, m.conditions, m.horizon)),
    )


def components() -> list:
    """The views in page order: two per row, the week and the units first."""
    lines = [_chart(c) for c in charts.CHARTS]
    return [ThisWeek, UnitMap, *lines, Decisions, *[_chart(c) for c in charts.ROLE_CHARTS]]


@solara.component
def Page():
    # After each of Mesa's frames, redraw every view in one pass.
    FRAME.provide(update_counter.value)
    base, seed = _start_scenario()
    params = solara.use_memo(lambda: model_params(base, seed), [])
    model = solara.use_memo(lambda: Classroom(base, seed, **start_values(base)), [])
    views_ = solara.use_memo(components, [])
    with solara.Column() as page:
        solara.Title(TITLE)
        solara.Style(CSS)
        SolaraViz(
            model,
            components=views_,
            model_params=params,
            name=TITLE,
            play_interval=PLAY_INTERVAL_MS,
            render_interval=RENDER_INTERVAL,
        )
    return page
