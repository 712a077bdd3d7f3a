"""`sim validate`: check the model against the patterns of MODEL.md and the two cases."""

from __future__ import annotations

from pathlib import Path

import click

from sim.validation import DEFAULT_ROOT_SEED, Context, format_report, run_validation

QUICK_REPLICATES = 3
FULL_REPLICATES = 20


@click.command("validate")
@click.option(
    "--replicates",
    type=click.IntRange(min=2),
    default=None,
    help=f"Replicates per condition (default {FULL_REPLICATES}; {QUICK_REPLICATES} with --quick).",
)
@click.option("--quick", is_flag=True, help="Small populations and few replicates (a smoke test).")
@click.option(
    "--seed",
    "root_seed",
    type=click.IntRange(min=0),
    default=DEFAULT_ROOT_SEED,
    show_default=True,
    help="Root seed; every run's seed derives from it.",
)
@click.option(
    "--scenarios",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Folder holding millennium.toml and skolplattformen.toml (default: the repository's).",
)
def validate_command(
    replicates: int | None, quick: bool, root_seed: int, scenarios: str | None
) -> None:
    """Run the pattern checks and print each measured value with its 95 % CI, the target
    and its source, and PASS/FAIL. Exit status 1 if any check fails."""
    n = replicates or (QUICK_REPLICATES if quick else FULL_REPLICATES)
    ctx = Context(replicates=n, quick=quick, root_seed=root_seed)
    if scenarios is not None:
        ctx.scenarios_dir = Path(scenarios)
    results = run_validation(ctx)
    click.echo(format_report(results, ctx))
    if any(not r.passed and not r.deviation for r in results):
        raise SystemExit(1)
