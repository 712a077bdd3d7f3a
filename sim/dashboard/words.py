"""The dashboard's words: what is happening this week, who is ahead, the boards' decisions."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from sim.dashboard.classroom import Classroom, Condition, Decision


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
    n_waves, live = model.schedule.live_week.size, model.schedule.waves_live
    upcoming = model.schedule.next_wave()
    parts = []
    if live == 0:
        hours = condition.scenario.training.hours_per_user
        given = float(model.population.trained.mean() / hours) if hours > 0 else 1.0
        parts.append("preparing, nobody on the new system yet")
        parts.append(f"{min(given, 1.0):.0%} of the planned training given")
    else:
        parts.append("all units live" if live == n_waves else f"{live} of {n_waves} waves live")
        parts.append(f"{m['adoption_rate']:.0%} of users adopted")
        # measured over the users already live, as the outcomes are (docs/ODD.md): users
        # still waiting would dilute them
        parts.append(f"{m['workaround_live']:.0%} of live users working around")
        trend = _trend(condition.series("frustration_live"))
        parts.append(f"live users' frustration {m['frustration_live']:.2f} and {trend}")
    if model.board.paused:
        until = model.board.paused_until
        when = "for good" if np.isinf(until) else f"until week {until:.0f}"
        parts.append(f"go-lives halted {when}")
    elif upcoming is not None:
        parts.append(f"next go-live planned for week {int(model.schedule.planned[upcoming])}")
    return f"Week {week}: " + "; ".join(parts) + "."


def comparison(conditions: Sequence[Condition]) -> str:
    """Which condition is ahead so far, in plain words (empty before any go-live)."""
    a, b = conditions[0], conditions[1]
    when = "In the end" if a.week >= a.scenario.run.steps else "So far"
    if a.model.schedule.waves_live == 0 and b.model.schedule.waves_live == 0:
        return ""
    adopt = {c.name: c.model.metrics["adoption_rate"] for c in conditions}
    feel = {c.name: c.model.metrics["frustration_live"] for c in conditions}
    if abs(adopt[a.name] - adopt[b.name]) < 0.02:
        first = f"about as many adopted in both ({adopt[a.name]:.0%})"
    else:
        hi, lo = (a.name, b.name) if adopt[a.name] > adopt[b.name] else (b.name, a.name)
        first = f"{hi} has more users on board ({adopt[hi]:.0%} adopted against {adopt[lo]:.0%})"
    if min(c.model.schedule.waves_live for c in conditions) == 0:
        waiting = a.name if a.model.schedule.waves_live == 0 else b.name
        second = f"nobody in {waiting} is live yet"
    elif abs(feel[a.name] - feel[b.name]) < 0.02:
        second = f"live users about as frustrated in both ({feel[a.name]:.2f})"
    else:
        calm, upset = (a.name, b.name) if feel[a.name] < feel[b.name] else (b.name, a.name)
        second = (
            f"{calm}'s live users are calmer (frustration {feel[calm]:.2f} against "
            f"{feel[upset]:.2f})"
        )
    return f"{when}: {first}; {second}."


def decision_log(conditions: Sequence[Condition]) -> list[tuple[Condition, Decision]]:
    """Every decision of both boards, newest first, with its condition."""
    entries = [(c, d) for c in conditions for d in c.decisions]
    return sorted(entries, key=lambda e: (-e[1].week, e[0].name))


def week_html(room: Classroom) -> str:
    """The week in words for both conditions, with their settings and who is ahead."""
    conditions = room.conditions
    lines = [
        f'<div style="color:{c.colour};margin-top:6px">'
        f"<b>{html.escape(c.label)}</b>"
        f'<div style="font-size:12px;opacity:0.8">{html.escape(c.settings)}</div>'
        f"{html.escape(this_week(c))}</div>"
        for c in conditions
    ]
    compared = comparison(conditions)
    if compared:
        lines.append(f'<div style="margin-top:8px">{html.escape(compared)}</div>')
    if room.notice:
        lines.insert(0, f'<div style="color:#D55E00">{html.escape(room.notice)}</div>')
    lines.append(
        '<div style="margin-top:8px;font-size:12px;opacity:0.7">Change the conditions on the '
        "left, then press Reset to start them.</div>"
    )
    return (
        f'<div class="sim-this-week" data-week="{room.week}" style="font-size:15px">'
        f'<div style="font-size:20px;font-weight:600">Week {room.week} of {room.horizon}'
        f'<span style="font-size:13px;font-weight:400"> · seed {room.seed}</span></div>'
        f"{''.join(lines)}</div>"
    )


def decisions_html(conditions: Sequence[Condition]) -> str:
    """The boards' decisions so far, newest first, in a scrolling list."""
    rows = [
        f'<div class="sim-decision" data-kind="{d.kind}" style="margin:2px 0">'
        f'<b style="color:{c.colour}">week {d.week} · {c.name}</b> '
        f"{html.escape(d.text)}</div>"
        for c, d in decision_log(conditions)
    ]
    body = "".join(rows) or "<div>No decisions yet: the first go-live is still ahead.</div>"
    return (
        '<div style="font-size:14px"><div style="font-size:16px;font-weight:600">'
        "The boards' decisions</div>"
        f'<div class="sim-decisions" style="max-height:300px;overflow-y:auto">{body}</div>'
        "</div>"
    )
