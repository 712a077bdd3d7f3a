"""Loading scenario files: TOML in, a validated :class:`Scenario` out, or one clear error.

Overrides use dotted keys (``{"population.size": 5000}``) and are applied to the file's
table before validation, so they are checked exactly like values written in the file.
"""

from __future__ import annotations

import copy
import tomllib
import typing
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.errors import InputError, did_you_mean, nearest, shown
from sim.scenario.schema import REPLACED, Population, Scenario


def load_scenario(
    path: str | Path | None = None, overrides: dict[str, Any] | None = None
) -> Scenario:
    """Read a scenario file, apply dotted-key overrides and validate.

    With ``path=None`` the defaults are used. Raises :class:`InputError` with a one-line
    message naming the file and key for any problem.
    """
    source = str(path) if path is not None else "<defaults>"
    data = read_toml(path) if path is not None else {}
    return scenario_from_dict(data, overrides, source=source)


MAX_NESTING = 10
"""Deepest nesting of tables and arrays accepted in a scenario or experiment file or a
``--set`` value (a scenario needs four: ``population.roles.NAME.share``)."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into an :class:`InputError`: a missing
    file, a folder, a path the system cannot open (a NUL byte, a name too long, a symlink
    loop), a syntax error, text that is not UTF-8, or nesting deeper than
    :data:`MAX_NESTING`."""
    p = Path(path)
    source = str(p)
    try:
        if not p.is_file():
            raise InputError("no such file" if not p.exists() else "not a file", source=source)
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"TOML syntax error: {exc}", source=source) from None
    except RecursionError:
        raise InputError(f"nested more than {MAX_NESTING} levels deep", source=source) from None
    except ValueError as exc:  # a NUL byte in the path
        raise InputError(f"not a usable path: {exc}", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"cannot read: {reason}", source=source) from None
    check_nesting(data, source=source)
    return data


def check_nesting(value: Any, *, source: str | None = None, key: str | None = None) -> None:
    """:class:`InputError` if ``value`` nests tables and arrays more than
    :data:`MAX_NESTING` levels deep (checked without recursion)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if not isinstance(node, dict | list):
            continue
        if depth >= MAX_NESTING:
            raise InputError(f"nested more than {MAX_NESTING} levels deep", source=source, key=key)
        stack.extend((child, depth + 1) for child in children)


def scenario_from_dict(
    data: dict[str, Any], overrides: dict[str, Any] | None = None, *, source: str = "<scenario>"
) -> Scenario:
    """Validate a nested table (as read from TOML) with overrides into a :class:`Scenario`."""
    overrides = overrides or {}
    if any(k.startswith("population.roles.") for k in overrides):
        data = _with_default_roles(data)
    data = apply_overrides(data, overrides, source=source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _as_input_error(exc, data, source) from None


def _with_default_roles(data: dict[str, Any]) -> dict[str, Any]:
    """Write the default roles into ``data`` when it has none, so that overriding one field
    of a default role changes that role instead of replacing all roles."""
    population = data.get("population", {})
    if not isinstance(population, dict) or "roles" in population:
        return data
    defaults = Population().model_dump(mode="json")["roles"]
    return {**data, "population": {**population, "roles": defaults}}


def apply_overrides(
    data: dict[str, Any], overrides: dict[str, Any], *, source: str = "<scenario>"
) -> dict[str, Any]:
    """Return a copy of ``data`` with each dotted key set to its value."""
    out = copy.deepcopy(data)
    for key, value in overrides.items():
        parts = key.split(".")
        if not all(parts):
            raise InputError("malformed key", source=source, key=key)
        node = out
        for depth, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise InputError(
                    f"'{'.'.join(parts[: depth + 1])}' is a value, not a table",
                    source=source,
                    key=key,
                )
            node = child
        node[parts[-1]] = value
    return out


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``KEY=VALUE`` from the command line; VALUE is read as TOML, else as a string.

    >>> parse_assignment("population.size=5000")
    ('population.size', 5000)
    >>> parse_assignment("rollout.strategy=big_bang")
    ('rollout.strategy', 'big_bang')
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError(f"expected KEY=VALUE, got '{shown(text)}'", key="--set")
    raw = raw.strip()
    try:
        parsed = tomllib.loads(f"v = {raw}")
    except tomllib.TOMLDecodeError:
        parsed = {"v": raw}
    except RecursionError:
        raise InputError(f"nested more than {MAX_NESTING} levels deep", key=key) from None
    # More than one key: VALUE spans lines that TOML read as further assignments.
    value = parsed["v"] if len(parsed) == 1 else raw
    check_nesting(value, key=key)
    return key, value


def scenario_to_toml(scenario: Scenario) -> str:
    """The resolved scenario, every default included, as TOML text."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    return tomli_w.dumps(data)


