"""The dashboard's week-by-week charts, as ECharts options (drawn by the browser).

Indicators are read by name from :mod:`sim.outcomes`; a chart line whose indicator the
model does not report is left out, so adding an indicator to a chart is a change to
:data:`CHARTS` or :data:`ROLE_CHARTS` alone. The board's decisions are marked on the
charts as vertical lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.dashboard.classroom import Condition, Decision
from sim.outcomes import ROLE_COLUMNS, STEP_COLUMNS


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
        (
            Line("frustration_live", "live users"),
            Line("mean_frustration", "all users", dashed=True),
        ),
        percent=False,
    ),
    Chart(
        "Working around the system",
        "% of live users",
        (Line("workaround_live", "working around"),),
    ),
    Chart(
        "Dissatisfied with the system",
        "% of live users",
        (Line("dissatisfied_share", "dissatisfied"),),
    ),
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


def _points(values: Sequence[float], scale: float) -> list[float | None]:
    """One value per week from week 0 (flat, so the page has little to walk through); a
    week without a value (no live user to rate the system yet) is ``None``, a gap in the
    line, since NaN is not JSON."""
    return [None if math.isnan(v) else round(v * scale, 4) for v in values]


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


def decision_marks(condition: Condition) -> dict:
    """The board's decisions in ``condition`` as vertical lines (an ECharts markLine)."""
    colour = condition.colour
    data = []
    for d in condition.decisions:
        kind, width = MARKS[d.kind]
        data.append(
            {
                "xAxis": d.week,
                "name": d.text,
                "lineStyle": {"type": kind, "width": width, "color": colour},
                "label": {"formatter": mark_label(condition.name, d)},
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
            series = _series(f"{condition.name} {line.label}", values, scale, condition)
            series["lineStyle"]["type"] = "dashed" if line.dashed else "solid"
            if first:
                series["markLine"] = decision_marks(condition)
                first = False
            option["series"].append(series)
    return option


def _series(name: str, values: Sequence[float], scale: float, condition: Condition) -> dict:
    colour = condition.colour
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
    colour), the board's decisions marked on each condition's first role."""
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
            series = _series(f"{condition.name} {role.label or key}", values, scale, condition)
            series["lineStyle"]["type"] = ROLE_DASHES[i % len(ROLE_DASHES)]
            series["lineStyle"]["width"] = 1.5
            if i == 0:
                series["markLine"] = decision_marks(condition)
            option["series"].append(series)
    return option
