"""`sim sensitivity`: which uncertain parameters drive an outcome (Morris, Sobol)?"""

from __future__ import annotations

import click

from sim.cli.options import PathType, out_option, outcomes_option, runs_options
from sim.cli.sweep import interruptible
from sim.defaults import SENSITIVITY_METHODS, SENSITIVITY_SAMPLES


def _pair(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    names = [v.strip() for v in value.split(",")]
    if len(names) != 2 or not all(names):
        raise click.BadParameter("give two conditions, A,B (e.g. 'phased | low,big_bang | low')")
    return tuple(names)


def _names(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()] or None


@click.command(
    "sensitivity", short_help="Which uncertain parameters drive each outcome (Morris, Sobol)."
)
@click.argument("experiment", type=PathType(dir_okay=False))
@click.option(
    "--method",
    type=click.Choice(SENSITIVITY_METHODS),
    required=True,
    help="morris: screening (mu*, sigma); sobol: variance shares (S1, ST).",
)
@out_option(
    "Folder for the runs, tables and figures (new or empty, unless --resume).", required=True
)
@click.option(
    "--samples",
    type=click.IntRange(min=2),
    default=None,
    help=f"Morris trajectories (default {SENSITIVITY_SAMPLES['morris']}) or the Sobol base "
    f"sample N, a power of two (default {SENSITIVITY_SAMPLES['sobol']}).",
)
@outcomes_option
@click.option(
    "--difference",
    callback=_pair,
    metavar="A,B",
    default=None,
    help="Run only conditions A and B and also analyse A - B at every sample point, e.g. "
    "'phased | low,big_bang | low'.",
)
@click.option(
    "--parameters",
    callback=_names,
    metavar="KEY,...",
    default=None,
    help="Vary only these uncertain keys; the others keep the scenario's values (default: all).",
)
@runs_options
def sensitivity_command(
    experiment: str,
    method: str,
    out: str,
    samples: int | None,
    outcomes: list[str] | None,
    difference: tuple[str, str] | None,
    parameters: list[str] | None,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    resume: bool,
    force: bool,
    max_runs: int,
    quiet: bool,
) -> None:
    """Rank the uncertain parameters of EXPERIMENT (its [uncertainties] table) by their
    effect on each outcome, for each condition and for the difference A - B.

    Draws a Morris or Sobol design (SALib) over the uncertainties, runs every condition at
    every sample point with the experiment's replicates (the same seeds at every point),
    averages the replicates, and writes OUT/sensitivity.md, .csv and .tex, figures in
    OUT/figures and the runs as a sweep does; then prints the table. Interrupted runs
    continue with --resume. See docs/experiments.md.
    """

    def analyse():
        from sim.experiment import load_experiment
        from sim.experiment.sensitivity import run_sensitivity

        spec = load_experiment(experiment, max_runs=max_runs)
        return run_sensitivity(
            spec,
            out,
            method,
            samples,
            outcomes=outcomes,
            difference=difference,
            parameters=parameters,
            max_runs=max_runs,
            jobs=jobs,
            engine=engine,
            scheduler=scheduler,
            resume=resume,
            force=force,
            progress=not quiet,
        )

    again = f"sim sensitivity {experiment} --method {method} --out {out} --resume"
    if samples is not None:
        again += f" --samples {samples}"
    if difference is not None:
        again += f" --difference '{difference[0]},{difference[1]}'"
    if parameters:
        again += f" --parameters {','.join(parameters)}"
    result = interruptible(again, out, engine, jobs, analyse)
    if quiet:
        return
    click.echo(result.markdown)
    click.echo(f"{result.sweep.summary()}; results in {result.out_dir}")
