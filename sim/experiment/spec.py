"""Experiment files: a base scenario, factors crossed in a full factorial, replicates, and
optionally uncertain worlds.

An experiment file is TOML with up to four tables (paths are relative to the file)::

    [experiment]
    name = "rollout_x_involvement"
    scenario = "../scenarios/default.toml"
    steps = 156                  # optional, default: the scenario's run.steps
    replicates = 30
    seed = 20261125
    reference = { "rollout.strategy" = "big_bang", "involvement.level" = "low" }

    [factors]                    # dotted scenario keys -> lists of values
    "rollout.strategy" = ["big_bang", "phased"]

    [overrides]                  # optional, applied to every run
    "population.size" = 2000

    [uncertainties]              # optional: distributions on numeric keys
    "training.hours_per_user" = { distribution = "uniform", low = 4, high = 32 }

With ``[uncertainties]`` and ``worlds = N`` in ``[experiment]``, every condition runs in
each of N worlds sampled by Latin hypercube (:mod:`sim.experiment.design`); ``[factors]``
may then be left out (one condition, the base scenario). The uncertainties are parsed by
:func:`sim.experiment.uncertainty.parse_uncertainties`.

Everything is checked when the file is loaded, including the scenario of every condition
and, with worlds, of every condition in every world: sampled values can break a rule that
ties several keys together (``initial_fit <= fit_ceiling``, ...), and such an experiment is
refused in one line naming the world, the condition and the rule, never resampled (that
would silently change the distributions the file states and break the Latin hypercube's
strata). So a sweep never fails half-way on a typo. Every problem is an
:class:`InputError` with a one-line message naming the file and the key. The number of
runs is counted before any condition is built, and an experiment larger than
``max_runs`` is refused.

A condition is identified by its factor values (:attr:`Condition.key`), not by its
position, so adding a level or a replicate leaves every other run, and its seed, as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from sim.defaults import MAX_RUNS
from sim.errors import InputError, did_you_mean
from sim.scenario import Scenario, scenario_from_dict
from sim.scenario.loading import read_toml

if TYPE_CHECKING:
    from sim.experiment.design import Worlds
    from sim.experiment.uncertainty import Uncertainty

TABLES = ("experiment", "factors", "overrides", "uncertainties")
MAX_REPLICATES = 100_000
STEPS_KEY = "run.steps"
StrictInt = Annotated[int, Strict()]
StrictStr = Annotated[str, Strict()]


class ExperimentTable(BaseModel):
    """The ``[experiment]`` table."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(description="Short name, used in tables, plots and the manifest.")
    scenario: StrictStr = Field(description="Base scenario file, relative to the experiment.")
    replicates: StrictInt = Field(
        ge=1, le=MAX_REPLICATES, description="Runs per condition, each with its own seed."
    )
    seed: StrictInt = Field(
        ge=0, lt=2**63, description="Root seed from which every run's seed is derived."
    )
    steps: StrictInt | None = Field(
        None, ge=1, le=2000, description="Weeks per run (default: the scenario's run.steps)."
    )
    reference: dict[str, Any] | None = Field(
        None, description="The condition others are compared with (default: the first)."
    )
    description: StrictStr = Field("", description="One or two sentences on the question.")
    worlds: Any = Field(
        None,
        description="Worlds sampled by Latin hypercube from [uncertainties]; every condition "
        "runs in each (checked by sim.experiment.uncertainty.check_worlds).",
    )


