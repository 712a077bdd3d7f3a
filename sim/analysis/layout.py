"""How the figures show many conditions: readable names, a chosen subset, small multiples.

A sweep's conditions are the cells of a full factorial. A panel stays readable with up to
:data:`MAX_LINES` lines, so when there are more conditions the figures become *small
multiples*: the last factors (in the experiment file's order) whose levels together make
at most :data:`MAX_LINES` lines are drawn as lines in every panel, and the other factors
give one panel per combination of their levels (at most :data:`MAX_PANELS`). A
condition is named by its factors and levels ("Big bang, token involvement", "waves = 4,
wave interval weeks = 13"), never by an identifier.

When even small multiples would be too many, :func:`layout` refuses in one line and says
how to choose: :func:`select` keeps the conditions whose factor levels are given
(``sim plot --where KEY=VALUE,...``) or the conditions named by point or label
(``--conditions``). Factors that the choice holds fixed are named in the figure's title.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.analysis.folders import Results
from sim.errors import InputError, did_you_mean, shown

MAX_LINES = 8
"""Most lines in one panel: one colour each of the colour-blind-safe palette."""

MAX_PANELS = 8
"""Most small multiples side by side (panels of one row of a figure)."""

VALUE_NAMES: dict[str, dict[Any, str]] = {
    "rollout.strategy": {
        "big_bang": "Big bang",
        "phased": "Phased",
        "phased_gated": "Phased, gated",
        "pilot": "Pilot, then the rest",
    },
    "involvement.level": {
        "low": "low involvement",
        "token": "token involvement",
        "high": "high involvement",
        "custom": "custom involvement",
    },
}
"""Readable names of the levels of categorical factors (any other factor is shown as
``name = value``)."""


@dataclass(frozen=True)
class Layout:
    """What to draw where: the conditions (``points``, in point order), each one's
    readable ``name``, its ``line`` (the style index within a panel, named in
    ``line_names``) and the ``panels`` (a title and the points drawn in it)."""

    points: tuple[int, ...]
    names: dict[int, str]
    line_keys: tuple[str, ...]
    facet_keys: tuple[str, ...]
    lines: dict[int, int]
    line_names: tuple[str, ...]
    panels: tuple[tuple[str, tuple[int, ...]], ...]
    fixed: str
    panel_names: tuple[str, ...] = ()
    """Short names of the panels (as for x-axis ticks), named by :attr:`panels_title`."""

    @property
    def faceted(self) -> bool:
        """Whether the conditions are split into small multiples."""
        return len(self.panels) > 1

    @property
    def legend_title(self) -> str:
        """What the lines stand for: the line factor's name, or "Condition"."""
        if self.faceted:
            return keys_title(self.line_keys) or "Condition"
        return "Condition"

    @property
    def panels_title(self) -> str:
        """What the panels stand for (as for an x-axis label)."""
        return keys_title(self.facet_keys) or ", ".join(
            factor_title(k, self.facet_keys) for k in self.facet_keys
        )


def factor_title(key: str, keys: Sequence[str] = ()) -> str:
    """A factor's short name: the last part of its dotted key, spelled with spaces (the
    whole key where two factors would share a name).

    >>> factor_title("rollout.wave_interval_weeks")
    'wave interval weeks'
    >>> factor_title("training.capacity", ["training.capacity", "support.capacity"])
    'training capacity'
    """
    last = key.rsplit(".", 1)[-1]
    clash = sum(k.rsplit(".", 1)[-1] == last for k in keys) > 1
    return (key if clash else last).replace("_", " ").replace(".", " ")


def value_text(value: Any) -> str:
    """A level as a person writes it: ``0.3``, ``24``, ``big_bang``."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def phrase(key: str, value: Any, keys: Sequence[str] = ()) -> str:
    """One factor's level in words: ``"Big bang"`` or ``"waves = 4"``."""
    named = VALUE_NAMES.get(key, {})
    if isinstance(value, str) and value in named:
        return named[value]
    return f"{factor_title(key, keys)} = {value_text(value)}"


