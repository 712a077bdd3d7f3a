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

    For each outcome and condition: the mean with its confidence interval, the difference
    from the reference condition with a Welch interval, Hedges' g and, where some runs
    never reached the outcome, how many did. Failed runs are counted and left out.
    See docs/comparison.md.
    """
    from sim.analysis.comparison import compare_folder
    from sim.analysis.formatting import format_table

    table = compare_folder(folder, outcomes=outcomes, level=level)
    click.echo(format_table(table, fmt), nl=False)
