"""What the dashboard shows, as plain data: chart options, unit tiles, the week in words.

Every function here takes the :class:`~sim.dashboard.classroom.Condition` objects and
returns dictionaries or strings, so the page (:mod:`sim.dashboard.app`) only places them,
and tests check them without a browser.

Indicators are read by name from :mod:`sim.outcomes`; a chart line whose indicator the
model does not report is left out, so adding an indicator to a chart is a change to
:data:`CHARTS` or :data:`ROLE_CHARTS` alone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.dashboard.classroom import Condition, Decision
from sim.model.population import UsageState
from sim.outcomes import ROLE_COLUMNS, STEP_COLUMNS

COLOURS = {"A": "#0072B2", "B": "#E69F00"}
"""One colour per condition (Okabe-Ito, readable with colour-blindness)."""


# --- charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    indicator: str  # a name in sim.outcomes.STEP_COLUMNS
    label: str
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    axis: str
    lines: tuple[Line, ...]
    percent: bool = True  # shares, drawn as % of users


@dataclass(frozen=True)
class RoleChart:
    title: str
    axis: str
    indicator: str  # a name in sim.outcomes.ROLE_COLUMNS
    percent: bool = True


CHARTS: tuple[Chart, ...] = (
    Chart(
        "Adoption",
        "% of users",
        (Line("adoption_rate", "adopted"), Line("live_share", "in live units", dashed=True)),
    ),
    Chart(
        "Frustration",
        "mean, 0 = calm, 1 = furious",
        (Line("mean_frustration", "mean"),),
        percent=False,
    ),
    Chart("Working around the system", "% of users", (Line("workaround_rate", "working around"),)),
)
"""The week-by-week charts, both conditions in each."""

ROLE_CHARTS: tuple[RoleChart, ...] = (
    RoleChart("Adoption by role", "% of the role's users", "adoption_rate"),
    RoleChart("Frustration by role", "mean, 0-1", "mean_frustration", percent=False),
)
"""Charts with one line per role and condition."""

ROLE_DASHES = ("solid", "dashed", "dotted")
MARKS = {
    # decision kind: (line type, line width)
    "go-live": ("solid", 1.5),
    "postpone": ("dotted", 1),
    "halt": ("dashed", 2.5),
    "resume": ("dotted", 1),
}


def reported(indicator: str) -> bool:
    """Whether the model reports ``indicator`` (a step column, or a role column's base)."""
    return indicator in STEP_COLUMNS or indicator in ROLE_COLUMNS


def _points(values: Sequence[float], scale: float) -> list[float]:
    """One value per week from week 0 (flat, so the page has little to walk through)."""
    return [round(v * scale, 4) for v in values]


def _base_option(title: str, axis: str, percent: bool, horizon: int) -> dict:
    return {
        "animation": False,
        "title": {"text": title, "subtext": axis, "left": 0, "textStyle": {"fontSize": 15}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0, "width": "55%", "textStyle": {"fontSize": 11}},
        "grid": {"left": 44, "right": 14, "top": 70, "bottom": 34},
        "xAxis": {
            "type": "category",  # weeks 0..horizon, so a category's index is its week
            "data": list(range(horizon + 1)),
            "boundaryGap": False,
            "axisLabel": {"interval": 25},
            "name": "week",
            "nameLocation": "middle",
            "nameGap": 22,
        },
        "yAxis": {"type": "value", "min": 0, "max": 100 if percent else 1},
        "series": [],
    }


def decision_marks(condition: Condition, *, labels: bool = True) -> dict:
    """The board's decisions in ``condition`` as vertical lines (an ECharts markLine)."""
    colour = COLOURS[condition.name]
    data = []
    for d in condition.decisions:
        kind, width = MARKS[d.kind]
        data.append(
            {
                "xAxis": d.week,
                "name": d.text,
                "lineStyle": {"type": kind, "width": width, "color": colour},
                "label": {"show": labels, "formatter": mark_label(condition.name, d)},
            }
        )
    return {
        "symbol": "none",
        "silent": False,
        "label": {"position": "insideEndTop" if condition.name == "A" else "insideStartTop"},
        "data": data,
    }


def mark_label(name: str, d: Decision) -> str:
    """Short label of a decision on a chart: ``A1`` is condition A's first wave going live."""
    wave = "" if d.wave is None else str(d.wave + 1)
    return {
        "go-live": f"{name}{wave}",
        "postpone": f"{name}{wave} later",
        "halt": f"{name} halt",
        "resume": f"{name} resumes",
    }[d.kind]


def chart_option(chart: Chart, conditions: Sequence[Condition], horizon: int) -> dict:
    """ECharts option of one chart: each line of ``chart`` for each condition, with the
    board's decisions marked on the condition's first line."""
    option = _base_option(chart.title, chart.axis, chart.percent, horizon)
    scale = 100.0 if chart.percent else 1.0
    for condition in conditions:
        first = True
        for line in chart.lines:
            values = condition.series(line.indicator) if reported(line.indicator) else None
            if values is None:
                continue
            series = _series(f"{condition.name} {line.label}", values, scale, condition.name)
            series["lineStyle"]["type"] = "dashed" if line.dashed else "solid"
            if first:
                series["markLine"] = decision_marks(condition)
                first = False
            option["series"].append(series)
    return option


def _series(name: str, values: Sequence[float], scale: float, condition: str) -> dict:
    colour = COLOURS[condition]
    return {
        "type": "line",
        "name": name,
        "data": _points(values, scale),
        "showSymbol": False,
        "color": colour,
        "lineStyle": {"color": colour, "width": 2},
    }


def role_chart_option(chart: RoleChart, conditions: Sequence[Condition], horizon: int) -> dict:
    """ECharts option of a per-role chart: one line per role (by dash) and condition (by
    colour)."""
    option = _base_option(chart.title, chart.axis, chart.percent, horizon)
    scale = 100.0 if chart.percent else 1.0
    if not reported(chart.indicator):
        return option
    for condition in conditions:
        roles = condition.scenario.population.roles
        for i, (key, role) in enumerate(roles.items()):
            values = condition.series(f"{chart.indicator}.{key}")
            if values is None:
                continue
            series = _series(f"{condition.name} {role.label or key}", values, scale, condition.name)
            series["lineStyle"]["type"] = ROLE_DASHES[i % len(ROLE_DASHES)]
            series["lineStyle"]["width"] = 1.5
            option["series"].append(series)
    return option


# --- the unit map -------------------------------------------------------------------------

UNIT_STATES = ("waiting", "live", "struggling", "adopted")
STATE_COLOURS = {
    "waiting": "#d0d0d0",
    "live": "#56B4E9",
    "struggling": "#D55E00",
    "adopted": "#009E73",
}
STATE_MEANINGS = {
    "waiting": "not live yet",
    "live": "live, not yet adopted",
    "struggling": "live, users working around or very frustrated",
    "adopted": "at least 80 % of its users have adopted",
}
ADOPTED_SHARE = 0.8
"""A live unit counts as adopted when this share of its present users has adopted (the
level of the ``weeks_to_80`` outcome)."""
STRUGGLING_SHARE = 0.2
"""A live unit counts as struggling when this share of its users works around the system
or has left, or when its mean frustration is above the level at which users start to work
around it (``workaround.enter_threshold``)."""


@dataclass(frozen=True)
class Units:
    """Per unit: its state (an index into :data:`UNIT_STATES`) and what a tooltip says."""

    state: np.ndarray
    wave: np.ndarray
    adopted: np.ndarray
    away: np.ndarray
    frustration: np.ndarray


def unit_states(condition: Condition) -> Units:
    """Classify each unit of ``condition`` as waiting, live, struggling or adopted."""
    model = condition.model
    pop, n = model.population, condition.scenario.population.units
    state = pop.state
    present = state != UsageState.LEFT
    size = np.maximum(np.bincount(pop.unit, minlength=n), 1)
    here = np.maximum(np.bincount(pop.unit, weights=present, minlength=n), 1)
    adopted = np.bincount(pop.unit, weights=state == UsageState.ADOPTED, minlength=n) / here
    away_users = (state == UsageState.WORKAROUND) | ~present
    away = np.bincount(pop.unit, weights=away_users, minlength=n) / size
    feeling = np.bincount(pop.unit, weights=pop.frustration * present, minlength=n) / here
    wave = np.zeros(n, dtype=int)
    wave[pop.unit] = pop.wave
    live = model.wave_live_week[wave] >= 0
    struggling = (away >= STRUGGLING_SHARE) | (
        feeling > condition.scenario.workaround.enter_threshold
    )
    code = np.where(~live, 0, np.where(struggling, 2, np.where(adopted >= ADOPTED_SHARE, 3, 1)))
    return Units(code, wave, adopted, away, feeling)


MAP_HEIGHT = 120
"""Pixels for one condition's tiles, so that both fit beside the week in words."""


def tile_grid(n_units: int) -> tuple[int, int, int]:
    """(columns, tile height, gap) in pixels for ``n_units`` tiles: about 2.5 times as many
    columns as rows, tiles as tall as :data:`MAP_HEIGHT` allows (4 to 18 pixels)."""
    columns = int(min(30, max(5, np.ceil(np.sqrt(n_units * 2.5)))))
    rows = int(np.ceil(n_units / columns))
    gap = 3 if rows <= 6 else 2
    height = int(min(18, max(4, MAP_HEIGHT // rows - gap)))
    return columns, height, gap


def unit_map_html(conditions: Sequence[Condition]) -> str:
    """The units of each condition as tiles coloured by state, with a legend."""
    blocks = [_unit_block(c) for c in conditions]
    legend = "".join(
        f'<span style="display:inline-block;margin-right:12px">'
        f'<span style="display:inline-block;width:11px;height:11px;border-radius:2px;'
        f'background:{STATE_COLOURS[s]};margin-right:4px;vertical-align:-1px"></span>'
        f'<span title="{html.escape(STATE_MEANINGS[s])}">{s}</span></span>'
        for s in UNIT_STATES
    )
    return (
        '<div class="sim-unit-map" style="font-size:13px">'
        + "".join(blocks)
        + f'<div style="margin-top:6px;font-size:12px">{legend}</div></div>'
    )


def _unit_block(condition: Condition) -> str:
    units = unit_states(condition)
    columns, height, gap = tile_grid(units.state.size)
    counts = np.bincount(units.state, minlength=len(UNIT_STATES))
    tiles = []
    for i, code in enumerate(units.state.tolist()):
        name = UNIT_STATES[code]
        tip = (
            f"unit {i + 1}, wave {units.wave[i] + 1}: {name}; {units.adopted[i]:.0%} adopted, "
            f"{units.away[i]:.0%} working around or left, frustration {units.frustration[i]:.2f}"
        )
        tiles.append(
            f'<div class="sim-unit" data-state="{name}" title="{html.escape(tip)}" '
            f'style="background:{STATE_COLOURS[name]};height:{height}px;border-radius:2px">'
            "</div>"
        )
    summary = ", ".join(f"{counts[k]} {s}" for k, s in enumerate(UNIT_STATES) if counts[k])
    colour = COLOURS[condition.name]
    return (
        f'<div class="sim-units" data-condition="{condition.name}" '
        f'data-week="{condition.week}" style="margin-bottom:10px">'
        f'<div style="font-weight:600;color:{colour}">{html.escape(condition.label)}</div>'
        f'<div style="font-size:12px;margin-bottom:3px">{summary}</div>'
        f'<div style="display:grid;grid-template-columns:repeat({columns},1fr);gap:{gap}px">'
        f"{''.join(tiles)}</div></div>"
    )


# --- the week in words --------------------------------------------------------------------


def _trend(values: Sequence[float] | None, weeks: int = 4, tolerance: float = 0.02) -> str:
    if not values or len(values) <= weeks:
        return "steady"
    change = values[-1] - values[-1 - weeks]
    if change > tolerance:
        return "rising"
    if change < -tolerance:
        return "falling"
    return "steady"


def this_week(condition: Condition) -> str:
    """What is happening in ``condition`` this week, in one plain sentence."""
    model = condition.model
    m, week = model.metrics, model.week
    n_waves, live = model.wave_live_week.size, model.waves_live
    upcoming = model.next_wave()
    parts = []
    if live == 0:
        hours = condition.scenario.training.hours_per_user
        given = float(model.population.trained.mean() / hours) if hours > 0 else 1.0
        parts.append("preparing, nobody on the new system yet")
        parts.append(f"{min(given, 1.0):.0%} of the planned training given")
    else:
        parts.append("all units live" if live == n_waves else f"{live} of {n_waves} waves live")
        parts.append(f"{m['adoption_rate']:.0%} of users adopted")
        parts.append(f"{m['workaround_rate']:.0%} working around")
        trend = _trend(condition.series("mean_frustration"))
        parts.append(f"frustration {m['mean_frustration']:.2f} and {trend}")
    if model.board.paused:
        until = model.board.paused_until
        when = "for good" if np.isinf(until) else f"until week {until:.0f}"
        parts.append(f"go-lives halted {when}")
    elif upcoming is not None:
        parts.append(f"next go-live planned for week {int(model.wave_planned[upcoming])}")
    return f"Week {week}: " + "; ".join(parts) + "."


def comparison(conditions: Sequence[Condition]) -> str:
    """Which condition is ahead so far, in plain words (empty before any go-live)."""
    a, b = conditions[0], conditions[1]
    when = "In the end" if a.week >= a.scenario.run.steps else "So far"
    if a.model.waves_live == 0 and b.model.waves_live == 0:
        return ""
    adopt = {c.name: c.model.metrics["adoption_rate"] for c in conditions}
    feel = {c.name: c.model.metrics["mean_frustration"] for c in conditions}
    if abs(adopt[a.name] - adopt[b.name]) < 0.02:
        first = f"about as many adopted in both ({adopt[a.name]:.0%})"
    else:
        hi, lo = (a.name, b.name) if adopt[a.name] > adopt[b.name] else (b.name, a.name)
        first = f"{hi} has more users on board ({adopt[hi]:.0%} adopted against {adopt[lo]:.0%})"
    if abs(feel[a.name] - feel[b.name]) < 0.02:
        second = f"both about as frustrated ({feel[a.name]:.2f})"
    else:
        calm, upset = (a.name, b.name) if feel[a.name] < feel[b.name] else (b.name, a.name)
        second = f"{calm} is calmer (frustration {feel[calm]:.2f} against {feel[upset]:.2f})"
    return f"{when}: {first}; {second}."


def decision_log(conditions: Sequence[Condition]) -> list[tuple[str, Decision]]:
    """Every decision of both boards, newest first, with its condition's name."""
    entries = [(c.name, d) for c in conditions for d in c.decisions]
    return sorted(entries, key=lambda e: (-e[1].week, e[0]))


def week_html(conditions: Sequence[Condition], week: int, horizon: int) -> str:
    """The week in words for both conditions, with their settings and who is ahead."""
    lines = [
        f'<div style="color:{COLOURS[c.name]};margin-top:6px">'
        f"<b>{html.escape(c.label)}</b>"
        f'<div style="font-size:12px;opacity:0.8">{html.escape(c.settings)}</div>'
        f"{html.escape(this_week(c))}</div>"
        for c in conditions
    ]
    compared = comparison(conditions)
    if compared:
        lines.append(f'<div style="margin-top:8px">{html.escape(compared)}</div>')
    return (
        f'<div class="sim-this-week" data-week="{week}" style="font-size:15px">'
        f'<div style="font-size:20px;font-weight:600">Week {week} of {horizon}</div>'
        f"{''.join(lines)}</div>"
    )


def decisions_html(conditions: Sequence[Condition]) -> str:
    """The boards' decisions so far, newest first, in a scrolling list."""
    rows = [
        f'<div class="sim-decision" data-kind="{d.kind}" style="margin:2px 0">'
        f'<b style="color:{COLOURS[name]}">week {d.week} · {name}</b> '
        f"{html.escape(d.text)}</div>"
        for name, d in decision_log(conditions)
    ]
    body = "".join(rows) or "<div>No decisions yet: the first go-live is still ahead.</div>"
    return (
        '<div style="font-size:14px"><div style="font-size:16px;font-weight:600">'
        "The boards' decisions</div>"
        f'<div class="sim-decisions" style="max-height:300px;overflow-y:auto">{body}</div>'
        "</div>"
    )
