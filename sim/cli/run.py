"""`sim run`: one simulation of one scenario."""

from __future__ import annotations

import click

from sim.cli.options import out_option, quiet_option, seed_option, set_option, steps_option
from sim.io import ensure_writable_dir
from sim.run import format_summary, simulate, write_run
from sim.scenario import load_scenario


@click.command("run")
@click.argument("scenario", type=click.Path(dir_okay=False))
@seed_option
@steps_option
@set_option
@out_option
@quiet_option
def run_command(
    scenario: str,
    seed: int | None,
    steps: int | None,
    overrides: dict,
    out: str | None,
    quiet: bool,
) -> None:
    """Run SCENARIO (a TOML file) once and print a summary.

    With --out DIR, also write DIR/timeseries.csv (one row per week, step 0 included) and
    DIR/summary.json (outcomes, the resolved scenario, the seed and package versions).
    """
    resolved = load_scenario(scenario, overrides)
    out_dir = ensure_writable_dir(out) if out else None
    result = simulate(resolved, seed=seed, steps=steps)
    if out_dir is not None:
        write_run(result, out_dir)
    if not quiet:
        click.echo(format_summary(result))
        if out_dir is not None:
            click.echo(f"\nwrote {out_dir / 'timeseries.csv'} and {out_dir / 'summary.json'}")
