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
@click.option(
    "--long", "long_", is_flag=True, help="With each key's default, unit, range and meaning."
)
def keys_command(long_: bool) -> None:
    """List every valid dotted key (NAME stands for a role's name)."""
    if not long_:
        from sim.scenario import flat_keys

        for key in flat_keys():
            click.echo(key)
        return
    import textwrap

    from sim.docs import parameters

    for i, p in enumerate(parameters()):
        default = f'"{p.default}"' if isinstance(p.value, str) else p.default
        facts = [f"default {default}", *(x for x in (p.unit, p.range) if x != "-")]
        click.echo(("\n" if i else "") + f"{p.key}  ({'; '.join(facts)})")
        click.echo(textwrap.fill(p.meaning, 88, initial_indent="    ", subsequent_indent="    "))
