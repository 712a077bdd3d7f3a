"""`sim plot`: draw the figures of a saved sweep or run."""

from __future__ import annotations

import click

from sim.cli.options import (
    PathType,
    format_option,
    out_option,
    outcomes_option,
    quiet_option,
    split_names,
)
from sim.defaults import FIGURE_FORMATS


@click.command("plot")
@click.argument("results_dir", metavar="DIR", type=PathType(file_okay=False))
@format_option(
    FIGURE_FORMATS,
    "File format of the figures.",
)
@outcomes_option
@click.option(
    "--where",
    multiple=True,
    metavar="KEY=VALUE,...",
    help="Only the conditions whose factor KEY has one of these levels, e.g. "
    "--where rollout.waves=1,4. Repeatable (all must hold).",
)
@click.option(
    "--conditions",
    multiple=True,
    callback=split_names,
    metavar="A,B,...",
    help="Only these conditions: point numbers or labels as in runs.csv. Repeatable.",
)
@out_option("Folder for the figures (default: DIR/figures).")
@quiet_option
def plot_command(
    results_dir: str,
    fmt: str,
    outcomes: list[str] | None,
    where: tuple[str, ...],
    conditions: list[str] | None,
    out: str | None,
    quiet: bool,
) -> None:
    """Draw the figures of DIR, a sweep folder or a `sim run --out` folder.

    Writes timeseries, roles, outcomes (sweeps only) and main figures into DIR/figures (or
    --out) and prints their paths. With many conditions the figures become small
    multiples (a panel per level of the first factors); choose conditions with --where or
    --conditions.
    """
    from sim.analysis.layout import parse_where
    from sim.analysis.plots import plot_results

    chosen = parse_where(where) if where else None
    paths = plot_results(results_dir, out, fmt, outcomes or None, chosen, conditions)
    if not quiet:
        for path in paths:
            click.echo(str(path))