def condition_name(
    values: Mapping[str, Any], keys: Sequence[str] | None = None, capital: bool = True
) -> str:
    """A condition's readable name from its factor levels (``keys``: which factors to
    name, in order; default all), capitalised unless ``capital`` is false.

    >>> condition_name({"rollout.strategy": "big_bang", "involvement.level": "token"})
    'Big bang, token involvement'
    >>> condition_name({"rollout.waves": 4}, capital=False)
    'waves = 4'
    """
    keys = list(values) if keys is None else list(keys)
    text = ", ".join(phrase(k, values[k], keys) for k in keys)
    return text[:1].upper() + text[1:] if capital else text


def level_names(keys: Sequence[str], combos: Sequence[tuple]) -> list[str]:
    """Names of combinations of the levels of ``keys``: just the value where one plain
    factor varies (its name goes in a legend title or an axis label), else phrases."""
    if len(keys) == 1 and keys[0] not in VALUE_NAMES:
        return [value_text(combo[0]) for combo in combos]
    return [condition_name(dict(zip(keys, combo, strict=True)), keys) for combo in combos]


def keys_title(keys: Sequence[str]) -> str:
    """What :func:`level_names` name: the factor's name where one plain factor varies."""
    if len(keys) == 1 and keys[0] not in VALUE_NAMES:
        return factor_title(keys[0])
    return ""


def condition_values(results: Results) -> dict[int, dict[str, Any]]:
    """Each condition's factor levels, from the manifest (empty for a single run or a
    manifest without them)."""
    found = {}
    for c in results.manifest.get("conditions", []) or []:
        if isinstance(c, dict) and isinstance(c.get("values"), dict) and "point" in c:
            found[int(c["point"])] = dict(c["values"])
    return found if set(results.conditions) <= set(found) else {}


def _varying(values: dict[int, dict[str, Any]], points: Sequence[int], factors: list[str]):
    """The factors whose level differs between ``points``, each with its levels in the
    manifest's order; and the text of the factors held fixed."""
    varying, fixed = {}, []
    for key in factors:
        levels = []
        for p in points:
            if values[p][key] not in levels:
                levels.append(values[p][key])
        if len(levels) > 1:
            varying[key] = levels
        elif levels:
            fixed.append(phrase(key, levels[0], factors))
    return varying, ", ".join(fixed)


def _split(varying: dict[str, list]) -> tuple[list[str], list[str]]:
    """Line factors (the last ones whose levels make at most MAX_LINES lines, at least
    one) and facet factors (the rest)."""
    keys = list(varying)
    lines: list[str] = []
    for key in reversed(keys):
        if lines and math.prod(len(varying[k]) for k in [key, *lines]) > MAX_LINES:
            break
        lines.insert(0, key)
    return keys[: len(keys) - len(lines)], lines


def layout(results: Results) -> Layout:
    """How to draw the conditions of ``results`` (see the module docstring).

    Raises :class:`InputError` if they cannot be drawn readably, saying how to choose.
    """
    points = tuple(results.conditions)
    values = condition_values(results)
    factors = list(results.manifest.get("factors") or {}) if values else []
    varying, fixed = _varying(values, points, factors)
    if not varying:  # a single run, one condition, or a manifest without factor levels
        if len(points) > MAX_LINES:
            raise _too_many(len(points), "")
        names = {p: condition_name(values[p]) if factors else results.conditions[p] for p in points}
        lines = {p: i for i, p in enumerate(points)}
        line_names = tuple(names[p] for p in points)
        return Layout(points, names, (), (), lines, line_names, (("", points),), fixed)
    facet_keys, line_keys = _split(varying)
    line_levels = _present(values, points, line_keys, varying)
    panel_levels = _present(values, points, facet_keys, varying)
    if len(line_levels) > MAX_LINES or len(panel_levels) > MAX_PANELS:
        raise _too_many(len(points), ", ".join(varying))
    names = {p: condition_name(values[p], list(varying)) for p in points}
    lines = {p: line_levels.index(_levels(values[p], line_keys)) for p in points}
    panels = tuple(
        (
            condition_name(dict(zip(facet_keys, levels, strict=True)), facet_keys, False),
            tuple(p for p in points if _levels(values[p], facet_keys) == levels),
        )
        for levels in panel_levels
    )
    if facet_keys:
        line_names = tuple(level_names(line_keys, line_levels))
    else:
        line_names = tuple(names[p] for p in sorted(points, key=lines.get))
    return Layout(
        points,
        names,
        tuple(line_keys),
        tuple(facet_keys),
        lines,
        line_names,
        panels,
        fixed,
        tuple(level_names(facet_keys, panel_levels)),
    )


