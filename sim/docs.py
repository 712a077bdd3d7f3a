"""Generated documentation: the parameter table in ``docs/parameters.md``.

The table is built from the schema (each field's description, unit, source and bounds) and
from the case scenario files (each value and the comment that gives its source), so neither
is restated by hand. Regenerate with ``python -m sim.docs > docs/parameters.md``; a test
checks that the committed file is current.
"""

from __future__ import annotations

import re
import sys
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.schema import Role, Scenario
from sim.shipped import scenarios_dir

CASES = ("default", "millennium", "skolplattformen")
_TABLE = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_VALUE = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=\s*(.+?)\s*(?:#\s*(.*))?$")


def scenario_comments(path: str | Path) -> dict[str, str]:
    """Dotted key -> the comment on that key's line (its source) in a scenario file."""
    comments: dict[str, str] = {}
    table = ""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            continue
        if m := _TABLE.match(line):
            table = m.group(1).strip()
        elif (m := _VALUE.match(line)) and m.group(3):
            comments[f"{table}.{m.group(1)}" if table else m.group(1)] = m.group(3).strip()
    return comments


def _flat_values(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat_values(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _bounds(field: FieldInfo) -> str:
    stated = (field.json_schema_extra or {}).get("range")
    if stated:  # a range in words, where bounds cannot say it (lists)
        return str(stated)
    low = high = ""
    for meta in field.metadata:
        if getattr(meta, "max_length", None) is not None:
            return f"one line, at most {meta.max_length} characters"
        for attr, strict in (("ge", False), ("gt", True)):
            if getattr(meta, attr, None) is not None:
                low = f"{'>' if strict else '>='} {getattr(meta, attr):g}"
        if getattr(meta, "le", None) is not None:
            high = f"<= {meta.le:g}"
    if typing.get_origin(field.annotation) is typing.Literal:
        return ", ".join(typing.get_args(field.annotation))
    args = typing.get_args(field.annotation)
    if args and all(typing.get_origin(a) is typing.Literal for a in args if a is not type(None)):
        return ", ".join(v for a in args if a is not type(None) for v in typing.get_args(a))
    return " and ".join(b for b in (low, high) if b) or "-"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _leaves(model: type[BaseModel], prefix: str = "") -> list[tuple[str, FieldInfo]]:
    rows: list[tuple[str, FieldInfo]] = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.extend(_leaves(ann, f"{prefix}{name}."))
        elif typing.get_origin(ann) is dict:
            rows.extend(_leaves(Role, f"{prefix}{name}.NAME."))
        else:
            rows.append((f"{prefix}{name}", field))
    return rows


def _case_cell(key: str, values: dict[str, Any], comments: dict[str, str]) -> str:
    """The case's value (or per-role values) with its source comment; '(default)' if unset."""
    if ".NAME." in key:
        head, leaf = key.split(".NAME.")
        parts = []
        for k in sorted(values):
            if k.startswith(head + ".") and k.endswith("." + leaf):
                role = k[len(head) + 1 : -len(leaf) - 1]
                note = comments.get(k, "")
                parts.append(f"{role} {_fmt(values[k])}" + (f" ({note})" if note else ""))
        return "; ".join(parts) or "(default)"
    if key not in values:
        return "(default)"
    note = comments.get(key)
    return _fmt(values[key]) + (f" ({note})" if note else "")


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass(frozen=True)
class Parameter:
    """One scenario key as the documentation shows it, all read from the schema."""

    key: str
    meaning: str
    unit: str
    range: str
    default: str
    source: str
    value: Any = None
    """The default itself (``default`` is its text)."""


def parameters() -> list[Parameter]:
    """Every scenario key (``NAME`` for a role) with its meaning, unit, range, default and
    source: what ``docs/parameters.md`` and ``sim scenario keys --long`` show."""
    defaults = _flat_values(Scenario().model_dump(mode="json"))
    role_defaults = Role().model_dump(mode="json")
    rows = []
    for key, field in _leaves(Scenario):
        extra = field.json_schema_extra or {}
        default = role_defaults[key.split(".NAME.")[-1]] if ".NAME." in key else defaults.get(key)
        rows.append(
            Parameter(
                key,
                field.description or "",
                str(extra.get("unit", "-")),
                _bounds(field),
                _fmt(default),
                str(extra.get("source", "assumption")),
                default,
            )
        )
    return rows


def parameter_table(scenarios: dict[str, str | Path]) -> str:
    """Markdown: one row per parameter with meaning, unit, range, default and source from
    the schema, and each scenario's value with the source given in its file."""
    cases = {}
    for name, path in scenarios.items():
        with open(path, "rb") as fh:
            cases[name] = (_flat_values(tomllib.load(fh)), scenario_comments(path))
    header = ["Key", "Meaning", "Unit", "Range", "Default", "Source", *cases]
    lines = [
        "# Parameters",
        "",
        "Generated by `python -m sim.docs > docs/parameters.md` from `sim/scenario/schema.py`",
        "and the shipped scenarios in `scenarios/`; do not edit by hand (a test checks it is",
        "current). Default and Source come from the schema; a scenario column shows the value",
        "its file sets, with the source or reason written beside it in the file, or `(default)`.",
        "`NAME` stands for a role; role defaults are those of a role table written without",
        'the key. "calibrated" marks values tuned to the stylized facts (docs/cases.md).',
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for p in parameters():
        row = [
            f"`{p.key}`",
            p.meaning,
            p.unit,
            p.range,
            p.default,
            p.source,
            *(_case_cell(p.key, values, notes) for values, notes in cases.values()),
        ]
        lines.append("| " + " | ".join(_escape(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def case_files(root: str | Path | None = None) -> dict[str, Path]:
    """The shipped scenario files with a column in the table: the default organisation and
    the two cases (or those in ``root``/scenarios)."""
    base = Path(root) / "scenarios" if root is not None else scenarios_dir()
    return {name: base / f"{name}.toml" for name in CASES}


if __name__ == "__main__":
    sys.stdout.write(parameter_table(case_files()))
