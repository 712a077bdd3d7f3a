"""Experiment files: a base scenario, factors crossed in a full factorial, replicates.

An experiment file is TOML with three tables (paths are relative to the file)::

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

Everything is checked when the file is loaded, including the scenario of every condition,
so a sweep never fails half-way on a typo. Every problem is an :class:`InputError` with a
one-line message naming the file and the key.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from sim.errors import InputError, did_you_mean
from sim.scenario import Scenario, scenario_from_dict
from sim.scenario.loading import read_toml

TABLES = ("experiment", "factors", "overrides")
StrictInt = Annotated[int, Strict()]
StrictStr = Annotated[str, Strict()]


class ExperimentTable(BaseModel):
    """The ``[experiment]`` table."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(description="Short name, used in tables, plots and the manifest.")
    scenario: StrictStr = Field(description="Base scenario file, relative to the experiment.")
    replicates: StrictInt = Field(ge=1, description="Runs per condition, each with its own seed.")
    seed: StrictInt = Field(ge=0, description="Root seed from which every run's seed is derived.")
    steps: StrictInt | None = Field(
        None, ge=1, le=2000, description="Weeks per run (default: the scenario's run.steps)."
    )
    reference: dict[str, Any] | None = Field(
        None, description="The condition others are compared with (default: the first)."
    )
    description: StrictStr = Field("", description="One or two sentences on the question.")


@dataclass(frozen=True)
class Condition:
    """One cell of the full factorial: ``point`` is its index in declared order."""

    point: int
    label: str
    values: dict[str, Any]
    scenario: Scenario

    def as_json(self) -> dict[str, Any]:
        return {"point": self.point, "label": self.label, "values": self.values}


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
    steps: int
    replicates: int
    seed: int
    conditions: tuple[Condition, ...]

    @property
    def n_runs(self) -> int:
        return len(self.conditions) * self.replicates

    def fingerprint(self) -> str:
        """Hash of what determines results: the file and every condition's full scenario.

        It changes when the experiment file or the scenario file it reads changes.
        """
        parts = [self.sha256] + [
            json.dumps(c.scenario.model_dump(mode="json"), sort_keys=True) for c in self.conditions
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def condition_label(values: dict[str, Any]) -> str:
    """``big_bang | low``: the factor values in declared order."""
    return " | ".join(str(v) for v in values.values())


def load_experiment(path: str | Path) -> Experiment:
    """Read, validate and expand an experiment file (see the module docstring)."""
    p = Path(path)
    src = str(p)
    data = read_toml(p)
    text = p.read_text(encoding="utf-8")
    for table in data:
        if table not in TABLES:
            raise InputError(f"unknown table{did_you_mean(table, TABLES)}", source=src, key=table)
    head = _experiment_table(data.get("experiment"), src)
    factors = _factors(data.get("factors"), src)
    overrides = _table(data.get("overrides", {}), src, "overrides")
    for key in factors:
        if key in overrides:
            raise InputError(
                "set both as a factor and as an override", source=src, key=f"overrides.{key}"
            )

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
        for value in values:
            _check_factor(base_data, overrides, key, value, src, scenario_path)

    conditions = _conditions(base_data, overrides, factors, src, scenario_path)
    reference = _reference(head.reference, factors, conditions, src)
    return Experiment(
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
        steps=head.steps if head.steps is not None else base.run.steps,
        replicates=head.replicates,
        seed=head.seed,
        conditions=conditions,
    )


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


def _factors(raw: Any, src: str) -> dict[str, list[Any]]:
    if raw is None:
        raise InputError("missing table [factors]", source=src, key="factors")
    factors = _table(raw, src, "factors")
    if not factors:
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
        seen = [json.dumps(v, sort_keys=True) for v in values]
        if len(set(seen)) != len(seen):
            raise InputError("values repeat", source=src, key=f"factors.{key}")
    return factors


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
) -> None:
    """Check one factor value on its own, so a bad value is blamed on its factor."""
    try:
        scenario_from_dict(data, {**overrides, key: value}, source=str(scenario_path))
    except InputError as exc:
        detail = exc.detail if exc.key == key else _detail(exc)
        raise InputError(
            f"value {value!r} rejected: {detail}", source=src, key=f"factors.{key}"
        ) from None


def _detail(exc: InputError) -> str:
    return f"{exc.key}: {exc.detail}" if exc.key else exc.detail


def _conditions(
    data: dict, overrides: dict, factors: dict[str, list[Any]], src: str, scenario_path: Path
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
        out.append(Condition(point, label, values, scenario))
    return tuple(out)


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
