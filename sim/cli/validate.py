"""`sim validate`: check the model against its patterns (docs/ODD.md) and the two cases."""

from __future__ import annotations

import click

from sim.cli.options import PathType, seed_option_with
from sim.defaults import VALIDATION_QUICK_REPLICATES, VALIDATION_REPLICATES, VALIDATION_ROOT_SEED


@click.command("validate")
@click.option(
    "--replicates",
    type=click.IntRange(min=2),
    default=None,
    help=f"Replicates per condition (default {VALIDATION_REPLICATES}; "
    f"{VALIDATION_QUICK_REPLICATES} with --quick).",
)
@click.option("--quick", is_flag=True, help="Small populations and few replicates (a smoke test).")
@seed_option_with(
    "Root seed; every run's seed derives from it.",
    "root_seed",
    default=VALIDATION_ROOT_SEED,
    show_default=True,
)
@click.option(
    "--scenarios",
    type=PathType(file_okay=False, exists=True),
    default=None,
    help="Folder holding millennium.toml and skolplattformen.toml (default: the shipped ones).",
)
def validate_command(
    replicates: int | None, quick: bool, root_seed: int, scenarios: str | None
) -> None:
    """Run the pattern checks and print each measured value with its 95 % CI, the target
    and its source, and PASS, INCONCLUSIVE or FAIL. Exit status 1 if any check fails
    (known deviations excepted)."""
    from pathlib import Path

    from sim.validation import Context, format_report, run_validation

    n = replicates or (VALIDATION_QUICK_REPLICATES if quick else VALIDATION_REPLICATES)
    ctx = Context(replicates=n, quick=quick, root_seed=root_seed)
    if scenarios is not None:
        ctx.scenarios_dir = Path(scenarios)
    results = run_validation(ctx)
    click.echo(format_report(results, ctx))
    if any(r.failed for r in results):
        raise SystemExit(1)
