"""`sim demo`: the main experiment, its table and figure, explained in plain words."""

from __future__ import annotations

import click

from sim.cli.options import jobs_option, out_option
from sim.defaults import DEMO_OUT, DEMO_QUICK


@click.command("demo")
@click.option(
    "--quick",
    is_flag=True,
    help=f"A classroom-sized run: {DEMO_QUICK['replicates']} replicates of "
    f"{DEMO_QUICK['overrides']['population.size']} users per condition (seconds, not minutes).",
)
@out_option(
    "The demo's own folder; an earlier demo there is replaced, anything else refused.",
    default=DEMO_OUT,
    show_default=True,
)
@click.option("--force", is_flag=True, help="Replace another sweep's results in OUT.")
@jobs_option
def demo_command(quick: bool, out: str, jobs: int | None, force: bool) -> None:
    """Run big bang vs phased x low/token/high involvement and explain the result.

    Runs the main experiment (experiments/rollout_x_involvement.toml) into OUT (replacing
    an earlier demo there), prints the comparison with the reference condition, writes
    OUT/figures/main.png and says in plain words what the figure shows.
    """
    from sim.demo import run_demo
    from sim.experiment.lifeline import exit_status, start_server, stop_signals_interrupt
    from sim.experiment.runner import default_jobs

    if not quick and (jobs or default_jobs()) > 1:
        start_server()  # the workers' server imports the model while the demo is prepared
    with stop_signals_interrupt():
        try:
            result = run_demo(out, quick=quick, jobs=jobs, progress=True, force=force)
        except KeyboardInterrupt as exc:
            click.echo(f"\ninterrupted: the demo in {out} is incomplete; run it again", err=True)
            raise SystemExit(exit_status(exc)) from None
    click.echo(result.markdown)
    click.echo(f"{result.runs} runs in {result.seconds:.1f} s; results in {result.out_dir}")
    click.echo(f"\nFigure: {result.figure}\n")
    for line in result.explanation:
        click.echo(click.wrap_text(line, width=92, subsequent_indent="  ", initial_indent="- "))