def flat_keys(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every valid dotted key of the schema (role keys use the placeholder ``NAME``)."""
    keys: list[str] = []
    for name, field in model.model_fields.items():
        dotted = f"{prefix}{name}"
        sub = _submodel(field.annotation)
        if sub is not None and typing.get_origin(field.annotation) is dict:
            keys.extend(flat_keys(sub, f"{dotted}.NAME."))
        elif sub is not None:
            keys.extend(flat_keys(sub, f"{dotted}."))
        else:
            keys.append(dotted)
    return keys


def schema_field(key: str) -> FieldInfo:
    """The schema field of a dotted scenario key (role keys: ``population.roles.NAME.x``,
    with any role name in place of ``NAME``).

    Raises :class:`InputError` naming ``key`` for a malformed or unknown key (with the
    nearest valid one) and for a key that names a table rather than a value.
    """
    model: type[BaseModel] = Scenario
    parts = key.split(".")
    if not all(parts):
        raise InputError("malformed key", key=key)
    i = 0
    while True:
        field = model.model_fields.get(parts[i])
        sub = _submodel(field.annotation) if field is not None else None
        if field is None or (sub is None and i != len(parts) - 1):
            raise InputError(f"unknown scenario key{_suggest(parts)}", key=key)
        if sub is None:
            return field
        i += 2 if typing.get_origin(field.annotation) is dict else 1
        if i >= len(parts):
            raise InputError("is a table of the scenario, not a value", key=key)
        model = sub


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _as_input_error(exc: ValidationError, data: dict[str, Any], source: str) -> InputError:
    err = exc.errors()[0]
    loc = [str(part) for part in err["loc"]]
    key = ".".join(loc) or None
    kind = err["type"]
    if kind == "extra_forbidden":
        if key in REPLACED:
            return InputError(f"no longer exists: {REPLACED[key]}", source=source, key=key)
        return InputError(f"unknown key{_suggest(loc)}", source=source, key=key)
    message = err["msg"].removeprefix("Value error, ")
    if kind not in ("value_error", "model_type", "dict_type") and "input" in err:
        message = f"{message} (got {err['input']!r})"
    return InputError(message, source=source, key=key)


def _suggest(loc: list[str]) -> str:
    """' (did you mean 'x.y'?)' for the nearest valid key, or ''."""
    candidates = flat_keys()
    if len(loc) >= 3 and loc[:2] == ["population", "roles"]:
        candidates = [c.replace(".NAME.", f".{loc[2]}.") for c in candidates]
    dotted = ".".join(loc)
    if nearest(dotted, candidates) is None:  # a misspelt last part under a misspelt table
        leaf = nearest(loc[-1], [c.rsplit(".", 1)[-1] for c in candidates], cutoff=0.7)
        candidates = [c for c in candidates if leaf and c.endswith("." + leaf)][:1]
        return f" (did you mean '{candidates[0]}'?)" if candidates else ""
    return did_you_mean(dotted, candidates)
