"""`sim sweep`: run an experiment (a factorial sweep with replicates) into a folder."""

from __future__ import annotations

import click

from sim.cli.options import PathType, jobs_option, out_option, quiet_option
from sim.defaults import ENGINES


@click.command("sweep")
@click.argument("experiment", type=PathType(dir_okay=False))
@out_option("Results folder (must be new or empty unless --resume or --force).", required=True)
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
@click.option("--resume", is_flag=True, help="Continue an interrupted sweep in --out.")
@click.option("--force", is_flag=True, help="Delete the results in --out and start afresh.")
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
    quiet: bool,
) -> None:
    """Run every condition of EXPERIMENT (a TOML file) with its replicates.

    Writes OUT/runs.csv (one row per run), OUT/timeseries.parquet (every run's weekly
    series), OUT/manifest.json (what was run, versions, timings) and the comparison with
    the reference condition, then prints that comparison. Finished runs are saved as they
    end: after a crash or Ctrl-C, run the same command with --resume.
    """
    from sim.experiment import load_experiment, run_sweep
    from sim.experiment.runner import EngineError

    spec = load_experiment(experiment)
    try:
        result = run_sweep(
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
    except KeyboardInterrupt:
        click.echo(
            f"\ninterrupted: finished runs are saved in {out}; continue with "
            f"`sim sweep {experiment} --out {out} --resume`",
            err=True,
        )
        raise SystemExit(130) from None
    if quiet:
        return
    if result.markdown:
        click.echo(result.markdown)
    failed = result.counts.get("failed", 0)
    click.echo(
        f"{spec.n_runs} runs ({failed} failed), {result.executed} run now in "
        f"{result.wall_seconds:.1f} s; results in {result.out_dir}"
    )
