"""`sim plot`: draw the figures of a saved sweep or run."""

from __future__ import annotations

import click

from sim.cli.options import PathType, format_option, out_option, outcomes_option, quiet_option
from sim.defaults import FIGURE_FORMATS


@click.command("plot")
@click.argument("results_dir", metavar="DIR", type=PathType(file_okay=False))
@format_option(
    FIGURE_FORMATS,
    "File format of the figures.",
)
@outcomes_option
@out_option("Folder for the figures (default: DIR/figures).")
@quiet_option
def plot_command(
    results_dir: str, fmt: str, outcomes: list[str] | None, out: str | None, quiet: bool
) -> None:
    """Draw the figures of DIR, a sweep folder or a `sim run --out` folder.

    Writes timeseries, roles, outcomes (sweeps only) and main figures into DIR/figures (or
    --out) and prints their paths.
    """
    from sim.analysis.plots import plot_results

    paths = plot_results(results_dir, out, fmt, outcomes or None)
    if not quiet:
        for path in paths:
            click.echo(str(path))
