"""Options shared by several subcommands, defined once."""

from __future__ import annotations

import click

from sim.scenario import parse_assignment


def _parse_sets(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    return dict(parse_assignment(v) for v in values)


seed_option = click.option(
    "--seed", type=int, default=None, help="Random seed (default: fresh entropy, recorded)."
)
steps_option = click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=None,
    help="Weeks to simulate (default: the scenario's run.steps).",
)
set_option = click.option(
    "--set",
    "overrides",
    multiple=True,
    callback=_parse_sets,
    metavar="KEY=VALUE",
    help="Override a scenario value by dotted key, e.g. --set population.size=5000. Repeatable.",
)
out_option = click.option(
    "--out", type=click.Path(file_okay=False), default=None, help="Folder to write results to."
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")


def _split_names(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]):
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    return names or None


outcomes_option = click.option(
    "--outcomes",
    multiple=True,
    callback=_split_names,
    metavar="A,B,...",
    help="Run-level outcomes, comma-separated or repeated (default: the main outcomes).",
)
jobs_option = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores).",
)
