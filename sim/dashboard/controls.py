"""The dashboard's controls: each one a scenario key, for condition A, B or both.

A control's start value comes from the scenario the dashboard was started with (the file
on the command line); its range and choices come from the schema
(:mod:`sim.scenario.schema`), so that a new strategy or involvement preset appears in the
dashboard without changing it. The controls become Mesa's ``model_params`` for SolaraViz,
whose keyword names are :func:`param_name`; :class:`sim.dashboard.classroom.Classroom`
turns the values back into one validated scenario per condition.

Nothing here imports Solara, so the mapping is tested without a browser.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic.fields import FieldInfo

from sim.errors import InputError
from sim.scenario import Scenario, scenario_from_dict, schema, schema_field

CONDITIONS = ("A", "B")
"""The two conditions shown side by side."""

CLASSROOM_MAX_USERS = 5_000
"""Largest population the dashboard offers: two models of this size still run at a
watchable speed on a classroom laptop (see ``benchmarks/bench_dashboard.py``)."""

UNBOUNDED_RANGE = 4
"""A slider for a value the schema leaves unbounded above goes up to this many times the
schema's default."""

CONTRAST = {"big_bang": "phased"}
"""Condition B's starting strategy, given condition A's (the file's): a big bang is
compared with a phased rollout, anything else with a big bang."""
CONTRAST_DEFAULT = "big_bang"


@dataclass(frozen=True)
class Control:
    """One control: the scenario key it sets, its label and, where the schema's own range
    does not fit a classroom, a narrower one (a function of the starting scenario)."""

    key: str
    label: str
    step: float = 1
    lower: Callable[[Scenario], float] | None = None
    upper: Callable[[Scenario], float] | None = None
    choices: Callable[[], list[str]] | None = None


CONDITION_CONTROLS: tuple[Control, ...] = (
    # read when the page is built, so a strategy or preset added to the schema appears
    Control("rollout.strategy", "strategy", choices=lambda: list(schema.STRATEGIES)),
    Control("involvement.level", "involvement", choices=lambda: list(schema.INVOLVEMENT_PRESETS)),
    # the schema's own check: no more waves than units
    Control("rollout.waves", "waves", upper=lambda base: base.population.units),
    Control("training.hours_per_user", "training hours"),
    Control("training.capacity", "trainer capacity", step=5),
    Control("support.staff", "help-desk staff"),
)
"""Controls set separately for each condition."""

SHARED_CONTROLS: tuple[Control, ...] = (
    Control(
        "population.size",
        "users",
        step=100,
        lower=lambda base: _round_up(base.population.units, 100),  # at least one per unit
        upper=lambda base: CLASSROOM_MAX_USERS,
    ),
)
"""Controls that hold for both conditions (with the seed, which is shared too)."""


def param_name(control: Control, condition: str | None = None) -> str:
    """The control's keyword for :class:`~sim.dashboard.classroom.Classroom`, e.g.
    ``a_rollout_strategy`` or ``population_size``."""
    name = control.key.replace(".", "_")
    return f"{condition.lower()}_{name}" if condition else name


def all_controls() -> list[tuple[str, Control, str | None]]:
    """(keyword, control, condition or None for both), in the order the page shows them."""
    out = [(param_name(c, cond), c, cond) for cond in CONDITIONS for c in CONDITION_CONTROLS]
    out += [(param_name(c), c, None) for c in SHARED_CONTROLS]
    return out


# --- the schema ---------------------------------------------------------------------------


def get_value(scenario: Scenario, key: str) -> Any:
    value: Any = scenario
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """The range the schema states (the catch-all bound of a number without one,
    +-:data:`sim.scenario.schema.LIMIT`, counts as open)."""
    lower = upper = None
    for rule in info.metadata:
        if getattr(rule, "ge", None) is not None and rule.ge > -schema.LIMIT:
            lower = rule.ge
        if getattr(rule, "gt", None) is not None:
            lower = rule.gt
        if getattr(rule, "le", None) is not None and rule.le < schema.LIMIT:
            upper = rule.le
    return lower, upper


def _round_up(value: float, step: float) -> float:
    return math.ceil(value / step) * step