@dataclass(frozen=True)
class Condition:
    """One cell of the full factorial.

    ``point`` is its position in declared order (the first factor varies slowest);
    ``key`` identifies it by its factor values, whatever their position, and is what a
    run's seed and its place in the journal derive from. ``steps`` is its weeks per run.
    """

    point: int
    label: str
    values: dict[str, Any]
    scenario: Scenario
    steps: int
    key: str = ""
    scenario_sha256: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"point": self.point, "label": self.label, "values": self.values, "key": self.key}

    @property
    def seed_key(self) -> int:
        """The condition's identity as a non-negative integer, for seeding."""
        return int(self.key, 16)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: every condition's scenario built and checked."""

    path: Path
    text: str
    sha256: str
    name: str
    description: str
    scenario_path: Path
    base: Scenario
    overrides: dict[str, Any]
    factors: dict[str, list[Any]]
    reference: dict[str, Any]
    steps: int | None
    """Weeks per run; ``None`` when ``run.steps`` is a factor (see each condition)."""
    replicates: int
    seed: int
    conditions: tuple[Condition, ...]
    scenario_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    """The scenario file as read (every world's scenario is built from it)."""
    uncertainties: tuple[Uncertainty, ...] = ()
    worlds: Worlds | None = None
    """The sampled worlds (or sample points) every condition runs in; ``None``: one world."""

    @property
    def world_count(self) -> int:
        return 1 if self.worlds is None else self.worlds.count

    @property
    def n_runs(self) -> int:
        return len(self.conditions) * self.world_count * self.replicates


def condition_label(values: dict[str, Any]) -> str:
    """``big_bang | low``: the factor values in declared order."""
    return " | ".join(str(v) for v in values.values())


