"""`sim sweep`: run an experiment (a factorial sweep with replicates) into a folder."""

from __future__ import annotations

from collections.abc import Callable

import click

from sim.cli.options import PathType, out_option, runs_options


@click.command("sweep")
@click.argument("experiment", type=PathType(dir_okay=False))
@out_option("Results folder (new or empty, unless --resume or --force).", required=True)
@runs_options
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
    """Run every condition of EXPERIMENT (a TOML file) with its replicates, in every
    sampled world if it has [uncertainties] and worlds = N.

    Writes OUT/runs.csv (one row per run), OUT/timeseries.parquet (every run's weekly
    series), OUT/manifest.json (what was run, versions, timings) and the comparison with
    the reference condition, then prints that comparison. Finished runs are saved as they
    end: after a crash, Ctrl-C or SIGTERM, run the same command with --resume.
    """

    def sweep():
        from sim.experiment import load_experiment, run_sweep

        spec = load_experiment(experiment, max_runs=max_runs)
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

    again = f"sim sweep {experiment} --out {out} --resume"
    result = interruptible(again, out, engine, jobs, sweep)
    if quiet:
        return
    if result.markdown:
        click.echo(result.markdown)
    click.echo(f"{result.summary()}; results in {result.out_dir}")


def interruptible(again: str, out: str, engine: str, jobs: int | None, run: Callable):
    """Call ``run()`` (which runs an experiment's runs into ``out``) so that Ctrl-C, SIGTERM
    and SIGHUP stop it with the finished runs kept and ``again``, the command that continues
    it, printed, and a failing engine is one line; the workers' server starts first when
    there will be workers, so it loads the model while the experiment is read."""
    from sim.experiment.lifeline import exit_status, start_server, stop_signals_interrupt
    from sim.experiment.runner import EngineError, default_jobs

    if engine == "local" and (jobs or default_jobs()) > 1:
        start_server()
    with stop_signals_interrupt():
        try:
            return run()
        except KeyboardInterrupt as exc:
            click.echo(
                f"\ninterrupted: finished runs are saved in {out}; continue with `{again}`",
                err=True,
            )
            raise SystemExit(exit_status(exc)) from None
        except EngineError as exc:
            raise click.ClickException(
                f"{exc}; finished runs are saved, continue with --resume"
            ) from None
