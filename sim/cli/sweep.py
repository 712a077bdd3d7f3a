"""`sim sweep`: run an experiment (a factorial sweep with replicates) into a folder."""

from __future__ import annotations

import click

from sim.cli.options import PathType, jobs_option, out_option, quiet_option
from sim.defaults import ENGINES, MAX_RUNS


@click.command("sweep")
@click.argument("experiment", type=PathType(dir_okay=False))
@out_option("Results folder (new or empty, unless --resume or --force).", required=True)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=ENGINES[0],
    show_default=True,
    help="local: worker processes on this machine; dask: Dask distributed.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler to attach to, e.g. tcp://host:8786 (default: start a local cluster).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted sweep in --out, or extend it with new replicates or levels.",
)
@click.option(
    "--force", is_flag=True, help="Delete the sweep's own files in --out and start afresh."
)
@click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    default=MAX_RUNS,
    show_default=True,
    help="Refuse experiments with more runs than this.",
)
@quiet_option
@jobs_option
def sweep_command(
    experiment: str,
    out: str,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    resume: bool,
    force: bool,
    max_runs: int,
    quiet: bool,
) -> None:
    """Run every condition of EXPERIMENT (a TOML file) with its replicates.

    Writes OUT/runs.csv (one row per run), OUT/timeseries.parquet (every run's weekly
    series), OUT/manifest.json (what was run, versions, timings) and the comparison with
    the reference condition, then prints that comparison. Finished runs are saved as they
    end: after a crash, Ctrl-C or SIGTERM, run the same command with --resume.
    """
    from sim.experiment.lifeline import exit_status, start_server, stop_signals_interrupt
    from sim.experiment.runner import default_jobs

    if engine == "local" and (jobs or default_jobs()) > 1:
        start_server()  # the workers' server imports the model while we read the experiment
    with stop_signals_interrupt():
        try:
            result = _sweep(
                experiment, out, jobs, engine, scheduler, resume, force, max_runs, quiet
            )
        except KeyboardInterrupt as exc:
            click.echo(
                f"\ninterrupted: finished runs are saved in {out}; continue with "
                f"`sim sweep {experiment} --out {out} --resume`",
                err=True,
            )
            raise SystemExit(exit_status(exc)) from None
    if quiet:
        return
    if result.markdown:
        click.echo(result.markdown)
    click.echo(f"{result.summary()}; results in {result.out_dir}")


def _sweep(experiment, out, jobs, engine, scheduler, resume, force, max_runs, quiet):
    from sim.experiment import load_experiment, run_sweep
    from sim.experiment.runner import EngineError

    spec = load_experiment(experiment, max_runs=max_runs)
    try:
        return run_sweep(
            spec,
            out,
            jobs=jobs,
            engine=engine,
            scheduler=scheduler,
            resume=resume,
            force=force,
            progress=not quiet,
        )
    except EngineError as exc:
        raise click.ClickException(
            f"{exc}; finished runs are saved, continue with --resume"
        ) from None