def canonical(value: Any) -> str:
    """Canonical JSON: equal values give equal text (key order does not matter)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def is_experiment_file(path: str | Path) -> bool:
    """Does ``path`` look like an experiment file (an ``[experiment]`` table)?"""
    try:
        return isinstance(read_toml(path).get("experiment"), dict)
    except InputError:
        return False


def load_experiment(path: str | Path, *, max_runs: int = MAX_RUNS) -> Experiment:
    """Read, validate and expand an experiment file (see the module docstring).

    Refuses, before building anything, an experiment of more than ``max_runs`` runs."""
    p = Path(path)
    src = str(p)
    data = read_toml(p)
    text = p.read_text(encoding="utf-8")
    if "experiment" not in data and set(data) & set(Scenario.model_fields):
        raise InputError("this is a scenario file; use `sim run`", source=src)
    for table in data:
        if table not in TABLES:
            raise InputError(f"unknown table{did_you_mean(table, TABLES)}", source=src, key=table)
    head = _experiment_table(data.get("experiment"), src)
    raw_uncertainties = data.get("uncertainties")
    factors = _factors(data.get("factors"), src, optional=raw_uncertainties is not None)
    overrides = _table(data.get("overrides", {}), src, "overrides")
    for key in factors:
        if key in overrides:
            raise InputError(
                "set both as a factor and as an override", source=src, key=f"overrides.{key}"
            )
    if head.steps is not None and (STEPS_KEY in factors or STEPS_KEY in overrides):
        where = "factors" if STEPS_KEY in factors else "overrides"
        raise InputError(
            f"set both here and as {STEPS_KEY} in [{where}]; keep one",
            source=src,
            key="experiment.steps",
        )
    uncertainties = _uncertainties(raw_uncertainties, factors, overrides, src)
    world_count = _world_count(head.worlds, uncertainties, src)
    _check_size(factors, head.replicates, max_runs, src, world_count)

    try:  # a symlink loop, a NUL byte or a name too long: not a file either
        scenario_path = (p.parent / head.scenario).resolve()
        found = scenario_path.is_file()
    except (OSError, RuntimeError, ValueError):
        found = False
    if not head.scenario or not found:
        raise InputError(f"no such file: {head.scenario}", source=src, key="experiment.scenario")
    base_data = read_toml(scenario_path)
    base = _base(base_data, overrides, src, scenario_path)
    for key, values in factors.items():
        resolved = [
            _check_factor(base_data, overrides, key, value, src, scenario_path) for value in values
        ]
        _refuse_equivalent(key, values, resolved, src)

    conditions = _conditions(base_data, overrides, factors, src, scenario_path, head.steps)
    reference = _reference(head.reference, factors, conditions, src)
    uniform = {c.steps for c in conditions}
    experiment = Experiment(
        path=p,
        text=text,
        sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
        name=head.name,
        description=head.description,
        scenario_path=scenario_path,
        base=base,
        overrides=overrides,
        factors=factors,
        reference=reference,
        steps=uniform.pop() if len(uniform) == 1 else None,
        replicates=head.replicates,
        seed=head.seed,
        conditions=conditions,
        scenario_data=base_data,
        uncertainties=uncertainties,
    )
    if not world_count:
        return experiment
    from sim.experiment.design import latin_hypercube_worlds

    return with_worlds(experiment, latin_hypercube_worlds(uncertainties, world_count, head.seed))


def _experiment_table(raw: Any, src: str) -> ExperimentTable:
    if raw is None:
        raise InputError("missing table [experiment]", source=src, key="experiment")
    try:
        return ExperimentTable.model_validate(_table(raw, src, "experiment"))
    except ValidationError as exc:
        # A misspelt key is also a missing one: report the misspelling, it explains both.
        err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        field = str(err["loc"][0]) if err["loc"] else ""
        key = f"experiment.{field}" if field else "experiment"
        if err["type"] == "extra_forbidden":
            msg = f"unknown key{did_you_mean(field, tuple(ExperimentTable.model_fields))}"
        elif err["type"] == "missing":
            msg = "missing required key"
        else:
            msg = f"{err['msg']} (got {err.get('input')!r})"
        raise InputError(msg, source=src, key=key) from None


def _table(raw: Any, src: str, key: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError("must be a table", source=src, key=key)
    return raw


def _factors(raw: Any, src: str, optional: bool = False) -> dict[str, list[Any]]:
    """The ``[factors]`` table; ``optional`` (an experiment with uncertainties) allows none."""
    if raw is None and optional:
        return {}
    if raw is None:
        raise InputError("missing table [factors]", source=src, key="factors")
    factors = _table(raw, src, "factors")
    if not factors and not optional:
        raise InputError("needs at least one factor", source=src, key="factors")
    for key, values in factors.items():
        if isinstance(values, dict):
            raise InputError(
                'must be a list of values; quote dotted keys, e.g. "rollout.strategy" = [...]',
                source=src,
                key=f"factors.{key}",
            )
        if not isinstance(values, list) or not values:
            raise InputError("must be a non-empty list of values", source=src, key=f"factors.{key}")
        if any(_has_nan(v) for v in values):
            raise InputError("NaN is not a level", source=src, key=f"factors.{key}")
        seen = [canonical(v) for v in values]
        if len(set(seen)) != len(seen):
            raise InputError("values repeat", source=src, key=f"factors.{key}")
    return factors


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    return False


def _uncertainties(
    raw: Any, factors: dict[str, list[Any]], overrides: dict[str, Any], src: str
) -> tuple[Uncertainty, ...]:
    """The ``[uncertainties]`` table checked against the schema (none if it is absent)."""
    if raw is None:
        return ()
    from sim.experiment.uncertainty import TABLE, parse_uncertainties

    if isinstance(raw, dict) and STEPS_KEY in raw:
        raise InputError(
            "can't be uncertain: every world of a condition runs the same weeks (make it a factor)",
            source=src,
            key=f"{TABLE}.{STEPS_KEY}",
        )
    fixed = {**dict.fromkeys(overrides, "overrides"), **dict.fromkeys(factors, "factors")}
    return parse_uncertainties(raw, source=src, fixed=fixed)


def _world_count(raw: Any, uncertainties: tuple[Uncertainty, ...], src: str) -> int:
    """``[experiment] worlds`` checked (0: none asked for)."""
    if raw is None:
        return 0
    from sim.experiment.uncertainty import check_worlds

    return check_worlds(raw, uncertainties, source=src)


def _check_size(
    factors: dict[str, list[Any]], replicates: int, max_runs: int, src: str, worlds: int = 0
) -> None:
    """Count the runs before building any condition; refuse more than ``max_runs``."""
    conditions = math.prod(len(v) for v in factors.values())
    runs = conditions * max(worlds, 1) * replicates
    if runs > max_runs:
        sizes = [f"{conditions:,} conditions"] + ([f"{worlds:,} worlds"] if worlds else [])
        raise InputError(
            f"{runs:,} runs ({' x '.join([*sizes, f'{replicates:,} replicates'])}) is more "
            f"than the limit of {max_runs:,}; if you mean it, add --max-runs {runs}",
            source=src,
        )


def _refuse_equivalent(key: str, values: list[Any], resolved: list[Any], src: str) -> None:
    """Two levels that give the same scenario value (``1`` and ``1.0``, ``true`` and ``1``)
    would run the same condition twice under two labels."""
    seen: dict[str, Any] = {}
    for value, got in zip(values, resolved, strict=True):
        text = canonical(got)
        if text in seen:
            raise InputError(
                f"levels {seen[text]!r} and {value!r} are the same value ({got!r})",
                source=src,
                key=f"factors.{key}",
            )
        seen[text] = value


def _base(data: dict, overrides: dict, src: str, scenario_path: Path) -> Scenario:
    """The base scenario with the overrides; blame the file that is at fault."""
    try:
        return scenario_from_dict(data, overrides, source=str(scenario_path))
    except InputError as exc:
        if exc.key in overrides:
            raise InputError(exc.detail, source=src, key=f"overrides.{exc.key}") from None
        scenario_from_dict(data, {}, source=str(scenario_path))  # raises if the file is bad
        raise InputError(_detail(exc), source=src, key="overrides") from None


def _check_factor(
    data: dict, overrides: dict, key: str, value: Any, src: str, scenario_path: Path
) -> Any:
    """Check one factor value on its own, so a bad value is blamed on its factor; return
    the value as the scenario holds it."""
    try:
        scenario = scenario_from_dict(data, {**overrides, key: value}, source=str(scenario_path))
    except InputError as exc:
        detail = exc.detail if exc.key == key else _detail(exc)
        raise InputError(
            f"value {value!r} rejected: {detail}", source=src, key=f"factors.{key}"
        ) from None
    return resolved_value(scenario.model_dump(mode="json"), key, value)


def resolved_value(dump: dict[str, Any], key: str, default: Any) -> Any:
    """The value at dotted ``key`` of a scenario dump (``default`` if it has none)."""
    node: Any = dump
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def _detail(exc: InputError) -> str:
    return f"{exc.key}: {exc.detail}" if exc.key else exc.detail


def _conditions(
    data: dict,
    overrides: dict,
    factors: dict[str, list[Any]],
    src: str,
    scenario_path: Path,
    steps: int | None,
) -> tuple[Condition, ...]:
    out = []
    for point, combo in enumerate(itertools.product(*factors.values())):
        values = dict(zip(factors, combo, strict=True))
        label = condition_label(values)
        try:
            scenario = scenario_from_dict(data, {**overrides, **values}, source=str(scenario_path))
        except InputError as exc:
            raise InputError(
                f"condition '{label}' is impossible: {_detail(exc)}", source=src, key="factors"
            ) from None
        out.append(make_condition(point, values, scenario, steps))
    return tuple(out)


def make_condition(
    point: int, values: dict[str, Any], scenario: Scenario, steps: int | None
) -> Condition:
    """A condition with its identity: ``key`` hashes the factor values as the scenario
    holds them (so ``1`` and ``1.0`` are one condition), ``scenario_sha256`` its full
    resolved scenario; ``steps`` defaults to the scenario's ``run.steps``. Without factors
    (an experiment over worlds only) the one condition is labelled with the scenario's
    name."""
    dump = scenario.model_dump(mode="json")
    identity = {k: resolved_value(dump, k, v) for k, v in values.items()}
    return Condition(
        point=point,
        label=condition_label(values) or scenario.meta.name,
        values=values,
        scenario=scenario,
        steps=scenario.run.steps if steps is None else steps,
        key=sha256_text(canonical(identity))[:16],
        scenario_sha256=sha256_text(canonical(dump)),
    )


def with_changes(
    experiment: Experiment,
    *,
    replicates: int | None = None,
    steps: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> Experiment:
    """A copy of ``experiment`` with other replicates or steps, or extra overrides.

    Every condition's scenario is rebuilt and validated with the extra overrides, so the
    copy is checked as thoroughly as the file it came from; the manifest of a sweep of
    the copy records the overrides, replicates and steps actually used."""
    extra = dict(overrides or {})
    clash = sorted(set(extra) & set(experiment.factors))
    if clash:
        raise InputError(f"{clash[0]} is a factor of {experiment.name}; it cannot be overridden")
    uncertain = sorted(set(extra) & {u.key for u in experiment.uncertainties})
    if uncertain:
        raise InputError(
            f"{uncertain[0]} is uncertain in {experiment.name}; it cannot be overridden"
        )
    merged = {**experiment.overrides, **extra}
    data = read_toml(experiment.scenario_path)
    source = str(experiment.scenario_path)
    new_steps = experiment.steps if steps is None else int(steps)
    conditions = tuple(
        make_condition(
            c.point,
            c.values,
            scenario_from_dict(data, {**merged, **c.values}, source=source),
            new_steps,
        )
        for c in experiment.conditions
    )
    changed = dataclasses.replace(
        experiment,
        base=scenario_from_dict(data, merged, source=source),
        overrides=merged,
        replicates=experiment.replicates if replicates is None else int(replicates),
        steps=new_steps,
        conditions=conditions,
        scenario_data=data,
    )
    return changed if changed.worlds is None else with_worlds(changed, changed.worlds)


# --- Worlds -------------------------------------------------------------------------------


def with_worlds(experiment: Experiment, worlds: Worlds) -> Experiment:
    """``experiment`` run in ``worlds`` (every condition in each), after checking that every
    condition's scenario is possible in every world; an impossible one is an
    :class:`InputError` naming the world, the condition and the rule it breaks."""
    changed = dataclasses.replace(experiment, worlds=worlds)
    for condition in changed.conditions:
        for world in range(worlds.count):
            try:
                world_scenario(changed, condition, world)
            except InputError as exc:
                raise _impossible_world(changed, condition, world, exc) from None
    return changed


def world_scenario(experiment: Experiment, condition: Condition, world: int) -> Scenario:
    """The scenario of ``condition`` in ``world`` of the experiment's worlds."""
    assert experiment.worlds is not None
    changes = {**experiment.overrides, **condition.values, **experiment.worlds.overrides(world)}
    return scenario_from_dict(
        experiment.scenario_data, changes, source=str(experiment.scenario_path)
    )