def slider_range(control: Control, base: Scenario) -> tuple[float, float]:
    """(min, max) of a numeric control: the schema's range, narrowed where the control
    says so; a schema range open above ends at :data:`UNBOUNDED_RANGE` x the default."""
    info = schema_field(control.key)
    lower, upper = _bounds(info)
    if control.lower is not None:
        lower = control.lower(base)
    if control.upper is not None:
        upper = control.upper(base) if upper is None else min(upper, control.upper(base))
    if upper is None:
        upper = UNBOUNDED_RANGE * info.default
    return (lower if lower is not None else 0), upper


def is_integer(control: Control) -> bool:
    return schema_field(control.key).annotation is int


def choices(control: Control, start: Any) -> list[str] | None:
    """The choices of a select control (the file's own value included), else None."""
    if control.choices is None:
        return None
    options = control.choices()
    return options if start in options else [*options, start]


# --- start values and Mesa's model_params -------------------------------------------------


def start_value(control: Control, base: Scenario, condition: str | None) -> Any:
    """A control's value when the dashboard opens: the scenario's, within the control's
    range; condition B's strategy contrasts with condition A's (:data:`CONTRAST`)."""
    value = get_value(base, control.key)
    if control.key == "rollout.strategy" and condition == CONDITIONS[1]:
        return CONTRAST.get(value, CONTRAST_DEFAULT)
    if control.choices is not None:
        return value
    lower, upper = slider_range(control, base)
    value = min(max(value, lower), upper)
    return int(value) if is_integer(control) else float(value)


def start_values(base: Scenario) -> dict[str, Any]:
    """Every control's start value by keyword."""
    return {name: start_value(c, base, cond) for name, c, cond in all_controls()}


def model_params(base: Scenario, seed: int) -> dict[str, Any]:
    """Mesa's ``model_params`` for SolaraViz: the starting scenario (fixed), the seed and
    one input per control, labelled with its condition."""
    params: dict[str, Any] = {"base": base}
    for name, control, condition in all_controls():
        params[name] = _widget(control, base, condition)
    params["seed"] = {"type": "InputText", "value": str(seed), "label": "seed (both)"}
    return params


def _widget(control: Control, base: Scenario, condition: str | None) -> dict[str, Any]:
    value = start_value(control, base, condition)
    label = f"{condition} · {control.label}" if condition else f"{control.label} (both)"
    options = choices(control, get_value(base, control.key))
    if options is not None:
        if value not in options:
            options = [*options, value]
        return {"type": "Select", "value": value, "values": options, "label": label}
    lower, upper = slider_range(control, base)
    if is_integer(control):
        kind, lower, upper = "SliderInt", int(lower), int(upper)
    else:
        kind, lower, upper = "SliderFloat", float(lower), float(upper)
    return {
        "type": kind,
        "value": value,
        "min": lower,
        "max": upper,
        "step": control.step,
        "label": label,
    }


# --- from values to scenarios -------------------------------------------------------------


def overrides(base: Scenario, condition: str, values: dict[str, Any]) -> dict[str, Any]:
    """Dotted-key overrides of ``base`` for one condition, from control values by keyword.

    Controls without a value keep the start value. Two keys follow from others: a
    smaller or larger population represents the same organisation (``population.scale``
    is adjusted, as in ``sim demo --quick``), and choosing an involvement preset drops a
    file's own participation and responsiveness.
    """
    out: dict[str, Any] = {}
    for name, control, cond in all_controls():
        if cond not in (None, condition):
            continue
        out[control.key] = values.get(name, start_value(control, base, cond))
    pop = base.population
    if out["population.size"] != pop.size:
        out["population.scale"] = pop.scale * pop.size / out["population.size"]
    if out["involvement.level"] in schema.INVOLVEMENT_PRESETS:
        out["involvement.participation"] = out["involvement.responsiveness"] = None
    return out


def condition_scenario(base: Scenario, condition: str, values: dict[str, Any]) -> Scenario:
    """The validated scenario of one condition."""
    data = base.model_dump(mode="json", exclude_none=True)
    return scenario_from_dict(
        data, overrides(base, condition, values), source=f"dashboard condition {condition}"
    )


def parse_seed(text: Any) -> int:
    """A seed from the seed box: a whole number from 0 up."""
    try:
        seed = int(str(text).strip())
    except ValueError:
        seed = -1
    if seed < 0:
        raise InputError(f"expected a whole number from 0 up, got {str(text)!r}", key="seed")
    return seed


def unknown_values(values: dict[str, Any]) -> list[str]:
    """Keywords that are no control's."""
    known = {name for name, _, _ in all_controls()}
    return sorted(set(values) - known)
