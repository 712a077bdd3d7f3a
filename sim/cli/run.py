"""`sim run`: one simulation of one scenario."""

from __future__ import annotations

import click

from sim.cli.options import (
    PathType,
    out_option,
    quiet_option,
    seed_option,
    set_option,
    steps_option,
)
from sim.defaults import FIGURE_FORMATS


@click.command("run")
@click.argument("scenario", type=PathType(dir_okay=False))
@seed_option
@steps_option
@set_option
@out_option()
@click.option(
    "--plot",
    "plot_format",
    is_flag=False,
    flag_value=FIGURE_FORMATS[0],
    default=None,
    type=click.Choice(FIGURE_FORMATS),
    help=f"Also draw the run's figures into OUT/figures (default format {FIGURE_FORMATS[0]}). "
    "Without --out, results go to results/run-SEED.",
)
@quiet_option
def run_command(
    scenario: str,
    seed: int | None,
    steps: int | None,
    overrides: dict,
    out: str | None,
    plot_format: str | None,
    quiet: bool,
) -> None:
    """Run SCENARIO (a TOML file) once and print a summary.

    With --out DIR, also write DIR/timeseries.csv (one row per week, step 0 included) and
    DIR/summary.json (outcomes, the resolved scenario, the seed and package versions).
    """
    from pathlib import Path

    from sim.io import ensure_writable_dir
    from sim.scenario import load_scenario
    from sim.seeding import fresh_seed
    from sim.simulation import format_summary, simulate, write_run

    resolved = load_scenario(scenario, overrides)
    seed = fresh_seed() if seed is None else seed
    if plot_format and not out:
        out = str(Path("results") / f"run-{seed}")
    out_dir = ensure_writable_dir(out) if out else None
    result = simulate(resolved, seed=seed, steps=steps)
    written = []
    if out_dir is not None:
        write_run(result, out_dir)
        written += [out_dir / "timeseries.csv", out_dir / "summary.json"]
    if plot_format:
        from sim.analysis.plots import plot_run  # matplotlib only when asked for

        written += plot_run(out_dir, out_dir / "figures", plot_format)
    if not quiet:
        click.echo(format_summary(result))
        for path in written:
            click.echo(f"wrote {path}")
