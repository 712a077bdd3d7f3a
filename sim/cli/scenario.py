"""`sim scenario validate|show|keys`: help for people writing their own scenarios."""

from __future__ import annotations

import click

from sim.cli.options import PathType, set_option


@click.group("scenario")
def scenario_group() -> None:
    """Check and inspect scenario files."""


@scenario_group.command("validate")
@click.argument("file", type=PathType(dir_okay=False))
@set_option
def validate_command(file: str, overrides: dict) -> None:
    """Check FILE; print 'ok' or a one-line error (exit status 2)."""
    from sim.scenario import load_scenario

    scenario = load_scenario(file, overrides)
    click.echo(f"ok: {file} ({scenario.meta.name}, {scenario.population.size} users)")


@scenario_group.command("show")
@click.argument("file", type=PathType(dir_okay=False))
@set_option
def show_command(file: str, overrides: dict) -> None:
    """Print FILE resolved, with every default filled in, as TOML."""
    from sim.scenario import load_scenario, scenario_to_toml

    click.echo(scenario_to_toml(load_scenario(file, overrides)), nl=False)


@scenario_group.command("keys")
def keys_command() -> None:
    """List every valid dotted key (NAME stands for a role's name)."""
    from sim.scenario import flat_keys

    for key in flat_keys():
        click.echo(key)