def condition_worlds(
    experiment: Experiment, condition: Condition
) -> Iterator[tuple[int, Scenario, str]]:
    """``(world, scenario, its SHA-256)`` for every world ``condition`` runs in: world 0 with
    the condition's own scenario when the experiment has no worlds."""
    if experiment.worlds is None:
        yield 0, condition.scenario, condition.scenario_sha256
        return
    for world in range(experiment.worlds.count):
        scenario = world_scenario(experiment, condition, world)
        yield world, scenario, sha256_text(canonical(scenario.model_dump(mode="json")))


def _impossible_world(
    experiment: Experiment, condition: Condition, world: int, exc: InputError
) -> InputError:
    values = experiment.worlds.overrides(world)
    detail = _detail(exc)
    section = f"{exc.key}." if exc.key else ""
    # The sampled values the broken rule names, else those of its section, else all.
    shown = (
        {k: v for k, v in values.items() if k in detail}
        or {k: v for k, v in values.items() if k.startswith(section)}
        or values
    )
    sampled = ", ".join(f"{k} = {v:.4g}" for k, v in list(shown.items())[:4])
    where = f" in condition '{condition.label}'" if experiment.factors else ""
    return InputError(
        f"world {world}{where} is impossible: {detail} (sampled {sampled}); narrow "
        "the ranges so that every world is possible",
        source=str(experiment.path),
        key="uncertainties",
    )


def _reference(
    raw: dict[str, Any] | None,
    factors: dict[str, list[Any]],
    conditions: tuple[Condition, ...],
    src: str,
) -> dict[str, Any]:
    if raw is None:
        return dict(conditions[0].values)
    key = "experiment.reference"
    for name in raw:
        if name not in factors:
            raise InputError(
                f"'{name}' is not a factor{did_you_mean(name, tuple(factors))}", source=src, key=key
            )
    for name, values in factors.items():
        if name not in raw:
            raise InputError(f"missing a value for factor '{name}'", source=src, key=key)
        if raw[name] not in values:
            raise InputError(
                f"{raw[name]!r} is not a value of factor '{name}' {values}", source=src, key=key
            )
    return {name: raw[name] for name in factors}