def _levels(values: Mapping[str, Any], keys: Sequence[str]) -> tuple:
    return tuple(values[k] for k in keys)


def _present(values, points, keys, varying) -> list[tuple]:
    """The combinations of the levels of ``keys`` that some point has, in level order."""
    found = {_levels(values[p], keys) for p in points}

    def rank(levels: tuple) -> tuple:
        return tuple(varying[k].index(v) for k, v in zip(keys, levels, strict=True))

    return sorted(found, key=rank)


def _too_many(n: int, factors: str) -> InputError:
    over = f" over {factors}" if factors else ""
    return InputError(
        f"{n} conditions{over} are too many for readable figures (at most {MAX_LINES} "
        f"lines in each of {MAX_PANELS} panels); choose some with --where KEY=VALUE,... "
        "or --conditions",
        key="DIR",
    )


# --- choosing conditions ----------------------------------------------------------------


def parse_where(texts: Sequence[str]) -> dict[str, list[Any]]:
    """``KEY=VALUE[,VALUE...]`` options (each value read as TOML, else as text) as a dict
    of factor -> accepted levels.

    >>> parse_where(["rollout.waves=1,4", "rollout.strategy=phased"])
    {'rollout.waves': [1, 4], 'rollout.strategy': ['phased']}
    """
    from sim.scenario.loading import parse_assignment

    where: dict[str, list[Any]] = {}
    for text in texts:
        key, sep, raw = text.partition("=")
        if not sep or not key.strip() or not raw.strip():
            raise InputError(f"expected KEY=VALUE[,VALUE...], got '{shown(text)}'", key="--where")
        levels = [parse_assignment(f"{key}={part}")[1] for part in raw.split(",")]
        where.setdefault(key.strip(), []).extend(levels)
    return where


def select(
    results: Results,
    where: Mapping[str, Sequence[Any]] | None = None,
    conditions: Sequence[str] | None = None,
) -> Results:
    """The conditions of ``results`` whose factor levels are in ``where`` (factor ->
    accepted levels) and, if ``conditions`` is given, that are named there (by point or by
    label as in ``runs.csv``); runs and time series cut to match.

    Unknown factors, levels that no condition has, unknown conditions and an empty choice
    are :class:`InputError`.
    """
    keep = set(results.conditions)
    if where:
        keep &= _matching(results, where)
    if conditions:
        keep &= _named(results, conditions)
    if not keep:
        raise InputError("no condition matches both --where and --conditions", key="--where")
    if keep == set(results.conditions):
        return results
    runs = results.runs[results.runs["point"].isin(keep)] if results.runs is not None else None
    ts = results.timeseries[results.timeseries["point"].isin(keep)]
    chosen = {p: label for p, label in results.conditions.items() if p in keep}
    return dataclasses.replace(results, runs=runs, timeseries=ts, conditions=chosen)


def _matching(results: Results, where: Mapping[str, Sequence[Any]]) -> set[int]:
    values = condition_values(results)
    factors = list(results.manifest.get("factors") or {}) if values else []
    keep = set(results.conditions)
    for key, accepted in where.items():
        if key not in factors:
            hint = did_you_mean(key, factors) or (
                f"; the factors are {', '.join(factors)}" if factors else "; no factors here"
            )
            raise InputError(f"not a factor of this sweep{hint}", key=f"--where {key}")
        levels = [values[p][key] for p in results.conditions]
        for level in accepted:
            if not any(_same(level, v) for v in levels):
                have = ", ".join(dict.fromkeys(value_text(v) for v in levels))
                raise InputError(
                    f"no condition has {shown(value_text(level))} (levels: {have})",
                    key=f"--where {key}",
                )
        keep &= {p for p in keep if any(_same(a, values[p][key]) for a in accepted)}
    return keep


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _named(results: Results, conditions: Sequence[str]) -> set[int]:
    by_label = {label: p for p, label in results.conditions.items()}
    keep = set()
    for item in conditions:
        text = str(item).strip()
        if text.isdigit() and int(text) in results.conditions:
            keep.add(int(text))
        elif text in by_label:
            keep.add(by_label[text])
        else:
            hint = did_you_mean(text, list(by_label))
            raise InputError(
                f"no condition '{shown(text)}' (give a point number or a label as in "
                f"runs.csv){hint}",
                key="--conditions",
            )
    return keep
