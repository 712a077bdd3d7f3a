"""`sim compare`: the comparison table of a sweep's results folder."""

from __future__ import annotations

import click

from sim.cli.options import PathType, format_option, level_option, outcomes_option
from sim.defaults import TABLE_FORMATS


@click.command("compare")
@click.argument("folder", metavar="DIR", type=PathType(file_okay=False))
@format_option(
    TABLE_FORMATS,
    "Markdown for reading (wide: one compact table), tidy CSV for machines, LaTeX for papers.",
)
@outcomes_option
@level_option
def compare_command(folder: str, fmt: str, outcomes: list[str] | None, level: float) -> None:
    """Compare the conditions of the sweep in DIR (runs.csv and manifest.json).

    For each outcome and condition: the mean over replicates with its confidence interval
    (Monte Carlo precision), the difference from the reference condition with a Welch
    interval, Hedges' g and, where some runs never reached the outcome, how many did.
    For a sweep over sampled worlds: the spread across worlds, the paired difference from
    the reference world by world, the share of worlds in which each condition beats the
    reference (with a Wilson interval) and is best, and regret. Failed runs are counted and
    left out. See docs/comparison.md and docs/experiments.md.
    """
    from sim.analysis.comparison import compare_folder, format_comparison

    table = compare_folder(folder, outcomes=outcomes, level=level)
    click.echo(format_comparison(table, fmt), nl=False)
