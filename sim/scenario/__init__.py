"""Scenario files: the schema (every parameter and default) and loading with validation."""

from sim.scenario.loading import (
    apply_overrides,
    flat_keys,
    load_scenario,
    parse_assignment,
    scenario_from_dict,
    scenario_to_toml,
    schema_field,
)
from sim.scenario.schema import INVOLVEMENT_PRESETS, STRATEGIES, Scenario

__all__ = [
    "INVOLVEMENT_PRESETS",
    "STRATEGIES",
    "Scenario",
    "apply_overrides",
    "flat_keys",
    "load_scenario",
    "parse_assignment",
    "scenario_from_dict",
    "scenario_to_toml",
    "schema_field",
]
