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
    "Without --out, results go to results/run-SEED-SCENARIO[-KEY=VALUE...].",
)
@click.option(
    "--force", is_flag=True, help="Replace another run's results in OUT (never a sweep's)."
)
@quiet_option
def run_command(
    scenario: str,
    seed: int | None,
    steps: int | None,
    overrides: dict,
    out: str | None,
    plot_format: str | None,
    force: bool,
    quiet: bool,
) -> None:
    """Run SCENARIO (a TOML file) once and print a summary.

    With --out DIR, also write DIR/timeseries.csv (one row per week, step 0 included) and
    DIR/summary.json (outcomes, the resolved scenario, the seed and package versions).
    An existing OUT is only ever rewritten with the same run, or with --force another
    run's; a sweep's folder or one sim did not write is refused.
    """
    from pathlib import Path

    from sim.errors import InputError
    from sim.scenario import load_scenario
    from sim.seeding import fresh_seed
    from sim.simulation import (
        default_run_folder,
        format_summary,
        prepare_run_folder,
        run_identity,
        run_label,
        simulate,
        write_run,
    )

    try:
        resolved = load_scenario(scenario, overrides)
    except InputError:
        from sim.experiment.spec import is_experiment_file

        if is_experiment_file(scenario):
            raise InputError(
                "this is an experiment file; use `sim sweep`", source=scenario
            ) from None
        raise
    seed = fresh_seed() if seed is None else seed
    label = run_label(scenario, overrides)
    if plot_format and not out:
        out = str(default_run_folder(scenario, seed, overrides))
    out_dir = None
    if out:
        identity = run_identity(resolved, seed, steps)
        out_dir = prepare_run_folder(Path(out), identity, label, force=force)
    result = simulate(resolved, seed=seed, steps=steps)
    written = []
    if out_dir is not None:
        write_run(result, out_dir, label)
        written += [out_dir / "timeseries.csv", out_dir / "summary.json"]
    if plot_format:
        from sim.analysis.plots import plot_run  # matplotlib only when asked for

        written += plot_run(out_dir, out_dir / "figures", plot_format)
    if not quiet:
        click.echo(format_summary(result))
        for path in written:
            click.echo(f"wrote {path}")
