"""The dashboard's unit map: each unit a tile coloured by its state.

A unit is *waiting* until its wave goes live, then *live*, *adopted* when most of its users
have adopted, or *struggling* when many work around the system or it is very frustrated.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.dashboard.classroom import Condition
from sim.model.population import UsageState

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
    live = model.schedule.live_week[wave] >= 0
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
    colour = condition.colour
    return (
        f'<div class="sim-units" data-condition="{condition.name}" '
        f'data-week="{condition.week}" style="margin-bottom:10px">'
        f'<div style="font-weight:600;color:{colour}">{html.escape(condition.label)}</div>'
        f'<div style="font-size:12px;margin-bottom:3px">{summary}</div>'
        f'<div style="display:grid;grid-template-columns:repeat({columns},1fr);gap:{gap}px">'
        f"{''.join(tiles)}</div></div>"
    )
